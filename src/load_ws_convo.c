/* ws-basic conversations under load: the steps (parsed by libwscheck's
 * <wscheck/steps.h>, as the plugin parses them) run as a state machine on
 * one session. Steps without variables are parsed once per script; a step
 * using a variable captured earlier in the session is expanded and parsed
 * when it runs. Each step's time goes into "step N ACTION" (N as the
 * plugin counts steps, from 0). Failure messages name the step and what
 * went wrong, never the received data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/histogram.h>
#include <wscheck/json_pointer.h>
#include <wscheck/match.h>
#include <wscheck/steps.h>
#include <wscheck/ws.h>

#include "load_ws.h"
#include "util.h"
#include "vars.h"

#define DEFAULT_WITHIN 5.0      /* as the plugin: a waiting step's limit */
#define DEFAULT_NONE_WITHIN 1.0 /* expect_none's quiet period */
#define INBOX_MAX_MESSAGES 1024

struct convo_step {
    struct wsc_step step;       /* parsed once, unless templated */
    struct json_object *tmpl;   /* the step as written (owned by the script) */
    int templated;              /* uses a variable captured in the session */
    char *hist_name;            /* "step N ACTION" */
    struct wsc_histogram *hist; /* looked up on first use */
};

struct convo_script {
    struct lws_script ws; /* first: the WebSocket layer's part */
    struct json_object *steps_json;
    struct json_object *ignore;
    struct convo_step *steps;
    size_t n_steps;
};

/* A message kept for a later step (it came while another kind was awaited). */
struct kept {
    struct kept *next;
    unsigned char kind; /* KEPT_* */
    size_t len;
    unsigned char data[];
};
enum { KEPT_TEXT, KEPT_BINARY, KEPT_PONG };

struct convo_state {
    struct lws_state ws; /* first: the WebSocket layer's part */
    size_t step;
    double step_start;
    struct wsc_step expanded;          /* the running step, when templated */
    struct json_object *expanded_json; /* what `expanded` borrows from */
    int has_expanded;
    int waiting;              /* the running step waits for the peer or a timer */
    int done;                 /* every step ran */
    struct wsc_vars *vars;    /* captured in this session */
    struct json_object *last; /* what the last `expect` matched */
    struct kept *inbox, *inbox_tail;
    size_t inbox_n, inbox_bytes;
};

static void run(struct wsc_load_sess *s);

static const struct convo_script *script(struct wsc_load_sess *s)
{
    return wsc_load_script_of(s)->data;
}

static const struct wsc_step *cur(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    return st->has_expanded ? &st->expanded : &script(s)->steps[st->step].step;
}

static void step_fail(struct wsc_load_sess *s, enum wsc_load_error e, const char *what)
{
    struct convo_state *st = wsc_load_state(s);
    wsc_load_fail(s, e, "step %zu (%s): %s", st->step,
                  wsc_step_action_name(cur(s)->action), what);
}

/* The step is over: its time, then the next one. */
static void step_done(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    struct convo_step *cs = &script(s)->steps[st->step];
    if (!cs->hist)
        cs->hist = wsc_load_hist(wsc_load_test_of(s), cs->hist_name);
    if (cs->hist)
        wsc_hist_record(cs->hist, (wsc_load_now(s) - st->step_start) * 1000.0);
    if (st->has_expanded) {
        wsc_step_clear(&st->expanded);
        json_object_put(st->expanded_json);
        st->expanded_json = NULL;
        st->has_expanded = 0;
    }
    st->waiting = 0;
    st->step++;
    wsc_load_timer(s, 0);
}

static void wait_for(struct wsc_load_sess *s, double dflt)
{
    struct convo_state *st = wsc_load_state(s);
    double within = cur(s)->within >= 0 ? cur(s)->within : dflt;
    st->waiting = 1;
    wsc_load_timer(s, st->step_start + within);
}

/* ---- the inbox --------------------------------------------------------------- */

