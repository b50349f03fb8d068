/* The loader and the runner, against the testkit plugin and the broken
 * plugins built in tests/plugins. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "registry.h"
#include "runner.h"
#include "scenario.h"

#if defined(__SANITIZE_ADDRESS__)
#define RUNNER_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNNER_TEST_ASAN 1
#endif
#endif

static struct wsc_registry reg;
static char plugin_dir[4096], broken_dir[4096];

static int suite_init(void)
{
    const char *b = getenv("top_builddir");
    snprintf(plugin_dir, sizeof(plugin_dir), "%s/tests/plugins/.libs", b ? b : ".");
    snprintf(broken_dir, sizeof(broken_dir), "%s/tests/plugins/broken/.libs",
             b ? b : ".");
    char *dirs[] = {plugin_dir};
    char *err = NULL;
    int rc = wsc_registry_load(&reg, dirs, 1, &err);
    free(err);
    return rc == 0 && wsc_registry_plugin(&reg, "testkit") ? 0 : -1;
}

static int suite_clean(void)
{
    wsc_registry_free(&reg);
    return 0;
}

/* Runs a scenario given as text; returns the suite result (caller clears). */
static struct wsc_suite_result run_text(const char *text, const struct wsc_run_options *o)
{
    struct wsc_diag diag = {.quiet = 1};
    struct wsc_suite_result s;
    memset(&s, 0, sizeof(s));
    struct wsc_scenario *sc = wsc_scenario_parse("t.json", text, strlen(text), &diag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(wsc_scenario_validate(sc, &reg, NULL, &diag), 0);
    CU_ASSERT_EQUAL(wsc_run_scenario(sc, &reg, o, &s, &diag), 0);
    wsc_scenario_free(sc);
    wsc_diag_clear(&diag);
    return s;
}

static struct wsc_run_options defaults(void)
{
    struct wsc_run_options o;
    memset(&o, 0, sizeof(o));
    o.retries = -1;
    return o;
}

static void test_statuses(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"p\",\"plugin\":\"testkit\",\"check\":\"pass\"},"
        "{\"name\":\"f\",\"plugin\":\"testkit\",\"check\":\"fail\",\"params\":{\"message\":\"nope\"}},"
        "{\"name\":\"e\",\"plugin\":\"testkit\",\"check\":\"error\"},"
        "{\"name\":\"k\",\"plugin\":\"testkit\",\"check\":\"pass\",\"skip\":\"later\"}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 4);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_PASSED);
    CU_ASSERT_EQUAL(s.tests[0].n_metrics, 1);
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(s.tests[1].message, "nope");
    CU_ASSERT_EQUAL(s.tests[2].status, WSC_ERROR);
    CU_ASSERT_EQUAL(s.tests[3].status, WSC_SKIPPED);
    CU_ASSERT_STRING_EQUAL(s.tests[3].message, "later");
    CU_ASSERT_EQUAL(s.tests[3].attempts, 0);
    wsc_suite_result_clear(&s);
}

static void test_crash_is_error(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"segv\",\"plugin\":\"testkit\",\"check\":\"crash\"},"
        "{\"name\":\"abrt\",\"plugin\":\"testkit\",\"check\":\"crash\",\"params\":{\"signal\":\"ABRT\"}},"
        "{\"name\":\"after\",\"plugin\":\"testkit\",\"check\":\"pass\"}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 3);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.tests[0].message, "signal 11"));
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.tests[1].message, "signal 6"));
    CU_ASSERT_EQUAL(s.tests[2].status, WSC_PASSED);
    wsc_suite_result_clear(&s);
}

static void test_hang_is_killed(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"h\",\"plugin\":\"testkit\",\"check\":\"hang\",\"timeout\":0.3},"
        "{\"name\":\"after\",\"plugin\":\"testkit\",\"check\":\"pass\"}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 2);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(s.tests[0].message, "timed out after 0.3 s");
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_PASSED);
    wsc_suite_result_clear(&s);
}

