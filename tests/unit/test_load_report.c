/* What wscheck load makes of a run's figures: metric names and values,
 * thresholds (--threshold parsed, expect_metrics rules evaluated, the
 * unmeasured skipped), the JSON report read back, the merge of shards
 * (histograms added bucket by bucket), JUnit valid on both schemas, the
 * plan's numbers (durations, stages, shard shares). Figures are filled by
 * hand: the engine is tested on its own. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "load_plan.h"
#include "load_report.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

static char tmpdir[512];

static const char *get_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static double get_num(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : -1;
}

static int has(struct json_object *o, const char *key)
{
    return json_object_object_get_ex(o, key, NULL);
}

/* A test with 10 sessions (8 ok, 2 timeouts), 40 messages, 1000 bytes, a
 * session_ms histogram of 1..8 ms and a step histogram; values shifted
 * by `shift` ms. */
static void fill_test(struct wsc_load_test *t, const char *name, double shift)
{
    struct wsc_test fake = {
        .name = (char *)name, .plugin = "ws-basic", .check = "conversation"};
    CU_ASSERT_EQUAL_FATAL(wsc_load_test_init(t, &fake), 0);
    t->sessions = 10;
    t->sessions_ok = 8;
    t->sessions_failed = 2;
    t->errors[WSC_LOAD_ERR_TIMEOUT] = 2;
    t->messages_sent = 20;
    t->messages_received = 20;
    t->bytes_sent = 500;
    t->bytes_received = 500;
    wsc_load_close_code(t, 1000);
    wsc_load_first_error(t, "step 2 expect_text: no message within 5 s");
    struct wsc_histogram *s = wsc_load_hist(t, "session_ms");
    struct wsc_histogram *st = wsc_load_hist(t, "step 2 expect_text");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    for (int i = 1; i <= 8; i++) {
        wsc_hist_record(s, i + shift);
        wsc_hist_record(st, i / 2.0 + shift);
    }
    wsc_load_hist(t, "rtt_ms"); /* no samples */
}

static void make_report(struct wsc_load_report *r, const char *name, double shift,
                        double duration)
{
    CU_ASSERT_EQUAL_FATAL(wsc_load_report_init(r, 1), 0);
    fill_test(&r->stats.tests[0], name, shift);
    r->stats.duration = duration;
    r->stats.started = 1764800000;
    r->scenario = strdup("load.json");
}

static void test_metric_names(void)
{
    char buf[128];
    wsc_load_metric_name(buf, sizeof buf, "session_ms", "p99_ms");
    CU_ASSERT_STRING_EQUAL(buf, "session_p99_ms");
    wsc_load_metric_name(buf, sizeof buf, "step 2 expect_text", "p50_ms");
    CU_ASSERT_STRING_EQUAL(buf, "step_2_expect_text_p50_ms");
    wsc_load_metric_name(buf, sizeof buf, "rtt_ms", "count");
    CU_ASSERT_STRING_EQUAL(buf, "rtt_count");
    const char *hint;
    CU_ASSERT(wsc_load_metric_known("rtt_p99_ms", &hint));
    CU_ASSERT(wsc_load_metric_known("step_3_send_text_p999_ms", &hint));
    CU_ASSERT(wsc_load_metric_known("errors_too_big", &hint));
    CU_ASSERT(wsc_load_metric_known("error_rate", &hint));
    CU_ASSERT(!wsc_load_metric_known("session_p98_ms", &hint));
    CU_ASSERT(!wsc_load_metric_known("sesions_failed", &hint));
    CU_ASSERT_PTR_NOT_NULL_FATAL(hint);
    CU_ASSERT_STRING_EQUAL(hint, "sessions_failed");
    CU_ASSERT(!wsc_load_metric_known("tools", &hint));
    CU_ASSERT_STRING_EQUAL(wsc_load_metric_unit("session_p99_ms"), "ms");
    CU_ASSERT_STRING_EQUAL(wsc_load_metric_unit("bytes_per_s"), "/s");
    CU_ASSERT_STRING_EQUAL(wsc_load_metric_unit("sessions"), "");
}

