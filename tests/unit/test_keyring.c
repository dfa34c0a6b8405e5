/*
 * test_keyring.c - unit tests for src/sec/keyfile.c: one- and multi-key
 * files, comments, malformed files, permission refusal, key ids, sub-keys,
 * and the rotation rewrites (add_new, drop_old). Key files are written
 * under a fresh mkdtemp directory in /tmp, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sec/keyfile.h"

#define HEX_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define HEX_C "0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef"

struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/filet-keyring-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/key", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static size_t count_files(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void hex_to_key(const char *hex, unsigned char key[KEYFILE_KEY_BYTES])
{
    size_t n = 0;
    assert_int_equal(sodium_hex2bin(key, KEYFILE_KEY_BYTES, hex, strlen(hex), NULL, &n, NULL), 0);
    assert_int_equal(n, KEYFILE_KEY_BYTES);
}

/* ---------------------------------------------------------------- load */

static void test_generate_then_load(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    unsigned char key[KEYFILE_KEY_BYTES], zero[KEYFILE_KEY_BYTES] = {0};
    struct stat st;
    assert_int_equal(keyfile_generate(f->path, err, sizeof(err)), 0);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 65);
    assert_int_equal(keyfile_generate(f->path, err, sizeof(err)), -1); /* exists */
    assert_int_equal(keyfile_load(f->path, key, err, sizeof(err)), 0);
    assert_memory_not_equal(key, zero, sizeof(key));
    keyring kr;
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 1);
    assert_memory_equal(kr.key[0], key, sizeof(key));
    keyring_wipe(&kr);
    assert_int_equal(kr.n, 0);
}

static void test_load_one(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    unsigned char key[KEYFILE_KEY_BYTES], want[KEYFILE_KEY_BYTES];
    keyring kr;
    hex_to_key(HEX_A, want);
    write_file(f->path, HEX_A "\n", 0600);
    assert_int_equal(keyfile_load(f->path, key, err, sizeof(err)), 0);
    assert_memory_equal(key, want, sizeof(key));
    /* No final newline. */
    write_file(f->path, HEX_A, 0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 1);
    assert_memory_equal(kr.key[0], want, sizeof(want));
    assert_int_equal(strlen(kr.id[0]), KEY_ID_LEN);
    keyring_wipe(&kr);
}

static void test_load_multi_with_comments(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    unsigned char a[KEYFILE_KEY_BYTES], b[KEYFILE_KEY_BYTES], c[KEYFILE_KEY_BYTES];
    unsigned char first[KEYFILE_KEY_BYTES];
    keyring kr;
    hex_to_key(HEX_A, a);
    hex_to_key(HEX_B, b);
    hex_to_key(HEX_C, c);
    write_file(f->path,
               "# filet keyring\n"
               "\n"
               "# current\n" HEX_B "\n"
               "   \n"
               "  # older, indented comment\n" HEX_A "\r\n" HEX_C "\n",
               0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 3);
    assert_memory_equal(kr.key[0], b, sizeof(b));
    assert_memory_equal(kr.key[1], a, sizeof(a));
    assert_memory_equal(kr.key[2], c, sizeof(c));
    assert_int_equal(keyring_find(&kr, kr.id[0]), 0);
    assert_int_equal(keyring_find(&kr, kr.id[2]), 2);
    assert_int_equal(keyring_find(&kr, "00000000"), -1);
    assert_int_equal(keyring_find(&kr, ""), -1);
    assert_int_equal(keyring_find(&kr, NULL), -1);
    keyring_wipe(&kr);
    /* keyfile_load gives the first (current) key. */
    assert_int_equal(keyfile_load(f->path, first, err, sizeof(err)), 0);
    assert_memory_equal(first, b, sizeof(b));
}

static void test_load_eight_keys(void **state)
{
    struct fixture *f = *state;
    char err[256] = "", text[1024] = "", hex[65];
    unsigned char k[KEYFILE_KEY_BYTES];
    keyring kr;
    size_t off = 0;
    for (int i = 0; i < KEYRING_MAX; i++) {
        memset(k, i + 1, sizeof(k));
        sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\n", hex);
    }
    write_file(f->path, text, 0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, KEYRING_MAX);
    keyring_wipe(&kr);
    /* A ninth is one too many. */
    memset(k, 0x99, sizeof(k));
    sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
    snprintf(text + off, sizeof(text) - off, "%s\n", hex);
    write_file(f->path, text, 0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "more than 8 keys"));
    assert_int_equal(kr.n, 0);
}

