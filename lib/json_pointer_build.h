/* JSON Pointer helpers of the library (RFC 6901). The lookups plugins use are
 * declared in <wscheck/json_pointer.h>; building pointers is internal. */
#ifndef WSC_JSON_POINTER_BUILD_H
#define WSC_JSON_POINTER_BUILD_H

#include <stddef.h>

#include "wscheck/json_pointer.h"

struct wsc_buf;

/* Decodes the segment at p (after a '/') into a malloc'ed string; *next is
 * where the following '/' (or the end) is. NULL on a bad escape or OOM. */
char *wsc_json_pointer_segment(const char *p, const char **next);
/* base + "/" + key with '~' and '/' escaped (RFC 6901). Malloc'ed; NULL when
 * out of memory. */
char *wsc_json_pointer_join(const char *base, const char *key);
/* base + "/" + index. Malloc'ed; NULL when out of memory. */
char *wsc_json_pointer_index(const char *base, size_t index);

/* The same appended to a pointer being built: "/" + key, escaped, or "/" +
 * index. Return 0, or -1 when out of memory (b keeps its text, `failed` is
 * set). wsc_buf_truncate() takes a segment off again. */
int wsc_json_pointer_push_key(struct wsc_buf *b, const char *key);
int wsc_json_pointer_push_index(struct wsc_buf *b, size_t index);

#endif
