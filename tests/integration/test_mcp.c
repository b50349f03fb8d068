/* Tests of libwscheck's MCP client (lib/mcp_*.c) against independent
 * servers on free loopback ports: the official TypeScript SDK
 * (tests/integration/peer-mcp.js) over Streamable HTTP (JSON and event
 * stream answers), the legacy HTTP+SSE transport, WebSocket and stdio;
 * @modelcontextprotocol/server-everything over Streamable HTTP and stdio;
 * wscheck-mock's MCP endpoint; and the deliberately broken
 * peer_mcp_broken.py, whose every fault must give its precise message
 * within the deadline plus one second. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "context.h"
#include "wscheck/mcp.h"

#define PEER_START_S 20.0
#define WAIT_S 10.0

static struct wsc_test_peer http_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer sse_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer legacy_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer ws_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer auth_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer everything_peer = WSC_TEST_PEER_INIT;

/* ---- peers ------------------------------------------------------------------ */

static int start_sdk(struct wsc_test_peer *p, const char *mode)
{
    static const char *const schemes[] = {"http://", "ws://", NULL};
    const char *args[] = {mode, NULL};
    return wsc_test_peer_start(p, wsc_test_node(), "peer-mcp.js", args, schemes,
                               PEER_START_S);
}

static int sdk_init(void)
{
    if (start_sdk(&http_peer, "http") || start_sdk(&sse_peer, "http-sse") ||
        start_sdk(&legacy_peer, "sse") || start_sdk(&ws_peer, "ws"))
        return -1;
    setenv("MCP_PEER_TOKEN", "1", 1);
    int rc = start_sdk(&auth_peer, "http");
    unsetenv("MCP_PEER_TOKEN");
    return rc;
}

static int sdk_clean(void)
{
    wsc_test_peer_stop(&http_peer);
    wsc_test_peer_stop(&sse_peer);
    wsc_test_peer_stop(&legacy_peer);
    wsc_test_peer_stop(&ws_peer);
    wsc_test_peer_stop(&auth_peer);
    return 0;
}

static int everything_init(void)
{
    static const char *const schemes[] = {"http://", NULL};
    return wsc_test_peer_start(&everything_peer, wsc_test_node(),
                               "peer-mcp-everything.js", NULL, schemes, PEER_START_S);
}

static int everything_clean(void)
{
    wsc_test_peer_stop(&everything_peer);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

static struct wsc_mcp *open_url(struct wsc_ctx *ctx, const char *url,
                                enum wsc_mcp_transport transport)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(url);
    o.transport = transport;
    struct wsc_mcp *m = wsc_mcp_open(ctx, &o, wsc_now() + WAIT_S);
    wsc_mcp_options_free(&o);
    return m;
}

#define ASSERT_MCP(m, expr)                                                \
    do {                                                                   \
        enum wsc_mcp_result r_ = (expr);                                   \
        if (r_ != WSC_MCP_OK)                                              \
            fprintf(stdout, "# %s: %d %s\n", #expr, r_, wsc_mcp_error(m)); \
        CU_ASSERT_EQUAL_FATAL(r_, WSC_MCP_OK);                             \
    } while (0)

#define ASSERT_CONTAINS(s, part)                                              \
    do {                                                                      \
        const char *s_ = (s);                                                 \
        if (!wsc_test_contains(s_, part))                                     \
            fprintf(stdout, "# '%s' lacks '%s'\n", s_ ? s_ : "(null)", part); \
        CU_ASSERT(wsc_test_contains(s_, part));                               \
    } while (0)

static struct json_object *obj(const char *json)
{
    return json_tokener_parse(json);
}

/* The text of the first content item of a tools/call response. */
static const char *first_text(struct json_object *resp)
{
    struct json_object *r, *content, *item, *text;
    if (!json_object_object_get_ex(resp, "result", &r) ||
        !json_object_object_get_ex(r, "content", &content) ||
        !(item = json_object_array_get_idx(content, 0)) ||
        !json_object_object_get_ex(item, "text", &text))
        return NULL;
    return json_object_get_string(text);
}

static size_t tool_count(struct json_object *resp)
{
    struct json_object *r, *tools;
    if (!json_object_object_get_ex(resp, "result", &r) ||
        !json_object_object_get_ex(r, "tools", &tools))
        return 0;
    return json_object_array_length(tools);
}

/* initialize, tools/list, tools/call echo, ping, close: the common round. */
static void basic_round(struct wsc_mcp *m, const char *expect_version)
{
    struct json_object *resp = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_mcp_status(m), WSC_MCP_OK);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    CU_ASSERT_STRING_EQUAL(wsc_mcp_protocol_version(m), expect_version);
    ASSERT_MCP(m, wsc_mcp_request(m, "tools/list", NULL, 0, &resp));
    CU_ASSERT_EQUAL(tool_count(resp), 7);
    json_object_put(resp);
    ASSERT_MCP(m,
               wsc_mcp_request(m, "tools/call",
                               obj("{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}"),
                               0, &resp));
    CU_ASSERT_STRING_EQUAL(first_text(resp), "hi");
    json_object_put(resp);
    ASSERT_MCP(m, wsc_mcp_request(m, "ping", NULL, 0, &resp));
    json_object_put(resp);
    CU_ASSERT_EQUAL(wsc_mcp_request(m, "no/such/method", NULL, 0, &resp),
                    WSC_MCP_RPC_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "no/such/method: JSON-RPC error -32601");
    json_object_put(resp);
    CU_ASSERT_EQUAL(wsc_mcp_violation_count(m), 0);
}

