/* The runner: every attempt of a test runs in a forked child that reports
 * back over a pipe; the parent enforces the deadline, survives crashes and
 * hangs, retries, captures outputs into variables, and keeps every result. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "context.h"
#include "json_util.h"
#include "child_report.h"
#include "thresholds.h"
#include "var_origin.h"
#include "result_redact.h"
#include "util.h"

/* A check gets this long past its deadline to report before it is killed:
 * checks honour the deadline themselves and their own message is better
 * than ours. A check that waited to its deadline still has to redact and
 * write its report (1,000 trace entries of a flooding server), which on a
 * loaded machine under sanitizers takes more than a quarter second. */
#define KILL_GRACE 1.0
#define MAX_REPORT (64u * 1024 * 1024)

int wsc_test_selected(const struct wsc_test *t, const struct wsc_run_options *o)
{
    int tag_ok = o->n_tags == 0, name_ok = o->n_filters == 0;
    if (t->other_shard)
        return 0;
    for (size_t i = 0; i < o->n_tags && !tag_ok; i++)
        for (size_t k = 0; k < t->n_tags && !tag_ok; k++)
            tag_ok = strcmp(o->tags[i], t->tags[k]) == 0;
    for (size_t i = 0; i < o->n_filters && !name_ok; i++)
        name_ok = fnmatch(o->filters[i], t->name, 0) == 0;
    return tag_ok && name_ok;
}

/* ---- the child ---------------------------------------------------------- */

static struct wsc_progress *progress_of(const struct wsc_run_options *o)
{
    return o->console ? o->console->progress : NULL;
}

/* --verbose lines of the check go to the console, labelled with the test. */
static void set_live_output(struct wsc_ctx *ctx, const struct wsc_run_options *o)
{
    if (!o->verbose || !o->console)
        return;
    const struct wsc_progress *p = progress_of(o);
    wsc_ctx_set_live(ctx, o->console->out ? o->console->out : stdout,
                     wsc_progress_label(p), wsc_progress_live(p));
}

/* What one attempt needs besides the check and its params. */
struct attempt_env {
    double timeout;
    const struct wsc_vars *vars;
    const struct wsc_redactor *red; /* the run's names and secrets */
};

static struct json_object *run_check(const struct wsc_loaded_check *lc,
                                     struct json_object *params,
                                     const struct attempt_env *env,
                                     const struct wsc_run_options *o)
{
    /* No context without its redactor: the child then reports nothing and
     * the test is an error (fail closed). */
    struct wsc_ctx *ctx =
        wsc_ctx_new_redacting(env->timeout, env->vars, o->verbose, env->red);
    if (!ctx)
        return NULL;
    set_live_output(ctx, o);
    lc->check->run(ctx, params);
    struct json_object *report = wsc_ctx_to_json(ctx);
    wsc_ctx_free(ctx);
    return report;
}

void wsc_die_with_parent(pid_t parent, int sig)
{
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, sig) < 0)
        return;
#else
    (void)sig;
#endif
    /* The parent may have died before the request took effect. */
    if (getppid() != parent)
        _exit(70);
}

static void child_main(int fd, pid_t parent, const struct wsc_loaded_check *lc,
                       struct json_object *params, const struct attempt_env *env,
                       const struct wsc_run_options *o)
{
    /* Its own process group, so that the runner can kill the check with
     * every process it started; and it dies with the runner. */
    setpgid(0, 0);
    wsc_die_with_parent(parent, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    struct json_object *report = run_check(lc, params, env, o);
    if (report) {
        const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN);
        wsc_write_all(fd, text, strlen(text));
        json_object_put(report);
    }
    close(fd);
    /* _exit: the parent's atexit handlers and stdio buffers are not ours. */
    _exit(report ? 0 : 70);
}

/* ---- the parent ---------------------------------------------------------- */

struct attempt {
    struct wsc_buf report;
    int timed_out;
    int interrupted;
    int status; /* waitpid status */
};

static int is_interrupted(const struct wsc_run_options *o)
{
    return o->interrupted && *o->interrupted;
}

