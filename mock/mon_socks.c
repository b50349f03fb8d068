/* wscheck-mock: the monitoring profile's WebSockets. */
#include "mon_socks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "header_limit.h"
#include "http_reply.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "mon.h"
#include "mon_frames.h"
#include "msg_queue.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"
#include "ws_handshake.h"

#define HISTORICAL "/ws/metrics/historical/"
#define CHUNK_RECORDS 100
#define CHUNK_GAP_US 100000 /* crackerjack sleeps 0.1 s between chunks */
#define MAX_DAYS 365
#define MAX_MESSAGE ((size_t)1 << 20)
#define WRITE_BATCH 16
#define BACKWARDS_US (60 * 1000000LL) /* out-of-order: a minute back */
#define ENDPOINT "monitoring"

/* ---- routes ---- */

static bool path_is(const char *uri, int len, const char *path)
{
    return (size_t)len == strlen(path) && memcmp(uri, path, (size_t)len) == 0;
}

/* days of a historical path: digits only (Starlette's int converter),
 * at most 365. -1 for anything else. */
static int days_of(const char *uri, int len)
{
    size_t n = strlen(HISTORICAL);
    int days = 0;

    if (len <= (int)n || strncmp(uri, HISTORICAL, n) != 0 || len - (int)n > 4)
        return -1;
    for (int i = (int)n; i < len; i++) {
        if (uri[i] < '0' || uri[i] > '9')
            return -1;
        days = days * 10 + (uri[i] - '0');
    }
    return days <= MAX_DAYS ? days : -1;
}

static int route(const char *uri, int len, int *days)
{
    *days = 0;
    if (path_is(uri, len, "/ws/metrics/live"))
        return MON_LIVE;
    if (path_is(uri, len, "/ws/alerts/subscribe"))
        return MON_ALERTS;
    if (path_is(uri, len, "/ws/dashboard/overview"))
        return MON_DASHBOARD;
    if ((*days = days_of(uri, len)) >= 0)
        return MON_HISTORICAL;
    return -1;
}

/* Refusals happen before accept, which uvicorn answers with 403 and an
 * empty body. Returns 1: answered, as http_refuse_upgrade. */
static int forbid(struct lws *wsi)
{
    static const char head[] = "HTTP/1.1 403 Forbidden\r\n"
                               "content-length: 0\r\n"
                               "connection: close\r\n\r\n";
    unsigned char buf[LWS_PRE + sizeof(head)];

    memcpy(buf + LWS_PRE, head, sizeof(head) - 1);
    if (lws_write(wsi, buf + LWS_PRE, sizeof(head) - 1, LWS_WRITE_HTTP_HEADERS) !=
        (int)sizeof(head) - 1)
        return -1;
    header_limit_awaiting(wsi);
    return 1;
}

int mon_socks_confirm(struct mock_server *srv, struct lws *wsi)
{
    char *uri = NULL;
    int len = 0, days, status;
    const char *why;

    status = ws_handshake_check(wsi, &why);
    if (status) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: %s", why);
        return http_refuse_upgrade(wsi, status, why);
    }
    if (lws_http_get_uri_and_method(wsi, &uri, &len) < 0 || !uri ||
        route(uri, len, &days) < 0) {
        srv->stats.errors++;
        mock_log(MOCK_LOG_INFO, "monitoring: no WebSocket route for %.*s", len,
                 uri ? uri : "");
        return forbid(wsi);
    }
    return 0;
}

/* ---- faults asked for in the query ---- */

