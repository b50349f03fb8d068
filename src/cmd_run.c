/* `wscheck run` and `wscheck validate`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "config_file.h"
#include "json_util.h"
#include "results_log.h"
#include "nagios.h"
#include "selection.h"
#include "util.h"

static const char run_usage[] =
    "Usage: wscheck run [OPTIONS] SCENARIO...\n"
    "\n"
    "Run scenario files and report the results.\n"
    "\n"
    "  --junit FILE          write a JUnit XML report ('-': stdout)\n"
    "  --junit-flaky FORM    how JUnit shows the failed attempts of retried\n"
    "                        tests: 'portable' (default; in <system-err>, valid\n"
    "                        on the Ant and Jenkins schemas) or 'surefire'\n"
    "                        (also flakyFailure/rerunFailure elements, which\n"
    "                        Jenkins shows; not valid on the Ant schema)\n"
    "  --json FILE           write a JSON report ('-': stdout)\n"
    "  --tap FILE            write a TAP report ('-': stdout)\n"
    "                        (with a report on stdout, the console goes to stderr)\n"
    "  --store-results FILE  append the results to FILE as JSON lines (the\n"
    "                        results log of wscheck-monitor(1))\n"
    "  --shard I/N           run only shard I (1-based) of N: a stable split of\n"
    "                        the selected tests for N CI jobs (merge the JSON\n"
    "                        reports with 'wscheck merge')\n"
    "  --var NAME=VALUE      set a variable, overriding the file (repeatable;\n"
    "                        one that no test uses is an error)\n"
    "  --vars-file FILE      set the variables of a JSON object, overriding the\n"
    "                        file (repeatable, a later file wins; --var wins)\n"
    "  --config FILE         the configuration file (default: ./wscheck.json,\n"
    "                        else $XDG_CONFIG_HOME/wscheck/config.json)\n"
    "  --secret NAME         the value of variable NAME (a --var, a file var,\n"
    "                        a capture, else the environment variable NAME)\n"
    "                        is a secret: \"***\" in every output (repeatable)\n"
    "  --secret-name NAME    values named NAME (JSON members, query and form\n"
    "                        parameters, headers) are secret too (repeatable)\n"
    "  --tag TAG             run only tests with this tag (repeatable)\n"
    "  --filter GLOB         run only tests whose name matches (repeatable;\n"
    "                        selecting no test at all is an error)\n"
    "  --timeout S           timeout of every test, in seconds (over the\n"
    "                        test's, the file's defaults, WSCHECK_TIMEOUT and\n"
    "                        the configuration file's)\n"
    "  --retries N           retries of every failed test (same order,\n"
    "                        WSCHECK_RETRIES)\n"
    "  --plugin-path DIR     look for plugins in DIR first (repeatable)\n"
    "  --jobs N              run N scenario files in parallel (default 1)\n"
    "  --fail-fast           stop after the first failed test (every file)\n"
    "  --strict              a test that passed with warnings fails\n"
    "  --quiet               print only failures and the summary\n"
    "  -v, --verbose         also print metrics, notes and debug lines, each\n"
    "                        labelled with its test; twice (-vv): also every\n"
    "                        frame as it is sent or received\n"
    "  --color WHEN          colours: auto (on a terminal, unless NO_COLOR;\n"
    "                        FORCE_COLOR forces them), always or never\n"
    "  --no-color            same as --color never\n"
    "  --progress WHEN       status line of the running tests: auto (on a\n"
    "                        terminal; elsewhere a line for a test still\n"
    "                        running after 30 s), always or never\n"
    "  --nagios              Nagios plugin output: a status line with performance\n"
    "                        data, a line per failure; exit 0 OK, 1 WARNING (a\n"
    "                        flaky pass or a warning), 2 CRITICAL (a failure),\n"
    "                        3 UNKNOWN (usage or scenario error, nothing run)\n"
    "  --no-fork             run checks inside wscheck, without isolation\n"
    "                        (debugging and benchmarks only)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 all passed or skipped, 1 a test failed or errored,\n"
    "2 usage or scenario error, a selection of no test or an unused --var\n"
    "(nothing run), 3 internal error (report not written, no plugins),\n"
    "129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM (reports written).\n";

static const char validate_usage[] =
    "Usage: wscheck validate [--plugin-path DIR] [--var NAME=VALUE] [--timeout S]\n"
    "                        [--vars-file FILE] [--config FILE] SCENARIO...\n"
    "\n"
    "Check scenario files without running anything: JSON syntax, plugins and\n"
    "checks, params against each check's schema, variables, expectations, and\n"
    "what each check's own validation finds (conversation steps, ...). Every\n"
    "problem of every file is printed, as FILE:LINE:COL: message, with a\n"
    "suggestion for a misspelt name: (did you mean 'port'?).\n"
    "\n"
    "  --var NAME=VALUE      set a variable (repeatable; one that no test uses\n"
    "                        is an error)\n"
    "  --vars-file FILE      set the variables of a JSON object (repeatable)\n"
    "  --config FILE         the configuration file (also checked)\n"
    "  --timeout S           compare durations with this timeout instead of\n"
    "                        each test's\n"
    "  --plugin-path DIR     look for plugins in DIR first (repeatable)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 every file is valid, 2 a file has errors, 3 internal error.\n";

enum {
    OPT_JUNIT = 256,
    OPT_JSON,
    OPT_VAR,
    OPT_TAG,
    OPT_FILTER,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_PLUGIN_PATH,
    OPT_JOBS,
    OPT_FAIL_FAST,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_NO_COLOR,
    OPT_NO_FORK,
    OPT_STRICT,
    OPT_TAP,
    OPT_SHARD,
    OPT_COLOR,
    OPT_PROGRESS,
    OPT_JUNIT_FLAKY,
    OPT_SECRET,
    OPT_SECRET_NAME,
    OPT_CONFIG,
    OPT_VARS_FILE,
    OPT_STORE_RESULTS,
    OPT_NAGIOS
};

static const struct option run_options[] = {
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"tap", required_argument, NULL, OPT_TAP},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"junit-flaky", required_argument, NULL, OPT_JUNIT_FLAKY},
    {"var", required_argument, NULL, OPT_VAR},
    {"tag", required_argument, NULL, OPT_TAG},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"color", required_argument, NULL, OPT_COLOR},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"no-fork", no_argument, NULL, OPT_NO_FORK},
    {"secret", required_argument, NULL, OPT_SECRET},
    {"secret-name", required_argument, NULL, OPT_SECRET_NAME},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"vars-file", required_argument, NULL, OPT_VARS_FILE},
    {"store-results", required_argument, NULL, OPT_STORE_RESULTS},
    {"nagios", no_argument, NULL, OPT_NAGIOS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int wsc_parse_var(struct wsc_vars *vars, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return -1;
    char *name = strndup(assignment, (size_t)(eq - assignment));
    if (!name)
        return -1;
    /* The rule of the file's vars: a --var no ${...} could name is a typo. */
    if (!wsc_var_name_valid(name)) {
        free(name);
        return -2;
    }
    wsc_vars_set(vars, WSC_VARS_CLI, name, json_object_new_string(eq + 1));
    free(name);
    return 0;
}