/* Reads what is in the pipe now; 1 at EOF or on an error. */
static int read_available(int fd, struct attempt *a)
{
    char chunk[16384];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n > 0) {
            if (a->report.len + (size_t)n <= MAX_REPORT)
                wsc_buf_append(&a->report, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n == 0 || errno != EAGAIN;
    }
}

/* Collects the child's report until it exits (not until EOF: a helper it
 * forked may hold the pipe open), the deadline or an interruption; then
 * kills its process group, helpers included. */
static void supervise(pid_t pid, int fd, double kill_at, const struct wsc_run_options *o,
                      struct attempt *a)
{
    int eof = 0;
    for (;;) {
        /* WNOWAIT: the exited check stays a zombie, so its pid (and group
         * id) cannot be reused before its group is killed below. */
        siginfo_t info = {0};
        int w = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
        if ((w == 0 && info.si_pid == pid) || (w < 0 && errno != EINTR))
            break;
        wsc_progress_tick(progress_of(o));
        double left = kill_at - wsc_now();
        if (left <= 0 || is_interrupted(o)) {
            a->interrupted = is_interrupted(o);
            a->timed_out = !a->interrupted;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        /* After EOF the child is about to exit: look again soon. */
        struct pollfd p = {eof ? -1 : fd, POLLIN, 0};
        int ms = eof ? 2 : left > 0.1 ? 100 : (int)(left * 1000) + 1;
        int r = poll(&p, 1, ms);
        if (r > 0 && !eof)
            eof = read_available(fd, a);
    }
    if (!eof)
        read_available(fd, a); /* what it wrote before exiting */
    kill(-pid, SIGKILL);
    while (waitpid(pid, &a->status, 0) < 0 && errno == EINTR)
        ;
}

static void set_message(struct wsc_result *r, enum wsc_status st, char *msg)
{
    r->status = st;
    free(r->message);
    r->message = msg;
}

/* Turns the way the child ended into a result. */
static void conclude(struct attempt *a, double timeout, struct wsc_result *r,
                     struct json_object **report)
{
    *report = NULL;
    if (a->interrupted) {
        set_message(r, WSC_SKIPPED, strdup("interrupted"));
        return;
    }
    if (a->timed_out) {
        set_message(r, WSC_FAILED, wsc_strdup_printf("timed out after %g s", timeout));
        return;
    }
    if (WIFSIGNALED(a->status)) {
        int sig = WTERMSIG(a->status);
        set_message(
            r, WSC_ERROR,
            wsc_strdup_printf("check crashed: signal %d (%s)", sig, strsignal(sig)));
        return;
    }
    const char *why = NULL;
    *report = wsc_json_parse_report(a->report.data, a->report.len, &why);
    if (!*report || wsc_ctx_report_to_result(*report, r, NULL) < 0) {
        int code = WIFEXITED(a->status) ? WEXITSTATUS(a->status) : -1;
        /* a report too deep to read is the one reason worth naming */
        int deep = !*report && strncmp(why, "nested", 6) == 0;
        set_message(r, WSC_ERROR,
                    wsc_strdup_printf("check ended (exit status %d) without a valid "
                                      "result%s%s",
                                      code, deep ? ": its report is " : "",
                                      deep ? why : ""));
        json_object_put(*report);
        *report = NULL;
    }
}

static int run_attempt_forked(const struct wsc_loaded_check *lc,
                              struct json_object *params, const struct attempt_env *env,
                              const struct wsc_run_options *o, struct wsc_result *r,
                              struct json_object **report)
{
    double timeout = env->timeout;
    int fds[2];
    /* Close-on-exec: a program the check runs must not hold the pipe. */
    if (pipe2(fds, O_CLOEXEC) < 0) {
        set_message(r, WSC_ERROR, wsc_strdup_printf("pipe: %s", strerror(errno)));
        return -1;
    }
    fflush(NULL);
    double started = wsc_now();
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        set_message(r, WSC_ERROR, wsc_strdup_printf("fork: %s", strerror(errno)));
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], parent, lc, params, env, o);
    }
    /* Both sides set the group: whichever runs first, a kill of the group
     * reaches the check. */
    setpgid(pid, pid);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    struct attempt a = {0};
    supervise(pid, fds[0], started + timeout + KILL_GRACE, o, &a);
    close(fds[0]);
    conclude(&a, timeout, r, report);
    wsc_buf_free(&a.report);
    return 0;
}

