/* One WebSocket feed followed through the stream engine with the check's
 * own rules on top (see struct mon_feed in checks.h). The engine's
 * wsc_stream_follow_ws() runs a whole stream by itself; the feed checks
 * need each message (to answer it, to time requests), so this loop feeds
 * the engine one frame at a time and hands every counted message back. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

/* Seconds the close at the end may take: the verdict is in by then. */
#define CLOSE_WAIT 2.0

const char *mon_known_drop(enum mon_kind kind)
{
    switch (kind) {
    case MON_LIVE:
        return "crackerjack 0.44.29 to 0.46.4 accept /ws/metrics/live and then drop "
               "it (aget_current_baseline is missing)";
    case MON_DASHBOARD:
        return "crackerjack 0.42.x drops /ws/dashboard/overview about 1 s after "
               "accepting it (an async depends.get used as sync), 0.44.29 to 0.46.4 "
               "right after accepting it (aget_current_baseline is missing)";
    case MON_HISTORICAL:
        return "crackerjack 0.42 and later drop /ws/metrics/historical when run "
               "inside a git work tree (a sync call in the event loop)";
    case MON_ALERTS:
        break;
    }
    return NULL;
}

/* s with every "{days}" replaced by days. */
static char *replace_days(const char *s, const char *days)
{
    const char *at = days ? strstr(s, "{days}") : NULL;
    if (!at)
        return strdup(s);
    char *rest = replace_days(at + 6, days);
    char *out = NULL;
    if (rest && asprintf(&out, "%.*s%s%s", (int)(at - s), s, days, rest) < 0)
        out = NULL;
    free(rest);
    return out;
}

char *mon_feed_url(const struct json_object *params, const char *days)
{
    const char *url = wsc_param_string(params, "url", NULL);
    if (url)
        return replace_days(url, days);
    const char *base = wsc_param_string(params, "base", MON_DEFAULT_BASE);
    const char *path = wsc_param_string(params, "path", "");
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    char *joined = NULL;
    if (asprintf(&joined, "%.*s%s%s", (int)n, base, path[0] == '/' ? "" : "/", path) < 0)
        return NULL;
    char *out = replace_days(joined, days);
    free(joined);
    return out;
}

/* The WebSocket options of params, with url set to the feed's. */
static int ws_options(struct wsc_ctx *ctx, const struct json_object *params,
                      struct wsc_ws_options *wo)
{
    char buf[32] = "";
    if (wsc_param(params, "days"))
        snprintf(buf, sizeof buf, "%lld", (long long)wsc_param_int(params, "days", 0));
    char *url = mon_feed_url(params, buf[0] ? buf : NULL), *err = NULL;
    struct json_object *copy = NULL;
    int rc = -1;
    if (url && json_object_deep_copy((struct json_object *)params, &copy, NULL) == 0 &&
        json_object_object_add(copy, "url", json_object_new_string(url)) == 0)
        rc = wsc_ws_options_parse(ctx, copy, wo, &err);
    if (rc != 0)
        wsc_error(ctx, "%s", err ? err : "out of memory");
    free(err);
    free(url);
    json_object_put(copy);
    return rc;
}

