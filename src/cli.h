/* The wscheck command line: subcommands and what they share. */
#ifndef WSC_CLI_H
#define WSC_CLI_H

#include <stddef.h>
#include "registry.h"
#include "runner.h"
#include "scenario.h"
#include "shard.h"

enum wsc_exit {
    WSC_EXIT_OK = 0,       /* every test passed or was skipped */
    WSC_EXIT_FAILED = 1,   /* at least one test failed or errored */
    WSC_EXIT_USAGE = 2,    /* usage or scenario error; nothing was run */
    WSC_EXIT_INTERNAL = 3, /* report not written, no plugins, out of memory */
};

/* How a run is executed and reported, shared by `run` and the quick checks. */
struct wsc_run_config {
    struct wsc_run_options opts;
    struct wsc_console console;
    const char *junit_path;
    struct wsc_junit_options junit; /* --junit-flaky */
    const char *json_path;
    const char *tap_path;
    const char *store_results_path; /* --store-results: JSON lines appended */
    struct wsc_shard shard;         /* --shard I/N; total 0: none */
    int jobs;
    char **plugin_paths;
    size_t n_plugin_paths;
    struct wsc_vars *cli_vars;
    struct wsc_redactor *redactor; /* --secret-name names; opts.redactor */
    const char *config_path;       /* --config FILE, or NULL: searched */
    char **vars_files;             /* --vars-file FILE..., in order */
    size_t n_vars_files;
    struct wsc_vars *arg_vars; /* the --var ones only (unused-var check);
                                      NULL: cli_vars */
    /* called with each finished suite (quick checks print a diagnosis) */
    void (*on_suite)(const struct wsc_suite_result *s, void *arg);
    void *on_suite_arg;
    int nagios;      /* --nagios: Nagios plugin output and exit status */
    int nagios_done; /* wsc_execute() has printed it */
};

int wsc_cmd_run(int argc, char **argv, int validate_only);
int wsc_cmd_plugins(int argc, char **argv);
int wsc_cmd_merge(int argc, char **argv);
int wsc_cmd_config(int argc, char **argv);
/* Loads the configuration file (cfg->config_path, else the one found), the
 * environment's defaults and the --vars-file files into cfg (variables,
 * redaction) and *base; the scenarios' tests then take base's timeout and
 * retries where they set none. Returns -1 to go on, else an exit status
 * (problems reported). */
struct wsc_settings;
int wsc_setup_config(struct wsc_run_config *cfg, struct wsc_settings *base);
/* `wscheck report`: analytics over results logs and JSON reports. */
int wsc_cmd_report(int argc, char **argv);
int wsc_cmd_quick_checks(int argc, char **argv);
int wsc_cmd_monitor(int argc, char **argv);
/* `wscheck load`: a scenario's tests under load (cmd_load.c). */
int wsc_cmd_load(int argc, char **argv);
int wsc_is_quick_check_option(const char *arg);
/* Reports, in one line, the option getopt_long() refused with opt ('?':
 * unknown, ':' a value missing; call it with opterr = 0 and an optstring
 * starting with ':'), naming `wscheck CMD --help` (cmd "" for the quick
 * checks); longopts tells a flag given a value ("--strict=1") from an
 * unknown option. Returns WSC_EXIT_USAGE. */
struct option;
int wsc_option_error(const char *cmd, int opt, char *const *argv,
                     const struct option *longopts);

/* Search path: --plugin-path dirs, WSCHECK_PLUGIN_PATH, the build tree when
 * running from it (else the installed plugin directory). */
int wsc_plugin_dirs(char *const *extra, size_t n_extra, char ***dirs, size_t *n);
/* Loads the plugins; refusals are printed as warnings. Returns 0 or
 * WSC_EXIT_INTERNAL. */
int wsc_load_plugins(struct wsc_registry *reg, char *const *extra, size_t n_extra);

/* Validates the loaded scenarios and runs them; writes the reports.
 * Takes ownership of nothing. Returns the exit status. */
int wsc_execute(struct wsc_scenario **scs, size_t n, const struct wsc_registry *reg,
                struct wsc_run_config *cfg);
/* Loads and validates scenario files as `wscheck run` does, printing every
 * problem (FILE:LINE:COL: ...); their tests take base's timeout and retries
 * where they set none (wsc_setup_config()). Returns 0 with *out (n
 * scenarios, for wsc_scenarios_free()), else WSC_EXIT_USAGE or
 * WSC_EXIT_INTERNAL. */
struct wsc_settings;
int wsc_load_valid_scenarios(char **files, size_t n, const struct wsc_registry *reg,
                             const struct wsc_run_config *cfg,
                             const struct wsc_settings *base, struct wsc_scenario ***out);
void wsc_scenarios_free(struct wsc_scenario **scs, size_t n);
/* Fills the console settings from the flags; colours and the status line
 * are decided by wsc_console_open() once the console stream is known. */
void wsc_console_setup(struct wsc_console *c, int no_color, int quiet, int verbose);
/* Adds NAME=VALUE to vars; -1 when there is no '=', -2 when NAME breaks the
 * name rule of variables (wsc_var_name_valid()). */
int wsc_parse_var(struct wsc_vars *vars, const char *assignment);

#endif
