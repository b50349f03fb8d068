/* Console report: the exact lines a user sees, with and without colour, in
 * quiet and verbose mode, and what hostile text from a server turns into. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tap.h"

#define SEP " \xe2\x80\xba " /* the separator between suite and test */

/* An output captured in memory. */
struct capture {
    char *text;
    size_t len;
    FILE *f;
    struct wsc_console c;
};

static void capture_open(struct capture *cap, int color, int quiet, int verbose)
{
    memset(cap, 0, sizeof *cap);
    cap->f = open_memstream(&cap->text, &cap->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap->f);
    cap->c = (struct wsc_console){
        .out = cap->f, .color = color, .quiet = quiet, .verbose = verbose};
}

/* Ends the capture and returns the text (freed by capture_free). */
static const char *capture_text(struct capture *cap)
{
    if (cap->f) {
        CU_ASSERT_EQUAL(fclose(cap->f), 0);
        cap->f = NULL;
    }
    return cap->text;
}

static void capture_free(struct capture *cap)
{
    capture_text(cap);
    free(cap->text);
}

static int text_is(struct capture *cap, const char *want)
{
    const char *got = capture_text(cap);
    int same = strcmp(got, want) == 0;
    if (!same)
        printf("# expected:\n# [%s]\n# got:\n# [%s]\n", want, got);
    return same;
}

static struct wsc_suite_result suite = {.name = "smoke"};

static struct wsc_result result(const char *name, enum wsc_status st, const char *message,
                                double duration, int attempts)
{
    return (struct wsc_result){.name = (char *)name,
                               .plugin = "port",
                               .status = st,
                               .message = (char *)message,
                               .duration = duration,
                               .attempts = attempts};
}

/* ---- tests ------------------------------------------------------------------ */

static void test_each_status(void)
{
    struct capture cap;
    capture_open(&cap, 0, 0, 0);
    struct wsc_result p = result("port listens", WSC_PASSED, NULL, 0.012, 1);
    struct wsc_result f = result(
        "echo", WSC_FAILED, "/reply: expected \"a\", got \"b\"\nsecond line\n", 1.5, 3);
    struct wsc_result e =
        result("crash", WSC_ERROR, "check crashed: signal 11", 0.0004, 1);
    struct wsc_result s = result("later", WSC_SKIPPED, "not ready", 0, 0);
    wsc_console_test(&cap.c, &suite, &p);
    wsc_console_test(&cap.c, &suite, &f);
    wsc_console_test(&cap.c, &suite, &e);
    wsc_console_test(&cap.c, &suite, &s);
    CU_ASSERT(text_is(&cap, "PASS   smoke" SEP "port listens  (12 ms)\n"
                            "FAIL   smoke" SEP "echo  (1.50 s, 3 attempts)\n"
                            "       /reply: expected \"a\", got \"b\"\n"
                            "       second line\n"
                            "ERROR  smoke" SEP "crash  (0.4 ms)\n"
                            "       check crashed: signal 11\n"
                            "SKIP   smoke" SEP "later\n"
                            "       not ready\n"));
    capture_free(&cap);
}

static void test_without_suite_name(void)
{
    struct capture cap;
    capture_open(&cap, 0, 0, 0);
    struct wsc_suite_result unnamed = {0};
    struct wsc_result p = result("alone", WSC_PASSED, NULL, 0.25, 1);
    wsc_console_test(&cap.c, &unnamed, &p);
    wsc_console_test(&cap.c, NULL, &p);
    CU_ASSERT(text_is(&cap, "PASS   alone  (250 ms)\nPASS   alone  (250 ms)\n"));
    capture_free(&cap);
}

static void test_colour(void)
{
    struct capture cap;
    capture_open(&cap, 1, 0, 0);
    struct wsc_result p = result("ok", WSC_PASSED, NULL, 0.012, 1);
    struct wsc_result f = result("bad", WSC_FAILED, "why", 0.012, 1);
    struct wsc_result e = result("worse", WSC_ERROR, "how", 0.012, 1);
    struct wsc_result s = result("later", WSC_SKIPPED, NULL, 0, 0);
    wsc_console_test(&cap.c, &suite, &p);
    wsc_console_test(&cap.c, &suite, &f);
    wsc_console_test(&cap.c, &suite, &e);
    wsc_console_test(&cap.c, &suite, &s);
    CU_ASSERT(text_is(
        &cap, "\033[32mPASS \033[0m  smoke" SEP "ok\033[90m  (12 ms)\033[0m\n"
              "\033[31mFAIL \033[0m  smoke" SEP "bad\033[90m  (12 ms)\033[0m\n"
              "       \033[31mwhy\033[0m\n"
              "\033[1;31mERROR\033[0m  smoke" SEP "worse\033[90m  (12 ms)\033[0m\n"
              "       \033[1;31mhow\033[0m\n"
              "\033[33mSKIP \033[0m  smoke" SEP "later\n"));
    capture_free(&cap);
}

