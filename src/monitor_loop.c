/* The rounds of `wscheck monitor`: a jittered first start, then one round
 * every interval without overlap (a round longer than the interval starts
 * the next at once, and says so); SIGHUP reloads the scenarios and reopens
 * the log between rounds; SIGTERM/SIGINT end the running round's tests,
 * which are still logged, and exit 0. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wscheck/plugin.h>

#include "monitor.h"
#include "util.h"

volatile sig_atomic_t monitor_stop, monitor_hup;

static void on_stop(int sig)
{
    monitor_stop = sig;
}

static void on_hup(int sig)
{
    (void)sig;
    monitor_hup = 1;
}

/* No SA_RESTART: a sleep or a test's poll returns EINTR and sees the flag. */
static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static void free_servers(struct monitor *m)
{
    for (size_t i = 0; m->servers && i < m->cfg->n_files; i++)
        wsc_servers_free(m->servers[i], m->scs[i] ? m->scs[i]->n_tests : 0);
    free(m->servers);
    m->servers = NULL;
}

static int compute_servers(struct monitor *m)
{
    const struct wsc_run_config *rc = &m->cfg->run;
    m->servers = calloc(m->cfg->n_files ? m->cfg->n_files : 1, sizeof(*m->servers));
    if (!m->servers)
        return -1;
    for (size_t i = 0; i < m->cfg->n_files; i++)
        m->servers[i] = wsc_scenario_servers(m->scs[i], rc->cli_vars, rc->redactor);
    return 0;
}

/* The states of tests no longer in the suite are dropped: a test removed
 * while down must not stay down forever. */
static void retain_states(struct monitor *m)
{
    char **keep = NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->cfg->n_files; i++)
        for (size_t k = 0; k < m->scs[i]->n_tests; k++) {
            char *key =
                wsc_strdup_printf("%s\t%s", m->scs[i]->name, m->scs[i]->tests[k].name);
            if (!key || wsc_strv_push(&keep, &n, key) < 0) {
                free(key);
                wsc_strv_free(keep, n);
                return; /* out of memory: keep every state */
            }
            free(key);
        }
    monitor_states_retain(&m->states, keep, n);
    if (m->metrics)
        monitor_metrics_retain(m->metrics, (const char *const *)keep, n);
    wsc_strv_free(keep, n);
}

static void reopen_log(struct monitor *m)
{
    char *err = NULL;
    if (m->log && wsc_results_log_reopen(m->log, &err) < 0)
        fprintf(stderr, "wscheck: SIGHUP: %s (still writing to the old file)\n", err);
    free(err);
}

/* SIGHUP: a suite that does not load or validate keeps the old one (the
 * loader printed every problem as FILE:LINE:COL). */
static void reload(struct monitor *m)
{
    struct wsc_scenario **scs = NULL;
    monitor_hup = 0;
    reopen_log(m);
    if (m->cfg->no_reload)
        return;
    int rc = wsc_load_valid_scenarios(m->cfg->files, m->cfg->n_files, m->reg,
                                      &m->cfg->run, &m->cfg->base, &scs);
    if (rc != 0) {
        fprintf(stderr, "wscheck: SIGHUP: the scenarios have errors; still running the "
                        "previous ones\n");
        return;
    }
    free_servers(m);
    wsc_scenarios_free(m->scs, m->cfg->n_files);
    m->scs = scs;
    if (compute_servers(m) < 0)
        fprintf(stderr, "wscheck: out of memory: the log leaves out servers\n");
    retain_states(m);
    fprintf(stdout, "reloaded %zu scenario file%s\n", m->cfg->n_files,
            m->cfg->n_files == 1 ? "" : "s");
    fflush(stdout);
}

/* Waits until the monotonic time `until`, reloading on SIGHUP meanwhile.
 * Returns early on a stop. */
static void wait_until(struct monitor *m, double until)
{
    while (!monitor_stop) {
        if (monitor_hup)
            reload(m);
        double left = until - wsc_now();
        if (left <= 0)
            return;
        poll(NULL, 0, left > 0.5 ? 500 : (int)(left * 1000) + 1);
    }
}

static double first_delay(const struct monitor_config *c)
{
    if (!c->jitter)
        return 0;
    double most = c->interval < 5 ? c->interval : 5;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid() * 2654435761u;
    return most * ((double)(rand_r(&seed) % 10000) / 10000.0);
}

