/*
 * keyfile.c - master key file and keyring; see keyfile.h.
 *
 * Format: lines of 64 hex characters (one key each, the first current),
 * blank lines and '#' comments ignored; spaces, tabs and a CR around a line
 * are tolerated. ASVS 6.4.1 (key management), 6.4.2 (key material kept out
 * of the database and of logs: error messages name line numbers, never
 * key text), 6.2.1 (fails closed on anything unexpected).
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_HEX_LEN (KEYFILE_KEY_BYTES * 2)
/* More than enough for KEYRING_MAX keys and their comments. */
#define KEYFILE_MAX_BYTES 16384

static const char key_id_domain[] = "filet key id";

enum line_kind { LINE_SKIP, LINE_KEY, LINE_BAD };

/* ------------------------------------------------------------ helpers */

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Opens path for reading after the ownership and permission checks shared by
 * every reader (ASVS 6.4.1): regular file, not a symlink, owner only. */
static int open_checked(const char *path, char *err, size_t errlen)
{
    struct stat stt;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        snprintf(err, errlen, "key file %s is not a regular file", path);
        goto fail;
    }
    if (stt.st_mode & 077) {
        snprintf(err, errlen, "key file %s is accessible to others (mode %03o): chmod 600 it",
                 path, (unsigned)(stt.st_mode & 0777));
        goto fail;
    }
    if (stt.st_uid != geteuid()) {
        snprintf(err, errlen, "key file %s is not owned by the user running filet", path);
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

/* Reads the whole file into a malloc'd, NUL-terminated buffer. The caller
 * wipes (sodium_memzero) and frees it. */
static int read_all(int fd, const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    char *p = malloc(KEYFILE_MAX_BYTES + 1);
    size_t n = 0;
    if (!p) {
        snprintf(err, errlen, "out of memory reading key file %s", path);
        return -1;
    }
    for (;;) {
        ssize_t r = read(fd, p + n, KEYFILE_MAX_BYTES + 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot read key file %s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > KEYFILE_MAX_BYTES) {
            snprintf(err, errlen, "key file %s is too large", path);
            goto fail;
        }
    }
    p[n] = '\0';
    *data = p;
    *len = n;
    return 0;
fail:
    sodium_memzero(p, KEYFILE_MAX_BYTES + 1);
    free(p);
    return -1;
}

/* Next line of data from *pos: *line and *n its text without the newline,
 * *raw its length with the newline. 0 at the end of data. */
static int next_line(const char *data, size_t len, size_t *pos, const char **line, size_t *n,
                     size_t *raw)
{
    if (*pos >= len)
        return 0;
    const char *s = data + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    *line = s;
    *n = nl ? (size_t)(nl - s) : len - *pos;
    *raw = nl ? *n + 1 : *n;
    *pos += *raw;
    return 1;
}

/* Classifies one line; for a key, *key points at its 64 hex chars. */
static enum line_kind classify(const char *s, size_t n, const char **key)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    if (n == 0 || *s == '#')
        return LINE_SKIP;
    if (n != KEY_HEX_LEN)
        return LINE_BAD;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return LINE_BAD;
    }
    *key = s;
    return LINE_KEY;
}

