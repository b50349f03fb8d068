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
/* How much of a frame is redacted before it is cut: a rule's match that
 * starts in the kept bytes ends within this (a URL's userinfo, a header
 * line), or is redacted to the end of the window (an unterminated JSON
 * string); a literal secret gets its own length on top. Bounded, so that
 * tracing large frames stays cheap. */
#define TRACE_REDACT_WINDOW (TRACE_MAX_HTTP_BYTES + 4096)

struct wsc_ctx *wsc_ctx_new(double timeout, const struct wsc_vars *vars, int verbose)
{
    return wsc_ctx_new_redacting(timeout, vars, verbose, NULL);
}

struct wsc_ctx *wsc_ctx_new_redacting(double timeout, const struct wsc_vars *vars,
                                      int verbose, const struct wsc_redactor *redactor)
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
    ctx->redactor = redactor ? wsc_redactor_copy(redactor) : wsc_redactor_new();
    if (!ctx->metrics || !ctx->outputs || !ctx->trace || !ctx->new_vars ||
        !ctx->warnings || !ctx->cases || !ctx->vars || !ctx->redactor) {
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
    wsc_redactor_free(ctx->redactor);
    free(ctx->live_label);
    free(ctx);
}

/* Fail closed: what cannot be redacted is not kept, and the test errors. */
static void redaction_failed(struct wsc_ctx *ctx)
{
    ctx->secret_lost = 1;
    ctx->status = WSC_ERROR;
}

char *wsc_redacted(const struct wsc_ctx *ctx, const char *text)
{
    return wsc_redactor_text(ctx->redactor, text);
}

/* A formatted text, redacted (malloc'ed); NULL (the test then errors) when
 * out of memory. */
static char *redacted_vprintf(struct wsc_ctx *ctx, const char *fmt, va_list ap)
    WSC_PRINTF(2, 0);
static char *redacted_vprintf(struct wsc_ctx *ctx, const char *fmt, va_list ap)
{
    if (ctx->secret_lost)
        return NULL; /* nothing recorded will be reported */
    char *raw = wsc_strdup_vprintf(fmt, ap);
    char *safe = raw ? wsc_redactor_text(ctx->redactor, raw) : NULL;
    free(raw);
    if (!safe)
        redaction_failed(ctx);
    return safe;
}

static char *redacted_printf(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
static char *redacted_printf(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = redacted_vprintf(ctx, fmt, ap);
    va_end(ap);
    return s;
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
    char *text = redacted_vprintf(ctx, fmt, ap);
    if (ctx->message.len)
        wsc_buf_puts(&ctx->message, "; ");
    wsc_buf_puts(&ctx->message, text ? text : "(message withheld: out of memory)");
    free(text);
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
    char *text = redacted_vprintf(ctx, fmt, ap);
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
        message = redacted_vprintf(ctx, fmt, ap);
        va_end(ap);
    }
    char *safe_name = redacted_printf(ctx, "%s", name);
    struct json_object *c =
        safe_name ? case_json(safe_name, statuses[status], duration_ms, message) : NULL;
    if (!c || json_object_array_add(ctx->cases, c) != 0)
        json_object_put(c);
    free(safe_name);
    free(message);
}

void wsc_note(struct wsc_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = redacted_vprintf(ctx, fmt, ap);
    va_end(ap);
    if (!text)
        return;
    if (ctx->log.len)
        wsc_buf_puts(&ctx->log, "\n");
    wsc_buf_puts(&ctx->log, text);
    free(text);
}

void wsc_debug(struct wsc_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->verbose || ctx->secret_lost)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *safe = redacted_vprintf(ctx, fmt, ap);
    va_end(ap);
    if (safe)
        wsc_ctx_print_debug(ctx, safe);
    free(safe);
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
    /* A variable declared secret keeps its value out of every report. */
    if (wsc_vars_is_secret(ctx->vars, name) &&
        wsc_redactor_add_value(ctx->redactor, value) < 0)
        redaction_failed(ctx);
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
    /* Fail closed: a secret that cannot be redacted must never be written. */
    if (wsc_redactor_add_secret(ctx->redactor, secret) < 0)
        redaction_failed(ctx);
}

void wsc_secret_name(struct wsc_ctx *ctx, const char *name)
{
    if (wsc_redactor_add_name(ctx->redactor, name) < 0)
        redaction_failed(ctx);
}

/* At most max bytes of text, not cutting a UTF-8 sequence in half. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Printable text (UTF-8 allowed), not binary. */
static int is_printable(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
            return 0;
    return 1;
}

