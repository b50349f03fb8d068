/* `wscheck monitor`: the command line. The suite is loaded and validated
 * as `wscheck run` does (same errors, exit 2), then monitor_loop() runs
 * it in rounds. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "util.h"

static const char monitor_usage[] =
    "Usage: wscheck monitor [OPTIONS] SCENARIO...\n"
    "\n"
    "Run scenario files in rounds, forever or --count times: keep each test's\n"
    "state (up, down, recovered), alert on the transitions, log every result.\n"
    "\n"
    "  --interval S          seconds from one round's start to the next\n"
    "                        (default 30); a longer round starts the next at\n"
    "                        once and says so\n"
    "  --no-jitter           start the first round at once (by default it\n"
    "                        waits 0 to min(S, 5) s at random)\n"
    "  --count N             run N rounds, then exit: 0 when the last round\n"
    "                        passed, 1 otherwise (default: until stopped)\n"
    "  --down-after N        a test is down after N consecutive failures\n"
    "                        (default 1; 2 or more damps flapping)\n"
    "  --recover-after M     a down test is up again after M consecutive\n"
    "                        passes (default 1)\n"
    "  --alert-cmd CMD       on a transition run CMD with /bin/sh -c, the event\n"
    "                        JSON on its stdin and WSCHECK_ALERT_STATE, _SUITE,\n"
    "                        _TEST, _MESSAGE, _SINCE in its environment\n"
    "  --alert-webhook URL   on a transition POST the event JSON to URL\n"
    "                        (retried with backoff)\n"
    "  --alertmanager URL    post alerts to Alertmanager's /api/v2/alerts: firing\n"
    "                        while a test is down (every round), resolved when\n"
    "                        it recovers\n"
    "  --alert-timeout S     time each alert may take per channel, retries\n"
    "                        included (default 10); then it is given up\n"
    "  --alert-on-failure    accepted for compatibility: alerts are sent when a\n"
    "                        channel is given\n"
    "  --config FILE         the configuration file (default ./wscheck.json, else\n"
    "                        $XDG_CONFIG_HOME/wscheck/config.json): its interval,\n"
    "                        alert settings, defaults, variables and endpoints;\n"
    "                        these options override it (see wscheck-config(5))\n"
    "  --vars-file FILE      variables from a JSON file (repeatable)\n"
    "  --log-results FILE    append one JSON line per test per round to FILE,\n"
    "                        synced every round, reopened on SIGHUP\n"
    "  --store-results FILE  same as --log-results\n"
    "  --metrics-listen ADDR:PORT\n"
    "                        serve Prometheus metrics (every test's state,\n"
    "                        durations, failures, check metrics) on\n"
    "                        http://ADDR:PORT/metrics; 127.0.0.1:9464,\n"
    "                        [::1]:9464, :9464 (every address); port 0: any\n"
    "  --textfile DIR        after every round write DIR/wscheck.prom for\n"
    "                        node_exporter's textfile collector\n"
    "  --var NAME=VALUE      set a variable, overriding the file (repeatable)\n"
    "  --secret NAME         variable NAME is a secret: \"***\" in every output\n"
    "  --secret-name NAME    values named NAME are secret too (repeatable)\n"
    "  --tag TAG             run only tests with this tag (repeatable)\n"
    "  --filter GLOB         run only tests whose name matches (repeatable)\n"
    "  --timeout S           timeout of every test, in seconds\n"
    "  --retries N           retries of every failed test\n"
    "  --strict              a test that passed with warnings fails\n"
    "  --plugin-path DIR     look for plugins in DIR first (repeatable)\n"
    "  --no-fork             run checks inside wscheck (debugging only)\n"
    "  -v, --verbose         also a line per test; twice: their metrics, notes\n"
    "                        and debug lines\n"
    "  --color WHEN, --no-color\n"
    "                        colours of the per-test lines (auto, always, never)\n"
    "  -h, --help            this help\n"
    "\n"
    "Signals: SIGHUP re-reads the scenarios (a file with errors keeps the\n"
    "previous suite, the errors are printed) and reopens the log; SIGTERM and\n"
    "SIGINT stop the running round's tests, write its log lines and exit 0.\n"
    "\n"
    "Exit status: 0 stopped by a signal, or the last of --count rounds passed;\n"
    "1 the last round had a failure; 2 usage or scenario error; 3 internal\n"
    "error (the log cannot be opened, no plugins).\n";

enum {
    OPT_INTERVAL = 256,
    OPT_NO_JITTER,
    OPT_COUNT,
    OPT_DOWN_AFTER,
    OPT_RECOVER_AFTER,
    OPT_ALERT_CMD,
    OPT_WEBHOOK,
    OPT_ALERTMANAGER,
    OPT_ALERT_TIMEOUT,
    OPT_ALERT_ON_FAILURE,
    OPT_LOG_RESULTS,
    OPT_VAR,
    OPT_SECRET,
    OPT_SECRET_NAME,
    OPT_TAG,
    OPT_FILTER,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_STRICT,
    OPT_PLUGIN_PATH,
    OPT_NO_FORK,
    OPT_COLOR,
    OPT_NO_COLOR,
    OPT_CONFIG,
    OPT_VARS_FILE,
    OPT_METRICS_LISTEN,
    OPT_TEXTFILE,
};

static const struct option monitor_options[] = {
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"no-jitter", no_argument, NULL, OPT_NO_JITTER},
    {"count", required_argument, NULL, OPT_COUNT},
    {"down-after", required_argument, NULL, OPT_DOWN_AFTER},
    {"recover-after", required_argument, NULL, OPT_RECOVER_AFTER},
    {"alert-cmd", required_argument, NULL, OPT_ALERT_CMD},
    {"alert-webhook", required_argument, NULL, OPT_WEBHOOK},
    {"alertmanager", required_argument, NULL, OPT_ALERTMANAGER},
    {"alert-timeout", required_argument, NULL, OPT_ALERT_TIMEOUT},
    {"alert-on-failure", no_argument, NULL, OPT_ALERT_ON_FAILURE},
    {"log-results", required_argument, NULL, OPT_LOG_RESULTS},
    {"store-results", required_argument, NULL, OPT_LOG_RESULTS},
    {"var", required_argument, NULL, OPT_VAR},
    {"secret", required_argument, NULL, OPT_SECRET},
    {"secret-name", required_argument, NULL, OPT_SECRET_NAME},
    {"tag", required_argument, NULL, OPT_TAG},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"no-fork", no_argument, NULL, OPT_NO_FORK},
    {"color", required_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"vars-file", required_argument, NULL, OPT_VARS_FILE},
    {"metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN},
    {"textfile", required_argument, NULL, OPT_TEXTFILE},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "wscheck: %s%s%s\nTry 'wscheck monitor --help'.\n", what,
            arg ? " " : "", arg ? arg : "");
    return WSC_EXIT_USAGE;
}

/* A number >= min; an integer when `integer`. */
static int number(const char *opt, const char *s, double min, int integer, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < min || (integer && v != (double)(long)v) ||
        v > 1e9) {
        char what[96];
        snprintf(what, sizeof(what), "%s needs %s >= %g, got:", opt,
                 integer ? "an integer" : "a number", min);
        return usage_error(what, s);
    }
    *out = v;
    return 0;
}

