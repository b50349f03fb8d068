/* expect_metrics thresholds as the runner applies them, the way metric
 * values are shown, and undefined variables explained by where they should
 * have come from. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "scenario.h"
#include "tap.h"
#include "thresholds.h"
#include "var_origin.h"

static void passed_with(struct wsc_result *r, enum wsc_status st, const char *msg)
{
    memset(r, 0, sizeof *r);
    r->status = st;
    r->message = msg ? strdup(msg) : NULL;
    CU_ASSERT_EQUAL(wsc_result_add_metric(r, "rtt_p99_ms", 9.5, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(r, "lost", 3, "count"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(r, "rtt_p99_ms", 7.25, "ms"), 0);
}

static enum wsc_status apply(struct wsc_result *r, const char *expect_metrics)
{
    struct json_object *em = json_tokener_parse(expect_metrics);
    CU_ASSERT_PTR_NOT_NULL_FATAL(em);
    CU_ASSERT_EQUAL(wsc_thresholds_apply(em, r), 0);
    json_object_put(em);
    return r->status;
}

static void test_format_metric(void)
{
    char buf[64];
    wsc_format_metric(buf, sizeof buf, 7.25, "ms");
    CU_ASSERT_STRING_EQUAL(buf, "7.250 ms");
    wsc_format_metric(buf, sizeof buf, 0, "count");
    CU_ASSERT_STRING_EQUAL(buf, "0");
    wsc_format_metric(buf, sizeof buf, 3, NULL);
    CU_ASSERT_STRING_EQUAL(buf, "3");
    wsc_format_metric(buf, sizeof buf, 1024, "bytes");
    CU_ASSERT_STRING_EQUAL(buf, "1024 bytes");
    CU_ASSERT(wsc_unit_is_count("count") && wsc_unit_is_count("") &&
              !wsc_unit_is_count("counts") && !wsc_unit_is_count("ms"));
}

static void test_threshold_text(void)
{
    static const char *const cases[][2] = {
        {"{\"$lt\": 5}", "$lt 5"},
        {"{\"$gte\": 1, \"$lt\": 5.5}", "$gte 1, $lt 5.5"},
        {"0", "0"},
        {"{\"$in\": [1, 2]}", "$in [1,2]"},
        {"{\"a\": 1}", "{\"a\":1}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct json_object *m = json_tokener_parse(cases[i][0]);
        char *text = wsc_threshold_text(m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_STRING_EQUAL(text, cases[i][1]);
        free(text);
        json_object_put(m);
    }
}

static void test_all_hold(void)
{
    struct wsc_result r;
    passed_with(&r, WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(apply(&r, "{\"rtt_p99_ms\": {\"$lt\": 8}, \"lost\": 3}"), WSC_PASSED);
    CU_ASSERT_PTR_NULL(r.message);
    CU_ASSERT_EQUAL_FATAL(r.n_thresholds, 2);
    CU_ASSERT_STRING_EQUAL(r.thresholds[0].metric, "rtt_p99_ms");
    CU_ASSERT(r.thresholds[0].ok && r.thresholds[0].recorded);
    CU_ASSERT_DOUBLE_EQUAL(r.thresholds[0].value, 7.25, 1e-9); /* the last value */
    CU_ASSERT(r.thresholds[1].ok);
    wsc_result_clear(&r);
    CU_ASSERT_PTR_NULL(r.thresholds);
}

