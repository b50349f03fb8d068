/* `wscheck report`: the parts its figures rest on, each on its own: failure
 * messages reduced to patterns, nearest-rank percentiles, success rates,
 * aggregation into tests, servers, buckets, patterns and trends, time
 * parsing (RFC 3339 and relative), bucket widths, HTML escaping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_model.h"
#include "tap.h"

static int normalised_is(const char *msg, const char *want)
{
    char *got = rep_normalise_message(msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    int same = strcmp(got, want) == 0;
    if (!same)
        printf("# expected [%s]\n# got      [%s]\n", want, got);
    free(got);
    return same;
}

static void test_normalise(void)
{
    CU_ASSERT(normalised_is("connection refused by 127.0.0.1:9004 after 3012 ms",
                            "connection refused by <ip>:<port> after <n> ms"));
    CU_ASSERT(normalised_is("ws://localhost:8676/mcp closed with 1006 after 2.5 s",
                            "ws://localhost:<port>/mcp closed with <n> after <n> s"));
    CU_ASSERT(normalised_is("request 3f2a9c1e-1b2c-4d5e-8f90-123456789ABC failed",
                            "request <uuid> failed"));
    CU_ASSERT(normalised_is("session deadbeef0123 and 0x1F2e gone",
                            "session <hex> and <hex> gone"));
    CU_ASSERT(normalised_is("tool 'deploy' said \"no such job 12\"",
                            "tool '<value>' said \"<value>\""));
    /* digits inside words, apostrophes in words and short hex-like words stay */
    CU_ASSERT(
        normalised_is("ws2 can't meet rfc6455 (face)", "ws2 can't meet rfc6455 (face)"));
    CU_ASSERT(normalised_is("an unclosed 'quote 5", "an unclosed 'quote <n>"));
    CU_ASSERT(normalised_is("[::1]:8080 refused", "[::<n>]:<port> refused"));
    CU_ASSERT(normalised_is("", ""));
    CU_ASSERT(normalised_is(NULL, ""));
}

static void test_percentiles(void)
{
    struct rep_values v = {0};
    CU_ASSERT(isnan(rep_percentile(&v, 50)));
    static const double values[] = {15, 20, 35, 40, 50};
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(rep_values_push(&v, values[4 - i]), 0);
    /* nearest rank: ceil(p/100 * n) */
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 0), 15, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 5), 15, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 30), 20, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 40), 20, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 50), 35, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 99), 50, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 100), 50, 0);
    /* a value added after sorting is sorted in on the next call */
    CU_ASSERT_EQUAL(rep_values_push(&v, 1), 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_percentile(&v, 0), 1, 0);
    free(v.v);
}

static void test_success_rate(void)
{
    struct rep_counts c = {.passed = 3, .failed = 1, .skipped = 4};
    CU_ASSERT_EQUAL(rep_counts_total(&c), 8);
    CU_ASSERT_DOUBLE_EQUAL(rep_success_rate(&c), 75.0, 1e-12);
    struct rep_counts skipped = {.skipped = 2};
    CU_ASSERT(isnan(rep_success_rate(&skipped)));
}

static int time_is(const char *text, double now, double want)
{
    double got = -1;
    int rc = rep_parse_time(text, now, &got);
    if (rc != 0 || fabs(got - want) > 1e-6)
        printf("# %s: rc %d, got %.6f, want %.6f\n", text, rc, got, want);
    return rc == 0 && fabs(got - want) <= 1e-6;
}

static void test_times(void)
{
    const double t = 1764547200; /* 2025-12-01T00:00:00Z */
    double out;
    CU_ASSERT(time_is("2025-12-01T00:00:00Z", NAN, t));
    CU_ASSERT(time_is("2025-12-01T00:00:00.250Z", NAN, t + 0.25));
    CU_ASSERT(time_is("2025-12-01t01:30:00+01:30", NAN, t));
    CU_ASSERT(time_is("2025-11-30T19:00:00-05:00", NAN, t));
    CU_ASSERT(time_is("2025-12-01 00:00:01z", NAN, t + 1));
    CU_ASSERT(time_is("2025-12-01", NAN, t));
    CU_ASSERT(time_is("24h", t, t - 86400));
    CU_ASSERT(time_is("7d", t, t - 7 * 86400));
    CU_ASSERT(time_is("90m", t, t - 5400));
    CU_ASSERT(time_is("1.5h", t, t - 5400));
    CU_ASSERT(time_is("2w", t, t - 14 * 86400));
    CU_ASSERT(time_is("30s", t, t - 30));
    /* relative times only where a now is given (not in logs) */
    CU_ASSERT_EQUAL(rep_parse_time("24h", NAN, &out), -1);
    static const char *const bad[] = {"",
                                      "yesterday",
                                      "24",
                                      "h",
                                      "24hours",
                                      "-1h",
                                      "2025-13-01T00:00:00Z",
                                      "2025-12-01T00:00:00",
                                      "2025-12-01T00:00:00+0100",
                                      "2025-12-01T24:00:00Z",
                                      "2025-12-01T00:00:00.Z",
                                      "2025-12-01T00:00:00Zjunk"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = rep_parse_time(bad[i], t, &out);
        if (rc != -1)
            printf("# '%s' was accepted\n", bad[i]);
        CU_ASSERT_EQUAL(rc, -1);
    }
    char buf[40];
    rep_format_time(buf, sizeof buf, t + 59.9);
    CU_ASSERT_STRING_EQUAL(buf, "2025-12-01T00:00:59Z");
}

