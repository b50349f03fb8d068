/* JSON Pointers (RFC 6901): resolving one in a document, and building them
 * segment by segment with escapes, for messages that name where a value is. */
#include "json_pointer_build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Decodes the segment at p (after a '/') into a malloc'ed string; *next is
 * where the following '/' (or the end) is. NULL on a bad escape or OOM. */
char *wsc_json_pointer_segment(const char *p, const char **next)
{
    size_t n = strcspn(p, "/");
    char *seg = malloc(n + 1), *w = seg;
    if (!seg)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '~') {
            *w++ = p[i];
        } else if (i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
            *w++ = p[++i] == '0' ? '~' : '/';
        } else {
            free(seg);
            return NULL;
        }
    }
    *w = '\0';
    *next = p + n;
    return seg;
}

static int array_index(const char *seg, size_t len, size_t *index)
{
    char *end;
    if (!*seg || (seg[0] == '0' && seg[1]) || seg[0] < '0' || seg[0] > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(seg, &end, 10);
    if (errno || *end || v >= len)
        return -1;
    *index = (size_t)v;
    return 0;
}

int wsc_json_pointer_find(const struct json_object *doc, const char *ptr,
                          struct json_object **out)
{
    struct json_object *cur = (struct json_object *)doc;
    const char *p = ptr;
    *out = NULL;
    if (!ptr || (*ptr && *ptr != '/'))
        return -1;
    while (*p == '/') {
        const char *next;
        char *seg = wsc_json_pointer_segment(p + 1, &next);
        struct json_object *child = NULL;
        size_t index;
        int found = 0;
        if (!seg)
            return -1;
        if (json_object_is_type(cur, json_type_object)) {
            found = json_object_object_get_ex(cur, seg, &child);
        } else if (json_object_is_type(cur, json_type_array) &&
                   array_index(seg, json_object_array_length(cur), &index) == 0) {
            child = json_object_array_get_idx(cur, index);
            found = 1;
        }
        free(seg);
        if (!found)
            return 0;
        cur = child;
        p = next;
    }
    *out = cur;
    return 1;
}

struct json_object *wsc_json_pointer_get(struct json_object *doc, const char *ptr)
{
    struct json_object *out = NULL;
    return wsc_json_pointer_find(doc, ptr, &out) == 1 ? out : NULL;
}

char *wsc_json_pointer_join(const char *base, const char *key)
{
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, base ? base : "");
    wsc_json_pointer_push_key(&b, key);
    return wsc_buf_take(&b);
}

char *wsc_json_pointer_index(const char *base, size_t index)
{
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, base ? base : "");
    wsc_json_pointer_push_index(&b, index);
    return wsc_buf_take(&b);
}

int wsc_json_pointer_push_key(struct wsc_buf *b, const char *key)
{
    size_t extra = 1;
    for (const char *k = key; *k; k++)
        extra += (*k == '~' || *k == '/') ? 2 : 1;
    if (wsc_buf_reserve(b, extra) < 0) /* all or nothing: b stays a pointer */
        return -1;
    char *w = b->data + b->len;
    *w++ = '/';
    for (const char *k = key; *k; k++) {
        if (*k == '~' || *k == '/') {
            *w++ = '~';
            *w++ = *k == '~' ? '0' : '1';
        } else {
            *w++ = *k;
        }
    }
    *w = '\0';
    b->len = (size_t)(w - b->data);
    return 0;
}

int wsc_json_pointer_push_index(struct wsc_buf *b, size_t index)
{
    char num[32];
    int n = snprintf(num, sizeof num, "/%zu", index);
    if (wsc_buf_reserve(b, (size_t)n) < 0)
        return -1;
    wsc_buf_append(b, num, (size_t)n);
    return 0;
}
