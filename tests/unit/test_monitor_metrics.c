/* The monitor's metrics: the exposition (escaping, one-hot status,
 * cumulative histogram buckets, caps on series, series dropped after a
 * reload), the textfile, and the HTTP listener over real loopback sockets. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor_metrics.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

static void observe(struct monitor_metrics *m, const char *suite, const char *test,
                    const char *status, double duration, const char *metrics_json)
{
    struct json_object *metrics = metrics_json ? json_tokener_parse(metrics_json) : NULL;
    struct monitor_observation o = {
        suite,    test,         status, strcmp(status, "passed") == 0,
        duration, 1764826200.5, metrics};
    CU_ASSERT_EQUAL(monitor_metrics_observe(m, &o), 0);
    json_object_put(metrics);
}

/* Does the rendered exposition hold this exact line? */
static int has_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
            return 1;
    return 0;
}

#define ASSERT_LINE(text, line)                                                       \
    wsc_tap_assert(has_line(text, line), __FILE__, __LINE__, "no line: %s\n%s", line, \
                   text ? text : "(null)")
#define ASSERT_NO_PART(text, part) \
    wsc_tap_assert(text && !strstr(text, part), __FILE__, __LINE__, "found: %s", part)

static void test_families_and_state(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    char *empty = monitor_metrics_render(m);
    /* Every family is declared before any test has run. */
    ASSERT_LINE(empty, "# TYPE wscheck_test_up gauge");
    ASSERT_LINE(empty, "# TYPE wscheck_test_duration_seconds histogram");
    ASSERT_LINE(empty, "# TYPE wscheck_check_metric gauge");
    ASSERT_LINE(empty, "wscheck_rounds_total 0");
    ASSERT_LINE(empty, "wscheck_dropped_series_total 0");
    free(empty);

    observe(m, "ws", "handshake", "passed", 0.012,
            "{\"handshake_ms\": 3.5, \"note\": \"x\"}");
    observe(m, "ws", "handshake", "failed", 0.02, NULL);
    observe(m, "ws", "echo", "skipped", 0, NULL);
    char *t = monitor_metrics_render(m);
    ASSERT_LINE(t, "wscheck_test_up{suite=\"ws\",test=\"handshake\"} 0");
    ASSERT_LINE(
        t, "wscheck_test_status{suite=\"ws\",test=\"handshake\",status=\"failed\"} 1");
    ASSERT_LINE(
        t, "wscheck_test_status{suite=\"ws\",test=\"handshake\",status=\"passed\"} 0");
    ASSERT_LINE(t,
                "wscheck_test_status{suite=\"ws\",test=\"echo\",status=\"skipped\"} 1");
    ASSERT_LINE(t, "wscheck_test_runs_total{suite=\"ws\",test=\"handshake\"} 2");
    ASSERT_LINE(t, "wscheck_test_failures_total{suite=\"ws\",test=\"handshake\"} 1");
    ASSERT_LINE(t, "wscheck_test_failures_total{suite=\"ws\",test=\"echo\"} 0");
    ASSERT_LINE(t, "wscheck_test_last_success_timestamp_seconds{suite=\"ws\",test="
                   "\"handshake\"} 1764826200.5");
    /* Never passed: no timestamp at all rather than a misleading 0. */
    ASSERT_NO_PART(
        t, "wscheck_test_last_success_timestamp_seconds{suite=\"ws\",test=\"echo\"}");
    ASSERT_LINE(
        t,
        "wscheck_check_metric{suite=\"ws\",test=\"handshake\",metric=\"handshake_ms\"} 3.5");
    ASSERT_NO_PART(t, "metric=\"note\"");
    /* A skipped run has no duration. */
    ASSERT_LINE(t, "wscheck_test_duration_seconds_count{suite=\"ws\",test=\"echo\"} 0");
    free(t);

    struct monitor_observation bad = {"ws", "x", "green", 1, 0, 0, NULL};
    CU_ASSERT_EQUAL(monitor_metrics_observe(m, &bad), -1);
    monitor_metrics_free(m);
}

