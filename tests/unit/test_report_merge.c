/* What `wscheck merge` stands on: the JSON form of histograms, a JSON
 * report read back as it was written (shard, tests, histograms), clear
 * errors for what is not such a report, the run's histograms adding up to
 * those of the combined samples, and the TAP writer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram_internal.h"
#include "report.h"
#include "sample_results.h"
#include "tap.h"
#include "testutil.h"

static char tmpdir[256];

static int setup(void)
{
    return wsc_test_mkdtemp(tmpdir, sizeof tmpdir, "wsc-merge") == 0 ? 0 : 1;
}

static int teardown(void)
{
    wsc_test_rmtree(tmpdir);
    return 0;
}

static void write_text(const char *name, const char *text)
{
    char *path = wsc_sample_path(tmpdir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* The samples of one shard of a latency distribution. */
static void record_samples(struct wsc_histogram *h, int part, int parts,
                           struct wsc_histogram *all)
{
    for (int i = 1; i <= 3000; i++) {
        double v = 0.05 * i + (i % 7) * 1.3;
        if (i % parts == part) {
            wsc_hist_record(h, v);
            wsc_hist_record(all, v);
        }
    }
}

static void attach(struct wsc_result *t, const char *name, const struct wsc_histogram *h)
{
    struct json_object *j = wsc_hist_to_json(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    json_object_object_add(j, "unit", json_object_new_string("ms"));
    if (!t->histograms)
        t->histograms = json_object_new_object();
    json_object_object_add(t->histograms, name, j);
}

static void test_histogram_json_round_trip(void)
{
    struct wsc_histogram *h = wsc_hist_new(), *back = wsc_hist_new(),
                         *all = wsc_hist_new();
    const char *why = NULL;
    CU_ASSERT_FATAL(h && back && all);
    record_samples(h, 0, 1, all);
    wsc_hist_record(h, 0);   /* the underflow bucket */
    wsc_hist_record(h, 1e9); /* the overflow bucket */
    struct json_object *j = wsc_hist_to_json(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    /* through text, as in a report file */
    struct json_object *parsed = json_tokener_parse(json_object_to_json_string(j));
    CU_ASSERT_EQUAL(wsc_hist_from_json(back, parsed, &why), 0);
    CU_ASSERT_EQUAL(wsc_hist_count(back), wsc_hist_count(h));
    CU_ASSERT_EQUAL(wsc_hist_min(back), wsc_hist_min(h));
    CU_ASSERT_EQUAL(wsc_hist_max(back), wsc_hist_max(h));
    CU_ASSERT_DOUBLE_EQUAL(wsc_hist_mean(back), wsc_hist_mean(h), 1e-9);
    for (double p = 0; p <= 100; p += 0.5)
        CU_ASSERT_EQUAL(wsc_hist_percentile(back, p), wsc_hist_percentile(h, p));

    /* Another layout, or counts that do not add up, are refused. */
    json_object_object_add(parsed, "layout", json_object_new_string("linear 10"));
    CU_ASSERT_EQUAL(wsc_hist_from_json(back, parsed, &why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "layout"));
    json_object_object_add(parsed, "layout", json_object_new_string(WSC_HIST_LAYOUT));
    json_object_object_add(parsed, "count", json_object_new_int64(1));
    CU_ASSERT_EQUAL(wsc_hist_from_json(back, parsed, &why), -1);
    CU_ASSERT_EQUAL(wsc_hist_count(back), 0);
    json_object_put(parsed);
    json_object_put(j);
    wsc_hist_free(h);
    wsc_hist_free(back);
    wsc_hist_free(all);
}

/* Three tests (as from three shards) with a part of the samples each: the
 * run's histogram is the histogram of all the samples, exactly. */
static void test_run_histograms_add_up(void)
{
    struct wsc_run_result run = {0};
    struct wsc_histogram *part[3], *all = wsc_hist_new();
    struct wsc_suite_result *s = wsc_sample_suite(&run, "s", "s.json");
    char name[8];
    for (int k = 0; k < 3; k++) {
        part[k] = wsc_hist_new();
        CU_ASSERT_FATAL(part[k] && all);
        record_samples(part[k], k, 3, all);
        snprintf(name, sizeof name, "t%d", k);
        attach(wsc_sample_result(s, name, "ping-pong", "rounds", WSC_PASSED, NULL),
               "rtt_ms", part[k]);
    }
    struct json_object *hs = wsc_report_histograms(&run), *rtt, *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(hs);
    CU_ASSERT_FATAL(json_object_object_get_ex(hs, "rtt_ms", &rtt));
    struct wsc_histogram *got = wsc_hist_new();
    const char *why;
    CU_ASSERT_EQUAL(wsc_hist_from_json(got, rtt, &why), 0);
    CU_ASSERT_EQUAL(wsc_hist_count(got), 3000);
    CU_ASSERT_EQUAL(wsc_hist_min(got), wsc_hist_min(all));
    CU_ASSERT_EQUAL(wsc_hist_max(got), wsc_hist_max(all));
    for (double p = 0; p <= 100; p += 0.25)
        CU_ASSERT_EQUAL(wsc_hist_percentile(got, p), wsc_hist_percentile(all, p));
    /* the buckets, one by one */
    struct json_object *want = wsc_hist_to_json(all), *wb, *gb;
    json_object_object_get_ex(want, "buckets", &wb);
    json_object_object_get_ex(rtt, "buckets", &gb);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(gb),
                           json_object_to_json_string(wb));
    /* the percentiles recomputed from the sum */
    CU_ASSERT(json_object_object_get_ex(rtt, "p99", &v) &&
              json_object_get_double(v) == wsc_hist_percentile(all, 99));
    CU_ASSERT(json_object_object_get_ex(rtt, "tests", &v) && json_object_get_int(v) == 3);
    CU_ASSERT(json_object_object_get_ex(rtt, "unit", &v) &&
              strcmp(json_object_get_string(v), "ms") == 0);
    json_object_put(want);
    json_object_put(hs);
    wsc_hist_free(got);
    wsc_hist_free(all);
    for (int k = 0; k < 3; k++)
        wsc_hist_free(part[k]);
    wsc_run_result_clear(&run);
}

static void test_read_back(void)
{
    struct wsc_run_result run = {0}, back;
    run.started = 1700000000.5;
    run.duration = 2.5;
    run.shard_index = 2;
    run.shard_total = 4;
    struct wsc_suite_result *s = wsc_sample_suite(&run, "chat", "chat.json");
    wsc_sample_result(s, "ok", "ws-basic", "echo", WSC_PASSED, NULL);
    struct wsc_result *bad =
        wsc_sample_result(s, "bad", "ws-basic", "echo", WSC_FAILED, "expected 1, got 2");
    CU_ASSERT_EQUAL(wsc_result_add_metric(bad, "rtt_p50_ms", 1.5, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(bad, "one", WSC_SKIPPED, 0.5, "not here"), 0);
    struct json_object *bound = json_tokener_parse("{\"$lt\": 1}");
    CU_ASSERT_EQUAL(wsc_result_add_threshold(bad, "rtt_p50_ms", bound, 1, 1.5, 0), 0);
    CU_ASSERT_EQUAL(wsc_result_add_threshold(bad, "lost", bound, 0, 0, 0), 0);
    json_object_put(bound);
    struct wsc_histogram *h = wsc_hist_new();
    wsc_hist_record(h, 1.5);
    attach(bad, "rtt_ms", h);
    wsc_hist_free(h);
    char *path = wsc_sample_path(tmpdir, "shard.json"), *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_json_report_write(path, &run, &err), 0);
    int rc = wsc_json_report_read(path, &back, &err);
    if (rc)
        printf("# %s\n", err ? err : "?");
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT(back.shard_index == 2 && back.shard_total == 4);
    CU_ASSERT_DOUBLE_EQUAL(back.started, 1700000000.5, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(back.duration, 2.5, 1e-9);
    CU_ASSERT_EQUAL_FATAL(back.n_suites, 1);
    const struct wsc_suite_result *bs = &back.suites[0];
    CU_ASSERT_STRING_EQUAL(bs->name, "chat");
    CU_ASSERT_STRING_EQUAL(bs->file, "chat.json");
    CU_ASSERT_EQUAL_FATAL(bs->n_tests, 2);
    CU_ASSERT_EQUAL(bs->tests[1].status, WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(bs->tests[1].message, "expected 1, got 2");
    CU_ASSERT_DOUBLE_EQUAL(bs->tests[1].started, 1700000000.5, 1e-6);
    CU_ASSERT_EQUAL(bs->tests[1].n_metrics, 1);
    CU_ASSERT_EQUAL(bs->tests[1].n_cases, 1);
    CU_ASSERT_PTR_NOT_NULL(bs->tests[1].histograms);
    /* thresholds are evaluated by the parent: merge keeps them as written */
    CU_ASSERT_EQUAL_FATAL(bs->tests[1].n_thresholds, 2);
    CU_ASSERT_STRING_EQUAL(bs->tests[1].thresholds[0].metric, "rtt_p50_ms");
    CU_ASSERT(bs->tests[1].thresholds[0].recorded && !bs->tests[1].thresholds[0].ok);
    CU_ASSERT_DOUBLE_EQUAL(bs->tests[1].thresholds[0].value, 1.5, 1e-9);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(bs->tests[1].thresholds[0].expect),
                           "{ \"$lt\": 1 }");
    CU_ASSERT(!bs->tests[1].thresholds[1].recorded);
    CU_ASSERT_EQUAL(wsc_suite_total(bs), wsc_suite_total(s));
    CU_ASSERT_EQUAL(wsc_suite_count(bs, WSC_SKIPPED), 1);
    wsc_run_result_clear(&back);
    wsc_run_result_clear(&run);
    free(path);
}

/* Each refusal says why (the caller adds the file name). */
static void test_read_errors(void)
{
    static const struct {
        const char *file, *text, *want;
    } cases[] = {
        {"junk.json", "<xml/>", "not JSON"},
        {"tool.json", "{\"tool\": \"k6\", \"report_version\": 1, \"suites\": []}",
         "not a wscheck JSON report"},
        {"old.json", "{\"tool\": \"wscheck\", \"version\": \"0.0.9\", \"suites\": []}",
         "without report_version (written by wscheck 0.0.9"},
        {"new.json", "{\"tool\": \"wscheck\", \"report_version\": 2, \"suites\": []}",
         "JSON report version 2; this wscheck reads report_version 1"},
        {"shape.json", "{\"tool\": \"wscheck\", \"report_version\": 1, \"suites\": [{}]}",
         "a suite has no 'tests' array"},
        {"test.json",
         "{\"tool\": \"wscheck\", \"report_version\": 1, \"suites\": [{\"tests\": "
         "[{\"name\": \"t\", \"status\": \"bogus\"}]}]}",
         "test 't': a member has the wrong type"},
        {"hist.json",
         "{\"tool\": \"wscheck\", \"report_version\": 1, \"suites\": [{\"tests\": "
         "[{\"name\": \"t\", \"status\": \"passed\", \"histograms\": {\"rtt_ms\": "
         "{\"layout\": \"other\"}}}]}]}",
         "test 't': histogram 'rtt_ms': another bucket layout"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct wsc_run_result r;
        char *err = NULL, *path = wsc_sample_path(tmpdir, cases[i].file);
        write_text(cases[i].file, cases[i].text);
        CU_ASSERT_EQUAL(wsc_json_report_read(path, &r, &err), -1);
        if (!err || !strstr(err, cases[i].want))
            printf("# %s: got '%s', want '%s'\n", cases[i].file, err ? err : "(null)",
                   cases[i].want);
        CU_ASSERT(err && strstr(err, cases[i].want));
        wsc_run_result_clear(&r);
        free(err);
        free(path);
    }
    struct wsc_run_result r;
    char *err = NULL, *path = wsc_sample_path(tmpdir, "absent.json");
    CU_ASSERT_EQUAL(wsc_json_report_read(path, &r, &err), -1);
    CU_ASSERT(err && strstr(err, "cannot read: No such file"));
    free(err);
    free(path);
}

static void test_tap(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = wsc_sample_suite(&run, "chat", "chat.json");
    wsc_sample_result(s, "ok #1", "ws-basic", "echo", WSC_PASSED, NULL);
    wsc_sample_result(s, "bad", "ws-basic", "echo", WSC_FAILED, "got \"x\"\nline two");
    wsc_sample_result(s, "later", "ws-basic", "echo", WSC_SKIPPED, "not today");
    struct wsc_result *c =
        wsc_sample_result(s, "cases", "ws-basic", "echo", WSC_ERROR, NULL);
    wsc_result_add_case(c, "a", WSC_PASSED, 0.001, NULL);
    wsc_result_add_case(c, "b", WSC_ERROR, 0.001, "refused");
    char *path = wsc_sample_path(tmpdir, "out.tap"), *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_tap_write(path, &run, &err), 0);
    char *text = wsc_sample_read(path);
    const char *want = "TAP version 13\n"
                       "1..5\n"
                       "ok 1 - chat: ok \\#1\n"
                       "not ok 2 - chat: bad\n"
                       "  ---\n"
                       "  message: \"got \\\"x\\\"\\nline two\"\n"
                       "  severity: fail\n"
                       "  duration_ms: 12.000\n"
                       "  ...\n"
                       "ok 3 - chat: later # SKIP not today\n"
                       "ok 4 - chat: cases / a\n"
                       "not ok 5 - chat: cases / b\n"
                       "  ---\n"
                       "  message: \"refused\"\n"
                       "  severity: error\n"
                       "  duration_ms: 1.000\n"
                       "  ...\n";
    if (strcmp(text, want) != 0)
        printf("# got:\n%s", text);
    CU_ASSERT_STRING_EQUAL(text, want);
    free(text);
    wsc_run_result_clear(&run);

    /* An empty run (an empty shard) skips the whole plan. */
    struct wsc_run_result none = {0};
    CU_ASSERT_EQUAL_FATAL(wsc_tap_write(path, &none, &err), 0);
    text = wsc_sample_read(path);
    CU_ASSERT_STRING_EQUAL(text, "TAP version 13\n1..0 # SKIP no test was run\n");
    free(text);
    free(path);
}

static CU_TestInfo merge_tests[] = {
    {"histogram JSON round trip", test_histogram_json_round_trip},
    {"run histograms add up exactly", test_run_histograms_add_up},
    {"JSON report read back", test_read_back},
    {"JSON report read errors", test_read_errors},
    {"TAP report", test_tap},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"merge", setup, teardown, NULL, NULL, merge_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
