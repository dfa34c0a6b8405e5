/*
 * totp.h - RFC 6238 time-based one-time passwords (TOTP) for second-factor
 * login: HMAC-SHA1, 6 digits, 30-second steps, Unix epoch start, which is
 * what every common authenticator app expects. ASVS 2.8.1.
 *
 * Secrets are 20 random bytes (RFC 4226 recommends 160 bits), shown to the
 * user as 32 characters of RFC 4648 base32 without padding, inside an
 * otpauth:// URI for the QR code (see qrsvg.h).
 *
 * Caveats: the caller stores the secret (encrypted at rest) and the last
 * accepted step per user, and must persist *last_step after every
 * successful totp_verify, or replay protection is lost (ASVS 2.8.4).
 * Rate limiting of attempts is the caller's job too (ASVS 2.2.1).
 * Thread-safe: liboath is initialised once.
 */
#ifndef FILET_TOTP_H
#define FILET_TOTP_H

#include <stddef.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20
#define TOTP_B32_LEN 32 /* base32 of 20 bytes, no padding */

/* Fills secret with random bytes (libsodium). 0 or -1. */
int totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES]);

/* RFC 4648 base32, uppercase, no padding, NUL-terminated. 0 or -1. */
int totp_secret_b32(const unsigned char secret[TOTP_SECRET_BYTES], char out[TOTP_B32_LEN + 1]);

/* Decodes exactly TOTP_B32_LEN base32 characters (either case, no padding,
 * no spaces) into secret. 0, or -1 if malformed (secret is then zeroed). */
int totp_secret_from_b32(const char *b32, unsigned char secret[TOTP_SECRET_BYTES]);

/* Writes
 *   otpauth://totp/<issuer>:<account>?secret=<B32>&issuer=<issuer>
 *       &algorithm=SHA1&digits=6&period=30
 * into out (NUL-terminated), with issuer and account percent-encoded as
 * UTF-8 (everything but RFC 3986 unreserved characters). b32 must be
 * TOTP_B32_LEN uppercase base32 characters. 0, or -1 on bad input or if
 * outlen is too small. */
int totp_uri(const char *issuer, const char *account, const char *b32, char *out, size_t outlen);

/* Checks a 6-digit code at time now, accepting the steps now-30 s, now and
 * now+30 s (ASVS 2.8.1). Replay: a code is accepted only if its step is
 * greater than *last_step (start with 0: step 0 is in 1970). On success
 * sets *last_step to the matched step and returns 0; returns -1 for a wrong,
 * malformed (not exactly 6 ASCII digits), or replayed code. Codes are
 * compared in constant time. */
int totp_verify(const unsigned char secret[TOTP_SECRET_BYTES], const char *code, time_t now,
                long long *last_step);

/* For tests and demo tooling: the 6-digit code for time t (t >= 0). 0 or -1. */
int totp_code_at(const unsigned char secret[TOTP_SECRET_BYTES], time_t t, char out[7]);

#endif
