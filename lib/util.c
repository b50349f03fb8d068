#include "util.h"

#include <errno.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int wsc_buf_reserve(struct wsc_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX / 4) { /* the doubling below must not overflow */
        b->failed = 1;
        return -1;
    }
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void wsc_buf_append(struct wsc_buf *b, const char *s, size_t n)
{
    if (wsc_buf_reserve(b, n) < 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void wsc_buf_puts(struct wsc_buf *b, const char *s)
{
    wsc_buf_append(b, s, strlen(s));
}

void wsc_buf_vprintf(struct wsc_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || wsc_buf_reserve(b, (size_t)n) < 0) {
        b->failed = 1;
        return;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void wsc_buf_printf(struct wsc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wsc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void wsc_buf_truncate(struct wsc_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

char *wsc_buf_take(struct wsc_buf *b)
{
    char *s = b->failed ? NULL : b->data;
    if (!s && !b->failed)
        s = strdup("");
    if (b->failed)
        free(b->data);
    memset(b, 0, sizeof(*b));
    return s;
}

void wsc_buf_free(struct wsc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

int wsc_str_in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

char *wsc_strdup_vprintf(const char *fmt, va_list ap)
{
    struct wsc_buf b = {0};
    wsc_buf_vprintf(&b, fmt, ap);
    return wsc_buf_take(&b);
}

char *wsc_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

int wsc_strv_push(char ***list, size_t *n, const char *s)
{
    char **grown = realloc(*list, (*n + 1) * sizeof(**list));
    if (!grown)
        return -1;
    *list = grown;
    if (!(grown[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

void wsc_strv_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

double wsc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double wsc_wallclock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *wsc_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct wsc_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > max) {
            fclose(f);
            wsc_buf_free(&b);
            errno = EFBIG;
            return NULL;
        }
        wsc_buf_append(&b, chunk, n);
    }
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (err || b.failed) {
        wsc_buf_free(&b);
        errno = err ? err : ENOMEM;
        return NULL;
    }
    if (len)
        *len = b.len;
    return wsc_buf_take(&b);
}

int wsc_all_zero(const void *p, size_t from, size_t to)
{
    const unsigned char *b = p;
    for (size_t i = from; i < to; i++)
        if (b[i])
            return 0;
    return 1;
}

int wsc_write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int wsc_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
