/*
 * test_fieldcrypt.c - unit tests for src/sec/fieldcrypt.c: round trips,
 * tamper and misplacement rejection, random nonces, decryption across a key
 * rotation (with src/sec/keyfile.c on a temporary key file under /tmp) and
 * match hashes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/arena.h"
#include "sec/fieldcrypt.h"
#include "sec/keyfile.h"

#define AAD "persons.safe_address:42"

struct fixture {
    char dir[64];
    char path[128];
    keyring kr;
    arena *a;
};

static int setup(void **state)
{
    char err[256];
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/filet-fieldcrypt-XXXXXX");
    if (!mkdtemp(f->dir))
        goto fail;
    snprintf(f->path, sizeof(f->path), "%s/key", f->dir);
    if (keyfile_generate(f->path, err, sizeof(err)) != 0 ||
        keyring_load(f->path, &f->kr, err, sizeof(err)) != 0)
        goto fail;
    f->a = arena_new(0);
    if (!f->a)
        goto fail;
    *state = f;
    return 0;
fail:
    free(f);
    return -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(f->a);
    keyring_wipe(&f->kr);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void roundtrip(struct fixture *f, const char *plain, size_t len)
{
    char *ct = NULL, *pt = NULL;
    size_t n = 99;
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, plain, len, f->a, &ct), 0);
    assert_non_null(ct);
    assert_int_equal(strncmp(ct, "enc1:", 5), 0);
    assert_memory_equal(ct + 5, f->kr.id[0], KEY_ID_LEN);
    assert_int_equal(ct[5 + KEY_ID_LEN], ':');
    /* base64url alphabet, no padding */
    for (const char *p = ct + 6 + KEY_ID_LEN; *p; p++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               *p));
    assert_int_equal(fieldcrypt_decrypt(&f->kr, AAD, ct, f->a, &pt, &n), 0);
    assert_int_equal(n, len);
    assert_non_null(pt);
    if (len)
        assert_memory_equal(pt, plain, len);
    assert_int_equal(pt[len], '\0');
    assert_int_equal(fieldcrypt_needs_rekey(&f->kr, ct), 0);
}

static void test_roundtrip(void **state)
{
    struct fixture *f = *state;
    roundtrip(f, "", 0);
    roundtrip(f, NULL, 0);
    roundtrip(f, "x", 1);
    roundtrip(f, "Rue des \xc3\x89rables", strlen("Rue des \xc3\x89rables"));
    roundtrip(f, "a\0b", 3); /* binary-safe */
    char *big = malloc(65536);
    assert_non_null(big);
    randombytes_buf(big, 65536);
    roundtrip(f, big, 65536);
    free(big);
}

static void test_no_plaintext_in_ciphertext(void **state)
{
    struct fixture *f = *state;
    const char *plain = "Rue des \xc3\x89rables 12, Montr\xc3\xa9" "al";
    char *ct = NULL;
    unsigned char b64[128];
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, plain, strlen(plain), f->a, &ct), 0);
    assert_null(strstr(ct, "Rue"));
    assert_null(strstr(ct, "rables"));
    /* Not in the raw bytes either, nor its base64 encoding. */
    sodium_bin2base64((char *)b64, sizeof(b64), (const unsigned char *)"Rue des", 7,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    assert_null(strstr(ct, (char *)b64));
    size_t bl = 0;
    unsigned char bin[256];
    assert_int_equal(sodium_base642bin(bin, sizeof(bin), ct + 6 + KEY_ID_LEN,
                                       strlen(ct + 6 + KEY_ID_LEN), NULL, &bl, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_int_equal(bl, 24 + strlen(plain) + 16);
    assert_null(memmem(bin, bl, "Rue", 3));
}

static void test_random_nonce(void **state)
{
    struct fixture *f = *state;
    char *c1 = NULL, *c2 = NULL;
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, "same", 4, f->a, &c1), 0);
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, "same", 4, f->a, &c2), 0);
    assert_string_not_equal(c1, c2);
    /* The nonces themselves differ (first 24 bytes = 32 base64 chars). */
    assert_int_not_equal(memcmp(c1 + 6 + KEY_ID_LEN, c2 + 6 + KEY_ID_LEN, 32), 0);
}

