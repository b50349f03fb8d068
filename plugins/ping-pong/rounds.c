/* Helpers shared by the ping-pong checks: connecting, idling, closing, and
 * the round-trip statistics every check reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ping_pong.h"

struct wsc_ws *pp_connect(struct wsc_ctx *ctx, struct json_object *params,
                          int observe_pings)
{
    struct wsc_ws_options opt;
    char *err = NULL;
    if (wsc_ws_options_parse(ctx, params, &opt, &err) != 0) {
        wsc_error(ctx, "%s", err ? err : "out of memory");
        free(err);
        return NULL;
    }
    opt.observe_pings = observe_pings;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, 0);
    wsc_ws_options_free(&opt);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    if (wsc_ws_status(ws) != WSC_WS_OK) {
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
        wsc_ws_free(ws);
        return NULL;
    }
    wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(ws), "ms");
    return ws;
}

void pp_fail_closed(struct wsc_ctx *ctx, const struct wsc_ws_msg *m, const char *waiting)
{
    char reason[WSC_RENDER_MAX + 4];
    wsc_render_text_buf(reason, sizeof reason, m->data, m->len);
    wsc_fail(ctx, "the server closed the connection (code %d, reason '%s') while %s",
             m->close_code, reason, waiting);
}

int pp_idle(struct wsc_ctx *ctx, struct wsc_ws *ws, double seconds)
{
    if (seconds <= 0)
        return 0;
    struct wsc_ws_msg m;
    /* only a close ends this wait early; everything else is consumed */
    enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_CLOSE, wsc_ws_within(ctx, seconds));
    if (r == WSC_WS_TIMEOUT)
        return 0;
    if (r == WSC_WS_OK)
        pp_fail_closed(ctx, &m, "waiting for the next round trip");
    else
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
    return -1;
}

void pp_close(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    if (!wsc_ws_is_closed(ws) &&
        wsc_ws_close(ws, 1000, NULL, wsc_ws_within(ctx, 2.0)) != WSC_WS_OK)
        wsc_note(ctx, "close: %s", wsc_ws_error(ws));
}

int pp_rtt_init(struct pp_rtt *r)
{
    memset(r, 0, sizeof *r);
    r->hist = wsc_hist_new();
    return r->hist ? 0 : -1;
}

void pp_rtt_free(struct pp_rtt *r)
{
    wsc_hist_free(r->hist);
    r->hist = NULL;
}

void pp_rtt_lost(struct pp_rtt *r, int seq)
{
    r->lost++;
    size_t used = strlen(r->lost_list);
    size_t room = sizeof r->lost_list - used;
    if (room < 16) {
        if (room > 4 && strcmp(r->lost_list + used - 3, "...") != 0)
            strcat(r->lost_list, "...");
        return;
    }
    snprintf(r->lost_list + used, room, "%s%d", used ? ", " : "", seq);
}

static struct json_object *rtt_object(const struct pp_rtt *r)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    const struct {
        const char *name;
        double p;
    } pct[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}};
    json_object_object_add(o, "min", json_object_new_double(wsc_hist_min(r->hist)));
    for (size_t i = 0; i < sizeof pct / sizeof *pct; i++)
        json_object_object_add(
            o, pct[i].name,
            json_object_new_double(wsc_hist_percentile(r->hist, pct[i].p)));
    json_object_object_add(o, "max", json_object_new_double(wsc_hist_max(r->hist)));
    json_object_object_add(o, "mean", json_object_new_double(wsc_hist_mean(r->hist)));
    return o;
}

