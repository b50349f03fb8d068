/* The load engine (src/load_engine*.c) and its WebSocket protocols
 * (src/load_ws*.c) against real servers on free loopback ports:
 * wscheck-mock, node `ws` (peer-ws.js), Python websockets
 * (peer_websockets.py), the broken raw server (peer_raw.py). Runs are
 * bounded by a number of sessions (plan.iterations) or by computed
 * arrivals, so the assertions are counts, errors and histograms' sample
 * counts: never rates or times. */
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wscheck/histogram.h>
#include <wscheck/plugin.h>

#include "load.h"
#include "scenario.h"
#include "tap.h"
#include "testutil.h"

#define PEER_START_S 15.0

static struct wsc_test_peer node_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_peer py_peer = WSC_TEST_PEER_INIT;
static struct wsc_test_mock mock = WSC_TEST_MOCK_INIT;

/* ---- peers ------------------------------------------------------------------- */

static int start_peer(struct wsc_test_peer *p, const char *interp, const char *script,
                      const char *const *args)
{
    static const char *const schemes[] = {"ws://", "wss://", "http://", NULL};
    return wsc_test_peer_start(p, interp, script, args, schemes, PEER_START_S);
}

static int node_init(void)
{
    return start_peer(&node_peer, wsc_test_node(), "peer-ws.js", NULL);
}

static int node_clean(void)
{
    wsc_test_peer_stop(&node_peer);
    return 0;
}

static int py_init(void)
{
    return start_peer(&py_peer, wsc_test_python(), "peer_websockets.py", NULL);
}

static int py_clean(void)
{
    wsc_test_peer_stop(&py_peer);
    return 0;
}

/* Starts $WSCHECK_MOCK on free ports; reads its ws:// and MCP URLs. */
static int mock_init(void)
{
    static const char *const args[] = {"--ping-interval", "0", NULL};
    return wsc_test_mock_start(&mock, args, PEER_START_S);
}

static int mock_clean(void)
{
    wsc_test_mock_stop(&mock);
    return 0;
}

/* ---- running a test under load ------------------------------------------------------ */

struct run {
    struct wsc_load_stats stats;
    struct wsc_load_test *t;
    int rc;
    char *why; /* compile refusal, or the engine's error */
    struct wsc_load_stage stages[2];
    struct wsc_load_plan plan;
};

static void plan_closed(struct run *r, unsigned vus, uint64_t iterations)
{
    memset(&r->plan, 0, sizeof r->plan);
    r->stages[0] = (struct wsc_load_stage){0, vus};
    r->stages[1] = (struct wsc_load_stage){60, vus};
    r->plan.model = WSC_LOAD_CLOSED;
    r->plan.stages = r->stages;
    r->plan.n_stages = 2;
    r->plan.max_message = 1 << 20;
    r->plan.timeout = 5;
    r->plan.iterations = iterations;
}

static void plan_open(struct run *r, double rate, double seconds, unsigned max_vus)
{
    memset(&r->plan, 0, sizeof r->plan);
    r->stages[0] = (struct wsc_load_stage){0, rate};
    r->stages[1] = (struct wsc_load_stage){seconds, rate};
    r->plan.model = WSC_LOAD_OPEN;
    r->plan.stages = r->stages;
    r->plan.n_stages = 2;
    r->plan.max_vus = max_vus;
    r->plan.max_message = 1 << 20;
    r->plan.timeout = 5;
}

