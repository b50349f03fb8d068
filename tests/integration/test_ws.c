/* Tests of the WebSocket layer (lib/ws.c) against real peers on free
 * loopback ports: node `ws` (tests/integration/peer-ws.js), Python
 * `websockets` (peer_websockets.py) and the deliberately broken raw server
 * (peer_raw.py). Every broken mode must give its precise message within its
 * deadline plus one second. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "context.h"
#include "wscheck/ws.h"

#define PEER_START_S 15.0

static struct wsc_test_peer node_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer py_peer = WSC_TEST_PEER_INIT;

/* ---- peers ------------------------------------------------------------------ */

/* Starts a peer that prints "ws://127.0.0.1:PORT" (or wss://) within
 * PEER_START_S. */
static int start_peer(struct wsc_test_peer *p, const char *interp, const char *script,
                      const char *const *args)
{
    static const char *const schemes[] = {"ws://", "wss://", NULL};
    return wsc_test_peer_start(p, interp, script, args, schemes, PEER_START_S);
}

static int start_node(struct wsc_test_peer *p, const char *const *args)
{
    return start_peer(p, wsc_test_node(), "peer-ws.js", args);
}

static int start_raw(struct wsc_test_peer *p, const char *mode)
{
    const char *args[] = {mode, NULL};
    return start_peer(p, wsc_test_python(), "peer_raw.py", args);
}

/* ---- helpers ------------------------------------------------------------------ */

static void opts_for(struct wsc_ws_options *o, const char *url)
{
    wsc_ws_options_init(o);
    o->url = strdup(url);
}

static int add_subprotocol(struct wsc_ws_options *o, const char *p)
{
    char **a = realloc(o->subprotocols, (o->n_subprotocols + 1) * sizeof *a);
    if (!a)
        return -1;
    o->subprotocols = a;
    a[o->n_subprotocols++] = strdup(p);
    return 0;
}

static struct wsc_ws *connect_to(const char *url, unsigned max, int observe)
{
    struct wsc_ws_options o;
    opts_for(&o, url);
    if (max)
        o.max_message_size = max;
    o.observe_pings = observe;
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    wsc_ws_options_free(&o);
    return ws;
}

