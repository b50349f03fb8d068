#include "context.h"
#include "trace_head.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRACE_MAX_ENTRIES 1000
#define TRACE_MAX_BYTES WSC_TRACE_DATA_MAX
/* Header blocks (kind "http") are kept whole up to this size: a person
 * debugging a refused upgrade needs every header, not the first line. */
#define TRACE_MAX_HTTP_BYTES WSC_TRACE_HEAD_MAX

struct wsc_ctx *wsc_ctx_new(double timeout, const struct wsc_vars *vars, int verbose)
{
    struct wsc_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    ctx->started = wsc_now();
    ctx->timeout = timeout;
    ctx->deadline = ctx->started + timeout;
    ctx->verbose = verbose;
    ctx->metrics = json_object_new_array();
    ctx->outputs = json_object_new_object();
    ctx->trace = json_object_new_array();
    ctx->new_vars = json_object_new_object();
    ctx->warnings = json_object_new_array();
    ctx->cases = json_object_new_array();
    ctx->vars = vars ? wsc_vars_copy(vars) : wsc_vars_new();
    if (!ctx->metrics || !ctx->outputs || !ctx->trace || !ctx->new_vars ||
        !ctx->warnings || !ctx->cases || !ctx->vars) {
        wsc_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

void wsc_ctx_free(struct wsc_ctx *ctx)
{
    if (!ctx)
        return;
    wsc_buf_free(&ctx->message);
    wsc_buf_free(&ctx->log);
    json_object_put(ctx->metrics);
    json_object_put(ctx->outputs);
    json_object_put(ctx->trace);
    json_object_put(ctx->new_vars);
    json_object_put(ctx->warnings);
    json_object_put(ctx->cases);
    json_object_put(ctx->histograms);
    if (ctx->vars)
        wsc_vars_free(ctx->vars);
    for (size_t i = 0; i < ctx->n_secrets; i++)
        free(ctx->secrets[i]);
    free(ctx->secrets);
    free(ctx->live_label);
    free(ctx);
}

/* Later calls never downgrade: error outranks failure, both outrank skip. */
static enum wsc_status worse(enum wsc_status now, enum wsc_status st)
{
    if (st == WSC_ERROR || now == WSC_PASSED || (st == WSC_FAILED && now == WSC_SKIPPED))
        return st;
    return now;
}

static void set_status(struct wsc_ctx *ctx, enum wsc_status st, const char *fmt,
                       va_list ap) WSC_PRINTF(3, 0);
static void set_status(struct wsc_ctx *ctx, enum wsc_status st, const char *fmt,
                       va_list ap)
{
    ctx->status = worse(ctx->status, st);
    if (ctx->message.len)
        wsc_buf_puts(&ctx->message, "; ");
    wsc_buf_vprintf(&ctx->message, fmt, ap);
}

void wsc_fail(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(ctx, WSC_FAILED, fmt, ap);
    va_end(ap);
}

void wsc_error(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(ctx, WSC_ERROR, fmt, ap);
    va_end(ap);
}

void wsc_skip(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(ctx, WSC_SKIPPED, fmt, ap);
    va_end(ap);
}

int wsc_failed(const struct wsc_ctx *ctx)
{
    return ctx->status == WSC_FAILED || ctx->status == WSC_ERROR;
}

void wsc_warn(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    struct json_object *w = text ? json_object_new_string(text) : NULL;
    if (!w || json_object_array_add(ctx->warnings, w) != 0)
        json_object_put(w);
    free(text);
}

static int case_known(const struct wsc_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(ctx->cases); i++) {
        struct json_object *c = json_object_array_get_idx(ctx->cases, i), *n;
        if (json_object_object_get_ex(c, "name", &n) &&
            strcmp(json_object_get_string(n), name) == 0)
            return 1;
    }
    return 0;
}

static struct json_object *case_json(const char *name, enum wsc_status st,
                                     double duration_ms, const char *message)
{
    struct json_object *c = json_object_new_object();
    if (!c)
        return NULL;
    json_object_object_add(c, "name", json_object_new_string(name));
    json_object_object_add(c, "status", json_object_new_string(wsc_status_name(st)));
    if (duration_ms >= 0 && isfinite(duration_ms))
        json_object_object_add(c, "duration", json_object_new_double(duration_ms / 1e3));
    if (message)
        json_object_object_add(c, "message", json_object_new_string(message));
    return c;
}

void wsc_case(struct wsc_ctx *ctx, const char *name, enum wsc_case_status status,
              double duration_ms, const char *fmt, ...)
{
    static const enum wsc_status statuses[] = {WSC_PASSED, WSC_FAILED, WSC_ERROR,
                                               WSC_SKIPPED};
    if (!name || !*name || case_known(ctx, name)) {
        wsc_error(ctx, "case '%s' %s", name ? name : "",
                  name && *name ? "reported twice" : "has no name");
        return;
    }
    if ((unsigned)status >= sizeof statuses / sizeof *statuses) {
        wsc_error(ctx, "case '%s' has an unknown status %d", name, (int)status);
        return;
    }
    char *message = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        message = wsc_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    struct json_object *c = case_json(name, statuses[status], duration_ms, message);
    if (!c || json_object_array_add(ctx->cases, c) != 0)
        json_object_put(c);
    free(message);
}

void wsc_note(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ctx->log.len)
        wsc_buf_puts(&ctx->log, "\n");
    wsc_buf_vprintf(&ctx->log, fmt, ap);
    va_end(ap);
}

