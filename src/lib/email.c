/*
 * email.c - the shape of an e-mail address; see email.h.
 */
#include "lib/email.h"

#include <string.h>

static int local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static int label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int email_valid(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n < 3 || n > EMAIL_MAX || !at || strchr(at + 1, '@'))
        return 0;
    size_t local = (size_t)(at - s);
    if (local < 1 || local > 64 || s[0] == '.' || s[local - 1] == '.')
        return 0;
    for (size_t i = 0; i < local; i++)
        if (!local_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
            return 0;
    const char *d = at + 1;
    size_t labels = 0;
    while (*d) {
        size_t len = 0;
        while (label_char(d[len]))
            len++;
        if (len < 1 || len > 63 || d[0] == '-' || d[len - 1] == '-')
            return 0;
        labels++;
        d += len;
        if (*d == '.') {
            d++;
            if (!*d)
                return 0;
        } else if (*d) {
            return 0;
        }
    }
    return labels >= 2;
}