#define ASSERT_OK(ws, expr)                                                \
    do {                                                                   \
        enum wsc_ws_result r_ = (expr);                                    \
        if (r_ != WSC_WS_OK)                                               \
            fprintf(stderr, "# %s: %d %s\n", #expr, r_, wsc_ws_error(ws)); \
        CU_ASSERT_EQUAL_FATAL(r_, WSC_WS_OK);                              \
    } while (0)

/* Sends a text command and receives the next data message. */
static enum wsc_ws_result roundtrip(struct wsc_ws *ws, const char *text,
                                    struct wsc_ws_msg *m)
{
    enum wsc_ws_result r = wsc_ws_send_text(ws, text, strlen(text));
    if (r != WSC_WS_OK)
        return r;
    return wsc_ws_recv(ws, m, WSC_WS_DATA, wsc_now() + 5);
}

/* ---- options ------------------------------------------------------------------ */

static void test_accept_rfc_example(void)
{
    char out[29];
    CU_ASSERT_EQUAL(wsc_ws_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==", out), 0);
    CU_ASSERT_STRING_EQUAL(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void test_options_parse(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct json_object *p = json_tokener_parse(
        "{\"url\":\"wss://user:pw123@example.test/x\",\"headers\":{\"Authorization\":"
        "\"Bearer tok-42\",\"X-A\":\"1\"},\"origin\":\"https://o.test\",\"subprotocols\":"
        "[\"mcp\",\"chat\"],\"connect_timeout\":1.5,\"insecure\":true,\"ca_file\":\"ca.pem\","
        "\"max_message_size\":4096,\"count\":3}");
    struct wsc_ws_options o;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_ws_options_parse(ctx, p, &o, &err), 0);
    CU_ASSERT_STRING_EQUAL(o.url, "wss://user:pw123@example.test/x");
    CU_ASSERT_EQUAL(o.n_headers, 2);
    CU_ASSERT_STRING_EQUAL(o.headers[0], "Authorization: Bearer tok-42");
    CU_ASSERT_STRING_EQUAL(o.origin, "https://o.test");
    CU_ASSERT_EQUAL(o.n_subprotocols, 2);
    CU_ASSERT_STRING_EQUAL(o.subprotocols[1], "chat");
    CU_ASSERT_DOUBLE_EQUAL(o.connect_timeout, 1.5, 1e-9);
    CU_ASSERT_EQUAL(o.insecure, 1);
    CU_ASSERT_STRING_EQUAL(o.ca_file, "ca.pem");
    CU_ASSERT_EQUAL(o.max_message_size, 4096);
    /* the credential, its token and the URL password are secrets */
    CU_ASSERT(wsc_redactor_has_secret(ctx->redactor, "tok-42"));
    CU_ASSERT(wsc_redactor_has_secret(ctx->redactor, "pw123"));
    wsc_ws_options_free(&o);
    json_object_put(p);
    wsc_ctx_free(ctx);
}

static void expect_parse_error(const char *json, const char *message)
{
    struct json_object *p = json_tokener_parse(json);
    struct wsc_ws_options o;
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_ws_options_parse(NULL, p, &o, &err), -1);
    if (!wsc_test_contains(err, message))
        fprintf(stderr, "# got '%s', expected '%s'\n", err ? err : "(null)", message);
    CU_ASSERT(wsc_test_contains(err, message));
    CU_ASSERT_PTR_NULL(o.url);
    free(err);
    json_object_put(p);
}

static void test_options_errors(void)
{
    expect_parse_error("{}", "url: missing");
    expect_parse_error("{\"url\":\"http://x\"}",
                       "url: expected a ws:// or wss:// URL, got 'http://x'");
    expect_parse_error("{\"url\":\"ws://x\",\"headers\":{\"X\":\"a\\r\\nB: c\"}}",
                       "headers/X: the value contains a line break");
    expect_parse_error("{\"url\":\"ws://x\",\"subprotocols\":[\"a,b\"]}",
                       "subprotocols/0: 'a,b' is not a valid token");
    expect_parse_error("{\"url\":\"ws://x\",\"max_message_size\":0}",
                       "max_message_size: expected a positive integer");
    expect_parse_error("{\"url\":\"ws://x\",\"headers\":[]}",
                       "headers: expected an object of strings");
}

static void test_schema_fragment_is_json(void)
{
    struct json_object *s = json_tokener_parse(
        "{\"type\":\"object\",\"properties\":{" WSC_WS_OPTION_PROPS "}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct json_object *props, *v;
    CU_ASSERT(json_object_object_get_ex(s, "properties", &props));
    const char *names[] = {
        "url",     "headers",  "origin",      "subprotocols", "connect_timeout",
        "ca_file", "insecure", "client_cert", "client_key",   "max_message_size"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        CU_ASSERT(json_object_object_get_ex(props, names[i], &v));
    json_object_put(s);
}

/* ---- node `ws` ------------------------------------------------------------------ */

static int node_init(void)
{
    const char *args[] = {"--protocols", "chat,mcp", NULL};
    return start_node(&node_peer, args);
}

static int node_clean(void)
{
    wsc_test_peer_stop(&node_peer);
    return 0;
}

static void test_node_subprotocol(void)
{
    struct wsc_ws_options o;
    opts_for(&o, node_peer.url);
    add_subprotocol(&o, "v9.unknown");
    add_subprotocol(&o, "mcp");
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws), 101);
    CU_ASSERT_STRING_EQUAL(wsc_ws_subprotocol(ws), "mcp");
    CU_ASSERT_STRING_EQUAL(wsc_ws_response_header(ws, "Sec-WebSocket-Protocol"), "mcp");
    CU_ASSERT(wsc_ws_handshake_ms(ws) > 0);
    CU_ASSERT(wsc_ws_socket(ws) >= 0);
    ASSERT_OK(ws, wsc_ws_close(ws, 1000, "done", wsc_now() + 5));
    CU_ASSERT_EQUAL(wsc_ws_peer_close_code(ws), 1000);
    CU_ASSERT(wsc_ws_is_closed(ws));
    wsc_ws_free(ws);
    wsc_ws_options_free(&o);
}

#define STARTED 8

/* Drives connections started with wsc_ws_connect_start() from one poll()
 * until none is pending; returns how many ended WSC_WS_OK. */
static int drive_connects(struct wsc_ws **ws, int n, double until)
{
    int pending = n;
    while (pending > 0 && wsc_now() < until) {
        struct pollfd fds[STARTED * 4];
        size_t nfds = 0;
        long t = 100;
        for (int i = 0; i < n; i++) {
            if (wsc_ws_status(ws[i]) != WSC_WS_PENDING)
                continue;
            size_t k = wsc_ws_connect_pollfds(ws[i], fds + nfds, STARTED * 4 - nfds);
            nfds += k < STARTED * 4 - nfds ? k : STARTED * 4 - nfds;
            long ti = wsc_ws_connect_timeout_ms(ws[i]);
            if (ti >= 0 && ti < t)
                t = ti;
        }
        CU_ASSERT_FATAL(poll(fds, nfds, (int)t) >= 0 || errno == EINTR);
        pending = 0;
        for (int i = 0; i < n; i++)
            pending += wsc_ws_connect_perform(ws[i]) == WSC_WS_PENDING;
    }
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += wsc_ws_status(ws[i]) == WSC_WS_OK;
    return ok;
}

/* Several upgrades in flight at once from one thread: nothing is usable
 * before its upgrade is over, everything after it is as after
 * wsc_ws_connect(). */
static void test_node_connect_start(void)
{
    struct wsc_ws *ws[STARTED];
    struct wsc_ws_options o;
    opts_for(&o, node_peer.url);
    add_subprotocol(&o, "mcp");
    for (int i = 0; i < STARTED; i++) {
        ws[i] = wsc_ws_connect_start(NULL, &o, wsc_now() + 10, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ws[i]);
        CU_ASSERT_EQUAL(wsc_ws_status(ws[i]), WSC_WS_PENDING);
    }
    wsc_ws_options_free(&o);
    /* not usable yet, and saying why */
    CU_ASSERT_EQUAL(wsc_ws_socket(ws[0]), -1);
    CU_ASSERT(!wsc_ws_is_closed(ws[0]));
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws[0], "early", 5), WSC_WS_PENDING);
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws[0]),
                           "the WebSocket upgrade is still in progress");
    CU_ASSERT_EQUAL(drive_connects(ws, STARTED, wsc_now() + 10), STARTED);
    for (int i = 0; i < STARTED; i++) {
        char text[32];
        struct wsc_ws_msg m;
        snprintf(text, sizeof text, "connection %d", i);
        CU_ASSERT_EQUAL(wsc_ws_http_status(ws[i]), 101);
        CU_ASSERT_STRING_EQUAL(wsc_ws_subprotocol(ws[i]), "mcp");
        CU_ASSERT(wsc_ws_socket(ws[i]) >= 0);
        CU_ASSERT_EQUAL(wsc_ws_connect_timeout_ms(ws[i]), -1);
        ASSERT_OK(ws[i], roundtrip(ws[i], text, &m));
        CU_ASSERT_STRING_EQUAL(m.data, text);
        ASSERT_OK(ws[i], wsc_ws_close(ws[i], 1000, "done", wsc_now() + 5));
        wsc_ws_free(ws[i]);
    }
}