/* Compiles `check` with params (JSON text, "%s" = url) and runs r->plan. */
static int run_load(struct run *r, const char *check, const char *params_fmt,
                    const char *url, double timeout, wsc_load_tick_fn tick, void *arg)
{
    /* "%s" in the params stands for the URL. */
    char text[4096];
    const char *at = strstr(params_fmt, "%s");
    if (at)
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - params_fmt), params_fmt, url,
                 at + 2);
    else
        snprintf(text, sizeof text, "%s", params_fmt);
    struct json_object *params = json_tokener_parse(text);
    char name[] = "load test", plugin[64], chk[64];
    snprintf(plugin, sizeof plugin, "%.*s", (int)strcspn(check, "."), check);
    snprintf(chk, sizeof chk, "%s", strchr(check, '.') + 1);
    struct wsc_test test = {.name = name,
                            .plugin = plugin,
                            .check = chk,
                            .params = params,
                            .timeout = timeout};
    r->why = NULL;
    r->rc = -2;
    struct wsc_load_script *sc =
        wsc_load_compile(&test, params, timeout > 0 ? timeout : 5, &r->why);
    if (!sc) {
        printf("# refused: %s\n", r->why ? r->why : "?");
        json_object_put(params);
        /* Empty figures: the assertions that follow fail instead of crashing. */
        if (wsc_load_stats_init(&r->stats, 1) == 0)
            r->t = &r->stats.tests[0];
        return -1;
    }
    if (wsc_load_stats_init(&r->stats, 1) != 0 ||
        wsc_load_test_init(&r->stats.tests[0], &test))
        return -1;
    r->t = &r->stats.tests[0];
    r->rc = wsc_load_run(&r->plan, &sc, 1, &r->stats, tick, arg, &r->why);
    wsc_load_script_free(sc);
    json_object_put(params);
    if (r->why)
        printf("# engine: %s\n", r->why);
    printf("# %s: %llu sessions, %llu ok%s%s\n", check,
           (unsigned long long)r->t->sessions, (unsigned long long)r->t->sessions_ok,
           r->t->first_error ? "; first error: " : "",
           r->t->first_error ? r->t->first_error : "");
    return r->rc;
}

static void run_clear(struct run *r)
{
    wsc_load_stats_clear(&r->stats);
    free(r->why);
}

static uint64_t hist_count(struct wsc_load_test *t, const char *name)
{
    for (size_t i = 0; i < t->n_hists; i++)
        if (strcmp(t->hists[i].name, name) == 0)
            return wsc_hist_count(t->hists[i].h);
    return 0;
}

static uint64_t close_count(const struct wsc_load_test *t, int code)
{
    for (size_t i = 0; i < t->n_close_codes; i++)
        if (t->close_codes[i].code == code)
            return t->close_codes[i].n;
    return 0;
}

#define EQ(a, b)                                                                       \
    do {                                                                               \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
        wsc_tap_assert(a_ == b_, __FILE__, __LINE__, "%s == %s: %llu != %llu", #a, #b, \
                       a_, b_);                                                        \
    } while (0)

/* ---- wscheck-mock ---------------------------------------------------------------------- */

static const char mock_convo[] =
    "{\"url\": \"%s\", \"steps\": ["
    "{\"expect\": {\"type\": \"welcome\"}, \"capture\": {\"cid\": \"/client_id\"}},"
    "{\"send\": {\"type\": \"ping\"}},"
    "{\"expect\": {\"type\": \"pong\", \"client_id\": \"${cid}\"}, \"within\": 2},"
    "{\"send\": {\"type\": \"echo\", \"payload\": {\"n\": 42}}},"
    "{\"expect\": {\"type\": \"echo_response\", \"original_message\": "
    "{\"payload\": {\"n\": 42}}}}]}";

static void test_mock_closed(void)
{
    struct run r;
    plan_closed(&r, 5, 40);
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "ws-basic.conversation", mock_convo, mock.ws, 0, NULL, NULL), 0);
    EQ(r.t->sessions, 40);
    EQ(r.t->sessions_ok, 40);
    EQ(r.t->sessions_failed, 0);
    EQ(r.t->messages_sent, 80);
    EQ(r.t->messages_received, 120);
    EQ(hist_count(r.t, "session_ms"), 40);
    EQ(hist_count(r.t, "connect_ms"), 40);
    EQ(hist_count(r.t, "handshake_ms"), 40);
    EQ(hist_count(r.t, "step 0 expect"), 40);
    EQ(hist_count(r.t, "step 2 expect"), 40);
    EQ(hist_count(r.t, "step 4 expect"), 40);
    EQ(close_count(r.t, 1000), 40);
    CU_ASSERT(r.stats.peak_connections >= 1 && r.stats.peak_connections <= 5);
    CU_ASSERT(r.stats.connection_limit > 5);
    run_clear(&r);
}

/* A step that does not match fails the session with `expect`, naming it. */
static void test_mock_expect_fails(void)
{
    struct run r;
    plan_closed(&r, 2, 6);
    run_load(&r, "ws-basic.conversation",
             "{\"url\": \"%s\", \"steps\": [{\"expect\": {\"type\": \"goodbye\"}}]}",
             mock.ws, 0, NULL, NULL);
    EQ(r.t->sessions, 6);
    EQ(r.t->sessions_failed, 6);
    EQ(r.t->errors[WSC_LOAD_ERR_EXPECT], 6);
    CU_ASSERT(wsc_test_contains(r.t->first_error,
                                "step 0 (expect): the message did not match"));
    run_clear(&r);
}