static int parse_number(const char *s, double min, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < min)
        return -1;
    *out = v;
    return 0;
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "wscheck: %s%s%s\nTry 'wscheck run --help'.\n", what, arg ? " " : "",
            arg ? arg : "");
    return WSC_EXIT_USAGE;
}

static int parse_number_option(int opt, const char *arg, struct wsc_run_config *cfg)
{
    double v;
    if (parse_number(arg, opt == OPT_TIMEOUT ? 0.001 : 0, &v) < 0 ||
        (opt != OPT_TIMEOUT && v != (double)(long)v) || (opt == OPT_JOBS && v < 1))
        return usage_error("invalid number:", arg);
    if (opt == OPT_TIMEOUT)
        cfg->opts.timeout = v;
    else if (opt == OPT_RETRIES)
        cfg->opts.retries = (int)v;
    else
        cfg->jobs = (int)v;
    return 0;
}

/* --color WHEN, --progress WHEN */
static int parse_when(int opt, const char *arg, struct wsc_console *c)
{
    enum wsc_when when;
    if (wsc_when_parse(arg, &when) < 0)
        return usage_error(opt == OPT_COLOR
                               ? "--color must be auto, always or never, got:"
                               : "--progress must be auto, always or never, got:",
                           arg);
    if (opt == OPT_COLOR)
        c->color_mode = when;
    else
        c->progress_mode = when;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse_run_args(int argc, char **argv, struct wsc_run_config *cfg, int validate,
                          int *no_color, int *quiet, int *verbose)
{
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":hv", run_options, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case OPT_JUNIT:
            cfg->junit_path = optarg;
            break;
        case OPT_JSON:
            cfg->json_path = optarg;
            break;
        case OPT_TAP:
            cfg->tap_path = optarg;
            break;
        case OPT_STORE_RESULTS:
            cfg->store_results_path = optarg;
            break;
        case OPT_SHARD:
            if (wsc_shard_parse(optarg, &cfg->shard) < 0)
                return usage_error("--shard needs I/N with 1 <= I <= N, got:", optarg);
            break;
        case OPT_JUNIT_FLAKY:
            if (strcmp(optarg, "portable") == 0)
                cfg->junit.flaky = WSC_JUNIT_FLAKY_PORTABLE;
            else if (strcmp(optarg, "surefire") == 0)
                cfg->junit.flaky = WSC_JUNIT_FLAKY_SUREFIRE;
            else
                return usage_error("--junit-flaky: expected 'portable' or 'surefire', "
                                   "got:",
                                   optarg);
            break;
        case OPT_VAR:
            if ((rc = wsc_parse_var(cfg->cli_vars, optarg)) == -2)
                return usage_error("--var: invalid variable name (letters, digits, "
                                   "'_' and '-', not starting with a digit or '-'):",
                                   optarg);
            if (rc < 0)
                return usage_error("--var needs NAME=VALUE, got:", optarg);
            break;
        case OPT_SECRET:
            if (!wsc_var_name_valid(optarg))
                return usage_error("--secret: invalid variable name:", optarg);
            rc = wsc_vars_mark_secret(cfg->cli_vars, optarg);
            break;
        case OPT_SECRET_NAME:
            if (!*optarg)
                return usage_error("--secret-name needs a name", NULL);
            rc = wsc_redactor_add_name(cfg->redactor, optarg);
            break;
        case OPT_CONFIG:
            cfg->config_path = optarg;
            break;
        case OPT_VARS_FILE:
            rc = wsc_strv_push(&cfg->vars_files, &cfg->n_vars_files, optarg);
            break;
        case OPT_TAG:
            rc = wsc_strv_push(&cfg->opts.tags, &cfg->opts.n_tags, optarg);
            break;
        case OPT_FILTER:
            rc = wsc_strv_push(&cfg->opts.filters, &cfg->opts.n_filters, optarg);
            break;
        case OPT_PLUGIN_PATH:
            rc = wsc_strv_push(&cfg->plugin_paths, &cfg->n_plugin_paths, optarg);
            break;
        case OPT_TIMEOUT:
        case OPT_RETRIES:
        case OPT_JOBS:
            if ((rc = parse_number_option(opt, optarg, cfg)) != 0)
                return rc;
            break;
        case OPT_FAIL_FAST:
            cfg->opts.fail_fast = 1;
            break;
        case OPT_STRICT:
            cfg->opts.strict = 1;
            break;
        case OPT_QUIET:
            *quiet = 1;
            break;
        case OPT_VERBOSE:
        case 'v':
            (*verbose)++;
            break;
        case OPT_NO_COLOR:
            *no_color = 1;
            break;
        case OPT_COLOR:
        case OPT_PROGRESS:
            if ((rc = parse_when(opt, optarg, &cfg->console)) != 0)
                return rc;
            break;
        case OPT_NO_FORK:
            cfg->opts.no_fork = 1;
            break;
        case OPT_NAGIOS:
            if (validate)
                return usage_error("--nagios is an option of 'wscheck run'", NULL);
            break; /* seen by nagios_mode() */
        case 'h':
            fputs(validate ? validate_usage : run_usage, stdout);
            return WSC_EXIT_OK;
        default:
            return wsc_option_error(validate ? "validate" : "run", opt, argv,
                                    run_options);
        }
        if (rc < 0)
            return WSC_EXIT_INTERNAL;
    }
    if (optind >= argc)
        return usage_error("no scenario file given", NULL);
    if (cfg->nagios &&
        (wsc_report_is_stdout(cfg->junit_path) || wsc_report_is_stdout(cfg->json_path) ||
         wsc_report_is_stdout(cfg->tap_path)))
        return usage_error("--nagios prints on standard output: write reports to files",
                           NULL);
    return -1;
}

