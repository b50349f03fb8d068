/* The seed's operations options for the quick checks (quick_seed.h): the
 * run's reports through `wscheck report`'s module, alerts through the
 * monitor's channels, mail through a mail command, and continuous
 * monitoring through the monitor's loop. */
#include "quick_seed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wscheck/plugin.h>

#include "monitor.h"
#include "report.h"
#include "util.h"

static int seed_usage(const char *what)
{
    fprintf(stderr, "wscheck: %s\nTry 'wscheck --check-port --help'.\n", what);
    return WSC_EXIT_USAGE;
}

int wsc_seed_check(struct wsc_quick_seed *q)
{
    if (q->integrate && !q->store)
        return seed_usage("--integrate-analytics reads the stored results: give "
                          "--store-results FILE too");
    if (q->count && !q->continuous)
        return seed_usage("--count goes with --continuous-monitoring");
    if (q->continuous && q->scheduled)
        return seed_usage("--continuous-monitoring and --scheduled-check exclude each "
                          "other (a scheduled check is one round)");
    if (q->continuous && (q->report || q->detailed || q->integrate))
        return seed_usage("--continuous-monitoring makes no report: run 'wscheck report' "
                          "over its --log-results file");
    if (q->email && q->email_to && !alert_mail_address_ok(q->email_to))
        return seed_usage("--email-on-failure: the address is empty or holds control "
                          "characters");
    return -1;
}

/* The recipient: the option's address, the configuration's
 * alerts.email.to, else the local user (as cron's MAILTO does). */
static const char *mail_recipient(const struct wsc_quick_seed *q,
                                  const struct wsc_config *conf)
{
    if (q->email_to)
        return q->email_to;
    if (conf->alerts.email_to)
        return conf->alerts.email_to;
    const char *user = getenv("LOGNAME");
    if (!user || !*user)
        user = getenv("USER");
    return user && *user && alert_mail_address_ok(user) ? user : NULL;
}

static int load_config(const struct wsc_quick_seed *q, struct wsc_config *conf)
{
    struct wsc_diag diag = {0};
    int rc = wsc_config_load(conf, q->config_path, &diag);
    wsc_diag_clear(&diag);
    return rc;
}

/* ---- a single run ---------------------------------------------------------- */

