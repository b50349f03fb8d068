/* UTF-8 validation as RFC 3629 defines it (what RFC 6455 requires of text
 * messages and close reasons): no overlong forms, no surrogates (U+D800 to
 * U+DFFF), nothing above U+10FFFF, no truncated sequence. */
#include "utf8.h"

#include <stdio.h>

/* The number of continuation bytes after lead byte b, and the range the
 * first of them must be in (narrower than 80..BF where overlongs,
 * surrogates or code points above U+10FFFF would otherwise start);
 * -1 for a byte that never starts a character. */
static int lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b < 0x80)
        return 0;
    if (b >= 0xC2 && b <= 0xDF)
        return 1;
    if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0)
            *lo = 0xA0; /* overlong below U+0800 */
        else if (b == 0xED)
            *hi = 0x9F; /* surrogates */
        return 2;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0)
            *lo = 0x90; /* overlong below U+10000 */
        else if (b == 0xF4)
            *hi = 0x8F; /* above U+10FFFF */
        return 3;
    }
    return -1; /* 80..C1 (continuation or overlong), F5..FF */
}

int wsc_utf8_check(const void *data, size_t len, size_t *bad_at)
{
    const unsigned char *s = data;
    size_t i = 0;
    while (i < len) {
        unsigned char lo, hi;
        int more = lead(s[i], &lo, &hi);
        size_t start = i++;
        for (int k = 0; more > 0 && k < more; k++, i++) {
            if (i >= len) {
                if (bad_at)
                    *bad_at = start;
                return -1; /* a valid beginning, cut off */
            }
            if (s[i] < lo || s[i] > hi) {
                more = -1;
                break;
            }
            lo = 0x80;
            hi = 0xBF;
        }
        if (more < 0) {
            if (bad_at)
                *bad_at = start;
            return 0;
        }
    }
    return 1;
}

void wsc_utf8_describe(const void *data, size_t len, size_t at, char *buf, size_t size)
{
    const unsigned char *s = data;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = at; i < len && i < at + 4 && used + 4 < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%02x", i > at ? " " : "", s[i]);
    if (at + 4 < len && used + 5 < size)
        snprintf(buf + used, size - used, " ...");
}