void wsc_console_setup(struct wsc_console *c, int no_color, int quiet, int verbose)
{
    c->out = stdout;
    if (no_color)
        c->color_mode = WSC_WHEN_NEVER;
    c->quiet = quiet;
    c->verbose = verbose;
}

/* ---- reports ----------------------------------------------------------- */

/* Fails before anything runs when a report could never be written: the
 * directory of a file to be replaced must be writable. What is written
 * through (standard output, a device, a FIFO) is opened at the end. */
static int check_report_dir(const char *path)
{
    char *target = NULL;
    if (!path || wsc_report_target(path, &target) == WSC_REPORT_THROUGH)
        return 0;
    char *copy = strdup(target ? target : path);
    free(target);
    if (!copy)
        return -1;
    const char *dir = dirname(copy);
    int ok = access(dir, W_OK | X_OK) == 0;
    if (!ok)
        fprintf(stderr, "wscheck: cannot write %s: %s\n", path, strerror(errno));
    free(copy);
    return ok ? 0 : -1;
}

static int write_reports(const struct wsc_run_config *cfg,
                         const struct wsc_run_result *rr)
{
    int status = 0;
    char *err = NULL;
    if (cfg->junit_path &&
        wsc_junit_write_with(cfg->junit_path, rr, &cfg->junit, &err) < 0) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write the JUnit report");
        status = -1;
    }
    free(err);
    err = NULL;
    if (cfg->json_path && wsc_json_report_write(cfg->json_path, rr, &err) < 0) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write the JSON report");
        status = -1;
    }
    free(err);
    err = NULL;
    if (cfg->tap_path && wsc_tap_write(cfg->tap_path, rr, &err) < 0) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write the TAP report");
        status = -1;
    }
    free(err);
    return status;
}

