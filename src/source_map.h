/* Where each value of a JSON text is: an index from JSON pointer
 * ("/tests/2/params/port") to line and column, built by a small scanner over
 * the same text json-c parsed (same non-strict dialect: comments, single
 * quotes, trailing commas, bare words), so that errors found in the parsed
 * tree can point at the source. Lines and columns are 1-based; columns count
 * characters (UTF-8 sequences), not bytes. */
#ifndef WSC_SOURCE_MAP_H
#define WSC_SOURCE_MAP_H

#include <stddef.h>

struct wsc_source_map;
struct wsc_buf;

/* Scans text (len bytes, need not be NUL-terminated). Returns the index, or
 * NULL with *err (malloc'ed, may be NULL when out of memory) and *err_off
 * (byte offset of the problem) when the text is not one JSON value followed
 * only by whitespace and comments. */
struct wsc_source_map *wsc_source_map_scan(const char *text, size_t len, char **err,
                                           size_t *err_off);
void wsc_source_map_free(struct wsc_source_map *p);

/* Position of the value at pointer. Returns 0, or -1 when there is none. */
int wsc_source_map_value(const struct wsc_source_map *p, const char *pointer, int *line,
                         int *col);
/* Position of the member name for an object member (of the value for an
 * array element or the root). Returns 0, or -1 when there is none. */
int wsc_source_map_key(const struct wsc_source_map *p, const char *pointer, int *line,
                       int *col);

/* Members whose name repeats an earlier one in the same object (json-c keeps
 * only the last). Returns the later member's pointer and its name's
 * position, or NULL when i is out of range. */
size_t wsc_source_map_n_dups(const struct wsc_source_map *p);
const char *wsc_source_map_dup(const struct wsc_source_map *p, size_t i, int *line,
                               int *col);

/* Line and column of byte offset off in text (off may equal len). */
void wsc_text_linecol(const char *text, size_t len, size_t off, int *line, int *col);

#endif