static void test_breach_and_missing(void)
{
    struct wsc_result r;
    passed_with(&r, WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(apply(&r, "{\"rtt_p99_ms\": {\"$lt\": 5}, \"lost\": 0, "
                              "\"handshake_ms\": {\"$lt\": 50}}"),
                    WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(r.message, "metric rtt_p99_ms = 7.250 ms, expected $lt 5; "
                                      "metric lost = 3, expected 0; "
                                      "metric handshake_ms was not recorded "
                                      "(recorded: rtt_p99_ms, lost)");
    CU_ASSERT_EQUAL_FATAL(r.n_thresholds, 3);
    CU_ASSERT(!r.thresholds[0].ok && !r.thresholds[1].ok && !r.thresholds[2].ok);
    CU_ASSERT(!r.thresholds[2].recorded);
    wsc_result_clear(&r);
}

static void test_failed_keeps_its_message(void)
{
    struct wsc_result r;
    passed_with(&r, WSC_FAILED, "2 of 5 replies lost");
    CU_ASSERT_EQUAL(apply(&r, "{\"lost\": 0}"), WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(r.message, "2 of 5 replies lost; metric lost = 3, expected 0");
    wsc_result_clear(&r);
    passed_with(&r, WSC_FAILED, "2 of 5 replies lost");
    CU_ASSERT_EQUAL(apply(&r, "{\"lost\": {\"$lte\": 3}}"), WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(r.message, "2 of 5 replies lost");
    wsc_result_clear(&r);
}

static void test_error_and_skip_untouched(void)
{
    enum wsc_status sts[] = {WSC_ERROR, WSC_SKIPPED};
    for (size_t i = 0; i < 2; i++) {
        struct wsc_result r;
        passed_with(&r, sts[i], "why");
        CU_ASSERT_EQUAL(apply(&r, "{\"lost\": 0}"), sts[i]);
        CU_ASSERT_STRING_EQUAL(r.message, "why");
        CU_ASSERT_EQUAL(r.n_thresholds, 0);
        wsc_result_clear(&r);
    }
}

/* ---- undefined variables --------------------------------------------------- */

static const char scenario[] =
    "{\"name\": \"s\", \"vars\": {\"host\": \"h\"}, \"tests\": ["
    " {\"name\": \"login\", \"plugin\": \"p\", \"check\": \"c\","
    "  \"capture\": {\"sid\": \"/sid\"}},"
    " {\"name\": \"use\", \"plugin\": \"p\", \"check\": \"c\"},"
    " {\"name\": \"conv\", \"plugin\": \"p\", \"check\": \"c\","
    "  \"params\": {\"steps\": [{\"capture\": {\"tok\": \"/t\"}}]}},"
    " {\"name\": \"late\", \"plugin\": \"p\", \"check\": \"c\","
    "  \"capture\": {\"later\": \"/x\"}}]}";

struct fake {
    int ran;
    enum wsc_status st;
};

static int fake_status(const struct wsc_test *c, void *arg, enum wsc_status *st)
{
    const struct fake *f = arg;
    (void)c;
    *st = f->st;
    return f->ran;
}

static char *explain(const struct wsc_scenario *sc, size_t test, const char *msg, int ran,
                     enum wsc_status st)
{
    struct fake f = {ran, st};
    return wsc_explain_undefined(sc, &sc->tests[test], msg, fake_status, &f);
}

static void expect_explained(char *got, const char *want)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void test_explain_undefined(void)
{
    struct wsc_diag d = {.quiet = 1};
    struct wsc_scenario *sc =
        wsc_scenario_parse("t.json", scenario, strlen(scenario), &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const char *m = "params.url: undefined variable 'sid'";
    expect_explained(explain(sc, 1, m, 1, WSC_FAILED),
                     "params.url: undefined variable 'sid' (captured by test 'login', "
                     "which failed)");
    expect_explained(explain(sc, 1, m, 1, WSC_ERROR),
                     "params.url: undefined variable 'sid' (captured by test 'login', "
                     "which errored)");
    expect_explained(explain(sc, 1, m, 0, WSC_PASSED),
                     "params.url: undefined variable 'sid' (captured by test 'login', "
                     "which was not selected)");
    expect_explained(
        explain(sc, 3, "step 2: undefined variable 'tok' in send", 1, WSC_SKIPPED),
        "step 2: undefined variable 'tok' (captured by test 'conv', which "
        "was skipped) in send");
    expect_explained(explain(sc, 1, "undefined variable 'later'", 1, WSC_PASSED),
                     "undefined variable 'later' (captured by test 'late' later in the "
                     "file)");
    expect_explained(
        explain(sc, 1, "undefined variable 'sidd' (did you mean 'sid'?)", 1, WSC_PASSED),
        "undefined variable 'sidd' (no test captures it; did you mean "
        "'sid'?)");
    expect_explained(explain(sc, 1, "undefined variable 'laterr'", 1, WSC_PASSED),
                     "undefined variable 'laterr' (no test captures it; did you mean "
                     "'later'?)");
    expect_explained(explain(sc, 1, "undefined variable 'zzzqqq'", 1, WSC_PASSED),
                     "undefined variable 'zzzqqq' (not in vars or --var, and no test "
                     "captures it)");
    /* Its own steps capture it: the check's own business. */
    CU_ASSERT_PTR_NULL(explain(sc, 2, "undefined variable 'tok'", 1, WSC_PASSED));
    /* Validation (no run yet): an earlier capture counts as defined. */
    CU_ASSERT_PTR_NULL(wsc_explain_undefined(sc, &sc->tests[1], m, NULL, NULL));
    CU_ASSERT_PTR_NULL(explain(sc, 1, "connection refused", 1, WSC_FAILED));
    /* A server's text quoted in a message is not wscheck's phrase. */
    CU_ASSERT_PTR_NULL(explain(
        sc, 1, "/error: expected null, got \"undefined variable 'sid'\"", 1, WSC_FAILED));
    CU_ASSERT_PTR_NULL(explain(sc, 1, NULL, 1, WSC_FAILED));
    wsc_scenario_free(sc);
    wsc_diag_clear(&d);
}

static CU_TestInfo tests[] = {
    {"metric values for people", test_format_metric},
    {"a matcher as text", test_threshold_text},
    {"thresholds that hold", test_all_hold},
    {"a breach and a metric never recorded", test_breach_and_missing},
    {"a failed test keeps its message", test_failed_keeps_its_message},
    {"errors and skips are not judged", test_error_and_skip_untouched},
    {"undefined variables explained", test_explain_undefined},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"thresholds", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