/* --store-results: opened before anything runs, so that a path that
 * cannot be written stops the run at once. */
static struct wsc_results_log *open_store(const char *path)
{
    char *err = NULL;
    struct wsc_results_log *l = wsc_results_log_open(path, &err);
    if (!l)
        fprintf(stderr, "wscheck: %s\n", err ? err : "out of memory");
    free(err);
    return l;
}

/* Appends every suite's lines ("source":"run") and closes the log. */
static int store_results(struct wsc_results_log *l, struct wsc_scenario **scs, size_t n,
                         const struct wsc_run_config *cfg,
                         const struct wsc_run_result *rr)
{
    char *err = NULL;
    int rc = 0;
    for (size_t i = 0; i < rr->n_suites && i < n && rc == 0; i++) {
        char **servers = wsc_scenario_servers(scs[i], cfg->cli_vars, cfg->redactor);
        rc = wsc_results_log_suite(l, "run", 0, &rr->suites[i], servers,
                                   servers ? scs[i]->n_tests : 0, &err);
        wsc_servers_free(servers, servers ? scs[i]->n_tests : 0);
    }
    if (rc == 0)
        rc = wsc_results_log_sync(l, &err);
    if (rc < 0)
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot store the results");
    free(err);
    wsc_results_log_close(l);
    return rc;
}

/* ---- signals ------------------------------------------------------------- */

/* The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP), and, with
 * --jobs, the --fail-fast stop: in the parent "a worker failed", in a
 * worker "stop starting tests". Both are inherited by workers. */
static volatile sig_atomic_t interrupted, fail_fast_stop;

static void on_signal(int sig)
{
    interrupted = sig;
}

static void on_fail_fast(int sig)
{
    (void)sig;
    fail_fast_stop = 1;
}

/* No SA_RESTART: a blocking call returns EINTR so the flag is seen. A
 * closed standard output (`wscheck run ... | head -1`) must not kill the
 * run before its reports are written: SIGPIPE is ignored. */
static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_fail_fast;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* ---- parallel scenario files (--jobs) -------------------------------------- */

static struct json_object *suite_to_json(const struct wsc_suite_result *s)
{
    struct json_object *o = json_object_new_object(), *tests = json_object_new_array();
    if (!o || !tests) {
        json_object_put(o);
        json_object_put(tests);
        return NULL;
    }
    json_object_object_add(o, "started", json_object_new_double(s->started));
    json_object_object_add(o, "duration", json_object_new_double(s->duration));
    for (size_t i = 0; i < s->n_tests; i++)
        json_object_array_add(tests, wsc_result_to_json(&s->tests[i]));
    json_object_object_add(o, "tests", tests);
    return o;
}

static int suite_from_json(const struct json_object *j, struct wsc_suite_result *s)
{
    struct json_object *v, *tests;
    if (!json_object_object_get_ex(j, "tests", &tests) ||
        !json_object_is_type(tests, json_type_array))
        return -1;
    if (json_object_object_get_ex(j, "started", &v))
        s->started = json_object_get_double(v);
    if (json_object_object_get_ex(j, "duration", &v))
        s->duration = json_object_get_double(v);
    size_t n = json_object_array_length(tests);
    s->tests = calloc(n ? n : 1, sizeof(*s->tests));
    if (!s->tests)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (wsc_result_from_json(&s->tests[i], json_object_array_get_idx(tests, i)) < 0)
            return -1;
        s->n_tests++;
    }
    return 0;
}

struct worker {
    pid_t pid;
    int fd; /* -1 once read to EOF */
    struct wsc_buf out;
};

static pid_t run_pid; /* the parent of the workers */

/* --fail-fast across files: a worker whose test failed tells the parent,
 * which tells the other workers. */
static void worker_on_result(const struct wsc_test *t, struct wsc_result *r, void *arg)
{
    (void)t;
    (void)arg;
    if (r->status == WSC_FAILED || r->status == WSC_ERROR)
        kill(run_pid, SIGUSR1);
}

