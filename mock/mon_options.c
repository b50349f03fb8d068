/* wscheck-mock: the monitoring profile's settings. */
#include "mon_options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mon_series.h"

static const char *const fault_names[] = {"stall",         "duplicate",
                                          "out-of-order",  "missing-metric",
                                          "alert-dropped", "panel-missing"};

unsigned mon_fault_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof(fault_names) / sizeof(*fault_names); i++)
        if (strcmp(name, fault_names[i]) == 0)
            return 1u << i;
    return 0;
}

static int set_str(char **slot, const char *v)
{
    char *c = strdup(v);

    if (!c)
        return -1;
    free(*slot);
    *slot = c;
    return 0;
}

static int add(char **list, size_t *n, const char *v)
{
    if (*n >= MON_MAX_RULES || !(list[*n] = strdup(v)))
        return -1;
    (*n)++;
    return 0;
}

static int seconds(const char *s, double min, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min || v > 86400)
        return -1;
    *out = v;
    return 0;
}

static int integer(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "stall" or "stall,duplicate": each a known fault. */
static int faults(const char *v, unsigned *flags)
{
    char copy[128], *save = NULL, *tok;
    unsigned add_flags = 0;

    if (strlen(v) >= sizeof(copy))
        return -1;
    strcpy(copy, v);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned f = mon_fault_by_name(tok);

        if (!f)
            return -1;
        add_flags |= f;
    }
    if (!add_flags)
        return -1;
    *flags |= add_flags;
    return 0;
}

int mon_options_set(struct mon_options *o, const char *name, const char *value,
                    bool *known)
{
    long v;

    *known = true;
    if (!strcmp(name, "monitoring-host"))
        return *value ? set_str(&o->host, value) : -1;
    if (!strcmp(name, "monitoring-port")) {
        if (integer(value, 0, 65535, &v))
            return -1;
        o->port = (int)v;
        return 0;
    }
    if (!strcmp(name, "metrics-interval"))
        return seconds(value, 0.01, &o->metrics_interval);
    if (!strcmp(name, "dashboard-interval"))
        return seconds(value, 0.01, &o->dashboard_interval);
    if (!strcmp(name, "historical-per-day")) {
        if (integer(value, 0, 1440, &v))
            return -1;
        o->history_per_day = (int)v;
        return 0;
    }
    if (!strcmp(name, "series"))
        return mon_series_check(value) == 0 ? add(o->series, &o->n_series, value) : -1;
    if (!strcmp(name, "alert-threshold"))
        return mon_threshold_check(value) == 0
                   ? add(o->thresholds, &o->n_thresholds, value)
                   : -1;
    if (!strcmp(name, "monitoring-fault"))
        return faults(value, &o->faults);
    *known = false;
    return 0;
}

int mon_options_init(struct mon_options *o)
{
    memset(o, 0, sizeof(*o));
    o->port = MOCK_MONITORING_PORT;
    o->metrics_interval = 30;
    o->dashboard_interval = 10;
    o->history_per_day = 24;
    return set_str(&o->host, "127.0.0.1");
}

void mon_options_free(struct mon_options *o)
{
    free(o->host);
    for (size_t i = 0; i < o->n_series; i++)
        free(o->series[i]);
    for (size_t i = 0; i < o->n_thresholds; i++)
        free(o->thresholds[i]);
    memset(o, 0, sizeof(*o));
}
