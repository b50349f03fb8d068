/* Following a job to its terminal state. Real servers push a job file at
 * most once (some versions never), so the follower takes the job's states
 * from wherever they come: pushes on one open socket, the first frame of a
 * fresh socket, or MCP get_job_progress (the `follow` param). Every new
 * state (a repeat of the last one is not) goes through the stream engine,
 * which holds the rules (stream_rules.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>

#include "checks.h"

enum mode { FOLLOW_AUTO, FOLLOW_PUSH, FOLLOW_RECONNECT, FOLLOW_POLL };

struct follower {
    struct wsc_ctx *ctx;
    const struct json_object *params;
    const char *job_id;
    enum mode mode;
    double interval, keepalive, deadline;
    struct wsc_stream *s;
    struct wsc_ws *ws; /* the open socket (auto, push) */
    struct wsc_mcp *m; /* poll */
    int own_m;
    double last_send, next_snapshot;
    struct cj_follow_result *res;
    int reported; /* a failure was reported already */
};

static enum mode mode_of(const struct json_object *params)
{
    const char *f = wsc_param_string(params, "follow", "auto");
    return !strcmp(f, "push")        ? FOLLOW_PUSH
           : !strcmp(f, "reconnect") ? FOLLOW_RECONNECT
           : !strcmp(f, "poll")      ? FOLLOW_POLL
                                     : FOLLOW_AUTO;
}

/* Adds value to the array unless it is there already. */
static void add_once(struct json_object *arr, const char *value)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), value))
            return;
    json_object_array_add(arr, json_object_new_string(value));
}

static void remember(struct follower *f, struct json_object *state, int pushed)
{
    struct cj_follow_result *res = f->res;
    int64_t it = 0;
    res->updates++;
    res->pushes += pushed;
    if (cj_int(state, "iteration", &it) && it > res->highest_iteration)
        res->highest_iteration = it;
    add_once(res->stages, cj_str(state, "current_stage"));
    add_once(res->statuses, cj_str(state, "status"));
    json_object_put(res->last);
    res->last = json_object_get(state);
}

/* One frame or tool result: skipped (echo, event, waiting object, a repeat
 * of the last state), or a new state fed to the engine. */
static enum wsc_stream_verdict handle(struct follower *f, struct json_object *state,
                                      double t, int pushed, const char *source)
{
    if (!f->res->first && !pushed)
        f->res->first = json_object_get(state);
    if (cj_is_other_frame(state) || cj_is_waiting(state) ||
        (f->res->last && json_object_equal(f->res->last, state)))
        return wsc_stream_verdict(f->s);
    char *bad = cj_progress_shape(state, f->job_id);
    if (bad) {
        wsc_fail(f->ctx, "job \"%s\": state %ld (%s) is not a progress object: %s",
                 f->job_id, f->res->updates + 1, source, bad);
        free(bad);
        f->reported = 1;
        return WSC_STREAM_FAILED;
    }
    remember(f, state, pushed);
    return wsc_stream_feed(f->s, state, t);
}

/* A fresh socket's first frame: the job file as it is now. */
static enum wsc_stream_verdict reconnect(struct follower *f)
{
    struct wsc_ws *ws = cj_progress_open(f->ctx, f->params, f->job_id, f->deadline);
    struct json_object *first =
        ws ? cj_first_frame(f->ctx, ws, f->job_id, f->deadline) : NULL;
    enum wsc_stream_verdict v = WSC_STREAM_FAILED;
    if (first)
        v = handle(f, first, wsc_now(), 0, "reconnect");
    else
        f->reported = 1;
    if (ws && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, "", wsc_ws_within(f->ctx, 0.5));
    wsc_ws_free(ws);
    json_object_put(first);
    return v;
}

/* MCP get_job_progress: the job file, or {"error": ...}. */
static enum wsc_stream_verdict poll_mcp(struct follower *f)
{
    if (!f->m) {
        if (!(f->m = cj_mcp_open(f->ctx, f->params))) {
            f->reported = 1;
            return WSC_STREAM_FAILED;
        }
        f->own_m = 1;
    }
    struct json_object *args = json_object_new_object();
    if (args)
        json_object_object_add(args, "job_id", json_object_new_string(f->job_id));
    struct json_object *v = cj_tool(f->ctx, f->m, "get_job_progress", args);
    enum wsc_stream_verdict r = WSC_STREAM_FAILED;
    if (!v) {
        f->reported = 1;
    } else if (cj_str(v, "error")) {
        wsc_fail(f->ctx, "get_job_progress(\"%s\"): %s", f->job_id, cj_str(v, "error"));
        f->reported = 1;
    } else {
        r = handle(f, v, wsc_now(), 0, "get_job_progress");
    }
    json_object_put(v);
    return r;
}