static void query_faults(struct mon_sock *s)
{
    char buf[160], *save = NULL, *tok;
    const char *v;

    s->faults = s->mon->srv->opt->mon.faults;
    s->after = 1;
    snprintf(s->metric, sizeof(s->metric), "test_coverage");
    snprintf(s->panel, sizeof(s->panel), "system_health");
    if ((v = lws_get_urlarg_by_name(s->wsi, "fault=", buf, sizeof(buf))) != NULL) {
        char copy[160];

        snprintf(copy, sizeof(copy), "%s", v);
        for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            s->faults |= mon_fault_by_name(tok);
    }
    if ((v = lws_get_urlarg_by_name(s->wsi, "after=", buf, sizeof(buf))) != NULL)
        s->after = (unsigned)strtoul(v, NULL, 10);
    if ((v = lws_get_urlarg_by_name(s->wsi, "metric=", buf, sizeof(buf))) != NULL)
        snprintf(s->metric, sizeof(s->metric), "%s", v);
    if ((v = lws_get_urlarg_by_name(s->wsi, "panel=", buf, sizeof(buf))) != NULL)
        snprintf(s->panel, sizeof(s->panel), "%s", v);
}

/* ---- sending ---- */

static void close_with(struct mon_sock *s, int code, const char *why)
{
    if (s->closing)
        return;
    s->closing = true;
    lws_close_reason(s->wsi, (enum lws_close_status)code, (unsigned char *)(uintptr_t)why,
                     strlen(why));
    lws_callback_on_writable(s->wsi);
}

static void queue_text(struct mon_sock *s, const char *text)
{
    if (msg_queue_push(&s->out, text, strlen(text)) != 0) {
        close_with(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "send queue overflow");
        return;
    }
    lws_callback_on_writable(s->wsi);
}

/* Removes key from a UnifiedMetrics wherever the frame holds one. */
static void drop_metric(json_object *frame, const char *key)
{
    json_object *data = NULL, *cur = NULL;

    if (!json_object_object_get_ex(frame, "data", &data))
        return;
    if (json_object_is_type(data, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(data); i++)
            json_object_object_del(json_object_array_get_idx(data, i), key);
        return;
    }
    if (json_object_object_get_ex(data, "quality_score", NULL))
        json_object_object_del(data, key);
    if (json_object_object_get_ex(data, "current_metrics", &cur))
        json_object_object_del(cur, key);
}

/* Sets the frame's timestamps (its own and its metrics') to wall_us. */
static void set_time(json_object *frame, int64_t wall_us)
{
    json_object *data = NULL, *cur = NULL;

    json_object_object_add(frame, "timestamp", mock_json_iso(wall_us));
    if (!json_object_object_get_ex(frame, "data", &data) ||
        !json_object_is_type(data, json_type_object))
        return;
    if (json_object_object_get_ex(data, "quality_score", NULL))
        json_object_object_add(data, "timestamp", mock_json_iso(wall_us));
    if (json_object_object_get_ex(data, "last_updated", NULL))
        json_object_object_add(data, "last_updated", mock_json_iso(wall_us));
    if (json_object_object_get_ex(data, "current_metrics", &cur))
        json_object_object_add(cur, "timestamp", mock_json_iso(wall_us));
}

/* The faults of frame number idx: changes a copy of frame (which other
 * sockets may share). Returns the frame to send (new reference) or
 * NULL: none. */
static json_object *faulty(struct mon_sock *s, json_object *frame, unsigned idx,
                           int64_t wall_us)
{
    bool hit = idx >= s->after;
    json_object *copy = NULL;

    if (hit && (s->faults & MON_FAULT_STALL))
        return NULL;
    if (!hit || !(s->faults & (MON_FAULT_OUT_OF_ORDER | MON_FAULT_MISSING_METRIC |
                               MON_FAULT_PANEL_MISSING)))
        return json_object_get(frame);
    if (json_object_deep_copy(frame, &copy, NULL) != 0)
        return NULL;
    if ((s->faults & MON_FAULT_OUT_OF_ORDER) && idx == s->after)
        set_time(copy, (s->last_ts ? s->last_ts : wall_us) - BACKWARDS_US);
    if (s->faults & MON_FAULT_MISSING_METRIC)
        drop_metric(copy, s->metric);
    if ((s->faults & MON_FAULT_PANEL_MISSING) && s->ep == MON_DASHBOARD) {
        json_object *data = NULL;

        if (json_object_object_get_ex(copy, "data", &data))
            json_object_object_del(data, s->panel);
    }
    return copy;
}