/* The options that set a number. Returns 0 or an exit status. */
static int number_option(int opt, const char *arg, struct monitor_config *c)
{
    double v;
    int rc = 0;
    switch (opt) {
    case OPT_INTERVAL:
        if (!(rc = number("--interval", arg, 0, 0, &v)))
            c->interval = v;
        break;
    case OPT_COUNT:
        if (!(rc = number("--count", arg, 1, 1, &v)))
            c->count = (unsigned long)v;
        break;
    case OPT_DOWN_AFTER:
    case OPT_RECOVER_AFTER:
        if (!(rc = number(opt == OPT_DOWN_AFTER ? "--down-after" : "--recover-after", arg,
                          1, 1, &v)))
            *(opt == OPT_DOWN_AFTER ? &c->down_after : &c->recover_after) = (unsigned)v;
        break;
    case OPT_ALERT_TIMEOUT:
        if (!(rc = number("--alert-timeout", arg, 0.1, 0, &v)))
            c->alert_timeout = v;
        break;
    case OPT_TIMEOUT:
        if (!(rc = number("--timeout", arg, 0.001, 0, &v)))
            c->run.opts.timeout = v;
        break;
    default: /* OPT_RETRIES */
        if (!(rc = number("--retries", arg, 0, 1, &v)))
            c->run.opts.retries = (int)v;
        break;
    }
    return rc;
}