static int run_attempt(const struct wsc_loaded_check *lc, struct json_object *params,
                       const struct attempt_env *env, const struct wsc_run_options *o,
                       struct wsc_result *r, struct json_object **report)
{
    if (!o->no_fork)
        return run_attempt_forked(lc, params, env, o, r, report);
    *report = run_check(lc, params, env, o);
    if (!*report || wsc_ctx_report_to_result(*report, r, NULL) < 0) {
        set_message(r, WSC_ERROR, strdup("check produced no result"));
        json_object_put(*report);
        *report = NULL;
    }
    return 0;
}

/* ---- one test -------------------------------------------------------------- */

/* Variables set by the check and the test's capture pointers. A capture
 * that points at nothing fails the test: later tests depend on it. */
static void apply_captures(const struct wsc_test *t, struct json_object *report,
                           struct wsc_vars *vars, struct wsc_result *r)
{
    struct json_object *set;
    if (report && json_object_object_get_ex(report, "vars", &set) &&
        json_object_is_type(set, json_type_object)) {
        json_object_object_foreach(set, name, val)
            wsc_vars_set(vars, WSC_VARS_CAPTURE, name, json_object_get(val));
    }
    if (!t->capture || r->status != WSC_PASSED)
        return;
    /* the outputs as the check made them: the result's are redacted */
    struct json_object *raw = NULL;
    if (!report || !json_object_object_get_ex(report, "raw_outputs", &raw))
        raw = r->outputs;
    char *err = NULL;
    if (wsc_scenario_capture(t, raw, vars, &err) < 0)
        set_message(r, WSC_FAILED, err ? err : strdup("capture failed"));
    else
        free(err);
}

/* expect_metrics, its variables expanded now (a bound may be a capture). */
static void apply_thresholds(const struct wsc_test *t, const struct wsc_vars *vars,
                             struct wsc_result *r)
{
    char *err = NULL;
    struct json_object *em = NULL;
    if (!t->expect_metrics || (r->status != WSC_PASSED && r->status != WSC_FAILED))
        return;
    if (!(em = wsc_vars_expand(vars, t->expect_metrics, &err))) {
        set_message(r, WSC_ERROR,
                    wsc_strdup_printf("expect_metrics: %s", err ? err : "out of memory"));
    } else if (wsc_thresholds_apply(em, r) < 0) {
        set_message(r, WSC_ERROR, strdup("out of memory (expect_metrics)"));
    }
    free(err);
    json_object_put(em);
}

/* --strict: a test that passed with warnings fails, its message listing them. */
static void apply_strict(const struct wsc_run_options *o, struct wsc_result *r)
{
    if (!o->strict || !r->n_warnings || r->status != WSC_PASSED)
        return;
    struct wsc_buf b = {0};
    wsc_buf_puts(&b,
                 r->n_warnings == 1 ? "warning (--strict): " : "warnings (--strict): ");
    for (size_t i = 0; i < r->n_warnings; i++)
        wsc_buf_printf(&b, "%s%s", i ? "; " : "", r->warnings[i]);
    char *msg = wsc_buf_take(&b);
    wsc_buf_free(&b);
    set_message(r, WSC_FAILED, msg ? msg : strdup("warnings (--strict)"));
}

static void sleep_interruptible(double seconds, const struct wsc_run_options *o)
{
    double until = wsc_now() + seconds;
    while (!is_interrupted(o) && wsc_now() < until) {
        wsc_progress_tick(progress_of(o));
        poll(NULL, 0, 20);
    }
}