/* ---- the SDK ------------------------------------------------------------------ */

static void test_sdk_http_json(void)
{
    struct wsc_mcp *m = open_url(NULL, http_peer.url, WSC_MCP_AUTO);
    basic_round(m, "2025-11-25");
    CU_ASSERT_PTR_NOT_NULL(wsc_mcp_session_id(m));
    struct json_object *info = wsc_mcp_server_info(m), *si, *name;
    CU_ASSERT(json_object_object_get_ex(info, "serverInfo", &si) &&
              json_object_object_get_ex(si, "name", &name) &&
              strcmp(json_object_get_string(name), "peer-mcp") == 0);
    CU_ASSERT_EQUAL(wsc_mcp_close(m, 0), WSC_MCP_OK);
    CU_ASSERT_EQUAL(wsc_mcp_http_status(m), 200); /* the DELETE */
    wsc_mcp_free(m);
}

static void test_sdk_version_negotiated(void)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(http_peer.url);
    o.protocol_version = strdup("2025-03-26");
    struct wsc_mcp *m = wsc_mcp_open(NULL, &o, wsc_now() + WAIT_S);
    wsc_mcp_options_free(&o);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    CU_ASSERT_STRING_EQUAL(wsc_mcp_protocol_version(m), "2025-03-26");
    CU_ASSERT(wsc_mcp_initialize_ms(m) > 0);
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
}

/* Progress and log notifications come on the request's event stream before
 * its response, and the event log keeps that order. */
static void test_sdk_http_sse_progress(void)
{
    struct wsc_mcp *m = open_url(NULL, sse_peer.url, WSC_MCP_AUTO);
    basic_round(m, "2025-11-25");
    wsc_mcp_events_clear(m);
    ASSERT_MCP(m, wsc_mcp_set_log_level(m, "info", 0));
    struct json_object *resp = NULL;
    ASSERT_MCP(m,
               wsc_mcp_request(m, "tools/call",
                               obj("{\"name\":\"progress\",\"arguments\":{\"steps\":3},"
                                   "\"_meta\":{\"progressToken\":\"tok-1\"}}"),
                               0, &resp));
    CU_ASSERT_STRING_EQUAL(first_text(resp), "done");
    json_object_put(resp);
    size_t n = wsc_mcp_event_count(m), progress = 0, logs = 0;
    CU_ASSERT_FATAL(n >= 2);
    for (size_t i = 0; i + 1 < n; i++) {
        const struct wsc_mcp_event *e = wsc_mcp_event(m, i);
        if (e->kind != WSC_MCP_EV_NOTIFICATION)
            continue;
        progress += strcmp(e->method, "notifications/progress") == 0;
        logs += strcmp(e->method, "notifications/message") == 0;
    }
    /* the log level request's response is the first event, the call's the last */
    CU_ASSERT_EQUAL(wsc_mcp_event(m, n - 1)->kind, WSC_MCP_EV_RESPONSE);
    CU_ASSERT_EQUAL(progress, 3);
    CU_ASSERT_EQUAL(logs, 3);
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
}

/* With opt.listen the GET stream carries messages not tied to a request.
 * The server drops them until the stream is up: announce until one comes. */
static void test_sdk_http_listen(void)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(http_peer.url);
    o.listen = 1;
    struct wsc_mcp *m = wsc_mcp_open(NULL, &o, wsc_now() + WAIT_S);
    wsc_mcp_options_free(&o);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    int announced = 0;
    double until = wsc_now() + WAIT_S;
    while (!announced && wsc_now() < until) {
        struct json_object *resp = NULL;
        ASSERT_MCP(m, wsc_mcp_request(m, "tools/call", obj("{\"name\":\"announce\"}"), 0,
                                      &resp));
        json_object_put(resp);
        wsc_mcp_wait_event(m, wsc_mcp_event_count(m), wsc_now() + 0.2);
        for (size_t i = 0; i < wsc_mcp_event_count(m); i++) {
            const struct wsc_mcp_event *e = wsc_mcp_event(m, i);
            announced |= e->kind == WSC_MCP_EV_NOTIFICATION &&
                         strcmp(e->method, "notifications/message") == 0;
        }
    }
    CU_ASSERT(announced);
    CU_ASSERT_EQUAL(wsc_mcp_close(m, 0), WSC_MCP_OK);
    wsc_mcp_free(m);
}

/* Non-blocking use: two requests in flight, driven by poll(). */
static void test_sdk_event_loop(void)
{
    struct wsc_mcp *m = open_url(NULL, http_peer.url, WSC_MCP_AUTO);
    int64_t init, a, b;
    ASSERT_MCP(m, wsc_mcp_begin_initialize(m, &init));
    struct json_object *resp = NULL;
    double until = wsc_now() + WAIT_S;
    int done = 0, sent = 0;
    while (done < 3 && wsc_now() < until) {
        struct pollfd fds[8];
        size_t n = wsc_mcp_pollfds(m, fds, 8);
        long t = wsc_mcp_timeout_ms(m);
        poll(fds, n < 8 ? n : 8, t < 0 || t > 100 ? 100 : (int)t);
        CU_ASSERT_EQUAL_FATAL(wsc_mcp_perform(m), WSC_MCP_OK);
        if (!sent && wsc_mcp_take(m, init, &resp) == WSC_MCP_OK) {
            json_object_put(resp);
            ASSERT_MCP(m, wsc_mcp_send(m, "ping", NULL, &a));
            ASSERT_MCP(m, wsc_mcp_send(m, "tools/list", NULL, &b));
            sent = done = 1;
        }
        if (sent && a && wsc_mcp_take(m, a, &resp) == WSC_MCP_OK) {
            json_object_put(resp);
            a = 0;
            done++;
        }
        if (sent && b && wsc_mcp_take(m, b, &resp) == WSC_MCP_OK) {
            CU_ASSERT_EQUAL(tool_count(resp), 7);
            json_object_put(resp);
            b = 0;
            done++;
        }
    }
    CU_ASSERT_EQUAL(done, 3);
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
}