void wsc_debug(struct wsc_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->verbose || ctx->secret_lost)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!s)
        return;
    char *safe = wsc_redact(s, ctx->secrets, ctx->n_secrets);
    wsc_ctx_print_debug(ctx, safe ? safe : "");
    free(safe);
    free(s);
}

void wsc_metric(struct wsc_ctx *ctx, const char *name, double value, const char *unit)
{
    if (!name || !isfinite(value))
        return;
    struct json_object *m = json_object_new_object();
    if (!m)
        return;
    json_object_object_add(m, "name", json_object_new_string(name));
    json_object_object_add(m, "value", json_object_new_double(value));
    if (unit)
        json_object_object_add(m, "unit", json_object_new_string(unit));
    if (json_object_array_add(ctx->metrics, m) != 0)
        json_object_put(m);
}

void wsc_output(struct wsc_ctx *ctx, const char *key, struct json_object *value)
{
    json_object_object_add(ctx->outputs, key, value);
}

void wsc_set_var(struct wsc_ctx *ctx, const char *name, struct json_object *value)
{
    json_object_object_add(ctx->new_vars, name, json_object_get(value));
    wsc_vars_set(ctx->vars, WSC_VARS_CAPTURE, name, value);
}

struct json_object *wsc_expand(struct wsc_ctx *ctx, const struct json_object *tmpl,
                               char **err)
{
    return wsc_vars_expand(ctx->vars, tmpl, err);
}

double wsc_deadline(const struct wsc_ctx *ctx)
{
    return ctx->deadline;
}
double wsc_timeout(const struct wsc_ctx *ctx)
{
    return ctx->timeout;
}

double wsc_remaining(const struct wsc_ctx *ctx)
{
    double left = ctx->deadline - wsc_now();
    return left > 0 ? left : 0;
}

int wsc_sleep(const struct wsc_ctx *ctx, double seconds)
{
    double until = wsc_now() + (seconds > 0 ? seconds : 0);
    int cut = until > ctx->deadline;
    if (cut)
        until = ctx->deadline;
    for (;;) {
        double left = until - wsc_now();
        if (left <= 0)
            break;
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        if (nanosleep(&ts, NULL) == 0)
            break;
        if (errno != EINTR)
            break;
    }
    return cut ? -1 : 0;
}

void wsc_secret(struct wsc_ctx *ctx, const char *secret)
{
    if (!secret || !*secret)
        return;
    char **s = realloc(ctx->secrets, (ctx->n_secrets + 1) * sizeof(*s));
    if (s)
        ctx->secrets = s;
    if (s && (s[ctx->n_secrets] = strdup(secret)) != NULL) {
        ctx->n_secrets++;
        return;
    }
    /* Fail closed: a secret that cannot be redacted must never be written. */
    ctx->secret_lost = 1;
    ctx->status = WSC_ERROR;
}

/* Trace data is kept as text when it is printable UTF-8-ish, else as hex
 * (*hex set), at most `max` bytes of it. */
static struct json_object *trace_data(const unsigned char *p, size_t len, size_t max,
                                      int *hex)
{
    size_t n = len < max ? len : max;
    int printable = 1;
    for (size_t i = 0; i < n && printable; i++)
        printable = p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n' || p[i] == '\r';
    struct wsc_buf b = {0};
    if (printable) {
        wsc_buf_append(&b, (const char *)p, n);
    } else {
        for (size_t i = 0; i < n; i++)
            wsc_buf_printf(&b, "%02x", p[i]);
    }
    *hex = !printable;
    char *s = wsc_buf_take(&b);
    struct json_object *j = s ? json_object_new_string(s) : NULL;
    free(s);
    return j;
}