static void test_label_escaping(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    observe(m, "a \"quoted\" \\ suite", "line\nbreak", "passed", 0.1,
            "{\"odd \\\"name\\\"\": 1}");
    observe(m, "bad \xff utf-8", "t", "passed", 0.1, NULL);
    char *t = monitor_metrics_render(m);
    ASSERT_LINE(
        t,
        "wscheck_test_up{suite=\"a \\\"quoted\\\" \\\\ suite\",test=\"line\\nbreak\"} 1");
    ASSERT_LINE(
        t,
        "wscheck_check_metric{suite=\"a \\\"quoted\\\" \\\\ suite\",test=\"line\\nbreak\","
        "metric=\"odd \\\"name\\\"\"} 1");
    /* Not UTF-8: the byte becomes U+FFFD, as the format is UTF-8. */
    ASSERT_LINE(t, "wscheck_test_up{suite=\"bad \xef\xbf\xbd utf-8\",test=\"t\"} 1");
    free(t);
    monitor_metrics_free(m);
}

static void test_histograms(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    observe(m, "s", "t", "passed", 0.003, NULL);
    observe(m, "s", "t", "passed", 0.02, NULL);
    observe(m, "s", "t", "failed", 0.025, NULL); /* on the bound: in that bucket */
    observe(m, "s", "t", "error", 100, NULL);    /* above every bound */
    CU_ASSERT_EQUAL(monitor_metrics_round(m, 0.5, 0), 0);
    CU_ASSERT_EQUAL(monitor_metrics_round(m, 45, 1), 0);
    char *t = monitor_metrics_render(m);
    ASSERT_LINE(
        t, "wscheck_test_duration_seconds_bucket{suite=\"s\",test=\"t\",le=\"0.005\"} 1");
    ASSERT_LINE(
        t, "wscheck_test_duration_seconds_bucket{suite=\"s\",test=\"t\",le=\"0.01\"} 1");
    ASSERT_LINE(
        t, "wscheck_test_duration_seconds_bucket{suite=\"s\",test=\"t\",le=\"0.025\"} 3");
    ASSERT_LINE(
        t, "wscheck_test_duration_seconds_bucket{suite=\"s\",test=\"t\",le=\"60\"} 3");
    ASSERT_LINE(
        t, "wscheck_test_duration_seconds_bucket{suite=\"s\",test=\"t\",le=\"+Inf\"} 4");
    ASSERT_LINE(t, "wscheck_test_duration_seconds_sum{suite=\"s\",test=\"t\"} 100.048");
    ASSERT_LINE(t, "wscheck_test_duration_seconds_count{suite=\"s\",test=\"t\"} 4");
    ASSERT_LINE(t, "wscheck_test_failures_total{suite=\"s\",test=\"t\"} 2");
    ASSERT_LINE(t, "wscheck_rounds_total 2");
    ASSERT_LINE(t, "wscheck_round_overruns_total 1");
    ASSERT_LINE(t, "wscheck_round_duration_seconds_bucket{le=\"0.5\"} 1");
    ASSERT_LINE(t, "wscheck_round_duration_seconds_bucket{le=\"30\"} 1");
    ASSERT_LINE(t, "wscheck_round_duration_seconds_bucket{le=\"60\"} 2");
    ASSERT_LINE(t, "wscheck_round_duration_seconds_bucket{le=\"+Inf\"} 2");
    ASSERT_LINE(t, "wscheck_round_duration_seconds_sum 45.5");
    free(t);
    monitor_metrics_free(m);
}

static void test_caps(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    struct wsc_buf json = {0};
    wsc_buf_puts(&json, "{");
    for (int i = 0; i < 70; i++)
        wsc_buf_printf(&json, "%s\"m%02d\": %d", i ? "," : "", i, i);
    wsc_buf_puts(&json, "}");
    observe(m, "s", "many", "passed", 0.1, json.data);
    observe(m, "s", "many", "passed", 0.1, json.data);
    wsc_buf_free(&json);
    char *t = monitor_metrics_render(m);
    /* json-c keeps members in order: the first 64 are kept. */
    ASSERT_LINE(t, "wscheck_check_metric{suite=\"s\",test=\"many\",metric=\"m63\"} 63");
    ASSERT_NO_PART(t, "metric=\"m64\"");
    /* Refused at each observation: 6 twice. */
    ASSERT_LINE(t, "wscheck_dropped_series_total 12");
    free(t);

    /* Tests up to the total cap: the ones past it are dropped whole. */
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "t%d", i);
        observe(m, "s", name, "passed", 0.1, NULL);
    }
    t = monitor_metrics_render(m);
    size_t series = 0;
    for (const char *p = t; (p = strstr(p, "\nwscheck_")) != NULL; p++)
        series++;
    wsc_tap_assert(series <= MONITOR_METRICS_MAX_SERIES + 20, __FILE__, __LINE__,
                   "%zu series", series);
    ASSERT_LINE(t, "wscheck_test_up{suite=\"s\",test=\"t100\"} 1");
    ASSERT_NO_PART(t, "test=\"t999\"");
    ASSERT_NO_PART(t, "wscheck_dropped_series_total 12\n");
    free(t);

    /* After a reload keeps only "many", new tests fit again. */
    const char *keep[] = {"s\tmany", "other\tt5"};
    monitor_metrics_retain(m, keep, 2);
    observe(m, "s", "t999", "passed", 0.1, NULL);
    t = monitor_metrics_render(m);
    ASSERT_LINE(t, "wscheck_test_up{suite=\"s\",test=\"t999\"} 1");
    ASSERT_LINE(t, "wscheck_test_up{suite=\"s\",test=\"many\"} 1");
    ASSERT_NO_PART(t, "test=\"t5\"");
    ASSERT_NO_PART(t, "test=\"t100\"");
    free(t);
    monitor_metrics_free(m);
}

