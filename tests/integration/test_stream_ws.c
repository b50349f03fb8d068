/* libwscheck's stream engine on real WebSocket connections
 * (tests/integration/peer_stream.py, Python websockets): a stream followed
 * across reconnections, half of them fed by hand; a connection the server
 * had already closed; keep-alives that are JSON; no context at all. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wscheck/stream.h>
#include <wscheck/ws.h>

#include "context.h"
#include "tap.h"
#include "testutil.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)
#define PEER_START_S 10.0

static struct wsc_test_peer peer = WSC_TEST_PEER_INIT;

static int peer_init(void)
{
    static const char *const schemes[] = {"ws://", NULL};
    return wsc_test_peer_start(&peer, wsc_test_python(), "peer_stream.py", NULL, schemes,
                               PEER_START_S);
}

static int peer_clean(void)
{
    wsc_test_peer_stop(&peer);
    return 0;
}

static struct wsc_stream *stream(struct wsc_ctx *ctx, const char *params)
{
    struct json_object *p = json_tokener_parse(params);
    struct wsc_stream_options o;
    char *err = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    int rc = wsc_stream_options_parse(ctx, p, &o, &err);
    report(rc == 0, __LINE__, "options: %s", err ? err : "");
    free(err);
    json_object_put(p);
    struct wsc_stream *s = wsc_stream_new(ctx, &o, wsc_now());
    wsc_stream_options_free(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

static struct wsc_ws *connect_to(struct wsc_ctx *ctx, const char *path)
{
    struct wsc_ws_options o;
    wsc_ws_options_init(&o);
    char url[128];
    snprintf(url, sizeof url, "%s%s", peer.url, path);
    o.url = url;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &o, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    report(wsc_ws_status(ws) == WSC_WS_OK, __LINE__, "connect %s: %s", url,
           wsc_ws_error(ws));
    return ws;
}

static int has_metric(const struct wsc_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(ctx->metrics); i++) {
        struct json_object *n;
        if (json_object_object_get_ex(json_object_array_get_idx(ctx->metrics, i), "name",
                                      &n) &&
            strcmp(json_object_get_string(n), name) == 0)
            return 1;
    }
    return 0;
}

/* A server that pushes only a first frame, followed by reconnecting: odd
 * connections through wsc_stream_follow_ws() (which returns at its
 * deadline), even ones read and fed by hand. */
static void test_reconnections(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_stream *s =
        stream(ctx, "{\"terminal\": {\"current_stage\": \"completed\"},"
                    " \"non_decreasing\": [\"/overall_progress\"],"
                    " \"ranges\": {\"/overall_progress\": [0, 100]}}");
    enum wsc_stream_verdict v = WSC_STREAM_MORE;
    for (int i = 0; i < 6 && v == WSC_STREAM_MORE; i++) {
        struct wsc_ws *ws = connect_to(ctx, "/snapshot/reconnections");
        if (i % 2 == 0) {
            v = wsc_stream_follow_ws(s, ws, wsc_now() + 0.3);
        } else {
            struct wsc_ws_msg m;
            CU_ASSERT_EQUAL(wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5), WSC_WS_OK);
            v = wsc_stream_feed_text(s, m.data, m.len, m.at);
        }
        wsc_ws_close(ws, 1000, NULL, wsc_now() + 2);
        wsc_ws_free(ws);
    }
    CU_ASSERT_EQUAL(v, WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_received(s), 4);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, wsc_now()), WSC_STREAM_TERMINAL);
    report(strcmp(wsc_stream_error(s), "") == 0, __LINE__, "error: %s",
           wsc_stream_error(s));
    CU_ASSERT(has_metric(ctx, "time_to_terminal_ms"));
    CU_ASSERT(has_metric(ctx, "max_gap_ms"));
    wsc_stream_free(s);
    wsc_ctx_free(ctx);
}

/* A connection whose close the check consumed itself: following it ends at
 * once, with the server's close as the cause. */