static int init_result(struct wsc_result *r, const struct wsc_test *t)
{
    memset(r, 0, sizeof(*r));
    r->name = strdup(t->name);
    r->plugin = strdup(t->plugin);
    r->check = strdup(t->check);
    r->index = t->index;
    r->started = wsc_wallclock();
    return r->name && r->plugin && r->check ? 0 : -1;
}

/* Keeps the attempt's outcome for the reports (a flaky test shows the
 * attempts that failed); without memory for it the test is an error, as a
 * report that hid a failed attempt would claim a clean pass. */
static void record_attempt(struct wsc_result *r, double seconds)
{
    if (wsc_result_add_attempt(r, r->status, seconds, r->message) < 0)
        set_message(r, WSC_ERROR, strdup("out of memory recording an attempt"));
}

/* The status line names the running test: redacted, as a quick check's
 * name holds its URL (and a password there). */
static void begin_progress(const struct wsc_run_options *o,
                           const struct wsc_redactor *red, const struct wsc_scenario *sc,
                           const struct wsc_test *t)
{
    struct wsc_progress *p = progress_of(o);
    if (!p)
        return;
    char *suite = wsc_redactor_text(red, sc->name ? sc->name : "");
    char *test = wsc_redactor_text(red, t->name ? t->name : "");
    wsc_progress_begin(p, suite ? suite : "(name withheld)",
                       test ? test : "(name withheld)");
    free(suite);
    free(test);
}

/* The secrets an attempt revealed (registered by the check, or captured
 * into secret variables) are redacted from here on, in later tests too. */
static void learn_secrets(struct wsc_redactor *red, const struct json_object *report,
                          const struct wsc_vars *vars, struct wsc_result *r)
{
    if (wsc_redactor_add_report_secrets(red, report) < 0 ||
        wsc_redactor_add_var_secrets(red, vars) < 0) {
        wsc_result_clear_attempt(r);
        set_message(r, WSC_ERROR,
                    strdup("out of memory registering a secret: the result is withheld"));
    }
}

static void run_test(const struct wsc_test *t, const struct wsc_registry *reg,
                     const struct wsc_run_options *o, struct wsc_vars *vars,
                     struct wsc_redactor *red, struct wsc_result *r)
{
    double t0 = wsc_now();
    const struct wsc_loaded_check *lc = wsc_registry_check(reg, t->plugin, t->check);
    double timeout = o->timeout > 0 ? o->timeout : t->timeout;
    int retries = o->retries >= 0 ? o->retries : t->retries;
    if (t->skip) {
        set_message(r, WSC_SKIPPED, strdup(t->skip));
        return;
    }
    if (is_interrupted(o)) {
        set_message(r, WSC_SKIPPED, strdup("interrupted"));
        return;
    }
    if (!lc) {
        set_message(r, WSC_ERROR,
                    wsc_strdup_printf("no check %s.%s", t->plugin, t->check));
        return;
    }
    for (int attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0)
            sleep_interruptible(t->retry_delay, o);
        if (is_interrupted(o) && attempt > 0)
            break;
        wsc_result_clear_attempt(r); /* a retry starts clean */
        r->attempts = attempt + 1;
        double a0 = wsc_now();
        char *err = NULL;
        struct json_object *params = wsc_scenario_test_params(t, lc->schema, vars, &err);
        struct json_object *report = NULL;
        if (!params)
            set_message(r, WSC_ERROR, err ? err : strdup("out of memory"));
        else
            run_attempt(lc, params, &(struct attempt_env){timeout, vars, red}, o, r,
                        &report);
        apply_thresholds(t, vars, r);
        apply_strict(o, r);
        apply_captures(t, report, vars, r);
        learn_secrets(red, report, vars, r);
        json_object_put(report);
        json_object_put(params);
        record_attempt(r, wsc_now() - a0);
        if (r->status != WSC_FAILED && r->status != WSC_ERROR)
            break;
    }
    if (r->status == WSC_PASSED || r->status == WSC_SKIPPED) {
        json_object_put(r->trace); /* traces are kept for failed tests only */
        r->trace = NULL;
    }
    r->duration = wsc_now() - t0;
}