static int keep(struct wsc_load_sess *s, int kind, const unsigned char *p, size_t n)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->inbox_n >= INBOX_MAX_MESSAGES ||
        st->inbox_bytes + n > wsc_load_max_message(s)) {
        wsc_load_fail(s, WSC_LOAD_ERR_TOO_BIG,
                      "step %zu (%s): over %d messages or %zu bytes arrived that no step "
                      "took",
                      st->step, wsc_step_action_name(cur(s)->action), INBOX_MAX_MESSAGES,
                      wsc_load_max_message(s));
        return -1;
    }
    struct kept *k = malloc(sizeof(*k) + n);
    if (!k) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory keeping a message");
        return -1;
    }
    k->next = NULL;
    k->kind = (unsigned char)kind;
    k->len = n;
    if (n)
        memcpy(k->data, p, n);
    if (st->inbox_tail)
        st->inbox_tail->next = k;
    else
        st->inbox = k;
    st->inbox_tail = k;
    st->inbox_n++;
    st->inbox_bytes += n;
    return 0;
}

/* Takes the oldest kept message of a kind in `mask` (1 << KEPT_*). */
static struct kept *take(struct convo_state *st, unsigned mask)
{
    struct kept **pp = &st->inbox, *prev = NULL;
    for (struct kept *k = st->inbox; k; prev = k, pp = &k->next, k = k->next) {
        if (!(mask & (1u << k->kind)))
            continue;
        *pp = k->next;
        if (st->inbox_tail == k)
            st->inbox_tail = prev;
        st->inbox_n--;
        st->inbox_bytes -= k->len;
        return k;
    }
    return NULL;
}

/* ---- judging messages ----------------------------------------------------------- */

/* The message as JSON (a text that parses), else NULL. */
static struct json_object *as_json(const unsigned char *p, size_t n)
{
    if (n > (size_t)INT32_MAX)
        return NULL;
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return NULL;
    struct json_object *v = json_tokener_parse_ex(tok, (const char *)p, (int)n);
    int ok =
        json_tokener_get_error(tok) == json_tokener_success && tok->char_offset == (int)n;
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(v);
        return NULL;
    }
    return v;
}

static int hits(struct json_object *matcher, const unsigned char *p, size_t n)
{
    struct json_object *v = as_json(p, n);
    if (!v && n <= (size_t)INT32_MAX)
        v = json_object_new_string_len((const char *)p, (int)n);
    int hit = v && wsc_match(matcher, v, "", NULL);
    json_object_put(v);
    return hit;
}

static int any_hits(struct json_object *list, const unsigned char *p, size_t n)
{
    size_t len = list ? json_object_array_length(list) : 0;
    for (size_t i = 0; i < len; i++)
        if (hits(json_object_array_get_idx(list, i), p, n))
            return 1;
    return 0;
}

static int ignored(struct wsc_load_sess *s, int binary, const unsigned char *p, size_t n)
{
    return !binary &&
           (any_hits(script(s)->ignore, p, n) || any_hits(cur(s)->ignore, p, n));
}

static int capture(struct wsc_load_sess *s, struct json_object *capture,
                   struct json_object *v)
{
    struct convo_state *st = wsc_load_state(s);
    if (!st->vars && !(st->vars = wsc_vars_new()))
        return -1;
    json_object_object_foreach(capture, name, target) {
        int secret;
        const char *ptr =
            json_object_get_string(wsc_step_capture_target(target, &secret));
        struct json_object *found = NULL;
        if (!v || wsc_json_pointer_find(v, ptr, &found) != 1) {
            char msg[300];
            snprintf(msg, sizeof msg, "capture %s: nothing at %s", name,
                     *ptr ? ptr : "\"\"");
            step_fail(s, WSC_LOAD_ERR_EXPECT, msg);
            return -1;
        }
        if (wsc_vars_set(st->vars, WSC_VARS_CAPTURE, name, json_object_get(found)) != 0)
            return -1;
    }
    return 0;
}

