/* `wscheck load`: the tests of a scenario file under many connections
 * (wscheck-load(1)). This file is the command line and the order of
 * things; load_setup.c selects and compiles the tests, load_plan.c shapes
 * the run, the engine (load_engine*.c) runs it, load_report*.c says what
 * came of it. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config_file.h"
#include "load_plan.h"
#include "load_report.h"
#include "report.h"
#include "util.h"

static const char load_usage[] =
    "Usage: wscheck load SCENARIO [--test NAME]... [OPTIONS]\n"
    "\n"
    "Run the tests of a scenario file under load: many connections at once on\n"
    "one event-driven engine, each session doing what the test does in a CI\n"
    "run. Thresholds (the tests' expect_metrics on load metrics, and\n"
    "--threshold) decide the exit status.\n"
    "\n"
    "  --test NAME           run this test (repeatable); without it, every test\n"
    "                        of the file not skipped, and each must run under load\n"
    "  --connections N       virtual users, each repeating its test (closed\n"
    "                        model; default 1)\n"
    "  --rate R              new sessions per second, whatever the response times\n"
    "                        (open model)\n"
    "  --max-connections N   open model: sessions at once at most (default: as\n"
    "                        many as the process can hold)\n"
    "  --max-connecting N    connections being set up at once at most (from\n"
    "                        connect to the server's first bytes; default 100,\n"
    "                        0: no limit); further sessions wait their turn\n"
    "  --duration D          how long the target holds (30s, 2m, 1h; default 10s,\n"
    "                        with --iterations a limit)\n"
    "  --ramp-up D           from 0 to the target first\n"
    "  --ramp-down D         back to 0 at the end\n"
    "  --stage D:T           a stage: the target moves to T over D (repeatable;\n"
    "                        replaces --duration and the ramps)\n"
    "  --iterations N        sessions in all; the run ends when they have ended\n"
    "  --threshold EXPR      [TEST:]METRIC OP NUMBER, OP one of < <= > >= ==\n"
    "                        (repeatable), e.g. 'session_p99_ms < 250'\n"
    "  --shard I/N           this generator's part of the connections, rate and\n"
    "                        iterations, for 'wscheck merge' to add up\n"
    "  --timeout S           a session's limit (default: each test's timeout)\n"
    "  --json FILE           write the JSON report ('-': stdout)\n"
    "  --junit FILE          write JUnit XML, one test case per threshold\n"
    "  --raw-samples FILE    also write every latency sample (a verification\n"
    "                        aid for the percentiles; slows the run down)\n"
    "  --var NAME=VALUE      set a variable (repeatable)\n"
    "  --vars-file FILE      variables from a file (repeatable)\n"
    "  --config FILE         the configuration file (see wscheck-config(5))\n"
    "  --plugin-path DIR     look for plugins in DIR too (repeatable)\n"
    "  --quiet               no live line and no summary\n"
    "  --no-color            no colours (also when NO_COLOR is set)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 every threshold met, 1 a threshold breached (without a\n"
    "threshold on errors, a failed session is one), 2 usage or scenario\n"
    "error or a test that cannot run under load, 3 internal error.\n"
    "See wscheck-load(1).\n";

enum {
    OPT_TEST = 256,
    OPT_CONNECTIONS,
    OPT_RATE,
    OPT_MAX_CONNECTIONS,
    OPT_MAX_CONNECTING,
    OPT_DURATION,
    OPT_RAMP_UP,
    OPT_RAMP_DOWN,
    OPT_STAGE,
    OPT_ITERATIONS,
    OPT_THRESHOLD,
    OPT_SHARD,
    OPT_TIMEOUT,
    OPT_JSON,
    OPT_JUNIT,
    OPT_VAR,
    OPT_VARS_FILE,
    OPT_CONFIG,
    OPT_PLUGIN_PATH,
    OPT_QUIET,
    OPT_NO_COLOR,
    OPT_RAW_SAMPLES,
};

static const struct option load_options[] = {
    {"test", required_argument, NULL, OPT_TEST},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"rate", required_argument, NULL, OPT_RATE},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"max-connecting", required_argument, NULL, OPT_MAX_CONNECTING},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"ramp-up", required_argument, NULL, OPT_RAMP_UP},
    {"ramp-down", required_argument, NULL, OPT_RAMP_DOWN},
    {"stage", required_argument, NULL, OPT_STAGE},
    {"iterations", required_argument, NULL, OPT_ITERATIONS},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"json", required_argument, NULL, OPT_JSON},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"var", required_argument, NULL, OPT_VAR},
    {"vars-file", required_argument, NULL, OPT_VARS_FILE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"raw-samples", required_argument, NULL, OPT_RAW_SAMPLES},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct load_args {
    struct wsc_run_config cfg; /* variables, configuration, plugins */
    struct wsc_load_shape shape;
    char **tests;
    size_t n_tests;
    struct wsc_load_cli_rules rules;
    double timeout;
    const char *json, *junit;
    const char *raw_samples; /* --raw-samples FILE, or NULL */
    int quiet, no_color;
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "wscheck: load: %s%s%s\nTry 'wscheck load --help'.\n", what,
            arg ? " " : "", arg ? arg : "");
    return WSC_EXIT_USAGE;
}