static void test_node_no_common_subprotocol(void)
{
    struct wsc_ws_options o;
    opts_for(&o, node_peer.url);
    add_subprotocol(&o, "graphql-ws");
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    CU_ASSERT_PTR_NULL(wsc_ws_subprotocol(ws));
    wsc_ws_free(ws);
    wsc_ws_options_free(&o);
}

static void test_node_echo_kinds(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "hello", &m));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_TEXT);
    CU_ASSERT_EQUAL(m.len, 5);
    CU_ASSERT_STRING_EQUAL(m.data, "hello");

    const unsigned char bin[] = {0, 1, 2, 255, 0};
    ASSERT_OK(ws, wsc_ws_send_binary(ws, bin, sizeof bin));
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_BINARY);
    CU_ASSERT_EQUAL(m.len, sizeof bin);
    CU_ASSERT(memcmp(m.data, bin, sizeof bin) == 0);

    struct json_object *req = json_tokener_parse("{\"type\":\"ping\",\"n\":[1,2]}");
    struct json_object *got = NULL;
    ASSERT_OK(ws, wsc_ws_send_json(ws, req));
    ASSERT_OK(ws, wsc_ws_recv_json(ws, &m, &got, wsc_now() + 5));
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT(json_object_equal(req, got));
    json_object_put(req);
    json_object_put(got);

    /* a text that is not JSON: no value, still OK */
    ASSERT_OK(ws, wsc_ws_send_text(ws, "{not json", 9));
    ASSERT_OK(ws, wsc_ws_recv_json(ws, &m, &got, wsc_now() + 5));
    CU_ASSERT_PTR_NULL(got);
    CU_ASSERT_STRING_EQUAL(m.data, "{not json");
    wsc_ws_free(ws);
}

static void test_node_fragments_and_big(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "wsc:fragments 5 abcdefghijklmnopqrstuvwxy", &m));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_TEXT);
    CU_ASSERT_STRING_EQUAL(m.data, "abcdefghijklmnopqrstuvwxy");
    ASSERT_OK(ws, roundtrip(ws, "wsc:big 300000", &m));
    CU_ASSERT_EQUAL(m.len, 300000);
    CU_ASSERT(m.data[0] == 'x' && m.data[299999] == 'x' && m.data[300000] == '\0');
    ASSERT_OK(ws, roundtrip(ws, "wsc:binary 70000", &m));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_BINARY);
    CU_ASSERT_EQUAL(m.len, 70000);
    CU_ASSERT_EQUAL((unsigned char)m.data[69999], 69999 & 0xff);
    wsc_ws_free(ws);
}

static void test_node_big_send(void)
{
    /* larger than libcurl's send buffer: partial sends must be resumed */
    size_t n = 3 * 1024 * 1024;
    unsigned char *big = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (unsigned char)(i * 7);
    struct wsc_ws *ws = connect_to(node_peer.url, 4 * 1024 * 1024, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, wsc_ws_send_binary(ws, big, n));
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 10));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_BINARY);
    CU_ASSERT_EQUAL(m.len, n);
    CU_ASSERT(m.len == n && memcmp(m.data, big, n) == 0);
    ASSERT_OK(ws, roundtrip(ws, "after the big one", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "after the big one");
    wsc_ws_free(ws);
    free(big);
}

static void test_node_max_message_size(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 1000, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "wsc:big 1000", &m)); /* exactly the bound */
    CU_ASSERT_EQUAL(roundtrip(ws,
                              "wsc:fragments 3 "
                              "0123456789012345678901234567890123456789"
                              "0123456789012345678901234567890123456789",
                              &m),
                    WSC_WS_OK);
    CU_ASSERT_EQUAL(roundtrip(ws, "wsc:big 1001", &m), WSC_WS_ERROR);
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), "message larger than max_message_size 1000");
    /* the connection is dead: later calls fail at once with the same message */
    double t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, 0, wsc_now() + 5), WSC_WS_ERROR);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), "message larger than max_message_size 1000");
    wsc_ws_free(ws);
}

static void test_node_ping_rtt(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    double rtt = -1;
    ASSERT_OK(ws, wsc_ws_ping_rtt(ws, "p-1", 3, wsc_now() + 5, &rtt));
    CU_ASSERT(rtt >= 0);
    char big[126];
    memset(big, 'a', sizeof big);
    CU_ASSERT_EQUAL(wsc_ws_send_ping(ws, big, sizeof big), WSC_WS_ERROR);
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "at most 125 bytes"));
    /* the refused ping did not hurt the connection */
    ASSERT_OK(ws, wsc_ws_ping_rtt(ws, big, 125, wsc_now() + 5, &rtt));
    wsc_ws_free(ws);
}

static void test_node_peer_close(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, wsc_ws_send_text(ws, "wsc:close 4001 custom bye", 25));
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_CLOSE);
    CU_ASSERT_EQUAL(m.close_code, 4001);
    CU_ASSERT_STRING_EQUAL(m.data, "custom bye");
    CU_ASSERT_EQUAL(wsc_ws_peer_close_code(ws), 4001);
    CU_ASSERT_STRING_EQUAL(wsc_ws_peer_close_reason(ws), "custom bye");
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, 0, wsc_now() + 5), WSC_WS_CLOSED);
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws, "late", 4), WSC_WS_CLOSED);
    /* closing after the peer's close is a no-op that succeeds */
    ASSERT_OK(ws, wsc_ws_close(ws, 1000, NULL, wsc_now() + 5));
    wsc_ws_free(ws);
}