/* Does a data message satisfy the step? *json gets an `expect`'s value. */
static int matches(const struct wsc_step *step, int binary, const unsigned char *p,
                   size_t n, struct json_object **json, const char **why)
{
    *json = NULL;
    if (step->action == WSC_STEP_EXPECT || step->action == WSC_STEP_EXPECT_TEXT) {
        if (binary) {
            *why = "expected a text message, got a binary message";
            return 0;
        }
        struct json_object *v = step->action == WSC_STEP_EXPECT
                                    ? as_json(p, n)
                                    : json_object_new_string_len((const char *)p, (int)n);
        if (!v) {
            *why = "expected a JSON text message, got text that is not JSON";
            return 0;
        }
        if (!wsc_match(step->value, v, "", NULL)) {
            json_object_put(v);
            *why = "the message did not match";
            return 0;
        }
        if (step->action == WSC_STEP_EXPECT)
            *json = v;
        else
            json_object_put(v);
        return 1;
    }
    if (!binary) {
        *why = "expected a binary message, got a text message";
        return 0;
    }
    if (step->len >= 0 ? (unsigned long long)step->len == n
                       : n == step->n_bytes && (!n || memcmp(p, step->bytes, n) == 0))
        return 1;
    *why = "the binary message differs";
    return 0;
}

/* A data message for a waiting expect step: 1 taken (done or skipped),
 * -1 the session failed. */
static int judge_data(struct wsc_load_sess *s, int binary, const unsigned char *p,
                      size_t n)
{
    struct convo_state *st = wsc_load_state(s);
    const struct wsc_step *step = cur(s);
    if (ignored(s, binary, p, n))
        return 1;
    struct json_object *v;
    const char *why = NULL;
    if (!matches(step, binary, p, n, &v, &why)) {
        if (step->skip_until)
            return 1;
        step_fail(s, WSC_LOAD_ERR_EXPECT, why);
        return -1;
    }
    if (step->action == WSC_STEP_EXPECT) {
        json_object_put(st->last);
        st->last = v;
        if (step->capture && capture(s, step->capture, v) != 0)
            return -1;
    }
    step_done(s);
    return 1;
}

static int is_expect(enum wsc_step_action a)
{
    return a == WSC_STEP_EXPECT || a == WSC_STEP_EXPECT_TEXT ||
           a == WSC_STEP_EXPECT_BINARY;
}

static void on_message(struct wsc_load_sess *s, int binary, const unsigned char *p,
                       size_t n)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->done || st->step >= script(s)->n_steps)
        return;
    enum wsc_step_action a = cur(s)->action;
    if (st->waiting && is_expect(a)) {
        if (judge_data(s, binary, p, n) > 0 && !st->waiting)
            run(s);
        return;
    }
    if (st->waiting && a == WSC_STEP_EXPECT_NONE && !ignored(s, binary, p, n) &&
        (!cur(s)->none_matcher || (!binary && hits(cur(s)->none_matcher, p, n)))) {
        step_fail(s, WSC_LOAD_ERR_EXPECT, "a message arrived during the quiet period");
        return;
    }
    keep(s, binary ? KEPT_BINARY : KEPT_TEXT, p, n);
}

static int pong_matches(const struct wsc_step *step, const unsigned char *p, size_t n)
{
    return n == step->text_len && (!n || memcmp(p, step->text, n) == 0);
}

static void on_pong(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->done || st->step >= script(s)->n_steps)
        return;
    if (!(st->waiting && cur(s)->action == WSC_STEP_EXPECT_PONG)) {
        keep(s, KEPT_PONG, p, n);
        return;
    }
    if (pong_matches(cur(s), p, n)) {
        step_done(s);
        run(s);
    } else if (!cur(s)->skip_until) {
        step_fail(s, WSC_LOAD_ERR_EXPECT, "a pong with another payload");
    }
}

static void check_close(struct wsc_load_sess *s, int code, const unsigned char *r,
                        size_t rl)
{
    const struct wsc_step *step = cur(s);
    int ok = 1;
    if (step->code_matcher &&
        !json_object_is_type(step->code_matcher, json_type_object)) {
        long long want = json_object_get_int64(step->code_matcher);
        ok = want == 0 ? code == 0 : want == code;
    } else if (step->code_matcher) {
        struct json_object *actual = json_object_new_int(code);
        ok = actual && wsc_match(step->code_matcher, actual, "", NULL);
        json_object_put(actual);
    }
    if (ok && step->reason_matcher) {
        struct json_object *actual = json_object_new_string_len((const char *)r, (int)rl);
        ok = actual && wsc_match(step->reason_matcher, actual, "", NULL);
        json_object_put(actual);
    }
    if (!ok) {
        char msg[64];
        snprintf(msg, sizeof msg, "the close (code %d) did not match", code);
        step_fail(s, WSC_LOAD_ERR_EXPECT, msg);
        return;
    }
    step_done(s);
    run(s);
}