static void test_metrics(void)
{
    struct wsc_load_report r;
    make_report(&r, "echo", 0, 4);
    struct json_object *m = wsc_load_metrics(&r.stats.tests[0], 4, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(get_num(m, "sessions"), 10);
    CU_ASSERT_EQUAL(get_num(m, "sessions_failed"), 2);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "error_rate"), 0.2, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "sessions_per_s"), 2.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "messages_per_s"), 10, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "bytes_per_s"), 250, 1e-9);
    CU_ASSERT_EQUAL(get_num(m, "dropped_arrivals"), 3);
    CU_ASSERT_EQUAL(get_num(m, "errors_timeout"), 2);
    CU_ASSERT_EQUAL(get_num(m, "errors_connect"), 0);
    CU_ASSERT_EQUAL(get_num(m, "session_count"), 8);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "session_max_ms"), 8, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "session_mean_ms"), 4.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "session_p50_ms"), 4, 4 * WSC_HIST_MAX_ERROR);
    CU_ASSERT_DOUBLE_EQUAL(get_num(m, "step_2_expect_text_p99_ms"), 4,
                           4 * WSC_HIST_MAX_ERROR);
    /* a histogram without samples has a count and no percentile */
    CU_ASSERT_EQUAL(get_num(m, "rtt_count"), 0);
    CU_ASSERT(!has(m, "rtt_p99_ms"));
    json_object_put(m);
    wsc_load_report_clear(&r);
}

