/* testkit: checks with known behaviour, for testing the runner, the loader
 * and the reports (pass, fail, error, crash, hang, flaky, hostile text...). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wscheck/plugin.h>

/* ASan's allocator aborts rather than fail a malloc under RLIMIT_AS. */
#if defined(__SANITIZE_ADDRESS__)
#define TESTKIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESTKIT_ASAN 1
#endif
#endif

static const char *str_param(struct json_object *params, const char *key,
                             const char *dflt)
{
    struct json_object *v;
    return json_object_object_get_ex(params, key, &v) ? json_object_get_string(v) : dflt;
}

static void check_pass(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_metric(ctx, "answer", 42, "count");
    wsc_note(ctx, "all good");
}

static void check_fail(struct wsc_ctx *ctx, struct json_object *params)
{
    wsc_fail(ctx, "%s", str_param(params, "message", "failed on purpose"));
}

static void check_error(struct wsc_ctx *ctx, struct json_object *params)
{
    wsc_error(ctx, "%s", str_param(params, "message", "could not run"));
}

static void check_crash(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)ctx;
    const char *sig = str_param(params, "signal", "SEGV");
    raise(strcmp(sig, "ABRT") == 0 ? SIGABRT : SIGSEGV);
}

/* Ignores its deadline on purpose: the runner must kill it. */
static void check_hang(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)ctx;
    (void)params;
    for (;;)
        pause();
}

static void check_sleep(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *v;
    double s =
        json_object_object_get_ex(params, "seconds", &v) ? json_object_get_double(v) : 0;
    if (wsc_sleep(ctx, s) < 0)
        wsc_fail(ctx, "deadline reached before %.3f s", s);
}

/* Fails until it has run `fail_times` times, counting in a file. */
static void check_flaky(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *path = str_param(params, "counter_file", NULL);
    struct json_object *v;
    int fail_times =
        json_object_object_get_ex(params, "fail_times", &v) ? json_object_get_int(v) : 1;
    int count = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%d", &count) != 1)
            count = 0;
        fclose(f);
    }
    f = fopen(path, "w");
    if (!f) {
        wsc_error(ctx, "cannot write %s", path);
        return;
    }
    fprintf(f, "%d\n", count + 1);
    fclose(f);
    if (count < fail_times)
        wsc_fail(ctx, "attempt %d fails", count + 1);
}

static void check_output(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *v;
    if (json_object_object_get_ex(params, "value", &v))
        wsc_output(ctx, "value", json_object_get(v));
    wsc_output(ctx, "pid", json_object_new_int((int)getpid()));
}

static void check_hostile(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    static const char nasty[] =
        "<tag attr=\"x\"> & ]]> \x01\x02\x1b[31m \xff\xfe bad \xc3\x28 end";
    wsc_note(ctx, "server said: %s", nasty);
    wsc_output(ctx, "text", json_object_new_string(nasty));
    wsc_metric(ctx, "weird<&>", 1, "<unit>");
    wsc_trace(ctx, "recv", "text", nasty, sizeof(nasty) - 1);
    wsc_fail(ctx, "server sent: %s", nasty);
}

static void check_secret(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *token = str_param(params, "token", "");
    wsc_secret(ctx, token);
    wsc_trace(ctx, "send", "http", token, strlen(token));
    wsc_note(ctx, "sent Authorization: Bearer %s", token);
    wsc_fail(ctx, "rejected token %s", token);
}

static void check_setvar(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *v;
    if (json_object_object_get_ex(params, "value", &v))
        wsc_set_var(ctx, str_param(params, "name", "x"), json_object_get(v));
}

/* Expands deferred steps with the variables of the moment. */
static void check_deferred(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *steps;
    if (!json_object_object_get_ex(params, "steps", &steps))
        return;
    char *err = NULL;
    struct json_object *expanded = wsc_expand(ctx, steps, &err);
    if (!expanded) {
        wsc_fail(ctx, "%s", err ? err : "expand failed");
        free(err);
        return;
    }
    wsc_output(ctx, "steps", expanded);
}

static void check_match(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *expect = NULL, *actual = NULL;
    json_object_object_get_ex(params, "expect", &expect);
    json_object_object_get_ex(params, "actual", &actual);
    char *msg = NULL;
    if (!wsc_match(expect, actual, NULL, &msg))
        wsc_fail(ctx, "%s", msg ? msg : "mismatch");
    free(msg);
}

/* Passes with one warning per string of `warnings` (default: one). */
static void check_warn(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *list;
    if (!json_object_object_get_ex(params, "warnings", &list)) {
        wsc_warn(ctx, "the server did not send a close reason");
        return;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++)
        wsc_warn(ctx, "%s", json_object_get_string(json_object_array_get_idx(list, i)));
}