static void test_node_timeout_keeps_connection(void)
{
    struct wsc_ws *ws = connect_to(node_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    double t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, 0, t0 + 0.3), WSC_WS_TIMEOUT);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "no message within 0.3"));
    ASSERT_OK(ws, roundtrip(ws, "still there", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "still there");
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), "");
    wsc_ws_free(ws);
}

static void test_node_observed_server_ping(void)
{
    const char *args[] = {"--report-pongs", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_node(&p, args), 0);
    struct wsc_ws *ws = connect_to(p.url, 0, 1);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, wsc_ws_send_text(ws, "wsc:ping are-you-there", 22));
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_PING, wsc_now() + 5));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_PING);
    CU_ASSERT_STRING_EQUAL(m.data, "are-you-there");
    /* the layer answered it: the peer reports the pong with its payload */
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5));
    CU_ASSERT_STRING_EQUAL(m.data, "pong-received are-you-there");
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_node_auto_pong(void)
{
    const char *args[] = {"--report-pongs", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_node(&p, args), 0);
    struct wsc_ws *ws = connect_to(p.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    /* libcurl answers the ping itself; we only see the peer's report */
    ASSERT_OK(ws, roundtrip(ws, "wsc:ping auto", &m));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_TEXT);
    CU_ASSERT_STRING_EQUAL(m.data, "pong-received auto");
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_node_lost_pong(void)
{
    const char *args[] = {"--no-pong", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_node(&p, args), 0);
    struct wsc_ws *ws = connect_to(p.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    double rtt = 0, t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_ping_rtt(ws, "x", 1, t0 + 0.5, &rtt), WSC_WS_TIMEOUT);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "no pong within 0.5"));
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static int has_trace(const struct wsc_ctx *ctx, const char *dir, const char *kind)
{
    for (size_t i = 0; i < json_object_array_length(ctx->trace); i++) {
        struct json_object *e = json_object_array_get_idx(ctx->trace, i), *d, *k;
        if (json_object_object_get_ex(e, "dir", &d) &&
            json_object_object_get_ex(e, "kind", &k) &&
            strcmp(json_object_get_string(d), dir) == 0 &&
            strcmp(json_object_get_string(k), kind) == 0)
            return 1;
    }
    return 0;
}

static void test_node_headers_secret_and_reject(void)
{
    const char *args[] = {"--require-header", "Authorization:Bearer s3cret-token", NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_node(&p, args), 0);
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    char params[256];
    snprintf(params, sizeof params,
             "{\"url\":\"%s\",\"headers\":{\"Authorization\":"
             "\"Bearer s3cret-token\"}}",
             p.url);
    struct json_object *j = json_tokener_parse(params);
    struct wsc_ws_options o;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_ws_options_parse(ctx, j, &o, &err), 0);
    struct wsc_ws *ws = wsc_ws_connect(ctx, &o, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "authorised", &m));
    wsc_ws_free(ws);

    /* the same without the header: refused, reported or tolerated */
    struct wsc_ws_options bare;
    opts_for(&bare, p.url);
    ws = wsc_ws_connect(ctx, &bare, 0, 0);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), "upgrade refused: HTTP 401, expected 101");
    wsc_ws_free(ws);
    ws = wsc_ws_connect(ctx, &bare, 0, WSC_WS_ALLOW_REJECT);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_REJECTED);
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws), 401);
    CU_ASSERT(wsc_ws_is_closed(ws));
    wsc_ws_free(ws);

    /* traced frames, and no secret in the report */
    CU_ASSERT(has_trace(ctx, "send", "http"));
    CU_ASSERT(has_trace(ctx, "recv", "http"));
    CU_ASSERT(has_trace(ctx, "send", "text"));
    CU_ASSERT(has_trace(ctx, "recv", "text"));
    struct json_object *report = wsc_ctx_to_json(ctx);
    /* what only the runner reads: the secrets themselves, the raw outputs */
    CU_ASSERT(json_object_object_get_ex(report, "secrets", NULL));
    json_object_object_del(report, "secrets");
    json_object_object_del(report, "raw_outputs");
    const char *text = json_object_to_json_string(report);
    CU_ASSERT(wsc_test_contains(text, "authorised"));
    CU_ASSERT(!wsc_test_contains(text, "s3cret-token"));
    json_object_put(report);
    json_object_put(j);
    wsc_ws_options_free(&o);
    wsc_ws_options_free(&bare);
    wsc_ctx_free(ctx);
    wsc_test_peer_stop(&p);
}

/* A self-signed certificate for 127.0.0.1, made for this run. */
static int make_certificate(char dir[256], char cert[512], char key[512])
{
    if (wsc_test_mkdtemp(dir, 256, "wsc-ws-tls") != 0)
        return -1;
    snprintf(cert, 512, "%s/cert.pem", dir);
    snprintf(key, 512, "%s/key.pem", dir);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout '%s' -out '%s' -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             key, cert);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_node_wss(void)
{
    char dir[256], cert[512], key[512];
    CU_ASSERT_EQUAL_FATAL(make_certificate(dir, cert, key), 0);
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_node(&p, args), 0);
    CU_ASSERT(strncmp(p.url, "wss://", 6) == 0);

    struct wsc_ws_options o;
    opts_for(&o, p.url);
    o.ca_file = strdup(cert);
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "over tls", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "over tls");
    ASSERT_OK(ws, wsc_ws_close(ws, 1000, NULL, wsc_now() + 5));
    wsc_ws_free(ws);

    /* the system CAs do not know this certificate */
    free(o.ca_file);
    o.ca_file = NULL;
    ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    if (!wsc_test_contains(wsc_ws_error(ws), "certificate"))
        fprintf(stderr, "# got '%s'\n", wsc_ws_error(ws));
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "certificate"));
    wsc_ws_free(ws);

    /* unless verification is off */
    o.insecure = 1;
    ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    ASSERT_OK(ws, roundtrip(ws, "insecure", &m));
    wsc_ws_free(ws);

    wsc_ws_options_free(&o);
    wsc_test_peer_stop(&p);
    wsc_test_rmtree(dir);
}