/* A whole number >= min. */
static int parse_count(const char *s, uint64_t min, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min)
        return -1;
    *out = v;
    return 0;
}

static int parse_positive(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0)
        return -1;
    *out = v;
    return 0;
}

static int add_stage(struct wsc_load_shape *s, const char *text)
{
    struct wsc_load_stage st;
    if (wsc_load_parse_stage(text, &st) < 0)
        return usage_error("--stage needs DURATION:TARGET (e.g. 30s:100), got:", text);
    struct wsc_load_stage *grown = realloc(s->stages, (s->n_stages + 1) * sizeof *grown);
    if (!grown)
        return WSC_EXIT_INTERNAL;
    s->stages = grown;
    s->stages[s->n_stages++] = st;
    return 0;
}

static int add_threshold(struct load_args *a, const char *text)
{
    char *test = NULL, *why = NULL;
    struct json_object *rule = NULL;
    if (wsc_load_threshold_parse(text, &test, &rule, &why) < 0) {
        fprintf(stderr,
                "wscheck: load: --threshold '%s': %s\nTry 'wscheck load --help'.\n", text,
                why ? why : "out of memory");
        free(why);
        return WSC_EXIT_USAGE;
    }
    struct wsc_load_cli_rules *r = &a->rules;
    char **tests = realloc(r->tests, (r->n + 1) * sizeof *tests);
    if (tests)
        r->tests = tests;
    struct json_object **rules =
        tests ? realloc(r->rules, (r->n + 1) * sizeof *rules) : NULL;
    if (!rules) {
        free(test);
        json_object_put(rule);
        return WSC_EXIT_INTERNAL;
    }
    r->rules = rules;
    r->tests[r->n] = test;
    r->rules[r->n++] = rule;
    return 0;
}

/* The options that take a number or a duration. */
static int parse_shape_option(int opt, const char *arg, struct load_args *a)
{
    struct wsc_load_shape *s = &a->shape;
    uint64_t n = 0;
    double *d = opt == OPT_DURATION  ? &s->duration
                : opt == OPT_RAMP_UP ? &s->ramp_up
                                     : &s->ramp_down;
    switch (opt) {
    case OPT_CONNECTIONS:
    case OPT_MAX_CONNECTIONS:
        if (parse_count(arg, 1, &n) < 0 || n > 100000000)
            return usage_error("expected a number of connections (1 or more), got:", arg);
        *(opt == OPT_CONNECTIONS ? &s->connections : &s->max_connections) = (unsigned)n;
        return 0;
    case OPT_MAX_CONNECTING:
        if (parse_count(arg, 0, &n) < 0 || n > 100000000)
            return usage_error("--max-connecting needs a number (0: no limit), got:",
                               arg);
        s->max_connecting = (unsigned)n;
        return 0;
    case OPT_ITERATIONS:
        if (parse_count(arg, 1, &s->iterations) < 0)
            return usage_error("--iterations needs a number (1 or more), got:", arg);
        return 0;
    case OPT_RATE:
        return parse_positive(arg, &s->rate) < 0
                   ? usage_error("--rate needs sessions per second (> 0), got:", arg)
                   : 0;
    case OPT_TIMEOUT:
        return parse_positive(arg, &a->timeout) < 0
                   ? usage_error("--timeout needs seconds (> 0), got:", arg)
                   : 0;
    case OPT_STAGE:
        return add_stage(s, arg);
    default:
        return wsc_load_parse_duration(arg, d) < 0
                   ? usage_error("expected a duration (30s, 2m, 1h), got:", arg)
                   : 0;
    }
}