static void worker_main(int fd, const struct wsc_scenario *sc,
                        const struct wsc_registry *reg, const struct wsc_run_config *cfg)
{
    /* A worker killed with wscheck would go on running tests: it is told
     * to stop as by SIGTERM, so its running check is killed too. */
    wsc_die_with_parent(run_pid, SIGTERM);
    wsc_progress_worker(cfg->console.progress);
    struct wsc_suite_result s;
    struct wsc_diag diag = {0};
    struct wsc_run_options opts = cfg->opts;
    if (opts.fail_fast)
        opts.on_result = worker_on_result;
    int rc = wsc_run_scenario(sc, reg, &opts, &s, &diag);
    struct json_object *j = rc == 0 ? suite_to_json(&s) : NULL;
    const char *text = j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN) : "";
    size_t len = strlen(text);
    while (len > 0) {
        ssize_t w = write(fd, text, len);
        if (w <= 0 && errno != EINTR)
            break;
        if (w > 0) {
            text += w;
            len -= (size_t)w;
        }
    }
    _exit(j ? 0 : 1);
}

/* Reads what a worker has written so far; closes its pipe at EOF. */
static void read_worker(struct worker *w)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(w->fd, chunk, sizeof(chunk));
        if (n > 0) {
            wsc_buf_append(&w->out, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno != EAGAIN) {
            close(w->fd);
            w->fd = -1;
        }
        return;
    }
}

/* Turns a worker's output into its suite. On failure the suite gets one
 * error result so nothing is silently lost. */
static void collect_worker(struct worker *w, struct wsc_suite_result *s)
{
    int st;
    while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
        ;
    const char *why = NULL;
    struct json_object *j = wsc_json_parse_report(w->out.data, w->out.len, &why);
    if (!j || suite_from_json(j, s) < 0) {
        free(s->tests);
        s->tests = calloc(1, sizeof(*s->tests));
        if (s->tests) {
            s->n_tests = 1;
            s->tests[0].name = strdup("(scenario)");
            s->tests[0].plugin = strdup("wscheck");
            s->tests[0].check = strdup("run");
            s->tests[0].status = WSC_ERROR;
            int deep = !j && strncmp(why, "nested", 6) == 0;
            s->tests[0].message = wsc_strdup_printf(
                "the worker running this file ended without results%s%s",
                deep ? ": they are " : "", deep ? why : "");
        }
    }
    json_object_put(j);
    wsc_buf_free(&w->out);
}

