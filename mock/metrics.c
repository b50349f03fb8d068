/* wscheck-mock: its own metrics, in the Prometheus text format. */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "timefmt.h"

#define LABEL_MAX 48

/* Upper bounds of the MCP latency buckets, in seconds: from half a
 * millisecond (a tools/list) to seconds (a slow simulated tool). */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS (sizeof(buckets) / sizeof(*buckets))

/* One counter with up to two label values. */
struct series {
    char a[LABEL_MAX], b[LABEL_MAX];
    uint64_t n;
};

struct family {
    struct series s[METRICS_MAX_SERIES];
    size_t n;
};

struct gauge_src {
    const char *endpoint;
    metrics_gauge_fn fn;
};

static struct {
    struct family received, sent, mcp_requests, mcp_errors, opened, alerts;
    uint64_t alerts_delivered;
    uint64_t bucket_counts[N_BUCKETS]; /* not cumulative; summed when shown */
    uint64_t latency_count;
    double latency_sum;
    struct gauge_src gauges[8];
    size_t n_gauges;
} m;

/* The counter of (a, b) in f, made on first use; past the limit, the
 * shared "other" one. */
static struct series *find(struct family *f, const char *a, const char *b)
{
    for (size_t i = 0; i < f->n; i++)
        if (strncmp(f->s[i].a, a, LABEL_MAX - 1) == 0 &&
            strncmp(f->s[i].b, b, LABEL_MAX - 1) == 0)
            return &f->s[i];
    if (f->n + 1 >= METRICS_MAX_SERIES) {
        a = "other";
        b = "other";
        for (size_t i = 0; i < f->n; i++)
            if (strcmp(f->s[i].a, a) == 0 && strcmp(f->s[i].b, b) == 0)
                return &f->s[i];
    }
    snprintf(f->s[f->n].a, LABEL_MAX, "%s", a);
    snprintf(f->s[f->n].b, LABEL_MAX, "%s", b);
    return &f->s[f->n++];
}

void metrics_message_received(const char *endpoint, const char *type)
{
    find(&m.received, endpoint, type)->n++;
}

void metrics_message_sent(const char *endpoint, const char *type)
{
    find(&m.sent, endpoint, type)->n++;
}

void metrics_mcp_request(const char *method, const char *tool, bool error,
                         int64_t duration_us)
{
    double s = duration_us > 0 ? (double)duration_us / 1e6 : 0;
    size_t i;

    find(&m.mcp_requests, method, tool ? tool : "")->n++;
    if (error)
        find(&m.mcp_errors, method, tool ? tool : "")->n++;
    for (i = 0; i < N_BUCKETS && s > buckets[i]; i++)
        ;
    if (i < N_BUCKETS)
        m.bucket_counts[i]++;
    m.latency_count++;
    m.latency_sum += s;
}

void metrics_connection_opened(const char *endpoint)
{
    find(&m.opened, endpoint, "")->n++;
}

void metrics_alert_raised(const char *severity)
{
    find(&m.alerts, severity, "")->n++;
}

void metrics_alert_delivered(void)
{
    m.alerts_delivered++;
}

void metrics_register_gauge(const char *endpoint, metrics_gauge_fn fn)
{
    for (size_t i = 0; i < m.n_gauges; i++)
        if (strcmp(m.gauges[i].endpoint, endpoint) == 0) {
            m.gauges[i].fn = fn;
            return;
        }
    if (m.n_gauges < sizeof(m.gauges) / sizeof(*m.gauges))
        m.gauges[m.n_gauges++] = (struct gauge_src){endpoint, fn};
}

uint64_t metrics_connections_now(const struct mock_server *srv)
{
    uint64_t n = srv->clients.count + srv->mcp_ws_live;

    for (size_t i = 0; i < m.n_gauges; i++)
        n += m.gauges[i].fn(srv);
    return n;
}

uint64_t metrics_connections_total(const struct mock_server *srv)
{
    uint64_t n = srv->stats.total_connections + srv->mcp_ws_sessions;

    for (size_t i = 0; i < m.opened.n; i++)
        n += m.opened.s[i].n;
    return n;
}

uint64_t metrics_messages_received(void)
{
    uint64_t n = 0;

    for (size_t i = 0; i < m.received.n; i++)
        n += m.received.s[i].n;
    return n;
}

uint64_t metrics_mcp_requests(void)
{
    return m.latency_count;
}

/* ---- rendering ---- */

/* A label value as the format wants it: backslash, quote and newline
 * escaped. */