static void overran(const struct monitor *m, double took)
{
    fprintf(stdout, "round %lu took %.1f s, longer than the %g s interval\n", m->round,
            took, m->cfg->interval);
    fflush(stdout);
}

static int open_log(struct monitor *m)
{
    char *err = NULL;
    if (!m->cfg->log_path)
        return 0;
    m->log = wsc_results_log_open(m->cfg->log_path, &err);
    if (!m->log)
        fprintf(stderr, "wscheck: %s\n", err ? err : "out of memory");
    free(err);
    return m->log ? 0 : -1;
}

/* --metrics-listen and --textfile: the exposition exists only when asked
 * for. A port that cannot be bound is an error before the first round. */
static int open_metrics(struct monitor *m)
{
    const struct monitor_config *c = m->cfg;
    if (!c->metrics_listen && !c->textfile_dir)
        return 0;
    char *err = NULL;
    if (!(m->metrics = monitor_metrics_new())) {
        fprintf(stderr, "wscheck: out of memory\n");
        return -1;
    }
    if (c->metrics_listen &&
        monitor_metrics_listen(m->metrics, c->metrics_listen, &err) < 0) {
        fprintf(stderr, "wscheck: --metrics-listen %s: %s\n", c->metrics_listen,
                err ? err : "out of memory");
        free(err);
        return -1;
    }
    if (c->metrics_listen)
        fprintf(stdout, "metrics on port %d: GET /metrics\n",
                monitor_metrics_port(m->metrics));
    return 0;
}

/* After a round: its figures, and the textfile collector's file. */
static void round_metrics(struct monitor *m, double took)
{
    if (!m->metrics)
        return;
    double interval = m->cfg->interval;
    if (monitor_metrics_round(m->metrics, took, interval > 0 && took > interval) < 0)
        fprintf(stderr, "wscheck: out of memory: the round's metrics are not updated\n");
    char *err = NULL;
    if (m->cfg->textfile_dir &&
        monitor_metrics_write_textfile(m->metrics, m->cfg->textfile_dir, &err) < 0)
        fprintf(stderr, "wscheck: --textfile %s: %s\n", m->cfg->textfile_dir,
                err ? err : "out of memory");
    free(err);
}

static void monitor_free(struct monitor *m)
{
    monitor_metrics_free(m->metrics);
    free_servers(m);
    wsc_scenarios_free(m->scs, m->cfg->n_files);
    monitor_states_free(&m->states);
    wsc_results_log_close(m->log);
}

static int rounds(struct monitor *m)
{
    int passed = 1;
    double next = wsc_now() + first_delay(m->cfg);
    while (!monitor_stop) {
        wait_until(m, next);
        if (monitor_stop)
            break;
        m->round++;
        double t0 = wsc_now();
        if ((passed = monitor_round(m)) < 0)
            return WSC_EXIT_INTERNAL;
        double took = wsc_now() - t0;
        round_metrics(m, took);
        if (m->cfg->count && m->round >= m->cfg->count)
            break;
        if (took > m->cfg->interval && m->cfg->interval > 0)
            overran(m, took);
        next = took > m->cfg->interval ? wsc_now() : t0 + m->cfg->interval;
    }
    if (monitor_stop)
        return WSC_EXIT_OK;
    return passed ? WSC_EXIT_OK : WSC_EXIT_FAILED;
}

int monitor_loop(struct monitor_config *cfg, const struct wsc_registry *reg,
                 struct wsc_scenario **scs)
{
    struct monitor m = {.cfg = cfg, .reg = reg, .scs = scs};
    m.states.down_after = cfg->down_after;
    m.states.recover_after = cfg->recover_after;
    cfg->run.opts.interrupted = &monitor_stop;
    if (open_log(&m) < 0 || open_metrics(&m) < 0 || compute_servers(&m) < 0) {
        monitor_free(&m);
        return WSC_EXIT_INTERNAL;
    }
    install_handlers();
    size_t tests = 0;
    for (size_t i = 0; i < cfg->n_files; i++)
        for (size_t k = 0; k < scs[i]->n_tests; k++)
            tests += wsc_test_selected(&scs[i]->tests[k], &cfg->run.opts) != 0;
    fprintf(stdout, "monitoring %zu test%s of %zu file%s every %g s\n", tests,
            tests == 1 ? "" : "s", cfg->n_files, cfg->n_files == 1 ? "" : "s",
            cfg->interval);
    fflush(stdout);
    int status = rounds(&m);
    monitor_free(&m);
    return status;
}