static int try_decrypt(struct fixture *f, const char *aad, const char *stored)
{
    char *pt = (char *)"sentinel";
    size_t n = 7;
    int rc = fieldcrypt_decrypt(&f->kr, aad, stored, f->a, &pt, &n);
    if (rc != 0) {
        assert_null(pt);
        assert_int_equal(n, 0);
    }
    return rc;
}

static void test_tamper(void **state)
{
    struct fixture *f = *state;
    char *ct = NULL, *m;
    const char *plain = "Rue des \xc3\x89rables";
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, plain, strlen(plain), f->a, &ct), 0);
    size_t len = strlen(ct);
    size_t payload = 6 + KEY_ID_LEN;
    assert_int_equal(try_decrypt(f, AAD, ct), 0);

    /* Flip each payload character in turn to another base64url one. */
    m = arena_strdup(f->a, ct);
    assert_non_null(m);
    for (size_t i = payload; i < len; i++) {
        char keep = m[i];
        m[i] = keep == 'A' ? 'B' : 'A';
        if (try_decrypt(f, AAD, m) != -1)
            fail_msg("flip at %zu accepted", i);
        m[i] = keep;
    }
    /* Flip a bit in the decoded bytes (nonce, body, tag), re-encoded. */
    unsigned char bin[256];
    size_t bl = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof(bin), ct + payload, len - payload, NULL, &bl,
                                       NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    size_t where[] = {0, 23, 24, 24 + strlen(plain) - 1, bl - 1};
    for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
        bin[where[w]] ^= 0x01;
        char *re = arena_strdup(f->a, ct);
        assert_non_null(re);
        sodium_bin2base64(re + payload, len - payload + 1, bin, bl,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_int_equal(try_decrypt(f, AAD, re), -1);
        bin[where[w]] ^= 0x01;
    }
    /* Key id changed: unknown id, or a valid-looking id that is not ours. */
    m = arena_strdup(f->a, ct);
    m[5] = m[5] == '0' ? '1' : '0';
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_strdup(f->a, ct);
    m[5] = 'A'; /* ids are lowercase hex */
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    /* Wrong AAD: another row, another column, empty, NULL. */
    assert_int_equal(try_decrypt(f, "persons.safe_address:43", ct), -1);
    assert_int_equal(try_decrypt(f, "persons.phone:42", ct), -1);
    assert_int_equal(try_decrypt(f, "", ct), -1);
    assert_int_equal(try_decrypt(f, NULL, ct), -1);
    /* Truncated at every length. */
    for (size_t cut = 0; cut < len; cut++) {
        m = arena_strndup(f->a, ct, cut);
        assert_non_null(m);
        if (try_decrypt(f, AAD, m) != -1)
            fail_msg("truncation to %zu accepted", cut);
    }
    /* Extended, padded, bad prefix, junk. */
    m = arena_printf(f->a, "%sA", ct);
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_printf(f->a, "%s=", ct);
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_printf(f->a, "%s\n", ct);
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_strdup(f->a, ct);
    m[3] = '2'; /* enc2: */
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_printf(f->a, "ENC1:%s", ct + 5);
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_printf(f->a, " %s", ct);
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_strdup(f->a, ct);
    m[5 + KEY_ID_LEN] = ';';
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    m = arena_strdup(f->a, ct);
    m[payload + 3] = '+'; /* standard, not url-safe, alphabet */
    assert_int_equal(try_decrypt(f, AAD, m), -1);
    assert_int_equal(try_decrypt(f, AAD, plain), -1);
    assert_int_equal(try_decrypt(f, AAD, ""), -1);
    assert_int_equal(try_decrypt(f, AAD, NULL), -1);
    assert_int_equal(fieldcrypt_needs_rekey(&f->kr, plain), -1);
    assert_int_equal(fieldcrypt_needs_rekey(&f->kr, NULL), -1);
}

static void test_encrypt_refuses(void **state)
{
    struct fixture *f = *state;
    char *ct = (char *)"x";
    keyring empty;
    memset(&empty, 0, sizeof(empty));
    assert_int_equal(fieldcrypt_encrypt(&f->kr, NULL, "a", 1, f->a, &ct), -1);
    assert_null(ct);
    assert_int_equal(fieldcrypt_encrypt(&f->kr, "", "a", 1, f->a, &ct), -1);
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, NULL, 1, f->a, &ct), -1);
    assert_int_equal(fieldcrypt_encrypt(&empty, AAD, "a", 1, f->a, &ct), -1);
    assert_int_equal(fieldcrypt_encrypt(NULL, AAD, "a", 1, f->a, &ct), -1);
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, "a", (size_t)FIELDCRYPT_MAX_PLAIN + 1, f->a,
                                        &ct),
                     -1);
    assert_null(ct);
}

