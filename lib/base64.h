/* Base64 (RFC 4648, standard alphabet) for the binary payloads of scenario
 * steps: `send_binary` and `expect_binary` give their bytes as base64.
 * Internal to libwscheck (steps.c); not exported. */
#ifndef WSC_BASE64_H
#define WSC_BASE64_H

#include <stddef.h>

/* Decodes `text` (padding optional, no whitespace). Returns a malloc'ed
 * buffer (NUL-terminated for convenience, *len excludes the NUL), or NULL
 * with *why (static text) when the text is not base64 or memory ran out. */
unsigned char *wsc_base64_decode(const char *text, size_t *len, const char **why);

/* Encodes `len` bytes; returns a malloc'ed NUL-terminated string or NULL. */
char *wsc_base64_encode(const void *data, size_t len);

#endif