/* ---- node ws ------------------------------------------------------------------------------ */

static const char node_convo[] =
    "{\"url\": \"%s\", \"steps\": ["
    "{\"send\": \"hello\"}, {\"expect_text\": \"hello\"},"
    "{\"send_binary\": \"AAEC\"}, {\"expect_binary\": {\"base64\": \"AAEC\"}},"
    "{\"send\": \"wsc:fragments 3 abcdef\"}, {\"expect_text\": \"abcdef\"},"
    "{\"ping\": \"p1\"}, {\"expect_pong\": \"p1\"},"
    "{\"send\": \"one\"}, {\"send\": \"two\"}, {\"sleep\": 0.05},"
    "{\"expect_text\": \"two\", \"skip_until\": true},"
    "{\"send\": \"wsc:close 4001 bye\"}, {\"expect_close\": {\"code\": 4001}}]}";

static void test_node_every_action(void)
{
    struct run r;
    plan_closed(&r, 3, 12);
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "ws-basic.conversation", node_convo, node_peer.url, 0, NULL, NULL),
        0);
    EQ(r.t->sessions_ok, 12);
    EQ(r.t->sessions_failed, 0);
    EQ(hist_count(r.t, "step 7 expect_pong"), 12);
    EQ(hist_count(r.t, "step 11 expect_text"), 12);
    EQ(hist_count(r.t, "step 13 expect_close"), 12);
    EQ(close_count(r.t, 4001), 12);
    run_clear(&r);
}

static void test_node_handshake(void)
{
    struct run r;
    plan_closed(&r, 4, 20);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}",
                                   node_peer.url, 0, NULL, NULL),
                          0);
    EQ(r.t->sessions_ok, 20);
    EQ(hist_count(r.t, "handshake_ms"), 20);
    EQ(close_count(r.t, 1000), 20);
    run_clear(&r);
}

/* ws-basic.handshake's expect judges the answer: a subprotocol, and a
 * refusal asked for (then each session passes). */
static void test_handshake_expect(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT, raw = WSC_TEST_PEER_INIT;
    const char *args[] = {"--protocols", "chat", NULL}, *reject[] = {"reject", NULL};
    CU_ASSERT_EQUAL_FATAL(start_peer(&p, wsc_test_node(), "peer-ws.js", args), 0);
    CU_ASSERT_EQUAL_FATAL(start_peer(&raw, wsc_test_python(), "peer_raw.py", reject), 0);
    struct run r;
    plan_closed(&r, 2, 4);
    CU_ASSERT_EQUAL(run_load(&r, "ws-basic.handshake",
                             "{\"url\": \"%s\", \"subprotocols\": [\"chat\"], "
                             "\"expect\": {\"subprotocol\": \"chat\", \"headers\": "
                             "{\"upgrade\": {\"$regex\": \"[Ww]eb[Ss]ocket\"}}}}",
                             p.url, 0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 4);
    run_clear(&r);
    plan_closed(&r, 2, 4);
    run_load(&r, "ws-basic.handshake",
             "{\"url\": \"%s\", \"subprotocols\": [\"chat\"], "
             "\"expect\": {\"subprotocol\": \"other\"}}",
             p.url, 0, NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_EXPECT], 4);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "subprotocol"));
    CU_ASSERT(!wsc_test_contains(r.t->first_error, "chat"));
    run_clear(&r);
    plan_closed(&r, 2, 4);
    CU_ASSERT_EQUAL(run_load(&r, "ws-basic.handshake",
                             "{\"url\": \"%s\", \"expect\": {\"status\": 403}}", raw.url,
                             0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 4);
    run_clear(&r);
    plan_closed(&r, 1, 1);
    CU_ASSERT(run_load(&r, "ws-basic.handshake",
                       "{\"url\": \"%s\", \"expect\": {\"body\": \"x\"}}", raw.url, 0,
                       NULL, NULL) < 0);
    CU_ASSERT(wsc_test_contains(r.why, "expect/body"));
    run_clear(&r);
    wsc_test_peer_stop(&p);
    wsc_test_peer_stop(&raw);
}