/* --var, --vars-file, --config, --plugin-path, --shard. */
static int parse_run_option(int opt, const char *arg, struct load_args *a)
{
    struct wsc_run_config *cfg = &a->cfg;
    int rc = 0;
    switch (opt) {
    case OPT_VAR:
        if ((rc = wsc_parse_var(cfg->cli_vars, arg)) == -2)
            return usage_error("--var: invalid variable name:", arg);
        return rc < 0 ? usage_error("--var needs NAME=VALUE, got:", arg) : 0;
    case OPT_VARS_FILE:
        rc = wsc_strv_push(&cfg->vars_files, &cfg->n_vars_files, arg);
        break;
    case OPT_CONFIG:
        cfg->config_path = arg;
        break;
    case OPT_PLUGIN_PATH:
        rc = wsc_strv_push(&cfg->plugin_paths, &cfg->n_plugin_paths, arg);
        break;
    case OPT_SHARD:
        if (wsc_shard_parse(arg, &a->shape.shard) < 0)
            return usage_error("--shard needs I/N with 1 <= I <= N, got:", arg);
        break;
    case OPT_TEST:
        rc = wsc_strv_push(&a->tests, &a->n_tests, arg);
        break;
    case OPT_THRESHOLD:
        return add_threshold(a, arg);
    }
    return rc < 0 ? WSC_EXIT_INTERNAL : 0;
}

/* Options that contradict each other. */
static int check_shape(const struct load_args *a)
{
    const struct wsc_load_shape *s = &a->shape;
    if (s->n_stages && (s->duration >= 0 || s->ramp_up > 0 || s->ramp_down > 0))
        return usage_error("--stage replaces --duration, --ramp-up and --ramp-down",
                           NULL);
    if (s->rate > 0 && s->connections)
        return usage_error("--rate (open model) and --connections (closed model) "
                           "exclude each other; cap the open model with "
                           "--max-connections",
                           NULL);
    if (s->n_stages && s->connections)
        return usage_error("--stage sets the targets: no --connections with it", NULL);
    if (s->max_connections && s->rate <= 0)
        return usage_error("--max-connections is for the open model (--rate)", NULL);
    return -1;
}

/* Returns -1 to go on, else an exit status. */
static int parse_load_args(int argc, char **argv, struct load_args *a)
{
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", load_options, NULL)) != -1) {
        int rc;
        switch (opt) {
        case OPT_JSON:
            a->json = optarg;
            break;
        case OPT_JUNIT:
            a->junit = optarg;
            break;
        case OPT_RAW_SAMPLES:
            a->raw_samples = optarg;
            break;
        case OPT_QUIET:
            a->quiet = 1;
            break;
        case OPT_NO_COLOR:
            a->no_color = 1;
            break;
        case 'h':
            fputs(load_usage, stdout);
            return WSC_EXIT_OK;
        case OPT_CONNECTIONS:
        case OPT_MAX_CONNECTIONS:
        case OPT_MAX_CONNECTING:
        case OPT_ITERATIONS:
        case OPT_RATE:
        case OPT_TIMEOUT:
        case OPT_STAGE:
        case OPT_DURATION:
        case OPT_RAMP_UP:
        case OPT_RAMP_DOWN:
            if ((rc = parse_shape_option(opt, optarg, a)) != 0)
                return rc;
            break;
        case OPT_VAR:
        case OPT_VARS_FILE:
        case OPT_CONFIG:
        case OPT_PLUGIN_PATH:
        case OPT_SHARD:
        case OPT_TEST:
        case OPT_THRESHOLD:
            if ((rc = parse_run_option(opt, optarg, a)) != 0)
                return rc;
            break;
        default:
            return wsc_option_error("load", opt, argv, load_options);
        }
    }
    if (optind >= argc)
        return usage_error("no scenario file given", NULL);
    if (argc - optind > 1)
        return usage_error("one scenario file at a time; got also", argv[optind + 1]);
    return check_shape(a);
}

