/* `wscheck monitor`: the suite run in rounds, per-test states, alerts and
 * the results log. cmd_monitor.c reads the command line, monitor_loop.c
 * runs the rounds, monitor_round.c runs one. */
#ifndef WSC_MONITOR_H
#define WSC_MONITOR_H

#include <signal.h>
#include "cli.h"
#include "config_file.h"
#include "monitor_metrics.h"
#include "monitor_state.h"
#include "results_log.h"
#include "alert.h"

struct monitor_config {
    struct wsc_run_config run; /* selection, timeouts, vars, console */
    double interval;           /* seconds between round starts */
    int jitter;                /* delay the first round by 0..min(S, 5) s */
    unsigned long count;       /* rounds to run; 0: until stopped */
    unsigned down_after, recover_after;
    const char *alert_cmd, *webhook, *alertmanager;
    double alert_timeout;       /* seconds per alert and channel */
    const char *log_path;       /* --log-results */
    const char *metrics_listen; /* --metrics-listen ADDR:PORT */
    const char *textfile_dir;   /* --textfile DIR */
    struct wsc_settings base;   /* timeout and retries below the scenarios */
    struct wsc_config conf;     /* the configuration file's alert settings */
    char **files;
    size_t n_files;
    int no_reload;        /* the suite was built in memory (the quick
                                checks): SIGHUP only reopens the log */
    int alert_stderr;     /* also an alert line on stderr per transition */
    const char *mail_to;  /* mail each transition to this address */
    const char *mail_cmd; /* through this command (NULL: sendmail -t) */
};

/* What the rounds share: the loaded suite, states, the log. */
struct monitor {
    struct monitor_config *cfg;
    const struct wsc_registry *reg;
    struct wsc_scenario **scs; /* cfg->n_files of them */
    char ***servers;           /* per scenario, per test: "host:port" or NULL */
    struct monitor_states states;
    struct wsc_results_log *log;
    struct monitor_metrics *metrics; /* NULL: no exposition asked for */
    unsigned long round;
};

/* The interval, the down/recover counts and the alert channels of
 * c->conf where the command line left them unset. `alerts.on_failure:
 * false` mutes the file's channels only. */
void monitor_apply_config(struct monitor_config *c);

/* Set by the signal handlers: SIGTERM/SIGINT (stop after this round's
 * reports), SIGHUP (reload between rounds). */
extern volatile sig_atomic_t monitor_stop, monitor_hup;

/* Runs rounds until --count or a stop; returns the exit status. Takes
 * ownership of scs. */
int monitor_loop(struct monitor_config *cfg, const struct wsc_registry *reg,
                 struct wsc_scenario **scs);
/* Runs one round: every scenario, states, alerts, log lines, the round's
 * console line. Returns 1 when every test passed or was skipped, 0 when
 * one failed, -1 on an internal error. */
int monitor_round(struct monitor *m);
/* Sends the alert through every configured channel; failures are printed. */
void monitor_alert_send(const struct monitor *m, const struct monitor_alert *a,
                        int only_alertmanager);
/* The alert's line on stderr (cfg->alert_stderr) and mail (cfg->mail_to). */
void monitor_alert_local(const struct monitor_config *c, const struct monitor_alert *a);

#endif
