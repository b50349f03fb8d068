/* wscheck load's HTTP protocols on the engine, against real servers on
 * free loopback ports: http.request and http.health against
 * tests/integration/peer_http.py, MCP over Streamable HTTP against the
 * TypeScript SDK (peer-mcp.js, JSON and event-stream answers),
 * server-everything, wscheck-mock and the broken peer_mcp_broken.py.
 * Every run is bounded by a count of sessions (plan.iterations); the
 * assertions are on counts, error kinds and messages, never on rates or
 * times. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load.h"
#include "tap.h"
#include "testutil.h"

#define PEER_START_S 20.0

static struct wsc_test_peer http_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer sdk_json = WSC_TEST_PEER_INIT;
static struct wsc_test_peer sdk_sse = WSC_TEST_PEER_INIT;
static struct wsc_test_peer everything = WSC_TEST_PEER_INIT;
static struct wsc_test_peer broken_close = WSC_TEST_PEER_INIT;
static struct wsc_test_peer broken_silent = WSC_TEST_PEER_INIT;
static struct wsc_test_peer broken_405 = WSC_TEST_PEER_INIT;

/* ---- running a test under load ------------------------------------------------- */

struct run {
    struct wsc_load_stats stats;
    struct wsc_load_test *t; /* the only test */
    char *why;               /* compile refusal */
};

/* text = params with every "%s" replaced by url. */
static void subst(char *text, size_t size, const char *params, const char *url)
{
    size_t n = 0, ul = strlen(url);
    for (const char *p = params; *p && n + 1 < size; p++) {
        if (p[0] == '%' && p[1] == 's' && n + ul + 1 < size) {
            memcpy(text + n, url, ul);
            n += ul;
            p++;
        } else {
            text[n++] = *p;
        }
    }
    text[n] = '\0';
}

/* Compiles plugin.check with params (JSON text, %s replaced by url) and
 * runs `iterations` sessions on `vus` virtual users. Returns 0 when it
 * ran, -1 when the test was refused (r->why says why). */
static int run_load(struct run *r, const char *plugin, const char *check,
                    const char *params_fmt, const char *url, unsigned vus,
                    uint64_t iterations, double timeout)
{
    memset(r, 0, sizeof *r);
    char text[2048];
    subst(text, sizeof text, params_fmt, url);
    struct json_object *params = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(params);
    struct wsc_test test = {.name = "t",
                            .plugin = (char *)plugin,
                            .check = (char *)check,
                            .params = params,
                            .timeout = timeout};
    struct wsc_load_script *sc = wsc_load_compile(&test, params, timeout, &r->why);
    if (!sc) {
        json_object_put(params);
        return -1;
    }
    CU_ASSERT_EQUAL_FATAL(wsc_load_stats_init(&r->stats, 1), 0);
    CU_ASSERT_EQUAL_FATAL(wsc_load_test_init(&r->stats.tests[0], &test), 0);
    r->t = &r->stats.tests[0];
    sc->test = 0;
    /* all VUs at once, then held far longer than the sessions need: the
     * count of sessions ends the run */
    struct wsc_load_stage stages[] = {{0.0, vus}, {HANG_GUARD_S, vus}};
    volatile sig_atomic_t stop = 0;
    struct wsc_load_plan plan = {.model = WSC_LOAD_CLOSED,
                                 .stages = stages,
                                 .n_stages = 2,
                                 .max_vus = vus,
                                 .max_message = 1u << 20,
                                 .timeout = timeout,
                                 .stop = &stop,
                                 .iterations = iterations};
    char *err = NULL;
    struct wsc_load_script *scripts[] = {sc};
    int rc = wsc_load_run(&plan, scripts, 1, &r->stats, NULL, NULL, &err);
    if (rc != 0)
        printf("# engine: %s\n", err ? err : "?");
    CU_ASSERT_EQUAL(rc, 0);
    free(err);
    wsc_load_script_free(sc);
    json_object_put(params);
    return 0;
}