static int key_id(const unsigned char key[KEYFILE_KEY_BYTES], char out[KEY_ID_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash_state st;
    int rc = -1;
    if (crypto_generichash_init(&st, NULL, 0, sizeof(h)) != 0 ||
        crypto_generichash_update(&st, (const unsigned char *)key_id_domain,
                                  sizeof(key_id_domain) - 1) != 0 ||
        crypto_generichash_update(&st, key, KEYFILE_KEY_BYTES) != 0 ||
        crypto_generichash_final(&st, h, sizeof(h)) != 0)
        goto out;
    sodium_bin2hex(out, KEY_ID_LEN + 1, h, KEY_ID_LEN / 2);
    rc = 0;
out:
    sodium_memzero(&st, sizeof(st));
    sodium_memzero(h, sizeof(h));
    return rc;
}

/* Adds key (binary) to kr after the duplicate checks. */
static int keyring_add(keyring *kr, const unsigned char key[KEYFILE_KEY_BYTES], const char *path,
                       unsigned line, char *err, size_t errlen)
{
    char id[KEY_ID_LEN + 1];
    if (kr->n >= KEYRING_MAX) {
        snprintf(err, errlen, "key file %s holds more than %d keys (line %u)", path, KEYRING_MAX,
                 line);
        return -1;
    }
    if (key_id(key, id) != 0) {
        snprintf(err, errlen, "cannot compute a key id");
        return -1;
    }
    for (size_t i = 0; i < kr->n; i++) {
        if (sodium_memcmp(kr->key[i], key, KEYFILE_KEY_BYTES) == 0 || strcmp(kr->id[i], id) == 0) {
            snprintf(err, errlen, "key file %s: line %u repeats a key (id %s)", path, line, id);
            return -1;
        }
    }
    memcpy(kr->key[kr->n], key, KEYFILE_KEY_BYTES);
    memcpy(kr->id[kr->n], id, sizeof(id));
    kr->n++;
    return 0;
}

static int parse(const char *data, size_t len, const char *path, keyring *kr, char *err,
                 size_t errlen)
{
    unsigned char key[KEYFILE_KEY_BYTES];
    const char *line, *hex = NULL;
    size_t pos = 0, n, raw;
    unsigned lineno = 0;
    int rc = -1;
    kr->n = 0;
    while (next_line(data, len, &pos, &line, &n, &raw)) {
        lineno++;
        enum line_kind k = classify(line, n, &hex);
        if (k == LINE_SKIP)
            continue;
        if (k == LINE_BAD) {
            snprintf(err, errlen,
                     "key file %s is malformed: line %u is not 64 hex characters, "
                     "a comment or blank", path, lineno);
            goto out;
        }
        size_t bin_len = 0;
        if (sodium_hex2bin(key, sizeof(key), hex, KEY_HEX_LEN, NULL, &bin_len, NULL) != 0 ||
            bin_len != sizeof(key)) {
            snprintf(err, errlen, "key file %s is malformed: line %u", path, lineno);
            goto out;
        }
        if (keyring_add(kr, key, path, lineno, err, errlen) != 0)
            goto out;
    }
    if (kr->n == 0) {
        snprintf(err, errlen, "key file %s holds no key", path);
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    if (rc != 0)
        keyring_wipe(kr);
    return rc;
}

static void free_secret(char *p, size_t n)
{
    if (!p)
        return;
    sodium_memzero(p, n);
    free(p);
}

/* ---------------------------------------------------------- single key */

int keyfile_generate(const char *path, char *err, size_t errlen)
{
    unsigned char key[KEYFILE_KEY_BYTES];
    char hex[KEYFILE_KEY_BYTES * 2 + 2];
    int rc = -1;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    size_t len = strlen(hex);
    hex[len++] = '\n';
    if (write_all(fd, hex, len) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(path);
        goto out;
    }
    rc = 0;
out:
    close(fd);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(hex, sizeof(hex));
    return rc;
}

int keyfile_load(const char *path, unsigned char key[KEYFILE_KEY_BYTES], char *err, size_t errlen)
{
    keyring kr;
    if (keyring_load(path, &kr, err, errlen) != 0)
        return -1;
    memcpy(key, kr.key[0], KEYFILE_KEY_BYTES);
    keyring_wipe(&kr);
    return 0;
}

/* ------------------------------------------------------------- keyring */

int keyring_load(const char *path, keyring *kr, char *err, size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    int rc = -1;
    kr->n = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        goto out;
    }
    int fd = open_checked(path, err, errlen);
    if (fd < 0)
        goto out;
    rc = read_all(fd, path, &data, &len, err, errlen);
    close(fd);
    if (rc != 0)
        goto out;
    rc = parse(data, len, path, kr, err, errlen);
out:
    free_secret(data, KEYFILE_MAX_BYTES + 1);
    if (rc != 0)
        keyring_wipe(kr);
    return rc;
}

void keyring_wipe(keyring *kr)
{
    if (kr)
        sodium_memzero(kr, sizeof(*kr));
}

int keyring_find(const keyring *kr, const char *id)
{
    if (!kr || !id)
        return -1;
    for (size_t i = 0; i < kr->n && i < KEYRING_MAX; i++)
        if (strcmp(kr->id[i], id) == 0)
            return (int)i;
    return -1;
}

int keyring_subkey(const keyring *kr, size_t i, int purpose, unsigned char out[32])
{
    static const char *const ctx[] = {NULL, "filetfld", "filetaud", "filetmch", "filetses"};
    _Static_assert(crypto_kdf_KEYBYTES == KEYFILE_KEY_BYTES, "master key size");
    _Static_assert(crypto_kdf_CONTEXTBYTES == 8, "kdf context size");
    sodium_memzero(out, 32);
    if (!kr || i >= kr->n || i >= KEYRING_MAX || purpose < KEY_PURPOSE_FIELD ||
        purpose > KEY_PURPOSE_SESSION)
        return -1;
    if (sodium_init() < 0)
        return -1;
    return crypto_kdf_derive_from_key(out, 32, (uint64_t)purpose, ctx[purpose], kr->key[i]) == 0
               ? 0
               : -1;
}

/* ------------------------------------------------------------ rotation */

enum rewrite_op { REWRITE_ADD_NEW, REWRITE_DROP_OLD };

/* Builds the new file text from the validated old one. *out is malloc'd
 * (KEYFILE_MAX_BYTES + 1); *changed is 0 when there is nothing to do. */
static int build(enum rewrite_op op, const char *data, size_t len, const keyring *kr,
                 const char *path, char **out, size_t *out_len, int *changed, char *err,
                 size_t errlen)
{
    unsigned char key[KEYFILE_KEY_BYTES];
    char *p = malloc(KEYFILE_MAX_BYTES + 1);
    size_t n = 0;
    int rc = -1;
    *changed = 0;
    if (!p) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (op == REWRITE_ADD_NEW) {
        keyring tmp = *kr;
        if (kr->n >= KEYRING_MAX) {
            snprintf(err, errlen, "key file %s already holds %d keys: finish the last rotation "
                     "(drop the old keys) first", path, KEYRING_MAX);
            sodium_memzero(&tmp, sizeof(tmp));
            goto out;
        }
        /* A new key whose id collides with an old one (1 in 2^32) is drawn again. */
        int added = -1;
        for (int tries = 0; tries < 4 && added != 0; tries++) {
            randombytes_buf(key, sizeof(key));
            added = keyring_add(&tmp, key, path, 1, err, errlen);
        }
        sodium_memzero(&tmp, sizeof(tmp));
        if (added != 0)
            goto out;
        if (len + KEY_HEX_LEN + 1 > KEYFILE_MAX_BYTES) {
            snprintf(err, errlen, "key file %s would become too large", path);
            goto out;
        }
        sodium_bin2hex(p, KEY_HEX_LEN + 1, key, sizeof(key));
        n = KEY_HEX_LEN;
        p[n++] = '\n';
        memcpy(p + n, data, len);
        n += len;
        *changed = 1;
    } else {
        const char *line, *hex;
        size_t pos = 0, ln, raw;
        size_t keys = 0;
        while (next_line(data, len, &pos, &line, &ln, &raw)) {
            if (classify(line, ln, &hex) == LINE_KEY && keys++ > 0) {
                *changed = 1;
                continue;
            }
            memcpy(p + n, line, raw);
            n += raw;
        }
    }
    p[n] = '\0';
    *out = p;
    *out_len = n;
    p = NULL;
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    free_secret(p, KEYFILE_MAX_BYTES + 1);
    return rc;
}

/* Replaces path by text, atomically: temp file 0600 in the same directory,
 * fsync, rename over path, fsync the directory. */
static int replace_file(const char *path, int dfd, const char *text, size_t len, char *err,
                        size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
    int fd = -1, rc = -1;
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file next to %s: %s", path,
                 strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0 || write_all(fd, text, len) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    int cfd = fd;
    fd = -1;
    if (close(cfd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = '\0'; /* renamed: nothing to unlink */
    if (fsync(dfd) != 0) {
        snprintf(err, errlen, "cannot sync the directory of %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && tmp[0])
        unlink(tmp);
    free(tmp);
    return rc;
}

static int rewrite(const char *path, enum rewrite_op op, char *err, size_t errlen)
{
    keyring kr;
    char *dir = NULL, *data = NULL, *text = NULL;
    size_t len = 0, text_len = 0;
    int dfd = -1, fd, changed = 0, rc = -1;
    kr.n = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        goto out;
    }
    /* The directory: for the rename's fsync and as the lock. */
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    dir = malloc(dlen + 1);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(dir, slash ? path : ".", dlen);
    dir[dlen] = '\0';
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "cannot open directory %s: %s", dir, strerror(errno));
        goto out;
    }
    /* Two rotations at once would lose a key: serialise them. */
    while (flock(dfd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "cannot lock directory %s: %s", dir, strerror(errno));
            goto out;
        }
    }
    fd = open_checked(path, err, errlen);
    if (fd < 0)
        goto out;
    int r = read_all(fd, path, &data, &len, err, errlen);
    close(fd);
    if (r != 0 || parse(data, len, path, &kr, err, errlen) != 0)
        goto out;
    if (build(op, data, len, &kr, path, &text, &text_len, &changed, err, errlen) != 0)
        goto out;
    if (changed && replace_file(path, dfd, text, text_len, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    if (dfd >= 0)
        close(dfd); /* releases the lock */
    keyring_wipe(&kr);
    free_secret(data, KEYFILE_MAX_BYTES + 1);
    free_secret(text, KEYFILE_MAX_BYTES + 1);
    free(dir);
    return rc;
}

int keyfile_add_new(const char *path, char *err, size_t errlen)
{
    return rewrite(path, REWRITE_ADD_NEW, err, errlen);
}

int keyfile_drop_old(const char *path, char *err, size_t errlen)
{
    return rewrite(path, REWRITE_DROP_OLD, err, errlen);
}