static void on_close(struct wsc_load_sess *s, int code, const unsigned char *r, size_t rl)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->done || st->step >= script(s)->n_steps) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    enum wsc_step_action a = cur(s)->action;
    if (a == WSC_STEP_EXPECT_CLOSE && st->waiting) {
        check_close(s, code, r, rl);
        return;
    }
    if (a == WSC_STEP_CLOSE && st->waiting) {
        step_done(s);
        run(s);
        return;
    }
    char msg[64];
    snprintf(msg, sizeof msg, "the server closed the connection (code %d)", code);
    step_fail(s, WSC_LOAD_ERR_CLOSED, msg);
}

static void on_timer(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->done || !st->waiting)
        return;
    enum wsc_step_action a = cur(s)->action;
    if (a == WSC_STEP_SLEEP || a == WSC_STEP_EXPECT_NONE) {
        step_done(s);
        run(s);
        return;
    }
    char msg[80];
    double within = cur(s)->within >= 0 ? cur(s)->within : DEFAULT_WITHIN;
    snprintf(msg, sizeof msg, "nothing matching arrived within %g s", within);
    step_fail(s, WSC_LOAD_ERR_TIMEOUT, msg);
}

/* ---- running the steps -------------------------------------------------------------- */

/* Kept messages a waiting step can take now. */
static void drain_inbox(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    enum wsc_step_action a = cur(s)->action;
    unsigned mask = is_expect(a)                ? (1u << KEPT_TEXT) | (1u << KEPT_BINARY)
                    : a == WSC_STEP_EXPECT_PONG ? 1u << KEPT_PONG
                                                : 0;
    struct kept *k;
    size_t step = st->step;
    while (mask && st->waiting && st->step == step && (k = take(st, mask))) {
        if (k->kind == KEPT_PONG)
            on_pong(s, k->data, k->len);
        else
            judge_data(s, k->kind == KEPT_BINARY, k->data, k->len);
        free(k);
    }
}

/* Expands a step that uses captured variables; 0, or -1 (session failed). */
static int load_step(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    const struct convo_step *cs = &script(s)->steps[st->step];
    if (!cs->templated)
        return 0;
    char *err = NULL;
    struct json_object *v = wsc_vars_expand(st->vars, cs->tmpl, &err);
    if (v && wsc_step_parse(v, WSC_STEP_EXPANDED, &st->expanded, &err) == 0) {
        /* The step borrows from v: kept until the step ends. */
        st->expanded_json = v;
        st->has_expanded = 1;
        return 0;
    }
    wsc_load_fail(s, WSC_LOAD_ERR_EXPECT, "step %zu: %s", st->step,
                  err ? err : "out of memory");
    free(err);
    wsc_step_clear(&st->expanded);
    json_object_put(v);
    return -1;
}