/* ---- many sessions in one event loop ------------------------------------------ */

#define MANY 50
#define MANY_FDS (MANY * 4)

/* What each session of many_sessions() calls, and whether its answer fits. */
struct many_call {
    struct json_object *(*params)(int i);
    int (*answer_ok)(int i, const char *text);
};

/* One session's next step once its pending request may be answered:
 * initialize answered -> the tool call; tool call answered -> checked.
 * Returns 1 when the session is through, 0 while it waits. */
static int many_step(struct wsc_mcp *m, int i, int64_t *id, int *calling,
                     const struct many_call *call)
{
    struct json_object *resp = NULL;
    enum wsc_mcp_result r = wsc_mcp_take(m, *id, &resp);
    if (r == WSC_MCP_PENDING)
        return 0;
    if (r != WSC_MCP_OK) {
        printf("# session %d: %d %s\n", i, r, wsc_mcp_error(m));
        CU_FAIL("a session failed");
        return 1;
    }
    if (!*calling) {
        json_object_put(resp);
        *calling = 1;
        ASSERT_MCP(m, wsc_mcp_send(m, "tools/call", call->params(i), id));
        return 0;
    }
    const char *text = first_text(resp);
    if (!call->answer_ok(i, text))
        printf("# session %d: unexpected answer '%s'\n", i, text ? text : "(none)");
    CU_ASSERT(call->answer_ok(i, text));
    json_object_put(resp);
    return 1;
}

/* Opens n WebSocket sessions at once with wsc_mcp_start() in this thread,
 * sends each its initialize while its upgrade is still in progress (the
 * session queues it), and its tool call once initialize is answered; one
 * poll() over the descriptors of every session drives them all. */
static void many_sessions(const char *url, int n, const struct many_call *call)
{
    struct wsc_mcp *m[MANY];
    int64_t id[MANY];
    int calling[MANY] = {0}, through[MANY] = {0};
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(url);
    double until = wsc_now() + 2 * WAIT_S;
    int connecting = 0, left = n;
    for (int i = 0; i < n; i++) {
        m[i] = wsc_mcp_start(NULL, &o, until);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
        connecting += wsc_mcp_connecting(m[i]);
        ASSERT_MCP(m[i], wsc_mcp_begin_initialize(m[i], &id[i]));
    }
    wsc_mcp_options_free(&o);
    CU_ASSERT_EQUAL(connecting, n); /* none of them waited for its upgrade */
    while (left > 0 && wsc_now() < until) {
        struct pollfd fds[MANY_FDS];
        size_t nfds = 0;
        long t = 100;
        for (int i = 0; i < n; i++) {
            if (through[i])
                continue;
            size_t k = wsc_mcp_pollfds(m[i], fds + nfds, MANY_FDS - nfds);
            nfds += k < MANY_FDS - nfds ? k : MANY_FDS - nfds;
            long ti = wsc_mcp_timeout_ms(m[i]);
            if (ti >= 0 && ti < t)
                t = ti;
        }
        CU_ASSERT_FATAL(poll(fds, nfds, (int)t) >= 0 || errno == EINTR);
        for (int i = 0; i < n; i++) {
            if (through[i])
                continue;
            wsc_mcp_perform(m[i]);
            if (many_step(m[i], i, &id[i], &calling[i], call)) {
                through[i] = 1;
                left--;
            }
        }
    }
    CU_ASSERT_EQUAL(left, 0);
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(wsc_mcp_violation_count(m[i]), 0);
        wsc_mcp_close(m[i], 0);
        wsc_mcp_free(m[i]);
    }
}

static struct json_object *echo_params(int i)
{
    char json[96];
    snprintf(json, sizeof json,
             "{\"name\":\"echo\",\"arguments\":{\"text\":\"session %d\"}}", i);
    return obj(json);
}

static int echo_ok(int i, const char *text)
{
    char want[32];
    snprintf(want, sizeof want, "session %d", i);
    return text && strcmp(text, want) == 0;
}

/* Fifty SDK sessions over WebSocket, each echoing its own text. */
static void test_sdk_websocket_many(void)
{
    static const struct many_call call = {echo_params, echo_ok};
    many_sessions(ws_peer.url, MANY, &call);
}

/* The server asks roots/list in the middle of a tool call; the answer comes
 * from the options. */