static void test_threshold_parse(void)
{
    static const struct {
        const char *text, *test, *metric, *expect;
    } ok[] = {
        {"session_p99_ms < 250", NULL, "session_p99_ms", "{\"$lt\":250}"},
        {"echo:sessions_failed == 0", "echo", "sessions_failed", "0"},
        {"a: b :rtt_p99_ms<=3.5", "a: b", "rtt_p99_ms", "{\"$lte\":3.5}"},
        {"error_rate >= 0", NULL, "error_rate", "{\"$gte\":0}"},
        {"sessions_per_s>10", NULL, "sessions_per_s", "{\"$gt\":10}"},
        {"error_rate < 0.1", NULL, "error_rate", "{\"$lt\":0.1}"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char *test = NULL, *why = NULL;
        struct json_object *rule = NULL;
        CU_ASSERT_EQUAL_FATAL(wsc_load_threshold_parse(ok[i].text, &test, &rule, &why),
                              0);
        CU_ASSERT(ok[i].test ? test && strcmp(test, ok[i].test) == 0 : !test);
        CU_ASSERT_STRING_EQUAL(get_str(rule, "metric"), ok[i].metric);
        CU_ASSERT_STRING_EQUAL(get_str(rule, "source"), "--threshold");
        struct json_object *expect, *want = json_tokener_parse(ok[i].expect);
        json_object_object_get_ex(rule, "expect", &expect);
        CU_ASSERT(json_object_equal(expect, want));
        /* the bound as written, in reports and messages */
        CU_ASSERT_STRING_EQUAL(
            json_object_to_json_string_ext(expect, JSON_C_TO_STRING_PLAIN), ok[i].expect);
        json_object_put(want);
        json_object_put(rule);
        free(test);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"session_p99_ms 250", "expected [TEST:]METRIC OP NUMBER"},
        {"session_p99_ms < fast", "expected a number after '<'"},
        {"sesions_failed == 0", "did you mean 'sessions_failed'?"},
        {"tools_count > 1", "'tools_count' is not a load metric"},
        {"< 5", "no metric named"},
        {":errors_tls == 0", "no test named"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *test = NULL, *why = NULL;
        struct json_object *rule = NULL;
        CU_ASSERT_EQUAL(wsc_load_threshold_parse(bad[i].text, &test, &rule, &why), -1);
        CU_ASSERT(wsc_test_contains(why, bad[i].why));
        CU_ASSERT_PTR_NULL(rule);
        CU_ASSERT_PTR_NULL(test);
        free(why);
    }
}

static struct json_object *status_of(struct json_object *th, const char *metric)
{
    for (size_t i = 0; i < json_object_array_length(th); i++) {
        struct json_object *o = json_object_array_get_idx(th, i);
        if (strcmp(get_str(o, "metric"), metric) == 0)
            return o;
    }
    return NULL;
}

static void test_thresholds(void)
{
    struct wsc_load_report r;
    make_report(&r, "echo", 0, 4);
    struct json_object *em =
        json_tokener_parse("{\"session_p99_ms\": {\"$lt\": 100}, \"sessions_failed\": 0,"
                           " \"tools\": {\"$gte\": 1}, \"rtt_p99_ms\": {\"$lt\": 5}}");
    CU_ASSERT_EQUAL(wsc_load_rules_from_expect(r.rules[0], em), 0);
    json_object_put(em);
    CU_ASSERT_EQUAL(wsc_load_report_finish(&r), 1);
    struct json_object *th = r.thresholds[0], *o;
    CU_ASSERT_EQUAL(json_object_array_length(th), 4);
    o = status_of(th, "session_p99_ms");
    CU_ASSERT_STRING_EQUAL(get_str(o, "status"), "pass");
    o = status_of(th, "sessions_failed");
    CU_ASSERT_STRING_EQUAL(get_str(o, "status"), "fail");
    CU_ASSERT_STRING_EQUAL(get_str(o, "text"), "sessions_failed = 2, expected 0");
    CU_ASSERT_EQUAL(get_num(o, "value"), 2);
    o = status_of(th, "tools");
    CU_ASSERT_STRING_EQUAL(get_str(o, "status"), "skipped");
    CU_ASSERT_STRING_EQUAL(get_str(o, "reason"), "not measured under load");
    o = status_of(th, "rtt_p99_ms");
    CU_ASSERT_STRING_EQUAL(get_str(o, "status"), "skipped");
    CU_ASSERT(wsc_test_contains(get_str(o, "reason"), "no samples"));
    wsc_load_report_clear(&r);
}

/* The JSON report read back holds the same figures. */
static void test_json_roundtrip(void)
{
    struct wsc_load_report r, back;
    make_report(&r, "echo", 0, 4);
    char *why = NULL, *test = NULL;
    struct json_object *rule;
    CU_ASSERT_EQUAL_FATAL(
        wsc_load_threshold_parse("error_rate < 0.5", &test, &rule, &why), 0);
    json_object_array_add(r.rules[0], rule);
    r.stats.shard = (struct wsc_shard){2, 4};
    CU_ASSERT_EQUAL(wsc_load_report_finish(&r), 0);
    struct json_object *doc = wsc_load_report_to_json(&r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(wsc_load_report_is_load(doc));
    CU_ASSERT_STRING_EQUAL(get_str(doc, "kind"), "load");
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_load_report_from_json(doc, &back, &err), 0);
    const struct wsc_load_test *a = &r.stats.tests[0], *b = &back.stats.tests[0];
    CU_ASSERT_STRING_EQUAL(b->name, "echo");
    CU_ASSERT_EQUAL(b->sessions, a->sessions);
    CU_ASSERT_EQUAL(b->sessions_failed, a->sessions_failed);
    CU_ASSERT_EQUAL(b->bytes_received, a->bytes_received);
    CU_ASSERT_EQUAL(b->errors[WSC_LOAD_ERR_TIMEOUT], 2);
    CU_ASSERT_EQUAL(b->n_close_codes, 1);
    CU_ASSERT_EQUAL(b->close_codes[0].code, 1000);
    CU_ASSERT_STRING_EQUAL(b->first_error, a->first_error);
    CU_ASSERT_EQUAL(b->n_hists, a->n_hists);
    CU_ASSERT_EQUAL(wsc_hist_count(b->hists[0].h), 8);
    CU_ASSERT_DOUBLE_EQUAL(wsc_hist_percentile(b->hists[0].h, 99),
                           wsc_hist_percentile(a->hists[0].h, 99), 1e-9);
    CU_ASSERT_EQUAL(back.stats.shard.index, 2);
    CU_ASSERT_EQUAL(back.stats.shard.total, 4);
    CU_ASSERT_DOUBLE_EQUAL(back.stats.duration, 4, 1e-9);
    CU_ASSERT_EQUAL(json_object_array_length(back.rules[0]), 1);
    json_object_put(doc);
    /* a run report is not a load report */
    struct json_object *run =
        json_tokener_parse("{\"tool\": \"wscheck\", \"suites\": []}");
    CU_ASSERT(!wsc_load_report_is_load(run));
    wsc_load_report_clear(&back);
    CU_ASSERT_EQUAL(wsc_load_report_from_json(run, &back, &err), -1);
    CU_ASSERT(wsc_test_contains(err, "kind"));
    free(err);
    json_object_put(run);
    wsc_load_report_clear(&back);
    wsc_load_report_clear(&r);
}

/* Two shards merged: counters add up, the histograms are the bucket-wise
 * sum (the merged p99 is the p99 of every sample), the duration is the
 * longest shard's, thresholds apply to the totals. */
static void test_merge(void)
{
    struct wsc_load_report in[2], out;
    make_report(&in[0], "echo", 0, 4);
    make_report(&in[1], "echo", 100, 6);
    char *err = NULL, *test = NULL;
    struct json_object *rule;
    CU_ASSERT_EQUAL_FATAL(
        wsc_load_threshold_parse("sessions_failed <= 3", &test, &rule, &err), 0);
    json_object_array_add(in[0].rules[0], json_object_get(rule));
    json_object_array_add(in[1].rules[0], rule);
    CU_ASSERT_EQUAL_FATAL(wsc_load_report_merge(in, 2, &out, &err), 0);
    CU_ASSERT_EQUAL_FATAL(out.stats.n_tests, 1);
    const struct wsc_load_test *t = &out.stats.tests[0];
    CU_ASSERT_EQUAL(t->sessions, 20);
    CU_ASSERT_EQUAL(t->sessions_failed, 4);
    CU_ASSERT_EQUAL(t->messages_sent + t->messages_received, 80);
    CU_ASSERT_EQUAL(t->close_codes[0].n, 2);
    CU_ASSERT_DOUBLE_EQUAL(out.stats.duration, 6, 1e-9);
    struct wsc_histogram *all = wsc_hist_new();
    for (int s = 0; s < 2; s++)
        wsc_hist_merge(all, in[s].stats.tests[0].hists[0].h);
    CU_ASSERT_EQUAL(wsc_hist_count(t->hists[0].h), 16);
    CU_ASSERT_DOUBLE_EQUAL(wsc_hist_percentile(t->hists[0].h, 99),
                           wsc_hist_percentile(all, 99), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(wsc_hist_percentile(t->hists[0].h, 50),
                           wsc_hist_percentile(all, 50), 1e-12);
    /* not the average of the shards' p99s */
    CU_ASSERT(wsc_hist_percentile(t->hists[0].h, 99) > 100);
    wsc_hist_free(all);
    CU_ASSERT_EQUAL(wsc_load_report_finish(&out), 1); /* 4 failed > 3 */
    for (int s = 0; s < 2; s++)
        wsc_load_report_clear(&in[s]);
    wsc_load_report_clear(&out);
}

static int valid_on_schemas(const char *path)
{
    static const char *const names[] = {"ant-junit.xsd", "jenkins-junit-10.xsd"};
    char dir[1024], here[1024];
    const char *top = getenv("top_srcdir");
    snprintf(here, sizeof here, "%s", __FILE__);
    if (top && *top)
        snprintf(dir, sizeof dir, "%s/tests/junit", top);
    else
        snprintf(dir, sizeof dir, "%s/../junit", dirname(here));
    int valid = 0;
    for (size_t i = 0; i < 2; i++) {
        char xsd[1200];
        snprintf(xsd, sizeof xsd, "%s/%s", dir, names[i]);
        xmlSchemaParserCtxtPtr p = xmlSchemaNewParserCtxt(xsd);
        xmlSchemaPtr schema = p ? xmlSchemaParse(p) : NULL;
        xmlDocPtr doc = xmlReadFile(path, NULL, 0);
        xmlSchemaValidCtxtPtr v = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
        valid += v && doc && xmlSchemaValidateDoc(v, doc) == 0;
        xmlSchemaFreeValidCtxt(v);
        xmlFreeDoc(doc);
        xmlSchemaFree(schema);
        xmlSchemaFreeParserCtxt(p);
    }
    return valid == 2;
}

static void test_junit(void)
{
    struct wsc_load_report r;
    make_report(&r, "echo <\x01>", 0, 4);
    struct json_object *em = json_tokener_parse(
        "{\"session_p99_ms\": {\"$lt\": 100}, \"sessions_failed\": 0, \"tools\": 1}");
    CU_ASSERT_EQUAL(wsc_load_rules_from_expect(r.rules[0], em), 0);
    json_object_put(em);
    CU_ASSERT_EQUAL(wsc_load_report_finish(&r), 1);
    char path[600], *err = NULL;
    snprintf(path, sizeof path, "%s/load.xml", tmpdir);
    CU_ASSERT_EQUAL_FATAL(wsc_load_junit_write(path, &r, &err), 0);
    CU_ASSERT(valid_on_schemas(path));
    size_t len;
    char *xml = wsc_read_file(path, 1 << 20, &len);
    CU_ASSERT(
        wsc_test_contains(xml, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
    CU_ASSERT(wsc_test_contains(xml, "<testcase name=\"sessions_failed 0\""));
    CU_ASSERT(wsc_test_contains(xml, "message=\"sessions_failed = 2, expected 0\""));
    CU_ASSERT(wsc_test_contains(xml, "<skipped message=\"not measured under load\""));
    free(xml);
    wsc_load_report_clear(&r);
}

static void test_plan(void)
{
    double d;
    CU_ASSERT(wsc_load_parse_duration("30s", &d) == 0 && d == 30);
    CU_ASSERT(wsc_load_parse_duration("2m", &d) == 0 && d == 120);
    CU_ASSERT(wsc_load_parse_duration("1h", &d) == 0 && d == 3600);
    CU_ASSERT(wsc_load_parse_duration("250ms", &d) == 0 && d == 0.25);
    CU_ASSERT(wsc_load_parse_duration("1.5", &d) == 0 && d == 1.5);
    CU_ASSERT_EQUAL(wsc_load_parse_duration("-1s", &d), -1);
    CU_ASSERT_EQUAL(wsc_load_parse_duration("3 days", &d), -1);
    struct wsc_load_stage st;
    CU_ASSERT(wsc_load_parse_stage("30s:100", &st) == 0 && st.duration == 30 &&
              st.target == 100);
    CU_ASSERT_EQUAL(wsc_load_parse_stage("30s", &st), -1);
    CU_ASSERT_EQUAL(wsc_load_parse_stage("30s:x", &st), -1);
    /* 10 split in 4: 3 3 2 2; 2 in 4: 1 1 0 0 */
    uint64_t sum = 0;
    for (unsigned i = 1; i <= 4; i++) {
        struct wsc_shard sh = {i, 4};
        sum += wsc_load_share(10, &sh);
        CU_ASSERT_EQUAL(wsc_load_share(10, &sh), i <= 2 ? 3u : 2u);
        CU_ASSERT_EQUAL(wsc_load_share(2, &sh), i <= 2 ? 1u : 0u);
    }
    CU_ASSERT_EQUAL(sum, 10);
    struct wsc_load_shape s = {
        .connections = 10, .duration = 5, .ramp_up = 2, .ramp_down = 1, .shard = {4, 4}};
    struct wsc_load_stage *stages;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(wsc_load_stages(&s, &stages, &n), 0);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(stages[0].duration == 2 && stages[0].target == 2);
    CU_ASSERT(stages[1].duration == 5 && stages[1].target == 2);
    CU_ASSERT(stages[2].duration == 1 && stages[2].target == 0);
    CU_ASSERT_EQUAL(wsc_load_peak(stages, n), 2);
    free(stages);
    /* no ramp-up: a first stage of 0 s jumps to the target */
    struct wsc_load_shape open = {
        .rate = 10, .duration = -1, .iterations = 5, .shard = {1, 4}};
    CU_ASSERT_EQUAL_FATAL(wsc_load_stages(&open, &stages, &n), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT(stages[0].duration == 0 && stages[0].target == 2.5);
    CU_ASSERT(stages[1].duration == WSC_LOAD_ITERATIONS_LIMIT);
    free(stages);
}

/* On a narrow terminal the line is cut, never wrapped; a wide one keeps it. */
static void test_live_line_fit(void)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", "     3s  active 10  target 10 VUs  2.0 sessions/s");
    size_t n = strlen(buf);
    wsc_load_live_fit(buf, 0);
    CU_ASSERT_EQUAL(strlen(buf), n);
    wsc_load_live_fit(buf, 200);
    CU_ASSERT_EQUAL(strlen(buf), n);
    wsc_load_live_fit(buf, 20);
    CU_ASSERT_EQUAL(strlen(buf), 19);
    CU_ASSERT_STRING_EQUAL(buf, "     3s  active 10 ");
}

static void test_live_line(void)
{
    struct wsc_load_live l = {.elapsed = 12,
                              .active = 100,
                              .target = 100,
                              .rate = 81.25,
                              .messages = 162.5,
                              .p99_ms = 2.125,
                              .errors = 3};
    char buf[256];
    wsc_load_live_format(buf, sizeof buf, &l, " VUs");
    CU_ASSERT(wsc_test_contains(buf, "12s"));
    CU_ASSERT(wsc_test_contains(buf, "active 100"));
    CU_ASSERT(wsc_test_contains(buf, "target 100 VUs"));
    CU_ASSERT(wsc_test_contains(buf, "81.2 sessions/s") ||
              wsc_test_contains(buf, "81.3 sessions/s"));
    CU_ASSERT(wsc_test_contains(buf, "p99 2.125 ms"));
    CU_ASSERT(wsc_test_contains(buf, "errors 3"));
}

static int init(void)
{
    return wsc_test_mkdtemp(tmpdir, sizeof tmpdir, "wsc-load-report") == 0 ? 0 : 1;
}

/* A conversation longer than the cap: its steps past it share "other
 * steps", and the engine's histograms still have their own. */
static void test_hist_cap(void)
{
    struct wsc_load_test t;
    memset(&t, 0, sizeof t);
    struct wsc_histogram *first = NULL, *last = NULL;
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "step %d send", i);
        struct wsc_histogram *h = wsc_load_hist(&t, name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(h);
        if (i == 0)
            first = h;
        last = h;
    }
    CU_ASSERT(t.n_hists <= WSC_LOAD_MAX_HISTS);
    CU_ASSERT(wsc_load_hist(&t, "step 0 send") == first);
    CU_ASSERT(wsc_load_hist(&t, WSC_LOAD_OTHER_STEPS) == last);
    struct wsc_histogram *session = wsc_load_hist(&t, "session_ms");
    struct wsc_histogram *connect = wsc_load_hist(&t, "connect_ms");
    CU_ASSERT(session != NULL && session != last && connect != NULL &&
              connect != session);
    CU_ASSERT(wsc_load_hist(&t, "session_ms") == session);
    for (size_t i = 0; i < t.n_hists; i++) {
        free(t.hists[i].name);
        free(t.hists[i].unit);
        wsc_hist_free(t.hists[i].h);
    }
}

static int cleanup(void)
{
    wsc_test_rmtree(tmpdir);
    xmlCleanupParser();
    return 0;
}

static CU_TestInfo tests[] = {
    {"metric names", test_metric_names},
    {"metrics of a test", test_metrics},
    {"--threshold parsed", test_threshold_parse},
    {"thresholds: pass, fail, skipped", test_thresholds},
    {"JSON report read back", test_json_roundtrip},
    {"merge of shards", test_merge},
    {"JUnit: one case per threshold, both schemas", test_junit},
    {"plan: durations, stages, shares", test_plan},
    {"live line", test_live_line},
    {"live line cut to the terminal width", test_live_line_fit},
    {"histograms: steps past the cap share one", test_hist_cap},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"load report", init, cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