static void test_retries(void)
{
    char counter[] = "/tmp/wscheck-flaky.XXXXXX";
    int fd = mkstemp(counter);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"name\":\"s\",\"tests\":[{\"name\":\"f\",\"plugin\":\"testkit\","
             "\"check\":\"flaky\",\"retries\":3,\"retry_delay\":0.01,"
             "\"params\":{\"counter_file\":\"%s\",\"fail_times\":2}}]}",
             counter);
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(text, &o);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_PASSED);
    CU_ASSERT_EQUAL(s.tests[0].attempts, 3);
    /* every attempt is kept: the test is flaky */
    CU_ASSERT_EQUAL_FATAL(s.tests[0].n_attempt_log, 3);
    CU_ASSERT_EQUAL(s.tests[0].attempt_log[0].status, WSC_FAILED);
    CU_ASSERT_PTR_NOT_NULL(s.tests[0].attempt_log[0].message);
    CU_ASSERT(s.tests[0].attempt_log[0].duration >= 0);
    CU_ASSERT_EQUAL(s.tests[0].attempt_log[2].status, WSC_PASSED);
    CU_ASSERT_EQUAL(wsc_result_flaky(&s.tests[0]), 2);
    wsc_suite_result_clear(&s);
    /* Not enough retries: still failed after 2 attempts. */
    unlink(counter);
    o.retries = 1;
    s = run_text(text, &o);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_FAILED);
    CU_ASSERT_EQUAL(s.tests[0].attempts, 2);
    CU_ASSERT_EQUAL(s.tests[0].n_attempt_log, 2);
    CU_ASSERT_EQUAL(wsc_result_flaky(&s.tests[0]), 0);
    wsc_suite_result_clear(&s);
    unlink(counter);
}

static volatile sig_atomic_t interrupted;

static void on_alarm(int sig)
{
    (void)sig;
    interrupted = SIGINT;
}

static void test_interruption(void)
{
    signal(SIGALRM, on_alarm);
    alarm(1);
    struct wsc_run_options o = defaults();
    o.interrupted = &interrupted;
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"quick\",\"plugin\":\"testkit\",\"check\":\"pass\"},"
        "{\"name\":\"long\",\"plugin\":\"testkit\",\"check\":\"hang\",\"timeout\":10},"
        "{\"name\":\"never\",\"plugin\":\"testkit\",\"check\":\"pass\"}]}",
        &o);
    alarm(0);
    interrupted = 0;
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 3);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_PASSED);
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_SKIPPED);
    CU_ASSERT_STRING_EQUAL(s.tests[1].message, "interrupted");
    CU_ASSERT_EQUAL(s.tests[2].status, WSC_SKIPPED);
    CU_ASSERT_STRING_EQUAL(s.tests[2].message, "interrupted");
    wsc_suite_result_clear(&s);
}

static void test_capture_and_vars(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"vars\":{\"base\":\"v\"},\"tests\":["
        "{\"name\":\"a\",\"plugin\":\"testkit\",\"check\":\"output\","
        "  \"params\":{\"value\":{\"id\":\"abc\",\"n\":7}},\"capture\":{\"cid\":\"/value/id\",\"n\":\"/value/n\"}},"
        "{\"name\":\"b\",\"plugin\":\"testkit\",\"check\":\"output\","
        "  \"params\":{\"value\":\"${base}-${cid}\"}},"
        "{\"name\":\"c\",\"plugin\":\"testkit\",\"check\":\"output\",\"params\":{\"value\":\"${n}\"}},"
        "{\"name\":\"d\",\"plugin\":\"testkit\",\"check\":\"output\","
        "  \"params\":{\"value\":1},\"capture\":{\"missing\":\"/nope\"}}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 4);
    struct json_object *v = NULL;
    CU_ASSERT(json_object_object_get_ex(s.tests[1].outputs, "value", &v));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "v-abc");
    CU_ASSERT(json_object_object_get_ex(s.tests[2].outputs, "value", &v));
    CU_ASSERT(json_object_is_type(v, json_type_int));
    CU_ASSERT_EQUAL(json_object_get_int(v), 7);
    CU_ASSERT_EQUAL(s.tests[3].status, WSC_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.tests[3].message, "/nope"));
    wsc_suite_result_clear(&s);
}

static void test_setvar_and_deferred(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"a\",\"plugin\":\"testkit\",\"check\":\"setvar\",\"params\":{\"name\":\"tok\",\"value\":\"xyz\"}},"
        "{\"name\":\"b\",\"plugin\":\"testkit\",\"check\":\"deferred\","
        "  \"params\":{\"steps\":[\"${tok}\",{\"capture\":{\"tok\":\"/x\"}}]}}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 2);
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_PASSED);
    struct json_object *steps = NULL;
    CU_ASSERT(json_object_object_get_ex(s.tests[1].outputs, "steps", &steps));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(steps, 0)),
                           "xyz");
    wsc_suite_result_clear(&s);
}

