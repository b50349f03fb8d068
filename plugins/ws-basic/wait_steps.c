/* The conversation steps that wait for data: expect, expect_text,
 * expect_binary, expect_none, and capture from what an expect matched. */
#include "conversation.h"

#include <wscheck/json.h>
#include <wscheck/json_pointer.h>
#include <wscheck/render.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a whole text as JSON. Returns a new value (NULL for a JSON null is
 * told apart by *ok), or sets *why to the parser's complaint. */
static struct json_object *parse_json(const char *text, size_t len, int *ok,
                                      const char **why)
{
    *ok = 0;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok) {
        *why = "out of memory";
        return NULL;
    }
    struct json_object *v = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    while (e == json_tokener_success && used < len &&
           (text[used] == ' ' || text[used] == '\t' || text[used] == '\r' ||
            text[used] == '\n'))
        used++;
    if (e == json_tokener_continue)
        *why = "incomplete JSON";
    else if (e != json_tokener_success)
        *why = wsc_json_error_desc(tok, e);
    else if (used < len)
        *why = "text after the JSON value";
    else
        *ok = 1;
    json_tokener_free(tok);
    if (!*ok) {
        json_object_put(v);
        return NULL;
    }
    return v;
}

/* Sets *why for a message that does not satisfy the step; returns 0. */
static int mismatch(char **why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int mismatch(char **why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(why, fmt, ap) < 0)
        *why = NULL;
    va_end(ap);
    return 0;
}

static int match_json(const struct wsc_step *s, const struct wsb_msg *m,
                      struct json_object **value, char **why)
{
    if (m->kind != WSC_WS_TEXT)
        return mismatch(why, "expected a JSON text message, got a binary message");
    if (m->len > (size_t)INT32_MAX)
        return mismatch(why, "text too long to parse");
    int ok = 0;
    const char *perr = NULL;
    struct json_object *v = parse_json(m->data, m->len, &ok, &perr);
    if (!ok)
        return mismatch(why, "not JSON (%s)", perr);
    if (!wsc_match(s->value, v, "", why)) {
        json_object_put(v);
        return 0;
    }
    *value = v;
    return 1;
}

static int match_text(const struct wsc_step *s, const struct wsb_msg *m, char **why)
{
    if (m->kind != WSC_WS_TEXT)
        return mismatch(why, "expected a text message, got a binary message");
    if (m->len > (size_t)INT32_MAX)
        return mismatch(why, "text too long to match");
    struct json_object *text = json_object_new_string_len(m->data, (int)m->len);
    int ok = text && wsc_match(s->value, text, "", why);
    json_object_put(text);
    return ok;
}

static int match_binary(const struct wsc_step *s, const struct wsb_msg *m, char **why)
{
    if (m->kind != WSC_WS_BINARY)
        return mismatch(why, "expected a binary message, got a text message");
    if (s->len >= 0) {
        if ((unsigned long long)s->len == m->len)
            return 1;
        return mismatch(why, "expected %lld bytes, got %zu", s->len, m->len);
    }
    if (s->n_bytes != m->len)
        return mismatch(why, "expected %zu bytes, got %zu", s->n_bytes, m->len);
    for (size_t i = 0; i < m->len; i++)
        if ((unsigned char)m->data[i] != s->bytes[i])
            return mismatch(why, "bytes differ from offset %zu", i);
    return 1;
}

/* Does m satisfy the step? On a match of `expect`, *value is its JSON. */
static int matches(const struct wsc_step *s, const struct wsb_msg *m,
                   struct json_object **value, char **why)
{
    *value = NULL;
    *why = NULL;
    switch (s->action) {
    case WSC_STEP_EXPECT:
        return match_json(s, m, value, why);
    case WSC_STEP_EXPECT_TEXT:
        return match_text(s, m, why);
    default:
        return match_binary(s, m, why);
    }
}

int wsb_matcher_hits(struct json_object *matcher, const struct wsb_msg *m)
{
    if (m->kind != WSC_WS_TEXT || m->len > (size_t)INT32_MAX)
        return 0;
    int ok = 0;
    const char *perr = NULL;
    struct json_object *v = parse_json(m->data, m->len, &ok, &perr);
    if (!ok)
        v = json_object_new_string_len(m->data, (int)m->len);
    int hit = (ok || v) && wsc_match(matcher, v, "", NULL);
    json_object_put(v);
    return hit;
}

/* Does any matcher of the array hit m? */
static int any_hits(struct json_object *list, const struct wsb_msg *m)
{
    for (size_t i = 0; list && i < json_object_array_length(list); i++)
        if (wsb_matcher_hits(json_object_array_get_idx(list, i), m))
            return 1;
    return 0;
}