static enum wsc_case_status case_status(const char *name)
{
    if (strcmp(name, "failed") == 0)
        return WSC_CASE_FAILED;
    if (strcmp(name, "error") == 0)
        return WSC_CASE_ERROR;
    return strcmp(name, "skipped") == 0 ? WSC_CASE_SKIPPED : WSC_CASE_PASSED;
}

/* Reports `cases` ({"name": "status"} in order) as cases, each with a
 * message saying its status unless it passed; `fail` also fails the test
 * itself. */
static void check_cases(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *cases, *v;
    if (json_object_object_get_ex(params, "cases", &cases)) {
        double ms = 1;
        json_object_object_foreach(cases, name, status) {
            const char *st = json_object_get_string(status);
            enum wsc_case_status cs = case_status(st);
            if (cs == WSC_CASE_PASSED)
                wsc_case(ctx, name, cs, ms, NULL);
            else
                wsc_case(ctx, name, cs, ms, "case %s %s", name, st);
            ms *= 2;
        }
    }
    if (json_object_object_get_ex(params, "fail", &v))
        wsc_fail(ctx, "%s", json_object_get_string(v));
}

/* Writes "PID PGID" of the calling process to the file `pid_file`. */
static int record_pid(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *path = str_param(params, "pid_file", NULL);
    FILE *f = path ? fopen(path, "w") : NULL;
    if (!f) {
        wsc_error(ctx, "cannot write %s", path ? path : "(no pid_file)");
        return -1;
    }
    fprintf(f, "%d %d\n", (int)getpid(), (int)getpgid(0));
    return fclose(f) == 0 ? 0 : -1;
}

/* Records its pid and process group, then hangs like `hang`: for tests
 * that kill wscheck and look for the check afterwards. */
static void check_pids(struct wsc_ctx *ctx, struct json_object *params)
{
    if (record_pid(ctx, params) < 0)
        return;
    for (;;)
        pause();
}

/* Forks a helper that records its pid and sleeps forever, and passes once
 * the pid is recorded (not before: on a loaded machine the runner could
 * otherwise kill the helper before it ran, and the test would find no pid):
 * the helper holds the report pipe open. */
static void check_fork_helper(struct wsc_ctx *ctx, struct json_object *params)
{
    int ready[2];
    if (pipe(ready) < 0) {
        wsc_error(ctx, "pipe failed");
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(ready[0]);
        close(ready[1]);
        wsc_error(ctx, "fork failed");
        return;
    }
    if (pid == 0) {
        close(ready[0]);
        if (record_pid(ctx, params) < 0)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        close(ready[1]);
        for (;;)
            pause();
    }
    close(ready[1]);
    char byte;
    ssize_t n;
    while ((n = read(ready[0], &byte, 1)) < 0 && errno == EINTR)
        ;
    close(ready[0]);
    if (n != 1)
        wsc_error(ctx, "helper %d did not record its pid", (int)pid);
    else
        wsc_note(ctx, "helper %d started", (int)pid);
}

/* Registers a secret of `megabytes` MB while the address space is too
 * small to copy it, then fails with the secret in its message: nothing of
 * it may be reported. */
static void check_secret_oom(struct wsc_ctx *ctx, struct json_object *params)
{
#ifdef TESTKIT_ASAN
    (void)params;
    wsc_skip(ctx, "not under AddressSanitizer");
    return;
#endif
    struct json_object *v;
    size_t mb = json_object_object_get_ex(params, "megabytes", &v)
                    ? (size_t)json_object_get_int(v)
                    : 64;
    size_t len = mb << 20;
    char *secret = malloc(len + 1);
    struct rlimit old, low;
    if (!secret || getrlimit(RLIMIT_AS, &old) < 0) {
        free(secret);
        wsc_skip(ctx, "no memory for the test itself");
        return;
    }
    memset(secret, 'k', len);
    memcpy(secret, "TOPSECRET", 9);
    secret[len] = '\0';
    /* The process's size now (statm, in pages) and half a copy more. */
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld", &pages) != 1) {
        if (f)
            fclose(f);
        free(secret);
        wsc_skip(ctx, "no /proc/self/statm");
        return;
    }
    fclose(f);
    low = old;
    low.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + len / 2;
    if (setrlimit(RLIMIT_AS, &low) < 0) {
        free(secret);
        wsc_skip(ctx, "cannot lower RLIMIT_AS");
        return;
    }
    wsc_secret(ctx, secret);
    setrlimit(RLIMIT_AS, &old);
    wsc_note(ctx, "token %s", secret);
    wsc_output(ctx, "token", json_object_new_string(secret));
    wsc_fail(ctx, "rejected token %s", secret);
    free(secret);
}