/* Runs one step; returns 1 when it is over, 0 when it waits, -1 failed. */
static int exec(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    const struct wsc_step *step = cur(s);
    switch (step->action) {
    case WSC_STEP_SEND: {
        const char *text = step->text;
        size_t len = step->text_len;
        char *json = NULL;
        if (!text) {
            /* A JSON value other than a string is sent as its text. */
            const char *t =
                json_object_to_json_string_ext(step->value, JSON_C_TO_STRING_PLAIN);
            json = t ? strdup(t) : NULL;
            if (!json)
                return -1;
            text = json;
            len = strlen(json);
        }
        int rc = lws_send(s, WSC_WS_OP_TEXT, text, len);
        free(json);
        return rc == 0 ? 1 : -1;
    }
    case WSC_STEP_SEND_BINARY:
        return lws_send(s, WSC_WS_OP_BINARY, step->bytes, step->n_bytes) == 0 ? 1 : -1;
    case WSC_STEP_PING:
        return lws_send(s, WSC_WS_OP_PING, step->text, step->text_len) == 0 ? 1 : -1;
    case WSC_STEP_CAPTURE:
        if (!st->last) {
            step_fail(s, WSC_LOAD_ERR_EXPECT, "no expect matched a message before");
            return -1;
        }
        return capture(s, step->value, st->last) == 0 ? 1 : -1;
    case WSC_STEP_SLEEP:
        st->waiting = 1;
        wsc_load_timer(s, st->step_start + step->seconds);
        return 0;
    case WSC_STEP_CLOSE:
        if (lws_send_close(s, step->code, step->reason) != 0)
            return -1;
        if (st->ws.close_received)
            return 1;
        wait_for(s, DEFAULT_WITHIN);
        return 0;
    case WSC_STEP_EXPECT_NONE:
        wait_for(s, DEFAULT_NONE_WITHIN);
        return 0;
    case WSC_STEP_EXPECT_CLOSE:
        if (st->ws.close_received) {
            step_fail(s, WSC_LOAD_ERR_CLOSED, "the close came before this step");
            return -1;
        }
        wait_for(s, DEFAULT_WITHIN);
        return 0;
    case WSC_STEP_EXPECT:
    case WSC_STEP_EXPECT_TEXT:
    case WSC_STEP_EXPECT_BINARY:
    case WSC_STEP_EXPECT_PONG:
        wait_for(s, DEFAULT_WITHIN);
        drain_inbox(s);
        return st->waiting ? 0 : 1;
    default:
        step_fail(s, WSC_LOAD_ERR_PROTOCOL, "cannot run under load");
        return -1;
    }
}

/* Runs steps until one waits, the steps end, or the session fails. */
static void run(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    const struct convo_script *cs = script(s);
    while (!st->waiting && st->step < cs->n_steps) {
        st->step_start = wsc_load_now(s);
        if (load_step(s) != 0)
            return;
        size_t before = st->step;
        int rc = exec(s);
        if (rc < 0 || st->ws.phase != LWS_OPEN) {
            if (rc < 0 && st->ws.phase == LWS_OPEN)
                wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "step %zu: out of memory",
                              st->step);
            return;
        }
        if (rc == 1 && st->step == before)
            step_done(s);
    }
    if (st->waiting || st->done)
        return;
    /* Every step ran: a clean close ends the session. */
    st->done = 1;
    st->ws.finished = 1;
    if (st->ws.close_received) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    if (lws_send_close(s, 1000, NULL) == 0)
        wsc_load_timer(s, wsc_load_now(s) + DEFAULT_WITHIN);
}

static void on_open(struct wsc_load_sess *s)
{
    run(s);
}

static void done_timer(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->done) {
        /* The server never answered our close: the steps passed, the
         * session still fails, as a conversation's would. */
        wsc_load_fail(s, WSC_LOAD_ERR_TIMEOUT, "no close frame answered ours within %g s",
                      DEFAULT_WITHIN);
        return;
    }
    on_timer(s);
}

static void release(struct wsc_load_sess *s)
{
    struct convo_state *st = wsc_load_state(s);
    if (st->has_expanded) {
        wsc_step_clear(&st->expanded);
        json_object_put(st->expanded_json);
    }
    wsc_vars_free(st->vars);
    json_object_put(st->last);
    while (st->inbox) {
        struct kept *k = st->inbox;
        st->inbox = k->next;
        free(k);
    }
}

static const struct lws_ops convo_ops = {
    .open = on_open,
    .message = on_message,
    .pong = on_pong,
    .close = on_close,
    .timer = done_timer,
    .release = release,
};

static const struct wsc_load_proto convo_proto = {
    .name = "ws-conversation",
    .state_size = sizeof(struct convo_state),
    .begin = lws_begin,
    .input = lws_input,
    .timer = lws_timer,
    .closed = lws_closed,
    .release = lws_release,
};

/* ---- compiling ------------------------------------------------------------------------ */

static void free_convo(void *data)
{
    struct convo_script *cs = data;
    if (!cs)
        return;
    for (size_t i = 0; i < cs->n_steps; i++) {
        wsc_step_clear(&cs->steps[i].step);
        free(cs->steps[i].hist_name);
    }
    free(cs->steps);
    json_object_put(cs->steps_json);
    json_object_put(cs->ignore);
    lws_script_clear(&cs->ws);
    free(cs);
}