static void run_clear(struct run *r)
{
    wsc_load_stats_clear(&r->stats);
    free(r->why);
}

/* Samples in the test's histogram `name` (0 when it has none). */
static uint64_t samples(const struct wsc_load_test *t, const char *name)
{
    for (size_t i = 0; i < t->n_hists; i++)
        if (strcmp(t->hists[i].name, name) == 0)
            return wsc_hist_count(t->hists[i].h);
    return 0;
}

static uint64_t all_errors(const struct wsc_load_test *t)
{
    uint64_t n = 0;
    for (int e = 0; e < WSC_LOAD_N_ERRORS; e++)
        n += t->errors[e];
    return n;
}

#define ASSERT_ALL_OK(r, n)                                    \
    do {                                                       \
        CU_ASSERT_EQUAL((r).t->sessions, (n));                 \
        CU_ASSERT_EQUAL((r).t->sessions_ok, (n));              \
        CU_ASSERT_EQUAL(all_errors((r).t), 0);                 \
        if ((r).t->first_error)                                \
            printf("# first error: %s\n", (r).t->first_error); \
    } while (0)

/* n sessions, all failed with error e, the first message naming `says`. */
static void assert_all_failed(const struct run *r, uint64_t n, enum wsc_load_error e,
                              const char *says)
{
    CU_ASSERT_EQUAL(r->t->sessions, n);
    CU_ASSERT_EQUAL(r->t->sessions_failed, n);
    CU_ASSERT_EQUAL(r->t->errors[e], n);
    if (!wsc_test_contains(r->t->first_error, says))
        wsc_tap_assert(0, __FILE__, __LINE__, "first error \"%s\" lacks \"%s\"",
                       r->t->first_error ? r->t->first_error : "(none)", says);
}

/* ---- peers ----------------------------------------------------------------------- */

static int http_init(void)
{
    static const char *const schemes[] = {"http://", NULL};
    return wsc_test_peer_start(&http_peer, wsc_test_python(), "peer_http.py", NULL,
                               schemes, PEER_START_S);
}

static int http_clean(void)
{
    wsc_test_peer_stop(&http_peer);
    return 0;
}

static int mcp_init(void)
{
    static const char *const schemes[] = {"http://", NULL};
    const char *json[] = {"http", NULL}, *sse[] = {"http-sse", NULL};
    const char *close_each[] = {"close-each", NULL}, *silent[] = {"silent", NULL};
    const char *d405[] = {"delete-405", NULL};
    if (wsc_test_peer_start(&sdk_json, wsc_test_node(), "peer-mcp.js", json, schemes,
                            PEER_START_S) ||
        wsc_test_peer_start(&sdk_sse, wsc_test_node(), "peer-mcp.js", sse, schemes,
                            PEER_START_S) ||
        wsc_test_peer_start(&everything, wsc_test_node(), "peer-mcp-everything.js", NULL,
                            schemes, PEER_START_S))
        return -1;
    const char *py = wsc_test_python();
    return wsc_test_peer_start(&broken_close, py, "peer_mcp_broken.py", close_each,
                               schemes, PEER_START_S) ||
           wsc_test_peer_start(&broken_silent, py, "peer_mcp_broken.py", silent, schemes,
                               PEER_START_S) ||
           wsc_test_peer_start(&broken_405, py, "peer_mcp_broken.py", d405, schemes,
                               PEER_START_S);
}

static int mcp_clean(void)
{
    wsc_test_peer_stop(&sdk_json);
    wsc_test_peer_stop(&sdk_sse);
    wsc_test_peer_stop(&everything);
    wsc_test_peer_stop(&broken_close);
    wsc_test_peer_stop(&broken_silent);
    wsc_test_peer_stop(&broken_405);
    return 0;
}

/* ---- http.request and http.health --------------------------------------------------- */

