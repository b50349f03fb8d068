/* Small shared helpers of the core: growable strings, time, files. */
#ifndef WSC_UTIL_H
#define WSC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include "wscheck/plugin.h"

/* A growable NUL-terminated string. `failed` latches on allocation failure so
 * callers may append freely and check once. */
struct wsc_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
};

/* Makes room for `extra` more bytes and the NUL. Returns 0, or -1 when out
 * of memory (b keeps its text, `failed` is set). */
int wsc_buf_reserve(struct wsc_buf *b, size_t extra);
void wsc_buf_append(struct wsc_buf *b, const char *s, size_t n);
void wsc_buf_puts(struct wsc_buf *b, const char *s);
void wsc_buf_printf(struct wsc_buf *b, const char *fmt, ...) WSC_PRINTF(2, 3);
void wsc_buf_vprintf(struct wsc_buf *b, const char *fmt, va_list ap) WSC_PRINTF(2, 0);
/* Cuts the text back to its first len bytes (nothing when it is shorter). */
void wsc_buf_truncate(struct wsc_buf *b, size_t len);
/* Hands the string over (never NULL unless allocation failed) and resets b. */
char *wsc_buf_take(struct wsc_buf *b);
void wsc_buf_free(struct wsc_buf *b);

/* Is s one of the strings of list (ended by NULL)? */
int wsc_str_in_list(const char *const *list, const char *s);

char *wsc_strdup_printf(const char *fmt, ...) WSC_PRINTF(1, 2);
char *wsc_strdup_vprintf(const char *fmt, va_list ap) WSC_PRINTF(1, 0);

/* Appends a copy of s to a growable array of strings. 0, or -1 (nothing
 * added) when out of memory. */
int wsc_strv_push(char ***list, size_t *n, const char *s);
/* Frees every string and the array. */
void wsc_strv_free(char **list, size_t n);

/* The growth rule (wscheck-plugin(7)): the offset just past a struct's last
 * member that this build knows ("known" ends there, not at sizeof: a member
 * a later release adds may sit in what is padding here), and whether the
 * bytes [from, to) of p are all zero. */
#define WSC_END_OF(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
int wsc_all_zero(const void *p, size_t from, size_t to);

double wsc_wallclock(void); /* epoch seconds */

/* Reads a whole file (at most max bytes: EFBIG beyond). NULL with errno set
 * on failure; an empty file is "". */
char *wsc_read_file(const char *path, size_t max, size_t *len);

/* The value of hex digit c (either case), or -1. */
int wsc_hex_value(int c);

/* Writes all n bytes to fd, going on after EINTR and short writes.
 * Returns 0, or -1 with errno set. */
int wsc_write_all(int fd, const void *p, size_t n);

#endif