static int compile_step(struct convo_step *cs, size_t i, struct json_object *obj,
                        char **why)
{
    char *err = NULL;
    cs->tmpl = obj;
    cs->templated = wsc_step_has_var_ref(obj);
    if (wsc_step_parse(obj, cs->templated ? WSC_STEP_TEMPLATE : WSC_STEP_EXPANDED,
                       &cs->step, &err) != 0) {
        *why = wsc_strdup_printf("step %zu: %s", i, err ? err : "out of memory");
        free(err);
        return -1;
    }
    const char *action = wsc_step_action_name(cs->step.action);
    if (cs->step.action == WSC_STEP_CONNECT ||
        (cs->step.conn && strcmp(cs->step.conn, "default") != 0)) {
        *why =
            wsc_strdup_printf("step %zu (%s): a second connection cannot run under load "
                              "(one session is one connection)",
                              i, action);
        return -1;
    }
    cs->hist_name = wsc_strdup_printf("step %zu %s", i, action);
    if (cs->templated) {
        /* Parsed again, expanded, when it runs. */
        wsc_step_clear(&cs->step);
    }
    return cs->hist_name ? 0 : -1;
}

static int compile_steps(struct convo_script *cs, struct json_object *params, char **why)
{
    struct json_object *steps, *ignore;
    if (!json_object_object_get_ex(params, "steps", &steps) ||
        !json_object_is_type(steps, json_type_array)) {
        *why = wsc_strdup_printf("steps: expected an array of steps");
        return -1;
    }
    if (json_object_object_get_ex(params, "connections", NULL)) {
        *why =
            wsc_strdup_printf("connections: a conversation on several connections cannot "
                              "run under load (one session is one connection)");
        return -1;
    }
    if (json_object_deep_copy(steps, &cs->steps_json, NULL) != 0)
        return -1;
    if (json_object_object_get_ex(params, "ignore", &ignore) &&
        json_object_deep_copy(ignore, &cs->ignore, NULL) != 0)
        return -1;
    size_t n = json_object_array_length(cs->steps_json);
    cs->steps = calloc(n ? n : 1, sizeof(*cs->steps));
    if (!cs->steps)
        return -1;
    for (size_t i = 0; i < n; i++, cs->n_steps++)
        if (compile_step(&cs->steps[i], i, json_object_array_get_idx(cs->steps_json, i),
                         why) != 0) {
            cs->n_steps++; /* its hist_name and step are freed with the rest */
            return -1;
        }
    return 0;
}

/* A conversation of the given steps (NULL: the params'). */
static int compile(struct wsc_load_script *sc, struct json_object *params,
                   struct json_object *steps_override, char **why)
{
    struct convo_script *cs = calloc(1, sizeof(*cs));
    if (!cs)
        return -1;
    sc->data = cs;
    sc->free_data = free_convo;
    sc->proto = &convo_proto;
    if (lws_script_init(&cs->ws, sc, params, &convo_ops, NULL, why) != 0)
        return -1;
    if (steps_override) {
        struct json_object *p = json_object_new_object();
        if (!p)
            return -1;
        json_object_object_add(p, "steps", json_object_get(steps_override));
        int rc = compile_steps(cs, p, why);
        json_object_put(p);
        return rc;
    }
    return compile_steps(cs, params, why);
}

int wsc_load_compile_conversation(struct wsc_load_script *sc, struct json_object *params,
                                  char **why)
{
    return compile(sc, params, NULL, why);
}

/* ws-basic.handshake: the upgrade, then a clean close. */
int wsc_load_compile_ws_handshake(struct wsc_load_script *sc, struct json_object *params,
                                  char **why)
{
    struct json_object *steps = json_tokener_parse("[{\"close\": true}]");
    if (!steps)
        return -1;
    int rc = compile(sc, params, steps, why);
    if (rc == 0)
        rc =
            lws_script_expect_answer(&((struct convo_script *)sc->data)->ws, params, why);
    json_object_put(steps);
    return rc;
}