static void test_health_ok(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "health",
                                   "{\"url\": \"%s/health\", \"expect\": {\"json\": "
                                   "{\"status\": \"ok\"}}}",
                                   http_peer.url, 4, 40, 5.0),
                          0);
    ASSERT_ALL_OK(r, 40);
    CU_ASSERT_EQUAL(samples(r.t, "response_ms"), 40);
    CU_ASSERT_EQUAL(r.t->messages_sent, 40);
    CU_ASSERT_EQUAL(r.t->messages_received, 40);
    CU_ASSERT(r.t->bytes_received >= 40 * strlen("{\"status\": \"ok\"}"));
    run_clear(&r);
}

static void test_request_post_json(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(
        run_load(
            &r, "http", "request",
            "{\"url\": \"%s/echo?x=1\", \"method\": \"POST\", \"json\": {\"a\": [1, 2]},"
            " \"headers\": {\"X-Load\": \"yes\"}, \"expect\": {\"status\": 200, "
            "\"json\": {\"method\": \"POST\", \"path\": \"/echo?x=1\", \"headers\": "
            "{\"x-load\": \"yes\", \"content-type\": \"application/json\"}, "
            "\"body\": {\"$json\": {\"a\": [1, 2]}}}}}",
            http_peer.url, 2, 10, 5.0),
        0);
    ASSERT_ALL_OK(r, 10);
    CU_ASSERT_EQUAL(r.t->bytes_sent, 10 * strlen("{\"a\":[1,2]}"));
    run_clear(&r);
}

static void test_status_and_expect_errors(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request", "{\"url\": \"%s/status/500\"}",
                                   http_peer.url, 2, 6, 5.0),
                          0);
    assert_all_failed(&r, 6, WSC_LOAD_ERR_STATUS, "/status: expected < 400, got 500");
    run_clear(&r);
    /* health wants 2xx where request takes a redirect */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "health", "{\"url\": \"%s/redirect/1\"}",
                                   http_peer.url, 1, 3, 5.0),
                          0);
    assert_all_failed(&r, 3, WSC_LOAD_ERR_STATUS, "got 302");
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request", "{\"url\": \"%s/redirect/1\"}",
                                   http_peer.url, 1, 3, 5.0),
                          0);
    ASSERT_ALL_OK(r, 3);
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request",
                                   "{\"url\": \"%s/json\", \"expect\": {\"json\": "
                                   "{\"nested\": {\"name\": \"other\"}}}}",
                                   http_peer.url, 2, 6, 5.0),
                          0);
    assert_all_failed(&r, 6, WSC_LOAD_ERR_EXPECT,
                      "/json/nested/name: expected \"other\"");
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request",
                                   "{\"url\": \"%s/text\", \"expect\": {\"body\": "
                                   "{\"$contains\": \"all ok\"}, \"headers\": "
                                   "{\"Content-Type\": {\"$regex\": \"^text/plain\"}}}}",
                                   http_peer.url, 2, 6, 5.0),
                          0);
    ASSERT_ALL_OK(r, 6);
    run_clear(&r);
}

static void test_connect_too_big_timeout(void)
{
    struct run r;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", wsc_test_closed_port());
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "http", "health", "{\"url\": \"%s/health\"}", url, 2, 4, 5.0), 0);
    CU_ASSERT_EQUAL(r.t->sessions, 4);
    CU_ASSERT_EQUAL(r.t->errors[WSC_LOAD_ERR_CONNECT], 4);
    run_clear(&r);
    /* a body without end, over the test's cap */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request",
                                   "{\"url\": \"%s/big?n=100000000000&chunked=1\", "
                                   "\"max_body_size\": 200000}",
                                   http_peer.url, 2, 4, 5.0),
                          0);
    assert_all_failed(&r, 4, WSC_LOAD_ERR_TOO_BIG, "over the limit of 200000");
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "http", "request",
                 "{\"url\": \"%s/big?n=300000\", \"max_body_size\": 200000}",
                 http_peer.url, 1, 2, 5.0),
        0);
    assert_all_failed(&r, 2, WSC_LOAD_ERR_TOO_BIG, "300000 bytes");
    run_clear(&r);
    /* a server that never answers within the test's timeout */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "http", "request", "{\"url\": \"%s/slow?s=30\"}",
                                   http_peer.url, 2, 2, 0.5),
                          0);
    CU_ASSERT_EQUAL(r.t->sessions, 2);
    CU_ASSERT_EQUAL(r.t->errors[WSC_LOAD_ERR_TIMEOUT], 2);
    CU_ASSERT_EQUAL(samples(r.t, "response_ms"), 0);
    run_clear(&r);
}

