/* Options of the stream engine (see <wscheck/stream.h>): defaults, deep
 * copies, a check's own default rules, and parsing a check's params. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stream_internal.h"

#define OPTIONS_KNOWN WSC_END_OF(struct wsc_stream_options, allow_close)

void wsc_stream_options_init_sized(struct wsc_stream_options *opt, size_t size)
{
    memset(opt, 0, size);
    if (size < OPTIONS_KNOWN)
        return; /* struct_size stays 0: every later use refuses */
    opt->struct_size = size;
    opt->require_terminal = -1;
}

const char *stream_options_unusable(const struct wsc_stream_options *opt)
{
    if (opt->struct_size < OPTIONS_KNOWN)
        return "struct wsc_stream_options was not initialised with "
               "wsc_stream_options_init() or wsc_stream_options_parse(), or comes from "
               "an older ABI: rebuild the plugin against its headers";
    if (!wsc_all_zero(opt, OPTIONS_KNOWN, opt->struct_size))
        return "struct wsc_stream_options sets members this wscheck (" WSC_VERSION
               ") does not know: the plugin was built for a newer wscheck";
    return NULL;
}

static void free_ranges(struct wsc_stream_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].pointer);
    free(r);
}

static void free_allowed(struct wsc_stream_allowed *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].pointer);
        json_object_put(a[i].values);
    }
    free(a);
}

void wsc_stream_options_free(struct wsc_stream_options *opt)
{
    if (opt->struct_size < OPTIONS_KNOWN)
        return;
    json_object_put(opt->subscribe);
    json_object_put(opt->match);
    json_object_put(opt->ignore);
    json_object_put(opt->terminal);
    wsc_strv_free(opt->non_decreasing, opt->n_non_decreasing);
    wsc_strv_free(opt->increasing, opt->n_increasing);
    free_ranges(opt->ranges, opt->n_ranges);
    free_allowed(opt->allowed, opt->n_allowed);
    json_object_put(opt->keepalive_message);
    wsc_stream_options_init_sized(opt, opt->struct_size);
}

int stream_pointer_valid(const char *p)
{
    if (!p || (*p && *p != '/'))
        return 0;
    for (; *p; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
            return 0;
    return 1;
}

/* A copy of a JSON value (NULL stays NULL). 0, or -1 when out of memory. */
static int copy_value(struct json_object **dst, const struct json_object *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    return json_object_deep_copy((struct json_object *)src, dst, NULL) == 0 ? 0 : -1;
}

static int has_pointer(char *const *list, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], p) == 0)
            return 1;
    return 0;
}

int wsc_stream_options_add_non_decreasing(struct wsc_stream_options *opt,
                                          const char *pointer)
{
    if (stream_options_unusable(opt) || !stream_pointer_valid(pointer))
        return -1;
    if (has_pointer(opt->non_decreasing, opt->n_non_decreasing, pointer))
        return 0;
    return wsc_strv_push(&opt->non_decreasing, &opt->n_non_decreasing, pointer);
}

static int add_increasing(struct wsc_stream_options *opt, const char *pointer)
{
    if (has_pointer(opt->increasing, opt->n_increasing, pointer))
        return 0;
    return wsc_strv_push(&opt->increasing, &opt->n_increasing, pointer);
}

int wsc_stream_options_add_range(struct wsc_stream_options *opt, const char *pointer,
                                 double min, double max)
{
    if (stream_options_unusable(opt) || !stream_pointer_valid(pointer))
        return -1;
    for (size_t i = 0; i < opt->n_ranges; i++)
        if (strcmp(opt->ranges[i].pointer, pointer) == 0)
            return 0;
    struct wsc_stream_range *r =
        realloc(opt->ranges, (opt->n_ranges + 1) * sizeof *opt->ranges);
    if (!r)
        return -1;
    opt->ranges = r;
    char *p = strdup(pointer);
    if (!p)
        return -1;
    r[opt->n_ranges++] = (struct wsc_stream_range){p, min, max};
    return 0;
}

int wsc_stream_options_add_allowed(struct wsc_stream_options *opt, const char *pointer,
                                   const struct json_object *values)
{
    if (stream_options_unusable(opt) || !stream_pointer_valid(pointer) ||
        !json_object_is_type(values, json_type_array))
        return -1;
    for (size_t i = 0; i < opt->n_allowed; i++)
        if (strcmp(opt->allowed[i].pointer, pointer) == 0)
            return 0;
    struct wsc_stream_allowed *a =
        realloc(opt->allowed, (opt->n_allowed + 1) * sizeof *opt->allowed);
    if (!a)
        return -1;
    opt->allowed = a;
    struct json_object *copy;
    char *p = strdup(pointer);
    if (!p || copy_value(&copy, values) != 0) {
        free(p);
        return -1;
    }
    a[opt->n_allowed++] = (struct wsc_stream_allowed){p, copy};
    return 0;
}

