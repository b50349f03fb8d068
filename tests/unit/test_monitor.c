/* wscheck monitor's parts that need no network: the per-test state
 * machine (down after N failures, recovered after M passes, alerts on
 * transitions only), the results log line, and the server of a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_state.h"
#include "results_log.h"
#include "tap.h"

static struct monitor_states states(unsigned down_after, unsigned recover_after)
{
    struct monitor_states s = {0};
    s.down_after = down_after;
    s.recover_after = recover_after;
    return s;
}

/* Applies a sequence ('p' passed, 'f' failed, 'e' error, 's' skipped), one a
 * second from t=100, and writes the events as 'D' (down), 'R' (recovered),
 * '.' (none) to out. */
static void feed(struct monitor_states *s, const char *seq, char *out)
{
    struct monitor_test_state *t = monitor_state_get(s, "suite", "test");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (size_t i = 0; seq[i]; i++) {
        enum wsc_status st = seq[i] == 'p'   ? WSC_PASSED
                             : seq[i] == 'f' ? WSC_FAILED
                             : seq[i] == 'e' ? WSC_ERROR
                                             : WSC_SKIPPED;
        enum monitor_event ev = monitor_state_apply(s, t, st, 100.0 + (double)i);
        out[i] = ev == MONITOR_WENT_DOWN ? 'D' : ev == MONITOR_RECOVERED ? 'R' : '.';
    }
    out[strlen(seq)] = '\0';
}