int wsc_seed_prepare(struct wsc_quick_seed *q, struct wsc_run_config *cfg)
{
    cfg->store_results_path = q->store;
    if (!q->report && !q->detailed)
        return -1;
    if (cfg->json_path && strcmp(cfg->json_path, "-") != 0)
        return -1; /* the reports read the run's own JSON report */
    if (cfg->json_path)
        return seed_usage("--generate-report reads the run's JSON report: give --json "
                          "a file, not '-'");
    const char *dir = getenv("TMPDIR");
    q->tmp_json = wsc_strdup_printf("%s/wscheck-run-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = q->tmp_json ? mkstemp(q->tmp_json) : -1;
    if (fd < 0) {
        fprintf(stderr,
                "wscheck: --generate-report: cannot create a temporary file: %s\n",
                strerror(errno));
        free(q->tmp_json);
        q->tmp_json = NULL;
        return WSC_EXIT_INTERNAL;
    }
    close(fd);
    cfg->json_path = q->tmp_json;
    return -1;
}

void wsc_seed_collect(struct wsc_quick_seed *q, const struct wsc_suite_result *s)
{
    if (!q->failures && !(q->failures = json_object_new_array()))
        return;
    for (size_t i = 0; i < s->n_tests; i++) {
        const struct wsc_result *r = &s->tests[i];
        q->n_results++;
        if (r->status != WSC_FAILED && r->status != WSC_ERROR)
            continue;
        struct json_object *f = json_object_new_object();
        if (!f)
            continue;
        json_object_object_add(f, "suite", json_object_new_string(s->name));
        json_object_object_add(f, "test", json_object_new_string(r->name));
        json_object_object_add(
            f, "message", json_object_new_string(r->message ? r->message : "failed"));
        json_object_object_add(f, "time",
                               json_object_new_double(r->started + r->duration));
        json_object_object_add(
            f, "status",
            json_object_new_string(r->status == WSC_ERROR ? "ERROR" : "FAILED"));
        json_object_array_add(q->failures, f);
    }
}

static const char *member_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* --generate-report and --generate-detailed-report over the run's JSON
 * report. Returns 0, or an exit status. */
static int write_reports(const struct wsc_quick_seed *q, const struct wsc_run_config *cfg,
                         FILE *console)
{
    char *inputs[] = {(char *)cfg->json_path};
    int rc = 0;
    if (q->report) {
        FILE *out = q->report_file ? fopen(q->report_file, "w") : console;
        if (!out) {
            fprintf(stderr, "wscheck: --generate-report: cannot write %s: %s\n",
                    q->report_file, strerror(errno));
            return WSC_EXIT_INTERNAL;
        }
        if (!q->report_file)
            fputs("\nReport:\n", out);
        rc = wsc_report_files(inputs, 1, out, NULL);
        if (q->report_file && fclose(out) != 0 && !rc)
            rc = WSC_EXIT_INTERNAL;
        if (!rc && q->report_file)
            fprintf(console, "report written to %s\n", q->report_file);
    }
    if (!rc && q->detailed) {
        const char *html = q->detailed_file ? q->detailed_file : WSC_DETAILED_REPORT_FILE;
        rc = wsc_report_files(inputs, 1, NULL, html);
        if (!rc)
            fprintf(console, "detailed report (HTML) written to %s\n", html);
    }
    return rc;
}

/* --integrate-analytics: every run stored so far. */
static int analytics(const struct wsc_quick_seed *q, FILE *console)
{
    char *inputs[] = {(char *)q->store};
    fprintf(console, "\nAnalytics over %s (every stored run):\n", q->store);
    fflush(console);
    return wsc_report_files(inputs, 1, console, NULL);
}

/* --alert-on-failure and --scheduled-check: a "down" alert per failed test
 * through the configuration's channels, else a line on stderr. */
static void send_alerts(const struct wsc_quick_seed *q, struct wsc_config *conf)
{
    struct monitor_config mc;
    memset(&mc, 0, sizeof(mc));
    mc.conf = *conf; /* borrowed: not freed through mc */
    mc.interval = 0;
    mc.alert_timeout = 10;
    monitor_apply_config(&mc);
    mc.alert_stderr = !mc.alert_cmd && !mc.webhook && !mc.alertmanager;
    struct monitor m = {.cfg = &mc};
    size_t n = json_object_array_length(q->failures);
    for (size_t i = 0; i < n; i++) {
        struct json_object *f = json_object_array_get_idx(q->failures, i), *t;
        double when = json_object_object_get_ex(f, "time", &t) ? json_object_get_double(t)
                                                               : wsc_wallclock();
        struct monitor_alert a = {.state = "down",
                                  .suite = member_str(f, "suite"),
                                  .test = member_str(f, "test"),
                                  .message = member_str(f, "message"),
                                  .since = when,
                                  .time = when};
        monitor_alert_send(&m, &a, 0);
    }
}

/* --email-on-failure: one mail listing the failures. */
static void send_mail(const struct wsc_quick_seed *q, const struct wsc_config *conf)
{
    const char *to = mail_recipient(q, conf);
    size_t n = json_object_array_length(q->failures);
    char host[256] = "localhost";
    if (gethostname(host, sizeof(host) - 1) < 0)
        strcpy(host, "localhost");
    host[sizeof(host) - 1] = '\0';
    if (!to) {
        fputs("wscheck: --email-on-failure: no address: give --email-on-failure=ADDRESS "
              "or alerts.email.to in the configuration file\n",
              stderr);
        return;
    }
    struct wsc_buf body = {0};
    char when[32];
    wsc_format_utc(when, sizeof(when), wsc_wallclock(), 1);
    wsc_buf_printf(&body, "wscheck on %s, %s: %zu of %zu tests failed.\n\n", host, when,
                   n, q->n_results);
    for (size_t i = 0; i < n; i++) {
        struct json_object *f = json_object_array_get_idx(q->failures, i);
        wsc_buf_printf(&body, "%s  %s / %s\n        %s\n", member_str(f, "status"),
                       member_str(f, "suite"), member_str(f, "test"),
                       member_str(f, "message"));
    }
    char *subject = wsc_strdup_printf("wscheck: %zu of %zu tests failed on %s", n,
                                      q->n_results, host);
    char *err = NULL;
    const char *cmd = conf->alerts.email_command;
    if (body.failed || !subject ||
        alert_mail_send(cmd, to, subject, body.data, 60, &err) < 0)
        fprintf(stderr, "wscheck: --email-on-failure: mail not sent: %s\n",
                err ? err : "out of memory");
    else
        fprintf(stderr, "wscheck: failure mail sent to %s\n", to);
    free(err);
    free(subject);
    wsc_buf_free(&body);
}

int wsc_seed_finish(struct wsc_quick_seed *q, const struct wsc_run_config *cfg,
                    FILE *console, int status)
{
    int ran = status == WSC_EXIT_OK || status == WSC_EXIT_FAILED;
    int rc = 0;
    fflush(console);
    if (ran && (q->report || q->detailed))
        rc = write_reports(q, cfg, console);
    if (ran && !rc && q->integrate)
        rc = analytics(q, console);
    size_t failed = q->failures ? json_object_array_length(q->failures) : 0;
    if (ran && failed && (q->alert_on_failure || q->scheduled || q->email)) {
        struct wsc_config conf;
        if (load_config(q, &conf) == 0) {
            if (q->alert_on_failure || q->scheduled)
                send_alerts(q, &conf);
            if (q->email)
                send_mail(q, &conf);
            wsc_config_free(&conf);
        }
    }
    if (q->tmp_json)
        unlink(q->tmp_json);
    return rc ? rc : status;
}

void wsc_seed_free(struct wsc_quick_seed *q)
{
    json_object_put(q->failures);
    q->failures = NULL;
    free(q->tmp_json);
    q->tmp_json = NULL;
}

/* ---- --test-configuration ---------------------------------------------------- */

int wsc_seed_file_kind(const char *path)
{
    struct wsc_json_doc doc;
    struct wsc_diag diag = {0};
    if (wsc_json_doc_load(&doc, path, 1, &diag) < 0) {
        wsc_diag_clear(&diag);
        return -1;
    }
    wsc_diag_clear(&diag);
    int kind = -1;
    if (json_object_is_type(doc.root, json_type_object)) {
        if (json_object_object_get_ex(doc.root, "tests", NULL))
            kind = 1;
        else if (json_object_object_get_ex(doc.root, "mcp_server_endpoints", NULL))
            kind = 0;
    }
    if (kind < 0)
        fprintf(
            stderr,
            "wscheck: --test-configuration %s: neither a scenario file (no \"tests\", "
            "see wscheck-scenario(5)) nor a configuration file (no "
            "\"mcp_server_endpoints\", see wscheck-config(5))\n",
            path);
    wsc_json_doc_clear(&doc);
    return kind;
}

/* ---- --continuous-monitoring ------------------------------------------------- */

static int validate_all(struct wsc_scenario **scs, size_t n,
                        const struct wsc_registry *reg, const struct wsc_vars *cli_vars)
{
    struct wsc_diag diag = {0};
    int problems = 0;
    for (size_t i = 0; i < n; i++)
        problems += scs[i]->structure_errors +
                    wsc_scenario_validate(scs[i], reg, cli_vars, &diag);
    wsc_diag_clear(&diag);
    return problems;
}

/* The monitor's settings: the configuration's interval and down/recover
 * counts; its alert channels only with --alert-on-failure, and then a
 * line on stderr when it has none. */
static int monitor_setup(const struct wsc_quick_seed *q, struct monitor_config *mc,
                         int verbose, int strict)
{
    mc->interval = q->interval;
    mc->jitter = 1;
    mc->count = q->count;
    mc->alert_timeout = 10;
    mc->log_path = q->store;
    mc->no_reload = 1;
    mc->run.opts.retries = -1;
    mc->run.opts.strict = strict;
    mc->run.jobs = 1;
    mc->run.config_path = q->config_path;
    mc->run.cli_vars = wsc_vars_new();
    mc->run.redactor = wsc_redactor_new();
    if (!mc->run.cli_vars || !mc->run.redactor)
        return WSC_EXIT_INTERNAL;
    int status = wsc_setup_config_keep(&mc->run, &mc->base, &mc->conf);
    if (status != -1)
        return status;
    monitor_apply_config(mc);
    if (!q->alert_on_failure)
        mc->alert_cmd = mc->webhook = mc->alertmanager = NULL;
    mc->alert_stderr =
        q->alert_on_failure && !mc->alert_cmd && !mc->webhook && !mc->alertmanager;
    if (q->email) {
        mc->mail_to = mail_recipient(q, &mc->conf);
        mc->mail_cmd = mc->conf.alerts.email_command;
        if (!mc->mail_to)
            return seed_usage("--email-on-failure: no address: give "
                              "--email-on-failure=ADDRESS or alerts.email.to in the "
                              "configuration file");
    }
    struct wsc_run_config *r = &mc->run;
    r->console.out = stdout;
    r->console.progress_mode = WSC_WHEN_NEVER;
    r->opts.cli_vars = r->cli_vars;
    r->opts.redactor = r->redactor;
    if (verbose) {
        wsc_console_open(&r->console);
        r->opts.console = &r->console;
    }
    return -1;
}

static void monitor_teardown(struct monitor_config *mc, int verbose)
{
    if (verbose && mc->run.opts.console)
        wsc_console_close(&mc->run.console);
    wsc_config_free(&mc->conf);
    if (mc->run.cli_vars)
        wsc_vars_free(mc->run.cli_vars);
    if (mc->run.arg_vars)
        wsc_vars_free(mc->run.arg_vars);
    wsc_redactor_free(mc->run.redactor);
}

int wsc_seed_monitor(struct wsc_quick_seed *q, const struct wsc_registry *reg,
                     struct wsc_scenario **scs, char **names, size_t n, int verbose,
                     int strict)
{
    struct monitor_config mc;
    memset(&mc, 0, sizeof(mc));
    int status = monitor_setup(q, &mc, verbose, strict);
    if (status == -1 && validate_all(scs, n, reg, mc.run.cli_vars))
        status = WSC_EXIT_USAGE;
    if (status == -1) {
        mc.files = names;
        mc.n_files = n;
        status = monitor_loop(&mc, reg, scs);
    } else {
        wsc_scenarios_free(scs, n);
    }
    monitor_teardown(&mc, verbose);
    return status;
}