/* https:// with a CA made here: verified with ca_file, refused without it
 * (error tls), accepted with insecure. */
static void test_https(void)
{
    char dir[256], cmd[2048];
    CU_ASSERT_EQUAL_FATAL(wsc_test_mkdtemp(dir, sizeof dir, "load-https"), 0);
    snprintf(
        cmd, sizeof cmd,
        "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
        "'/CN=wscheck test CA' -keyout ca.key -out ca.pem 2>/dev/null && "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=server -keyout server.key "
        "-out server.csr 2>/dev/null && printf 'subjectAltName=IP:127.0.0.1\\n' >ext && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-days 2 -extfile ext -out server.pem 2>/dev/null",
        dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    char pem[300], key[300], params[700];
    snprintf(pem, sizeof pem, "%s/server.pem", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    const char *args[] = {"--tls", pem, key, NULL};
    static const char *const schemes[] = {"https://", NULL};
    struct wsc_test_peer tls = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(wsc_test_peer_start(&tls, wsc_test_python(), "peer_http.py",
                                              args, schemes, PEER_START_S),
                          0);
    struct run r;
    snprintf(params, sizeof params,
             "{\"url\": \"%%s/health\", \"ca_file\": \"%s/ca.pem\", "
             "\"expect\": {\"json\": {\"status\": \"ok\"}}}",
             dir);
    CU_ASSERT_EQUAL(run_load(&r, "http", "health", params, tls.url, 2, 6, 5.0), 0);
    ASSERT_ALL_OK(r, 6);
    run_clear(&r);
    CU_ASSERT_EQUAL(
        run_load(&r, "http", "health", "{\"url\": \"%s/health\"}", tls.url, 2, 4, 5.0),
        0);
    CU_ASSERT_EQUAL(r.t->errors[WSC_LOAD_ERR_TLS], 4);
    run_clear(&r);
    CU_ASSERT_EQUAL(run_load(&r, "http", "health",
                             "{\"url\": \"%s/health\", \"insecure\": true}", tls.url, 2,
                             4, 5.0),
                    0);
    ASSERT_ALL_OK(r, 4);
    run_clear(&r);
    wsc_test_peer_stop(&tls);
    wsc_test_rmtree(dir);
}

static void assert_refused(const char *plugin, const char *check, const char *params,
                           const char *says)
{
    struct run r;
    CU_ASSERT_EQUAL(run_load(&r, plugin, check, params, "http://127.0.0.1:1", 1, 1, 1.0),
                    -1);
    if (!wsc_test_contains(r.why, says))
        wsc_tap_assert(0, __FILE__, __LINE__, "refusal \"%s\" lacks \"%s\"",
                       r.why ? r.why : "(accepted)", says);
    run_clear(&r);
}

static void test_http_refusals(void)
{
    assert_refused("http", "request", "{\"url\": \"%s/\", \"follow_redirects\": true}",
                   "follow_redirects");
    assert_refused("http", "request", "{\"url\": \"%s/\", \"body\": \"a\", \"json\": 1}",
                   "either body or json");
    assert_refused("http", "request",
                   "{\"url\": \"%s/\", \"headers\": {\"X\": \"a\\nb\"}}", "headers/X");
    assert_refused("http", "request",
                   "{\"url\": \"%s/\", \"expect\": {\"status\": "
                   "{\"$bad\": 1}}}",
                   "expect/status");
    assert_refused("http", "discover", "{\"url\": \"%s/\"}", "cannot run under load");
}

/* ---- MCP over Streamable HTTP ------------------------------------------------------ */

static void test_mcp_initialize(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "dev-toolkit", "initialize",
                 "{\"url\": \"%s\", \"expect\": {\"transport\": \"http\", "
                 "\"session_id\": {\"$type\": \"string\"}, "
                 "\"serverInfo\": {\"name\": {\"$type\": \"string\"}}}}",
                 sdk_json.url, 3, 12, 10.0),
        0);
    ASSERT_ALL_OK(r, 12);
    CU_ASSERT_EQUAL(samples(r.t, "handshake_ms"), 12);
    CU_ASSERT_EQUAL(samples(r.t, "call_ms"), 0);
    /* initialize, notifications/initialized, DELETE */
    CU_ASSERT_EQUAL(r.t->messages_sent, 36);
    CU_ASSERT_EQUAL(r.t->messages_received, 36);
    run_clear(&r);
}