/* A message over the plan's max_message ends the session with too_big. */
static void test_node_too_big(void)
{
    struct run r;
    plan_closed(&r, 2, 4);
    r.plan.max_message = 1000;
    run_load(&r, "ws-basic.conversation",
             "{\"url\": \"%s\", \"steps\": [{\"send\": \"wsc:big 5000\"},"
             "{\"expect_text\": {\"$any\": true}}]}",
             node_peer.url, 0, NULL, NULL);
    EQ(r.t->sessions_failed, 4);
    EQ(r.t->errors[WSC_LOAD_ERR_TOO_BIG], 4);
    run_clear(&r);
}

/* Open model: arrivals are computed, so their number is exact. */
static void test_node_open_arrivals(void)
{
    struct run r;
    plan_open(&r, 40, 0.5, 100);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}",
                                   node_peer.url, 0, NULL, NULL),
                          0);
    EQ(r.t->sessions + r.stats.dropped_arrivals, 20);
    EQ(r.t->sessions_ok, r.t->sessions);
    run_clear(&r);
}

/* A ramping rate: arrival k comes when the rate's integral reaches k, so
 * a ramp from 0 to 40/s over 0.5 s brings 10 arrivals. */
static void test_node_open_ramp(void)
{
    struct run r;
    plan_open(&r, 40, 0.5, 100);
    r.stages[0] = (struct wsc_load_stage){0, 0};
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}",
                                   node_peer.url, 0, NULL, NULL),
                          0);
    EQ(r.t->sessions + r.stats.dropped_arrivals, 10);
    run_clear(&r);
}

/* Arrivals with no free VU are dropped and counted, never queued. */
static void test_node_open_dropped(void)
{
    struct run r;
    plan_open(&r, 20, 0.5, 1);
    run_load(&r, "ws-basic.conversation",
             "{\"url\": \"%s\", \"steps\": [{\"sleep\": 1}]}", node_peer.url, 0, NULL,
             NULL);
    EQ(r.t->sessions + r.stats.dropped_arrivals, 10);
    EQ(r.t->sessions, 1);
    EQ(r.stats.dropped_arrivals, 9);
    run_clear(&r);
}

static void test_node_ping(void)
{
    struct run r;
    plan_closed(&r, 3, 9);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "ping-pong.control",
                                   "{\"url\": \"%s\", \"count\": 4, \"payload\": \"p\"}",
                                   node_peer.url, 0, NULL, NULL),
                          0);
    EQ(r.t->sessions_ok, 9);
    EQ(hist_count(r.t, "rtt_ms"), 36);
    EQ(hist_count(r.t, "handshake_ms"), 9);
    run_clear(&r);
}

/* A lost pong fails the session with `timeout`. */
static void test_node_ping_lost(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {"--no-pong", NULL};
    CU_ASSERT_EQUAL_FATAL(start_peer(&p, wsc_test_node(), "peer-ws.js", args), 0);
    struct run r;
    plan_closed(&r, 2, 2);
    run_load(&r, "ping-pong.control", "{\"url\": \"%s\", \"count\": 2, \"within\": 0.2}",
             p.url, 0, NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_TIMEOUT], 2);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "ping 1: no pong within 0.2 s"));
    run_clear(&r);
    wsc_test_peer_stop(&p);
}

/* A self-signed certificate for 127.0.0.1, made for this run. */
static int make_certificate(char dir[256], char cert[512], char key[512])
{
    if (wsc_test_mkdtemp(dir, 256, "wsc-load-tls") != 0)
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

/* wss://: verified with the test's CA file, refused without it (error
 * tls), accepted with insecure. */
static void test_node_wss(void)
{
    char dir[256], cert[512], key[512], params[1024];
    CU_ASSERT_EQUAL_FATAL(make_certificate(dir, cert, key), 0);
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    CU_ASSERT_EQUAL_FATAL(start_peer(&p, wsc_test_node(), "peer-ws.js", args), 0);
    struct run r;
    plan_closed(&r, 3, 9);
    snprintf(params, sizeof params,
             "{\"url\": \"%%s\", \"ca_file\": \"%s\", \"steps\": [{\"send\": \"x\"},"
             "{\"expect_text\": \"x\"}]}",
             cert);
    CU_ASSERT_EQUAL(run_load(&r, "ws-basic.conversation", params, p.url, 0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 9);
    run_clear(&r);

    plan_closed(&r, 2, 4);
    run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}", p.url, 0, NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_TLS], 4);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "certificate"));
    run_clear(&r);

    plan_closed(&r, 2, 4);
    run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\", \"insecure\": true}", p.url, 0,
             NULL, NULL);
    EQ(r.t->sessions_ok, 4);
    run_clear(&r);
    wsc_test_peer_stop(&p);
    wsc_test_rmtree(dir);
}

