/* The value rules of the stream engine: ranges, allowed values (failing or
 * noted once per value), and values that must not go back. Each reads the
 * member a JSON Pointer names; a missing member is not judged (the match
 * rule is there to require members). */
#include <math.h>
#include <string.h>

#include "stream_internal.h"
#include "wscheck/json_pointer.h"
#include "wscheck/render.h"

typedef char shown_t[WSC_RENDER_MAX + 4];

static void show(shown_t out, const struct json_object *v)
{
    wsc_render_json_buf(out, sizeof(shown_t), v);
}

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

static enum wsc_stream_verdict check_ranges(struct wsc_stream *s,
                                            const struct json_object *msg)
{
    for (size_t i = 0; i < s->opt.n_ranges; i++) {
        const struct wsc_stream_range *r = &s->opt.ranges[i];
        struct json_object *v;
        if (wsc_json_pointer_find(msg, r->pointer, &v) != 1)
            continue;
        shown_t got;
        show(got, v);
        if (!is_number(v))
            return stream_fail_msg(s, "%s is %s, not a number (ranges)", r->pointer, got);
        double d = json_object_get_double(v);
        if (isnan(d) || d < r->min || d > r->max)
            return stream_fail_msg(s, "%s is %s, outside [%g, %g] (ranges)", r->pointer,
                                   got, r->min, r->max);
    }
    return WSC_STREAM_MORE;
}

static int is_allowed(const struct wsc_stream_allowed *a, const struct json_object *v)
{
    for (size_t i = 0; i < json_object_array_length(a->values); i++)
        if (wsc_match(json_object_array_get_idx(a->values, i), v, NULL, NULL))
            return 1;
    return 0;
}

/* Notes an unknown value the first time it is seen at its pointer. */
static void note_unknown(struct wsc_stream *s, size_t i, struct json_object *v,
                         const char *got, const char *set)
{
    struct json_object *noted = s->noted[i];
    for (size_t k = 0; noted && k < json_object_array_length(noted); k++)
        if (json_object_equal(json_object_array_get_idx(noted, k), v))
            return;
    if (!noted && !(noted = s->noted[i] = json_object_new_array()))
        return;
    struct json_object *copy = NULL;
    if (json_object_deep_copy(v, &copy, NULL) != 0)
        return;
    if (json_object_array_add(noted, copy) != 0) {
        json_object_put(copy);
        return;
    }
    if (s->ctx)
        wsc_note(s->ctx,
                 "message %zu at +%.1f s: %s is %s, not one of %s (allowed; noted)",
                 s->index, s->at - s->start, s->opt.allowed[i].pointer, got, set);
}

static enum wsc_stream_verdict check_allowed(struct wsc_stream *s,
                                             const struct json_object *msg)
{
    for (size_t i = 0; i < s->opt.n_allowed; i++) {
        const struct wsc_stream_allowed *a = &s->opt.allowed[i];
        struct json_object *v;
        if (wsc_json_pointer_find(msg, a->pointer, &v) != 1 || is_allowed(a, v))
            continue;
        shown_t got, set;
        show(got, v);
        show(set, a->values);
        if (s->opt.unknown_values == WSC_STREAM_UNKNOWN_FAIL)
            return stream_fail_msg(s, "%s is %s, not one of %s (allowed)", a->pointer,
                                   got, set);
        note_unknown(s, i, v, got, set);
    }
    return WSC_STREAM_MORE;
}

/* Compares two values of the same kind: <0, 0, >0; 2 when they cannot be
 * compared (different kinds, or kinds that have no order). */
static int compare(const struct json_object *a, const struct json_object *b)
{
    if (is_number(a) && is_number(b)) {
        if (json_object_is_type(a, json_type_int) &&
            json_object_is_type(b, json_type_int)) {
            int64_t x = json_object_get_int64(a), y = json_object_get_int64(b);
            return (x > y) - (x < y);
        }
        double x = json_object_get_double(a), y = json_object_get_double(b);
        return isnan(x) || isnan(y) ? 2 : (x > y) - (x < y);
    }
    if (json_object_is_type(a, json_type_string) &&
        json_object_is_type(b, json_type_string)) {
        int c = strcmp(json_object_get_string((struct json_object *)a),
                       json_object_get_string((struct json_object *)b));
        return (c > 0) - (c < 0);
    }
    return 2;
}

/* Ordered values only: numbers and non-empty strings (an empty timestamp
 * means "none", not "earliest"). */
static int orderable(const struct json_object *v)
{
    if (is_number(v))
        return 1;
    return json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0;
}

static enum wsc_stream_verdict check_order(struct wsc_stream *s,
                                           const struct json_object *msg, size_t slot,
                                           const char *pointer, int strict)
{
    struct json_object *v;
    if (wsc_json_pointer_find(msg, pointer, &v) != 1 || !orderable(v))
        return WSC_STREAM_MORE;
    struct json_object *prev = s->prev[slot];
    int c = prev ? compare(v, prev) : 2;
    if (c < 0 || (strict && c == 0)) {
        shown_t from, to;
        show(from, prev);
        show(to, v);
        return stream_fail_msg(s, "%s went from %s to %s (%s)", pointer, from, to,
                               strict ? "increasing" : "non_decreasing");
    }
    json_object_put(prev);
    s->prev[slot] = NULL;
    if (json_object_deep_copy(v, &s->prev[slot], NULL) != 0)
        return stream_fail(s, "out of memory");
    return WSC_STREAM_MORE;
}

enum wsc_stream_verdict stream_value_rules(struct wsc_stream *s,
                                           const struct json_object *msg)
{
    if (check_ranges(s, msg) != WSC_STREAM_MORE ||
        check_allowed(s, msg) != WSC_STREAM_MORE)
        return WSC_STREAM_FAILED;
    size_t slot = 0;
    for (size_t i = 0; i < s->opt.n_non_decreasing; i++, slot++)
        if (check_order(s, msg, slot, s->opt.non_decreasing[i], 0) != WSC_STREAM_MORE)
            return WSC_STREAM_FAILED;
    for (size_t i = 0; i < s->opt.n_increasing; i++, slot++)
        if (check_order(s, msg, slot, s->opt.increasing[i], 1) != WSC_STREAM_MORE)
            return WSC_STREAM_FAILED;
    return WSC_STREAM_MORE;
}