int wsb_ignored(struct wsb_convo *c, const struct wsc_step *s, const struct wsb_msg *m)
{
    if (!(m->kind & WSC_WS_DATA) || !(any_hits(c->ignore, m) || any_hits(s->ignore, m)))
        return 0;
    c->cur->ignored++;
    if (c->multi)
        wsc_debug(c->ctx, "%s: ignored a message", c->cur->name);
    else
        wsc_debug(c->ctx, "ignored a message");
    return 1;
}

void wsb_record_rtt(struct wsb_convo *c, size_t index, double since, double at)
{
    if (since <= 0 || at < since)
        return;
    double ms = (at - since) * 1e3;
    wsc_hist_record(c->rtt, ms);
    if (c->rtt_reported >= WSB_RTT_STEP_METRICS)
        return;
    char name[48];
    snprintf(name, sizeof(name), "rtt_ms.%zu", index);
    wsc_metric(c->ctx, name, ms, "ms");
    c->rtt_reported++;
}

/* What skip_until passed over: the count and the last one, for the message
 * when nothing matches. */
struct skipped {
    size_t n;
    char *why;  /* why the last one did not match */
    char *seen; /* what it was */
};

static void skipped_keep(struct skipped *k, char *why, char *seen)
{
    k->n++;
    free(k->why);
    free(k->seen);
    k->why = why;
    k->seen = seen;
}

static void skipped_free(struct skipped *k)
{
    free(k->why);
    free(k->seen);
}

/* The failure when the wait ended without a match. */
static int fail_wait(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                     enum wsc_ws_result r, double within, double started, double deadline,
                     const struct skipped *k)
{
    if (r == WSC_WS_TIMEOUT && k->n)
        return wsb_step_fail(c, index, s,
                             "no matching message %s; %zu skipped, the last: "
                             "%s — received %s",
                             wsb_waited(within, started, deadline), k->n,
                             k->why ? k->why : "?", k->seen ? k->seen : "?");
    if (r == WSC_WS_TIMEOUT)
        return wsb_step_fail(c, index, s, "no message %s",
                             wsb_waited(within, started, deadline));
    return wsb_step_fail(c, index, s, "%s", wsb_convo_error(c));
}

/* A matched message: round trip, captures, and the value kept for later
 * capture steps. */
static int matched(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                   const struct wsb_msg *m, struct json_object *value)
{
    wsb_record_rtt(c, index, c->cur->sent_at, m->at);
    c->cur->sent_at = 0;
    if (s->action != WSC_STEP_EXPECT)
        return 0;
    json_object_put(c->last);
    c->last = value;
    return s->capture ? wsb_run_capture(c, index, s, value) : 0;
}

/* Judges one received message: 1 when the step is done (matched), -1 when
 * it failed, 0 when it was skipped (kept in *k). */
static int judge(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                 const struct wsb_msg *m, struct skipped *k)
{
    char *seen = wsb_describe(m->kind, m->data, m->len, m->close_code), *why = NULL;
    struct json_object *value = NULL;
    int rc;
    if (m->kind == WSC_WS_CLOSE) {
        rc = wsb_step_fail(c, index, s, "the peer closed the connection (%s)",
                           seen ? seen : "close");
    } else if (matches(s, m, &value, &why)) {
        rc = matched(c, index, s, m, value) < 0 ? -1 : 1;
    } else if (!s->skip_until) {
        rc = wsb_step_fail(c, index, s, "%s — received %s", why ? why : "no match",
                           seen ? seen : "?");
    } else {
        skipped_keep(k, why, seen);
        return 0;
    }
    free(why);
    free(seen);
    return rc;
}

int wsb_run_expect(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    double within, started = wsc_now();
    double deadline = wsb_step_deadline(c, s, WSB_DEFAULT_WITHIN, &within);
    struct skipped k = {0};
    int rc = 0;
    while (rc == 0) {
        struct wsb_msg m;
        enum wsc_ws_result r = wsb_next_message(c, WSC_WS_DATA, deadline, &m);
        if (r != WSC_WS_OK) {
            rc = fail_wait(c, index, s, r, within, started, deadline, &k);
            break;
        }
        if (!wsb_ignored(c, s, &m))
            rc = judge(c, index, s, &m, &k);
        wsb_msg_free(&m);
    }
    skipped_free(&k);
    return rc < 0 ? -1 : 0;
}

