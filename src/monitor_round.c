/* One round of `wscheck monitor`: every scenario run as `wscheck run`
 * would, each result applied to its test's state, alerts on transitions,
 * the round's log lines (synced), and one console line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/plugin.h>

#include "monitor.h"
#include "util.h"

/* The round's tally and its first failure, for the console line. */
struct tally {
    size_t n[4]; /* by wsc_status */
    char *first; /* "test: message" of the first failure */
};

void monitor_alert_send(const struct monitor *m, const struct monitor_alert *a,
                        int repost)
{
    const struct monitor_config *c = m->cfg;
    int resolved = strcmp(a->state, "recovered") == 0;
    char *err = NULL;
    if (!repost && c->alert_cmd &&
        alert_command(c->alert_cmd, a, c->alert_timeout, &err) < 0)
        fprintf(stderr, "wscheck: alert not delivered (--alert-cmd): %s\n", err);
    free(err);
    err = NULL;
    if (!repost && c->webhook) {
        struct json_object *ev = alert_event_json(a);
        if (!ev || alert_post(c->webhook,
                              json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN),
                              c->alert_timeout, &err) < 0)
            fprintf(stderr, "wscheck: alert not delivered (--alert-webhook): %s\n",
                    err ? err : "out of memory");
        json_object_put(ev);
    }
    free(err);
    err = NULL;
    if (c->alertmanager &&
        alert_alertmanager(c->alertmanager, a, resolved, c->alert_timeout, &err) < 0)
        fprintf(stderr, "wscheck: alert not delivered (--alertmanager): %s\n", err);
    free(err);
    if (!repost)
        monitor_alert_local(c, a);
}

/* The channels without a server: a line on stderr, a mail. */
void monitor_alert_local(const struct monitor_config *c, const struct monitor_alert *a)
{
    int down = strcmp(a->state, "down") == 0;
    char *suite = wsc_term_safe(a->suite), *test = wsc_term_safe(a->test);
    char *msg = wsc_term_safe(a->message ? a->message : "");
    if (c->alert_stderr && suite && test && msg)
        fprintf(stderr, "wscheck: ALERT %s: %s / %s: %s\n", down ? "DOWN" : "RECOVERED",
                suite, test, msg);
    if (c->mail_to) {
        char *subject = wsc_strdup_printf("wscheck: %s %s / %s",
                                          down ? "DOWN" : "RECOVERED", a->suite, a->test);
        char *body =
            wsc_strdup_printf("%s / %s is %s: %s\n", a->suite, a->test,
                              down ? "down" : "up again", a->message ? a->message : "");
        char *err = NULL;
        if (!subject || !body ||
            alert_mail_send(c->mail_cmd, c->mail_to, subject, body, c->alert_timeout,
                            &err) < 0)
            fprintf(stderr, "wscheck: alert not delivered (--email-on-failure): %s\n",
                    err ? err : "out of memory");
        free(err);
        free(subject);
        free(body);
    }
    free(suite);
    free(test);
    free(msg);
}

static void transition_line(const struct monitor *m, const struct monitor_alert *a)
{
    char *suite = wsc_term_safe(a->suite), *test = wsc_term_safe(a->test);
    char *msg = wsc_term_safe(a->message);
    fprintf(stdout, "round %lu: %s %s / %s: %s\n", m->round,
            strcmp(a->state, "down") == 0 ? "DOWN" : "RECOVERED", suite, test, msg);
    free(suite);
    free(test);
    free(msg);
}

/* The result in the Prometheus exposition, with the test's state. */
static void observe(struct monitor *m, const struct wsc_suite_result *s,
                    const struct wsc_result *r, const struct monitor_test_state *st,
                    double when)
{
    if (!m->metrics)
        return;
    static const char *const status_names[] = {"passed", "failed", "error", "skipped"};
    struct json_object *metrics = wsc_results_log_metrics(r);
    struct monitor_observation o = {.suite = s->name,
                                    .test = r->name,
                                    .status = status_names[r->status],
                                    .up = st->health != MONITOR_DOWN,
                                    .duration_s = r->duration,
                                    .finished = when,
                                    .metrics = metrics};
    if (monitor_metrics_observe(m->metrics, &o) < 0)
        fprintf(stderr,
                "wscheck: out of memory: the metrics of %s / %s are not updated\n",
                s->name, r->name);
    json_object_put(metrics);
}

