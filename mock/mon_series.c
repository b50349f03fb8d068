/* wscheck-mock: the monitoring profile's series and thresholds. */
#include "mon_series.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "server.h"

/* A walk catches up at most this many seconds at once. */
#define WALK_MAX_STEPS 1000000

static const char *const names[MON_N_METRICS] = {
    "quality_score", "test_coverage", "hook_duration", "active_jobs", "error_count"};

static const char *const counters[] = {"connections", "connections_total", "messages",
                                       "errors", "mcp_calls"};

const char *mon_metric_name(enum mon_metric m)
{
    return names[m];
}

int mon_metric_by_name(const char *name, size_t len)
{
    for (int i = 0; i < MON_N_METRICS; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

bool mon_metric_is_int(enum mon_metric m)
{
    return m == MON_QUALITY_SCORE || m == MON_ACTIVE_JOBS || m == MON_ERROR_COUNT;
}

void mon_series_default(enum mon_metric m, struct mon_series *s)
{
    static const double values[MON_N_METRICS] = {80, 75.0, 12.5, 0, 0};

    memset(s, 0, sizeof(*s));
    s->kind = SERIES_CONST;
    s->p[0] = values[m];
    s->n_p = 1;
    if (m == MON_ACTIVE_JOBS || m == MON_ERROR_COUNT) {
        s->kind = SERIES_COUNTER;
        s->counter = m == MON_ACTIVE_JOBS ? COUNTER_CONNECTIONS : COUNTER_ERRORS;
    }
}

/* Up to 4 comma-separated finite numbers. Returns how many, or -1. */
static int numbers(const char *s, double *out)
{
    int n = 0;

    for (;;) {
        char *end;

        if (n == 4)
            return -1;
        errno = 0;
        out[n] = strtod(s, &end);
        if (errno || end == s || !isfinite(out[n]))
            return -1;
        n++;
        if (*end == '\0')
            return n;
        if (*end != ',')
            return -1;
        s = end + 1;
    }
}

static int parse_expr(const char *e, struct mon_series *s)
{
    static const struct {
        const char *prefix;
        enum mon_series_kind kind;
        int min, max;
    } kinds[] = {{"const:", SERIES_CONST, 1, 1},
                 {"ramp:", SERIES_RAMP, 2, 4},
                 {"sine:", SERIES_SINE, 3, 3},
                 {"walk:", SERIES_WALK, 2, 3}};

    memset(s, 0, sizeof(*s));
    if (strncmp(e, "counter:", 8) == 0) {
        for (size_t i = 0; i < sizeof(counters) / sizeof(*counters); i++)
            if (strcmp(e + 8, counters[i]) == 0) {
                s->kind = SERIES_COUNTER;
                s->counter = (enum mon_counter)i;
                return 0;
            }
        return -1;
    }
    for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
        size_t n = strlen(kinds[i].prefix);

        if (strncmp(e, kinds[i].prefix, n) != 0)
            continue;
        s->kind = kinds[i].kind;
        s->n_p = numbers(e + n, s->p);
        if (s->n_p < kinds[i].min || s->n_p > kinds[i].max ||
            (s->kind == SERIES_RAMP && s->n_p == 3))
            return -1;
        if (s->kind == SERIES_SINE && s->p[2] <= 0)
            return -1; /* a period */
        s->value = s->p[0];
        s->rng = s->kind == SERIES_WALK && s->n_p == 3 ? (uint64_t)s->p[2] : 1;
        return 0;
    }
    s->kind = SERIES_CONST;
    s->n_p = numbers(e, s->p);
    return s->n_p == 1 ? 0 : -1;
}

int mon_series_parse(const char *text, enum mon_metric *m, struct mon_series *s)
{
    const char *eq = strchr(text, '=');
    int i;

    if (!eq || (i = mon_metric_by_name(text, (size_t)(eq - text))) < 0)
        return -1;
    *m = (enum mon_metric)i;
    return parse_expr(eq + 1, s);
}

int mon_series_check(const char *text)
{
    enum mon_metric m;
    struct mon_series s;

    return mon_series_parse(text, &m, &s);
}

/* xorshift64*: a walk with a seed replays the same values. */
static double uniform(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static double counter(enum mon_counter c, const struct mock_server *srv)
{
    switch (c) {
    case COUNTER_CONNECTIONS:
        return (double)metrics_connections_now(srv);
    case COUNTER_CONNECTIONS_TOTAL:
        return (double)metrics_connections_total(srv);
    case COUNTER_MESSAGES:
        return (double)metrics_messages_received();
    case COUNTER_ERRORS:
        return (double)srv->stats.errors;
    case COUNTER_MCP_CALLS:
    default:
        return (double)metrics_mcp_requests();
    }
}

static double raw_value(struct mon_series *s, const struct mock_server *srv, double t)
{
    double v;
    int64_t want = (int64_t)t, n = 0;

    switch (s->kind) {
    case SERIES_RAMP:
        v = s->p[0] + s->p[1] * t;
        if (s->n_p == 4)
            v = v < s->p[2] ? s->p[2] : v > s->p[3] ? s->p[3] : v;
        return v;
    case SERIES_SINE:
        return s->p[0] + s->p[1] * sin(2 * M_PI * t / s->p[2]);
    case SERIES_WALK:
        /* One step a second, whoever asks and how often. */
        for (; s->steps < want && n < WALK_MAX_STEPS; s->steps++, n++)
            s->value += s->p[1] * (2 * uniform(&s->rng) - 1);
        return s->value;
    case SERIES_COUNTER:
        return counter(s->counter, srv);
    case SERIES_CONST:
    default:
        return s->p[0];
    }
}

double mon_series_value(struct mon_series *s, enum mon_metric m,
                        const struct mock_server *srv, double t)
{
    /* Before the start (history) a ramp or a sine goes on backwards; a
     * walk has no past and gives its latest value. */
    double v = raw_value(s, srv, t < 0 && s->kind == SERIES_WALK ? 0 : t);

    if (v < 0)
        v = 0;
    if ((m == MON_QUALITY_SCORE || m == MON_TEST_COVERAGE) && v > 100)
        v = 100;
    return mon_metric_is_int(m) ? round(v) : v;
}

int mon_threshold_parse(const char *text, struct mon_threshold *th)
{
    const char *op = strpbrk(text, "<>"), *colon;
    char num[64];
    char *end;
    int i;

    memset(th, 0, sizeof(*th));
    if (!op || (i = mon_metric_by_name(text, (size_t)(op - text))) < 0)
        return -1;
    th->metric = (enum mon_metric)i;
    th->above = *op == '>';
    colon = strchr(op, ':');
    th->severity = "warning";
    if (colon) {
        if (!strcmp(colon + 1, "info") || !strcmp(colon + 1, "warning") ||
            !strcmp(colon + 1, "critical"))
            th->severity = !strcmp(colon + 1, "info")      ? "info"
                           : !strcmp(colon + 1, "warning") ? "warning"
                                                           : "critical";
        else
            return -1;
    }
    if (snprintf(num, sizeof(num), "%.*s",
                 (int)(colon ? colon - op - 1 : (ptrdiff_t)strlen(op + 1)),
                 op + 1) >= (int)sizeof(num))
        return -1;
    errno = 0;
    th->value = strtod(num, &end);
    return errno || end == num || *end || !isfinite(th->value) ? -1 : 0;
}

int mon_threshold_check(const char *text)
{
    struct mon_threshold th;

    return mon_threshold_parse(text, &th);
}
