/* Making untrusted text (server data, names, messages) safe to put in an XML
 * file, a JSON document or on a terminal.
 *
 * Every string goes through one UTF-8 decoder: bytes that are not valid
 * UTF-8 (stray continuation bytes, overlong forms, surrogates, code points
 * past U+10FFFF, truncated sequences) become U+FFFD. Depending on the target,
 * control characters are then made visible as text, because XML 1.0 cannot
 * carry them at all and a terminal would obey them. */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum safe_mode {
    SAFE_UTF8,     /* only repair the encoding (JSON escapes controls itself) */
    SAFE_XML,      /* also make controls visible, keep tab, LF, CR */
    SAFE_TERMINAL, /* as SAFE_XML, and CR too (it would overwrite the line) */
};

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Decodes one code point at s (at most `avail` bytes). Returns its length,
 * or 0 when the bytes there are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min, v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
        v = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
        v = c & 0x07u;
    } else {
        return 0; /* continuation byte, overlong lead, or 0xF5..0xFF */
    }
    if (avail < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Whether a code point is shown as an escape rather than passed through. */
static int needs_escape(uint32_t cp, enum safe_mode mode)
{
    if (mode == SAFE_UTF8)
        return 0;
    if (cp == '\t' || cp == '\n')
        return 0;
    if (cp == '\r')
        return mode == SAFE_TERMINAL;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* XML 1.0 forbids the two BMP non-characters even though they are valid
 * UTF-8; every target gets U+FFFD for them so all reports agree. */
static int is_forbidden(uint32_t cp)
{
    return cp == 0xFFFE || cp == 0xFFFF;
}

/* Writes the visible form of a control character and returns its length:
 * "\r" for CR, "\x1b" for C0 controls and DEL, "\u0085" for C1 controls. */
static size_t write_escape(char *out, uint32_t cp)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (cp == '\r') {
        memcpy(out, "\\r", 2);
        return 2;
    }
    if (cp < 0x80) {
        memcpy(out, "\\x", 2);
        o = 2;
    } else {
        memcpy(out, "\\u00", 4);
        o = 4;
    }
    out[o++] = hex[cp >> 4];
    out[o++] = hex[cp & 0xF];
    return o;
}

static char *make_safe(const char *text, enum safe_mode mode)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t n = strlen((const char *)s);

    /* Worst case: a one-byte control becomes four bytes ("\x1b"). */
    if (n > (SIZE_MAX - 1) / 4)
        return NULL;
    char *out = malloc(4 * n + 1);
    if (!out)
        return NULL;

    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || is_forbidden(cp)) {
            memcpy(out + o, replacement, 3);
            o += 3;
            i += len ? len : 1;
            continue;
        }
        if (needs_escape(cp, mode)) {
            o += write_escape(out + o, cp);
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    return out;
}

char *wsc_xml_safe(const char *s)
{
    return make_safe(s, SAFE_XML);
}

char *wsc_utf8_safe(const char *s)
{
    return make_safe(s, SAFE_UTF8);
}

char *wsc_term_safe(const char *s)
{
    return make_safe(s, SAFE_TERMINAL);
}