static void test_no_colour_means_no_escapes(void)
{
    struct capture cap;
    capture_open(&cap, 0, 0, 1);
    struct wsc_result f = result("bad", WSC_FAILED, "why", 0.012, 1);
    f.log = "a note";
    wsc_console_test(&cap.c, &suite, &f);
    struct wsc_run_result run = {0};
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT_PTR_NULL(strchr(capture_text(&cap), '\033'));
    capture_free(&cap);
}

static void test_quiet(void)
{
    struct capture cap;
    capture_open(&cap, 0, 1, 1); /* quiet wins over verbose */
    struct wsc_result tests[] = {
        result("ok", WSC_PASSED, NULL, 0.012, 1),
        result("bad", WSC_FAILED, "why", 0.012, 1),
        result("later", WSC_SKIPPED, "not now", 0, 0),
        result("worse", WSC_ERROR, "how", 0.012, 1),
    };
    tests[0].log = "note";
    tests[1].log = "note";
    struct wsc_suite_result s = {.name = "smoke", .tests = tests, .n_tests = 4};
    struct wsc_run_result run = {.suites = &s, .n_suites = 1, .duration = 0.5};
    for (size_t i = 0; i < 4; i++)
        wsc_console_test(&cap.c, &s, &tests[i]);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(text_is(&cap, "FAIL   smoke" SEP "bad  (12 ms)\n"
                            "       why\n"
                            "ERROR  smoke" SEP "worse  (12 ms)\n"
                            "       how\n"
                            "1 passed, 1 failed, 1 errors, 1 skipped in 0.50 s\n"));
    capture_free(&cap);
}

static void test_verbose(void)
{
    struct capture cap;
    capture_open(&cap, 0, 0, 1);
    struct wsc_result p = result("rtt", WSC_PASSED, NULL, 0.012, 1);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&p, "rtt_ms", 0.4213, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(&p, "frames", 12, NULL), 0);
    p.log = "connected to 127.0.0.1:9004\nsent 12 pings\n";
    wsc_console_test(&cap.c, &suite, &p);
    CU_ASSERT(text_is(&cap, "PASS   smoke" SEP "rtt  (12 ms)\n"
                            "       rtt_ms: 0.421 ms\n"
                            "       frames: 12\n"
                            "       connected to 127.0.0.1:9004\n"
                            "       sent 12 pings\n"));
    capture_free(&cap);

    /* without verbose, neither metrics nor notes */
    capture_open(&cap, 0, 0, 0);
    wsc_console_test(&cap.c, &suite, &p);
    CU_ASSERT(text_is(&cap, "PASS   smoke" SEP "rtt  (12 ms)\n"));
    capture_free(&cap);
    for (size_t i = 0; i < p.n_metrics; i++) {
        free(p.metrics[i].name);
        free(p.metrics[i].unit);
    }
    free(p.metrics);
}

/* Warnings under the test line, cases under it with their status; with
 * --quiet only the cases that failed; the summary counts cases as tests. */
