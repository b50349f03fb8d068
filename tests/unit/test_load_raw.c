/* Unit tests of wscheck load's --raw-samples (load_raw.c): every value the
 * run's histograms record is written once, with its test and histogram, and
 * nothing is written once the file is closed. */
#include "tap.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/histogram.h>

#include "load.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static void init_two_tests(struct wsc_load_stats *s)
{
    struct wsc_test a = {.name = "a", .plugin = "ws-basic", .check = "conversation"};
    struct wsc_test b = {.name = "b", .plugin = "ping-pong", .check = "control"};
    CU_ASSERT_FATAL(wsc_load_stats_init(s, 2) == 0);
    CU_ASSERT_FATAL(wsc_load_test_init(&s->tests[0], &a) == 0);
    CU_ASSERT_FATAL(wsc_load_test_init(&s->tests[1], &b) == 0);
}

static void test_every_sample_once(void)
{
    char dir[256], path[300];
    CU_ASSERT_FATAL(wsc_test_mkdtemp(dir, sizeof dir, "load-raw") == 0);
    snprintf(path, sizeof path, "%s/raw.tsv", dir);
    struct wsc_load_stats s;
    init_two_tests(&s);
    struct wsc_histogram *session = wsc_load_hist(&s.tests[0], "session_ms");
    struct wsc_histogram *step = wsc_load_hist(&s.tests[0], "step 2 expect");
    struct wsc_histogram *rtt = wsc_load_hist(&s.tests[1], "rtt_ms");
    struct wsc_histogram *other = wsc_hist_new(); /* not one of the run's */
    CU_ASSERT_FATAL(session && step && rtt && other);

    wsc_hist_record(session, 1.0); /* before: not written */
    char *err = NULL;
    CU_ASSERT_FATAL(wsc_load_raw_samples_open(path, &s, &err) == 0);
    wsc_hist_record(session, 12.5);
    wsc_hist_record(step, 0.1);
    wsc_hist_record(rtt, 1e-3);
    wsc_hist_record(other, 7.0);
    wsc_hist_record(rtt, -2.0); /* recorded as 0, so written as 0 */
    CU_ASSERT_EQUAL(wsc_load_raw_samples_close(path, &err), 0);
    wsc_hist_record(session, 99.0); /* after: not written */

    const char *text = read_all(path);
    wsc_tap_assert(strcmp(text, "0\tsession_ms\t12.5\n"
                                "0\tstep 2 expect\t0.10000000000000001\n"
                                "1\trtt_ms\t0.001\n"
                                "1\trtt_ms\t0\n") == 0,
                   __FILE__, __LINE__, "raw samples:\n%s", text);
    CU_ASSERT_EQUAL(wsc_hist_count(session), 3); /* the histogram still counts all */
    wsc_hist_free(other);
    wsc_load_stats_clear(&s);
    remove(path);
    remove(dir);
}

static void test_unwritable_file(void)
{
    struct wsc_load_stats s;
    init_two_tests(&s);
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_load_raw_samples_open("/nonexistent-dir/raw.tsv", &s, &err), -1);
    wsc_tap_assert(err && strstr(err, "--raw-samples /nonexistent-dir/raw.tsv: ") != NULL,
                   __FILE__, __LINE__, "message: %s", err ? err : "(none)");
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(wsc_load_raw_samples_close("/nonexistent-dir/raw.tsv", &err), 0);
    wsc_load_stats_clear(&s);
}

static void test_full_disk(void)
{
    struct wsc_load_stats s;
    init_two_tests(&s);
    char *err = NULL;
    struct wsc_histogram *h = wsc_load_hist(&s.tests[0], "session_ms");
    CU_ASSERT_FATAL(h != NULL);
    if (wsc_load_raw_samples_open("/dev/full", &s, &err) != 0) {
        free(err);
        wsc_load_stats_clear(&s);
        return; /* no /dev/full here */
    }
    for (int i = 0; i < 10000; i++) /* more than stdio buffers */
        wsc_hist_record(h, i);
    CU_ASSERT_EQUAL(wsc_load_raw_samples_close("/dev/full", &err), -1);
    wsc_tap_assert(err && strstr(err, "cannot write the samples") != NULL, __FILE__,
                   __LINE__, "message: %s", err ? err : "(none)");
    free(err);
    wsc_load_stats_clear(&s);
}

static CU_TestInfo raw_tests[] = {
    {"every sample of the run once, with its test and histogram", test_every_sample_once},
    {"a file that cannot be opened", test_unwritable_file},
    {"a write that fails is reported", test_full_disk},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"load raw samples", NULL, NULL, NULL, NULL, raw_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