static void roots_round(const char *url)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(url);
    o.roots = obj("[{\"uri\":\"file:///srv/project\",\"name\":\"project\"}]");
    struct wsc_mcp *m = wsc_mcp_open(NULL, &o, wsc_now() + WAIT_S);
    wsc_mcp_options_free(&o);
    basic_round(m, "2025-11-25");
    struct json_object *resp = NULL;
    ASSERT_MCP(m,
               wsc_mcp_request(m, "tools/call", obj("{\"name\":\"roots\"}"), 0, &resp));
    ASSERT_CONTAINS(first_text(resp), "file:///srv/project");
    json_object_put(resp);
    /* the server's roots/list request is in the log, answered */
    int asked = 0;
    for (size_t i = 0; i < wsc_mcp_event_count(m); i++) {
        const struct wsc_mcp_event *e = wsc_mcp_event(m, i);
        asked |= e->kind == WSC_MCP_EV_REQUEST && strcmp(e->method, "roots/list") == 0;
    }
    CU_ASSERT(asked);
    CU_ASSERT_EQUAL(wsc_mcp_close(m, 0), WSC_MCP_OK);
    wsc_mcp_free(m);
}

static void test_sdk_websocket_roots(void)
{
    roots_round(ws_peer.url);
}

static void test_sdk_http_sse_roots(void)
{
    roots_round(sse_peer.url);
}

/* Without configured roots the server's request gets a JSON-RPC error, which
 * the SDK server turns into a failed tool call; the session goes on. */
static void test_sdk_unconfigured_server_request(void)
{
    struct wsc_mcp *m = open_url(NULL, ws_peer.url, WSC_MCP_AUTO);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    struct json_object *resp = NULL;
    enum wsc_mcp_result r =
        wsc_mcp_request(m, "tools/call", obj("{\"name\":\"roots\"}"), 0, &resp);
    CU_ASSERT(r == WSC_MCP_OK || r == WSC_MCP_RPC_ERROR);
    json_object_put(resp);
    ASSERT_MCP(m, wsc_mcp_request(m, "ping", NULL, 0, &resp));
    json_object_put(resp);
    wsc_mcp_free(m);
}

static void test_sdk_legacy_sse(void)
{
    struct wsc_mcp *m = open_url(NULL, legacy_peer.url, WSC_MCP_SSE);
    basic_round(m, "2025-11-25");
    CU_ASSERT_PTR_NULL(wsc_mcp_session_id(m));
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
}

static void test_sdk_stdio(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(WAIT_S, NULL, 0);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "stdio:%s %s/tests/integration/peer-mcp.js stdio",
             wsc_test_node(), wsc_test_srcdir());
    struct wsc_mcp *m = open_url(ctx, cmd, WSC_MCP_AUTO);
    basic_round(m, "2025-11-25");
    CU_ASSERT_EQUAL(wsc_mcp_close(m, 0), WSC_MCP_OK);
    ASSERT_CONTAINS(wsc_mcp_stderr(m), "stdio server ready");
    wsc_mcp_free(m);
    /* stderr went to the notes, the messages to the trace */
    ASSERT_CONTAINS(ctx->log.data, "stdio server ready");
    const char *trace = json_object_to_json_string(ctx->trace);
    ASSERT_CONTAINS(trace, "\"mcp\"");
    wsc_ctx_free(ctx);
}

/* Malformed JSON: over HTTP a 400 with a JSON-RPC error body, over WebSocket
 * an error with a null id; the session goes on. */
static void test_sdk_malformed_json(void)
{
    const char *urls[] = {http_peer.url, ws_peer.url};
    enum wsc_mcp_result want[] = {WSC_MCP_HTTP_ERROR, WSC_MCP_RPC_ERROR};
    const char *message[] = {"HTTP 400: JSON-RPC error -32700", "JSON-RPC error -32700"};
    for (int i = 0; i < 2; i++) {
        struct wsc_mcp *m = open_url(NULL, urls[i], WSC_MCP_AUTO);
        ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
        int64_t id;
        struct json_object *resp = NULL;
        ASSERT_MCP(m, wsc_mcp_send_raw(m, "{\"jsonrpc\":\"2.0\",", 13, &id));
        CU_ASSERT_EQUAL(wsc_mcp_wait(m, id, 0, &resp), want[i]);
        ASSERT_CONTAINS(wsc_mcp_error(m), message[i]);
        struct json_object *err, *code;
        CU_ASSERT(json_object_object_get_ex(resp, "error", &err) &&
                  json_object_object_get_ex(err, "code", &code) &&
                  json_object_get_int(code) == -32700);
        json_object_put(resp);
        ASSERT_MCP(m, wsc_mcp_request(m, "ping", NULL, 0, &resp));
        json_object_put(resp);
        CU_ASSERT_EQUAL(wsc_mcp_violation_count(m), 0);
        wsc_mcp_free(m);
    }
}

/* A cancelled request: no answer is expected, one that still comes is
 * dropped, and the session goes on. */
static void test_sdk_cancel(void)
{
    struct wsc_mcp *m = open_url(NULL, ws_peer.url, WSC_MCP_AUTO);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    int64_t id;
    struct json_object *resp = NULL;
    ASSERT_MCP(m,
               wsc_mcp_send(m, "tools/call",
                            obj("{\"name\":\"sleep\",\"arguments\":{\"ms\":300}}"), &id));
    ASSERT_MCP(m, wsc_mcp_cancel(m, id, "no longer needed"));
    CU_ASSERT_EQUAL(wsc_mcp_take(m, id, &resp), WSC_MCP_PENDING);
    ASSERT_CONTAINS(wsc_mcp_error(m), "tools/call: cancelled");
    CU_ASSERT_EQUAL(wsc_mcp_take(m, id + 100, &resp), WSC_MCP_INVALID);
    ASSERT_MCP(m, wsc_mcp_request(m, "tools/call",
                                  obj("{\"name\":\"sleep\",\"arguments\":{\"ms\":600}}"),
                                  0, &resp));
    CU_ASSERT_STRING_EQUAL(first_text(resp), "slept");
    json_object_put(resp);
    CU_ASSERT_EQUAL(wsc_mcp_violation_count(m), 0);
    wsc_mcp_free(m);
}