static void test_mcp_call(void)
{
    struct run r;
    const char *call = "{\"url\": \"%s\", \"tool\": \"echo\", \"arguments\": {\"text\": "
                       "\"hello load\"}, \"expect\": {\"text\": \"hello load\"}}";
    struct wsc_test_peer *peers[] = {&sdk_json, &sdk_sse};
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(
            run_load(&r, "dev-toolkit", "call", call, peers[i]->url, 3, 12, 10.0), 0);
        ASSERT_ALL_OK(r, 12);
        CU_ASSERT_EQUAL(samples(r.t, "handshake_ms"), 12);
        CU_ASSERT_EQUAL(samples(r.t, "call_ms"), 12);
        CU_ASSERT_EQUAL(r.t->messages_sent, 48);
        run_clear(&r);
    }
    /* the tool says isError: true */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "call",
                                   "{\"url\": \"%s\", \"tool\": \"fail\"}", sdk_sse.url,
                                   2, 4, 10.0),
                          0);
    assert_all_failed(&r, 4, WSC_LOAD_ERR_EXPECT, "isError: true");
    run_clear(&r);
    /* a result that does not match */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "call",
                                   "{\"url\": \"%s\", \"tool\": \"echo\", \"arguments\": "
                                   "{\"text\": \"a\"}, \"expect\": {\"text\": \"b\"}}",
                                   sdk_json.url, 2, 4, 10.0),
                          0);
    assert_all_failed(&r, 4, WSC_LOAD_ERR_EXPECT, "tools/call: /text: expected \"b\"");
    run_clear(&r);
}

static void test_mcp_everything(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "tool_discovery",
                                   "{\"url\": \"%s\", \"expect\": {\"tool_names\": "
                                   "{\"$contains\": \"echo\"}}}",
                                   everything.url, 2, 6, 10.0),
                          0);
    ASSERT_ALL_OK(r, 6);
    CU_ASSERT(samples(r.t, "call_ms") >= 6);
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "call",
                                   "{\"url\": \"%s\", \"tool\": \"echo\", \"arguments\": "
                                   "{\"message\": \"hi\"}, \"expect\": {\"text\": "
                                   "{\"$contains\": \"hi\"}}}",
                                   everything.url, 2, 6, 10.0),
                          0);
    ASSERT_ALL_OK(r, 6);
    run_clear(&r);
}