void pp_rtt_report(struct wsc_ctx *ctx, const struct pp_rtt *r)
{
    uint64_t received = wsc_hist_count(r->hist);
    if (received > 0) {
        wsc_metric(ctx, "rtt_min_ms", wsc_hist_min(r->hist), "ms");
        wsc_metric(ctx, "rtt_p50_ms", wsc_hist_percentile(r->hist, 50), "ms");
        wsc_metric(ctx, "rtt_p90_ms", wsc_hist_percentile(r->hist, 90), "ms");
        wsc_metric(ctx, "rtt_p99_ms", wsc_hist_percentile(r->hist, 99), "ms");
        wsc_metric(ctx, "rtt_max_ms", wsc_hist_max(r->hist), "ms");
        wsc_metric_histogram(ctx, "rtt_ms", r->hist, "ms");
    }
    wsc_metric(ctx, "lost", r->lost, "count");
    wsc_output(ctx, "sent", json_object_new_int(r->sent));
    wsc_output(ctx, "received", json_object_new_int64((int64_t)received));
    wsc_output(ctx, "lost", json_object_new_int(r->lost));
    if (received > 0)
        wsc_output(ctx, "rtt_ms", rtt_object(r));
}

int pp_out_of_time(struct wsc_ctx *ctx, const struct pp_rtt *r, int count)
{
    if (wsc_remaining(ctx) > 0)
        return 0;
    wsc_fail(ctx, "the test's timeout (%.3f s) ended the run after %d of %d round trips",
             wsc_timeout(ctx), r->sent, count);
    return 1;
}

void pp_round_start(struct pp_round *rd, struct wsc_ctx *ctx, int seq, double within,
                    const char *sent, const char *reply)
{
    rd->seq = seq;
    rd->sent = sent;
    rd->reply = reply;
    rd->within = within;
    rd->sent_at = wsc_now();
    rd->until = wsc_ws_within(ctx, within);
}

enum pp_outcome pp_round_error(struct wsc_ctx *ctx, struct wsc_ws *ws,
                               const struct pp_round *rd)
{
    wsc_fail(ctx, "%s %d: %s", rd->sent, rd->seq, wsc_ws_error(ws));
    return PP_BROKEN;
}

int pp_round_waited(struct wsc_ctx *ctx, struct wsc_ws *ws, const struct pp_round *rd,
                    enum wsc_ws_result r, const struct wsc_ws_msg *m, enum pp_outcome *o)
{
    if (r == WSC_WS_TIMEOUT) {
        /* before `within` ran out, the wait ended at the test's deadline */
        *o = wsc_now() < rd->sent_at + rd->within ? PP_CUT : PP_LOST;
        return 0;
    }
    if (r != WSC_WS_OK) {
        *o = pp_round_error(ctx, ws, rd);
        return 0;
    }
    if (m->kind == WSC_WS_CLOSE) {
        char what[64];
        snprintf(what, sizeof what, "waiting for %s %d", rd->reply, rd->seq);
        pp_fail_closed(ctx, m, what);
        *o = PP_BROKEN;
        return 0;
    }
    return 1;
}

struct wsc_ws *pp_rounds(struct wsc_ctx *ctx, struct json_object *params, int count,
                         double interval, pp_round_fn round, void *arg,
                         struct pp_rtt *rtt)
{
    if (pp_rtt_init(rtt) != 0) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    struct wsc_ws *ws = pp_connect(ctx, params, 0);
    if (!ws) {
        pp_rtt_free(rtt);
        return NULL;
    }
    for (int seq = 1; seq <= count; seq++) {
        if (seq > 1 && pp_idle(ctx, ws, interval) != 0)
            break;
        if (pp_out_of_time(ctx, rtt, count))
            break;
        double ms = 0;
        rtt->sent++;
        enum pp_outcome o = round(ctx, ws, seq, &ms, arg);
        if (o == PP_BROKEN)
            break;
        if (o == PP_CUT) {
            rtt->sent--;
            pp_out_of_time(ctx, rtt, count);
            break;
        }
        if (o == PP_LOST)
            pp_rtt_lost(rtt, seq);
        else
            wsc_hist_record(rtt->hist, ms);
    }
    return ws;
}

void pp_rounds_end(struct wsc_ctx *ctx, struct wsc_ws *ws, struct pp_rtt *rtt)
{
    pp_rtt_report(ctx, rtt);
    pp_close(ctx, ws);
    wsc_ws_free(ws);
    pp_rtt_free(rtt);
}
