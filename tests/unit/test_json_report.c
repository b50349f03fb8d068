/* JSON report: the file parses as strict JSON in valid UTF-8 whatever the
 * servers sent, and holds every result with the members users script on. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "sample_results.h"
#include "tap.h"
#include "testutil.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

static char tmpdir[256];

/* ---- fixtures ---------------------------------------------------------------- */

/* A suite that started at a fraction of a second the report must keep. */
static struct wsc_suite_result *add_suite(struct wsc_run_result *run, const char *name,
                                          const char *file)
{
    struct wsc_suite_result *s = wsc_sample_suite(run, name, file);
    s->started = 1700000000.25;
    return s;
}

static struct wsc_result *add_test(struct wsc_suite_result *s, const char *name,
                                   enum wsc_status status, const char *message)
{
    return wsc_sample_result(s, name, "ws-basic", "echo", status, message);
}

static char *path_in_tmp(const char *name)
{
    return wsc_sample_path(tmpdir, name);
}

/* Parses text as strict JSON with UTF-8 validation; NULL when it is not. */
static struct json_object *parse_strict(const char *text)
{
    struct json_tokener *tok = json_tokener_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *j = json_tokener_parse_ex(tok, text, (int)strlen(text));
    if (!j || json_tokener_get_error(tok) != json_tokener_success) {
        printf("# not strict JSON: %s\n",
               json_tokener_error_desc(json_tokener_get_error(tok)));
        json_object_put(j);
        j = NULL;
    }
    json_tokener_free(tok);
    return j;
}

/* Writes the run and reads it back: the text (optional) and the parse. */
static struct json_object *write_and_parse(const struct wsc_run_result *run,
                                           const char *name, char **text_out)
{
    char *path = path_in_tmp(name);
    char *err = NULL;
    int rc = wsc_json_report_write(path, run, &err);
    if (rc != 0)
        printf("# %s\n", err ? err : "(no message)");
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NULL(err);
    char *text = wsc_sample_read(path);
    free(path);
    /* valid UTF-8 is what wsc_utf8_safe() leaves as it is */
    char *repaired = wsc_utf8_safe(text);
    CU_ASSERT_STRING_EQUAL(repaired, text);
    free(repaired);
    struct json_object *j = parse_strict(text);
    CU_ASSERT_PTR_NOT_NULL(j);
    if (text_out)
        *text_out = text;
    else
        free(text);
    return j;
}

/* Member lookup by a path of keys and array indexes, e.g. "suites.0.name". */
static struct json_object *at(struct json_object *j, const char *path)
{
    char *copy = wsc_sample_strdup(path), *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k && j; k = strtok_r(NULL, ".", &save)) {
        if (json_object_is_type(j, json_type_array))
            j = json_object_array_get_idx(j, (size_t)atoi(k));
        else if (!json_object_object_get_ex(j, k, &j))
            j = NULL;
    }
    free(copy);
    return j;
}

static int has(struct json_object *j, const char *path)
{
    char *copy = wsc_sample_strdup(path);
    char *dot = strrchr(copy, '.');
    struct json_object *parent = j;
    const char *key = copy;
    if (dot) {
        *dot = '\0';
        parent = at(j, copy);
        key = dot + 1;
    }
    int found = parent && json_object_object_get_ex(parent, key, NULL);
    free(copy);
    return found;
}

static int str_is(struct json_object *j, const char *path, const char *want)
{
    struct json_object *v = at(j, path);
    int ok = v && json_object_is_type(v, json_type_string) &&
             strcmp(json_object_get_string(v), want) == 0;
    if (!ok)
        printf("# %s: expected \"%s\", got %s\n", path, want,
               v ? json_object_to_json_string(v) : "(missing)");
    return ok;
}

static int int_is(struct json_object *j, const char *path, int64_t want)
{
    struct json_object *v = at(j, path);
    int ok =
        v && json_object_is_type(v, json_type_int) && json_object_get_int64(v) == want;
    if (!ok)
        printf("# %s: expected %lld, got %s\n", path, (long long)want,
               v ? json_object_to_json_string(v) : "(missing)");
    return ok;
}

static int num_is(struct json_object *j, const char *path, double want)
{
    struct json_object *v = at(j, path);
    return v &&
           (json_object_is_type(v, json_type_double) ||
            json_object_is_type(v, json_type_int)) &&
           fabs(json_object_get_double(v) - want) < 1e-9;
}

