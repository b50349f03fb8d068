/* ping-pong `app`: an application-level ping. Sends `request` (default
 * {"type":"ping"}) `count` times, `interval` apart; the first message after
 * each that matches `reply` (default {"type":"pong"}) within `within`
 * seconds is its reply. Messages that do not match (a welcome, broadcasts)
 * are skipped; the last one skipped is shown when a reply is lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ping_pong.h"

/* The last message skipped, for the message of a lost reply. */
struct skipped {
    int count;
    char text[WSC_RENDER_MAX + 4];
    char why[WSC_RENDER_MAX + 4];
};

/* What every round trip of a run needs. */
struct app_run {
    struct json_object *request;
    struct json_object *reply; /* matcher that tells the reply */
    double within;
    struct skipped sk;
};

static enum wsc_ws_result send_request(struct wsc_ws *ws, struct json_object *request)
{
    if (json_object_is_type(request, json_type_string))
        return wsc_ws_send_text(ws, json_object_get_string(request),
                                (size_t)json_object_get_string_len(request));
    return wsc_ws_send_json(ws, request);
}

/* Does message m match? A text that is not JSON is matched as a string. */
static int reply_matches(struct json_object *reply, const struct wsc_ws_msg *m,
                         struct json_object *value, struct skipped *sk)
{
    struct json_object *actual =
        value ? json_object_get(value) : json_object_new_string_len(m->data, (int)m->len);
    char *why = NULL;
    int ok = m->kind == WSC_WS_TEXT && wsc_match(reply, actual, NULL, &why);
    if (!ok) {
        sk->count++;
        wsc_render_text_buf(sk->text, sizeof sk->text, m->data, m->len);
        snprintf(sk->why, sizeof sk->why, "%s",
                 m->kind != WSC_WS_TEXT ? "a binary message"
                 : why                  ? why
                                        : "no match");
    }
    free(why);
    json_object_put(actual);
    return ok;
}

static enum pp_outcome one_round(struct wsc_ctx *ctx, struct wsc_ws *ws, int seq,
                                 double *rtt_ms, void *arg)
{
    struct app_run *run = arg;
    struct pp_round rd;
    pp_round_start(&rd, ctx, seq, run->within, "request", "reply");
    if (send_request(ws, run->request) != WSC_WS_OK)
        return pp_round_error(ctx, ws, &rd);
    for (;;) {
        struct wsc_ws_msg m;
        struct json_object *value = NULL;
        enum wsc_ws_result r = wsc_ws_recv_json(ws, &m, &value, rd.until);
        enum pp_outcome o;
        if (!pp_round_waited(ctx, ws, &rd, r, &m, &o))
            return o;
        int matched = reply_matches(run->reply, &m, value, &run->sk);
        json_object_put(value);
        if (matched) {
            *rtt_ms = (m.at - rd.sent_at) * 1000.0;
            return PP_REPLY;
        }
    }
}

static void report_lost(struct wsc_ctx *ctx, const struct pp_rtt *rtt, double within,
                        const struct skipped *sk)
{
    if (sk->count == 0)
        wsc_fail(ctx, "%d of %d replies lost: no message within %.3f s after request %s",
                 rtt->lost, rtt->sent, within, rtt->lost_list);
    else
        wsc_fail(ctx,
                 "%d of %d replies lost: no message matching reply within "
                 "%.3f s after request %s (%d skipped; the last: %s: %s)",
                 rtt->lost, rtt->sent, within, rtt->lost_list, sk->count, sk->text,
                 sk->why);
}

void pp_app(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *request = wsc_param(params, "request");
    struct json_object *reply = wsc_param(params, "reply");
    if (!request || !reply) {
        wsc_error(ctx, "request and reply are needed (their defaults were not applied)");
        return;
    }
    int count = (int)wsc_param_int(params, "count", 5);
    double interval = wsc_param_number(params, "interval", 0);
    struct app_run run = {
        request, reply, wsc_param_number(params, "within", 2), {0, "", ""}};
    struct pp_rtt rtt;
    struct wsc_ws *ws = pp_rounds(ctx, params, count, interval, one_round, &run, &rtt);
    if (!ws)
        return;
    if (rtt.lost > 0)
        report_lost(ctx, &rtt, run.within, &run.sk);
    wsc_output(ctx, "skipped", json_object_new_int(run.sk.count));
    pp_rounds_end(ctx, ws, &rtt);
}