/* A server that never answers: the wait ends at its deadline, and closing
 * ends the process (SIGTERM after the grace period). */
static void test_stdio_silent_server(void)
{
    struct wsc_mcp *m = open_url(NULL, "stdio:sleep 30", WSC_MCP_AUTO);
    double started = wsc_now();
    CU_ASSERT_EQUAL(wsc_mcp_initialize(m, wsc_now() + 1.0), WSC_MCP_TIMEOUT);
    ASSERT_CONTAINS(wsc_mcp_error(m), "initialize: no response within 1.0");
    CU_ASSERT(wsc_now() - started < 2.0);
    started = wsc_now();
    wsc_mcp_close(m, wsc_now() + 0.5);
    CU_ASSERT(wsc_now() - started < HANG_GUARD_S);
    wsc_mcp_free(m);
}

/* stdout closed: the session fails saying so; stderr is kept up to
 * max_stderr bytes; the command runs through the shell when asked. */
static void test_stdio_exit_and_stderr_bound(void)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup("stdio:head -c 300000 /dev/zero | tr '\\0' e >&2; exit 3");
    o.shell = 1;
    o.max_stderr = 1000;
    struct wsc_mcp *m = wsc_mcp_open(NULL, &o, wsc_now() + WAIT_S);
    wsc_mcp_options_free(&o);
    CU_ASSERT_EQUAL(wsc_mcp_initialize(m, 0), WSC_MCP_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "the server process ");
    wsc_mcp_close(m, 0);
    CU_ASSERT_EQUAL(strlen(wsc_mcp_stderr(m)), 1000);
    CU_ASSERT_EQUAL(wsc_mcp_stderr(m)[0], 'e');
    wsc_mcp_free(m);
}

static void test_sdk_stdio_missing_command(void)
{
    struct wsc_mcp *m = open_url(NULL, "stdio:/nonexistent/mcp-server --x", WSC_MCP_AUTO);
    CU_ASSERT_EQUAL(wsc_mcp_status(m), WSC_MCP_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "cannot run '/nonexistent/mcp-server'");
    wsc_mcp_free(m);
}

/* A 401 is reported with its WWW-Authenticate; the bearer token is a secret. */
static void test_sdk_bearer(void)
{
    struct wsc_mcp *m = open_url(NULL, auth_peer.url, WSC_MCP_AUTO);
    CU_ASSERT_EQUAL(wsc_mcp_initialize(m, 0), WSC_MCP_HTTP_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "HTTP 401 (the server requires authorization; "
                                      "WWW-Authenticate: Bearer realm=\"peer-mcp\")");
    CU_ASSERT_EQUAL(wsc_mcp_http_status(m), 401);
    wsc_mcp_free(m);

    struct wsc_ctx *ctx = wsc_ctx_new(WAIT_S, NULL, 0);
    struct json_object *params = json_object_new_object();
    json_object_object_add(params, "url", json_object_new_string(auth_peer.url));
    json_object_object_add(params, "headers",
                           obj("{\"Authorization\":\"Bearer peer-token\"}"));
    struct wsc_mcp_options o;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_mcp_options_parse(ctx, params, &o, &err), 0);
    m = wsc_mcp_open(ctx, &o, 0);
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
    wsc_mcp_options_free(&o);
    json_object_put(params);
    CU_ASSERT(wsc_redactor_has_secret(ctx->redactor, "peer-token"));
    wsc_ctx_free(ctx);
}

/* ---- server-everything ------------------------------------------------------------ */

static void everything_round(struct wsc_mcp *m)
{
    struct json_object *resp = NULL;
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    CU_ASSERT_STRING_EQUAL(wsc_mcp_protocol_version(m), "2025-11-25");
    ASSERT_MCP(m, wsc_mcp_request(m, "tools/list", NULL, 0, &resp));
    CU_ASSERT(tool_count(resp) >= 5);
    json_object_put(resp);
    ASSERT_MCP(m, wsc_mcp_request(
                      m, "tools/call",
                      obj("{\"name\":\"echo\",\"arguments\":{\"message\":\"hello\"}}"), 0,
                      &resp));
    ASSERT_CONTAINS(first_text(resp), "hello");
    json_object_put(resp);
    CU_ASSERT_EQUAL(wsc_mcp_violation_count(m), 0);
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
}

static void test_everything_http(void)
{
    everything_round(open_url(NULL, everything_peer.url, WSC_MCP_AUTO));
}

static void test_everything_stdio(void)
{
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    char script[1024];
    snprintf(script, sizeof script,
             "%s/tests/peers/node_modules/@modelcontextprotocol/server-everything/dist/"
             "index.js",
             wsc_test_srcdir());
    const char *node_path = getenv("NODE_PATH");
    if (node_path && strstr(node_path, "node_modules"))
        snprintf(script, sizeof script,
                 "%s/@modelcontextprotocol/server-everything/dist/index.js", node_path);
    wsc_strv_push(&o.argv, &o.n_argv, wsc_test_node());
    wsc_strv_push(&o.argv, &o.n_argv, script);
    wsc_strv_push(&o.argv, &o.n_argv, "stdio");
    struct wsc_mcp *m = wsc_mcp_open(NULL, &o, wsc_now() + 2 * WAIT_S);
    wsc_mcp_options_free(&o);
    everything_round(m);
}