static void pki_path(char out[512], const char *dir, const char *name)
{
    snprintf(out, 512, "%s/%s", dir, name);
}

/* A CA with a server certificate for 127.0.0.1 and a client certificate it
 * signed, and a client certificate signed by another CA, made for this run
 * in a new directory `dir`. */
static int make_pki(char dir[256])
{
    if (wsc_test_mkdtemp(dir, 256, "wsc-ws-mtls") != 0)
        return -1;
#define REQ                                                               \
    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 " \
    "-nodes -days 1 "
#define CA_EXT                                   \
    "-addext basicConstraints=critical,CA:TRUE " \
    "-addext keyUsage=critical,keyCertSign "
#define LEAF_EXT "-addext basicConstraints=critical,CA:FALSE "
    char cmd[4096];
    int n = snprintf(
        cmd, sizeof cmd,
        "cd '%s' && { " REQ "-keyout ca.key -out ca.pem -subj /CN=wscheck-test-ca " CA_EXT
        "&& " REQ "-CA ca.pem -CAkey ca.key -keyout server.key -out server.pem "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 " LEAF_EXT "&& " REQ
        "-CA ca.pem -CAkey ca.key -keyout client.key -out client.pem "
        "-subj /CN=wscheck-test-client -addext extendedKeyUsage=clientAuth " LEAF_EXT
        "&& " REQ
        "-keyout other-ca.key -out other-ca.pem -subj /CN=wscheck-other-ca " CA_EXT
        "&& " REQ "-CA other-ca.pem -CAkey other-ca.key -keyout other.key -out other.pem "
        "-subj /CN=wscheck-test-client -addext extendedKeyUsage=clientAuth " LEAF_EXT
        "; } >/dev/null 2>&1",
        dir);
#undef REQ
#undef CA_EXT
#undef LEAF_EXT
    if (n < 0 || (size_t)n >= sizeof cmd || system(cmd) != 0) {
        wsc_test_rmtree(dir);
        return -1;
    }
    return 0;
}

/* Connects to url trusting dir/ca.pem, presenting dir/CERT and dir/KEY
 * (none when cert is NULL); the connection is bounded by 10 s. */
static struct wsc_ws *connect_mtls(const char *url, const char *dir, const char *cert,
                                   const char *key)
{
    char path[512];
    struct wsc_ws_options o;
    opts_for(&o, url);
    o.connect_timeout = 5;
    pki_path(path, dir, "ca.pem");
    o.ca_file = strdup(path);
    if (cert) {
        pki_path(path, dir, cert);
        o.client_cert = strdup(path);
        pki_path(path, dir, key);
        o.client_key = strdup(path);
    }
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    wsc_ws_options_free(&o);
    return ws;
}

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A failed mutual TLS upgrade: dead handle, no HTTP answer, the message
 * "upgrade to URL failed: ..." containing `detail` (NULL: any). */
static void expect_mtls_failure(struct wsc_ws *ws, const char *url, const char *detail)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "upgrade to %s failed: ", url);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws), 0);
    const char *err = wsc_ws_error(ws);
    int ok = starts_with(err, prefix) && (!detail || wsc_test_contains(err, detail));
    if (!ok)
        fprintf(stderr, "# expected '%s...%s', got '%s'\n", prefix, detail ? detail : "",
                err);
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws, "x", 1), WSC_WS_ERROR);
}

static void test_node_mutual_tls(void)
{
    char dir[256];
    CU_ASSERT_EQUAL_FATAL(make_pki(dir), 0);
    char ca[512], cert[512], key[512];
    pki_path(ca, dir, "ca.pem");
    pki_path(cert, dir, "server.pem");
    pki_path(key, dir, "server.key");
    const char *args[] = {"--tls-cert",      cert, "--tls-key", key,
                          "--tls-client-ca", ca,   NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    if (start_node(&p, args) != 0) {
        wsc_test_rmtree(dir);
        CU_FAIL_FATAL("the mutual TLS peer did not start");
    }

    /* no client certificate: with TLS 1.3 the server's alert comes after
     * the client's side of the handshake, while the upgrade is read */
    struct wsc_ws *ws = connect_mtls(p.url, dir, NULL, NULL);
    expect_mtls_failure(ws, p.url, "alert certificate required");
    wsc_ws_free(ws);

    /* a certificate of another CA: the server drops the connection (without
     * an alert, so the reason varies: reset, broken pipe, end of file) */
    ws = connect_mtls(p.url, dir, "other.pem", "other.key");
    expect_mtls_failure(ws, p.url, NULL);
    wsc_ws_free(ws);

    /* the certificate the server's CA signed */
    ws = connect_mtls(p.url, dir, "client.pem", "client.key");
    ASSERT_OK(ws, wsc_ws_status(ws));
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws), 101);
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "mutual tls", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "mutual tls");
    ASSERT_OK(ws, wsc_ws_close(ws, 1000, NULL, wsc_now() + 5));
    wsc_ws_free(ws);

    wsc_test_peer_stop(&p);
    wsc_test_rmtree(dir);
}

