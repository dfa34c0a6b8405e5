/*
 * fieldcrypt.c - field encryption at rest and match hashes; see fieldcrypt.h.
 *
 * Sub-keys are derived per call (crypto_kdf is one BLAKE2b block) and wiped
 * straight after, so no derived key outlives the call that needed it.
 */
#include "fieldcrypt.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PREFIX_LEN (sizeof(FIELDCRYPT_PREFIX) - 1)
/* "enc1:" + KEYID + ":" */
#define HEADER_LEN (PREFIX_LEN + KEY_ID_LEN + 1)

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32, "field key size");
_Static_assert(crypto_auth_hmacsha256_KEYBYTES == 32, "match key size");

/* Splits stored into its key id (copied to id) and base64 payload. */
static int parse_header(const char *stored, char id[KEY_ID_LEN + 1], const char **b64)
{
    if (!stored || strncmp(stored, FIELDCRYPT_PREFIX, PREFIX_LEN) != 0)
        return -1;
    const char *p = stored + PREFIX_LEN;
    for (size_t i = 0; i < KEY_ID_LEN; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return -1;
        id[i] = c;
    }
    id[KEY_ID_LEN] = '\0';
    if (p[KEY_ID_LEN] != ':')
        return -1;
    *b64 = p + KEY_ID_LEN + 1;
    return 0;
}

int fieldcrypt_encrypt(const keyring *kr, const char *aad, const char *plain, size_t len, arena *a,
                       char **out)
{
    unsigned char key[32];
    unsigned char *bin = NULL;
    int rc = -1;
    *out = NULL;
    /* ASVS 6.2.1: fail closed - no key, no AAD, no output. */
    if (!kr || kr->n == 0 || !aad || !*aad || !a || (!plain && len > 0) ||
        len > FIELDCRYPT_MAX_PLAIN)
        return -1;
    if (sodium_init() < 0 || keyring_subkey(kr, 0, KEY_PURPOSE_FIELD, key) != 0)
        goto out;
    size_t bin_len = NONCE_BYTES + len + TAG_BYTES;
    size_t b64_len = sodium_base64_ENCODED_LEN(bin_len, B64_VARIANT); /* with NUL */
    bin = arena_alloc(a, bin_len);
    char *s = arena_alloc(a, HEADER_LEN + b64_len);
    if (!bin || !s)
        goto out;
    /* ASVS 6.2.5: a fresh random 192-bit nonce per value, never reused. */
    randombytes_buf(bin, NONCE_BYTES);
    unsigned long long ct_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(bin + NONCE_BYTES, &ct_len,
                                                   (const unsigned char *)plain, len,
                                                   (const unsigned char *)aad, strlen(aad), NULL,
                                                   bin, key) != 0 ||
        ct_len != len + TAG_BYTES)
        goto out;
    memcpy(s, FIELDCRYPT_PREFIX, PREFIX_LEN);
    memcpy(s + PREFIX_LEN, kr->id[0], KEY_ID_LEN);
    s[HEADER_LEN - 1] = ':';
    sodium_bin2base64(s + HEADER_LEN, b64_len, bin, bin_len, B64_VARIANT);
    *out = s;
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    return rc;
}

int fieldcrypt_decrypt(const keyring *kr, const char *aad, const char *stored, arena *a,
                       char **plain, size_t *len)
{
    unsigned char key[32];
    char id[KEY_ID_LEN + 1];
    const char *b64;
    int rc = -1;
    *plain = NULL;
    *len = 0;
    if (!kr || !aad || !*aad || !a || parse_header(stored, id, &b64) != 0)
        return -1;
    int k = keyring_find(kr, id);
    if (k < 0)
        return -1;
    size_t b64_len = strlen(b64);
    size_t max_bin = b64_len / 4 * 3 + 3;
    if (max_bin < NONCE_BYTES + TAG_BYTES ||
        max_bin > NONCE_BYTES + (size_t)FIELDCRYPT_MAX_PLAIN + TAG_BYTES + 3)
        return -1;
    if (sodium_init() < 0)
        return -1;
    unsigned char *bin = arena_alloc(a, max_bin);
    if (!bin)
        goto out;
    size_t bin_len = 0;
    const char *end = NULL;
    /* Strict decoding: the whole payload, canonical base64url, no padding. */
    if (sodium_base642bin(bin, max_bin, b64, b64_len, NULL, &bin_len, &end, B64_VARIANT) != 0 ||
        end != b64 + b64_len || bin_len < NONCE_BYTES + TAG_BYTES)
        goto out;
    size_t m_len = bin_len - NONCE_BYTES - TAG_BYTES;
    unsigned char *m = arena_alloc(a, m_len + 1);
    if (!m || keyring_subkey(kr, (size_t)k, KEY_PURPOSE_FIELD, key) != 0)
        goto out;
    unsigned long long out_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &out_len, NULL, bin + NONCE_BYTES,
                                                   bin_len - NONCE_BYTES,
                                                   (const unsigned char *)aad, strlen(aad), bin,
                                                   key) != 0 ||
        out_len != m_len)
        goto out;
    m[m_len] = '\0';
    *plain = (char *)m;
    *len = m_len;
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    return rc;
}

int fieldcrypt_needs_rekey(const keyring *kr, const char *stored)
{
    char id[KEY_ID_LEN + 1];
    const char *b64;
    if (!kr || kr->n == 0 || parse_header(stored, id, &b64) != 0)
        return -1;
    return strcmp(id, kr->id[0]) != 0;
}

int fieldcrypt_match_hash(const keyring *kr, size_t i, const char *normalised, char out[65])
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    int rc = -1;
    out[0] = '\0';
    if (!normalised || keyring_subkey(kr, i, KEY_PURPOSE_MATCH, key) != 0)
        goto out;
    if (crypto_auth_hmacsha256(mac, (const unsigned char *)normalised, strlen(normalised), key) !=
        0)
        goto out;
    sodium_bin2hex(out, 65, mac, sizeof(mac));
    rc = 0;
out:
    sodium_memzero(key, sizeof(key));
    sodium_memzero(mac, sizeof(mac));
    return rc;
}