static int copy_rules(struct wsc_stream_options *dst,
                      const struct wsc_stream_options *src)
{
    for (size_t i = 0; i < src->n_non_decreasing; i++)
        if (wsc_stream_options_add_non_decreasing(dst, src->non_decreasing[i]) != 0)
            return -1;
    for (size_t i = 0; i < src->n_increasing; i++)
        if (add_increasing(dst, src->increasing[i]) != 0)
            return -1;
    for (size_t i = 0; i < src->n_ranges; i++) {
        const struct wsc_stream_range *r = &src->ranges[i];
        if (wsc_stream_options_add_range(dst, r->pointer, r->min, r->max) != 0)
            return -1;
    }
    for (size_t i = 0; i < src->n_allowed; i++) {
        const struct wsc_stream_allowed *a = &src->allowed[i];
        if (wsc_stream_options_add_allowed(dst, a->pointer, a->values) != 0)
            return -1;
    }
    return 0;
}

int stream_options_copy(struct wsc_stream_options *dst,
                        const struct wsc_stream_options *src)
{
    wsc_stream_options_init(dst);
    dst->require_terminal = src->require_terminal;
    dst->unknown_values = src->unknown_values;
    dst->non_json_ignore = src->non_json_ignore;
    dst->max_gap = src->max_gap;
    dst->min_messages = src->min_messages;
    dst->min_rate = src->min_rate;
    dst->keepalive_every = src->keepalive_every;
    dst->duration = src->duration;
    dst->allow_close = src->allow_close;
    if (copy_value(&dst->subscribe, src->subscribe) ||
        copy_value(&dst->match, src->match) || copy_value(&dst->ignore, src->ignore) ||
        copy_value(&dst->terminal, src->terminal) ||
        copy_value(&dst->keepalive_message, src->keepalive_message) ||
        copy_rules(dst, src)) {
        wsc_stream_options_free(dst);
        return -1;
    }
    return 0;
}

/* ---- parsing params ------------------------------------------------------- */