/* Stages: a ramp up to 4 VUs, a hold, a ramp down to none; the run ends
 * with the stages, no session failing. */
static void test_node_stages(void)
{
    struct run r;
    struct wsc_load_stage stages[3] = {{0.3, 4}, {0.3, 4}, {0.3, 0}};
    plan_closed(&r, 4, 0);
    r.plan.stages = stages;
    r.plan.n_stages = 3;
    run_load(&r, "ws-basic.conversation",
             "{\"url\": \"%s\", \"steps\": [{\"sleep\": 0.05}]}", node_peer.url, 0, NULL,
             NULL);
    CU_ASSERT(r.t->sessions >= 4);
    EQ(r.t->sessions_failed, 0);
    EQ(r.t->sessions_ok, r.t->sessions);
    CU_ASSERT(r.stats.peak_connections >= 1 && r.stats.peak_connections <= 4);
    run_clear(&r);
}

struct stopper {
    volatile sig_atomic_t stop;
    unsigned ticks, max_active;
};

static void stop_tick(const struct wsc_load_live *live, void *arg)
{
    struct stopper *st = arg;
    st->ticks++;
    if (live->active > st->max_active)
        st->max_active = live->active;
    st->stop = 1;
}

/* *plan->stop: no new sessions; those running end by themselves. The
 * live tick comes once a second while sessions run. */
static void test_node_stop(void)
{
    struct run r;
    struct stopper st = {0};
    plan_closed(&r, 3, 0);
    r.plan.stop = &st.stop;
    CU_ASSERT_EQUAL(run_load(&r, "ws-basic.conversation",
                             "{\"url\": \"%s\", \"steps\": [{\"sleep\": 1.5}]}",
                             node_peer.url, 0, stop_tick, &st),
                    0);
    CU_ASSERT(st.ticks >= 1);
    EQ(st.max_active, 3);
    EQ(r.t->sessions, 3);
    EQ(r.t->sessions_ok, 3);
    run_clear(&r);
}

/* Several scripts: VU i runs script i mod n. */
static void test_node_two_scripts(void)
{
    struct wsc_test tests[2] = {
        {.name = "a", .plugin = "ws-basic", .check = "handshake", .index = 0},
        {.name = "b", .plugin = "ws-basic", .check = "conversation", .index = 1},
    };
    char a[256], b[256];
    snprintf(a, sizeof a, "{\"url\": \"%s\"}", node_peer.url);
    snprintf(b, sizeof b,
             "{\"url\": \"%s\", \"steps\": [{\"send\": \"x\"}, "
             "{\"expect_text\": \"x\"}]}",
             node_peer.url);
    struct json_object *pa = json_tokener_parse(a), *pb = json_tokener_parse(b);
    char *why = NULL;
    struct wsc_load_script *sc[2] = {wsc_load_compile(&tests[0], pa, 5, &why),
                                     wsc_load_compile(&tests[1], pb, 5, &why)};
    CU_ASSERT_FATAL(sc[0] && sc[1]);
    struct run r;
    plan_closed(&r, 4, 16);
    CU_ASSERT_EQUAL_FATAL(wsc_load_stats_init(&r.stats, 2), 0);
    wsc_load_test_init(&r.stats.tests[0], &tests[0]);
    wsc_load_test_init(&r.stats.tests[1], &tests[1]);
    CU_ASSERT_EQUAL(wsc_load_run(&r.plan, sc, 2, &r.stats, NULL, NULL, &why), 0);
    struct wsc_load_test *ta = &r.stats.tests[0], *tb = &r.stats.tests[1];
    EQ(ta->sessions + tb->sessions, 16);
    EQ(ta->sessions_ok + tb->sessions_ok, 16);
    CU_ASSERT(ta->sessions >= 2 && tb->sessions >= 2);
    EQ(hist_count(tb, "step 1 expect_text"), tb->sessions);
    EQ(hist_count(ta, "step 1 expect_text"), 0);
    wsc_load_script_free(sc[0]);
    wsc_load_script_free(sc[1]);
    json_object_put(pa);
    json_object_put(pb);
    r.why = why;
    run_clear(&r);
}

/* ---- python websockets ---------------------------------------------------------------------- */