static void expect_events(unsigned n, unsigned m, const char *seq, const char *want)
{
    struct monitor_states s = states(n, m);
    char got[64];
    feed(&s, seq, got);
    if (strcmp(got, want) != 0)
        printf("# down-after %u recover-after %u: %s gave %s, expected %s\n", n, m, seq,
               got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    monitor_states_free(&s);
}

static void test_defaults(void)
{
    /* a first pass sets up without an alert; a first failure is an alert */
    expect_events(1, 1, "ppp", "...");
    expect_events(1, 1, "fff", "D..");
    expect_events(1, 1, "pfpfp", ".DRDR");
    expect_events(1, 1, "pepp", ".DR.");
}

static void test_damping(void)
{
    /* one failure among passes never alerts with --down-after 2 */
    expect_events(2, 1, "pfpfpfp", ".......");
    expect_events(2, 1, "pffffp", "..D..R");
    expect_events(2, 1, "ff", ".D");
    expect_events(1, 3, "pfppfpppp", ".D.....R.");
}

static void test_skipped_changes_nothing(void)
{
    expect_events(2, 2, "fsf", "..D");
    expect_events(1, 2, "fpsp", "D..R");
    expect_events(1, 1, "sss", "...");
}

static void test_down_since_and_retain(void)
{
    struct monitor_states s = states(2, 1);
    char got[16];
    feed(&s, "pfff", got);
    struct monitor_test_state *t = monitor_state_get(&s, "suite", "test");
    CU_ASSERT_EQUAL(t->health, MONITOR_DOWN);
    /* down since the first of the failures that took it down */
    CU_ASSERT_DOUBLE_EQUAL(t->down_since, 101.0, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(monitor_state_get(&s, "suite", "other"));
    CU_ASSERT_EQUAL(s.n, 2);
    char *keep[] = {"suite\tother"};
    monitor_states_retain(&s, keep, 1);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.v[0].key, "suite\tother");
    monitor_states_free(&s);
}

static void test_format_duration(void)
{
    char b[32];
    monitor_format_duration(b, sizeof(b), 12.2);
    CU_ASSERT_STRING_EQUAL(b, "12s");
    monitor_format_duration(b, sizeof(b), 130);
    CU_ASSERT_STRING_EQUAL(b, "2m10s");
    monitor_format_duration(b, sizeof(b), 3720);
    CU_ASSERT_STRING_EQUAL(b, "1h02m");
    monitor_format_duration(b, sizeof(b), 2 * 86400 + 3 * 3600);
    CU_ASSERT_STRING_EQUAL(b, "2d03h");
}

static void test_log_line(void)
{
    struct wsc_suite_result s = {.name = "ws", .file = "scenarios/ws.json"};
    struct wsc_result r = {.name = "handshake",
                           .plugin = "ws-basic",
                           .check = "handshake",
                           .status = WSC_FAILED,
                           .message = "refused",
                           .started = 1.5,
                           .duration = 0.0125,
                           .attempts = 2};
    CU_ASSERT_EQUAL_FATAL(wsc_result_add_metric(&r, "handshake_ms", 3.5, "ms"), 0);
    struct json_object *o = wsc_results_log_line("monitor", 3, &s, &r, "127.0.0.1:9004");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const char *text = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    const char *want =
        "{\"time\":\"1970-01-01T00:00:01.512Z\",\"source\":\"monitor\",\"round\":3,"
        "\"suite\":\"ws\",\"file\":\"scenarios/ws.json\",\"test\":\"handshake\","
        "\"plugin\":\"ws-basic\",\"check\":\"handshake\",\"server\":\"127.0.0.1:9004\","
        "\"status\":\"failed\",\"duration_ms\":12.500,\"attempts\":2,"
        "\"metrics\":{\"handshake_ms\":3.5},\"message\":\"refused\"}";
    if (strcmp(text, want) != 0)
        printf("# got %s\n", text);
    CU_ASSERT_STRING_EQUAL(text, want);
    json_object_put(o);
    /* a run's line has no round, a passed one no message, no server: none */
    r.status = WSC_PASSED;
    o = wsc_results_log_line("run", 0, &s, &r, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    struct json_object *v;
    CU_ASSERT_FALSE(json_object_object_get_ex(o, "round", &v));
    CU_ASSERT_FALSE(json_object_object_get_ex(o, "message", &v));
    CU_ASSERT_FALSE(json_object_object_get_ex(o, "server", &v));
    json_object_put(o);
    free(r.metrics[0].name);
    free(r.metrics[0].unit);
    free(r.metrics);
}

static void expect_servers(const char *params, const char *want)
{
    char text[512];
    snprintf(text, sizeof(text),
             "{\"name\": \"s\", \"vars\": {\"h\": \"10.0.0.1\", \"tok\": \"abc\"},"
             " \"tests\": [{\"name\": \"t\", \"plugin\": \"p\", \"check\": \"c\","
             " \"params\": %s}]}",
             params);
    struct wsc_diag d = {.quiet = 1};
    struct wsc_scenario *sc = wsc_scenario_parse("t.json", text, strlen(text), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    char **servers = wsc_scenario_servers(sc, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(servers);
    if (!want) {
        CU_ASSERT_PTR_NULL(servers[0]);
    } else if (!servers[0] || strcmp(servers[0], want) != 0) {
        printf("# %s gave %s, expected %s\n", params, servers[0] ? servers[0] : "NULL",
               want);
        CU_FAIL("server");
    }
    wsc_servers_free(servers, sc->n_tests);
    wsc_scenario_free(sc);
    wsc_diag_clear(&d);
}

static void test_servers(void)
{
    expect_servers("{\"url\": \"ws://user:pw@${h}:9004/x?y=1\"}", "10.0.0.1:9004");
    expect_servers("{\"url\": \"wss://example.org/feed\"}", "example.org:443");
    expect_servers("{\"url\": \"http://[::1]:8080/\"}", "[::1]:8080");
    expect_servers("{\"host\": \"::1\", \"port\": 8675}", "[::1]:8675");
    expect_servers("{\"host\": \"${h}\", \"port\": \"8678-8680\"}", "10.0.0.1:8678-8680");
    expect_servers("{\"text\": \"x\"}", NULL);
    expect_servers("{\"url\": \"ws://${captured}/\"}", NULL);
}

static CU_TestInfo monitor_tests[] = {
    {"states with the defaults", test_defaults},
    {"down-after and recover-after damp flapping", test_damping},
    {"a skipped test changes nothing", test_skipped_changes_nothing},
    {"down since, and states kept after a reload", test_down_since_and_retain},
    {"durations for people", test_format_duration},
    {"the results log line", test_log_line},
    {"the server of a test", test_servers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"monitor", NULL, NULL, NULL, NULL, monitor_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