int mon_feed_open(struct mon_feed *f, struct wsc_ctx *ctx,
                  const struct json_object *params, const struct wsc_stream_options *so,
                  enum mon_kind kind)
{
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    f->kind = kind;
    struct json_object *ka = wsc_param_object(params, "keepalive");
    f->keepalive = ka ? wsc_param(ka, "message") : NULL;
    struct wsc_ws_options wo;
    if (ws_options(ctx, params, &wo) != 0)
        return -1;
    f->ws = wsc_ws_connect(ctx, &wo, 0, 0);
    wsc_ws_options_free(&wo);
    if (!f->ws) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    if (wsc_ws_status(f->ws) != WSC_WS_OK) {
        long status = wsc_ws_http_status(f->ws);
        /* crackerjack answers 403 to a WebSocket route it does not have. */
        wsc_fail(ctx, "%s%s", wsc_ws_error(f->ws),
                 status == 403 || status == 404
                     ? " (crackerjack serves its monitoring sockets from 0.33.1 on)"
                     : "");
        return -1;
    }
    /* The stream starts once connected: the handshake is not a gap. */
    f->start = wsc_now();
    f->s = wsc_stream_new(ctx, so, f->start);
    if (!f->s) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    const struct json_object *sub = wsc_param(params, "subscribe");
    if (sub) {
        if (wsc_stream_send(f->ws, sub) != WSC_WS_OK) {
            wsc_fail(ctx, "sending subscribe: %s", wsc_ws_error(f->ws));
            return -1;
        }
        wsc_stream_keepalive_sent(f->s, wsc_now());
    }
    return 0;
}

/* Records why the stream ended, for the engine and for the check. */
static void end_cause(struct mon_feed *f, int by_peer, const char *fmt, ...)
    WSC_PRINTF(3, 4);
static void end_cause(struct mon_feed *f, int by_peer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->cause, sizeof f->cause, fmt, ap);
    va_end(ap);
    wsc_stream_end_cause(f->s, by_peer, "%s", f->cause);
}

static void ended(struct mon_feed *f, enum wsc_ws_result r, const struct wsc_ws_msg *m)
{
    f->dropped = 1;
    if (r == WSC_WS_OK && m && m->kind == WSC_WS_CLOSE) {
        char reason[WSC_RENDER_MAX + 4];
        wsc_render_text_buf(reason, sizeof reason, m->data, m->len);
        if (m->close_code == 1005)
            end_cause(f, 1, "the server closed the connection without a code");
        else
            end_cause(f, 1, "the server closed the connection with %d (%s)%s%s%s",
                      m->close_code, wsc_ws_close_code_name(m->close_code),
                      *reason ? " \"" : "", reason, *reason ? "\"" : "");
    } else if (r == WSC_WS_CLOSED) {
        end_cause(f, 1, "the connection was closed");
    } else {
        end_cause(f, 1, "the connection failed: %s", wsc_ws_error(f->ws));
    }
}

static int keep_alive(struct mon_feed *f, double now)
{
    if (!f->keepalive || !wsc_stream_keepalive_due(f->s, now))
        return 0;
    enum wsc_ws_result r = wsc_stream_send(f->ws, f->keepalive);
    if (r != WSC_WS_OK) {
        ended(f, r, NULL);
        return -1;
    }
    wsc_stream_keepalive_sent(f->s, now);
    return 0;
}

/* Feeds one frame (a binary one as its bytes: JSON or not, as the engine
 * judges text). Returns 1 with *msg when it counted, 0 when the engine
 * skipped it, -1 when a rule broke. */
static int feed_frame(struct mon_feed *f, const struct wsc_ws_msg *m,
                      struct json_object **msg)
{
    size_t before = wsc_stream_count(f->s);
    enum wsc_stream_verdict v = wsc_stream_feed_text(f->s, m->data, m->len, m->at);
    f->index = wsc_stream_received(f->s);
    f->t = m->at;
    if (v == WSC_STREAM_FAILED)
        return -1;
    if (wsc_stream_count(f->s) == before)
        return 0;
    /* The engine parsed it already: only memory can fail here (a JSON null
     * gives *msg NULL, which the checks read as a message without members). */
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok) {
        mon_feed_fail_plain(f, "out of memory");
        return -1;
    }
    *msg = json_tokener_parse_ex(tok, m->data, (int)m->len);
    json_tokener_free(tok);
    return 1;
}