/* The failure of expect_none: m arrived `after` seconds into the wait. */
static int fail_none(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                     const struct wsb_msg *m, double within, double after)
{
    char *seen = wsb_describe(m->kind, m->data, m->len, m->close_code);
    if (m->kind == WSC_WS_CLOSE)
        wsb_step_fail(c, index, s, "the peer closed the connection (%s) after %.3f s",
                      seen ? seen : "close", after);
    else if (s->none_matcher && after < 0)
        wsb_step_fail(c, index, s,
                      "expected no matching message for %.3f s, one had already "
                      "arrived: %s",
                      within, seen ? seen : "?");
    else if (s->none_matcher)
        wsb_step_fail(c, index, s,
                      "expected no matching message for %.3f s, received %s after "
                      "%.3f s",
                      within, seen ? seen : "?", after);
    else
        wsb_step_fail(c, index, s,
                      "expected no message for %.3f s, received %s after %.3f s", within,
                      seen ? seen : "?", after);
    free(seen);
    return -1;
}

/* What m means for the quiet period. */
enum silence { DROP, BREAKS, KEEP };

static enum silence silence_verdict(struct wsb_convo *c, const struct wsc_step *s,
                                    const struct wsb_msg *m)
{
    if (m->kind == WSC_WS_CLOSE)
        return BREAKS;
    if (wsb_ignored(c, s, m))
        return DROP;
    if (!s->none_matcher || wsb_matcher_hits(s->none_matcher, m))
        return BREAKS;
    return KEEP;
}

/* With a matcher, a matching message kept from earlier also fails. */
static int check_kept(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                      double within)
{
    struct wsb_inbox *in = &c->cur->inbox;
    for (size_t i = 0; s->none_matcher && i < in->count; i++)
        if (in->items[i].kind & WSC_WS_DATA && !any_hits(c->ignore, &in->items[i]) &&
            !any_hits(s->ignore, &in->items[i]) &&
            wsb_matcher_hits(s->none_matcher, &in->items[i]))
            return fail_none(c, index, s, &in->items[i], within, -1);
    return 0;
}

/* expect_none: true fails on any message (one kept from earlier included);
 * with a matcher only a matching one fails, and the others that arrive
 * during the wait are kept for the next steps. */
int wsb_run_expect_none(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    double within, started = wsc_now();
    double deadline = wsb_step_deadline(c, s, WSB_DEFAULT_NONE_WITHIN, &within);
    if (check_kept(c, index, s, within) < 0)
        return -1;
    for (;;) {
        struct wsb_msg m;
        enum wsc_ws_result r = s->none_matcher
                                   ? wsb_recv_new(c, WSC_WS_DATA, deadline, &m)
                                   : wsb_next_message(c, WSC_WS_DATA, deadline, &m);
        if (r == WSC_WS_TIMEOUT) {
            if (started + within > deadline + 1e-3)
                return wsb_step_fail(c, index, s,
                                     "the test's timeout came %.3f s into the "
                                     "%.3f s quiet period",
                                     deadline - started, within);
            return 0;
        }
        if (r != WSC_WS_OK)
            return wsb_step_fail(c, index, s, "%s", wsb_convo_error(c));
        enum silence v = silence_verdict(c, s, &m);
        if (v == BREAKS) {
            fail_none(c, index, s, &m, within, m.at > started ? m.at - started : 0);
            wsb_msg_free(&m);
            return -1;
        }
        if (v == KEEP && wsb_inbox_keep(c, &m) < 0)
            return wsb_step_fail(c, index, s, "%s", wsb_convo_error(c));
        wsb_msg_free(&m);
    }
}

int wsb_run_capture(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                    struct json_object *value)
{
    json_object_object_foreach(s->capture, name, target) {
        int secret;
        const char *pointer =
            json_object_get_string(wsc_step_capture_target(target, &secret));
        struct json_object *found = NULL;
        if (wsc_json_pointer_find(value, pointer, &found) != 1) {
            char shown[WSC_RENDER_MAX + 4];
            wsc_render_json_buf(shown, sizeof shown, value);
            return wsb_step_fail(c, index, s, "capture %s: nothing at %s in %s", name,
                                 *pointer ? pointer : "\"\"", shown);
        }
        /* a secret capture is redacted before anything can show it */
        if (secret)
            wsc_secret(c->ctx, json_object_get_string(found));
        wsc_set_var(c->ctx, name, json_object_get(found));
        json_object_object_add(c->captured, name, json_object_get(found));
        if (c->multi)
            json_object_object_add(c->captured_on, name,
                                   json_object_new_string(c->cur->name));
    }
    return 0;
}