/* ---- running ------------------------------------------------------------------ */

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* SIGINT and SIGTERM wind the run down; the reports are still written. */
static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The plan this generator runs. Returns -1 to go on, else an exit status. */
static int make_plan(const struct load_args *a, unsigned limit,
                     struct wsc_load_plan *plan, uint64_t *iterations)
{
    memset(plan, 0, sizeof *plan);
    plan->model = a->shape.rate > 0 ? WSC_LOAD_OPEN : WSC_LOAD_CLOSED;
    plan->max_message = 1024 * 1024;
    plan->max_connecting = a->shape.max_connecting;
    plan->timeout = a->timeout > 0 ? a->timeout : WSC_DEFAULT_TIMEOUT;
    plan->stop = &stop_requested;
    *iterations = wsc_load_share(a->shape.iterations, &a->shape.shard);
    if (wsc_load_stages(&a->shape, &plan->stages, &plan->n_stages) < 0)
        return WSC_EXIT_INTERNAL;
    double peak = wsc_load_peak(plan->stages, plan->n_stages);
    unsigned cap =
        a->shape.max_connections
            ? (unsigned)wsc_load_share(a->shape.max_connections, &a->shape.shard)
            : limit;
    if (plan->model == WSC_LOAD_CLOSED && peak > limit) {
        fprintf(stderr,
                "wscheck: load: %.0f connections asked for, but this process can hold %u "
                "(RLIMIT_NOFILE; raise it with 'ulimit -n', or split the load with "
                "--shard)\n",
                peak, limit);
        return WSC_EXIT_USAGE;
    }
    if (plan->model == WSC_LOAD_OPEN && cap > limit) {
        fprintf(stderr,
                "wscheck: load: --max-connections %u, but this process can hold %u "
                "(RLIMIT_NOFILE)\n",
                cap, limit);
        return WSC_EXIT_USAGE;
    }
    plan->max_vus = plan->model == WSC_LOAD_OPEN ? cap : (unsigned)ceil(peak);
    return -1;
}

/* Names and the first errors through the scenario's redaction, before any
 * report sees them (the contract of results; see result_redact.h). */
static int redact_stats(struct wsc_load_report *r, const struct wsc_redactor *red)
{
    for (size_t i = 0; i < r->stats.n_tests; i++) {
        struct wsc_load_test *t = &r->stats.tests[i];
        char **fields[] = {&t->name, &t->first_error};
        for (size_t f = 0; f < 2; f++) {
            if (!*fields[f])
                continue;
            char *safe = wsc_redactor_text(red, *fields[f]);
            if (!safe)
                return -1;
            free(*fields[f]);
            *fields[f] = safe;
        }
    }
    return 0;
}

static FILE *summary_stream(const struct load_args *a)
{
    return wsc_report_is_stdout(a->json) || wsc_report_is_stdout(a->junit) ? stderr
                                                                           : stdout;
}

static int write_reports(const struct load_args *a, const struct wsc_load_report *r)
{
    char *err = NULL;
    if ((a->json && wsc_load_json_write(a->json, r, &err) < 0) ||
        (a->junit && wsc_load_junit_write(a->junit, r, &err) < 0)) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write a report");
        free(err);
        return -1;
    }
    return 0;
}