/* Trace data is kept as text when it is printable, else as hex; redacted
 * whole BEFORE it is cut (a secret cut in half would no longer match, and
 * half of it would be printed) and before hex encoding (a secret in binary
 * data is a run of bytes, not of hex digits). */
static struct json_object *trace_data(const struct wsc_ctx *ctx, const unsigned char *p,
                                      size_t len, size_t max, int *hex)
{
    size_t n = 0, window = TRACE_REDACT_WINDOW + wsc_redactor_longest(ctx->redactor);
    unsigned char *raw =
        wsc_redactor_bytes(ctx->redactor, p, len < window ? len : window, &n);
    if (!raw)
        return NULL;
    struct wsc_buf b = {0};
    *hex = !is_printable(raw, n);
    if (!*hex) {
        char *text = wsc_redactor_text(ctx->redactor, (const char *)raw);
        if (text) {
            size_t cut = utf8_cut(text, strlen(text), max);
            wsc_buf_append(&b, text, cut);
        } else {
            b.failed = 1;
        }
        free(text);
    } else {
        for (size_t i = 0; i < n && i < max; i++)
            wsc_buf_printf(&b, "%02x", raw[i]);
    }
    free(raw);
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
        struct json_object *d = trace_data(
            ctx, data, len, http ? TRACE_MAX_HTTP_BYTES : TRACE_MAX_BYTES, &hex);
        if (!d) {
            json_object_put(e);
            redaction_failed(ctx);
            return;
        }
        json_object_object_add(e, "data", d);
        if (hex) /* so that a reader can tell hex from text that looks like it */
            json_object_object_add(e, "hex", json_object_new_boolean(1));
    }
    if (json_object_array_add(ctx->trace, e) != 0) {
        json_object_put(e);
        return;
    }
    wsc_ctx_print_trace(ctx, e);
}

/* Adds a redacted copy of j to o; sets *failed when it cannot be made. */
static void add_redacted_json(const struct wsc_ctx *ctx, struct json_object *o,
                              const char *key, const struct json_object *j, int *failed)
{
    json_object_object_add(o, key, wsc_redactor_json(ctx->redactor, j, failed));
}

static void add_redacted_string(const struct wsc_ctx *ctx, struct json_object *o,
                                const char *key, const struct wsc_buf *b, int *failed)
{
    if (!b->len)
        return;
    char *s = wsc_redactor_text(ctx->redactor, b->data);
    if (s)
        json_object_object_add(o, key, json_object_new_string(s));
    else
        *failed = 1;
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
        json_object_new_string("out of memory registering or redacting a secret: the "
                               "check's messages, outputs and trace are withheld"));
    return o;
}

/* What only the runner reads: the literal secrets (redacted in later tests
 * too) and the outputs as they are (captures need the real values). */
static int add_runner_only(const struct wsc_ctx *ctx, struct json_object *o)
{
    struct json_object *secrets = json_object_new_array();
    if (!secrets)
        return -1;
    json_object_object_add(o, "secrets", secrets);
    for (size_t i = 0; i < wsc_redactor_n_secrets(ctx->redactor); i++) {
        struct json_object *s =
            json_object_new_string(wsc_redactor_secret(ctx->redactor, i));
        if (!s || json_object_array_add(secrets, s) != 0) {
            json_object_put(s);
            return -1;
        }
    }
    json_object_object_add(o, "raw_outputs", json_object_get(ctx->outputs));
    return 0;
}

struct json_object *wsc_ctx_to_json(const struct wsc_ctx *ctx)
{
    if (ctx->secret_lost)
        return secret_lost_json();
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    int failed = 0;
    json_object_object_add(o, "status",
                           json_object_new_string(wsc_status_name(test_status(ctx))));
    add_redacted_string(ctx, o, "message", &ctx->message, &failed);
    add_redacted_string(ctx, o, "log", &ctx->log, &failed);
    json_object_object_add(o, "metrics", json_object_get(ctx->metrics));
    add_redacted_json(ctx, o, "outputs", ctx->outputs, &failed);
    add_redacted_json(ctx, o, "trace", ctx->trace, &failed);
    add_redacted_json(ctx, o, "warnings", ctx->warnings, &failed);
    add_redacted_json(ctx, o, "cases", ctx->cases, &failed);
    json_object_object_add(o, "vars", json_object_get(ctx->new_vars));
    if (ctx->histograms)
        json_object_object_add(o, "histograms", json_object_get(ctx->histograms));
    if (failed || add_runner_only(ctx, o) < 0) {
        json_object_put(o);
        return secret_lost_json();
    }
    return o;
}