/* ---- wscheck-mock -------------------------------------------------------------- */

static struct wsc_test_mock mock = WSC_TEST_MOCK_INIT;
static char mock_ws_url[160]; /* its WebSocket port: MCP with subprotocol mcp */

/* Starts wscheck-mock on free ports (its URLs: testutil.h); mock_ws_url is
 * its WebSocket port's MCP path. */
static int mock_init(void)
{
    if (wsc_test_mock_start(&mock, NULL, PEER_START_S) != 0)
        return -1;
    snprintf(mock_ws_url, sizeof mock_ws_url, "%s/mcp", mock.ws);
    return 0;
}

static int mock_clean(void)
{
    wsc_test_mock_stop(&mock);
    return 0;
}

static void test_mock_http(void)
{
    struct wsc_mcp *m = open_url(NULL, mock.mcp, WSC_MCP_AUTO);
    struct json_object *resp = NULL;
    ASSERT_MCP(m, wsc_mcp_initialize(m, 0));
    CU_ASSERT_PTR_NOT_NULL(wsc_mcp_protocol_version(m));
    ASSERT_MCP(m, wsc_mcp_request(m, "tools/list", NULL, 0, &resp));
    CU_ASSERT_EQUAL(tool_count(resp), 4);
    json_object_put(resp);
    ASSERT_MCP(
        m, wsc_mcp_request(m, "tools/call",
                           obj("{\"name\":\"get_websocket_clients\",\"arguments\":{}}"),
                           0, &resp));
    ASSERT_CONTAINS(first_text(resp), "\"status\"");
    json_object_put(resp);
    CU_ASSERT_EQUAL(
        wsc_mcp_request(m, "tools/call", obj("{\"name\":\"nope\"}"), 0, &resp),
        WSC_MCP_RPC_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "tools/call: JSON-RPC error -32602");
    json_object_put(resp);
    CU_ASSERT_EQUAL(wsc_mcp_violation_count(m), 0);
    CU_ASSERT_EQUAL(wsc_mcp_close(m, 0), WSC_MCP_OK);
    wsc_mcp_free(m);
}

static struct json_object *clients_params(int i)
{
    (void)i;
    return obj("{\"name\":\"get_websocket_clients\",\"arguments\":{}}");
}

static int clients_ok(int i, const char *text)
{
    (void)i;
    return text && strstr(text, "\"status\"") != NULL;
}

/* Fifty sessions on the mock's WebSocket port (subprotocol mcp). */
static void test_mock_websocket_many(void)
{
    static const struct many_call call = {clients_params, clients_ok};
    many_sessions(mock_ws_url, MANY, &call);
}

/* ---- broken servers ------------------------------------------------------------ */

/* Starts peer_mcp_broken.py MODE, initializes with a deadline of `limit`
 * seconds, and expects `result` with `message` in the error, well within
 * the limit plus one second. */