static void test_py_conversation(void)
{
    struct run r;
    plan_closed(&r, 4, 16);
    CU_ASSERT_EQUAL_FATAL(
        run_load(&r, "ws-basic.conversation",
                 "{\"url\": \"%s\", \"steps\": [{\"send\": {\"n\": 1}},"
                 "{\"expect\": {\"n\": 1}, \"capture\": {\"v\": \"/n\"}},"
                 "{\"send\": \"got ${v}\"}, {\"expect_text\": \"got 1\"},"
                 "{\"close\": true}]}",
                 py_peer.url, 0, NULL, NULL),
        0);
    EQ(r.t->sessions_ok, 16);
    EQ(r.t->messages_sent, 32);
    EQ(hist_count(r.t, "step 3 expect_text"), 16);
    EQ(hist_count(r.t, "step 4 close"), 16);
    run_clear(&r);
}

/* ---- errors by kind ------------------------------------------------------------------------------ */

static void test_refused(void)
{
    struct run r;
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", wsc_test_closed_port());
    plan_closed(&r, 2, 6);
    run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}", url, 0, NULL, NULL);
    EQ(r.t->sessions, 6);
    EQ(r.t->errors[WSC_LOAD_ERR_CONNECT], 6);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "Connection refused"));
    run_clear(&r);
}

static void raw_case(const char *mode, enum wsc_load_error kind, double timeout)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {mode, NULL};
    CU_ASSERT_EQUAL_FATAL(start_peer(&p, wsc_test_python(), "peer_raw.py", args), 0);
    struct run r;
    plan_closed(&r, 2, 4);
    run_load(&r, "ws-basic.handshake", "{\"url\": \"%s\"}", p.url, timeout, NULL, NULL);
    EQ(r.t->sessions, 4);
    EQ(r.t->sessions_failed, 4);
    wsc_tap_assert(r.t->errors[kind] == 4, __FILE__, __LINE__,
                   "%s: 4 errors of kind %s, got %llu", mode, wsc_load_error_name(kind),
                   (unsigned long long)r.t->errors[kind]);
    run_clear(&r);
    wsc_test_peer_stop(&p);
}

static void test_raw_errors(void)
{
    raw_case("reject", WSC_LOAD_ERR_HANDSHAKE, 0);
    raw_case("bad-accept", WSC_LOAD_ERR_HANDSHAKE, 0);
    raw_case("no-upgrade", WSC_LOAD_ERR_HANDSHAKE, 0);
    raw_case("silent", WSC_LOAD_ERR_TIMEOUT, 0.5);
    raw_case("never-answers-close", WSC_LOAD_ERR_TIMEOUT, 0.5);
    raw_case("bad-text", WSC_LOAD_ERR_PROTOCOL, 0);
    raw_case("close-no-frame", WSC_LOAD_ERR_CLOSED, 0);
}

/* Checks that cannot run under load are refused, naming the check. */
static void test_refusals(void)
{
    struct run r;
    plan_closed(&r, 1, 1);
    CU_ASSERT(run_load(&r, "ws-basic.compliance", "{\"url\": \"%s\"}",
                       "ws://127.0.0.1:1/", 0, NULL, NULL) < 0);
    CU_ASSERT(wsc_test_contains(r.why, "ws-basic.compliance cannot run under load"));
    run_clear(&r);
    CU_ASSERT(
        run_load(&r, "port.open", "{\"host\": \"%s\"}", "127.0.0.1", 0, NULL, NULL) < 0);
    CU_ASSERT(wsc_test_contains(r.why, "port.open cannot run under load"));
    run_clear(&r);
    CU_ASSERT(
        run_load(&r, "ws-basic.conversation",
                 "{\"url\": \"%s\", \"steps\": [{\"connect\": \"b\", \"conn\": \"b\"}],"
                 "\"connections\": {\"b\": {}}}",
                 "ws://127.0.0.1:1/", 0, NULL, NULL) < 0);
    CU_ASSERT(wsc_test_contains(r.why, "cannot run under load"));
    run_clear(&r);
    CU_ASSERT(
        run_load(&r, "ws-basic.conversation",
                 "{\"url\": \"%s\", \"steps\": [{\"expect\": 1, \"within\": \"x\"}]}",
                 "ws://127.0.0.1:1/", 0, NULL, NULL) < 0);
    CU_ASSERT(wsc_test_contains(r.why, "step 0"));
    run_clear(&r);
}

