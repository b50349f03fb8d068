/* ping-pong `control`: `count` RFC 6455 pings, `interval` apart; each pong
 * must echo its ping's payload within `within` seconds. Ping N carries
 * "<payload>-N", so a pong that arrives after its ping was given up is
 * recognised as late and never measured against a newer ping. */
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
    int mismatches; /* pongs that echoed something else; only the first is told */
};

/* Sends ping `seq` and waits for its pong. */
static enum pp_outcome one_ping(struct wsc_ctx *ctx, struct wsc_ws *ws, int seq,
                                double *rtt_ms, void *arg)
{
    struct control_run *run = arg;
    const char *payload = run->payload;
    char ping[128];
    int n = snprintf(ping, sizeof ping, "%s-%d", payload, seq);
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
        if (run->mismatches++ == 0) {
            char got[WSC_RENDER_MAX + 4];
            wsc_render_text_buf(got, sizeof got, m.data, m.len);
            wsc_fail(ctx, "pong %d: payload '%s' does not echo the ping's '%s'", seq, got,
                     ping);
        }
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
    struct control_run run = {payload, within, 0};
    struct pp_rtt rtt;
    struct wsc_ws *ws = pp_rounds(ctx, params, count, interval, one_ping, &run, &rtt);
    if (!ws)
        return;
    if (rtt.lost > 0)
        wsc_fail(ctx, "%d of %d pongs lost: none within %.3f s for ping %s", rtt.lost,
                 rtt.sent, within, rtt.lost_list);
    pp_rounds_end(ctx, ws, &rtt);
}