void wsc_trace(struct wsc_ctx *ctx, const char *dir, const char *kind, const void *data,
               size_t len)
{
    if (json_object_array_length(ctx->trace) >= TRACE_MAX_ENTRIES)
        return;
    struct json_object *e = json_object_new_object();
    if (!e)
        return;
    /* to the microsecond: finer digits are noise, not measurement */
    double t_ms = round((wsc_now() - ctx->started) * 1e6) / 1e3;
    json_object_object_add(e, "t_ms", json_object_new_double(t_ms));
    json_object_object_add(e, "dir", json_object_new_string(dir ? dir : "info"));
    json_object_object_add(e, "kind", json_object_new_string(kind ? kind : ""));
    json_object_object_add(e, "len", json_object_new_int64((int64_t)len));
    if (data && len) {
        int http = kind && strcmp(kind, "http") == 0, hex = 0;
        json_object_object_add(
            e, "data",
            trace_data(data, len, http ? TRACE_MAX_HTTP_BYTES : TRACE_MAX_BYTES, &hex));
        if (hex) /* so that a reader can tell hex from text that looks like it */
            json_object_object_add(e, "hex", json_object_new_boolean(1));
    }
    if (json_object_array_add(ctx->trace, e) != 0) {
        json_object_put(e);
        return;
    }
    wsc_ctx_print_trace(ctx, e);
}

/* Deep copy with every string redacted. */
static struct json_object *redact_json(const struct wsc_ctx *ctx, struct json_object *j)
{
    if (!ctx->n_secrets || !j)
        return json_object_get(j);
    switch (json_object_get_type(j)) {
    case json_type_string: {
        char *s = wsc_redact(json_object_get_string(j), ctx->secrets, ctx->n_secrets);
        struct json_object *r = s ? json_object_new_string(s) : NULL;
        free(s);
        return r;
    }
    case json_type_array: {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < json_object_array_length(j); i++)
            json_object_array_add(a, redact_json(ctx, json_object_array_get_idx(j, i)));
        return a;
    }
    case json_type_object: {
        struct json_object *o = json_object_new_object();
        json_object_object_foreach(j, k, v)
            if (o)
                json_object_object_add(o, k, redact_json(ctx, v));
        return o;
    }
    default:
        return json_object_get(j);
    }
}

static void add_redacted_string(const struct wsc_ctx *ctx, struct json_object *o,
                                const char *key, const struct wsc_buf *b)
{
    if (!b->len)
        return;
    char *s = wsc_redact(b->data, ctx->secrets, ctx->n_secrets);
    if (s)
        json_object_object_add(o, key, json_object_new_string(s));
    free(s);
}

/* The test's status: the check's own, made worse by its cases (failed when
 * one failed, else an error when one errored; skipped cases change
 * nothing unless all of them were skipped). */
static enum wsc_status test_status(const struct wsc_ctx *ctx)
{
    size_t n = json_object_array_length(ctx->cases), failed = 0, errors = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *st = NULL;
        json_object_object_get_ex(json_object_array_get_idx(ctx->cases, i), "status",
                                  &st);
        const char *s = st ? json_object_get_string(st) : NULL;
        if (!s)
            continue;
        failed += strcmp(s, "failed") == 0;
        errors += strcmp(s, "error") == 0;
        skipped += strcmp(s, "skipped") == 0;
    }
    enum wsc_status cases = failed              ? WSC_FAILED
                            : errors            ? WSC_ERROR
                            : n && skipped == n ? WSC_SKIPPED
                                                : WSC_PASSED;
    return cases == WSC_PASSED ? ctx->status : worse(ctx->status, cases);
}

/* After a lost secret: the error alone, none of what the check recorded. */
static struct json_object *secret_lost_json(void)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    json_object_object_add(o, "status", json_object_new_string("error"));
    json_object_object_add(
        o, "message",
        json_object_new_string("out of memory registering a secret: the check's "
                               "messages, outputs and trace are withheld"));
    return o;
}

struct json_object *wsc_ctx_to_json(const struct wsc_ctx *ctx)
{
    if (ctx->secret_lost)
        return secret_lost_json();
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    json_object_object_add(o, "status",
                           json_object_new_string(wsc_status_name(test_status(ctx))));
    add_redacted_string(ctx, o, "message", &ctx->message);
    add_redacted_string(ctx, o, "log", &ctx->log);
    json_object_object_add(o, "metrics", json_object_get(ctx->metrics));
    json_object_object_add(o, "outputs", redact_json(ctx, ctx->outputs));
    json_object_object_add(o, "trace", redact_json(ctx, ctx->trace));
    json_object_object_add(o, "warnings", redact_json(ctx, ctx->warnings));
    json_object_object_add(o, "cases", redact_json(ctx, ctx->cases));
    json_object_object_add(o, "vars", json_object_get(ctx->new_vars));
    if (ctx->histograms)
        json_object_object_add(o, "histograms", json_object_get(ctx->histograms));
    return o;
}
