/* Where each value of a JSON text is: an index from JSON pointer
 * ("/tests/2/params/port") to line and column, built by a small scanner over
 * the same text json-c parsed (same non-strict dialect: comments, single
 * quotes, trailing commas, bare words), so that errors found in the parsed
 * tree can point at the source. Lines and columns are 1-based; columns count
 * characters (UTF-8 sequences), not bytes. */
#ifndef WSC_JSONPOS_H
#define WSC_JSONPOS_H

#include <stddef.h>

struct wsc_jsonpos;
struct wsc_buf;

/* Scans text (len bytes, need not be NUL-terminated). Returns the index, or
 * NULL with *err (malloc'ed, may be NULL when out of memory) and *err_off
 * (byte offset of the problem) when the text is not one JSON value followed
 * only by whitespace and comments. */
struct wsc_jsonpos *wsc_jsonpos_scan(const char *text, size_t len, char **err,
                                     size_t *err_off);
void wsc_jsonpos_free(struct wsc_jsonpos *p);

/* Position of the value at pointer. Returns 0, or -1 when there is none. */
int wsc_jsonpos_value(const struct wsc_jsonpos *p, const char *pointer,
                      int *line, int *col);
/* Position of the member name for an object member (of the value for an
 * array element or the root). Returns 0, or -1 when there is none. */
int wsc_jsonpos_key(const struct wsc_jsonpos *p, const char *pointer,
                    int *line, int *col);

/* Members whose name repeats an earlier one in the same object (json-c keeps
 * only the last). Returns the later member's pointer and its name's
 * position, or NULL when i is out of range. */
size_t wsc_jsonpos_n_dups(const struct wsc_jsonpos *p);
const char *wsc_jsonpos_dup(const struct wsc_jsonpos *p, size_t i, int *line,
                            int *col);

/* Line and column of byte offset off in text (off may equal len). */
void wsc_text_linecol(const char *text, size_t len, size_t off, int *line,
                      int *col);

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