/* The options `wscheck run` has too. Returns 0, -1 (out of memory) or an
 * exit status. */
static int run_option(int opt, const char *arg, struct monitor_config *c, int *verbose)
{
    struct wsc_run_config *r = &c->run;
    int rc;
    switch (opt) {
    case OPT_VAR:
        if ((rc = wsc_parse_var(r->cli_vars, arg)) == -2)
            return usage_error("--var: invalid variable name:", arg);
        return rc < 0 ? usage_error("--var needs NAME=VALUE, got:", arg) : 0;
    case OPT_SECRET:
        if (!wsc_var_name_valid(arg))
            return usage_error("--secret: invalid variable name:", arg);
        return wsc_vars_mark_secret(r->cli_vars, arg);
    case OPT_SECRET_NAME:
        return *arg ? wsc_redactor_add_name(r->redactor, arg)
                    : usage_error("--secret-name needs a name", NULL);
    case OPT_TAG:
        return wsc_strv_push(&r->opts.tags, &r->opts.n_tags, arg);
    case OPT_FILTER:
        return wsc_strv_push(&r->opts.filters, &r->opts.n_filters, arg);
    case OPT_PLUGIN_PATH:
        return wsc_strv_push(&r->plugin_paths, &r->n_plugin_paths, arg);
    case OPT_CONFIG:
        r->config_path = arg;
        return 0;
    case OPT_VARS_FILE:
        return wsc_strv_push(&r->vars_files, &r->n_vars_files, arg);
    case OPT_STRICT:
        r->opts.strict = 1;
        return 0;
    case OPT_NO_FORK:
        r->opts.no_fork = 1;
        return 0;
    case OPT_NO_COLOR:
        r->console.color_mode = WSC_WHEN_NEVER;
        return 0;
    case OPT_COLOR:
        return wsc_when_parse(arg, &r->console.color_mode) < 0
                   ? usage_error("--color must be auto, always or never, got:", arg)
                   : 0;
    default: /* 'v' */
        (*verbose)++;
        return 0;
    }
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, struct monitor_config *c, int *verbose)
{
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":hv", monitor_options, NULL)) != -1) {
        int rc = 0;
        if (opt == 'h') {
            fputs(monitor_usage, stdout);
            return WSC_EXIT_OK;
        } else if (opt == '?' || opt == ':') {
            return wsc_option_error("monitor", opt, argv, monitor_options);
        } else if (opt == OPT_NO_JITTER) {
            c->jitter = 0;
        } else if (opt == OPT_ALERT_ON_FAILURE) {
            /* alerts go wherever a channel is given */
        } else if (opt == OPT_ALERT_CMD || opt == OPT_WEBHOOK ||
                   opt == OPT_ALERTMANAGER || opt == OPT_LOG_RESULTS ||
                   opt == OPT_METRICS_LISTEN || opt == OPT_TEXTFILE) {
            if (!*optarg)
                return usage_error("an empty value for", argv[optind - 2]);
            *(opt == OPT_ALERT_CMD        ? &c->alert_cmd
              : opt == OPT_WEBHOOK        ? &c->webhook
              : opt == OPT_LOG_RESULTS    ? &c->log_path
              : opt == OPT_METRICS_LISTEN ? &c->metrics_listen
              : opt == OPT_TEXTFILE       ? &c->textfile_dir
                                          : &c->alertmanager) = optarg;
        } else if (opt >= OPT_INTERVAL && opt <= OPT_ALERT_TIMEOUT) {
            rc = number_option(opt, optarg, c);
        } else if (opt == OPT_TIMEOUT || opt == OPT_RETRIES) {
            rc = number_option(opt, optarg, c);
        } else {
            rc = run_option(opt, optarg, c, verbose);
        }
        if (rc < 0)
            return WSC_EXIT_INTERNAL;
        if (rc > 0)
            return rc;
    }
    if (optind >= argc)
        return usage_error("no scenario file given", NULL);
    return -1;
}

