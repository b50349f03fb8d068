/* `wscheck report`: failure messages reduced to their pattern, so that
 * "connection refused by 127.0.0.1:9004 after 3012 ms" and the same failure
 * an hour later on another port count as one error pattern. */
#include "report_model.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

static int is_hex(int c)
{
    return isxdigit((unsigned char)c);
}

static int is_word(int c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Length of a quoted value at s ('...' or "..." closed on the same
 * message, at most 200 bytes), or 0. */
static size_t quoted_len(const char *s)
{
    if (*s != '\'' && *s != '"')
        return 0;
    const char *close = strchr(s + 1, *s);
    if (!close || close - s > 200)
        return 0;
    return (size_t)(close - s) + 1;
}

/* 8-4-4-4-12 hex digits. */
static size_t uuid_len(const char *s)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t n = 0;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++, n++)
            if (!is_hex(s[n]))
                return 0;
        if (g < 4 && s[n++] != '-')
            return 0;
    }
    return is_word(s[n]) ? 0 : n;
}

/* "0x1f..." or a run of 8 or more hex digits with at least one digit
 * and one letter ("deadbeef01"), not part of a longer word. */
static size_t hex_len(const char *s)
{
    size_t n = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex(s[2])) {
        for (n = 2; is_hex(s[n]); n++)
            ;
        return is_word(s[n]) ? 0 : n;
    }
    int digit = 0, letter = 0;
    for (; is_hex(s[n]); n++) {
        digit |= isdigit((unsigned char)s[n]) != 0;
        letter |= isalpha((unsigned char)s[n]) != 0;
    }
    return n >= 8 && digit && letter && !is_word(s[n]) ? n : 0;
}

/* Four dot-separated numbers. */
static size_t ipv4_len(const char *s)
{
    size_t n = 0;
    for (int part = 0; part < 4; part++) {
        size_t start = n;
        while (isdigit((unsigned char)s[n]) && n - start < 3)
            n++;
        if (n == start || (part < 3 && s[n++] != '.'))
            return 0;
    }
    return isdigit((unsigned char)s[n]) ? 0 : n;
}

static size_t number_len(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    if (n && s[n] == '.' && isdigit((unsigned char)s[n + 1]))
        for (n++; isdigit((unsigned char)s[n]); n++)
            ;
    return n;
}

/* A port: digits only, after "HOST:" or "]:". */
static size_t port_len(const char *start, const char *s)
{
    size_t n = 0;
    if (s - start < 2 || s[-1] != ':' || !(is_word(s[-2]) || s[-2] == ']'))
        return 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    return n && n <= 5 && s[n] != '.' ? n : 0;
}

/* One token at s (start: the message): its replacement into b and its
 * length, or 0 to copy a byte. */
static size_t replace_token(struct wsc_buf *b, const char *start, const char *s)
{
    int prev = s > start ? (unsigned char)s[-1] : 0;
    size_t n;
    if (is_word(prev) && prev != '-')
        return 0; /* inside a word: "ws2", "rfc6455", "don't" stay */
    if ((n = quoted_len(s))) {
        wsc_buf_puts(b, *s == '"' ? "\"<value>\"" : "'<value>'");
        return n;
    }
    if ((n = uuid_len(s))) {
        wsc_buf_puts(b, "<uuid>");
        return n;
    }
    if ((n = hex_len(s))) {
        wsc_buf_puts(b, "<hex>");
        return n;
    }
    if ((n = ipv4_len(s))) {
        wsc_buf_puts(b, "<ip>");
        return n;
    }
    if ((n = port_len(start, s))) {
        wsc_buf_puts(b, "<port>");
        return n;
    }
    if ((n = number_len(s))) {
        wsc_buf_puts(b, "<n>");
        return n;
    }
    return 0;
}

char *rep_normalise_message(const char *msg)
{
    struct wsc_buf b = {0};
    const char *start = msg ? msg : "";
    wsc_buf_puts(&b, "");
    for (const char *s = start; *s;) {
        size_t n = replace_token(&b, start, s);
        if (!n) {
            n = 1;
            wsc_buf_append(&b, s, 1);
        }
        s += n;
    }
    return b.failed ? (wsc_buf_free(&b), NULL) : wsc_buf_take(&b);
}