/* Sends frame (not taken) of the given type, made at wall_us. */
static void send_frame(struct mon_sock *s, json_object *frame, const char *type,
                       int64_t wall_us)
{
    unsigned idx;
    json_object *out;
    const char *text;

    if (!frame || s->closing || !s->live)
        return;
    idx = s->frames++;
    out = faulty(s, frame, idx, wall_us);
    if (!out)
        return;
    text = json_object_to_json_string_ext(out, MOCK_JSON_FLAGS);
    if (text) {
        queue_text(s, text);
        metrics_message_sent(ENDPOINT, type);
        if ((s->faults & MON_FAULT_DUPLICATE) && idx == s->after) {
            queue_text(s, text);
            metrics_message_sent(ENDPOINT, type);
        }
    }
    if (!((s->faults & MON_FAULT_OUT_OF_ORDER) && idx == s->after))
        s->last_ts = wall_us;
    json_object_put(out);
}

static void send_new(struct mon_sock *s, const char *type, json_object *data)
{
    int64_t now = mock_wall_us();
    json_object *frame = mon_frame(type, data, now);

    send_frame(s, frame, type, now);
    json_object_put(frame);
}

/* ---- the endpoints ---- */

static bool subscribes_metrics(const struct mon_sock *s)
{
    return s->ep == MON_LIVE || s->ep == MON_HISTORICAL || s->ep == MON_DASHBOARD;
}

void mon_socks_broadcast_metrics(struct mon_state *mon)
{
    int64_t now = mock_wall_us();
    json_object *frame = mon_frame("metrics_update", mon_metrics_now(mon), now);

    for (struct mon_sock *s = mon->socks; s; s = s->next)
        if (subscribes_metrics(s))
            send_frame(s, frame, "metrics_update", now);
    json_object_put(frame);
}

size_t mon_socks_send_alert(struct mon_state *mon, json_object *alert)
{
    int64_t now = mock_wall_us();
    json_object *frame = mon_frame("alert", json_object_get(alert), now);
    size_t n = 0;

    for (struct mon_sock *s = mon->socks; s; s = s->next) {
        if (s->ep != MON_ALERTS || (s->faults & MON_FAULT_ALERT_DROPPED))
            continue;
        send_frame(s, frame, "alert", now);
        metrics_alert_delivered();
        n++;
    }
    json_object_put(frame);
    return n;
}

/* live: after metrics-interval of client silence, an update for all. */
static void silence(lws_sorted_usec_list_t *sul)
{
    struct mon_sock *s = lws_container_of(sul, struct mon_sock, timer);

    mon_socks_broadcast_metrics(s->mon);
    lws_sul_schedule(lws_get_context(s->wsi), 0, &s->timer, silence,
                     (lws_usec_t)(s->mon->srv->opt->mon.metrics_interval * 1e6));
}

/* dashboard: the state, then again the interval after each send. */
static void refresh(lws_sorted_usec_list_t *sul)
{
    struct mon_sock *s = lws_container_of(sul, struct mon_sock, timer);

    send_new(s, "dashboard_update", mon_dashboard(s->mon));
    lws_sul_schedule(lws_get_context(s->wsi), 0, &s->timer, refresh,
                     (lws_usec_t)(s->mon->srv->opt->mon.dashboard_interval * 1e6));
}

/* historical: records oldest first, spread evenly over the days asked
 * for, 100 to a chunk, then the completion. */