static enum wsc_stream_verdict snapshot(struct follower *f)
{
    f->next_snapshot = wsc_now() + f->interval;
    return f->mode == FOLLOW_POLL ? poll_mcp(f) : reconnect(f);
}

/* The open socket ended. A close (1000 after 25 s of silence, 10 000
 * messages) is normal in auto mode: the follower reconnects. A drop or
 * 1011 is a server failure, and so is any end in push mode. */
static enum wsc_stream_verdict socket_ended(struct follower *f)
{
    int code = wsc_ws_peer_close_code(f->ws);
    if (f->mode == FOLLOW_AUTO && code != 0 && code != 1011) {
        wsc_note(f->ctx, "progress socket of job \"%s\" closed with %d; reconnecting",
                 f->job_id, code);
        wsc_ws_free(f->ws);
        f->ws = cj_progress_open(f->ctx, f->params, f->job_id, f->deadline);
        f->last_send = wsc_now();
        return f->ws ? WSC_STREAM_MORE : (f->reported = 1, WSC_STREAM_FAILED);
    }
    if (code == 0 || code == 1011)
        wsc_fail(f->ctx, "progress socket of job \"%s\": %s after %ld update%s; %s",
                 f->job_id, code ? "closed with 1011" : wsc_ws_error(f->ws),
                 f->res->updates, f->res->updates == 1 ? "" : "s",
                 cj_known_bug(CJ_BUG_SOCKET_DROP));
    else
        wsc_fail(
            f->ctx,
            "progress socket of job \"%s\": closed with %d \"%s\" after %ld update%s, "
            "before the job ended",
            f->job_id, code, wsc_ws_peer_close_reason(f->ws), f->res->updates,
            f->res->updates == 1 ? "" : "s");
    f->reported = 1;
    return WSC_STREAM_FAILED;
}

static double earliest(const struct follower *f)
{
    double wake = f->deadline;
    if (f->mode != FOLLOW_PUSH)
        wake = fmin(wake, f->next_snapshot);
    if (f->ws)
        wake = fmin(wake, f->last_send + f->keepalive);
    double due = wsc_stream_next_due(f->s);
    return due > 0 ? fmin(wake, due) : wake;
}

/* Waits for a push on the open socket (or, without one, for the next
 * snapshot) and handles what came. */
static enum wsc_stream_verdict wait_step(struct follower *f)
{
    double wake = earliest(f);
    if (!f->ws) {
        if (wsc_sleep(f->ctx, wake - wsc_now()) != 0)
            return WSC_STREAM_MORE;
        return wsc_stream_verdict(f->s);
    }
    struct wsc_ws_msg msg;
    struct json_object *v = NULL;
    enum wsc_ws_result r = wsc_ws_recv_json(f->ws, &msg, &v, wake);
    enum wsc_stream_verdict verdict = wsc_stream_verdict(f->s);
    if (r == WSC_WS_OK && msg.kind == WSC_WS_TEXT && v) {
        long before = f->res->updates;
        verdict = handle(f, v, msg.at, 1, "pushed");
        if (f->res->updates > before)
            f->next_snapshot = wsc_now() + f->interval;
    } else if (r == WSC_WS_OK && msg.kind == WSC_WS_TEXT) {
        /* a text frame that is not JSON: the engine's non_json rule */
        verdict = wsc_stream_feed_text(f->s, msg.data, msg.len, msg.at);
    } else if (r == WSC_WS_CLOSED || r == WSC_WS_ERROR ||
               (r == WSC_WS_OK && msg.kind == WSC_WS_CLOSE)) {
        verdict = socket_ended(f);
    }
    json_object_put(v);
    return verdict;
}

static enum wsc_stream_verdict step(struct follower *f)
{
    double now = wsc_now();
    if (f->ws && now >= f->last_send + f->keepalive) {
        /* crackerjack drops a client silent for 25 s; the echo is skipped */
        if (wsc_ws_send_text(f->ws, "keepalive", 9) == WSC_WS_OK)
            wsc_stream_keepalive_sent(f->s, now);
        f->last_send = now;
    }
    if (f->mode != FOLLOW_PUSH && now >= f->next_snapshot)
        return snapshot(f);
    enum wsc_stream_verdict v = wsc_stream_tick(f->s, now);
    return v == WSC_STREAM_MORE ? wait_step(f) : v;
}

