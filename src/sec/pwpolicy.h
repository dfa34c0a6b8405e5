/*
 * pwpolicy.h - password policy for setting or changing a password
 * (ASVS 4.0 section 2.1): 12 to 128 Unicode code points, any characters, no
 * composition rules, and not on the bundled list of common/breached
 * passwords (data/common-passwords.txt, see data/README.md).
 *
 * Caveats: case-insensitive matching folds ASCII letters only (the list is
 * ASCII). No Unicode normalisation is done: the password is checked, and
 * must then be hashed, exactly as the user typed it (ASVS 2.1.3: never
 * truncated). A loaded pwpolicy is read-only and may be shared by threads.
 */
#ifndef FILET_PWPOLICY_H
#define FILET_PWPOLICY_H

#include <stddef.h>

#define PWPOLICY_MIN_CHARS 12  /* ASVS 2.1.1 */
#define PWPOLICY_MAX_CHARS 128 /* ASVS 2.1.2: at least 64 allowed */

typedef struct pwpolicy pwpolicy;

/* Loads the list at path (one password a line; LF or CRLF; blank lines
 * ignored; entries lowercased, sorted and deduplicated in memory, so the
 * file's own order does not matter). Returns 0 and a new policy in *out, or
 * -1 with a short English reason in err (if errlen > 0) when the file cannot
 * be read, is not UTF-8, contains a NUL byte, or holds no entries. */
int pwpolicy_load(const char *path, pwpolicy **out, char *err, size_t errlen);
void pwpolicy_free(pwpolicy *p);
/* Number of distinct entries; 0 for NULL. */
size_t pwpolicy_count(const pwpolicy *p);

enum {
    PW_OK = 0,
    PW_TOO_SHORT = 1,         /* fewer than 12 code points (ASVS 2.1.1); NULL */
    PW_TOO_LONG = 2,          /* more than 128 code points (ASVS 2.1.2) */
    PW_COMMON = 3,            /* on the list (ASVS 2.1.7); also if p is NULL */
    PW_BAD_UTF8 = 4,          /* not well-formed UTF-8 */
    PW_CONTAINS_USERNAME = 5, /* equals the username, ignoring ASCII case */
};

/* Checks password against the policy; username may be NULL. Checks run in
 * the order UTF-8, length, username, list, and the first failure is
 * returned. p must come from pwpolicy_load: a NULL p fails closed with
 * PW_COMMON for any password that passes the other checks. */
int pwpolicy_check(const pwpolicy *p, const char *password, const char *username);

#endif