static void test_bucket_width(void)
{
    CU_ASSERT_DOUBLE_EQUAL(rep_bucket_width(0), 3600, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_bucket_width(2 * 86400), 3600, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_bucket_width(30 * 86400), 86400, 0);
    CU_ASSERT_DOUBLE_EQUAL(rep_bucket_width(365 * 86400), 7 * 86400, 0);
    /* ten years: still at most REP_MAX_BUCKETS points */
    double w = rep_bucket_width(3650 * 86400.0);
    CU_ASSERT(3650 * 86400.0 / w < REP_MAX_BUCKETS - 1);
}

static void add(struct rep_set *s, double t, const char *test, const char *server,
                enum rep_status st, double ms, const char *msg)
{
    struct rep_record r = {.time = t, .status = st, .duration_ms = ms};
    r.suite = strdup("suite");
    r.test = strdup(test);
    r.server = server ? strdup(server) : NULL;
    r.plugin = strdup("dev-toolkit");
    r.message = msg ? strdup(msg) : NULL;
    s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->v);
    s->v[s->n++] = r;
    s->readable++;
}

static void test_aggregate(void)
{
    const double t0 = 1764547200;
    struct rep_set set = {.inputs = 1};
    struct rep_agg a;
    /* a: passes, then fails twice on another port; b: slower in the second half */
    add(&set, t0, "a", "h:1", REP_PASSED, 10, NULL);
    add(&set, t0 + 3600, "a", "h:1", REP_PASSED, 10, NULL);
    add(&set, t0 + 7200, "a", "h:1", REP_FAILED, 30, "refused by h:1 after 31 ms");
    add(&set, t0 + 10800, "a", "h:1", REP_ERROR, 40, "refused by h:2 after 99 ms");
    add(&set, t0, "b", NULL, REP_PASSED, 10, NULL);
    add(&set, t0 + 10800, "b", NULL, REP_PASSED, 20, NULL);
    add(&set, t0 + 10800, "b", NULL, REP_SKIPPED, 5000, NULL);
    CU_ASSERT_EQUAL_FATAL(rep_aggregate(&a, &set), 0);
    CU_ASSERT_EQUAL(a.n_buckets, 4);
    CU_ASSERT_DOUBLE_EQUAL(a.bucket_s, 3600, 0);
    CU_ASSERT_EQUAL(rep_counts_total(&a.c), 7);
    CU_ASSERT_DOUBLE_EQUAL(rep_success_rate(&a.c), 400.0 / 6, 1e-9);
    /* the skipped result's duration is not a latency */
    CU_ASSERT_EQUAL(a.dur.n, 6);
    CU_ASSERT_EQUAL_FATAL(a.n_tests, 2);
    CU_ASSERT_STRING_EQUAL(a.tests[0].test, "a");
    CU_ASSERT_DOUBLE_EQUAL(rep_success_rate(&a.tests[0].c), 50, 1e-12);
    CU_ASSERT_EQUAL(a.tests[0].buckets[2].c.failed, 1);
    CU_ASSERT_EQUAL(a.tests[0].buckets[3].c.errors, 1);
    CU_ASSERT_STRING_EQUAL(a.tests[0].trend.verdict, "worse");
    CU_ASSERT_STRING_EQUAL(a.tests[1].trend.verdict, "worse"); /* p50 10 -> 20 ms */
    CU_ASSERT_EQUAL_FATAL(a.n_servers, 2);
    CU_ASSERT_STRING_EQUAL(a.servers[1].server, "-");
    CU_ASSERT_EQUAL(a.servers[1].calls[REP_CAT_DEV_TOOLKIT], 3);
    CU_ASSERT_EQUAL_FATAL(a.n_patterns, 1);
    CU_ASSERT_STRING_EQUAL(a.patterns[0].pattern, "refused by h:<port> after <n> ms");
    CU_ASSERT_EQUAL(a.patterns[0].count, 2);
    CU_ASSERT_DOUBLE_EQUAL(a.patterns[0].first, t0 + 7200, 0);
    CU_ASSERT_DOUBLE_EQUAL(a.patterns[0].last, t0 + 10800, 0);
    CU_ASSERT_EQUAL(a.patterns[0].n_tests, 1);
    rep_agg_free(&a);
    rep_set_free(&set);
}

static void test_html_escape(void)
{
    char *e = rep_html_escape("<a href=\"x\">it's & more</a>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e,
                           "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/a&gt;");
    free(e);
    /* broken UTF-8 is repaired, control characters made visible */
    e = rep_html_escape("a\xff\x01"
                        "b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e, "a\xef\xbf\xbd\\x01b");
    free(e);
    e = rep_html_escape(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e, "");
    free(e);
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"failure messages reduced to patterns", test_normalise},
        {"nearest-rank percentiles", test_percentiles},
        {"success rate leaves skipped results out", test_success_rate},
        {"RFC 3339 and relative times", test_times},
        {"bucket width by span", test_bucket_width},
        {"aggregation: tests, servers, buckets, patterns, trends", test_aggregate},
        {"HTML escaping", test_html_escape},
        CU_TEST_INFO_NULL,
    };
    CU_SuiteInfo suites[] = {{"report analytics", NULL, NULL, NULL, NULL, tests},
                             CU_SUITE_INFO_NULL};
    return wsc_tap_run(suites);
}