static void expect_broken(const char *mode, double limit, enum wsc_mcp_result result,
                          const char *message)
{
    static const char *const schemes[] = {"http://", "ws://", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {mode, NULL};
    CU_ASSERT_EQUAL_FATAL(wsc_test_peer_start(&p, wsc_test_python(), "peer_mcp_broken.py",
                                              args, schemes, PEER_START_S),
                          0);
    double started = wsc_now();
    struct wsc_mcp *m = open_url(NULL, p.url, WSC_MCP_AUTO);
    enum wsc_mcp_result r = wsc_mcp_status(m);
    if (r == WSC_MCP_OK)
        r = wsc_mcp_initialize(m, wsc_now() + limit);
    if (r == WSC_MCP_OK) /* faults that show after initialize */
        r = wsc_mcp_wait_event(m, (size_t)-2, wsc_now() + limit);
    double took = wsc_now() - started;
    if (r != result)
        printf("# %s: got %d '%s'\n", mode, r, wsc_mcp_error(m));
    CU_ASSERT_EQUAL(r, result);
    ASSERT_CONTAINS(wsc_mcp_error(m), message);
    CU_ASSERT(took < limit + 1.0);
    wsc_mcp_free(m);
    wsc_test_peer_stop(&p);
}

static void test_broken_wrong_id(void)
{
    expect_broken("wrong-id", 5, WSC_MCP_PROTOCOL,
                  "rule response-id-type (basic#responses) at /id: the string \"1\" "
                  "answers the request whose id is the integer 1");
}

static void test_broken_result_and_error(void)
{
    expect_broken("result-and-error", 5, WSC_MCP_PROTOCOL,
                  "rule response-result-xor-error (basic#responses) at /: a response has "
                  "both result and error");
}

static void test_broken_no_jsonrpc(void)
{
    expect_broken("no-jsonrpc", 5, WSC_MCP_PROTOCOL,
                  "rule jsonrpc-version (basic#messages) at /jsonrpc: missing");
}

static void test_broken_error_code(void)
{
    expect_broken("error-code-string", 5, WSC_MCP_PROTOCOL,
                  "rule error-code-integer (basic#responses) at /error/code: the string "
                  "\"-32000\"; must be an integer");
}

static void test_broken_result_array(void)
{
    expect_broken("result-array", 5, WSC_MCP_PROTOCOL,
                  "rule result-object (basic#responses) at /result: the array [1,2]");
}

static void test_broken_unknown_id(void)
{
    expect_broken("unknown-id", 5, WSC_MCP_PROTOCOL,
                  "rule response-id-unknown (basic#responses) at /id: the integer 99");
}

static void test_broken_session_id(void)
{
    expect_broken(
        "session-id-spaces", 5, WSC_MCP_PROTOCOL,
        "rule session-id-visible-ascii (basic/transports#session-management) at "
        "Mcp-Session-Id: byte 0x20 at offset 1");
}

static void test_broken_silent(void)
{
    expect_broken("silent", 1.5, WSC_MCP_TIMEOUT, "initialize: no response within 1.5");
}

static void test_broken_unauthorized(void)
{
    expect_broken("unauthorized", 5, WSC_MCP_HTTP_ERROR,
                  "HTTP 401 (the server requires authorization; WWW-Authenticate: Bearer "
                  "realm=\"mcp\")");
}

static void test_broken_notification_200(void)
{
    expect_broken("notification-200", 3, WSC_MCP_PROTOCOL,
                  "rule http-notification-accepted");
}

static void test_broken_old_version(void)
{
    expect_broken("old-version", 5, WSC_MCP_PROTOCOL,
                  "rule protocol-version (basic/lifecycle#version-negotiation) at "
                  "/result/protocolVersion: the server chose '1999-01-01'");
}

static void test_broken_ws_subprotocol(void)
{
    expect_broken(
        "ws-no-subprotocol", 5, WSC_MCP_PROTOCOL,
        "rule ws-subprotocol (basic/transports#websocket) at "
        "Sec-WebSocket-Protocol: the server did not echo the subprotocol 'mcp'");
}

static void test_broken_ws_binary(void)
{
    expect_broken("ws-binary", 5, WSC_MCP_PROTOCOL, "rule ws-text-frames");
}

static void test_broken_batch(void)
{
    expect_broken(
        "batch", 5, WSC_MCP_PROTOCOL,
        "rule batch (basic#messages) at /: a JSON array (batch) is only allowed in "
        "protocol 2025-03-26");
}

static void test_broken_ws_unauthorized(void)
{
    expect_broken("ws-unauthorized", 5, WSC_MCP_ERROR,
                  "the server requires authorization: HTTP 401, WWW-Authenticate: Bearer "
                  "realm=\"mcp\"");
}

/* The same refusals with wsc_mcp_start(): the session is connecting, takes
 * a request (queued), and fails in wsc_mcp_perform() with the message of a
 * blocking open; the queued request gets that failure. */
static void expect_broken_start(const char *mode, enum wsc_mcp_result result,
                                const char *message)
{
    static const char *const schemes[] = {"ws://", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {mode, NULL};
    CU_ASSERT_EQUAL_FATAL(wsc_test_peer_start(&p, wsc_test_python(), "peer_mcp_broken.py",
                                              args, schemes, PEER_START_S),
                          0);
    struct wsc_mcp_options o;
    wsc_mcp_options_init(&o);
    o.url = strdup(p.url);
    double until = wsc_now() + 5;
    struct wsc_mcp *m = wsc_mcp_start(NULL, &o, until);
    wsc_mcp_options_free(&o);
    CU_ASSERT_EQUAL(wsc_mcp_status(m), WSC_MCP_OK);
    CU_ASSERT(wsc_mcp_connecting(m));
    int64_t id;
    ASSERT_MCP(m, wsc_mcp_send(m, "ping", NULL, &id));
    while (wsc_mcp_connecting(m) && wsc_now() < until) {
        struct pollfd fds[8];
        size_t n = wsc_mcp_pollfds(m, fds, 8);
        long t = wsc_mcp_timeout_ms(m);
        poll(fds, n < 8 ? n : 8, t < 0 || t > 100 ? 100 : (int)t);
        wsc_mcp_perform(m);
    }
    CU_ASSERT(!wsc_mcp_connecting(m));
    CU_ASSERT_EQUAL(wsc_mcp_status(m), result);
    ASSERT_CONTAINS(wsc_mcp_error(m), message);
    struct json_object *resp = NULL;
    CU_ASSERT_EQUAL(wsc_mcp_take(m, id, &resp), result);
    CU_ASSERT_PTR_NULL(resp);
    ASSERT_CONTAINS(wsc_mcp_error(m), message);
    wsc_mcp_free(m);
    wsc_test_peer_stop(&p);
}

static void test_broken_ws_unauthorized_start(void)
{
    expect_broken_start("ws-unauthorized", WSC_MCP_ERROR,
                        "the server requires authorization: HTTP 401, "
                        "WWW-Authenticate: Bearer realm=\"mcp\"");
}

static void test_broken_ws_subprotocol_start(void)
{
    expect_broken_start(
        "ws-no-subprotocol", WSC_MCP_PROTOCOL,
        "rule ws-subprotocol (basic/transports#websocket) at "
        "Sec-WebSocket-Protocol: the server did not echo the subprotocol 'mcp'");
}

static void test_broken_stream_ends(void)
{
    expect_broken("stream-ends", 5, WSC_MCP_ERROR,
                  "the event stream answering request 1 ended without its response (no "
                  "event id to resume from)");
}

/* A stream that ends after an event id resumes with Last-Event-ID. */
static void test_resumed_stream(void)
{
    static const char *const schemes[] = {"http://", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {"resumable", NULL};
    CU_ASSERT_EQUAL_FATAL(wsc_test_peer_start(&p, wsc_test_python(), "peer_mcp_broken.py",
                                              args, schemes, PEER_START_S),
                          0);
    struct wsc_mcp *m = open_url(NULL, p.url, WSC_MCP_AUTO);
    ASSERT_MCP(m, wsc_mcp_initialize(m, wsc_now() + 5));
    CU_ASSERT_STRING_EQUAL(wsc_mcp_protocol_version(m), "2025-06-18");
    wsc_mcp_free(m);
    wsc_test_peer_stop(&p);
}

/* A stream that ends after "retry: 500" resumes no sooner: the peer
 * answers the resumption with an error if it came early (by its clock). */
static void test_resumed_after_retry(void)
{
    static const char *const schemes[] = {"http://", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {"retry", NULL};
    CU_ASSERT_EQUAL_FATAL(wsc_test_peer_start(&p, wsc_test_python(), "peer_mcp_broken.py",
                                              args, schemes, PEER_START_S),
                          0);
    struct wsc_mcp *m = open_url(NULL, p.url, WSC_MCP_AUTO);
    ASSERT_MCP(m, wsc_mcp_initialize(m, wsc_now() + 5));
    CU_ASSERT_STRING_EQUAL(wsc_mcp_protocol_version(m), "2025-06-18");
    wsc_mcp_free(m);
    wsc_test_peer_stop(&p);
}

static void test_refused(void)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mcp", wsc_test_closed_port());
    struct wsc_mcp *m = open_url(NULL, url, WSC_MCP_AUTO);
    CU_ASSERT_EQUAL(wsc_mcp_initialize(m, wsc_now() + 5), WSC_MCP_ERROR);
    ASSERT_CONTAINS(wsc_mcp_error(m), "POST http://127.0.0.1:");
    wsc_mcp_free(m);
}

static CU_TestInfo sdk_tests[] = {
    {"sdk: Streamable HTTP, JSON answers", test_sdk_http_json},
    {"sdk: the offered version is negotiated", test_sdk_version_negotiated},
    {"sdk: Streamable HTTP, event streams with progress and logs",
     test_sdk_http_sse_progress},
    {"sdk: driven by an event loop", test_sdk_event_loop},
    {"sdk: 50 WebSocket sessions opened and driven by one poll loop",
     test_sdk_websocket_many},
    {"sdk: the GET stream with listen", test_sdk_http_listen},
    {"sdk: WebSocket, roots/list answered", test_sdk_websocket_roots},
    {"sdk: Streamable HTTP, roots/list on the event stream", test_sdk_http_sse_roots},
    {"sdk: unconfigured server request", test_sdk_unconfigured_server_request},
    {"sdk: legacy HTTP+SSE", test_sdk_legacy_sse},
    {"sdk: stdio, stderr in the notes", test_sdk_stdio},
    {"stdio: a command that cannot run", test_sdk_stdio_missing_command},
    {"stdio: a server that never answers", test_stdio_silent_server},
    {"stdio: exit, stderr bounded, shell", test_stdio_exit_and_stderr_bound},
    {"sdk: cancellation", test_sdk_cancel},
    {"sdk: malformed JSON", test_sdk_malformed_json},
    {"sdk: bearer token, 401 with WWW-Authenticate", test_sdk_bearer},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo everything_tests[] = {
    {"server-everything: Streamable HTTP", test_everything_http},
    {"server-everything: stdio", test_everything_stdio},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo mock_tests[] = {
    {"wscheck-mock: Streamable HTTP", test_mock_http},
    {"wscheck-mock: 50 WebSocket sessions opened and driven by one poll loop",
     test_mock_websocket_many},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo broken_tests[] = {
    {"broken: id echoed as a string", test_broken_wrong_id},
    {"broken: result and error", test_broken_result_and_error},
    {"broken: no jsonrpc member", test_broken_no_jsonrpc},
    {"broken: error code not an integer", test_broken_error_code},
    {"broken: result not an object", test_broken_result_array},
    {"broken: response to an unknown id", test_broken_unknown_id},
    {"broken: session id with a space", test_broken_session_id},
    {"broken: never answers", test_broken_silent},
    {"broken: 401 with WWW-Authenticate", test_broken_unauthorized},
    {"broken: notification answered with 200", test_broken_notification_200},
    {"broken: unknown protocol version chosen", test_broken_old_version},
    {"broken: WebSocket without the mcp subprotocol", test_broken_ws_subprotocol},
    {"broken: WebSocket binary frames", test_broken_ws_binary},
    {"broken: a batch outside 2025-03-26", test_broken_batch},
    {"broken: WebSocket upgrade refused with 401", test_broken_ws_unauthorized},
    {"broken: WebSocket upgrade refused with 401, without blocking",
     test_broken_ws_unauthorized_start},
    {"broken: WebSocket without the mcp subprotocol, without blocking",
     test_broken_ws_subprotocol_start},
    {"broken: an event stream ends before the response", test_broken_stream_ends},
    {"an event stream resumed with Last-Event-ID", test_resumed_stream},
    {"an event stream resumed no sooner than its retry field asks",
     test_resumed_after_retry},
    {"connection refused", test_refused},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"mcp against the TypeScript SDK", sdk_init, sdk_clean, NULL, NULL, sdk_tests},
    {"mcp against server-everything", everything_init, everything_clean, NULL, NULL,
     everything_tests},
    {"mcp against wscheck-mock", mock_init, mock_clean, NULL, NULL, mock_tests},
    {"mcp against broken servers", NULL, NULL, NULL, NULL, broken_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    static const char *const peers[] = {"node-ws", "node-mcp", NULL};
    wsc_test_require_peers(peers);
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
