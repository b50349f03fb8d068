/* Base64 decoding and encoding (RFC 4648 section 4). */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of c, or -1. */
static int sextet(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Length of the text without its padding, or -1 when the padding is
 * malformed (more than two '=', or a length that padding cannot explain). */
static long unpadded_length(const char *text, size_t n)
{
    size_t pad = 0;
    while (pad < n && text[n - 1 - pad] == '=')
        pad++;
    if (pad > 2 || (pad > 0 && n % 4 != 0))
        return -1;
    return (long)(n - pad);
}

unsigned char *wsc_base64_decode(const char *text, size_t *len, const char **why)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++)
        if (text[i] != '=' && sextet((unsigned char)text[i]) < 0) {
            *why = "a character outside the base64 alphabet";
            return NULL;
        }
    long body = unpadded_length(text, n);
    if (body < 0) {
        *why = "misplaced '=' padding";
        return NULL;
    }
    if (body % 4 == 1) {
        *why = "truncated base64 (a lone final character)";
        return NULL;
    }
    size_t out_len = (size_t)body / 4 * 3 + ((size_t)body % 4 ? (size_t)body % 4 - 1 : 0);
    unsigned char *out = malloc(out_len + 1);
    if (!out) {
        *why = "out of memory";
        return NULL;
    }
    uint32_t acc = 0;
    size_t bits = 0, o = 0;
    for (long i = 0; i < body; i++) {
        int v = sextet((unsigned char)text[i]);
        if (v < 0) {
            free(out);
            *why = "misplaced '=' padding";
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* The leftover bits of the last character must be zero (canonical). */
    if (acc != 0) {
        free(out);
        *why = "non-zero bits after the last byte (not canonical base64)";
        return NULL;
    }
    out[o] = '\0';
    *len = o;
    return out;
}

char *wsc_base64_encode(const void *data, size_t len)
{
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    const unsigned char *p = data;
    char *out = malloc((len + 2) / 3 * 4 + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t chunk = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            chunk |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            chunk |= p[i + 2];
        *w++ = alphabet[(chunk >> 18) & 63];
        *w++ = alphabet[(chunk >> 12) & 63];
        *w++ = i + 1 < len ? alphabet[(chunk >> 6) & 63] : '=';
        *w++ = i + 2 < len ? alphabet[chunk & 63] : '=';
    }
    *w = '\0';
    return out;
}
