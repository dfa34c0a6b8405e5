/*
 * keyfile.c - master key file; see keyfile.h.
 * Format: 64 lowercase hex characters and a newline.
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
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
    char hex[KEYFILE_KEY_BYTES * 2 + 8];
    struct stat stt;
    int rc = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        snprintf(err, errlen, "key file %s is not a regular file", path);
        goto out;
    }
    if (stt.st_mode & 077) {
        snprintf(err, errlen, "key file %s is accessible to others (mode %03o): chmod 600 it",
                 path, (unsigned)(stt.st_mode & 0777));
        goto out;
    }
    if (stt.st_uid != geteuid()) {
        snprintf(err, errlen, "key file %s is not owned by the user running filet", path);
        goto out;
    }
    ssize_t n = read(fd, hex, sizeof(hex) - 1);
    if (n < KEYFILE_KEY_BYTES * 2) {
        snprintf(err, errlen, "key file %s is too short", path);
        goto out;
    }
    hex[n] = '\0';
    size_t bin_len = 0;
    if (sodium_hex2bin(key, KEYFILE_KEY_BYTES, hex, (size_t)n, "\n", &bin_len, NULL) != 0 ||
        bin_len != KEYFILE_KEY_BYTES) {
        snprintf(err, errlen, "key file %s is malformed", path);
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(hex, sizeof(hex));
    close(fd);
    return rc;
}