/* Thresholds, summary, reports; the exit status. */
static int conclude(const struct load_args *a, struct wsc_load_report *r)
{
    long breached = wsc_load_report_finish(r);
    if (breached < 0) {
        fputs("wscheck: load: out of memory\n", stderr);
        return WSC_EXIT_INTERNAL;
    }
    if (!a->quiet) {
        FILE *out = summary_stream(a);
        int color = !a->no_color && !getenv("NO_COLOR") && isatty(fileno(out));
        wsc_load_summary(out, r, color);
    }
    if (write_reports(a, r) < 0)
        return WSC_EXIT_INTERNAL;
    return breached ? WSC_EXIT_FAILED : WSC_EXIT_OK;
}

struct load_run {
    const struct load_args *a;
    struct wsc_load_report report;
    struct wsc_load_script **scripts;
    size_t n_scripts;
};

/* --raw-samples: from the run's start (-1: go on, else the exit status). */
static int raw_samples_begin(const struct load_args *a, const struct wsc_load_stats *st)
{
    char *err = NULL;
    if (!a->raw_samples || wsc_load_raw_samples_open(a->raw_samples, st, &err) == 0)
        return -1;
    fprintf(stderr, "wscheck: %s\n", err ? err : "--raw-samples: out of memory");
    free(err);
    return WSC_EXIT_USAGE;
}

/* --raw-samples: the file complete, else an internal error. */
static int raw_samples_end(const struct load_args *a, int status)
{
    char *err = NULL;
    if (!a->raw_samples || wsc_load_raw_samples_close(a->raw_samples, &err) == 0)
        return status;
    fprintf(stderr, "wscheck: %s\n", err ? err : "--raw-samples: out of memory");
    free(err);
    return WSC_EXIT_INTERNAL;
}

/* Runs the engine (unless this shard has nothing to do). */
static int run_engine(struct load_run *lr, unsigned limit)
{
    const struct load_args *a = lr->a;
    struct wsc_load_plan plan;
    uint64_t iterations = 0;
    int status = make_plan(a, limit, &plan, &iterations);
    struct wsc_load_stats *st = &lr->report.stats;
    st->shard = a->shape.shard;
    st->connection_limit = limit;
    st->started = wsc_wallclock();
    if (status == -1 &&
        !(lr->report.plan = wsc_load_plan_json(&plan, &a->shape, iterations)))
        status = WSC_EXIT_INTERNAL;
    plan.iterations = iterations;
    int idle = (a->shape.iterations && !iterations) ||
               wsc_load_peak(plan.stages, plan.n_stages) <= 0;
    if (status == -1 && !idle) {
        struct wsc_load_live_out live = {.out = stderr,
                                         .tty = isatty(STDERR_FILENO),
                                         .every = 10,
                                         .unit =
                                             plan.model == WSC_LOAD_OPEN ? "/s" : " VUs"};
        char *err = NULL;
        double t0 = wsc_now();
        int failed = (status = raw_samples_begin(a, st)) == -1 &&
                     wsc_load_run(&plan, lr->scripts, lr->n_scripts, st,
                                  a->quiet ? NULL : wsc_load_live_tick, &live, &err) < 0;
        /* The live line is cleared before any message: never appended to it. */
        wsc_load_live_end(&live);
        if (failed) {
            fprintf(stderr, "wscheck: load: %s\n", err ? err : "the engine failed");
            status = WSC_EXIT_INTERNAL;
        }
        free(err);
        status = raw_samples_end(a, status);
        if (st->duration <= 0)
            st->duration = wsc_now() - t0;
    }
    lr->report.interrupted = stop_requested != 0;
    free(plan.stages);
    return status;
}