static int is_null(struct json_object *j, const char *path)
{
    return has(j, path) && at(j, path) == NULL;
}

/* ---- suite set-up ---------------------------------------------------------------- */

static int init(void)
{
    return wsc_test_mkdtemp(tmpdir, sizeof tmpdir, "wsc-json") == 0 ? 0 : 1;
}

static int cleanup(void)
{
    wsc_test_rmtree(tmpdir);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_document(void)
{
    struct wsc_run_result run = {.started = 1700000000.125, .duration = 2.5};
    struct wsc_suite_result *s = add_suite(&run, "mock smoke", "scenarios/mock.json");
    struct wsc_result *p = add_test(s, "port listens", WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_metric(p, "connect_ms", 0.42, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(p, "ports", 2, NULL), 0);
    p->outputs = json_tokener_parse("{\"open\":[9004,9005],\"host\":\"127.0.0.1\"}");
    p->log = wsc_sample_strdup("connected\n");
    p->trace = json_tokener_parse("[\"kept only for failures\"]");
    struct wsc_result *f =
        add_test(s, "echo", WSC_FAILED, "/reply: expected \"a\", got \"b\"");
    f->attempts = 3;
    f->duration = 1.5;
    f->trace = json_tokener_parse(
        "[{\"t\":0.5,\"dir\":\"recv\",\"kind\":\"text\",\"data\":\"b\"}]");
    add_test(s, "crash", WSC_ERROR, "check crashed: signal 11 (SIGSEGV)");
    add_test(s, "later", WSC_SKIPPED, "interrupted");
    struct wsc_suite_result *s2 = add_suite(&run, "second", "b.json");
    add_test(s2, "only", WSC_PASSED, NULL);

    char *text = NULL;
    struct json_object *j = write_and_parse(&run, "report.json", &text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(str_is(j, "tool", "wscheck"));
    CU_ASSERT(str_is(j, "version", PACKAGE_VERSION));
    CU_ASSERT(str_is(j, "started", "2023-11-14T22:13:20.125Z"));
    CU_ASSERT(num_is(j, "duration", 2.5));
    CU_ASSERT(int_is(j, "summary.passed", 2));
    CU_ASSERT(int_is(j, "summary.failed", 1));
    CU_ASSERT(int_is(j, "summary.errors", 1));
    CU_ASSERT(int_is(j, "summary.skipped", 1));
    CU_ASSERT(int_is(j, "summary.total", 5));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites")), 2);

    CU_ASSERT(str_is(j, "suites.0.name", "mock smoke"));
    CU_ASSERT(str_is(j, "suites.0.file", "scenarios/mock.json"));
    CU_ASSERT(str_is(j, "suites.0.started", "2023-11-14T22:13:20.250Z"));
    CU_ASSERT(num_is(j, "suites.0.duration", 1.25));
    CU_ASSERT(int_is(j, "suites.0.summary.total", 4));
    CU_ASSERT(int_is(j, "suites.0.summary.passed", 1));
    CU_ASSERT(int_is(j, "suites.1.summary.total", 1));
    CU_ASSERT(str_is(j, "suites.1.tests.0.name", "only"));

    CU_ASSERT(str_is(j, "suites.0.tests.0.name", "port listens"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.plugin", "ws-basic"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.check", "echo"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.status", "passed"));
    CU_ASSERT(int_is(j, "suites.0.tests.0.attempts", 1));
    CU_ASSERT(num_is(j, "suites.0.tests.0.duration", 0.012));
    CU_ASSERT(is_null(j, "suites.0.tests.0.message"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.metrics.0.name", "connect_ms"));
    CU_ASSERT(num_is(j, "suites.0.tests.0.metrics.0.value", 0.42));
    CU_ASSERT(str_is(j, "suites.0.tests.0.metrics.0.unit", "ms"));
    CU_ASSERT(num_is(j, "suites.0.tests.0.metrics.1.value", 2));
    CU_ASSERT(is_null(j, "suites.0.tests.0.metrics.1.unit"));
    CU_ASSERT(json_object_equal(at(j, "suites.0.tests.0.outputs"),
                                run.suites[0].tests[0].outputs));
    CU_ASSERT(!has(j, "suites.0.tests.0.trace"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.log", "connected\n"));

    CU_ASSERT(str_is(j, "suites.0.tests.1.status", "failed"));
    CU_ASSERT(int_is(j, "suites.0.tests.1.attempts", 3));
    CU_ASSERT(num_is(j, "suites.0.tests.1.duration", 1.5));
    CU_ASSERT(str_is(j, "suites.0.tests.1.message", "/reply: expected \"a\", got \"b\""));
    CU_ASSERT(
        json_object_equal(at(j, "suites.0.tests.1.trace"), run.suites[0].tests[1].trace));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.1.metrics")), 0);
    CU_ASSERT(json_object_is_type(at(j, "suites.0.tests.1.outputs"), json_type_object));
    CU_ASSERT(is_null(j, "suites.0.tests.1.log"));

    CU_ASSERT(str_is(j, "suites.0.tests.2.status", "error"));
    CU_ASSERT(json_object_is_type(at(j, "suites.0.tests.2.trace"), json_type_array));
    CU_ASSERT(str_is(j, "suites.0.tests.3.status", "skipped"));
    CU_ASSERT(str_is(j, "suites.0.tests.3.message", "interrupted"));
    CU_ASSERT(int_is(j, "suites.0.tests.3.attempts", 0));
    CU_ASSERT(!has(j, "suites.0.tests.3.trace"));

    /* pretty, durations with three decimals, slashes not escaped */
    CU_ASSERT(strncmp(text, "{\n  \"tool\": \"wscheck\",\n", 23) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"duration\": 1.500,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"file\": \"scenarios/mock.json\""));
    CU_ASSERT(text[strlen(text) - 1] == '\n');
    free(text);
    json_object_put(j);
    wsc_run_result_clear(&run);
}

/* Warnings and cases of each test are listed; summaries count cases. */
static void test_warnings_and_cases(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "suite", "suite.json");
    struct wsc_result *w = add_test(s, "close", WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_warning(w, "no close reason"), 0);
    struct wsc_result *c = add_test(s, "compliance", WSC_FAILED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_case(c, "1.1.1", WSC_PASSED, 0.002, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(c, "1.1.2", WSC_FAILED, -1, "no close"), 0);

    struct json_object *j = write_and_parse(&run, "cases.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(int_is(j, "summary.total", 3));
    CU_ASSERT(int_is(j, "summary.passed", 2));
    CU_ASSERT(int_is(j, "summary.failed", 1));
    CU_ASSERT(int_is(j, "suites.0.summary.total", 3));
    CU_ASSERT(str_is(j, "suites.0.tests.0.warnings.0", "no close reason"));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.0.warnings")), 1);
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.0.cases")), 0);
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.1.warnings")), 0);
    CU_ASSERT(str_is(j, "suites.0.tests.1.status", "failed"));
    CU_ASSERT(str_is(j, "suites.0.tests.1.cases.0.name", "1.1.1"));
    CU_ASSERT(str_is(j, "suites.0.tests.1.cases.0.status", "passed"));
    CU_ASSERT(num_is(j, "suites.0.tests.1.cases.0.duration", 0.002));
    CU_ASSERT(is_null(j, "suites.0.tests.1.cases.0.message"));
    CU_ASSERT(str_is(j, "suites.0.tests.1.cases.1.status", "failed"));
    CU_ASSERT(str_is(j, "suites.0.tests.1.cases.1.message", "no close"));
    CU_ASSERT(is_null(j, "suites.0.tests.1.cases.1.duration"));
    json_object_put(j);
    wsc_run_result_clear(&run);
}

static void test_empty(void)
{
    struct wsc_run_result run = {0};
    struct json_object *j = write_and_parse(&run, "empty.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(int_is(j, "summary.total", 0));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites")), 0);
    json_object_put(j);

    add_suite(&run, "nothing", "n.json");
    j = write_and_parse(&run, "empty-suite.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(int_is(j, "suites.0.summary.total", 0));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests")), 0);
    json_object_put(j);
    wsc_run_result_clear(&run);
}

/* Broken UTF-8 and control characters, in every string, including the keys
 * and values of outputs and traces. */
static void test_hostile_text(void)
{
    const char *h = "a<b & \"q\" \\ \x01\x1b[2J \xff\xc3 \xed\xa0\x80 \xef\xbf\xbe end";
    const char *want = "a<b & \"q\" \\ \x01\x1b[2J \xef\xbf\xbd\xef\xbf\xbd "
                       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd end";
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, h, h);
    struct wsc_result *t = add_test(s, h, WSC_FAILED, h);
    t->log = wsc_sample_strdup(h);
    CU_ASSERT_EQUAL(wsc_result_add_metric(t, h, 1, h), 0);
    t->outputs = json_object_new_object();
    json_object_object_add(t->outputs, h, json_object_new_string(h));
    t->trace = json_object_new_array();
    json_object_array_add(t->trace, json_object_new_string(h));

    char *text = NULL;
    struct json_object *j = write_and_parse(&run, "hostile.json", &text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(str_is(j, "suites.0.name", want));
    CU_ASSERT(str_is(j, "suites.0.file", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.name", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.message", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.log", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.metrics.0.name", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.metrics.0.unit", want));
    CU_ASSERT(str_is(j, "suites.0.tests.0.trace.0", want));
    struct json_object *v = NULL;
    CU_ASSERT(json_object_object_get_ex(at(j, "suites.0.tests.0.outputs"), want, &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), want);
    /* control characters are escaped, never raw */
    CU_ASSERT_PTR_NULL(strchr(text, '\x01'));
    CU_ASSERT_PTR_NULL(strchr(text, '\x1b'));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\\u0001"));
    free(text);
    json_object_put(j);
    wsc_run_result_clear(&run);
}

/* Numbers JSON cannot hold become null; absurd nesting is cut. */
static void test_odd_values(void)
{
    struct wsc_run_result run = {.duration = NAN};
    struct wsc_suite_result *s = add_suite(&run, "s", "s.json");
    struct wsc_result *t = add_test(s, "t", WSC_PASSED, NULL);
    t->duration = INFINITY;
    CU_ASSERT_EQUAL(wsc_result_add_metric(t, "nan", NAN, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(t, "inf", -INFINITY, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(t, "huge", 1e300, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(t, "precise", 0.1 + 0.2, NULL), 0);
    struct json_object *deep = json_object_new_object();
    struct json_object *cur = deep;
    for (int i = 0; i < 100; i++) {
        struct json_object *next = json_object_new_array();
        json_object_object_add(cur, "x", json_object_new_double(NAN));
        json_object_object_add(cur, "down", next);
        cur = json_object_new_object();
        json_object_array_add(next, cur);
    }
    t->outputs = deep;

    char *text = NULL;
    struct json_object *j = write_and_parse(&run, "odd.json", &text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(is_null(j, "duration"));
    CU_ASSERT(is_null(j, "suites.0.tests.0.duration"));
    CU_ASSERT(is_null(j, "suites.0.tests.0.metrics.0.value"));
    CU_ASSERT(is_null(j, "suites.0.tests.0.metrics.1.value"));
    CU_ASSERT(num_is(j, "suites.0.tests.0.metrics.2.value", 1e300));
    CU_ASSERT(num_is(j, "suites.0.tests.0.metrics.3.value", 0.3));
    CU_ASSERT(is_null(j, "suites.0.tests.0.outputs.x"));
    CU_ASSERT(json_object_is_type(at(j, "suites.0.tests.0.outputs.down.0.down.0"),
                                  json_type_object));
    int levels = 0;
    for (cur = at(j, "suites.0.tests.0.outputs"); cur; levels++)
        cur = at(cur, "down.0");
    CU_ASSERT(levels >= 10 &&
              levels <= 16); /* cut, yet deep enough for any real output */
    CU_ASSERT_PTR_NULL(strstr(text, "NaN"));
    CU_ASSERT_PTR_NULL(strstr(text, "Infinity"));
    free(text);
    json_object_put(j);
    wsc_run_result_clear(&run);
}

static void test_unwritable(void)
{
    struct wsc_run_result run = {0};
    add_test(add_suite(&run, "s", "s.json"), "t", WSC_PASSED, NULL);
    char *path = path_in_tmp("missing/report.json");
    char *err = NULL, *want = NULL;
    CU_ASSERT_EQUAL(wsc_json_report_write(path, &run, &err), -1);
    CU_ASSERT_FATAL(asprintf(&want, "cannot write %s: %s", path, strerror(ENOENT)) > 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(err, want);
    free(err);
    free(want);
    free(path);

    /* the rename fails after the temporary file was written */
    path = path_in_tmp("dir.json");
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
    err = NULL;
    CU_ASSERT_EQUAL(wsc_json_report_write(path, &run, &err), -1);
    CU_ASSERT_FATAL(asprintf(&want, "cannot write %s: %s", path, strerror(EISDIR)) > 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(wsc_sample_count_entries(tmpdir, "dir.json.tmp."), 0);
    CU_ASSERT_EQUAL(rmdir(path), 0);
    free(err);
    free(want);
    free(path);
    wsc_run_result_clear(&run);
}

/* The shared atomic writer on its own: content, replacement, no leftovers. */
static void test_write_file(void)
{
    char *path = path_in_tmp("plain.txt");
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_report_write_file(path, "first\n", 6, &err), 0);
    CU_ASSERT_EQUAL(wsc_report_write_file(path, "second", 6, &err), 0);
    CU_ASSERT_PTR_NULL(err);
    char *text = wsc_sample_read(path);
    CU_ASSERT_STRING_EQUAL(text, "second");
    free(text);
    CU_ASSERT_EQUAL(wsc_report_write_file(path, "", 0, &err), 0);
    text = wsc_sample_read(path);
    CU_ASSERT_STRING_EQUAL(text, "");
    free(text);
    CU_ASSERT_EQUAL(wsc_sample_count_entries(tmpdir, "plain.txt.tmp."), 0);
    /* a NULL err is allowed */
    CU_ASSERT_EQUAL(wsc_report_write_file("", "x", 1, NULL), -1);
    free(path);
}

/* A test that passed after retries is flaky, counted in the summaries; it
 * and a test that failed every attempt keep each attempt's outcome. */
static void test_attempts(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "retried", "r.json");
    struct wsc_result *f = add_test(s, "flaky", WSC_PASSED, NULL);
    f->attempts = 3;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_FAILED, 0.0214, "close 4000"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_ERROR, 0.5, "crashed"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_PASSED, 0.01, NULL), 0);
    struct wsc_result *b = add_test(s, "broken", WSC_FAILED, "no reply");
    b->attempts = 2;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(b, WSC_FAILED, 1, "timed out"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(b, WSC_FAILED, 1, "no reply"), 0);
    b->trace = json_tokener_parse("[{\"t_ms\": 0.1, \"dir\": \"send\"},"
                                  " {\"t_ms\": 12.3456789, \"dir\": \"recv\"}]");
    struct wsc_result *ok = add_test(s, "steady", WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(ok, WSC_PASSED, 0.012, NULL), 0);

    char *text = NULL;
    struct json_object *j = write_and_parse(&run, "attempts.json", &text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT(int_is(j, "summary.flaky", 1));
    CU_ASSERT(int_is(j, "summary.passed", 2));
    CU_ASSERT(int_is(j, "suites.0.summary.flaky", 1));
    CU_ASSERT(json_object_get_boolean(at(j, "suites.0.tests.0.flaky")));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.0.attempt_log")), 3);
    CU_ASSERT(int_is(j, "suites.0.tests.0.attempt_log.0.attempt", 1));
    CU_ASSERT(str_is(j, "suites.0.tests.0.attempt_log.0.status", "failed"));
    CU_ASSERT(num_is(j, "suites.0.tests.0.attempt_log.0.duration", 0.021));
    CU_ASSERT(str_is(j, "suites.0.tests.0.attempt_log.0.message", "close 4000"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.attempt_log.1.status", "error"));
    CU_ASSERT(str_is(j, "suites.0.tests.0.attempt_log.2.status", "passed"));
    CU_ASSERT(is_null(j, "suites.0.tests.0.attempt_log.2.message"));

    CU_ASSERT(!json_object_get_boolean(at(j, "suites.0.tests.1.flaky")));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.1.attempt_log")), 2);
    CU_ASSERT(str_is(j, "suites.0.tests.1.attempt_log.0.message", "timed out"));
    CU_ASSERT(str_is(j, "suites.0.tests.1.attempt_log.1.status", "failed"));
    CU_ASSERT(!json_object_get_boolean(at(j, "suites.0.tests.2.flaky")));
    CU_ASSERT_EQUAL(json_object_array_length(at(j, "suites.0.tests.2.attempt_log")), 1);

    /* trace times to the microsecond, three decimals of a millisecond */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"t_ms\": 0.100,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"t_ms\": 12.346,"));
    free(text);
    json_object_put(j);
    wsc_run_result_clear(&run);
}

static CU_TestInfo json_tests[] = {
    {"attempts of retried tests, flaky count, trace times", test_attempts},
    {"warnings and cases", test_warnings_and_cases},
    {"document members", test_document},
    {"no suites and an empty suite", test_empty},
    {"hostile text stays strict UTF-8 JSON", test_hostile_text},
    {"non-finite numbers and deep nesting", test_odd_values},
    {"unwritable path", test_unwritable},
    {"atomic file write", test_write_file},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"json report", init, cleanup, NULL, NULL, json_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