static void test_rotation(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char *old_ct = NULL, *new_ct = NULL, *pt = NULL;
    size_t n = 0;
    const char *plain = "Rue des \xc3\x89rables";
    char old_id[KEY_ID_LEN + 1];
    memcpy(old_id, f->kr.id[0], sizeof(old_id));
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, plain, strlen(plain), f->a, &old_ct), 0);

    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), 0);
    keyring_wipe(&f->kr);
    assert_int_equal(keyring_load(f->path, &f->kr, err, sizeof(err)), 0);
    assert_int_equal(f->kr.n, 2);
    assert_string_equal(f->kr.id[1], old_id);

    /* Old value still readable, but flagged for re-encryption. */
    assert_int_equal(fieldcrypt_needs_rekey(&f->kr, old_ct), 1);
    assert_int_equal(fieldcrypt_decrypt(&f->kr, AAD, old_ct, f->a, &pt, &n), 0);
    assert_int_equal(n, strlen(plain));
    assert_memory_equal(pt, plain, n);
    /* Re-encrypted: under the new key, no longer flagged. */
    assert_int_equal(fieldcrypt_encrypt(&f->kr, AAD, pt, n, f->a, &new_ct), 0);
    assert_memory_equal(new_ct + 5, f->kr.id[0], KEY_ID_LEN);
    assert_int_equal(fieldcrypt_needs_rekey(&f->kr, new_ct), 0);

    /* After drop_old the old value is unreadable, the new one fine. */
    assert_int_equal(keyfile_drop_old(f->path, err, sizeof(err)), 0);
    keyring_wipe(&f->kr);
    assert_int_equal(keyring_load(f->path, &f->kr, err, sizeof(err)), 0);
    assert_int_equal(try_decrypt(f, AAD, old_ct), -1);
    assert_int_equal(fieldcrypt_decrypt(&f->kr, AAD, new_ct, f->a, &pt, &n), 0);
    assert_memory_equal(pt, plain, n);
}

static void test_match_hash(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char h1[65], h2[65], h3[65], h_old[65], h_other[65];
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 0, "marie dupont 1980-01-02", h1), 0);
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 0, "marie dupont 1980-01-02", h2), 0);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", h1[i]));
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 0, "marie dupont 1980-01-03", h3), 0);
    assert_string_not_equal(h1, h3);
    /* Matches HMAC-SHA-256 under the match sub-key. */
    unsigned char sk[32], mac[32];
    char want[65];
    assert_int_equal(keyring_subkey(&f->kr, 0, KEY_PURPOSE_MATCH, sk), 0);
    crypto_auth_hmacsha256(mac, (const unsigned char *)"marie dupont 1980-01-02", 23, sk);
    sodium_bin2hex(want, sizeof(want), mac, sizeof(mac));
    assert_string_equal(h1, want);
    /* Unkeyed SHA-256 of the input is not what is stored. */
    crypto_hash_sha256(mac, (const unsigned char *)"marie dupont 1980-01-02", 23);
    sodium_bin2hex(want, sizeof(want), mac, sizeof(mac));
    assert_string_not_equal(h1, want);

    /* Per key: after rotation index 1 is the old key, index 0 differs. */
    assert_int_equal(keyfile_add_new(f->path, err, sizeof(err)), 0);
    keyring_wipe(&f->kr);
    assert_int_equal(keyring_load(f->path, &f->kr, err, sizeof(err)), 0);
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 1, "marie dupont 1980-01-02", h_old), 0);
    assert_string_equal(h_old, h1);
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 0, "marie dupont 1980-01-02", h_other), 0);
    assert_string_not_equal(h_other, h1);
    /* Bad index / input. */
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 2, "x", h3), -1);
    assert_int_equal(fieldcrypt_match_hash(&f->kr, 0, NULL, h3), -1);
    assert_int_equal(fieldcrypt_match_hash(NULL, 0, "x", h3), -1);
    sodium_memzero(sk, sizeof(sk));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_plaintext_in_ciphertext, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_nonce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_match_hash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