static void next_chunk(lws_sorted_usec_list_t *sul)
{
    struct mon_sock *s = lws_container_of(sul, struct mon_sock, timer);
    int64_t now = mock_wall_us(), step = s->records ? s->span_us / s->records : 0;
    json_object *data, *frame;

    if (s->chunk >= s->chunks) {
        frame = mon_frame("historical_complete", NULL, now);
        if (frame)
            mock_json_add(frame, "total_records", json_object_new_int64(s->records));
        send_frame(s, frame, "historical_complete", now);
        json_object_put(frame);
        return;
    }
    data = json_object_new_array();
    for (int i = 0; data && i < CHUNK_RECORDS && s->sent < s->records; i++, s->sent++)
        mock_json_append(data,
                         mon_metrics_at(s->mon, now - s->span_us + (s->sent + 1) * step));
    frame = mon_frame("historical_chunk", data, now);
    if (frame) {
        mock_json_add(frame, "chunk_index", json_object_new_int(s->chunk));
        mock_json_add(frame, "total_chunks", json_object_new_int(s->chunks));
    }
    send_frame(s, frame, "historical_chunk", now);
    json_object_put(frame);
    s->chunk++;
    lws_sul_schedule(lws_get_context(s->wsi), 0, &s->timer, next_chunk,
                     s->chunk < s->chunks ? CHUNK_GAP_US : 0);
}

static void start_endpoint(struct mon_sock *s, int days)
{
    struct lws_context *ctx = lws_get_context(s->wsi);
    const struct mon_options *o = &s->mon->srv->opt->mon;
    double first;

    switch (s->ep) {
    case MON_LIVE:
        send_new(s, "initial_metrics", mon_metrics_now(s->mon));
        lws_sul_schedule(ctx, 0, &s->timer, silence,
                         (lws_usec_t)(o->metrics_interval * 1e6));
        break;
    case MON_HISTORICAL:
        s->records = (int64_t)days * o->history_per_day;
        s->span_us = (int64_t)days * 86400 * 1000000;
        s->chunks = (int)((s->records + CHUNK_RECORDS - 1) / CHUNK_RECORDS);
        lws_sul_schedule(ctx, 0, &s->timer, next_chunk, 0);
        break;
    case MON_ALERTS: {
        json_object *copy = NULL;

        if (json_object_deep_copy(s->mon->active_alerts, &copy, NULL) == 0)
            send_new(s, "active_alerts", copy);
        break;
    }
    case MON_DASHBOARD:
    default:
        /* crackerjack samples the CPU for a second first */
        first = o->dashboard_interval < 1 ? o->dashboard_interval : 1;
        lws_sul_schedule(ctx, 0, &s->timer, refresh, (lws_usec_t)(first * 1e6));
        break;
    }
}

static int on_established(struct mock_server *srv, struct lws *wsi, struct mon_sock *s)
{
    char *uri = NULL;
    int len = 0, days = 0, ep;

    memset(s, 0, sizeof(*s));
    s->wsi = wsi;
    s->mon = srv->mon;
    if (lws_http_get_uri_and_method(wsi, &uri, &len) < 0 || !uri ||
        (ep = route(uri, len, &days)) < 0 || srv->stopping)
        return -1;
    s->ep = (enum mon_endpoint)ep;
    s->live = true;
    query_faults(s);
    s->next = srv->mon->socks;
    if (s->next)
        s->next->prev = s;
    srv->mon->socks = s;
    srv->mon->n_socks++;
    metrics_connection_opened(ENDPOINT);
    mock_log(MOCK_LOG_INFO, "monitoring: %.*s opened", len, uri);
    start_endpoint(s, days);
    return 0;
}

static void on_closed(struct mon_sock *s)
{
    if (!s->live)
        return;
    s->live = false;
    lws_sul_cancel(&s->timer);
    if (s->prev)
        s->prev->next = s->next;
    else
        s->mon->socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->mon->n_socks--;
    msg_queue_clear(&s->out);
    mock_reassembly_free(&s->partial);
}

/* A frame that is not a JSON object makes crackerjack's handler raise:
 * the connection drops without a close frame. */
