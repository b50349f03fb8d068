/* wscheck-mock: the monitoring profile's state, alerts and port. */
#include "mon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header_limit.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "mon_frames.h"
#include "mon_http.h"
#include "mon_socks.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"

/* Thresholds are looked at this often. */
#define TICK_US 250000

union mon_pss {
    struct mon_http_pss http;
    struct mon_sock sock;
};

const size_t mon_pss_size = sizeof(union mon_pss);

static uint64_t open_sockets(const struct mock_server *srv)
{
    return mon_live(srv);
}

int mon_init(struct mock_server *srv)
{
    const struct mon_options *o = &srv->opt->mon;
    struct mon_state *mon = calloc(1, sizeof(*mon));

    if (!mon || !(mon->active_alerts = json_object_new_array()) ||
        !(mon->history = json_object_new_array())) {
        if (mon) {
            json_object_put(mon->active_alerts);
            free(mon);
        }
        mock_log(MOCK_LOG_ERR, "out of memory");
        return -1;
    }
    mon->srv = srv;
    srv->mon = mon;
    for (int i = 0; i < MON_N_METRICS; i++)
        mon_series_default((enum mon_metric)i, &mon->series[i]);
    /* Checked when the options were read: parsing cannot fail here. */
    for (size_t i = 0; i < o->n_series; i++) {
        enum mon_metric m;
        struct mon_series s;

        if (mon_series_parse(o->series[i], &m, &s) == 0)
            mon->series[m] = s;
    }
    for (size_t i = 0; i < o->n_thresholds; i++)
        if (mon_threshold_parse(o->thresholds[i], &mon->thresholds[mon->n_thresholds]) ==
            0)
            mon->n_thresholds++;
    metrics_register_gauge("monitoring", open_sockets);
    return 0;
}

double mon_elapsed(const struct mon_state *mon)
{
    return (double)(mock_mono_us() - mon->srv->stats.start_mono) / 1e6;
}

json_object *mon_metrics_now(struct mon_state *mon)
{
    return mon_metrics_at(mon, mock_wall_us());
}

/* ---- alerts ---- */

static const char *severity_of(json_object *v)
{
    static const char *const known[] = {"info", "warning", "critical"};
    const char *s = v ? json_object_get_string(v) : NULL;

    for (size_t i = 0; s && i < sizeof(known) / sizeof(*known); i++)
        if (strcmp(s, known[i]) == 0)
            return known[i];
    return NULL;
}

static bool type_ok(json_object *v, json_type type)
{
    if (type == json_type_double)
        return json_object_is_type(v, json_type_double) ||
               json_object_is_type(v, json_type_int);
    return v && json_object_is_type(v, type);
}

/* Member name of req of the given type, or its default (taken). */
static int member(json_object *req, const char *name, json_type type, json_object *dflt,
                  json_object **out, char *err, size_t errlen)
{
    json_object *v;

    if (!json_object_object_get_ex(req, name, &v)) {
        *out = dflt;
        return 0;
    }
    json_object_put(dflt);
    if (!type_ok(v, type)) {
        snprintf(err, errlen, "%s: wrong type", name);
        return -1;
    }
    /* QualityAlert's values are floats, as pydantic makes them */
    *out = type == json_type_double ? pyjson_new_float(json_object_get_double(v))
                                    : json_object_get(v);
    return 0;
}

json_object *mon_alert_from(json_object *req, char *err, size_t errlen)
{
    json_object *a, *v = NULL;
    static const struct {
        const char *name;
        json_type type;
    } fields[] = {{"message", json_type_string},
                  {"metric_name", json_type_string},
                  {"current_value", json_type_double},
                  {"threshold_value", json_type_double}};

    if (!json_object_is_type(req, json_type_object)) {
        snprintf(err, errlen, "the alert must be a JSON object");
        return NULL;
    }
    if (!(a = json_object_new_object()))
        return NULL;
    if (member(req, "severity", json_type_string, json_object_new_string("warning"), &v,
               err, errlen) != 0 ||
        !severity_of(v)) {
        if (v)
            snprintf(err, errlen, "severity: must be info, warning or critical");
        json_object_put(v);
        json_object_put(a);
        return NULL;
    }
    mock_json_add(a, "severity", v);
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        json_object *d =
            fields[i].type == json_type_string
                ? json_object_new_string(i == 0 ? "Triggered alert" : "quality_score")
                : pyjson_new_float(0);

        if (member(req, fields[i].name, fields[i].type, d, &v, err, errlen) != 0) {
            json_object_put(a);
            return NULL;
        }
        mock_json_add(a, fields[i].name, v);
    }
    mock_json_add(a, "triggered_at", mock_json_iso(mock_wall_us()));
    if (json_object_object_get_ex(req, "git_hash", &v) && v &&
        !json_object_is_type(v, json_type_string)) {
        snprintf(err, errlen, "git_hash: must be a string or null");
        json_object_put(a);
        return NULL;
    }
    mock_json_add(a, "git_hash", json_object_get(v));
    return a;
}