/* The state change of one result, and its alerts. */
static void apply_result(struct monitor *m, const struct wsc_suite_result *s,
                         const struct wsc_result *r)
{
    double when = r->started + r->duration;
    struct monitor_test_state *st = monitor_state_get(&m->states, s->name, r->name);
    if (!st) {
        fprintf(stderr, "wscheck: out of memory keeping the state of a test\n");
        return;
    }
    enum monitor_event ev = monitor_state_apply(&m->states, st, r->status, when);
    struct monitor_alert a = {.suite = s->name,
                              .test = r->name,
                              .since = st->down_since,
                              .time = when,
                              .round = m->round};
    char since[32], took[32], *text = NULL;
    if (ev == MONITOR_RECOVERED) {
        a.state = "recovered";
        a.downtime = when - st->down_since;
        wsc_format_utc(since, sizeof(since), st->down_since, 1);
        monitor_format_duration(took, sizeof(took), a.downtime);
        a.message = text = wsc_strdup_printf("down for %s since %s", took, since);
    } else if (st->health == MONITOR_DOWN && r->status != WSC_SKIPPED) {
        a.state = "down";
        a.message = r->status == WSC_PASSED ? "passed, not yet recovered"
                                            : (r->message ? r->message : "failed");
    }
    observe(m, s, r, st, when);
    if (ev != MONITOR_NO_EVENT)
        transition_line(m, &a);
    if (a.state)
        monitor_alert_send(m, &a, ev == MONITOR_NO_EVENT);
    free(text);
}

static void count_result(struct tally *t, const struct wsc_result *r)
{
    t->n[r->status]++;
    if ((r->status == WSC_FAILED || r->status == WSC_ERROR) && !t->first)
        t->first =
            wsc_strdup_printf("%s: %s", r->name, r->message ? r->message : "failed");
}

/* "round 3: 5 passed, 1 failed (handshake: ...)" */
static void round_line(const struct monitor *m, const struct tally *t, double seconds)
{
    static const char *const names[] = {"passed", "failed", "errors", "skipped"};
    char line[512];
    size_t len = (size_t)snprintf(line, sizeof(line), "round %lu:", m->round);
    int first = 1;
    for (int i = 0; i < 4 && len < sizeof(line); i++) {
        if (!t->n[i] && !(i == WSC_PASSED && first && !t->n[1] && !t->n[2] && !t->n[3]))
            continue;
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %zu %s",
                                first ? "" : ",", t->n[i], names[i]);
        first = 0;
    }
    char *why = t->first ? wsc_term_safe(t->first) : NULL;
    /* one line: a long message is cut (the log and alerts have it whole) */
    if (why && strlen(why) > 160) {
        size_t cut = 157;
        while (cut > 0 && ((unsigned char)why[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 character */
        strcpy(why + cut, "...");
    }
    size_t bad = t->n[WSC_FAILED] + t->n[WSC_ERROR];
    fprintf(stdout, "%s in %.1f s%s%s%s%s\n", line, seconds, why ? " (" : "",
            why ? why : "", why && bad > 1 ? "; ..." : "", why ? ")" : "");
    fflush(stdout);
    free(why);
}

static void log_suite(struct monitor *m, size_t i, const struct wsc_suite_result *s)
{
    char *err = NULL;
    if (m->log && wsc_results_log_suite(m->log, "monitor", m->round, s, m->servers[i],
                                        m->servers[i] ? m->scs[i]->n_tests : 0, &err) < 0)
        fprintf(stderr, "wscheck: %s\n", err);
    free(err);
}

int monitor_round(struct monitor *m)
{
    struct tally t = {{0}, NULL};
    double t0 = wsc_now();
    int rc = 1;
    for (size_t i = 0; i < m->cfg->n_files; i++) {
        struct wsc_suite_result s;
        struct wsc_diag diag = {0};
        if (wsc_run_scenario(m->scs[i], m->reg, &m->cfg->run.opts, &s, &diag) < 0) {
            /* the variables could not be set up: diag said why */
            t.n[WSC_ERROR]++;
            rc = 0;
        } else {
            for (size_t k = 0; k < s.n_tests; k++) {
                count_result(&t, &s.tests[k]);
                apply_result(m, &s, &s.tests[k]);
            }
            log_suite(m, i, &s);
        }
        wsc_suite_result_clear(&s);
        wsc_diag_clear(&diag);
    }
    char *err = NULL;
    if (m->log && wsc_results_log_sync(m->log, &err) < 0)
        fprintf(stderr, "wscheck: %s\n", err);
    free(err);
    if (t.n[WSC_FAILED] || t.n[WSC_ERROR])
        rc = 0;
    round_line(m, &t, wsc_now() - t0);
    free(t.first);
    return rc;
}
