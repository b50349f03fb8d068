/* UTF-8 validation for the WebSocket client; not installed. */
#ifndef WSC_UTF8_H
#define WSC_UTF8_H

#include <stddef.h>

/* 1 when data[0..len) is valid UTF-8; else 0 (an invalid sequence) or -1
 * (a valid beginning of a character cut off by the end), with *bad_at (may
 * be NULL) the offset of the first byte of that sequence. */
int wsc_utf8_check(const void *data, size_t len, size_t *bad_at);
/* Up to four bytes from `at`, as hex ("ed a0 80"), for messages. */
void wsc_utf8_describe(const void *data, size_t len, size_t at, char *buf, size_t size);

#endif