static void test_targets(void)
{
    struct wsc_load_script sc = {0};
    char *path = NULL, *why = NULL;
    CU_ASSERT_EQUAL(
        wsc_load_script_target(&sc, "wss://[::1]:8443/a?b=1#frag", &path, &why), 0);
    CU_ASSERT_STRING_EQUAL(sc.host, "::1");
    CU_ASSERT_STRING_EQUAL(sc.port, "8443");
    CU_ASSERT_EQUAL(sc.tls, 1);
    CU_ASSERT_STRING_EQUAL(path, "/a?b=1");
    free(path);
    CU_ASSERT_EQUAL(wsc_load_script_target(&sc, "http://example.com?x", &path, &why), 0);
    CU_ASSERT_STRING_EQUAL(sc.port, "80");
    CU_ASSERT_STRING_EQUAL(path, "/?x");
    free(path);
    CU_ASSERT_EQUAL(wsc_load_script_target(&sc, "https://h", &path, &why), 0);
    CU_ASSERT_STRING_EQUAL(sc.port, "443");
    CU_ASSERT_STRING_EQUAL(path, "/");
    free(path);
    CU_ASSERT_EQUAL(wsc_load_script_target(&sc, "ftp://h/", &path, &why), -1);
    CU_ASSERT(wsc_test_contains(why, "url: expected"));
    free(why);
    CU_ASSERT_EQUAL(wsc_load_script_target(&sc, "ws://h:99999/", &path, &why), -1);
    free(why);
    free(sc.host);
    free(sc.port);
    free(sc.sni);
}

/* ---- memory of idle connections ----------------------------------------------------------------- */

struct mem_probe {
    size_t base;
    size_t per_conn;
    unsigned active;
};

static void mem_tick(const struct wsc_load_live *live, void *arg)
{
    struct mem_probe *m = arg;
    struct mallinfo2 mi = mallinfo2();
    if (live->active > m->active && mi.uordblks > m->base) {
        m->active = live->active;
        m->per_conn = (mi.uordblks - m->base) / live->active;
    }
}

static void test_idle_memory(void)
{
    struct run r;
    struct mem_probe m = {0};
    plan_closed(&r, 1000, 1000);
    r.plan.timeout = 30;
    struct mallinfo2 mi = mallinfo2();
    m.base = mi.uordblks;
    run_load(&r, "ws-basic.conversation",
             "{\"url\": \"%s\", \"steps\": [{\"sleep\": 2.5}]}", node_peer.url, 0,
             mem_tick, &m);
    EQ(r.t->sessions_ok, 1000);
    /* The heap is measured while most connections are open at once: a
     * machine too slow to open 900 within the sleep, or a sanitizer's
     * allocator (no mallinfo2 figures), leaves nothing to judge. */
    if (m.active >= 900) {
        printf("# %u idle connections: %zu bytes of heap each\n", m.active, m.per_conn);
        CU_ASSERT(m.per_conn < 10 * 1024);
    } else {
        printf("# heap per idle connection not measured (%u open at most while "
               "measurable)\n",
               m.active);
    }
    run_clear(&r);
}

/* MCP over WebSocket against wscheck-mock's MCP endpoint. */
static void test_mock_mcp(void)
{
    char url[160];
    snprintf(url, sizeof url, "%s/mcp", mock.ws);
    struct run r;
    plan_closed(&r, 4, 12);
    CU_ASSERT_EQUAL_FATAL(run_load(&r, "dev-toolkit.call",
                                   "{\"url\": \"%s\", \"tool\": "
                                   "\"get_websocket_server_status\"}",
                                   url, 0, NULL, NULL),
                          0);
    EQ(r.t->sessions_ok, 12);
    EQ(hist_count(r.t, "handshake_ms"), 12);
    EQ(hist_count(r.t, "call_ms"), 12);
    EQ(hist_count(r.t, "upgrade_ms"), 12);
    run_clear(&r);

    plan_closed(&r, 2, 4);
    run_load(&r, "dev-toolkit.call", "{\"url\": \"%s\", \"tool\": \"nope\"}", url, 0,
             NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_STATUS], 4);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "tools/call: JSON-RPC error -32602"));
    run_clear(&r);

    plan_closed(&r, 2, 4);
    CU_ASSERT_EQUAL(run_load(&r, "dev-toolkit.tool_discovery",
                             "{\"url\": \"%s\", \"expect\": {\"tool_names\": "
                             "{\"$contains\": \"get_websocket_clients\"}}}",
                             url, 0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 4);
    EQ(hist_count(r.t, "call_ms"), 4);
    run_clear(&r);

    plan_closed(&r, 2, 4);
    run_load(&r, "dev-toolkit.tool_discovery",
             "{\"url\": \"%s\", \"expect\": {\"tool_names\": {\"$contains\": \"nope\"}}}",
             url, 0, NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_EXPECT], 4);
    run_clear(&r);

    plan_closed(&r, 2, 4);
    CU_ASSERT_EQUAL(
        run_load(&r, "dev-toolkit.initialize",
                 "{\"url\": \"%s\", \"expect\": {\"transport\": \"websocket\"}}", url, 0,
                 NULL, NULL),
        0);
    EQ(r.t->sessions_ok, 4);
    EQ(hist_count(r.t, "call_ms"), 0);
    run_clear(&r);
}