static void label(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fprintf(f, "\\%c", *v);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void family2(FILE *f, const struct family *fam, const char *name, const char *la,
                    const char *lb)
{
    for (size_t i = 0; i < fam->n; i++) {
        fprintf(f, "%s{%s=\"", name, la);
        label(f, fam->s[i].a);
        if (lb) {
            fprintf(f, "\",%s=\"", lb);
            label(f, fam->s[i].b);
        }
        fprintf(f, "\"} %llu\n", (unsigned long long)fam->s[i].n);
    }
}

static uint64_t opened(const char *endpoint)
{
    for (size_t i = 0; i < m.opened.n; i++)
        if (strcmp(m.opened.s[i].a, endpoint) == 0)
            return m.opened.s[i].n;
    return 0;
}

static void connections(FILE *f, const struct mock_server *srv)
{
    head(f, "wscheck_mock_connections", "gauge", "WebSocket connections open now.");
    fprintf(f, "wscheck_mock_connections{endpoint=\"websocket\"} %zu\n",
            srv->clients.count);
    fprintf(f, "wscheck_mock_connections{endpoint=\"mcp_websocket\"} %zu\n",
            srv->mcp_ws_live);
    for (size_t i = 0; i < m.n_gauges; i++)
        fprintf(f, "wscheck_mock_connections{endpoint=\"%s\"} %llu\n",
                m.gauges[i].endpoint, (unsigned long long)m.gauges[i].fn(srv));
    head(f, "wscheck_mock_connections_total", "counter",
         "WebSocket connections accepted since the start.");
    fprintf(f, "wscheck_mock_connections_total{endpoint=\"websocket\"} %llu\n",
            (unsigned long long)srv->stats.total_connections);
    fprintf(f, "wscheck_mock_connections_total{endpoint=\"mcp_websocket\"} %llu\n",
            (unsigned long long)srv->mcp_ws_sessions);
    for (size_t i = 0; i < m.n_gauges; i++)
        fprintf(f, "wscheck_mock_connections_total{endpoint=\"%s\"} %llu\n",
                m.gauges[i].endpoint, (unsigned long long)opened(m.gauges[i].endpoint));
}

static void messages(FILE *f, const struct mock_server *srv)
{
    head(f, "wscheck_mock_messages_received_total", "counter",
         "WebSocket messages received, by endpoint and message type.");
    family2(f, &m.received, "wscheck_mock_messages_received_total", "endpoint", "type");
    head(f, "wscheck_mock_messages_sent_total", "counter",
         "Monitoring frames sent, by endpoint and message type.");
    family2(f, &m.sent, "wscheck_mock_messages_sent_total", "endpoint", "type");
    head(f, "wscheck_mock_errors_total", "counter",
         "Errors: messages that could not be handled, refused requests.");
    fprintf(f, "wscheck_mock_errors_total %llu\n", (unsigned long long)srv->stats.errors);
}

static void mcp(FILE *f)
{
    uint64_t cum = 0;

    head(f, "wscheck_mock_mcp_requests_total", "counter",
         "MCP requests handled, by JSON-RPC method and tool.");
    family2(f, &m.mcp_requests, "wscheck_mock_mcp_requests_total", "method", "tool");
    head(f, "wscheck_mock_mcp_request_errors_total", "counter",
         "MCP requests answered with an error, by method and tool.");
    family2(f, &m.mcp_errors, "wscheck_mock_mcp_request_errors_total", "method", "tool");
    head(f, "wscheck_mock_mcp_request_duration_seconds", "histogram",
         "Time to answer (or defer) an MCP request.");
    for (size_t i = 0; i < N_BUCKETS; i++) {
        cum += m.bucket_counts[i];
        fprintf(f, "wscheck_mock_mcp_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                buckets[i], (unsigned long long)cum);
    }
    fprintf(f, "wscheck_mock_mcp_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
            (unsigned long long)m.latency_count);
    fprintf(f, "wscheck_mock_mcp_request_duration_seconds_sum %.9g\n", m.latency_sum);
    fprintf(f, "wscheck_mock_mcp_request_duration_seconds_count %llu\n",
            (unsigned long long)m.latency_count);
}

static void alerts(FILE *f)
{
    head(f, "wscheck_mock_alerts_raised_total", "counter",
         "Alerts raised by the monitoring profile, by severity.");
    family2(f, &m.alerts, "wscheck_mock_alerts_raised_total", "severity", NULL);
    head(f, "wscheck_mock_alerts_delivered_total", "counter",
         "Alert frames written to alert subscribers.");
    fprintf(f, "wscheck_mock_alerts_delivered_total %llu\n",
            (unsigned long long)m.alerts_delivered);
}

static void process(FILE *f, const struct mock_server *srv)
{
    head(f, "wscheck_mock_start_time_seconds", "gauge",
         "Start time of the mock since the Unix epoch.");
    fprintf(f, "wscheck_mock_start_time_seconds %.3f\n",
            (double)srv->stats.start_wall / 1e6);
    head(f, "wscheck_mock_uptime_seconds", "gauge", "Seconds since the mock started.");
    fprintf(f, "wscheck_mock_uptime_seconds %.3f\n",
            (double)(mock_mono_us() - srv->stats.start_mono) / 1e6);
    head(f, "wscheck_mock_build_info", "gauge",
         "Always 1: the mock's version as a label.");
    fprintf(f, "wscheck_mock_build_info{version=\"%s\"} 1\n", MOCK_SERVER_VERSION);
}

char *metrics_render(const struct mock_server *srv, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);

    if (!f)
        return NULL;
    process(f, srv);
    connections(f, srv);
    messages(f, srv);
    mcp(f);
    alerts(f);
    if (ferror(f)) {
        fclose(f);
        free(text);
        return NULL;
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int metrics_http_reply(const struct mock_server *srv, struct lws *wsi,
                       struct http_reply *r)
{
    size_t len = 0;
    char *text = metrics_render(srv, &len);
    int rc;

    if (!text)
        return -1;
    rc = http_reply_set(r, HTTP_STATUS_OK, METRICS_CONTENT_TYPE, text, len);
    free(text);
    if (rc)
        return -1;
    http_reply_header(r, "cache-control:", "no-store");
    http_reply_start(wsi, r);
    return 0;
}

bool metrics_path(const char *uri, int len)
{
    return uri && len == 8 && memcmp(uri, "/metrics", 8) == 0;
}
