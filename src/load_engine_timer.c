/* The load engine's timers: a binary min-heap of sessions keyed by the
 * earlier of their protocol timer and their hard deadline. Setting, moving
 * or cancelling a timer is O(log n); the loop only looks at the top, never
 * scans the sessions. */
#include <stdint.h>
#include <stdlib.h>

#include "load_engine_internal.h"

static void heap_set(struct load_engine *e, size_t i, struct wsc_load_sess *s)
{
    e->heap[i] = s;
    s->heap_i = i;
}

static void sift_up(struct load_engine *e, size_t i)
{
    struct wsc_load_sess *s = e->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (e->heap[parent]->at <= s->at)
            break;
        heap_set(e, i, e->heap[parent]);
        i = parent;
    }
    heap_set(e, i, s);
}

static void sift_down(struct load_engine *e, size_t i)
{
    struct wsc_load_sess *s = e->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, least = i;
        double key = s->at;
        if (l < e->heap_len && e->heap[l]->at < key) {
            least = l;
            key = e->heap[l]->at;
        }
        if (l + 1 < e->heap_len && e->heap[l + 1]->at < key)
            least = l + 1;
        if (least == i)
            break;
        heap_set(e, i, e->heap[least]);
        i = least;
    }
    heap_set(e, i, s);
}

void load_heap_remove(struct load_engine *e, struct wsc_load_sess *s)
{
    size_t i = s->heap_i;
    if (i == SIZE_MAX)
        return;
    s->heap_i = SIZE_MAX;
    struct wsc_load_sess *last = e->heap[--e->heap_len];
    if (last == s)
        return;
    heap_set(e, i, last);
    sift_up(e, i);
    sift_down(e, last->heap_i);
}

static int heap_grow(struct load_engine *e)
{
    size_t cap = e->heap_cap ? e->heap_cap * 2 : 1024;
    struct wsc_load_sess **h = realloc(e->heap, cap * sizeof(*h));
    if (!h)
        return -1;
    e->heap = h;
    e->heap_cap = cap;
    return 0;
}

void load_heap_update(struct load_engine *e, struct wsc_load_sess *s)
{
    double at = s->deadline;
    if (s->timer > 0 && s->timer < at)
        at = s->timer;
    s->at = at;
    if (s->heap_i == SIZE_MAX) {
        if (e->heap_len == e->heap_cap && heap_grow(e) != 0) {
            /* Without its entry the session would never time out. */
            e->out_of_memory = 1;
            return;
        }
        heap_set(e, e->heap_len++, s);
        sift_up(e, s->heap_i);
        return;
    }
    sift_up(e, s->heap_i);
    sift_down(e, s->heap_i);
}

struct wsc_load_sess *load_heap_top(const struct load_engine *e)
{
    return e->heap_len ? e->heap[0] : NULL;
}
