/* Results: status names, counts, metrics, memory, and the JSON round trip
 * that carries a result from the forked child to the runner. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "tap.h"

/* A result with every member set. */
static void full_result(struct wsc_result *r)
{
    memset(r, 0, sizeof *r);
    r->name = strdup("echo round trip");
    r->plugin = strdup("ws-basic");
    r->check = strdup("echo");
    r->status = WSC_FAILED;
    r->message = strdup("/reply: expected \"hello\", got \"hullo\"");
    r->log = strdup("connected\nsent 5 bytes\n");
    r->started = 1700000000.123456;
    r->duration = 0.1 + 0.2; /* not exactly representable: must survive */
    r->attempts = 3;
    CU_ASSERT_EQUAL(wsc_result_add_metric(r, "rtt_ms", 1.234, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(r, "frames", 7, NULL), 0);
    r->outputs = json_tokener_parse("{\"client_id\":\"c-1\",\"ports\":[1,2],"
                                    "\"nested\":{\"ok\":true,\"n\":null}}");
    r->trace = json_tokener_parse("[{\"t\":0.001,\"dir\":\"send\",\"kind\":\"text\","
                                  "\"data\":\"hello\"}]");
    CU_ASSERT_PTR_NOT_NULL(r->outputs);
    CU_ASSERT_PTR_NOT_NULL(r->trace);
    CU_ASSERT_EQUAL(wsc_result_add_warning(r, "no close reason"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_warning(r, "Sec-WebSocket-Version echoed"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(r, "1.1.1", WSC_PASSED, 0.002, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(r, "1.1.2", WSC_FAILED, -1, "no close"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(r, "1.1.3", WSC_SKIPPED, 0, "not supported"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(r, WSC_ERROR, 0.25, "crashed"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(r, WSC_FAILED, 0.5, NULL), 0);
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void assert_same(const struct wsc_result *a, const struct wsc_result *b)
{
    CU_ASSERT(same_string(a->name, b->name));
    CU_ASSERT(same_string(a->plugin, b->plugin));
    CU_ASSERT(same_string(a->check, b->check));
    CU_ASSERT_EQUAL(a->status, b->status);
    CU_ASSERT(same_string(a->message, b->message));
    CU_ASSERT(same_string(a->log, b->log));
    CU_ASSERT(a->started == b->started);
    CU_ASSERT(a->duration == b->duration);
    CU_ASSERT_EQUAL(a->attempts, b->attempts);
    CU_ASSERT_EQUAL_FATAL(a->n_metrics, b->n_metrics);
    for (size_t i = 0; i < a->n_metrics; i++) {
        CU_ASSERT(same_string(a->metrics[i].name, b->metrics[i].name));
        CU_ASSERT(a->metrics[i].value == b->metrics[i].value);
        CU_ASSERT(same_string(a->metrics[i].unit, b->metrics[i].unit));
    }
    CU_ASSERT(json_object_equal(a->outputs, b->outputs));
    CU_ASSERT(json_object_equal(a->trace, b->trace));
    CU_ASSERT_EQUAL_FATAL(a->n_warnings, b->n_warnings);
    for (size_t i = 0; i < a->n_warnings; i++)
        CU_ASSERT(same_string(a->warnings[i], b->warnings[i]));
    CU_ASSERT_EQUAL_FATAL(a->n_cases, b->n_cases);
    for (size_t i = 0; i < a->n_cases; i++) {
        CU_ASSERT(same_string(a->cases[i].name, b->cases[i].name));
        CU_ASSERT_EQUAL(a->cases[i].status, b->cases[i].status);
        CU_ASSERT(a->cases[i].duration == b->cases[i].duration ||
                  (a->cases[i].duration < 0 && b->cases[i].duration < 0));
        CU_ASSERT(same_string(a->cases[i].message, b->cases[i].message));
    }
    CU_ASSERT_EQUAL_FATAL(a->n_attempt_log, b->n_attempt_log);
    for (size_t i = 0; i < a->n_attempt_log; i++) {
        CU_ASSERT_EQUAL(a->attempt_log[i].status, b->attempt_log[i].status);
        CU_ASSERT(a->attempt_log[i].duration == b->attempt_log[i].duration);
        CU_ASSERT(same_string(a->attempt_log[i].message, b->attempt_log[i].message));
    }
}

/* Serialises to text and parses it back, as the pipe does. */
static int through_text(const struct wsc_result *in, struct wsc_result *out)
{
    struct json_object *j = wsc_result_to_json(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    struct json_object *back = json_tokener_parse(json_object_to_json_string(j));
    json_object_put(j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    int rc = wsc_result_from_json(out, back);
    json_object_put(back);
    return rc;
}

static int all_zero(const struct wsc_result *r)
{
    return r->name == NULL && r->plugin == NULL && r->check == NULL &&
           r->message == NULL && r->log == NULL && r->metrics == NULL &&
           r->n_metrics == 0 && r->outputs == NULL && r->trace == NULL &&
           r->warnings == NULL && r->n_warnings == 0 && r->cases == NULL &&
           r->n_cases == 0 && r->attempts == 0 && r->status == WSC_PASSED;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_status_names(void)
{
    static const char *const names[] = {"passed", "failed", "error", "skipped"};
    for (int s = WSC_PASSED; s <= WSC_SKIPPED; s++) {
        enum wsc_status back = WSC_PASSED;
        CU_ASSERT_STRING_EQUAL(wsc_status_name((enum wsc_status)s), names[s]);
        CU_ASSERT_EQUAL(wsc_status_from_name(names[s], &back), 0);
        CU_ASSERT_EQUAL(back, (enum wsc_status)s);
    }
    enum wsc_status st = WSC_SKIPPED;
    CU_ASSERT_EQUAL(wsc_status_from_name("PASSED", &st), -1);
    CU_ASSERT_EQUAL(wsc_status_from_name("", &st), -1);
    CU_ASSERT_EQUAL(wsc_status_from_name(NULL, &st), -1);
    CU_ASSERT_EQUAL(st, WSC_SKIPPED);
    CU_ASSERT_STRING_EQUAL(wsc_status_name((enum wsc_status)42), "unknown");
}

static void test_counts(void)
{
    struct wsc_result a[] = {{.status = WSC_PASSED},
                             {.status = WSC_FAILED},
                             {.status = WSC_PASSED},
                             {.status = WSC_SKIPPED}};
    struct wsc_result b[] = {{.status = WSC_ERROR}, {.status = WSC_PASSED}};
    struct wsc_suite_result suites[] = {{.tests = a, .n_tests = 4},
                                        {.tests = b, .n_tests = 2},
                                        {.tests = NULL, .n_tests = 0}};
    struct wsc_run_result run = {.suites = suites, .n_suites = 3};

    CU_ASSERT_EQUAL(wsc_suite_count(&suites[0], WSC_PASSED), 2);
    CU_ASSERT_EQUAL(wsc_suite_count(&suites[0], WSC_ERROR), 0);
    CU_ASSERT_EQUAL(wsc_suite_count(&suites[2], WSC_PASSED), 0);
    CU_ASSERT_EQUAL(wsc_run_count(&run, WSC_PASSED), 3);
    CU_ASSERT_EQUAL(wsc_run_count(&run, WSC_FAILED), 1);
    CU_ASSERT_EQUAL(wsc_run_count(&run, WSC_ERROR), 1);
    CU_ASSERT_EQUAL(wsc_run_count(&run, WSC_SKIPPED), 1);
}

/* A test with cases counts as its cases, and as a test case of its own only
 * when its outcome is more than its cases say. */
static void test_counts_with_cases(void)
{
    struct wsc_result t[4] = {{.status = WSC_FAILED},
                              {.status = WSC_PASSED},
                              {.status = WSC_ERROR, .message = "crashed"},
                              {.status = WSC_FAILED}};
    /* t[0]: failed by its cases */
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[0], "a", WSC_PASSED, 0.001, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[0], "b", WSC_FAILED, 0.001, "no"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[0], "c", WSC_ERROR, -1, "broke"), 0);
    /* t[1]: all cases passed */
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[1], "a", WSC_PASSED, 0, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[1], "b", WSC_SKIPPED, 0, "n/a"), 0);
    /* t[2]: crashed after a passed case */
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[2], "a", WSC_PASSED, 0, NULL), 0);
    /* t[3]: failed without a message while its cases passed */
    CU_ASSERT_EQUAL(wsc_result_add_case(&t[3], "a", WSC_PASSED, 0, NULL), 0);

    CU_ASSERT_EQUAL(wsc_cases_status(&t[0]), WSC_FAILED);
    CU_ASSERT_EQUAL(wsc_cases_status(&t[1]), WSC_PASSED);
    CU_ASSERT_FALSE(wsc_result_is_case(&t[0]));
    CU_ASSERT_FALSE(wsc_result_is_case(&t[1]));
    CU_ASSERT_TRUE(wsc_result_is_case(&t[2]));
    CU_ASSERT_TRUE(wsc_result_is_case(&t[3]));

    struct wsc_suite_result s = {.tests = t, .n_tests = 4};
    CU_ASSERT_EQUAL(wsc_suite_total(&s), 3 + 2 + 2 + 2);
    CU_ASSERT_EQUAL(wsc_suite_count(&s, WSC_PASSED), 1 + 1 + 1 + 1);
    CU_ASSERT_EQUAL(wsc_suite_count(&s, WSC_FAILED), 1 + 1);
    CU_ASSERT_EQUAL(wsc_suite_count(&s, WSC_ERROR), 1 + 1);
    CU_ASSERT_EQUAL(wsc_suite_count(&s, WSC_SKIPPED), 1);
    for (int i = 0; i < 4; i++) {
        t[i].message = NULL; /* not owned */
        wsc_result_clear_attempt(&t[i]);
        CU_ASSERT_PTR_NULL(t[i].cases);
        CU_ASSERT_EQUAL(t[i].n_cases, 0);
    }
}

static void test_add_metric_copies(void)
{
    struct wsc_result r = {0};
    char name[] = "connect_ms", unit[] = "ms";
    CU_ASSERT_EQUAL(wsc_result_add_metric(&r, name, 0.42, unit), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&r, "count", 3, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&r, NULL, 1, "ms"), -1);
    name[0] = 'X';
    unit[0] = 'X';
    CU_ASSERT_EQUAL_FATAL(r.n_metrics, 2);
    CU_ASSERT_STRING_EQUAL(r.metrics[0].name, "connect_ms");
    CU_ASSERT_STRING_EQUAL(r.metrics[0].unit, "ms");
    CU_ASSERT(r.metrics[0].value == 0.42);
    CU_ASSERT_PTR_NULL(r.metrics[1].unit);
    wsc_result_clear(&r);
    CU_ASSERT(all_zero(&r));
}

static void test_clear_everything(void)
{
    struct wsc_run_result run = {0};
    run.suites = calloc(2, sizeof *run.suites);
    CU_ASSERT_PTR_NOT_NULL_FATAL(run.suites);
    run.n_suites = 2;
    run.suites[0].name = strdup("s");
    run.suites[0].file = strdup("s.json");
    run.suites[0].hostname = strdup("h");
    run.suites[0].tests = calloc(2, sizeof *run.suites[0].tests);
    CU_ASSERT_PTR_NOT_NULL_FATAL(run.suites[0].tests);
    run.suites[0].n_tests = 2;
    full_result(&run.suites[0].tests[0]);
    full_result(&run.suites[0].tests[1]);
    wsc_run_result_clear(&run); /* ASan reports any leak */
    CU_ASSERT_PTR_NULL(run.suites);
    CU_ASSERT_EQUAL(run.n_suites, 0);
    wsc_run_result_clear(&run); /* clearing twice is harmless */
    wsc_result_clear(NULL);
    wsc_suite_result_clear(NULL);
    wsc_run_result_clear(NULL);
}

static void test_round_trip_full(void)
{
    struct wsc_result in, out = {0};
    full_result(&in);
    CU_ASSERT_EQUAL(through_text(&in, &out), 0);
    assert_same(&in, &out);
    wsc_result_clear(&in);
    wsc_result_clear(&out);
}

/* Flaky: passed after attempts that failed or errored, counted per run. */
static void test_flaky(void)
{
    struct wsc_result r = {0};
    r.status = WSC_PASSED;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(&r, WSC_PASSED, 0.1, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_flaky(&r), 0);
    wsc_result_clear(&r);
    r.status = WSC_PASSED;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(&r, WSC_FAILED, 0.1, "x"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(&r, WSC_ERROR, 0.1, "y"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(&r, WSC_PASSED, 0.1, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_flaky(&r), 2);
    /* a retry clears the attempt's outcome, not the log */
    wsc_result_clear_attempt(&r);
    CU_ASSERT_EQUAL(r.n_attempt_log, 3);
    struct wsc_suite_result s = {.tests = &r, .n_tests = 1};
    struct wsc_run_result run = {.suites = &s, .n_suites = 1};
    CU_ASSERT_EQUAL(wsc_run_flaky(&run), 1);
    r.status = WSC_FAILED; /* failed every time: not flaky */
    CU_ASSERT_EQUAL(wsc_result_flaky(&r), 0);
    CU_ASSERT_EQUAL(wsc_run_flaky(&run), 0);
    wsc_result_clear(&r);
}

static void test_round_trip_each_status(void)
{
    for (int s = WSC_PASSED; s <= WSC_SKIPPED; s++) {
        struct wsc_result in = {0}, out = {0};
        in.name = strdup("t");
        in.status = (enum wsc_status)s;
        CU_ASSERT_EQUAL(through_text(&in, &out), 0);
        assert_same(&in, &out);
        wsc_result_clear(&in);
        wsc_result_clear(&out);
    }
}

static void test_round_trip_empty(void)
{
    struct wsc_result in = {0}, out = {0};
    CU_ASSERT_EQUAL(through_text(&in, &out), 0);
    assert_same(&in, &out);
    wsc_result_clear(&out);
}

static void test_round_trip_extremes(void)
{
    struct wsc_result in = {0}, out = {0};
    in.name = strdup("caf\xc3\xa9 \xe2\x9c\x93 \"quoted\" \\ tab\t nl\n ctl\x01");
    in.status = WSC_ERROR;
    in.attempts = 2147483647;
    in.duration = 1e-9;
    in.started = 4102444800.5;
    CU_ASSERT_EQUAL(wsc_result_add_metric(&in, "big", 1.7976931348623157e308, ""), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&in, "tiny", 5e-324, "s"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&in, "neg", -0.5, "ms"), 0);
    CU_ASSERT_EQUAL(through_text(&in, &out), 0);
    assert_same(&in, &out);
    wsc_result_clear(&in);
    wsc_result_clear(&out);
}

/* The child's result is copied: the parsed JSON may be freed afterwards. */
static void test_from_json_copies(void)
{
    struct wsc_result in, out = {0};
    full_result(&in);
    struct json_object *j = wsc_result_to_json(&in);
    CU_ASSERT_EQUAL(wsc_result_from_json(&out, j), 0);
    json_object_put(j);
    assert_same(&in, &out);
    wsc_result_clear(&in);
    wsc_result_clear(&out);
}

static void test_from_json_optional_members(void)
{
    struct wsc_result r = {0};
    struct json_object *j =
        json_tokener_parse("{\"status\":\"skipped\",\"message\":null,\"outputs\":null,"
                           "\"metrics\":[{\"name\":\"m\",\"value\":2}]}");
    CU_ASSERT_EQUAL(wsc_result_from_json(&r, j), 0);
    CU_ASSERT_EQUAL(r.status, WSC_SKIPPED);
    CU_ASSERT_PTR_NULL(r.name);
    CU_ASSERT_PTR_NULL(r.message);
    CU_ASSERT_PTR_NULL(r.outputs);
    CU_ASSERT_EQUAL_FATAL(r.n_metrics, 1);
    CU_ASSERT(r.metrics[0].value == 2);
    CU_ASSERT_PTR_NULL(r.metrics[0].unit);
    json_object_put(j);
    wsc_result_clear(&r);
}

/* Whatever a corrupted child sends, from_json returns -1, leaves the result
 * zeroed and leaks nothing. */
static void test_from_json_rejects_wrong_types(void)
{
    static const char *const bad[] = {
        "null",
        "[]",
        "\"passed\"",
        "42",
        "{}",
        "{\"status\":\"PASS\"}",
        "{\"status\":1}",
        "{\"status\":null}",
        "{\"status\":\"passed\",\"name\":5}",
        "{\"status\":\"passed\",\"name\":{}}",
        "{\"status\":\"passed\",\"plugin\":[]}",
        "{\"status\":\"passed\",\"check\":true}",
        "{\"status\":\"passed\",\"message\":1.5}",
        "{\"status\":\"passed\",\"log\":[\"x\"]}",
        "{\"status\":\"passed\",\"started\":\"now\"}",
        "{\"status\":\"passed\",\"duration\":true}",
        "{\"status\":\"passed\",\"attempts\":\"3\"}",
        "{\"status\":\"passed\",\"attempts\":1.5}",
        "{\"status\":\"passed\",\"attempts\":-1}",
        "{\"status\":\"passed\",\"attempts\":99999999999}",
        "{\"status\":\"passed\",\"metrics\":{}}",
        "{\"status\":\"passed\",\"metrics\":[1]}",
        "{\"status\":\"passed\",\"metrics\":[null]}",
        "{\"status\":\"passed\",\"metrics\":[{\"value\":1}]}",
        "{\"status\":\"passed\",\"metrics\":[{\"name\":1,\"value\":1}]}",
        "{\"status\":\"passed\",\"metrics\":[{\"name\":\"m\"}]}",
        "{\"status\":\"passed\",\"metrics\":[{\"name\":\"m\",\"value\":\"1\"}]}",
        "{\"status\":\"passed\",\"metrics\":[{\"name\":\"m\",\"value\":1,\"unit\":2}]}",
        /* a good metric before a bad one: the first must not leak */
        "{\"status\":\"passed\",\"name\":\"n\",\"metrics\":[{\"name\":\"a\",\"value\":1},"
        "{\"name\":\"b\",\"value\":[]}]}",
        "{\"status\":\"passed\",\"outputs\":[]}",
        "{\"status\":\"passed\",\"outputs\":\"x\"}",
        "{\"status\":\"passed\",\"trace\":{}}",
        "{\"status\":\"passed\",\"trace\":7}",
        "{\"status\":\"passed\",\"warnings\":\"w\"}",
        "{\"status\":\"passed\",\"warnings\":[1]}",
        "{\"status\":\"passed\",\"warnings\":[\"ok\",null]}",
        "{\"status\":\"passed\",\"cases\":{}}",
        "{\"status\":\"passed\",\"cases\":[\"c\"]}",
        "{\"status\":\"passed\",\"cases\":[{\"status\":\"passed\"}]}",
        "{\"status\":\"passed\",\"cases\":[{\"name\":\"c\"}]}",
        "{\"status\":\"passed\",\"cases\":[{\"name\":\"c\",\"status\":\"ok\"}]}",
        "{\"status\":\"passed\",\"cases\":[{\"name\":\"c\",\"status\":\"passed\","
        "\"duration\":\"1\"}]}",
        /* a good case before a bad one: the first must not leak */
        "{\"status\":\"passed\",\"cases\":[{\"name\":\"a\",\"status\":\"passed\"},"
        "{\"name\":\"b\",\"status\":\"failed\",\"message\":3}]}",
        /* everything valid but the last member */
        "{\"name\":\"n\",\"plugin\":\"p\",\"check\":\"c\",\"status\":\"failed\","
        "\"message\":\"m\",\"log\":\"l\",\"outputs\":{\"a\":1},\"trace\":{}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct wsc_result r;
        memset(&r, 0x5a, sizeof r); /* garbage: must be overwritten, not freed */
        struct json_object *j = json_tokener_parse(bad[i]);
        CU_ASSERT_EQUAL(wsc_result_from_json(&r, j), -1);
        CU_ASSERT(all_zero(&r));
        json_object_put(j);
    }
    struct wsc_result r = {0};
    CU_ASSERT_EQUAL(wsc_result_from_json(&r, NULL), -1);
}

/* Every member of a valid result, replaced by a value of the wrong type. */
static void test_from_json_each_member_wrong(void)
{
    struct wsc_result in;
    full_result(&in);
    struct json_object *good = wsc_result_to_json(&in);
    wsc_result_clear(&in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);

    static const char *const wrong[] = {"true", "[1]", "{\"x\":1}", "-3", "\"s\""};
    int rejected = 0, tried = 0;
    json_object_object_foreach(good, key, value) {
        (void)value;
        for (size_t w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
            struct json_object *copy = NULL;
            CU_ASSERT_EQUAL_FATAL(json_object_deep_copy(good, &copy, NULL), 0);
            struct json_object *v = json_tokener_parse(wrong[w]);
            json_object_object_add(copy, key, v);
            enum json_type want = json_object_get_type(value);
            enum json_type got = json_object_get_type(v);
            int same = want == got ||
                       (want == json_type_double && got == json_type_int) ||
                       (strcmp(key, "attempts") == 0 && got == json_type_int);
            struct wsc_result r = {0};
            int rc = wsc_result_from_json(&r, copy);
            if (!same) {
                tried++;
                rejected += rc == -1;
                CU_ASSERT_EQUAL(rc, -1);
                CU_ASSERT(all_zero(&r));
            }
            wsc_result_clear(&r);
            json_object_put(copy);
        }
    }
    CU_ASSERT(tried >= 40);
    CU_ASSERT_EQUAL(rejected, tried);
    json_object_put(good);
}

static void test_format_number(void)
{
    char buf[64];
    wsc_format_number(buf, sizeof buf, 1.23449);
    CU_ASSERT_STRING_EQUAL(buf, "1.234");
    wsc_format_number(buf, sizeof buf, 12);
    CU_ASSERT_STRING_EQUAL(buf, "12");
    wsc_format_number(buf, sizeof buf, -0.5);
    CU_ASSERT_STRING_EQUAL(buf, "-0.500");
    wsc_format_number(buf, sizeof buf, 0.00012);
    CU_ASSERT_STRING_EQUAL(buf, "0.00012");
    wsc_format_number(buf, sizeof buf, NAN);
    CU_ASSERT_STRING_EQUAL(buf, "nan");
    wsc_format_number(buf, sizeof buf, -INFINITY);
    CU_ASSERT_STRING_EQUAL(buf, "-inf");
    wsc_format_number(buf, 3, 12345.5);
    CU_ASSERT_STRING_EQUAL(buf, "12");
}

static void test_format_utc(void)
{
    char buf[32];
    wsc_format_utc(buf, sizeof buf, 1700000000.25, 0);
    CU_ASSERT_STRING_EQUAL(buf, "2023-11-14T22:13:20");
    wsc_format_utc(buf, sizeof buf, 1700000000.25, 1);
    CU_ASSERT_STRING_EQUAL(buf, "2023-11-14T22:13:20.250Z");
    wsc_format_utc(buf, sizeof buf, -5, 0);
    CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00");
    wsc_format_utc(buf, sizeof buf, NAN, 1);
    CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00.000Z");
    wsc_format_utc(buf, sizeof buf, 1e30, 0);
    CU_ASSERT_STRING_EQUAL(buf, "9999-12-31T23:59:59");
}

static CU_TestInfo result_tests[] = {
    {"cases count as test cases", test_counts_with_cases},
    {"status names", test_status_names},
    {"counts per suite and run", test_counts},
    {"add_metric copies name and unit", test_add_metric_copies},
    {"clear frees a whole run", test_clear_everything},
    {"round trip: every member", test_round_trip_full},
    {"flaky: passed after failed attempts", test_flaky},
    {"round trip: each status", test_round_trip_each_status},
    {"round trip: empty result", test_round_trip_empty},
    {"round trip: extreme values", test_round_trip_extremes},
    {"from_json copies what it keeps", test_from_json_copies},
    {"from_json: absent and null members", test_from_json_optional_members},
    {"from_json rejects wrong types", test_from_json_rejects_wrong_types},
    {"from_json: each member of the wrong type", test_from_json_each_member_wrong},
    {"format numbers", test_format_number},
    {"format UTC times", test_format_utc},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"result", NULL, NULL, NULL, NULL, result_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