static void test_refused_connection(void)
{
    /* a port nobody listens on: take one from a peer we then stop */
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_raw(&p, "silent"), 0);
    char url[64];
    snprintf(url, sizeof url, "%s", p.url);
    wsc_test_peer_stop(&p);
    struct wsc_ws *ws = connect_to(url, 0, 0);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    /* worded like the HTTP helper's (test_http.c) */
    char want[128];
    CU_ASSERT_FATAL(starts_with(url, "ws://"));
    snprintf(want, sizeof want, "connect to %s failed: Connection refused", url + 5);
    if (strcmp(wsc_ws_error(ws), want) != 0)
        fprintf(stderr, "# expected '%s', got '%s'\n", want, wsc_ws_error(ws));
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), want);
    struct wsc_ws_msg m;
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, 0, 0), WSC_WS_ERROR);
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws, "x", 1), WSC_WS_ERROR);
    wsc_ws_free(ws);
}

/* ---- Python websockets ----------------------------------------------------------- */

static int py_init(void)
{
    const char *args[] = {"--protocols",     "chat,mcp", "--welcome", "hello from python",
                          "--ping-interval", "0.2",      NULL};
    return start_peer(&py_peer, wsc_test_python(), "peer_websockets.py", args);
}

static int py_clean(void)
{
    wsc_test_peer_stop(&py_peer);
    return 0;
}

static void test_py_session(void)
{
    struct wsc_ws_options o;
    opts_for(&o, py_peer.url);
    add_subprotocol(&o, "chat");
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 10, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    CU_ASSERT_STRING_EQUAL(wsc_ws_subprotocol(ws), "chat");
    struct wsc_ws_msg m;
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5));
    CU_ASSERT_STRING_EQUAL(m.data, "hello from python");
    ASSERT_OK(ws, roundtrip(ws, "wsc:fragments 3 one-two-three", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "one-two-three");
    ASSERT_OK(ws, roundtrip(ws, "wsc:binary 300", &m));
    CU_ASSERT_EQUAL(m.kind, WSC_WS_BINARY);
    CU_ASSERT_EQUAL(m.len, 300);
    double rtt;
    ASSERT_OK(ws, wsc_ws_ping_rtt(ws, "py", 2, wsc_now() + 5, &rtt));
    ASSERT_OK(ws, wsc_ws_close(ws, 1000, "bye", wsc_now() + 5));
    CU_ASSERT_EQUAL(wsc_ws_peer_close_code(ws), 1000);
    wsc_ws_free(ws);
    wsc_ws_options_free(&o);
}

static void test_py_server_pings_observed(void)
{
    struct wsc_ws *ws = connect_to(py_peer.url, 0, 1);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    /* the peer pings every 0.2 s and would drop a client that did not pong */
    for (int i = 0; i < 3; i++) {
        ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_PING, wsc_now() + 5));
        CU_ASSERT_EQUAL(m.kind, WSC_WS_PING);
    }
    ASSERT_OK(ws, roundtrip(ws, "alive", &m));
    CU_ASSERT_STRING_EQUAL(m.data, "alive");
    wsc_ws_free(ws);
}

static void test_py_server_close_code(void)
{
    struct wsc_ws *ws = connect_to(py_peer.url, 0, 0);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, wsc_ws_send_text(ws, "wsc:close 4002 going away now", 29));
    /* the welcome and anything else before the close are skipped */
    ASSERT_OK(ws, wsc_ws_recv(ws, &m, WSC_WS_CLOSE, wsc_now() + 5));
    CU_ASSERT_EQUAL(m.close_code, 4002);
    CU_ASSERT_STRING_EQUAL(m.data, "going away now");
    wsc_ws_free(ws);
}

/* ---- broken servers -------------------------------------------------------------- */

/* Connects to a fresh raw peer in `mode` with a 2 s deadline; checks that the
 * connect ends within the deadline + 1 s. */
static struct wsc_ws *broken(const char *mode, struct wsc_test_peer *p, unsigned max,
                             int flags)
{
    if (start_raw(p, mode) != 0)
        return NULL;
    struct wsc_ws_options o;
    opts_for(&o, p->url);
    if (max)
        o.max_message_size = max;
    double t0 = wsc_now();
    /* the handshake's limit as a user sets it: connect_timeout 2 s; the
     * deadline only guards against a hang */
    o.connect_timeout = 2.0;
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, t0 + 30, flags);
    wsc_ws_options_free(&o);
    return ws;
}

static void expect_handshake_error(const char *mode, const char *message)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken(mode, &p, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    if (!wsc_test_contains(wsc_ws_error(ws), message))
        fprintf(stderr, "# %s: got '%s'\n", mode, wsc_ws_error(ws));
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), message));
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_bad_accept(void)
{
    expect_handshake_error("bad-accept", "Sec-WebSocket-Accept is '");
    expect_handshake_error("bad-accept", "', expected '");
}

static void test_no_upgrade(void)
{
    expect_handshake_error("no-upgrade", "Upgrade header missing from the 101 answer");
}

static void test_no_connection(void)
{
    expect_handshake_error("no-connection",
                           "Connection header missing from the 101 answer");
}

static void test_unoffered_subprotocol(void)
{
    expect_handshake_error(
        "unoffered-subprotocol",
        "server selected subprotocol 'unoffered', which was not offered "
        "(none was offered)");
}

static void test_unoffered_extension(void)
{
    expect_handshake_error(
        "unoffered-extension",
        "server accepted extension 'permessage-deflate', which was not "
        "offered");
}

static void test_silent(void)
{
    expect_handshake_error("silent", "no upgrade answer from ws://127.0.0.1:");
    expect_handshake_error("no-handshake-answer", "within 2.0 s (");
}

static void test_reject_tolerated(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken("reject", &p, 0, WSC_WS_ALLOW_REJECT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_REJECTED);
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws), 403);
    CU_ASSERT_STRING_EQUAL(wsc_ws_response_header(ws, "X-Reason"), "testing");
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), "upgrade refused with HTTP 403");
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