size_t mon_alert_raise(struct mon_state *mon, json_object *alert, bool drop)
{
    json_object *sev = NULL;
    size_t n = 0;

    json_object_object_get_ex(alert, "severity", &sev);
    metrics_alert_raised(severity_of(sev) ? severity_of(sev) : "warning");
    mock_log(MOCK_LOG_INFO, "monitoring: alert raised%s",
             drop ? " (dropped: fault alert-dropped)" : "");
    if (!drop)
        n = mon_socks_send_alert(mon, alert);
    if (mock_json_append(mon->active_alerts, alert) == 0)
        while (json_object_array_length(mon->active_alerts) > MON_MAX_ACTIVE_ALERTS)
            json_object_array_del_idx(mon->active_alerts, 0, 1);
    return n;
}

/* A threshold crossing raises one alert; it fires again only after the
 * value came back. */
static void check_threshold(struct mon_state *mon, struct mon_threshold *th, double t)
{
    double v = mon_series_value(&mon->series[th->metric], th->metric, mon->srv, t);
    bool over = th->above ? v > th->value : v < th->value;
    json_object *a;
    char msg[160];

    if (!over) {
        th->firing = false;
        return;
    }
    if (th->firing || !(a = json_object_new_object()))
        return;
    th->firing = true;
    snprintf(msg, sizeof(msg), "%s %s threshold", mon_metric_name(th->metric),
             th->above ? "above" : "below");
    mock_json_add(a, "severity", json_object_new_string(th->severity));
    mock_json_add(a, "message", json_object_new_string(msg));
    mock_json_add(a, "metric_name", json_object_new_string(mon_metric_name(th->metric)));
    mock_json_add(a, "current_value", pyjson_new_float(v));
    mock_json_add(a, "threshold_value", pyjson_new_float(th->value));
    mock_json_add(a, "triggered_at", mock_json_iso(mock_wall_us()));
    mock_json_add(a, "git_hash", NULL);
    mon_alert_raise(mon, a, (mon->srv->opt->mon.faults & MON_FAULT_ALERT_DROPPED) != 0);
}

static void tick(lws_sorted_usec_list_t *sul)
{
    struct mon_state *mon = lws_container_of(sul, struct mon_state, tick);
    double t = mon_elapsed(mon);

    for (size_t i = 0; i < mon->n_thresholds; i++)
        check_threshold(mon, &mon->thresholds[i], t);
    lws_sul_schedule(mon->srv->ctx, 0, &mon->tick, tick, TICK_US);
}

/* ---- life cycle ---- */

void mon_start(struct mock_server *srv)
{
    if (srv->mon && srv->mon->n_thresholds)
        lws_sul_schedule(srv->ctx, 0, &srv->mon->tick, tick, TICK_US);
}

void mon_shutdown(struct mock_server *srv)
{
    if (!srv->mon)
        return;
    lws_sul_cancel(&srv->mon->tick);
    mon_socks_shutdown(srv->mon);
}

size_t mon_live(const struct mock_server *srv)
{
    return srv->mon ? srv->mon->n_socks : 0;
}

void mon_free(struct mock_server *srv)
{
    if (!srv->mon)
        return;
    lws_sul_cancel(&srv->mon->tick);
    json_object_put(srv->mon->active_alerts);
    json_object_put(srv->mon->history);
    srv->mon->active_alerts = srv->mon->history = NULL;
}

void mon_free_final(struct mock_server *srv)
{
    free(srv->mon);
    srv->mon = NULL;
}

int mon_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);
    union mon_pss *pss = user;

    if (!srv || !srv->mon)
        return 0;
    header_limit_track(wsi, reason);
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return mon_socks_confirm(srv, wsi);
    case LWS_CALLBACK_ESTABLISHED:
    case LWS_CALLBACK_RECEIVE:
    case LWS_CALLBACK_SERVER_WRITEABLE:
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        return mon_socks_callback(wsi, reason, pss ? &pss->sock : NULL, in, len);
    case LWS_CALLBACK_HTTP:
        return pss ? mon_http_request(srv, wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_BODY:
        return pss ? mon_http_body(&pss->http, in, len) : 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return pss ? mon_http_body_done(srv, wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return pss ? http_reply_writeable(wsi, &pss->http.reply) : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        if (pss)
            mon_http_closed(&pss->http);
        return 0;
    default:
        return 0;
    }
}