/* The configuration file below the command line: variables, redaction,
 * timeout and retries (wsc_setup_config_keep()), then the interval and the
 * alert settings the command line left unset (monitor_apply_config(), read
 * from the same loaded file). Returns -1 to go on, else an exit status. */
static int setup_config(struct monitor_config *c)
{
    int status = wsc_setup_config_keep(&c->run, &c->base, &c->conf);
    if (status != -1)
        return status;
    monitor_apply_config(c);
    return -1;
}

void monitor_apply_config(struct monitor_config *c)
{
    const struct wsc_config *f = &c->conf;
    if (c->interval < 0)
        c->interval = f->set & WSC_CFG_INTERVAL ? f->interval : WSC_DEFAULT_INTERVAL;
    if (!c->down_after)
        c->down_after = f->set & WSC_CFG_DOWN_AFTER ? (unsigned)f->alerts.down_after
                                                    : WSC_DEFAULT_DOWN_AFTER;
    if (!c->recover_after)
        c->recover_after = f->set & WSC_CFG_RECOVER_AFTER
                               ? (unsigned)f->alerts.recover_after
                               : WSC_DEFAULT_RECOVER_AFTER;
    if ((f->set & WSC_CFG_ON_FAILURE) && !f->alerts.on_failure)
        return;
    if (!c->alert_cmd)
        c->alert_cmd = f->alerts.command;
    if (!c->webhook)
        c->webhook = f->alerts.webhook;
    if (!c->alertmanager)
        c->alertmanager = f->alerts.alertmanager;
}

/* Per-test console lines only with -v: the round line is the default. */
static void setup_console(struct monitor_config *c, int verbose)
{
    struct wsc_run_config *r = &c->run;
    r->console.out = stdout;
    r->console.progress_mode = WSC_WHEN_NEVER;
    r->console.verbose = verbose > 1;
    r->opts.verbose = verbose > 1;
    r->opts.cli_vars = r->cli_vars;
    r->opts.redactor = r->redactor;
    if (verbose) {
        wsc_console_open(&r->console);
        r->opts.console = &r->console;
    }
}

static int start(struct monitor_config *c, int verbose)
{
    struct wsc_registry reg = {0};
    struct wsc_scenario **scs = NULL;
    int status = wsc_load_plugins(&reg, c->run.plugin_paths, c->run.n_plugin_paths);
    if (!status)
        status =
            wsc_load_valid_scenarios(c->files, c->n_files, &reg, &c->run, &c->base, &scs);
    if (!status) {
        setup_console(c, verbose);
        status = monitor_loop(c, &reg, scs);
        if (verbose)
            wsc_console_close(&c->run.console);
    }
    wsc_registry_free(&reg);
    return status;
}

int wsc_cmd_monitor(int argc, char **argv)
{
    struct monitor_config c;
    memset(&c, 0, sizeof(c));
    c.interval = -1; /* unset: the configuration's, else built-in */
    c.jitter = 1;
    c.alert_timeout = 10;
    c.run.opts.retries = -1;
    c.run.jobs = 1;
    c.run.cli_vars = wsc_vars_new();
    c.run.redactor = wsc_redactor_new();
    int verbose = 0;
    int status = c.run.cli_vars && c.run.redactor ? parse_args(argc, argv, &c, &verbose)
                                                  : WSC_EXIT_INTERNAL;
    if (status == -1)
        status = setup_config(&c);
    if (status == -1) {
        c.files = argv + optind;
        c.n_files = (size_t)(argc - optind);
        status = start(&c, verbose);
    }
    wsc_config_free(&c.conf);
    if (c.run.cli_vars)
        wsc_vars_free(c.run.cli_vars);
    if (c.run.arg_vars)
        wsc_vars_free(c.run.arg_vars);
    wsc_strv_free(c.run.vars_files, c.run.n_vars_files);
    wsc_redactor_free(c.run.redactor);
    wsc_strv_free(c.run.opts.tags, c.run.opts.n_tags);
    wsc_strv_free(c.run.opts.filters, c.run.opts.n_filters);
    wsc_strv_free(c.run.plugin_paths, c.run.n_plugin_paths);
    return status;
}