static int run_scenario(const struct load_args *a, const struct wsc_scenario *sc,
                        const struct wsc_registry *reg)
{
    struct wsc_diag diag = {0};
    struct wsc_vars *vars = wsc_scenario_vars(sc, a->cfg.cli_vars, &diag);
    struct wsc_redactor *red = wsc_scenario_redactor(sc, a->cfg.redactor);
    struct load_run lr = {.a = a};
    struct wsc_load_setup setup = {sc,         reg,       a->tests, a->n_tests,
                                   a->timeout, &a->rules, red};
    int status = -1;
    if (!vars || !red || wsc_redactor_add_var_secrets(red, vars) < 0)
        status = vars ? WSC_EXIT_INTERNAL : WSC_EXIT_USAGE;
    if (status == -1) {
        int rc = wsc_load_prepare(&setup, vars, &lr.report, &lr.scripts, &lr.n_scripts);
        status = rc == WSC_LOAD_SETUP_REFUSED                   ? WSC_EXIT_USAGE
                 : rc || wsc_load_default_rules(&lr.report) < 0 ? WSC_EXIT_INTERNAL
                                                                : -1;
    }
    if (status == -1 && !(lr.report.scenario = strdup(sc->file)))
        status = WSC_EXIT_INTERNAL;
    /* before the line that says the run starts: a signal after it finds
     * the handlers in place */
    if (status == -1)
        install_stop_handlers();
    unsigned limit = status == -1 ? wsc_load_raise_fd_limit() : 0;
    if (status == -1 && !a->quiet)
        fprintf(stderr, "wscheck: load: this process can hold %u connections\n", limit);
    if (status == -1)
        status = run_engine(&lr, limit);
    if (status == -1)
        status = redact_stats(&lr.report, red) < 0 ? WSC_EXIT_INTERNAL
                                                   : conclude(a, &lr.report);
    wsc_load_scripts_free(lr.scripts, lr.n_scripts);
    wsc_load_report_clear(&lr.report);
    wsc_redactor_free(red);
    if (vars)
        wsc_vars_free(vars);
    wsc_diag_clear(&diag);
    return status;
}

static int load_and_run(struct load_args *a, char *file)
{
    struct wsc_settings base;
    struct wsc_registry reg = {0};
    struct wsc_scenario **scs = NULL;
    int status = wsc_setup_config(&a->cfg, &base);
    if (status == -1)
        status = wsc_load_plugins(&reg, a->cfg.plugin_paths, a->cfg.n_plugin_paths);
    if (status == 0)
        status = wsc_load_valid_scenarios(&file, 1, &reg, &a->cfg, &base, &scs);
    if (status == 0)
        status = run_scenario(a, scs[0], &reg);
    wsc_scenarios_free(scs, 1);
    wsc_registry_free(&reg);
    return status;
}

static void free_args(struct load_args *a)
{
    if (a->cfg.cli_vars)
        wsc_vars_free(a->cfg.cli_vars);
    if (a->cfg.arg_vars)
        wsc_vars_free(a->cfg.arg_vars);
    wsc_redactor_free(a->cfg.redactor);
    wsc_strv_free(a->cfg.vars_files, a->cfg.n_vars_files);
    wsc_strv_free(a->cfg.plugin_paths, a->cfg.n_plugin_paths);
    wsc_strv_free(a->tests, a->n_tests);
    for (size_t i = 0; i < a->rules.n; i++) {
        free(a->rules.tests[i]);
        json_object_put(a->rules.rules[i]);
    }
    free(a->rules.tests);
    free(a->rules.rules);
    free(a->shape.stages);
}

int wsc_cmd_load(int argc, char **argv)
{
    struct load_args a;
    memset(&a, 0, sizeof a);
    a.shape.duration = -1;
    a.shape.max_connecting = WSC_LOAD_DEFAULT_MAX_CONNECTING;
    a.cfg.cli_vars = wsc_vars_new();
    a.cfg.redactor = wsc_redactor_new();
    int status = a.cfg.cli_vars && a.cfg.redactor ? parse_load_args(argc, argv, &a)
                                                  : WSC_EXIT_INTERNAL;
    if (status == -1 && !a.shape.connections && a.shape.rate <= 0)
        a.shape.connections = 1;
    if (status == -1)
        status = load_and_run(&a, argv[optind]);
    free_args(&a);
    return status;
}
