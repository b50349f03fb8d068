/* ping-pong.control under load: after the upgrade, `count` RFC 6455 pings,
 * `interval` apart, each answered within `within` seconds by the pong that
 * echoes it ("<payload>-N", as the plugin sends); each round trip goes into
 * "rtt_ms". Other pongs (late or unsolicited) are dropped. Then a clean
 * close. A lost pong fails the session with `timeout`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/histogram.h>
#include <wscheck/ws.h>

#include "load_ws.h"
#include "util.h"

struct ping_script {
    struct lws_script ws; /* first: the WebSocket layer's part */
    char *payload;
    long count;
    double interval, within;
    struct wsc_histogram *rtt; /* looked up on first use */
};

struct ping_state {
    struct lws_state ws; /* first: the WebSocket layer's part */
    long seq;            /* the ping awaited (1-based); 0: none */
    double sent_at;
    int pausing; /* between two pings */
    int closing; /* every ping answered: our close is out */
};

static struct ping_script *script(struct wsc_load_sess *s)
{
    return wsc_load_script_of(s)->data;
}

static void send_ping(struct wsc_load_sess *s)
{
    struct ping_state *st = wsc_load_state(s);
    struct ping_script *ps = script(s);
    char p[128];
    int n = snprintf(p, sizeof p, "%s-%ld", ps->payload, ++st->seq);
    st->pausing = 0;
    st->sent_at = wsc_load_now(s);
    if (lws_send(s, WSC_WS_OP_PING, p, (size_t)n) == 0)
        wsc_load_timer(s, st->sent_at + ps->within);
}

static void finish(struct wsc_load_sess *s)
{
    struct ping_state *st = wsc_load_state(s);
    st->closing = 1;
    st->ws.finished = 1;
    if (lws_send_close(s, 1000, NULL) == 0)
        wsc_load_timer(s, wsc_load_now(s) + script(s)->within);
}

static void on_open(struct wsc_load_sess *s)
{
    send_ping(s);
}

static void on_pong(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    struct ping_state *st = wsc_load_state(s);
    struct ping_script *ps = script(s);
    char want[128];
    int wl = snprintf(want, sizeof want, "%s-%ld", ps->payload, st->seq);
    if (st->pausing || st->closing || (size_t)wl != n || memcmp(p, want, n) != 0)
        return; /* late or unsolicited: answers no ping now awaited */
    if (!ps->rtt)
        ps->rtt = wsc_load_hist(wsc_load_test_of(s), "rtt_ms");
    if (ps->rtt)
        wsc_hist_record(ps->rtt, (wsc_load_now(s) - st->sent_at) * 1000.0);
    if (st->seq >= ps->count) {
        finish(s);
        return;
    }
    if (ps->interval > 0) {
        st->pausing = 1;
        wsc_load_timer(s, wsc_load_now(s) + ps->interval);
        return;
    }
    send_ping(s);
}

static void on_message(struct wsc_load_sess *s, int binary, const unsigned char *p,
                       size_t n)
{
    (void)s, (void)binary, (void)p,
        (void)n; /* data messages are not the check's business */
}

static void on_close(struct wsc_load_sess *s, int code, const unsigned char *r, size_t rl)
{
    (void)r, (void)rl;
    struct ping_state *st = wsc_load_state(s);
    if (st->closing) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    wsc_load_fail(s, WSC_LOAD_ERR_CLOSED,
                  "ping %ld: the server closed the connection (code %d)", st->seq, code);
}

static void on_timer(struct wsc_load_sess *s)
{
    struct ping_state *st = wsc_load_state(s);
    if (st->pausing) {
        send_ping(s);
        return;
    }
    if (st->closing) {
        wsc_load_fail(s, WSC_LOAD_ERR_TIMEOUT, "no close frame answered ours within %g s",
                      script(s)->within);
        return;
    }
    wsc_load_fail(s, WSC_LOAD_ERR_TIMEOUT, "ping %ld: no pong within %g s", st->seq,
                  script(s)->within);
}

static const struct lws_ops ping_ops = {
    .open = on_open,
    .message = on_message,
    .pong = on_pong,
    .close = on_close,
    .timer = on_timer,
};

static const struct wsc_load_proto ping_proto = {
    .name = "ws-ping",
    .state_size = sizeof(struct ping_state),
    .begin = lws_begin,
    .input = lws_input,
    .timer = lws_timer,
    .closed = lws_closed,
    .release = lws_release,
};

static void free_ping(void *data)
{
    struct ping_script *ps = data;
    if (!ps)
        return;
    lws_script_clear(&ps->ws);
    free(ps->payload);
    free(ps);
}

static double number(struct json_object *params, const char *key, double dflt)
{
    struct json_object *v;
    return json_object_object_get_ex(params, key, &v) ? json_object_get_double(v) : dflt;
}

int wsc_load_compile_ping(struct wsc_load_script *sc, struct json_object *params,
                          char **why)
{
    struct ping_script *ps = calloc(1, sizeof(*ps));
    if (!ps)
        return -1;
    sc->data = ps;
    sc->free_data = free_ping;
    sc->proto = &ping_proto;
    if (lws_script_init(&ps->ws, sc, params, &ping_ops, NULL, why) != 0)
        return -1;
    struct json_object *v;
    const char *payload = json_object_object_get_ex(params, "payload", &v)
                              ? json_object_get_string(v)
                              : "wscheck";
    ps->payload = strdup(payload ? payload : "");
    ps->count = (long)number(params, "count", 5);
    ps->interval = number(params, "interval", 0);
    ps->within = number(params, "within", 2);
    /* A control frame carries at most 125 bytes: the schema's 110 for the
     * payload leaves room for "-N". */
    if (!ps->payload || strlen(ps->payload) > 110 || ps->count < 1 || ps->within <= 0 ||
        ps->interval < 0) {
        *why = wsc_strdup_printf("payload, count, interval or within out of range");
        return -1;
    }
    return 0;
}