static int start_worker(struct worker *w, const struct wsc_scenario *sc,
                        const struct wsc_registry *reg, const struct wsc_run_config *cfg)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    fflush(NULL);
    w->pid = fork();
    if (w->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (w->pid == 0) {
        close(fds[0]);
        worker_main(fds[1], sc, reg, cfg);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    w->fd = fds[0];
    return 0;
}

/* Passes an interruption or a --fail-fast stop on to the running workers,
 * once each. */
static void signal_workers(struct worker *ws, size_t from, size_t to, int *forwarded,
                           int *stopped)
{
    if (interrupted && !*forwarded) {
        *forwarded = 1;
        for (size_t i = from; i < to; i++)
            kill(ws[i].pid, (int)interrupted);
    }
    if (fail_fast_stop && !*stopped) {
        *stopped = 1;
        for (size_t i = from; i < to; i++)
            kill(ws[i].pid, SIGUSR1);
    }
}

/* Waits until the worker `first` has closed its pipe, reading every
 * running worker's pipe meanwhile (a worker blocked on a full pipe would
 * never finish) and passing signals on. */
static void drain_until_done(struct worker *ws, size_t first, size_t started,
                             int *forwarded, int *stopped, struct wsc_progress *progress)
{
    struct pollfd p[64];
    while (ws[first].fd >= 0) {
        signal_workers(ws, first, started, forwarded, stopped);
        wsc_progress_tick(progress);
        size_t n = 0;
        for (size_t i = first; i < started && n < 64; i++)
            p[n++] = (struct pollfd){ws[i].fd, POLLIN, 0};
        if (poll(p, (nfds_t)n, 100) <= 0)
            continue;
        for (size_t i = first, k = 0; i < started && k < n; i++, k++)
            if (ws[i].fd >= 0 && p[k].revents)
                read_worker(&ws[i]);
    }
}

static void hostname_of(char *host, size_t size)
{
    if (gethostname(host, size - 1) < 0)
        snprintf(host, size, "localhost");
    host[size - 1] = '\0';
}

/* Runs up to cfg->jobs files at once; results are kept in file order. */
static int run_parallel(struct wsc_scenario **scs, size_t n,
                        const struct wsc_registry *reg, struct wsc_run_config *cfg,
                        struct wsc_run_result *rr)
{
    struct worker *ws = calloc(n, sizeof(*ws));
    if (!ws)
        return -1;
    char host[256];
    hostname_of(host, sizeof(host));
    run_pid = getpid();
    /* Workers tell this process what they run; it alone draws. */
    wsc_progress_share(cfg->console.progress);
    size_t started = 0, done = 0;
    int rc = 0, forwarded = 0, stopped = 0;
    while (done < n) {
        while (started < n && started - done < (size_t)cfg->jobs) {
            /* Files started after a --fail-fast stop run nothing. */
            cfg->opts.skip_all = cfg->opts.skip_all || fail_fast_stop;
            if (start_worker(&ws[started], scs[started], reg, cfg) < 0) {
                rc = -1;
                break;
            }
            started++;
        }
        if (rc < 0 && done == started)
            break;
        drain_until_done(ws, done, started, &forwarded, &stopped, cfg->console.progress);
        struct wsc_suite_result *s = &rr->suites[done];
        s->name = strdup(scs[done]->name);
        s->file = strdup(scs[done]->file);
        s->hostname = strdup(host);
        collect_worker(&ws[done], s);
        rr->n_suites++;
        done++;
    }
    free(ws);
    return rc;
}

static int run_sequential(struct wsc_scenario **scs, size_t n,
                          const struct wsc_registry *reg, struct wsc_run_config *cfg,
                          struct wsc_run_result *rr)
{
    for (size_t i = 0; i < n; i++) {
        struct wsc_diag diag = {0};
        if (wsc_run_scenario(scs[i], reg, &cfg->opts, &rr->suites[i], &diag) < 0) {
            wsc_suite_result_clear(&rr->suites[i]);
            wsc_diag_clear(&diag);
            return -1;
        }
        rr->n_suites++;
        wsc_diag_clear(&diag);
        if (cfg->on_suite) {
            wsc_progress_clear(cfg->console.progress);
            cfg->on_suite(&rr->suites[i], cfg->on_suite_arg);
        }
        if (cfg->opts.fail_fast && (wsc_suite_count(&rr->suites[i], WSC_FAILED) ||
                                    wsc_suite_count(&rr->suites[i], WSC_ERROR)))
            cfg->opts.skip_all = 1;
    }
    return 0;
}

static int exit_status(const struct wsc_run_result *rr)
{
    if (interrupted)
        return 128 + (int)interrupted;
    return wsc_run_count(rr, WSC_FAILED) || wsc_run_count(rr, WSC_ERROR) ? WSC_EXIT_FAILED
                                                                         : WSC_EXIT_OK;
}

/* Validates every file that loaded (NULL entries did not) and, when all
 * did, the selection as a whole. Every problem is printed; returns their
 * number (structure errors found while loading included). */
static int check_all(struct wsc_scenario *const *scs, size_t n,
                     const struct wsc_registry *reg, const struct wsc_run_config *cfg,
                     int *valid)
{
    struct wsc_diag diag = {0};
    int problems = 0, all_loaded = 1, sel;
    for (size_t i = 0; i < n; i++) {
        int p = 0;
        if (valid)
            valid[i] = 0;
        if (!scs[i]) {
            all_loaded = 0;
            continue;
        }
        p = scs[i]->structure_errors +
            wsc_scenario_validate_timeout(scs[i], reg, cfg->cli_vars, cfg->opts.timeout,
                                          &diag);
        if (valid)
            valid[i] = p == 0;
        problems += p;
    }
    wsc_diag_clear(&diag);
    /* A file that did not load may hold what --tag or --var name. */
    if (all_loaded && (sel = wsc_selection_check(
                           scs, n, &cfg->opts,
                           cfg->arg_vars ? cfg->arg_vars : cfg->cli_vars, stderr)) != 0)
        problems += sel > 0 ? sel : 1;
    return problems;
}

/* Leaves the tests of the other shards out; says how many this one runs
 * (an empty shard is a clean run of nothing). */
static int apply_shard(struct wsc_scenario **scs, size_t n,
                       const struct wsc_run_config *cfg)
{
    size_t selected, kept;
    if (wsc_shard_apply(scs, n, &cfg->shard, &cfg->opts, &selected, &kept) < 0) {
        fprintf(stderr, "wscheck: out of memory\n");
        return -1;
    }
    if (!cfg->console.quiet)
        fprintf(cfg->console.out, "shard %u/%u: %zu of %zu selected test%s\n",
                cfg->shard.index, cfg->shard.total, kept, selected,
                selected == 1 ? "" : "s");
    return 0;
}

int wsc_execute(struct wsc_scenario **scs, size_t n, const struct wsc_registry *reg,
                struct wsc_run_config *cfg)
{
    if (check_all(scs, n, reg, cfg, NULL))
        return WSC_EXIT_USAGE;
    if (check_report_dir(cfg->junit_path) < 0 || check_report_dir(cfg->json_path) < 0 ||
        check_report_dir(cfg->tap_path) < 0)
        return WSC_EXIT_INTERNAL;
    cfg->opts.cli_vars = cfg->cli_vars;
    cfg->opts.console = &cfg->console;
    cfg->opts.interrupted = &interrupted;
    cfg->opts.stop = &fail_fast_stop;
    /* A report on standard output keeps it for itself. */
    if (wsc_report_is_stdout(cfg->junit_path) || wsc_report_is_stdout(cfg->json_path) ||
        wsc_report_is_stdout(cfg->tap_path))
        cfg->console.out = stderr;
    if (cfg->shard.total && apply_shard(scs, n, cfg) < 0)
        return WSC_EXIT_INTERNAL;
    wsc_console_open(&cfg->console);
    struct wsc_results_log *store = NULL;
    if (cfg->store_results_path && !(store = open_store(cfg->store_results_path))) {
        wsc_console_close(&cfg->console);
        return WSC_EXIT_INTERNAL;
    }
    install_signal_handlers();
    struct wsc_run_result rr = {0};
    rr.started = wsc_wallclock();
    rr.suites = calloc(n ? n : 1, sizeof(*rr.suites));
    if (!rr.suites) {
        wsc_console_close(&cfg->console);
        wsc_results_log_close(store);
        return WSC_EXIT_INTERNAL;
    }
    double t0 = wsc_now();
    int rc = cfg->jobs > 1 && n > 1 ? run_parallel(scs, n, reg, cfg, &rr)
                                    : run_sequential(scs, n, reg, cfg, &rr);
    if (rc == 0 && cfg->after_run && cfg->after_run(&rr, cfg->after_run_arg) < 0)
        rc = -1;
    rr.duration = wsc_now() - t0;
    rr.shard_index = cfg->shard.index;
    rr.shard_total = cfg->shard.total;
    wsc_console_summary(&cfg->console, &rr);
    wsc_console_close(&cfg->console);
    int written = write_reports(cfg, &rr);
    if (store && store_results(store, scs, n, cfg, &rr) < 0)
        written = -1;
    int status = rc < 0 || written < 0 ? WSC_EXIT_INTERNAL : exit_status(&rr);
    if (cfg->nagios && status != WSC_EXIT_INTERNAL) {
        status = (int)wsc_nagios_report(stdout, &rr, (int)interrupted);
        cfg->nagios_done = 1;
    }
    wsc_run_result_clear(&rr);
    return status;
}

/* ---- the commands ----------------------------------------------------------- */

int wsc_load_plugins(struct wsc_registry *reg, char *const *extra, size_t n_extra)
{
    char **dirs = NULL;
    size_t n = 0;
    if (wsc_plugin_dirs(extra, n_extra, &dirs, &n) < 0) {
        fprintf(stderr, "wscheck: out of memory\n");
        return WSC_EXIT_INTERNAL;
    }
    char *err = NULL;
    int rc = wsc_registry_load(reg, dirs, n, &err);
    if (err) {
        /* One line per refused file, each naming it. */
        char *save = NULL;
        for (char *line = strtok_r(err, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save))
            fprintf(stderr, "wscheck: warning: plugin refused: %s\n", line);
    }
    if (rc < 0) {
        fprintf(stderr, "wscheck: no plugin directory could be read (searched:");
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", dirs[i]);
        fprintf(stderr, ")\n");
    }
    free(err);
    wsc_strv_free(dirs, n);
    return rc < 0 ? WSC_EXIT_INTERNAL : 0;
}

static void free_scenarios(struct wsc_scenario **scs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wsc_scenario_free(scs[i]);
    free(scs);
}

/* Parses every file, reporting every problem; a file whose structure has
 * errors is kept (to be validated too), one that cannot be read or is not
 * JSON is NULL and counted in *unloaded. NULL when out of memory. */
static struct wsc_scenario **load_scenarios(char **files, size_t n, int *unloaded)
{
    struct wsc_scenario **scs = calloc(n ? n : 1, sizeof(*scs));
    struct wsc_diag diag = {0};
    *unloaded = 0;
    for (size_t i = 0; scs && i < n; i++)
        if (!(scs[i] = wsc_scenario_load_all(files[i], &diag)))
            (*unloaded)++;
    wsc_diag_clear(&diag);
    return scs;
}

static int validate_only(struct wsc_scenario **scs, size_t n,
                         const struct wsc_registry *reg, const struct wsc_run_config *cfg,
                         int unloaded)
{
    int *valid = calloc(n ? n : 1, sizeof *valid);
    int problems;
    if (!valid)
        return WSC_EXIT_INTERNAL;
    problems = check_all(scs, n, reg, cfg, valid);
    for (size_t i = 0; i < n; i++)
        if (valid[i])
            printf("%s: ok (%zu tests)\n", scs[i]->file, scs[i]->n_tests);
    free(valid);
    return problems || unloaded ? WSC_EXIT_USAGE : WSC_EXIT_OK;
}

int wsc_load_valid_scenarios(char **files, size_t n, const struct wsc_registry *reg,
                             const struct wsc_run_config *cfg,
                             const struct wsc_settings *base, struct wsc_scenario ***out)
{
    int unloaded = 0;
    struct wsc_scenario **scs = load_scenarios(files, n, &unloaded);
    *out = NULL;
    if (!scs)
        return WSC_EXIT_INTERNAL;
    for (size_t i = 0; i < n; i++)
        if (scs[i])
            wsc_scenario_set_base(scs[i], base->timeout, base->retries);
    if (check_all(scs, n, reg, cfg, NULL) || unloaded) {
        free_scenarios(scs, n);
        return WSC_EXIT_USAGE;
    }
    *out = scs;
    return 0;
}

void wsc_scenarios_free(struct wsc_scenario **scs, size_t n)
{
    if (scs)
        free_scenarios(scs, n);
}

/* Is --nagios among the options (before "--")? Known before parsing, so
 * that a usage error is already UNKNOWN. */
static int nagios_mode(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--nagios") == 0)
            return 1;
    return 0;
}

int wsc_cmd_run(int argc, char **argv, int validate)
{
    struct wsc_run_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.opts.retries = -1;
    cfg.jobs = 1;
    cfg.cli_vars = wsc_vars_new();
    cfg.redactor = wsc_redactor_new();
    cfg.opts.redactor = cfg.redactor;
    int no_color = 0, quiet = 0, verbose = 0;
    struct wsc_settings base;
    /* Standard output is the plugin output's: the console, failures and
     * summary only, goes to standard error. */
    cfg.nagios = !validate && nagios_mode(argc, argv);
    quiet = cfg.nagios;
    int status =
        cfg.cli_vars && cfg.redactor
            ? parse_run_args(argc, argv, &cfg, validate, &no_color, &quiet, &verbose)
            : WSC_EXIT_INTERNAL;
    if (status == -1)
        status = wsc_setup_config(&cfg, &base);
    if (status == -1) {
        wsc_console_setup(&cfg.console, no_color, quiet, verbose);
        if (cfg.nagios)
            cfg.console.out = stderr;
        cfg.opts.verbose = verbose;
        struct wsc_registry reg = {0};
        status = wsc_load_plugins(&reg, cfg.plugin_paths, cfg.n_plugin_paths);
        size_t n = (size_t)(argc - optind);
        int unloaded = 0;
        struct wsc_scenario **scs =
            status ? NULL : load_scenarios(argv + optind, n, &unloaded);
        for (size_t i = 0; scs && i < n; i++)
            if (scs[i])
                wsc_scenario_set_base(scs[i], base.timeout, base.retries);
        if (!status && !scs)
            status = WSC_EXIT_INTERNAL;
        else if (scs && validate)
            status = validate_only(scs, n, &reg, &cfg, unloaded);
        else if (scs && unloaded) {
            /* Nothing runs, but the other files' problems are found too. */
            check_all(scs, n, &reg, &cfg, NULL);
            status = WSC_EXIT_USAGE;
        } else if (scs)
            status = wsc_execute(scs, n, &reg, &cfg);
        if (scs)
            free_scenarios(scs, n);
        wsc_registry_free(&reg);
    }
    if (cfg.cli_vars)
        wsc_vars_free(cfg.cli_vars);
    if (cfg.arg_vars)
        wsc_vars_free(cfg.arg_vars);
    wsc_strv_free(cfg.vars_files, cfg.n_vars_files);
    wsc_redactor_free(cfg.redactor);
    wsc_strv_free(cfg.opts.tags, cfg.opts.n_tags);
    wsc_strv_free(cfg.opts.filters, cfg.opts.n_filters);
    wsc_strv_free(cfg.plugin_paths, cfg.n_plugin_paths);
    /* Anything but --help that ran nothing is UNKNOWN for Nagios. */
    if (cfg.nagios && !cfg.nagios_done && status != WSC_EXIT_OK)
        status = (int)wsc_nagios_unknown(stdout, status);
    return status;
}