/* The same refusal and the same failure, without blocking. */
static void test_reject_started(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_raw(&p, "reject"), 0);
    struct wsc_ws_options o;
    opts_for(&o, p.url);
    o.connect_timeout = 2.0;
    struct wsc_ws *ws[2];
    ws[0] = wsc_ws_connect_start(NULL, &o, wsc_now() + 30, WSC_WS_ALLOW_REJECT);
    ws[1] = wsc_ws_connect_start(NULL, &o, wsc_now() + 30, 0);
    wsc_ws_options_free(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws[1]);
    CU_ASSERT_EQUAL(drive_connects(ws, 2, wsc_now() + 10), 0);
    CU_ASSERT_EQUAL(wsc_ws_status(ws[0]), WSC_WS_REJECTED);
    CU_ASSERT_EQUAL(wsc_ws_http_status(ws[0]), 403);
    CU_ASSERT_STRING_EQUAL(wsc_ws_response_header(ws[0], "X-Reason"), "testing");
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws[0]), "upgrade refused with HTTP 403");
    CU_ASSERT_EQUAL(wsc_ws_status(ws[1]), WSC_WS_ERROR);
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws[1]),
                           "upgrade refused: HTTP 403, expected 101");
    /* over: perform keeps saying so */
    CU_ASSERT_EQUAL(wsc_ws_connect_perform(ws[1]), WSC_WS_ERROR);
    wsc_ws_free(ws[0]);
    wsc_ws_free(ws[1]);
    wsc_test_peer_stop(&p);
}

/* After a good handshake: the next receive must fail with `message`
 * within its 2 s deadline + 1 s. */
static void expect_recv_error(const char *mode, unsigned max, const char *message)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken(mode, &p, max, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    double t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws, "hi", 2), WSC_WS_OK);
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, WSC_WS_DATA, t0 + 2), WSC_WS_ERROR);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    if (strcmp(wsc_ws_error(ws), message) != 0)
        fprintf(stderr, "# %s: got '%s'\n", mode, wsc_ws_error(ws));
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), message);
    /* closing a dead connection fails at once with the same message */
    t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_close(ws, 1000, NULL, t0 + 2), WSC_WS_ERROR);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    CU_ASSERT_STRING_EQUAL(wsc_ws_error(ws), message);
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_close_mid_frame(void)
{
    expect_recv_error("close-mid-frame", 0,
                      "connection closed by the peer in the middle of a frame");
}

static void test_oversize_frame(void)
{
    expect_recv_error("oversize-frame", 0,
                      "message larger than max_message_size 1048576");
}

static void test_oversize_fragments(void)
{
    expect_recv_error("oversize-fragments", 100000,
                      "message larger than max_message_size 100000");
}

static void test_close_without_frame(void)
{
    expect_recv_error("close-no-frame", 0,
                      "connection closed by the peer without a close frame (1006)");
}

static void test_never_answers_close(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken("never-answers-close", &p, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    ASSERT_OK(ws, roundtrip(ws, "echo me", &m));
    double t0 = wsc_now();
    CU_ASSERT_EQUAL(wsc_ws_close(ws, 1000, "bye", t0 + 1), WSC_WS_TIMEOUT);
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
    CU_ASSERT(
        wsc_test_contains(wsc_ws_error(ws), "no close frame from the peer within 1.0"));
    CU_ASSERT_EQUAL(wsc_ws_send_text(ws, "after close", 11), WSC_WS_CLOSED);
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

/* The one table of close codes: valid on the wire 1000-1003, 1007-1014,
 * 3000-4999, nothing else. */
static void test_close_code_table(void)
{
    for (int code = -1; code <= 70000; code++) {
        int want = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                   (code >= 3000 && code <= 4999);
        if (wsc_ws_close_code_valid(code) != want)
            fprintf(stderr, "# close code %d: valid %d\n", code,
                    wsc_ws_close_code_valid(code));
        CU_ASSERT_EQUAL(wsc_ws_close_code_valid(code), want);
        CU_ASSERT_PTR_NOT_NULL(wsc_ws_close_code_name(code));
    }
    CU_ASSERT_STRING_EQUAL(wsc_ws_close_code_name(1000), "Normal Closure");
    CU_ASSERT_STRING_EQUAL(wsc_ws_close_code_name(1005), "No Status Rcvd");
    CU_ASSERT_STRING_EQUAL(wsc_ws_close_code_name(1006), "Abnormal Closure");
    CU_ASSERT_STRING_EQUAL(wsc_ws_close_code_name(4000), "private use");
    CU_ASSERT_STRING_EQUAL(wsc_ws_close_code_name(0),
                           "outside the range of status codes");
}

/* A status line libcurl reads as 101 is refused, quoted; not a rejection. */
static void test_status_line_1010(void)
{
    expect_handshake_error("status-1010", "malformed status line 'HTTP/1.1 1010 "
                                          "Switching Protocols' in the upgrade answer");
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken("status-1010", &p, 0, WSC_WS_ALLOW_REJECT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_http10_upgrade(void)
{
    expect_handshake_error("http10-upgrade",
                           "the upgrade answer was HTTP/1.0 ('HTTP/1.0 101 Switching "
                           "Protocols'), which cannot upgrade");
}

/* A message that breaks the protocol fails the connection, and the client
 * tells the peer why with close `code` (seen by the peer, echoed back by
 * peer_raw.py's echo loop, so not asserted here). */
static void expect_protocol_error(const char *mode, const char *message)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken(mode, &p, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    ASSERT_OK(ws, wsc_ws_status(ws));
    struct wsc_ws_msg m;
    CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, WSC_WS_ANY | WSC_WS_CLOSE, wsc_now() + 2),
                    WSC_WS_ERROR);
    if (!wsc_test_contains(wsc_ws_error(ws), message))
        fprintf(stderr, "# %s: got '%s'\n", mode, wsc_ws_error(ws));
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), message));
    CU_ASSERT(wsc_ws_is_closed(ws));
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_invalid_utf8(void)
{
    expect_protocol_error("bad-text",
                          "invalid UTF-8 in a text message of 6 bytes at byte offset 3 "
                          "(ff fe fd; RFC 6455 8.1); closed the connection with 1007");
}

