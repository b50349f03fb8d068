/* The alert event as JSON: the same document for the command and the
 * webhook, and the Alertmanager form. */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "report.h"
#include "util.h"

static void put_string(struct json_object *o, const char *key, const char *value)
{
    char *safe = wsc_utf8_safe(value);
    json_object_object_add(o, key, json_object_new_string(safe ? safe : ""));
    free(safe);
}

static void put_time(struct json_object *o, const char *key, double epoch)
{
    char buf[32];
    wsc_format_utc(buf, sizeof(buf), epoch, 1);
    put_string(o, key, buf);
}

struct json_object *alert_event_json(const struct monitor_alert *a)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    put_string(o, "state", a->state);
    put_string(o, "suite", a->suite);
    put_string(o, "test", a->test);
    put_string(o, "message", a->message ? a->message : "");
    put_time(o, "since", a->since);
    put_time(o, "time", a->time);
    if (strcmp(a->state, "recovered") == 0)
        json_object_object_add(o, "downtime_s", json_object_new_double(a->downtime));
    json_object_object_add(o, "round", json_object_new_int64((int64_t)a->round));
    return o;
}

/* [{"labels": {...}, "annotations": {...}, "startsAt": ..., "endsAt": ...}] */
static struct json_object *alertmanager_json(const struct monitor_alert *a, int resolved)
{
    struct json_object *alert = json_object_new_object();
    struct json_object *labels = json_object_new_object();
    struct json_object *notes = json_object_new_object();
    struct json_object *list = json_object_new_array();
    if (!alert || !labels || !notes || !list) {
        json_object_put(alert);
        json_object_put(labels);
        json_object_put(notes);
        json_object_put(list);
        return NULL;
    }
    put_string(labels, "alertname", "WscheckTestDown");
    put_string(labels, "suite", a->suite);
    put_string(labels, "test", a->test);
    put_string(labels, "severity", "critical");
    json_object_object_add(alert, "labels", labels);
    char *summary = wsc_strdup_printf("%s / %s is down", a->suite, a->test);
    put_string(notes, "summary", summary ? summary : "a test is down");
    free(summary);
    put_string(notes, "description", a->message ? a->message : "");
    json_object_object_add(alert, "annotations", notes);
    put_time(alert, "startsAt", a->since);
    if (resolved)
        put_time(alert, "endsAt", a->time);
    json_object_array_add(list, alert);
    return list;
}

int alert_alertmanager(const char *base, const struct monitor_alert *a, int resolved,
                       double timeout, char **err)
{
    struct json_object *body = alertmanager_json(a, resolved);
    size_t len = strlen(base);
    while (len > 0 && base[len - 1] == '/')
        len--;
    char *url = wsc_strdup_printf("%.*s/api/v2/alerts", (int)len, base);
    int rc = -1;
    if (!body || !url)
        *err = strdup("out of memory");
    else
        rc = alert_post(url, json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN),
                        timeout, err);
    json_object_put(body);
    free(url);
    return rc;
}
