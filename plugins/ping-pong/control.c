/* ping-pong `control`: `count` RFC 6455 pings, `interval` apart; each pong
 * must echo its ping's payload within `within` seconds. Ping N carries
 * "<payload>-N", so a pong that arrives after its ping was given up is
 * recognised as late and never measured against a newer ping. Unsolicited
 * pongs are allowed (RFC 6455 5.5.3): they fail nothing, but they never
 * answer a ping either. Those already received when a ping is sent are
 * drained first, so that a pong sent before its ping is never measured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ping_pong.h"

/* Is `data` the payload of an earlier ping of this run ("<payload>-M", M < seq)? */
static int is_late_pong(const char *payload, int seq, const char *data, size_t len)
{
    size_t plen = strlen(payload);
    if (len <= plen + 1 || len > plen + 12 || memcmp(data, payload, plen) != 0 ||
        data[plen] != '-')
        return 0;
    char digits[16];
    memcpy(digits, data + plen + 1, len - plen - 1);
    digits[len - plen - 1] = '\0';
    char *end;
    long m = strtol(digits, &end, 10);
    return *end == '\0' && m >= 1 && m < seq;
}

/* What every ping of a run needs. */
struct control_run {
    const char *payload;
    double within;
    int ignored;                   /* pongs that answer no ping */
    char last[WSC_RENDER_MAX + 4]; /* the payload of the last of them */
};

static void ignore_pong(struct wsc_ctx *ctx, struct control_run *run,
                        const struct wsc_ws_msg *m, const char *when)
{
    run->ignored++;
    wsc_render_text_buf(run->last, sizeof run->last, m->data, m->len);
    wsc_note(ctx, "ignored a pong that answers no ping %s (payload '%s')", when,
             run->last);
}

/* Consumes the pongs received before ping `seq` is sent: unsolicited.
 * Returns 0, or -1 when the connection closed or failed (reported). */
static int drain_unsolicited(struct wsc_ctx *ctx, struct wsc_ws *ws,
                             struct control_run *run, int seq)
{
    char when[48];
    snprintf(when, sizeof when, "before ping %d was sent", seq);
    for (;;) {
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_PONG, wsc_now());
        if (r == WSC_WS_TIMEOUT)
            return 0;
        if (r != WSC_WS_OK) {
            wsc_fail(ctx, "ping %d: %s", seq, wsc_ws_error(ws));
            return -1;
        }
        if (m.kind == WSC_WS_CLOSE) {
            snprintf(when, sizeof when, "about to send ping %d", seq);
            pp_fail_closed(ctx, &m, when);
            return -1;
        }
        ignore_pong(ctx, run, &m, when);
    }
}

/* Sends ping `seq` and waits for its pong. */
static enum pp_outcome one_ping(struct wsc_ctx *ctx, struct wsc_ws *ws, int seq,
                                double *rtt_ms, void *arg)
{
    struct control_run *run = arg;
    const char *payload = run->payload;
    char ping[128];
    int n = snprintf(ping, sizeof ping, "%s-%d", payload, seq);
    if (drain_unsolicited(ctx, ws, run, seq) != 0)
        return PP_BROKEN;
    struct pp_round rd;
    pp_round_start(&rd, ctx, seq, run->within, "ping", "pong");
    if (wsc_ws_send_ping(ws, ping, (size_t)n) != WSC_WS_OK)
        return pp_round_error(ctx, ws, &rd);
    for (;;) {
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_PONG, rd.until);
        enum pp_outcome o;
        if (!pp_round_waited(ctx, ws, &rd, r, &m, &o))
            return o;
        if (m.len == (size_t)n && memcmp(m.data, ping, m.len) == 0) {
            *rtt_ms = (m.at - rd.sent_at) * 1000.0;
            return PP_REPLY;
        }
        if (is_late_pong(payload, seq, m.data, m.len)) {
            wsc_note(ctx, "pong for an earlier ping arrived during ping %d", seq);
            continue;
        }
        char when[48];
        snprintf(when, sizeof when, "while waiting for pong %d", seq);
        ignore_pong(ctx, run, &m, when);
    }
}

void pp_control(struct wsc_ctx *ctx, struct json_object *params)
{
    int count = (int)wsc_param_int(params, "count", 5);
    const char *payload = wsc_param_string(params, "payload", "wscheck");
    double interval = wsc_param_number(params, "interval", 0);
    double within = wsc_param_number(params, "within", 2);
    if (strlen(payload) > 110) {
        wsc_error(ctx, "payload: at most 110 bytes (a ping carries 125 with its number)");
        return;
    }
    struct control_run run = {payload, within, 0, ""};
    struct pp_rtt rtt;
    struct wsc_ws *ws = pp_rounds(ctx, params, count, interval, one_ping, &run, &rtt);
    if (!ws)
        return;
    if (rtt.lost > 0 && run.ignored == 0)
        wsc_fail(ctx, "%d of %d pongs lost: none within %.3f s for ping %s", rtt.lost,
                 rtt.sent, within, rtt.lost_list);
    else if (rtt.lost > 0)
        wsc_fail(ctx,
                 "%d of %d pongs lost: none within %.3f s for ping %s (%d pongs that "
                 "answer no ping were ignored, the last with payload '%s')",
                 rtt.lost, rtt.sent, within, rtt.lost_list, run.ignored, run.last);
    wsc_output(ctx, "unsolicited_pongs", json_object_new_int(run.ignored));
    pp_rounds_end(ctx, ws, &rtt);
}