static void test_warnings_and_cases(void)
{
    struct wsc_result w = result("close", WSC_PASSED, NULL, 0.003, 1);
    CU_ASSERT_EQUAL(wsc_result_add_warning(&w, "no close reason"), 0);
    struct wsc_result c = result("compliance", WSC_FAILED, NULL, 0.040, 1);
    CU_ASSERT_EQUAL(wsc_result_add_case(&c, "1.1.1", WSC_PASSED, 0.002, NULL), 0);
    CU_ASSERT_EQUAL(
        wsc_result_add_case(&c, "1.1.2", WSC_FAILED, 0.003, "expected a close\ngot text"),
        0);
    CU_ASSERT_EQUAL(wsc_result_add_case(&c, "1.1.3", WSC_SKIPPED, -1, "n/a"), 0);
    struct wsc_result tests[] = {w, c};
    struct wsc_suite_result s = {.name = "smoke", .tests = tests, .n_tests = 2};
    struct wsc_run_result run = {.suites = &s, .n_suites = 1, .duration = 0.5};

    struct capture cap;
    capture_open(&cap, 0, 0, 0);
    for (size_t i = 0; i < 2; i++)
        wsc_console_test(&cap.c, &s, &tests[i]);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(text_is(&cap, "PASS   smoke" SEP "close  (3.0 ms)\n"
                            "       warning: no close reason\n"
                            "FAIL   smoke" SEP "compliance  (40 ms)\n"
                            "       PASS   1.1.1  (2.0 ms)\n"
                            "       FAIL   1.1.2  (3.0 ms)\n"
                            "              expected a close\n"
                            "              got text\n"
                            "       SKIP   1.1.3\n"
                            "              n/a\n"
                            "2 passed, 1 failed, 0 errors, 1 skipped in 0.50 s\n"));
    capture_free(&cap);

    capture_open(&cap, 0, 1, 0);
    for (size_t i = 0; i < 2; i++)
        wsc_console_test(&cap.c, &s, &tests[i]);
    CU_ASSERT(text_is(&cap, "FAIL   smoke" SEP "compliance  (40 ms)\n"
                            "       FAIL   1.1.2  (3.0 ms)\n"
                            "              expected a close\n"
                            "              got text\n"));
    capture_free(&cap);
    for (size_t i = 0; i < 2; i++) {
        tests[i].name = tests[i].plugin = NULL; /* not owned */
        wsc_result_clear(&tests[i]);
    }
}