static void test_invalid_close(void)
{
    expect_protocol_error("bad-close",
                          "invalid close frame: code 1005 (No Status Rcvd) is not "
                          "allowed on the wire");
    CU_ASSERT_EQUAL(wsc_ws_peer_close_code(NULL), 0);
}

static void test_interleaved(void)
{
    expect_protocol_error("interleaved",
                          "a new data frame started before the fragmented message ended");
}

/* Pongs received before a ping are never its answer: peer_raw.py's
 * early-pongs sends "wscheck-1" with its handshake and answers no ping. */
static void test_pong_before_ping(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    struct wsc_ws *ws = broken("early-pongs", &p, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    ASSERT_OK(ws, wsc_ws_status(ws));
    double rtt = -1;
    CU_ASSERT_EQUAL(wsc_ws_ping_rtt(ws, "wscheck-1", 9, wsc_now() + 0.3, &rtt),
                    WSC_WS_TIMEOUT);
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "no pong within"));
    wsc_ws_free(ws);
    wsc_test_peer_stop(&p);
}

static void test_invalid_url(void)
{
    int port = wsc_test_closed_port();
    CU_ASSERT_FATAL(port > 0);
    char where[64];
    snprintf(where, sizeof where, "http://127.0.0.1:%d/", port);
    struct wsc_ws_options o;
    opts_for(&o, where);
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, wsc_now() + 1, 0);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    CU_ASSERT(wsc_test_contains(wsc_ws_error(ws), "expected a ws:// or wss:// URL"));
    wsc_ws_free(ws);
    wsc_ws_options_free(&o);
}

static CU_TestInfo options_tests[] = {
    {"Sec-WebSocket-Accept of the RFC 6455 example key", test_accept_rfc_example},
    {"options parsed from params, secrets registered", test_options_parse},
    {"bad options give precise messages", test_options_errors},
    {"WSC_WS_OPTION_PROPS is valid JSON with every option", test_schema_fragment_is_json},
    {"a non-WebSocket URL is refused", test_invalid_url},
    {"one table of close codes", test_close_code_table},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo node_tests[] = {
    {"node: subprotocol negotiated, clean close", test_node_subprotocol},
    {"node: upgrades started without blocking, driven by one poll loop",
     test_node_connect_start},
    {"node: no common subprotocol is fine", test_node_no_common_subprotocol},
    {"node: text, binary and JSON echoed", test_node_echo_kinds},
    {"node: fragments reassembled, big messages", test_node_fragments_and_big},
    {"node: a 3 MiB message sent and echoed", test_node_big_send},
    {"node: max_message_size enforced", test_node_max_message_size},
    {"node: ping RTT, control payload bound", test_node_ping_rtt},
    {"node: close started by the peer with a custom code", test_node_peer_close},
    {"node: a receive timeout keeps the connection", test_node_timeout_keeps_connection},
    {"node: server ping observed and answered", test_node_observed_server_ping},
    {"node: server ping answered by libcurl", test_node_auto_pong},
    {"node: a lost pong times out", test_node_lost_pong},
    {"node: headers, secrets, traces, rejection", test_node_headers_secret_and_reject},
    {"node: wss:// with a CA file, refused without, insecure", test_node_wss},
    {"node: wss:// with mutual TLS, refused without or with another CA",
     test_node_mutual_tls},
    {"connection refused", test_refused_connection},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo py_tests[] = {
    {"python: welcome, fragments, binary, ping, close", test_py_session},
    {"python: server pings observed and answered", test_py_server_pings_observed},
    {"python: close started by the peer with a custom code", test_py_server_close_code},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo broken_tests[] = {
    {"broken: wrong Sec-WebSocket-Accept", test_bad_accept},
    {"broken: no Upgrade header", test_no_upgrade},
    {"broken: no Connection header", test_no_connection},
    {"broken: unoffered subprotocol", test_unoffered_subprotocol},
    {"broken: unoffered extension", test_unoffered_extension},
    {"broken: silent server", test_silent},
    {"broken: rejection tolerated on request", test_reject_tolerated},
    {"broken: rejection without blocking", test_reject_started},
    {"broken: closes in the middle of a frame", test_close_mid_frame},
    {"broken: frame larger than max_message_size", test_oversize_frame},
    {"broken: fragments larger than max_message_size", test_oversize_fragments},
    {"broken: drops TCP without a close frame", test_close_without_frame},
    {"broken: never answers a close", test_never_answers_close},
    {"broken: status line 'HTTP/1.1 1010'", test_status_line_1010},
    {"broken: an HTTP/1.0 101", test_http10_upgrade},
    {"broken: invalid UTF-8 in a text message", test_invalid_utf8},
    {"broken: close code 1005 on the wire", test_invalid_close},
    {"broken: a data frame inside a fragmented message", test_interleaved},
    {"broken: pongs sent before the ping", test_pong_before_ping},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ws options", NULL, NULL, NULL, NULL, options_tests},
    {"ws against node ws", node_init, node_clean, NULL, NULL, node_tests},
    {"ws against python websockets", py_init, py_clean, NULL, NULL, py_tests},
    {"ws against broken servers", NULL, NULL, NULL, NULL, broken_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    static const char *const peers[] = {"node-ws", "python-websockets", NULL};
    wsc_test_require_peers(peers);
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