static void test_mcp_mock(void)
{
    const char *mock = getenv("WSCHECK_MOCK");
    if (!mock || !*mock) {
        printf("# wscheck-mock not built: its MCP endpoint left out\n");
        return;
    }
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(mock, mock, "--host", "127.0.0.1", "--port", "0", "--mcp-host", "127.0.0.1",
              "--mcp-port", "0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[1024], url[128] = "", health[128] = "";
    FILE *out = fdopen(fds[0], "r");
    /* its lines: the WebSocket port's URL and the MCP endpoint's */
    while (out && (!*url || !*health) && fgets(line, sizeof line, out)) {
        char *u = strstr(line, "http://"), *end = u ? strstr(u, "/mcp") : NULL;
        char *w = strstr(line, "ws://");
        if (end)
            snprintf(url, sizeof url, "%.*s", (int)(end + 4 - u), u);
        if (w && !*health)
            snprintf(health, sizeof health, "http://%.*s/health",
                     (int)strcspn(w + 5, "/ \r\n"), w + 5);
    }
    CU_ASSERT(*url && *health);
    struct run r;
    if (*url) {
        CU_ASSERT_EQUAL(run_load(&r, "dev-toolkit", "call",
                                 "{\"url\": \"%s\", \"tool\": \"get_websocket_clients\", "
                                 "\"expect\": {\"text\": {\"$contains\": \"status\"}}}",
                                 url, 3, 9, 10.0),
                        0);
        ASSERT_ALL_OK(r, 9);
        run_clear(&r);
    }
    if (*health) {
        CU_ASSERT_EQUAL(run_load(&r, "http", "health",
                                 "{\"url\": \"%s\", \"expect\": {\"json\": "
                                 "{\"status\": \"ok\"}}}",
                                 health, 3, 9, 5.0),
                        0);
        ASSERT_ALL_OK(r, 9);
        run_clear(&r);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (out)
        fclose(out);
}

static void test_mcp_broken(void)
{
    struct run r;
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "initialize", "{\"url\": \"%s\"}",
                                   broken_close.url, 2, 4, 5.0),
                          0);
    assert_all_failed(&r, 4, WSC_LOAD_ERR_CLOSED, "one kept-alive connection");
    run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "initialize", "{\"url\": \"%s\"}",
                                   broken_silent.url, 2, 2, 0.5),
                          0);
    CU_ASSERT_EQUAL(r.t->errors[WSC_LOAD_ERR_TIMEOUT], 2);
    CU_ASSERT_EQUAL(samples(r.t, "handshake_ms"), 0);
    run_clear(&r);
    /* DELETE refused with 405: the session still ends well */
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit", "initialize", "{\"url\": \"%s\"}",
                                   broken_405.url, 2, 4, 5.0),
                          0);
    ASSERT_ALL_OK(r, 4);
    CU_ASSERT_EQUAL(r.t->messages_sent, 12);
    run_clear(&r);
}

static void test_mcp_refusals(void)
{
    assert_refused("dev-toolkit", "protocol", "{\"url\": \"%s/mcp\"}",
                   "dev-toolkit.protocol cannot run under load");
    assert_refused("dev-toolkit", "command_streaming",
                   "{\"url\": \"%s/mcp\", \"tool\": \"x\"}", "progress notifications");
    assert_refused("dev-toolkit", "call",
                   "{\"url\": \"%s/mcp\", \"tool\": \"x\", "
                   "\"transport\": \"sse\"}",
                   "transport sse");
    assert_refused("dev-toolkit", "initialize", "{\"url\": \"%s/mcp\", \"listen\": true}",
                   "listen");
    assert_refused("dev-toolkit", "tool_discovery",
                   "{\"url\": \"%s/mcp\", \"expect\": "
                   "{\"prompts\": []}}",
                   "lists tools only");
}

static CU_TestInfo http_tests[] = {
    {"health: sessions, responses, response_ms", test_health_ok},
    {"request: POST json, headers, expect on the echo", test_request_post_json},
    {"status and expect errors", test_status_and_expect_errors},
    {"connect, too_big and timeout errors", test_connect_too_big_timeout},
    {"https: ca_file, tls error, insecure", test_https},
    {"refused params", test_http_refusals},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo mcp_tests[] = {
    {"initialize: handshake_ms, requests counted", test_mcp_initialize},
    {"call over JSON and event-stream answers", test_mcp_call},
    {"server-everything: tool_discovery and call", test_mcp_everything},
    {"wscheck-mock: an MCP call and GET /health", test_mcp_mock},
    {"closing, silent and 405 servers", test_mcp_broken},
    {"refused checks and options", test_mcp_refusals},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"load http", http_init, http_clean, NULL, NULL, http_tests},
    {"load mcp over http", mcp_init, mcp_clean, NULL, NULL, mcp_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    static const char *const peers[] = {"node-mcp", "python-websockets", NULL};
    wsc_test_require_peers(peers);
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