static int cut(struct mon_sock *s)
{
    s->mon->srv->stats.errors++;
    metrics_message_received(ENDPOINT, "invalid");
    shutdown(lws_get_socket_fd(s->wsi), SHUT_RDWR);
    return -1;
}

static bool type_is(json_object *msg, const char *type)
{
    json_object *t;

    return json_object_object_get_ex(msg, "type", &t) &&
           json_object_is_type(t, json_type_string) &&
           strcmp(json_object_get_string(t), type) == 0;
}

/* The live endpoint reads frames: request_update is answered to the
 * sender. The alert endpoint's acknowledge_alert is an extension. */
static int on_message(struct mon_sock *s, const char *text, size_t len)
{
    json_object *msg = NULL;
    char err[160];

    if (s->ep == MON_HISTORICAL || s->ep == MON_DASHBOARD)
        return 0; /* never read */
    if (s->binary || pyjson_parse(text, len, true, &msg, err, sizeof(err)) != PYJSON_OK ||
        !json_object_is_type(msg, json_type_object)) {
        json_object_put(msg);
        return s->ep == MON_LIVE ? cut(s) : 0;
    }
    if (s->ep == MON_LIVE && type_is(msg, "request_update")) {
        metrics_message_received(ENDPOINT, "request_update");
        send_new(s, "metrics_update", mon_metrics_now(s->mon));
    } else if (s->ep == MON_ALERTS && type_is(msg, "acknowledge_alert")) {
        metrics_message_received(ENDPOINT, "acknowledge_alert");
        send_new(s, "alert_acknowledged", json_object_get(msg));
    } else {
        metrics_message_received(ENDPOINT, "other");
    }
    json_object_put(msg);
    return 0;
}

static int on_receive(struct mon_sock *s, const char *in, size_t len)
{
    struct lws *wsi = s->wsi;
    bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);
    int rc;

    if (s->closing)
        return 0;
    if (s->ep == MON_LIVE) /* any frame is the client speaking */
        lws_sul_schedule(lws_get_context(wsi), 0, &s->timer, silence,
                         (lws_usec_t)(s->mon->srv->opt->mon.metrics_interval * 1e6));
    if (first) {
        mock_reassembly_reset(&s->partial);
        s->binary = lws_frame_is_binary(wsi);
    }
    if (s->partial.len + len + lws_remaining_packet_payload(wsi) > MAX_MESSAGE) {
        close_with(s, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "");
        return 0;
    }
    if (first && final)
        return on_message(s, in, len);
    if (mock_reassembly_append(&s->partial, in, len) != 0)
        return -1;
    if (!final)
        return 0;
    rc = on_message(s, s->partial.data, s->partial.len);
    mock_reassembly_reset(&s->partial);
    return rc;
}

static int on_writeable(struct mon_sock *s)
{
    if (s->closing)
        return -1;
    if (msg_queue_write(s->wsi, &s->out, WRITE_BATCH, LWS_WRITE_TEXT) < 0)
        return -1;
    if (s->out.head) {
        lws_callback_on_writable(s->wsi);
    } else if (s->shutting_down) {
        s->closing = true;
        lws_close_reason(s->wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                         (unsigned char *)"server shutting down", 20);
        return -1;
    }
    return 0;
}

void mon_socks_shutdown(struct mon_state *mon)
{
    for (struct mon_sock *s = mon->socks; s; s = s->next) {
        lws_sul_cancel(&s->timer);
        s->shutting_down = true;
        lws_callback_on_writable(s->wsi);
    }
}

int mon_socks_callback(struct lws *wsi, enum lws_callback_reasons reason,
                       struct mon_sock *s, void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);

    if (!srv || !s)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        return on_established(srv, wsi, s);
    case LWS_CALLBACK_RECEIVE:
        return s->live ? on_receive(s, in, len) : 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return s->live ? on_writeable(s) : 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        on_closed(s);
        return 0;
    default:
        return 0;
    }
}