static int redact_name(char **name, const struct wsc_redactor *red)
{
    char *safe = wsc_redactor_text(red, *name);
    if (!safe)
        return -1;
    free(*name);
    *name = safe;
    return 0;
}

static int is_bad(enum wsc_status st)
{
    return st == WSC_FAILED || st == WSC_ERROR;
}

/* ---- undefined variables explained ------------------------------------------ */

struct origin_arg {
    const struct wsc_run_options *o;
    const struct wsc_suite_result *out;
};

static int origin_status(const struct wsc_test *capturer, void *arg, enum wsc_status *st)
{
    const struct origin_arg *a = arg;
    if (!wsc_test_selected(capturer, a->o))
        return 0;
    for (size_t i = 0; i < a->out->n_tests; i++)
        if (strcmp(a->out->tests[i].name, capturer->name) == 0) {
            *st = a->out->tests[i].status;
            return 1;
        }
    return -1;
}

/* An "undefined variable 'x'" in a failed or errored test's message says
 * what became of the test that captures x. */
static void explain_undefined(const struct wsc_scenario *sc, const struct wsc_test *t,
                              const struct wsc_run_options *o,
                              const struct wsc_suite_result *out, struct wsc_result *r)
{
    struct origin_arg a = {o, out};
    if (!is_bad(r->status))
        return;
    char *why = wsc_explain_undefined(sc, t, r->message, origin_status, &a);
    if (why) {
        free(r->message);
        r->message = why;
    }
}

int wsc_run_scenario(const struct wsc_scenario *sc, const struct wsc_registry *reg,
                     const struct wsc_run_options *o, struct wsc_suite_result *out,
                     struct wsc_diag *diag)
{
    memset(out, 0, sizeof(*out));
    out->name = strdup(sc->name);
    out->file = strdup(sc->file);
    char host[256] = "localhost";
    if (gethostname(host, sizeof(host) - 1) < 0)
        strcpy(host, "localhost");
    out->hostname = strdup(host);
    out->started = wsc_wallclock();
    out->tests = calloc(sc->n_tests ? sc->n_tests : 1, sizeof(*out->tests));
    struct wsc_vars *vars = wsc_scenario_vars(sc, o->cli_vars, diag);
    struct wsc_redactor *red = wsc_scenario_redactor(sc, o->redactor);
    if (!out->name || !out->file || !out->hostname || !out->tests || !vars || !red ||
        wsc_redactor_add_var_secrets(red, vars) < 0 || redact_name(&out->name, red) < 0) {
        if (vars)
            wsc_vars_free(vars);
        wsc_redactor_free(red);
        return -1;
    }
    double t0 = wsc_now();
    int stop = o->skip_all;
    for (size_t i = 0; i < sc->n_tests; i++) {
        const struct wsc_test *t = &sc->tests[i];
        if (!wsc_test_selected(t, o))
            continue;
        struct wsc_result *r = &out->tests[out->n_tests];
        stop = stop || (o->stop && *o->stop);
        if (init_result(r, t) < 0) {
            wsc_result_clear(r);
            break;
        }
        out->n_tests++;
        if (stop)
            set_message(r, WSC_SKIPPED,
                        strdup("not run: an earlier test failed (--fail-fast)"));
        else {
            begin_progress(o, red, sc, t);
            run_test(t, reg, o, vars, red, r);
        }
        explain_undefined(sc, t, o, out, r);
        /* the result boundary: no reporter sees a secret */
        wsc_result_redact(r, red);
        wsc_progress_end(progress_of(o), r);
        if (o->on_result)
            o->on_result(t, r, o->on_result_arg);
        if (o->console)
            wsc_console_test(o->console, out, r);
        stop = stop || (o->fail_fast && is_bad(r->status));
    }
    out->duration = wsc_now() - t0;
    wsc_vars_free(vars);
    wsc_redactor_free(red);
    return 0;
}