static int parse_error(char **err, const char *fmt, ...) WSC_PRINTF(2, 3);
static int parse_error(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *err = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static struct json_object *member(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return v; /* NULL for JSON null: absent */
}

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

/* A matcher option, checked and copied. */
static int parse_matcher(const struct json_object *params, const char *key,
                         struct json_object **out, char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    char *bad = wsc_match_check(v);
    if (bad) {
        parse_error(err, "%s: %s", key, bad);
        free(bad);
        return -1;
    }
    return copy_value(out, v) ? parse_error(err, "out of memory") : 0;
}

/* A number >= 0; `what` says what it counts, for the message. */
static int parse_number(const struct json_object *params, const char *key,
                        const char *what, double *out, char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    double d = json_object_get_double(v);
    if (!is_number(v) || !isfinite(d) || d < 0)
        return parse_error(err, "%s: expected a number of %s >= 0", key, what);
    *out = d;
    return 0;
}

static int parse_bool(const struct json_object *params, const char *key, int *out,
                      char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return parse_error(err, "%s: expected true or false", key);
    *out = json_object_get_boolean(v);
    return 0;
}

/* A member that is one of two words: *out = 0 for the first, 1 for the
 * second. */
static int parse_choice(const struct json_object *params, const char *key, const char *w0,
                        const char *w1, int *out, char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    const char *s =
        json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    if (strcmp(s, w0) != 0 && strcmp(s, w1) != 0)
        return parse_error(err, "%s: expected \"%s\" or \"%s\"", key, w0, w1);
    *out = strcmp(s, w1) == 0;
    return 0;
}

static int parse_pointers(const struct json_object *params, const char *key,
                          struct wsc_stream_options *opt, int increasing, char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return parse_error(err, "%s: expected an array of JSON Pointers", key);
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *p = json_object_array_get_idx(v, i);
        const char *s = json_object_get_string(p);
        if (!json_object_is_type(p, json_type_string) || !stream_pointer_valid(s))
            return parse_error(err, "%s/%zu: '%s' is not a JSON Pointer", key, i,
                               json_object_is_type(p, json_type_string) ? s : "");
        int rc = increasing ? add_increasing(opt, s)
                            : wsc_stream_options_add_non_decreasing(opt, s);
        if (rc != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_ranges(const struct json_object *params, struct wsc_stream_options *opt,
                        char **err)
{
    struct json_object *v = member(params, "ranges");
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_object))
        return parse_error(err, "ranges: expected an object of JSON Pointer: [min, max]");
    json_object_object_foreach(v, ptr, r) {
        struct json_object *lo = json_object_array_get_idx(r, 0);
        struct json_object *hi = json_object_array_get_idx(r, 1);
        if (!stream_pointer_valid(ptr))
            return parse_error(err, "ranges: '%s' is not a JSON Pointer", ptr);
        if (!json_object_is_type(r, json_type_array) ||
            json_object_array_length(r) != 2 || !is_number(lo) || !is_number(hi) ||
            json_object_get_double(lo) > json_object_get_double(hi))
            return parse_error(err, "ranges %s: expected [min, max] with min <= max",
                               ptr);
        if (wsc_stream_options_add_range(opt, ptr, json_object_get_double(lo),
                                         json_object_get_double(hi)) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_allowed(const struct json_object *params, struct wsc_stream_options *opt,
                         char **err)
{
    struct json_object *v = member(params, "allowed");
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_object))
        return parse_error(err, "allowed: expected an object of JSON Pointer: [values]");
    json_object_object_foreach(v, ptr, values) {
        if (!stream_pointer_valid(ptr))
            return parse_error(err, "allowed: '%s' is not a JSON Pointer", ptr);
        if (!json_object_is_type(values, json_type_array) ||
            json_object_array_length(values) == 0)
            return parse_error(err, "allowed %s: expected a non-empty array of values",
                               ptr);
        for (size_t i = 0; i < json_object_array_length(values); i++) {
            char *bad = wsc_match_check(json_object_array_get_idx(values, i));
            if (bad) {
                parse_error(err, "allowed %s/%zu: %s", ptr, i, bad);
                free(bad);
                return -1;
            }
        }
        if (wsc_stream_options_add_allowed(opt, ptr, values) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_count(const struct json_object *params, const char *key, size_t *out,
                       char **err)
{
    struct json_object *v = member(params, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return parse_error(err, "%s: expected an integer >= 0", key);
    *out = (size_t)json_object_get_int64(v);
    return 0;
}

static int parse_keepalive(const struct json_object *params,
                           struct wsc_stream_options *opt, char **err)
{
    struct json_object *v = member(params, "keepalive");
    if (!v)
        return 0;
    struct json_object *every = member(v, "every"), *msg = member(v, "message");
    double d = json_object_get_double(every);
    if (!json_object_is_type(v, json_type_object) || !is_number(every) || !isfinite(d) ||
        d <= 0 || !msg)
        return parse_error(err, "keepalive: expected {\"every\": seconds > 0, "
                                "\"message\": a string or JSON value}");
    opt->keepalive_every = d;
    return copy_value(&opt->keepalive_message, msg) ? parse_error(err, "out of memory")
                                                    : 0;
}

static int parse_all(const struct json_object *params, struct wsc_stream_options *opt,
                     char **err)
{
    int unknown_note = 0;
    if (copy_value(&opt->subscribe, member(params, "subscribe")))
        return parse_error(err, "out of memory");
    if (parse_matcher(params, "match", &opt->match, err) ||
        parse_matcher(params, "ignore", &opt->ignore, err) ||
        parse_matcher(params, "terminal", &opt->terminal, err) ||
        parse_bool(params, "require_terminal", &opt->require_terminal, err) ||
        parse_pointers(params, "non_decreasing", opt, 0, err) ||
        parse_pointers(params, "increasing", opt, 1, err) ||
        parse_ranges(params, opt, err) || parse_allowed(params, opt, err) ||
        parse_choice(params, "unknown_values", "fail", "note", &unknown_note, err) ||
        parse_choice(params, "non_json", "fail", "ignore", &opt->non_json_ignore, err) ||
        parse_number(params, "max_gap", "seconds", &opt->max_gap, err) ||
        parse_count(params, "min_messages", &opt->min_messages, err) ||
        parse_number(params, "min_rate", "messages per second", &opt->min_rate, err) ||
        parse_keepalive(params, opt, err) ||
        parse_number(params, "duration", "seconds", &opt->duration, err) ||
        parse_bool(params, "allow_close", &opt->allow_close, err))
        return -1;
    opt->unknown_values =
        unknown_note ? WSC_STREAM_UNKNOWN_NOTE : WSC_STREAM_UNKNOWN_FAIL;
    return 0;
}

int wsc_stream_options_parse_sized(struct wsc_ctx *ctx, const struct json_object *params,
                                   struct wsc_stream_options *opt, size_t size,
                                   char **err)
{
    (void)ctx; /* no option of a stream is a secret */
    *err = NULL;
    wsc_stream_options_init_sized(opt, size);
    const char *why = stream_options_unusable(opt);
    if (why) {
        *err = strdup(why);
        return -1;
    }
    if (params && !json_object_is_type(params, json_type_object)) {
        *err = strdup("params: expected an object");
        return -1;
    }
    if (params && parse_all(params, opt, err) != 0) {
        wsc_stream_options_free(opt);
        return -1;
    }
    return 0;
}