static void test_fail_fast_and_filters(void)
{
    struct wsc_run_options o = defaults();
    o.fail_fast = 1;
    char *tags[] = {"smoke"};
    o.tags = tags;
    o.n_tags = 1;
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":["
        "{\"name\":\"untagged\",\"plugin\":\"testkit\",\"check\":\"pass\"},"
        "{\"name\":\"f\",\"plugin\":\"testkit\",\"check\":\"fail\",\"tags\":[\"smoke\"]},"
        "{\"name\":\"p\",\"plugin\":\"testkit\",\"check\":\"pass\",\"tags\":[\"smoke\"]}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 2);
    CU_ASSERT_STRING_EQUAL(s.tests[0].name, "f");
    CU_ASSERT_EQUAL(s.tests[1].status, WSC_SKIPPED);
    wsc_suite_result_clear(&s);
}

static void test_secret_redacted(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":[{\"name\":\"x\",\"plugin\":\"testkit\",\"check\":\"secret\","
        "\"params\":{\"token\":\"hunter2\"}}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 1);
    CU_ASSERT_PTR_NULL(strstr(s.tests[0].message, "hunter2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.tests[0].message, "***"));
    CU_ASSERT_PTR_NULL(strstr(s.tests[0].log, "hunter2"));
    CU_ASSERT_PTR_NULL(strstr(json_object_to_json_string(s.tests[0].trace), "hunter2"));
    wsc_suite_result_clear(&s);
}

/* Secret variables ($secret vars and captures, redact.vars, a check's
 * wsc_secret()) are redacted from then on, in later tests' results too;
 * redact.names adds names; test names are redacted. */
static void test_secret_variables(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"vars\":{\"pw\":{\"$secret\":\"p4ss-word\"}},"
        "\"redact\":{\"names\":[\"pin\"],\"vars\":[\"stepvar\"]},\"tests\":["
        "{\"name\":\"a\",\"plugin\":\"testkit\",\"check\":\"output\",\"params\":{\"value\":"
        "  {\"ticket\":\"T1CKET-1\",\"pin\":\"1234\",\"id\":\"ok\"}},"
        "  \"capture\":{\"tk\":{\"$secret\":\"/value/ticket\"},\"plain\":\"/value/id\"}},"
        "{\"name\":\"b\",\"plugin\":\"testkit\",\"check\":\"fail\","
        "  \"params\":{\"message\":\"${pw} ${tk} ${plain}\"}},"
        "{\"name\":\"c\",\"plugin\":\"testkit\",\"check\":\"secret\","
        "  \"params\":{\"token\":\"reg-secret-9\"}},"
        "{\"name\":\"d\",\"plugin\":\"testkit\",\"check\":\"fail\","
        "  \"params\":{\"message\":\"reg-secret-9 leaked\"}},"
        "{\"name\":\"e\",\"plugin\":\"testkit\",\"check\":\"setvar\","
        "  \"params\":{\"name\":\"stepvar\",\"value\":\"stp-v4l\"}},"
        "{\"name\":\"f\",\"plugin\":\"testkit\",\"check\":\"fail\","
        "  \"params\":{\"message\":\"stp-v4l\"}},"
        "{\"name\":\"ws://u:pw9@h/\",\"plugin\":\"testkit\",\"check\":\"pass\"}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 7);
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_PASSED);
    const char *out = json_object_to_json_string(s.tests[0].outputs);
    CU_ASSERT_PTR_NULL(strstr(out, "T1CKET-1"));
    CU_ASSERT_PTR_NULL(strstr(out, "1234"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok"));
    CU_ASSERT_STRING_EQUAL(s.tests[1].message, "*** *** ok");
    CU_ASSERT_STRING_EQUAL(s.tests[3].message, "*** leaked");
    CU_ASSERT_STRING_EQUAL(s.tests[5].message, "***");
    CU_ASSERT_STRING_EQUAL(s.tests[6].name, "ws://u:***@h/");
    wsc_suite_result_clear(&s);
}

/* Reads "PID PGID" written by a testkit check; 0 when absent. */
static pid_t read_pids(const char *path, pid_t *pgid)
{
    int pid = 0, group = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%d %d", &pid, &group) != 2)
            pid = 0;
        fclose(f);
    }
    *pgid = group;
    return pid;
}

/* Is PID a live process (a zombie waiting for init is not)? Waits up to
 * 10 s for it to go. */
static int still_alive(pid_t pid)
{
    for (int i = 0; i < 1000; i++) {
        char path[64], state = 0;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        int ok = f && fscanf(f, "%*d (%*[^)]) %c", &state) == 1;
        if (f)
            fclose(f);
        if (kill(pid, 0) < 0 || (ok && state == 'Z'))
            return 0;
        usleep(10000);
    }
    return 1;
}

static void pid_file_test(const char *check, double timeout, struct wsc_suite_result *s,
                          pid_t *pid, pid_t *pgid)
{
    char path[] = "/tmp/wscheck-pids.XXXXXX", text[1024];
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    snprintf(text, sizeof text,
             "{\"name\":\"s\",\"tests\":[{\"name\":\"x\",\"plugin\":\"testkit\","
             "\"check\":\"%s\",\"timeout\":%g,\"params\":{\"pid_file\":\"%s\"}}]}",
             check, timeout, path);
    struct wsc_run_options o = defaults();
    *s = run_text(text, &o);
    *pid = read_pids(path, pgid);
    unlink(path);
}

/* The runner waits for the check's exit, not for EOF on its pipe, and
 * kills what the check left running. */
static void test_forked_helper(void)
{
    struct wsc_suite_result s;
    pid_t pid, pgid;
    pid_file_test("fork_helper", 5, &s, &pid, &pgid);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 1);
    if (s.tests[0].status != WSC_PASSED)
        printf("# %s\n", s.tests[0].message ? s.tests[0].message : "");
    CU_ASSERT_EQUAL(s.tests[0].status, WSC_PASSED);
    CU_ASSERT_FATAL(pid > 0);
    CU_ASSERT_FALSE(still_alive(pid));
    if (still_alive(pid))
        kill(pid, SIGKILL);
    wsc_suite_result_clear(&s);
}

/* A check runs in its own process group, killed at the timeout. */
static void test_own_process_group(void)
{
    struct wsc_suite_result s;
    pid_t pid, pgid;
    pid_file_test("pids", 0.3, &s, &pid, &pgid);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 1);
    CU_ASSERT_STRING_EQUAL(s.tests[0].message, "timed out after 0.3 s");
    CU_ASSERT_FATAL(pid > 0);
    CU_ASSERT_EQUAL(pgid, pid);
    CU_ASSERT_NOT_EQUAL(pgid, getpgid(0));
    CU_ASSERT_FALSE(still_alive(pid));
    wsc_suite_result_clear(&s);
}