static void test_malformed(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "",                                   /* no key */
        "# only a comment\n\n",               /* no key */
        HEX_A "0\n",                          /* 65 hex */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n", /* 63 hex */
        "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", /* non-hex */
        HEX_A "\nnot a key\n",                /* junk after a key */
        HEX_A " " HEX_B "\n",                 /* two on one line */
        HEX_A "\n" HEX_A "\n",                /* same key twice */
        "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
    };
    char err[256];
    unsigned char key[KEYFILE_KEY_BYTES];
    keyring kr;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file(f->path, bad[i], 0600);
        err[0] = '\0';
        if (keyring_load(f->path, &kr, err, sizeof(err)) != -1)
            fail_msg("case %zu accepted", i);
        assert_true(strlen(err) > 0);
        /* Never echo key material. */
        assert_null(strstr(err, "0102030405"));
        assert_int_equal(keyfile_load(f->path, key, err, sizeof(err)), -1);
    }
}

static void test_permissions(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    unsigned char key[KEYFILE_KEY_BYTES];
    keyring kr;
    write_file(f->path, HEX_A "\n", 0644);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "accessible to others"));
    assert_non_null(strstr(err, "644"));
    assert_int_equal(keyfile_load(f->path, key, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "chmod 600"));
    write_file(f->path, HEX_A "\n", 0640);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), -1);
    /* Rotation refuses it too, and leaves it alone. */
    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "accessible to others"));
    /* A symlink is refused. */
    char link[160];
    snprintf(link, sizeof(link), "%s/link", f->dir);
    write_file(f->path, HEX_A "\n", 0600);
    assert_int_equal(symlink(f->path, link), 0);
    assert_int_equal(keyring_load(link, &kr, err, sizeof(err)), -1);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    keyring_wipe(&kr);
    /* Missing file. */
    snprintf(link, sizeof(link), "%s/absent", f->dir);
    assert_int_equal(keyring_load(link, &kr, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
}

/* ----------------------------------------------------------- ids, subkeys */

static void test_ids(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    keyring kr, kr2;
    unsigned char a[KEYFILE_KEY_BYTES];
    unsigned char h[32];
    char want[KEY_ID_LEN + 1];
    /* id = first 8 hex of BLAKE2b-256("filet key id" || key) */
    hex_to_key(HEX_A, a);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)"filet key id", 12);
    crypto_generichash_update(&st, a, sizeof(a));
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_bin2hex(want, sizeof(want), h, KEY_ID_LEN / 2);

    write_file(f->path, HEX_A "\n" HEX_B "\n", 0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_string_equal(kr.id[0], want);
    assert_string_not_equal(kr.id[0], kr.id[1]);
    for (size_t i = 0; i < KEY_ID_LEN; i++)
        assert_non_null(strchr("0123456789abcdef", kr.id[1][i]));
    /* Stable: the same key has the same id in another file and position. */
    write_file(f->path, HEX_C "\n" HEX_A "\n", 0600);
    assert_int_equal(keyring_load(f->path, &kr2, err, sizeof(err)), 0);
    assert_string_equal(kr2.id[1], kr.id[0]);
    keyring_wipe(&kr);
    keyring_wipe(&kr2);
}