static enum wsc_stream_verdict start(struct follower *f)
{
    if (f->mode == FOLLOW_RECONNECT || f->mode == FOLLOW_POLL)
        return snapshot(f);
    f->ws = cj_progress_open(f->ctx, f->params, f->job_id, f->deadline);
    struct json_object *first =
        f->ws ? cj_first_frame(f->ctx, f->ws, f->job_id, f->deadline) : NULL;
    f->last_send = f->next_snapshot = wsc_now();
    f->next_snapshot += f->interval;
    enum wsc_stream_verdict v = WSC_STREAM_FAILED;
    if (first)
        v = handle(f, first, wsc_now(), 0, "first frame");
    else
        f->reported = 1;
    json_object_put(first);
    return v;
}

/* Reports the end when it is not a success. */
static void report(struct follower *f, enum wsc_stream_verdict v)
{
    const char *err = wsc_stream_error(f->s);
    const char *status = cj_str(f->res->last, "status");
    const char *stage = cj_str(f->res->last, "current_stage");
    if (f->reported)
        return;
    if (v == WSC_STREAM_FAILED && err[0])
        wsc_fail(f->ctx, "job \"%s\": %s", f->job_id, err);
    else if (v != WSC_STREAM_TERMINAL)
        wsc_fail(f->ctx,
                 "job \"%s\" did not reach completed or failed within the test's timeout "
                 "(%g s): %ld update%s, the last %s/%s%s%s",
                 f->job_id, wsc_timeout(f->ctx), f->res->updates,
                 f->res->updates == 1 ? "" : "s", status ? status : "(none)",
                 stage ? stage : "(none)",
                 f->mode == FOLLOW_PUSH && f->res->pushes == 0 ? "; no push came: " : "",
                 f->mode == FOLLOW_PUSH && f->res->pushes == 0
                     ? cj_known_bug(CJ_BUG_NO_PUSH)
                     : "");
}

int cj_follow(struct wsc_ctx *ctx, const struct json_object *params, const char *job_id,
              struct wsc_mcp *m, struct cj_follow_result *res)
{
    struct wsc_stream_options opt;
    struct follower f = {.ctx = ctx,
                         .params = params,
                         .job_id = job_id,
                         .mode = mode_of(params),
                         .m = m,
                         .res = res,
                         .interval = wsc_param_number(params, "interval", 1),
                         .keepalive = wsc_param_number(params, "keepalive", 20),
                         .deadline = wsc_deadline(ctx)};
    memset(res, 0, sizeof *res);
    res->stages = json_object_new_array();
    res->statuses = json_object_new_array();
    if (!res->stages || !res->statuses || cj_stream_options(params, &opt) != 0) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    res->start = wsc_now();
    f.s = wsc_stream_new(ctx, &opt, res->start);
    wsc_stream_options_free(&opt);
    if (!f.s) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    enum wsc_stream_verdict v = start(&f);
    while (v == WSC_STREAM_MORE && wsc_now() < f.deadline)
        v = step(&f);
    res->end = wsc_now();
    res->terminal = v == WSC_STREAM_TERMINAL;
    wsc_stream_finish(f.s, res->end);
    report(&f, v);
    if (f.ws && !wsc_ws_is_closed(f.ws))
        wsc_ws_close(f.ws, 1000, "", wsc_ws_within(ctx, 0.5));
    wsc_ws_free(f.ws);
    if (f.own_m)
        cj_mcp_close(ctx, f.m);
    wsc_stream_free(f.s);
    return v == WSC_STREAM_TERMINAL ? 0 : -1;
}

void cj_follow_result_free(struct cj_follow_result *res)
{
    json_object_put(res->last);
    json_object_put(res->first);
    json_object_put(res->stages);
    json_object_put(res->statuses);
    memset(res, 0, sizeof *res);
}

void cj_follow_outputs(struct wsc_ctx *ctx, const char *job_id,
                       const struct cj_follow_result *res, struct json_object *outputs)
{
    json_object_object_add(outputs, "job_id", json_object_new_string(job_id));
    json_object_object_add(outputs, "updates", json_object_new_int64(res->updates));
    if (res->last)
        json_object_object_add(outputs, "final", json_object_get(res->last));
    if (res->first)
        json_object_object_add(outputs, "first", json_object_get(res->first));
    wsc_metric(ctx, "updates", (double)res->updates, "count");
    wsc_metric(ctx, "pushes", (double)res->pushes, "count");
    wsc_metric(ctx, "highest_iteration", (double)res->highest_iteration, "count");
    if (res->terminal)
        wsc_metric(ctx, "time_to_completion_ms", cj_ms(res->start, res->end), "ms");
}