/* A secret that cannot be kept fails closed: an error, nothing of it in
 * the result. */
static void test_secret_fails_closed(void)
{
    struct wsc_run_options o = defaults();
    struct wsc_suite_result s = run_text(
        "{\"name\":\"s\",\"tests\":[{\"name\":\"x\",\"plugin\":\"testkit\","
        "\"check\":\"secret_oom\",\"timeout\":60,\"params\":{\"megabytes\":64}}]}",
        &o);
    CU_ASSERT_EQUAL_FATAL(s.n_tests, 1);
    struct wsc_result *r = &s.tests[0];
    struct json_object *j = wsc_result_to_json(r);
    const char *all = json_object_to_json_string(j);
    if (r->status != WSC_ERROR)
        printf("# %s: %.200s\n", wsc_status_name(r->status),
               r->message ? r->message : "");
#ifdef RUNNER_TEST_ASAN
    /* ASan's allocator aborts instead of failing: the plain build tests it. */
    CU_ASSERT_EQUAL(r->status, WSC_SKIPPED);
    json_object_put(j);
    wsc_suite_result_clear(&s);
    return;
#endif
    CU_ASSERT_EQUAL(r->status, WSC_ERROR);
    CU_ASSERT(r->message && strstr(r->message, "secret"));
    CU_ASSERT_PTR_NULL(strstr(all, "TOPSECRET"));
    json_object_put(j);
    wsc_suite_result_clear(&s);
}

/* ---- loader ------------------------------------------------------------- */