enum mon_event mon_feed_next(struct mon_feed *f, double due, struct json_object **msg)
{
    *msg = NULL;
    double deadline = wsc_deadline(f->ctx);
    for (;;) {
        double now = wsc_now();
        if (f->error || wsc_stream_tick(f->s, now) == WSC_STREAM_FAILED)
            return MON_FAILED;
        if (wsc_stream_verdict(f->s) == WSC_STREAM_TERMINAL) {
            end_cause(f, 0, "the terminal message came");
            return MON_END;
        }
        if (due > 0 && now >= due)
            return MON_DUE;
        if (wsc_stream_duration_over(f->s, now)) {
            end_cause(f, 0, "the duration ended");
            return MON_END;
        }
        if (now >= deadline) {
            end_cause(f, 0, "the test's timeout of %g s ran out", wsc_timeout(f->ctx));
            return MON_END;
        }
        if (keep_alive(f, now) != 0)
            return MON_END;
        double until = deadline, d = wsc_stream_next_due(f->s);
        if (d > 0 && d < until)
            until = d;
        if (due > 0 && due < until)
            until = due;
        struct wsc_ws_msg m;
        enum wsc_ws_result r =
            wsc_ws_recv(f->ws, &m, WSC_WS_DATA, until > now ? until : now);
        if (r == WSC_WS_TIMEOUT)
            continue;
        if (r != WSC_WS_OK || m.kind == WSC_WS_CLOSE) {
            ended(f, r, &m);
            return MON_END;
        }
        int fed = feed_frame(f, &m, msg);
        if (fed != 0)
            return fed > 0 ? MON_MESSAGE : MON_FAILED;
    }
}

WSC_PRINTF(3, 0)
static void vfail(struct mon_feed *f, int with_message, const char *fmt, va_list ap)
{
    if (f->error)
        return;
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    if (with_message && text) {
        char *full = NULL;
        if (asprintf(&full, "message %zu at +%.1f s: %s", f->index, f->t - f->start,
                     text) < 0)
            full = NULL;
        free(text);
        text = full;
    }
    f->error = text ? text : strdup("out of memory");
    /* The check stopped the stream: not the peer's doing. */
    if (f->s)
        wsc_stream_end_cause(f->s, 0, "the check stopped");
}

void mon_feed_fail(struct mon_feed *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(f, 1, fmt, ap);
    va_end(ap);
}

void mon_feed_fail_plain(struct mon_feed *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(f, 0, fmt, ap);
    va_end(ap);
}

char *mon_feed_end_text(const struct mon_feed *f, const char *cause)
{
    char *out = NULL;
    int n = f->index ? asprintf(&out, "%s after message %zu at +%.1f s", cause, f->index,
                                f->t - f->start)
                     : asprintf(&out, "%s before any message", cause);
    return n < 0 ? NULL : out;
}

static void report(struct mon_feed *f, const char *error)
{
    const char *known = f->dropped ? mon_known_drop(f->kind) : NULL;
    if (known)
        wsc_fail(f->ctx, "%s; a known upstream breakage: %s", error, known);
    else
        wsc_fail(f->ctx, "%s", error);
}

int mon_feed_finish(struct mon_feed *f)
{
    if (!f->s)
        return -1;
    enum wsc_stream_verdict v = wsc_stream_finish(f->s, wsc_now());
    int failed = f->error != NULL || v == WSC_STREAM_FAILED;
    if (f->error)
        report(f, f->error);
    else if (v == WSC_STREAM_FAILED)
        report(f, wsc_stream_error(f->s));
    if (!wsc_ws_is_closed(f->ws) &&
        wsc_ws_close(f->ws, 1000, "", wsc_ws_within(f->ctx, CLOSE_WAIT)) != WSC_WS_OK)
        wsc_note(f->ctx, "closing: %s", wsc_ws_error(f->ws));
    return failed ? -1 : 0;
}

void mon_feed_free(struct mon_feed *f)
{
    wsc_stream_free(f->s);
    wsc_ws_free(f->ws);
    free(f->error);
    memset(f, 0, sizeof *f);
}
