/* wscheck-mock: UnifiedMetrics, DashboardState and frames. */
#include "mon_frames.h"

#include "jsonout.h"
#include "mon.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"

/* What crackerjack recommends with no data (protocol notes, 7.1). */
#define RECOMMENDATION                                                               \
    "\xf0\x9f\x93\x8a Increase test coverage from 0.0% to 80%+ by adding tests for " \
    "uncovered code paths"

static json_object *number(enum mon_metric m, double v)
{
    return mon_metric_is_int(m) ? json_object_new_int64((int64_t)v) : pyjson_new_float(v);
}

/* improving / declining / stable from the quality score's last move. */
static const char *trend(struct mon_state *mon, double quality, bool record)
{
    const char *t = "stable";

    if (mon->has_last && quality > mon->last_quality)
        t = "improving";
    else if (mon->has_last && quality < mon->last_quality)
        t = "declining";
    if (record) {
        mon->last_quality = quality;
        mon->has_last = true;
    }
    return t;
}

json_object *mon_metrics_at(struct mon_state *mon, int64_t wall_us)
{
    json_object *o = json_object_new_object();
    int64_t now = mock_wall_us();
    double t = mon_elapsed(mon) - (double)(now - wall_us) / 1e6, quality = 0;
    bool current = wall_us >= now - 1000000;

    if (!o)
        return NULL;
    mock_json_add(o, "timestamp", mock_json_iso(wall_us));
    for (int i = 0; i < MON_N_METRICS; i++) {
        double v = mon_series_value(&mon->series[i], (enum mon_metric)i, mon->srv, t);

        if (i == MON_QUALITY_SCORE)
            quality = v;
        mock_json_add(o, mon_metric_name((enum mon_metric)i),
                      number((enum mon_metric)i, v));
    }
    mock_json_add(o, "trend_direction",
                  json_object_new_string(trend(mon, quality, current)));
    mock_json_add(o, "predictions", json_object_new_object());
    return o;
}

static json_object *health(void)
{
    json_object *h = json_object_new_object(), *svc = json_object_new_object();

    if (!h || !svc) {
        json_object_put(h);
        json_object_put(svc);
        return NULL;
    }
    mock_json_add(h, "overall_status", json_object_new_string("healthy"));
    mock_json_add(h, "cpu_usage", pyjson_new_float(12.5));
    mock_json_add(h, "memory_usage", pyjson_new_float(40.0));
    mock_json_add(h, "disk_usage", pyjson_new_float(55.0));
    mock_json_add(svc, "quality_baseline", json_object_new_string("healthy"));
    mock_json_add(svc, "git", json_object_new_string("healthy"));
    mock_json_add(svc, "cache", json_object_new_string("healthy"));
    mock_json_add(h, "service_status", svc);
    return h;
}

json_object *mon_dashboard(struct mon_state *mon)
{
    json_object *o = json_object_new_object(), *rec = json_object_new_array();
    json_object *cur = mon_metrics_at(mon, mock_wall_us());

    if (!o || !rec || !cur) {
        json_object_put(o);
        json_object_put(rec);
        json_object_put(cur);
        return NULL;
    }
    /* The latest snapshots, this one included. */
    mock_json_append(mon->history, json_object_get(cur));
    while (json_object_array_length(mon->history) > MON_HISTORY)
        json_object_array_del_idx(mon->history, 0, 1);
    mock_json_add(o, "current_metrics", cur);
    mock_json_add(o, "historical_data", json_object_get(mon->history));
    /* A copy: the frame must not change when alerts come later. */
    {
        json_object *copy = NULL;

        if (json_object_deep_copy(mon->active_alerts, &copy, NULL) == 0)
            mock_json_add(o, "active_alerts", copy);
    }
    mock_json_add(o, "system_health", health());
    mock_json_append(rec, json_object_new_string(RECOMMENDATION));
    mock_json_add(o, "recommendations", rec);
    mock_json_add(o, "last_updated", mock_json_iso(mock_wall_us()));
    return o;
}

json_object *mon_frame(const char *type, json_object *data, int64_t wall_us)
{
    json_object *o = json_object_new_object();

    if (!o) {
        json_object_put(data);
        return NULL;
    }
    mock_json_add(o, "type", json_object_new_string(type));
    if (data)
        mock_json_add(o, "data", data);
    mock_json_add(o, "timestamp", mock_json_iso(wall_us));
    return o;
}
