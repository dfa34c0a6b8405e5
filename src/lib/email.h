/*
 * email.h - the shape of an e-mail address (for the daily digest): what is
 * accepted goes into a To: header as is, so no space, quote, angle
 * bracket, comma, semicolon or control character (no header injection).
 */
#ifndef FILET_EMAIL_H
#define FILET_EMAIL_H

#define EMAIL_MAX 254

/* 1 if s is local@domain: local 1 to 64 of [A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]
 * with no leading, trailing or doubled dot; domain 1 to 253 characters of
 * dot-separated labels of [A-Za-z0-9-] (1 to 63 each, no leading or
 * trailing hyphen), at least two labels; at most EMAIL_MAX in all. */
int email_valid(const char *s);

#endif