static void test_retain(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    observe(m, "a", "one", "passed", 0.1, "{\"x\": 1}");
    observe(m, "a", "two", "failed", 0.1, "{\"y\": 2}");
    observe(m, "a\tone", "x", "passed", 0.1, NULL);
    const char *keep[] = {"a\ttwo"};
    monitor_metrics_retain(m, keep, 1);
    char *t = monitor_metrics_render(m);
    ASSERT_NO_PART(t, "test=\"one\"");
    ASSERT_NO_PART(t, "metric=\"x\"");
    ASSERT_NO_PART(t, "suite=\"a\\tone\"");
    ASSERT_LINE(t, "wscheck_test_up{suite=\"a\",test=\"two\"} 0");
    ASSERT_LINE(t, "wscheck_check_metric{suite=\"a\",test=\"two\",metric=\"y\"} 2");
    free(t);
    monitor_metrics_retain(m, NULL, 0);
    t = monitor_metrics_render(m);
    ASSERT_NO_PART(t, "test=\"two\"");
    free(t);
    monitor_metrics_free(m);
}

static void test_textfile(void)
{
    char dir[256], *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_test_mkdtemp(dir, sizeof(dir), "wsc-textfile"), 0);
    struct monitor_metrics *m = monitor_metrics_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    observe(m, "s", "t", "passed", 0.1, NULL);
    CU_ASSERT_EQUAL(monitor_metrics_write_textfile(m, dir, &err), 0);
    char *path = wsc_strdup_printf("%s/wscheck.prom", dir);
    size_t len = 0;
    char *text = wsc_read_file(path, 1 << 20, &len), *want = monitor_metrics_render(m);
    CU_ASSERT_STRING_EQUAL(text ? text : "", want ? want : "-");
    free(text);
    free(want);
    /* Written again: replaced, and no temporary file is left behind. */
    observe(m, "s", "t", "failed", 0.1, NULL);
    CU_ASSERT_EQUAL(monitor_metrics_write_textfile(m, dir, &err), 0);
    text = wsc_read_file(path, 1 << 20, &len);
    ASSERT_LINE(text, "wscheck_test_up{suite=\"s\",test=\"t\"} 0");
    free(text);
    char *cmd = wsc_strdup_printf("test \"$(ls '%s')\" = wscheck.prom", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    free(cmd);
    free(path);

    path = wsc_strdup_printf("%s/missing", dir);
    CU_ASSERT_EQUAL(monitor_metrics_write_textfile(m, path, &err), -1);
    char *want_err = wsc_strdup_printf(
        "cannot write the textfile in %s: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err ? err : "", want_err);
    free(want_err);
    free(err);
    free(path);
    monitor_metrics_free(m);
    CU_ASSERT_EQUAL(wsc_test_rmtree(dir), 0);
}

/* ---- the listener --------------------------------------------------------- */

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads until the server closes; the whole response. */
static char *read_all(int fd)
{
    struct wsc_buf b = {0};
    char chunk[4096];
    struct timeval tv = {(time_t)HANG_GUARD_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
        wsc_buf_append(&b, chunk, (size_t)n);
    close(fd);
    wsc_buf_puts(&b, "");
    return wsc_buf_take(&b);
}

static char *request(int port, const char *text)
{
    int fd = connect_to(port);
    if (fd < 0)
        return NULL;
    if (wsc_write_all(fd, text, strlen(text)) < 0) {
        close(fd);
        return NULL;
    }
    return read_all(fd);
}

static void test_listener(void)
{
    struct monitor_metrics *m = monitor_metrics_new();
    char *err = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(monitor_metrics_port(m), -1);
    observe(m, "ws", "handshake", "passed", 0.01, NULL);
    CU_ASSERT_EQUAL_FATAL(monitor_metrics_listen(m, "127.0.0.1:0", &err), 0);
    int port = monitor_metrics_port(m);
    CU_ASSERT_FATAL(port > 0);

    /* Two clients at once: the first has sent half its request. */
    int slow = connect_to(port);
    CU_ASSERT_FATAL(slow >= 0);
    CU_ASSERT_EQUAL(wsc_write_all(slow, "GET /metrics HTTP/1.1\r\n", 23), 0);
    char *r = request(port, "GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 200 OK\r\n"));
    CU_ASSERT(wsc_test_contains(r, "Content-Type: text/plain; version=0.0.4"));
    CU_ASSERT(wsc_test_contains(r, "\r\n\r\n# HELP wscheck_test_up "));
    CU_ASSERT(
        wsc_test_contains(r, "wscheck_test_up{suite=\"ws\",test=\"handshake\"} 1\n"));
    free(r);
    CU_ASSERT_EQUAL(wsc_write_all(slow, "Host: x\r\n\r\n", 11), 0);
    r = read_all(slow);
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 200 OK\r\n"));
    free(r);

    r = request(port, "GET / HTTP/1.0\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "<a href=\"/metrics\">"));
    free(r);
    r = request(port, "GET /nowhere HTTP/1.1\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 404 Not Found\r\n"));
    free(r);
    r = request(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 405 Method Not Allowed\r\n"));
    free(r);
    r = request(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 200 OK\r\n"));
    CU_ASSERT(!wsc_test_contains(r, "# HELP"));
    free(r);
    /* A request that never ends its headers is cut at the bound. */
    char *big = calloc(1, 20000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'a', 19999);
    memcpy(big, "GET /", 5);
    r = request(port, big);
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 431 "));
    free(r);
    free(big);

    /* Listening twice, and on a port already taken, are refused. */
    char *addr = wsc_strdup_printf("127.0.0.1:%d", port);
    struct monitor_metrics *other = monitor_metrics_new();
    CU_ASSERT_EQUAL(monitor_metrics_listen(other, addr, &err), -1);
    char *want = wsc_strdup_printf("cannot listen on %s: Address already in use", addr);
    CU_ASSERT_STRING_EQUAL(err ? err : "", want);
    free(want);
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(monitor_metrics_listen(m, "127.0.0.1:0", &err), -1);
    CU_ASSERT_STRING_EQUAL(err ? err : "",
                           "cannot listen on 127.0.0.1:0: already listening");
    free(err);
    err = NULL;
    free(addr);
    monitor_metrics_free(other);
    monitor_metrics_free(m);
    /* Stopped: nothing listens any more. */
    CU_ASSERT_EQUAL(connect_to(port), -1);
}

static void test_listen_addresses(void)
{
    const char *bad[] = {"9464",     "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
                         "::1:9464", "[::1]9464", "host:port",  NULL};
    for (size_t i = 0; bad[i]; i++) {
        struct monitor_metrics *m = monitor_metrics_new();
        char *err = NULL;
        CU_ASSERT_EQUAL(monitor_metrics_listen(m, bad[i], &err), -1);
        char *want = wsc_strdup_printf("invalid listen address '%s': expected HOST:PORT, "
                                       "[IPV6]:PORT or :PORT",
                                       bad[i]);
        wsc_tap_assert(err && strcmp(err, want) == 0, __FILE__, __LINE__, "%s: %s",
                       bad[i], err ? err : "(no error)");
        free(want);
        free(err);
        monitor_metrics_free(m);
    }
    /* Every interface; then reached on IPv4 loopback. */
    struct monitor_metrics *m = monitor_metrics_new();
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(monitor_metrics_listen(m, ":0", &err), 0);
    char *r = request(monitor_metrics_port(m), "GET /metrics HTTP/1.1\r\n\r\n");
    CU_ASSERT(wsc_test_contains(r, "HTTP/1.1 200 OK\r\n"));
    free(r);
    monitor_metrics_free(m);
}

static CU_TestInfo tests[] = {
    {"families, state, counters and check metrics", test_families_and_state},
    {"label values escaped", test_label_escaping},
    {"histogram buckets are cumulative", test_histograms},
    {"caps on check metrics and on series", test_caps},
    {"retain after a reload", test_retain},
    {"textfile written atomically", test_textfile},
    {"the HTTP listener", test_listener},
    {"listen addresses", test_listen_addresses},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"monitor metrics", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