static CU_TestInfo mock_tests[] = {
    {"mock: MCP over WebSocket (call, errors, tool_discovery)", test_mock_mcp},
    {"mock: a conversation with captures, closed model", test_mock_closed},
    {"mock: a mismatch fails with expect", test_mock_expect_fails},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo node_tests[] = {
    {"node: every step action", test_node_every_action},
    {"node: ws-basic.handshake", test_node_handshake},
    {"node: too_big over max_message", test_node_too_big},
    {"node: ws-basic.handshake's expect", test_handshake_expect},
    {"node: open model arrivals", test_node_open_arrivals},
    {"node: open model arrivals on a ramp", test_node_open_ramp},
    {"node: open model drops arrivals with no free VU", test_node_open_dropped},
    {"node: stages ramp up, hold and down", test_node_stages},
    {"node: a stop winds the run down", test_node_stop},
    {"node: two tests, VU i runs test i mod 2", test_node_two_scripts},
    {"node: ping-pong.control", test_node_ping},
    {"node: a lost pong", test_node_ping_lost},
    {"node: wss:// verified, refused, insecure", test_node_wss},
    {"node: 1000 idle connections under 10 KiB each", test_idle_memory},
    CU_TEST_INFO_NULL,
};

static void test_sdk_mcp(void)
{
    struct wsc_test_peer p = WSC_TEST_PEER_INIT;
    const char *args[] = {"ws", NULL};
    CU_ASSERT_EQUAL_FATAL(start_peer(&p, wsc_test_node(), "peer-mcp.js", args), 0);
    struct run r;
    plan_closed(&r, 3, 9);
    CU_ASSERT_EQUAL(run_load(&r, "dev-toolkit.call",
                             "{\"url\": \"%s\", \"tool\": \"echo\", "
                             "\"arguments\": {\"text\": \"hi\"}}",
                             p.url, 0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 9);
    EQ(hist_count(r.t, "call_ms"), 9);
    run_clear(&r);
    plan_closed(&r, 2, 4);
    run_load(&r, "dev-toolkit.call", "{\"url\": \"%s\", \"tool\": \"fail\"}", p.url, 0,
             NULL, NULL);
    EQ(r.t->errors[WSC_LOAD_ERR_EXPECT], 4);
    CU_ASSERT(wsc_test_contains(r.t->first_error, "isError"));
    run_clear(&r);
    plan_closed(&r, 2, 4);
    CU_ASSERT_EQUAL(run_load(&r, "dev-toolkit.call",
                             "{\"url\": \"%s\", \"tool\": \"fail\", "
                             "\"expect\": {\"isError\": true}}",
                             p.url, 0, NULL, NULL),
                    0);
    EQ(r.t->sessions_ok, 4);
    run_clear(&r);
    wsc_test_peer_stop(&p);
}

static CU_TestInfo py_tests[] = {
    {"python: a conversation with a capture", test_py_conversation},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
    {"errors: refused port -> connect", test_refused},
    {"MCP over WebSocket against the TypeScript SDK", test_sdk_mcp},
    {"errors: handshake and timeout from broken servers", test_raw_errors},
    {"refusals name the check", test_refusals},
    {"URL targets", test_targets},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"load against wscheck-mock", mock_init, mock_clean, NULL, NULL, mock_tests},
    {"load against node ws", node_init, node_clean, NULL, NULL, node_tests},
    {"load against python websockets", py_init, py_clean, NULL, NULL, py_tests},
    {"load errors", NULL, NULL, NULL, NULL, error_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    static const char *const peers[] = {"node-ws", "node-mcp", "python-websockets", NULL};
    wsc_test_require_peers(peers);
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