static void test_subkeys(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    keyring kr;
    unsigned char sk[2][5][32], zero[32] = {0}, again[32];
    write_file(f->path, HEX_A "\n" HEX_B "\n", 0600);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    for (size_t i = 0; i < 2; i++)
        for (int p = KEY_PURPOSE_FIELD; p <= KEY_PURPOSE_SESSION; p++) {
            assert_int_equal(keyring_subkey(&kr, i, p, sk[i][p]), 0);
            assert_memory_not_equal(sk[i][p], zero, 32);
            assert_memory_not_equal(sk[i][p], kr.key[i], 32);
        }
    /* Distinct per purpose and per key; deterministic. */
    for (int i = 0; i < 2; i++)
        for (int p = 1; p <= 4; p++)
            for (int j = 0; j < 2; j++)
                for (int q = 1; q <= 4; q++)
                    if (i != j || p != q)
                        assert_memory_not_equal(sk[i][p], sk[j][q], 32);
    assert_int_equal(keyring_subkey(&kr, 1, KEY_PURPOSE_MATCH, again), 0);
    assert_memory_equal(again, sk[1][KEY_PURPOSE_MATCH], 32);
    /* Matches crypto_kdf with the documented id and context. */
    assert_int_equal(crypto_kdf_derive_from_key(again, 32, 2, "filetaud", kr.key[0]), 0);
    assert_memory_equal(again, sk[0][KEY_PURPOSE_AUDIT], 32);
    /* Bad index or purpose. */
    assert_int_equal(keyring_subkey(&kr, 2, KEY_PURPOSE_FIELD, again), -1);
    assert_memory_equal(again, zero, 32);
    assert_int_equal(keyring_subkey(&kr, 0, 0, again), -1);
    assert_int_equal(keyring_subkey(&kr, 0, 5, again), -1);
    assert_int_equal(keyring_subkey(NULL, 0, 1, again), -1);
    keyring_wipe(&kr);
}

/* ------------------------------------------------------------- rotation */

static void test_add_new_drop_old(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    keyring kr, before;
    struct stat st;
    assert_int_equal(keyfile_generate(f->path, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(f->path, &before, err, sizeof(err)), 0);

    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), 0);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_files(f->dir), 1); /* no temp file left */
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 2);
    assert_memory_not_equal(kr.key[0], before.key[0], KEYFILE_KEY_BYTES);
    assert_memory_equal(kr.key[1], before.key[0], KEYFILE_KEY_BYTES);
    assert_string_equal(kr.id[1], before.id[0]);
    char newid[KEY_ID_LEN + 1];
    memcpy(newid, kr.id[0], sizeof(newid));

    assert_int_equal(keyfile_drop_old(f->path, err, sizeof(err)), 0);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_files(f->dir), 1);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 1);
    assert_string_equal(kr.id[0], newid);
    /* Idempotent. */
    assert_int_equal(keyfile_drop_old(f->path, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 1);
    keyring_wipe(&kr);
    keyring_wipe(&before);
}

static void test_rotation_keeps_comments_and_limit(void **state)
{
    struct fixture *f = *state;
    char err[256] = "", text[1024];
    keyring kr;
    write_file(f->path, "# site key\n" HEX_A "\n# retired\n" HEX_B "\n", 0600);
    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 3);
    FILE *fp = fopen(f->path, "r");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    assert_non_null(strstr(text, "# site key\n" HEX_A "\n# retired\n" HEX_B "\n"));
    assert_int_equal(keyfile_drop_old(f->path, err, sizeof(err)), 0);
    fp = fopen(f->path, "r");
    assert_non_null(fp);
    n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    assert_null(strstr(text, HEX_A));
    assert_null(strstr(text, HEX_B));
    assert_non_null(strstr(text, "# site key\n"));
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, 1);
    /* Up to KEYRING_MAX, then refused and the file is left as it was. */
    for (int i = 1; i < KEYRING_MAX; i++)
        assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), 0);
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, KEYRING_MAX);
    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "already holds"));
    assert_int_equal(keyring_load(f->path, &kr, err, sizeof(err)), 0);
    assert_int_equal(kr.n, KEYRING_MAX);
    assert_int_equal(count_files(f->dir), 1);
    keyring_wipe(&kr);
    /* A malformed file is not rewritten. */
    write_file(f->path, HEX_A "\nbad\n", 0600);
    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), -1);
    assert_int_equal(keyfile_drop_old(f->path, err, sizeof(err)), -1);
}

static void test_relative_path(void **state)
{
    struct fixture *f = *state;
    char err[256] = "", cwd[512];
    keyring kr;
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    write_file("key", HEX_A "\n", 0600);
    int rc = keyfile_add_new("key", err, sizeof(err));
    int rc2 = keyring_load("key", &kr, err, sizeof(err));
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(rc2, 0);
    assert_int_equal(kr.n, 2);
    keyring_wipe(&kr);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate_then_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_multi_with_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_eight_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subkeys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_new_drop_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation_keeps_comments_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