static void test_durations(void)
{
    static const struct {
        double s;
        const char *text;
    } cases[] = {
        {0, "0.0 ms"},      {0.00004, "0.0 ms"}, {0.0094, "9.4 ms"},  {0.012, "12 ms"},
        {0.9994, "999 ms"}, {0.9996, "1.00 s"},  {61.237, "61.24 s"}, {-1, "0.0 ms"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture cap;
        capture_open(&cap, 0, 0, 0);
        struct wsc_result p = result("t", WSC_PASSED, NULL, cases[i].s, 1);
        wsc_console_test(&cap.c, &suite, &p);
        char want[128];
        snprintf(want, sizeof want, "PASS   smoke" SEP "t  (%s)\n", cases[i].text);
        CU_ASSERT(text_is(&cap, want));
        capture_free(&cap);
    }
}

/* Server text must not drive the terminal: no escape, bell, CR or C1
 * control reaches it, and names stay on one line. */
static void test_hostile_text(void)
{
    struct capture cap;
    capture_open(&cap, 0, 0, 1);
    struct wsc_suite_result s = {.name = "evil\n\x1b]0;title\x07"};
    struct wsc_result f = result("name\nwith\tbreaks\r", WSC_FAILED,
                                 "clear \x1b[2J bell \x07 cr \r over \xc2\x9b"
                                 "31m \xff end",
                                 0.012, 1);
    f.log = "note \x1b[1m\r";
    CU_ASSERT_EQUAL(wsc_result_add_metric(&f, "m\x1b", 1, "u\r"), 0);
    wsc_console_test(&cap.c, &s, &f);
    const char *text = capture_text(&cap);
    for (const char *p = text; *p; p++)
        CU_ASSERT((unsigned char)*p >= 0x20 || *p == '\n');
    CU_ASSERT_PTR_NULL(strstr(text, "\xc2\x9b"));
    CU_ASSERT(text_is(
        &cap, "FAIL   evil \\x1b]0;title\\x07" SEP "name with breaks\\r  (12 ms)\n"
              "       clear \\x1b[2J bell \\x07 cr \\r over \\u009b31m \xef\xbf\xbd end\n"
              "       m\\x1b: 1 u\\r\n"
              "       note \\x1b[1m\\r\n"));
    capture_free(&cap);
    free(f.metrics[0].name);
    free(f.metrics[0].unit);
    free(f.metrics);
}

/* A test that passed after retries says so, with why each attempt failed;
 * the summary counts it. */
static void test_flaky(void)
{
    struct wsc_attempt log[] = {{WSC_FAILED, 0.021, "close 4000 \"bad input\""},
                                {WSC_ERROR, 0.0042, NULL},
                                {WSC_PASSED, 0.012, NULL}};
    struct wsc_result r = result("login", WSC_PASSED, NULL, 1.25, 3);
    r.attempt_log = log;
    r.n_attempt_log = 3;
    struct capture cap;
    capture_open(&cap, 0, 0, 0);
    wsc_console_test(&cap.c, &suite, &r);
    CU_ASSERT(text_is(&cap,
                      "PASS   smoke" SEP "login  (1.25 s, flaky: 2 failed attempts)\n"
                      "       attempt 1 failed (21 ms): close 4000 \"bad input\"\n"
                      "       attempt 2 errored (4.2 ms)\n"));
    capture_free(&cap);

    struct wsc_suite_result s = {.tests = &r, .n_tests = 1};
    struct wsc_run_result run = {.suites = &s, .n_suites = 1, .duration = 1.25};
    capture_open(&cap, 0, 0, 0);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(
        text_is(&cap, "1 passed (1 flaky), 0 failed, 0 errors, 0 skipped in 1.25 s\n"));
    capture_free(&cap);

    /* one failed attempt; quiet mode hides passing tests, flaky or not */
    r.attempt_log = log + 1;
    r.n_attempt_log = 2;
    capture_open(&cap, 0, 0, 0);
    wsc_console_test(&cap.c, &suite, &r);
    CU_ASSERT(text_is(&cap,
                      "PASS   smoke" SEP "login  (1.25 s, flaky: 1 failed attempt)\n"
                      "       attempt 1 errored (4.2 ms)\n"));
    capture_free(&cap);
    capture_open(&cap, 0, 1, 0);
    wsc_console_test(&cap.c, &suite, &r);
    CU_ASSERT(text_is(&cap, ""));
    capture_free(&cap);
}

static void test_summary(void)
{
    struct wsc_result a[] = {
        result("a", WSC_PASSED, NULL, 0, 1),
        result("b", WSC_PASSED, NULL, 0, 1),
        result("c", WSC_FAILED, "x", 0, 1),
    };
    struct wsc_result b[] = {result("d", WSC_PASSED, NULL, 0, 1)};
    struct wsc_suite_result suites[] = {{.tests = a, .n_tests = 3},
                                        {.tests = b, .n_tests = 1}};
    struct wsc_run_result run = {.suites = suites, .n_suites = 2, .duration = 0.4249};

    struct capture cap;
    capture_open(&cap, 0, 0, 0);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(text_is(&cap, "3 passed, 1 failed, 0 errors, 0 skipped in 0.42 s\n"));
    capture_free(&cap);

    capture_open(&cap, 1, 0, 0);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(text_is(&cap, "\033[1;31m3 passed, 1 failed, 0 errors, 0 skipped in 0.42 s"
                            "\033[0m\n"));
    capture_free(&cap);

    a[2].status = WSC_SKIPPED;
    run.duration = 12;
    capture_open(&cap, 1, 0, 0);
    wsc_console_summary(&cap.c, &run);
    CU_ASSERT(text_is(&cap, "\033[32m3 passed, 0 failed, 0 errors, 1 skipped in 12.00 s"
                            "\033[0m\n"));
    capture_free(&cap);

    struct wsc_run_result empty = {.duration = -3};
    capture_open(&cap, 0, 1, 0);
    wsc_console_summary(&cap.c, &empty);
    CU_ASSERT(text_is(&cap, "0 passed, 0 failed, 0 errors, 0 skipped in 0.00 s\n"));
    capture_free(&cap);
}

static CU_TestInfo console_tests[] = {
    {"warnings and cases under the test line", test_warnings_and_cases},
    {"a line per status", test_each_status},
    {"no suite name", test_without_suite_name},
    {"colours", test_colour},
    {"no colour, no escape sequences", test_no_colour_means_no_escapes},
    {"quiet: failures and summary only", test_quiet},
    {"verbose: metrics and notes", test_verbose},
    {"durations", test_durations},
    {"hostile text cannot drive the terminal", test_hostile_text},
    {"summary line", test_summary},
    {"flaky: the attempts that failed, counted", test_flaky},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"console", NULL, NULL, NULL, NULL, console_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