static void test_already_closed(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_ws *ws = connect_to(ctx, "/close");
    struct wsc_ws_msg m = {0};
    while (wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_now() + 5) == WSC_WS_OK &&
           m.kind != WSC_WS_CLOSE)
        ;
    CU_ASSERT_EQUAL(m.kind, WSC_WS_CLOSE);
    struct wsc_stream *s =
        stream(ctx, "{\"terminal\": {\"current_stage\": \"completed\"}}");
    CU_ASSERT_EQUAL(wsc_stream_follow_ws(s, ws, 0), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, wsc_now()), WSC_STREAM_FAILED);
    const char *want = "the server closed the connection with 1011 (Internal Error) "
                       "\"Internal error\" before any message (require_terminal)";
    report(strcmp(wsc_stream_error(s), want) == 0, __LINE__, "got: %s\nwant: %s",
           wsc_stream_error(s), want);
    wsc_stream_free(s);
    wsc_ws_free(ws);
    wsc_ctx_free(ctx);
}

/* Keep-alives that are JSON keep a server that drops silent clients. */
static void test_json_keepalive(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_ws *ws = connect_to(ctx, "/idle");
    struct wsc_stream *s =
        stream(ctx, "{\"duration\": 1.5, \"ignore\": {\"type\": \"echo\","
                    " \"message\": \"Received: {\\\"type\\\":\\\"ka\\\"}\"},"
                    " \"keepalive\": {\"every\": 0.2, \"message\":"
                    " {\"type\": \"ka\"}}, \"min_messages\": 1}");
    CU_ASSERT_EQUAL(wsc_stream_follow_ws(s, ws, 0), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, wsc_now()), WSC_STREAM_MORE);
    report(strcmp(wsc_stream_error(s), "") == 0, __LINE__, "error: %s",
           wsc_stream_error(s));
    CU_ASSERT_EQUAL(wsc_stream_count(s), 1);
    report(wsc_stream_received(s) >= 4, __LINE__, "echoes of the keep-alives: %zu",
           wsc_stream_received(s) - 1);
    CU_ASSERT_FALSE(wsc_ws_is_closed(ws));
    wsc_ws_close(ws, 1000, NULL, wsc_now() + 2);
    wsc_stream_free(s);
    wsc_ws_free(ws);
    wsc_ctx_free(ctx);
}

/* Without a context: nothing is recorded, the deadline given bounds it. */
static void test_no_context(void)
{
    struct wsc_ws *ws = connect_to(NULL, "/good");
    struct wsc_stream *s =
        stream(NULL, "{\"terminal\": {\"current_stage\": \"completed\"},"
                     " \"ignore\": {\"type\": \"heartbeat\"}}");
    CU_ASSERT_EQUAL(wsc_stream_follow_ws(s, ws, wsc_now() + 5), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, wsc_now()), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 6);
    wsc_ws_close(ws, 1000, NULL, wsc_now() + 2);
    wsc_stream_free(s);
    wsc_ws_free(ws);

    ws = connect_to(NULL, "/silent");
    s = stream(NULL, "{\"terminal\": {\"current_stage\": \"completed\"}}");
    CU_ASSERT_EQUAL(wsc_stream_follow_ws(s, ws, wsc_now() + 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, wsc_now()), WSC_STREAM_FAILED);
    const char *err = wsc_stream_error(s);
    static const char head[] = "the check's deadline passed after message 3 at +";
    report(strncmp(err, head, sizeof head - 1) == 0 &&
               strstr(err, " s, before a terminal message (require_terminal)") != NULL,
           __LINE__, "got: %s", err);
    wsc_ws_close(ws, 1000, NULL, wsc_now() + 2);
    wsc_stream_free(s);
    wsc_ws_free(ws);
}

static CU_TestInfo tests[] = {
    {"followed across reconnections", test_reconnections},
    {"a connection already closed", test_already_closed},
    {"JSON keep-alives", test_json_keepalive},
    {"no context", test_no_context},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"stream against a Python websockets server", peer_init, peer_clean, NULL, NULL,
     tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    static const char *const peers[] = {"python-websockets", NULL};
    wsc_test_require_peers(peers);
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
