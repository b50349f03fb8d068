/* Rendering untrusted bytes and JSON values for messages (wscheck/render.h). */
#include <wscheck/render.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

/* Length of the valid UTF-8 sequence (2 to 4 bytes) starting at s[0], or 0
 * when it is not one (overlong forms and surrogates are not valid). */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    size_t n;
    uint32_t cp, min;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2, cp = s[0] & 0x1Fu, min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3, cp = s[0] & 0x0Fu, min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4, cp = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* The rendering of the character at s[0]: into piece (NUL-terminated, for
 * escapes) or as the bytes themselves. Returns how many input bytes it
 * takes; *out and *out_len say what to write. */
static size_t next_piece(const unsigned char *s, size_t left, char piece[8],
                         const char **out, size_t *out_len)
{
    unsigned char c = s[0];
    if (c >= 0x20 && c < 0x7f) {
        *out = (const char *)s, *out_len = 1;
        return 1;
    }
    if (c >= 0x80) {
        size_t n = utf8_sequence(s, left);
        if (n) {
            *out = (const char *)s, *out_len = n;
            return n;
        }
    }
    if (c == '\n')
        memcpy(piece, "\\n", 3);
    else if (c == '\r')
        memcpy(piece, "\\r", 3);
    else if (c == '\t')
        memcpy(piece, "\\t", 3);
    else
        snprintf(piece, 8, "\\x%02x", c);
    *out = piece, *out_len = strlen(piece);
    return 1;
}

size_t wsc_render_text_buf(char *out, size_t size, const void *data, size_t len)
{
    const unsigned char *s = data ? data : (const unsigned char *)"";
    if (!data)
        len = 0;
    if (!out || size == 0)
        return 0;
    if (size < 8) {
        out[0] = '\0';
        return 0;
    }
    size_t o = 0, i = 0, keep = 0; /* keep: where a cut would end the text */
    while (i < len) {
        char piece[8];
        const char *p;
        size_t plen;
        size_t used = next_piece(s + i, len - i, piece, &p, &plen);
        if (o + plen > size - 1) {
            memcpy(out + keep, "...", 4);
            return keep + 3;
        }
        memcpy(out + o, p, plen);
        o += plen;
        i += used;
        if (o + 3 <= size - 1)
            keep = o;
    }
    out[o] = '\0';
    return o;
}

char *wsc_render_text(const void *data, size_t len, size_t max)
{
    size_t size = max + 4;
    char *out = malloc(size < 8 ? 8 : size);
    if (out)
        wsc_render_text_buf(out, size < 8 ? 8 : size, data, len);
    return out;
}

size_t wsc_render_json_buf(char *out, size_t size, const struct json_object *value)
{
    const char *json = wsc_json_text(value);
    if (!json)
        json = "?";
    return wsc_render_text_buf(out, size, json, strlen(json));
}