static void expect_refused(const char *file, const char *reason)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", broken_dir, file);
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_registry_load_file(&reg, path, &err), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
    if (!strstr(err, reason))
        printf("# '%s' lacks '%s'\n", err, reason);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, reason));
    free(err);
}

static void test_loader_refusals(void)
{
    size_t before = reg.n_plugins;
    expect_refused("nosymbol.so", "not a wscheck plugin");
    expect_refused("badabi.so", "built for plugin ABI 99");
    expect_refused("dupname.so", "duplicate plugin name 'testkit'");
    expect_refused("nocheckname.so", "check #1 has no name");
    expect_refused("badschema.so", "invalid params schema");
    expect_refused("does-not-exist.so", "cannot load");
    expect_refused("badmetric.so",
                   "check 'measure' declares metric 'lost' without a unit");
    CU_ASSERT_EQUAL(reg.n_plugins, before);
}

/* ABI 1 and newer plugins: refused with what to do, or loaded by the growth
 * rule. */
static void test_loader_abi(void)
{
    size_t before = reg.n_plugins;
    expect_refused("abi1.so", "built for plugin ABI 1; this wscheck (" WSC_VERSION
                              ") loads ABI 2: rebuild the plugin against its headers"
                              " (pkg-config wscheck)");
    expect_refused("newer-set.so", "built for a newer wscheck");
    expect_refused("newer-check.so", "check 'later' was built for a newer wscheck");
    CU_ASSERT_EQUAL(reg.n_plugins, before);

    char path[4200], *err = NULL;
    snprintf(path, sizeof(path), "%s/newer-zero.so", broken_dir);
    CU_ASSERT_EQUAL_FATAL(wsc_registry_load_file(&reg, path, &err), 0);
    CU_ASSERT_PTR_NULL(err);
    const struct wsc_loaded_check *c = wsc_registry_check(&reg, "newerzero", "second");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->check->summary, "outputs which=second");
    CU_ASSERT_EQUAL(reg.plugins[reg.n_plugins - 1].n_checks, 2);
}

static void test_loader_metrics(void)
{
    const struct wsc_loaded_check *c = wsc_registry_check(&reg, "testkit", "pass");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const struct wsc_metric_decl *m = wsc_registry_metric(c, "answer");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_STRING_EQUAL(m->unit, "count");
    CU_ASSERT_PTR_NULL(wsc_registry_metric(c, "question"));
    CU_ASSERT_PTR_NULL(
        wsc_registry_metric(wsc_registry_check(&reg, "testkit", "fail"), "answer"));
    CU_ASSERT_PTR_NULL(wsc_registry_metric(NULL, "answer"));
}

static void test_loader_lookup(void)
{
    CU_ASSERT_PTR_NOT_NULL(wsc_registry_check(&reg, "testkit", "pass"));
    CU_ASSERT_PTR_NULL(wsc_registry_check(&reg, "testkit", "nope"));
    CU_ASSERT_PTR_NULL(wsc_registry_check(&reg, "nope", "pass"));
    const struct wsc_loaded_check *c = wsc_registry_check(&reg, "testkit", "sleep");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(json_object_is_type(c->schema, json_type_object));
}

static CU_TestInfo runner_tests[] = {
    {"statuses and messages", test_statuses},
    {"a crash is an error naming the signal", test_crash_is_error},
    {"a hang is killed at the timeout", test_hang_is_killed},
    {"retries until pass, attempts counted", test_retries},
    {"interruption skips the rest", test_interruption},
    {"captures feed later tests", test_capture_and_vars},
    {"check-set variables and deferred params", test_setvar_and_deferred},
    {"fail-fast and tag selection", test_fail_fast_and_filters},
    {"secrets are redacted", test_secret_redacted},
    {"secret variables, captures and names, in later tests", test_secret_variables},
    {"a check's forked helper: passes, then killed", test_forked_helper},
    {"a check runs in its own process group", test_own_process_group},
    {"a secret that cannot be kept fails closed", test_secret_fails_closed},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo loader_tests[] = {
    {"bad plugins are refused, naming the file", test_loader_refusals},
    {"checks are found by name", test_loader_lookup},
    {"ABI 1 and newer plugins: refused or loaded by the growth rule", test_loader_abi},
    {"declared metrics are found by name", test_loader_metrics},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"runner", suite_init, suite_clean, NULL, NULL, runner_tests},
    {"loader", suite_init, suite_clean, NULL, NULL, loader_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