static const struct wsc_metric_decl pass_metrics[] = {
    {.name = "answer", .unit = "count", .summary = "always 42"},
    {.name = NULL},
};

#define OBJ(props) "{\"type\":\"object\",\"properties\":{" props "}}"

static const struct wsc_check checks[] = {
    {.name = "pass",
     .summary = "always passes",
     .params_schema = OBJ(""),
     .run = check_pass,
     .metrics = pass_metrics},
    {.name = "fail",
     .summary = "always fails",
     .params_schema =
         OBJ("\"message\":{\"type\":\"string\",\"description\":\"failure message\"}"),
     .run = check_fail},
    {.name = "error",
     .summary = "always errors",
     .params_schema =
         OBJ("\"message\":{\"type\":\"string\",\"description\":\"error message\"}"),
     .run = check_error},
    {.name = "crash",
     .summary = "raises a signal",
     .params_schema = OBJ(
         "\"signal\":{\"type\":\"string\",\"enum\":[\"SEGV\",\"ABRT\"],\"default\":\"SEGV\",\"description\":\"signal\"}"),
     .run = check_crash},
    {.name = "hang",
     .summary = "never returns, ignoring the deadline",
     .params_schema = OBJ(""),
     .run = check_hang},
    {.name = "sleep",
     .summary = "sleeps, honouring the deadline",
     .params_schema = OBJ(
         "\"seconds\":{\"type\":\"number\",\"default\":0,\"description\":\"how long\"}"),
     .run = check_sleep},
    {.name = "flaky",
     .summary = "fails the first N times",
     .params_schema =
         "{\"type\":\"object\",\"required\":[\"counter_file\"],\"properties\":{\"counter_file\":{\"type\":\"string\",\"description\":\"counter\"},\"fail_times\":{\"type\":\"integer\",\"default\":1,\"description\":\"failures before passing\"}}}",
     .run = check_flaky},
    {.name = "output",
     .summary = "outputs its value",
     .params_schema = OBJ("\"value\":{\"description\":\"any value\"}"),
     .run = check_output},
    {.name = "hostile",
     .summary = "fails with hostile text",
     .params_schema = OBJ(""),
     .run = check_hostile},
    {.name = "secret",
     .summary = "leaks a secret that must be redacted",
     .params_schema = OBJ("\"token\":{\"type\":\"string\",\"description\":\"secret\"}"),
     .run = check_secret},
    {.name = "setvar",
     .summary = "sets a variable",
     .params_schema = OBJ(
         "\"name\":{\"type\":\"string\",\"description\":\"name\"},\"value\":{\"description\":\"value\"}"),
     .run = check_setvar},
    {.name = "deferred",
     .summary = "expands steps at run time",
     .params_schema = OBJ(
         "\"steps\":{\"type\":\"array\",\"x-wsc-deferred\":true,\"description\":\"steps\"}"),
     .run = check_deferred},
    {.name = "match",
     .summary = "matches actual against expect",
     .params_schema = OBJ(
         "\"expect\":{\"x-wsc-expect\":true,\"description\":\"matcher\"},\"actual\":{\"description\":\"value\"}"),
     .run = check_match},
    {.name = "warn",
     .summary = "passes with warnings",
     .params_schema = OBJ(
         "\"warnings\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"warning texts\"}"),
     .run = check_warn},
    {.name = "cases",
     .summary = "reports the cases its params list",
     .params_schema = OBJ(
         "\"cases\":{\"type\":\"object\",\"description\":\"case name: passed, failed, error or skipped\"},\"fail\":{\"type\":\"string\",\"description\":\"fails the test itself too\"}"),
     .run = check_cases,
     .flags = WSC_CHECK_CASES},
    {.name = "pids",
     .summary = "records its pid and process group to a file, then hangs",
     .params_schema =
         "{\"type\":\"object\",\"required\":[\"pid_file\"],\"properties\":{\"pid_file\":{\"type\":\"string\",\"description\":\"where to write PID PGID\"}}}",
     .run = check_pids},
    {.name = "fork_helper",
     .summary = "forks a helper that records its pid and sleeps; passes at once",
     .params_schema =
         "{\"type\":\"object\",\"required\":[\"pid_file\"],\"properties\":{\"pid_file\":{\"type\":\"string\",\"description\":\"where the helper writes PID PGID\"}}}",
     .run = check_fork_helper},
    {.name = "secret_oom",
     .summary = "registers a secret it has no memory to copy, then leaks it",
     .params_schema = OBJ(
         "\"megabytes\":{\"type\":\"integer\",\"default\":64,\"description\":\"size of the secret\"}"),
     .run = check_secret_oom},
    {.name = NULL},
};

WSC_PLUGIN("testkit", "1.0.0", "Checks with known behaviour, for wscheck's own tests",
           checks);
