/* Rendering untrusted values for failure messages, notes and traces: one
 * escaping rule and one way of cutting, whatever the plugin.
 *
 * The rule: valid UTF-8 is kept as it is; \n, \r and \t are written as those
 * two characters; every other control character, DEL, and each byte that is
 * not part of valid UTF-8 is written as \xNN. A rendering that does not fit
 * is cut on a character (or escape) boundary and ends with "...". The
 * result is one line, safe in every report.
 *
 *   char got[WSC_RENDER_MAX + 4];
 *   wsc_render_text_buf(got, sizeof got, m.data, m.len);
 *   wsc_fail(ctx, "reply 3: expected a pong, got '%s'", got);
 */
#ifndef WSCHECK_RENDER_H
#define WSCHECK_RENDER_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How much of a value a message shows, in bytes, before "...". */
#define WSC_RENDER_MAX 200

/* Renders len bytes of data into out (size bytes, at least 8): whole when it
 * fits in size - 1 bytes, else the longest prefix that leaves room for
 * "..." and the NUL. Returns the length written. data may hold NUL bytes. */
WSC_EXPORT size_t wsc_render_text_buf(char *out, size_t size, const void *data,
                                      size_t len);
/* The same as a malloc'ed string keeping at most max bytes when cut (NULL
 * when out of memory). */
WSC_EXPORT char *wsc_render_text(const void *data, size_t len, size_t max);
/* A JSON value as compact JSON ("null" for NULL), rendered into out like
 * wsc_render_text_buf(). Returns the length written. */
WSC_EXPORT size_t wsc_render_json_buf(char *out, size_t size,
                                      const struct json_object *value);

#ifdef __cplusplus
}
#endif

#endif
