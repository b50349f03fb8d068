/* The named metrics of a test under load (load_report.h), computed from its
 * counters and histograms. The names are those thresholds use: a ping-pong
 * test's rtt_p99_ms means what the check's metric of that name means in a
 * CI run, here over every ping of every session. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "load_report.h"
#include "wscheck/plugin.h"

/* The statistics of a histogram, and the percentile each stands for
 * (negative: not a percentile). */
static const struct {
    const char *stat;
    double p;
} hist_stats[] = {
    {"p50_ms", 50},  {"p90_ms", 90},  {"p99_ms", 99}, {"p999_ms", 99.9},
    {"max_ms", 100}, {"mean_ms", -1}, {"count", -2},
};

/* The figures every test has, whatever its protocol. */
static const char *const plain_names[] = {
    "sessions",       "sessions_ok", "sessions_failed",  "error_rate", "sessions_per_s",
    "messages_per_s", "bytes_per_s", "dropped_arrivals", NULL,
};

/* The histograms the protocols record (a conversation's "step N ACTION"
 * ones are matched by their prefix). */
static const char *const hist_bases[] = {
    "session", "connect", "handshake", "rtt", "response", "call", NULL,
};

void wsc_load_metric_name(char *buf, size_t size, const char *hist, const char *stat)
{
    size_t len = strlen(hist), o = 0;
    if (len > 3 && strcmp(hist + len - 3, "_ms") == 0)
        len -= 3;
    for (size_t i = 0; i < len && o + 1 < size; i++)
        buf[o++] = isalnum((unsigned char)hist[i]) ? hist[i] : '_';
    if (o < size)
        buf[o] = '\0';
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "_%s", stat);
}

static int put_number(struct json_object *o, const char *name, double v)
{
    return wsc_json_put(o, name, json_object_new_double(v), 0);
}

static int put_hist(struct json_object *o, const struct wsc_load_hist *h)
{
    char name[160];
    uint64_t n = wsc_hist_count(h->h);
    for (size_t i = 0; i < sizeof hist_stats / sizeof *hist_stats; i++) {
        double v;
        if (hist_stats[i].p == -2)
            v = (double)n;
        else if (n == 0)
            continue; /* no samples: nothing to compare a bound with */
        else if (hist_stats[i].p < 0)
            v = wsc_hist_mean(h->h);
        else
            v = wsc_hist_percentile(h->h, hist_stats[i].p);
        wsc_load_metric_name(name, sizeof name, h->name, hist_stats[i].stat);
        if (put_number(o, name, v) < 0)
            return -1;
    }
    return 0;
}

static double per_s(double n, double duration)
{
    return duration > 0 ? n / duration : 0;
}

static int put_plain(struct json_object *o, const struct wsc_load_test *t, double d,
                     uint64_t dropped)
{
    uint64_t ended = t->sessions_ok + t->sessions_failed;
    double values[] = {
        (double)t->sessions,
        (double)t->sessions_ok,
        (double)t->sessions_failed,
        ended ? (double)t->sessions_failed / (double)ended : 0,
        per_s((double)ended, d),
        per_s((double)(t->messages_sent + t->messages_received), d),
        per_s((double)(t->bytes_sent + t->bytes_received), d),
        (double)dropped,
    };
    for (size_t i = 0; plain_names[i]; i++)
        if (put_number(o, plain_names[i], values[i]) < 0)
            return -1;
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++) {
        char name[64];
        snprintf(name, sizeof name, "errors_%s", wsc_load_error_name(e));
        if (put_number(o, name, (double)t->errors[e]) < 0)
            return -1;
    }
    return 0;
}

struct json_object *wsc_load_metrics(const struct wsc_load_test *t, double duration,
                                     uint64_t dropped_arrivals)
{
    struct json_object *o = json_object_new_object();
    if (!o || put_plain(o, t, duration, dropped_arrivals) < 0) {
        json_object_put(o);
        return NULL;
    }
    for (size_t i = 0; i < t->n_hists; i++)
        if (put_hist(o, &t->hists[i]) < 0) {
            json_object_put(o);
            return NULL;
        }
    return o;
}

/* Is `base` (a metric name without its statistic) one of a histogram? */
static int known_base(const char *base, size_t len)
{
    for (size_t i = 0; hist_bases[i]; i++)
        if (strlen(hist_bases[i]) == len && strncmp(base, hist_bases[i], len) == 0)
            return 1;
    return len > 5 && strncmp(base, "step_", 5) == 0;
}

static int is_hist_metric(const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof hist_stats / sizeof *hist_stats; i++) {
        size_t sl = strlen(hist_stats[i].stat);
        if (len > sl + 1 && strcmp(name + len - sl, hist_stats[i].stat) == 0 &&
            name[len - sl - 1] == '_' && known_base(name, len - sl - 1))
            return 1;
    }
    return 0;
}

/* Every fixed name, for "did you mean" (built once). */
#define N_STATS (sizeof hist_stats / sizeof *hist_stats)
#define N_GENERATED (WSC_LOAD_N_ERRORS + 6 * N_STATS)
static const char *const *candidates(void)
{
    static const char *list[8 + N_GENERATED + 1];
    static char names[N_GENERATED][32];
    if (list[0])
        return list;
    size_t n = 0, k = 0;
    for (size_t i = 0; plain_names[i]; i++)
        list[n++] = plain_names[i];
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++) {
        snprintf(names[k], sizeof names[k], "errors_%s", wsc_load_error_name(e));
        list[n++] = names[k++];
    }
    for (size_t b = 0; hist_bases[b]; b++)
        for (size_t s = 0; s < N_STATS; s++) {
            snprintf(names[k], sizeof names[k], "%s_%s", hist_bases[b],
                     hist_stats[s].stat);
            list[n++] = names[k++];
        }
    list[n] = NULL;
    return list;
}

int wsc_load_metric_known(const char *name, const char **hint)
{
    *hint = NULL;
    for (size_t i = 0; plain_names[i]; i++)
        if (strcmp(name, plain_names[i]) == 0)
            return 1;
    if (strncmp(name, "errors_", 7) == 0)
        for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++)
            if (strcmp(name + 7, wsc_load_error_name(e)) == 0)
                return 1;
    if (is_hist_metric(name))
        return 1;
    *hint = wsc_did_you_mean(name, candidates());
    return 0;
}

int wsc_load_metric_only(const char *name)
{
    const char *hint;
    /* ping-pong's rtt_p50_ms and rtt_p99_ms are metrics of one run too */
    return wsc_load_metric_known(name, &hint) && strncmp(name, "rtt_", 4) != 0;
}

const char *wsc_load_metric_unit(const char *name)
{
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, "_ms") == 0)
        return "ms";
    if (len > 6 && strcmp(name + len - 6, "_per_s") == 0)
        return "/s";
    return "";
}
