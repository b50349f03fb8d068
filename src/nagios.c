/* `wscheck run --nagios`: the Nagios plugin output of a run.
 *
 *   WSCHECK CRITICAL - 1 of 5 failed: handshake: connection refused | 'handshake_duration'=0.012s;;;0 ...
 *   CRITICAL: websocket services: handshake: connection refused
 *
 * Text comes from the results, redacted before any report sees them; it is
 * made one line each and loses '|', which would start the performance data.
 * Performance data: every test's duration in seconds, and every metric with
 * its unit as a Nagios unit of measure (ms and us become s; %, B, KB, MB,
 * GB, TB as they are; counts and other units bare numbers: Nagios' "c" is
 * for continuous counters, and a check metric is the value of one run). */
#include "nagios.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* Text on one line: controls made visible, newlines as spaces, '|' as '/'. */
static void put_text(struct wsc_buf *b, const char *s, size_t max)
{
    char *safe = wsc_term_safe(s ? s : "");
    size_t n = 0;
    for (const char *p = safe ? safe : ""; *p && n < max; p++, n++) {
        char c = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p == '|' ? '/' : *p;
        wsc_buf_append(b, &c, 1);
    }
    if (safe && strlen(safe) > max)
        wsc_buf_puts(b, "...");
    free(safe);
}

/* A perfdata label: quoted, a quote doubled, '=' (which would end it)
 * replaced. */
static void put_label(struct wsc_buf *b, const char *suite, const char *test,
                      const char *what)
{
    struct wsc_buf raw = {0};
    if (suite)
        wsc_buf_printf(&raw, "%s/", suite);
    wsc_buf_printf(&raw, "%s_%s", test ? test : "", what);
    wsc_buf_puts(b, " '");
    char *safe = wsc_term_safe(raw.data ? raw.data : "");
    for (const char *p = safe ? safe : ""; *p; p++) {
        if (*p == '\'')
            wsc_buf_puts(b, "''");
        else
            wsc_buf_append(b, *p == '=' || *p == '\n' || *p == '|' ? "_" : p, 1);
    }
    wsc_buf_puts(b, "'=");
    free(safe);
    wsc_buf_free(&raw);
}

/* A metric's value in a Nagios unit of measure. */
static void put_value(struct wsc_buf *b, double v, const char *unit)
{
    static const char *const same[] = {"s", "%", "B", "KB", "MB", "GB", "TB", "c", NULL};
    const char *uom = "";
    if (unit && strcmp(unit, "ms") == 0) {
        v /= 1e3;
        uom = "s";
    } else if (unit && (strcmp(unit, "us") == 0 || strcmp(unit, "\xc2\xb5s") == 0)) {
        v /= 1e6;
        uom = "s";
    } else if (unit && (strcmp(unit, "bytes") == 0 || strcmp(unit, "byte") == 0)) {
        uom = "B";
    } else if (unit && wsc_str_in_list(same, unit)) {
        uom = unit;
    }
    wsc_buf_printf(b, "%.6g%s", v, uom);
}

/* Is the metric at i recorded again later (only the last value counts)? */
static int recorded_again(const struct wsc_result *t, size_t i)
{
    for (size_t k = i + 1; k < t->n_metrics; k++)
        if (strcmp(t->metrics[k].name, t->metrics[i].name) == 0)
            return 1;
    return 0;
}

static void perfdata(struct wsc_buf *b, const struct wsc_run_result *rr)
{
    for (size_t i = 0; i < rr->n_suites; i++) {
        const struct wsc_suite_result *s = &rr->suites[i];
        /* Test names are unique in a scenario, not across scenarios. */
        const char *suite = rr->n_suites > 1 ? s->name : NULL;
        for (size_t k = 0; k < s->n_tests; k++) {
            const struct wsc_result *t = &s->tests[k];
            if (t->status == WSC_SKIPPED)
                continue;
            put_label(b, suite, t->name, "duration");
            wsc_buf_printf(b, "%.6gs;;;0", t->duration);
            for (size_t m = 0; m < t->n_metrics; m++) {
                if (recorded_again(t, m))
                    continue;
                put_label(b, suite, t->name, t->metrics[m].name);
                put_value(b, t->metrics[m].value, t->metrics[m].unit);
            }
        }
    }
}

/* Calls fn for every test case (a test's cases each count as one). */
typedef void (*case_fn)(void *arg, const struct wsc_suite_result *s, const char *test,
                        const char *cas, enum wsc_status st, const char *message);

static void each_case(const struct wsc_run_result *rr, case_fn fn, void *arg)
{
    for (size_t i = 0; i < rr->n_suites; i++)
        for (size_t k = 0; k < rr->suites[i].n_tests; k++) {
            const struct wsc_result *t = &rr->suites[i].tests[k];
            if (wsc_result_is_case(t))
                fn(arg, &rr->suites[i], t->name, NULL, t->status, t->message);
            for (size_t c = 0; c < t->n_cases; c++)
                fn(arg, &rr->suites[i], t->name, t->cases[c].name, t->cases[c].status,
                   t->cases[c].message);
        }
}

struct failures {
    struct wsc_buf *first; /* the first failure, for the status line */
    struct wsc_buf *lines; /* one line per failure */
};

static void failure(void *arg, const struct wsc_suite_result *s, const char *test,
                    const char *cas, enum wsc_status st, const char *message)
{
    struct failures *f = arg;
    if (st != WSC_FAILED && st != WSC_ERROR)
        return;
    struct wsc_buf name = {0};
    wsc_buf_printf(&name, "%s%s%s", test ? test : "", cas ? " / " : "", cas ? cas : "");
    const char *why = message ? message : wsc_status_name(st);
    if (f->first->len == 0) {
        put_text(f->first, name.data, 200);
        wsc_buf_puts(f->first, ": ");
        put_text(f->first, why, 200);
    }
    wsc_buf_puts(f->lines, "\nCRITICAL: ");
    put_text(f->lines, s->name, 200);
    wsc_buf_puts(f->lines, ": ");
    put_text(f->lines, name.data, 200);
    wsc_buf_printf(f->lines, ": %s", st == WSC_ERROR ? "error: " : "");
    put_text(f->lines, why, 1000);
    wsc_buf_free(&name);
}

/* Lines for tests that passed after retries or with warnings; their count. */
static size_t warnings(struct wsc_buf *lines, struct wsc_buf *first,
                       const struct wsc_run_result *rr)
{
    size_t n = 0;
    for (size_t i = 0; i < rr->n_suites; i++)
        for (size_t k = 0; k < rr->suites[i].n_tests; k++) {
            const struct wsc_result *t = &rr->suites[i].tests[k];
            size_t flaky = wsc_result_flaky(t);
            if (t->status != WSC_PASSED || (!flaky && !t->n_warnings))
                continue;
            struct wsc_buf why = {0};
            if (flaky)
                wsc_buf_printf(&why, "flaky: passed on attempt %d", t->attempts);
            else
                wsc_buf_puts(&why, t->warnings[0]);
            if (n++ == 0) {
                put_text(first, t->name, 200);
                wsc_buf_puts(first, ": ");
                put_text(first, why.data, 200);
            }
            wsc_buf_puts(lines, "\nWARNING: ");
            put_text(lines, rr->suites[i].name, 200);
            wsc_buf_puts(lines, ": ");
            put_text(lines, t->name, 200);
            wsc_buf_puts(lines, ": ");
            put_text(lines, why.data, 1000);
            wsc_buf_free(&why);
        }
    return n;
}

static enum wsc_nagios_state summary(struct wsc_buf *head, struct wsc_buf *lines,
                                     const struct wsc_run_result *rr, int interrupted)
{
    size_t total = 0, passed = wsc_run_count(rr, WSC_PASSED);
    size_t bad = wsc_run_count(rr, WSC_FAILED) + wsc_run_count(rr, WSC_ERROR);
    size_t skipped = wsc_run_count(rr, WSC_SKIPPED);
    struct wsc_buf first = {0};
    for (size_t i = 0; i < rr->n_suites; i++)
        total += wsc_suite_total(&rr->suites[i]);
    struct failures f = {&first, lines};
    each_case(rr, failure, &f);
    enum wsc_nagios_state state = WSC_NAGIOS_OK;
    if (interrupted) {
        wsc_buf_printf(head, "UNKNOWN - interrupted by signal %d", interrupted);
        state = WSC_NAGIOS_UNKNOWN;
    } else if (bad) {
        wsc_buf_printf(head, "CRITICAL - %zu of %zu failed: %s", bad, total, first.data);
        if (bad > 1)
            wsc_buf_printf(head, " (and %zu more)", bad - 1);
        state = WSC_NAGIOS_CRITICAL;
    } else if (passed == 0) {
        wsc_buf_printf(head, "UNKNOWN - no test ran (%zu skipped)", skipped);
        state = WSC_NAGIOS_UNKNOWN;
    } else {
        size_t warned = warnings(lines, &first, rr);
        wsc_buf_printf(head, "%s - %zu of %zu tests passed", warned ? "WARNING" : "OK",
                       passed, total);
        if (skipped)
            wsc_buf_printf(head, ", %zu skipped", skipped);
        if (warned)
            wsc_buf_printf(head, "; %zu with a warning: %s", warned, first.data);
        state = warned ? WSC_NAGIOS_WARNING : WSC_NAGIOS_OK;
    }
    wsc_buf_free(&first);
    return state;
}

enum wsc_nagios_state wsc_nagios_report(FILE *out, const struct wsc_run_result *rr,
                                        int interrupted)
{
    struct wsc_buf head = {0}, lines = {0};
    wsc_buf_puts(&head, "WSCHECK ");
    enum wsc_nagios_state state = summary(&head, &lines, rr, interrupted);
    size_t before = head.len;
    wsc_buf_puts(&head, " |");
    perfdata(&head, rr);
    if (head.len == before + 2) /* no performance data */
        wsc_buf_truncate(&head, before);
    if (head.failed || lines.failed) {
        wsc_buf_free(&head);
        wsc_buf_free(&lines);
        return wsc_nagios_unknown(out, 3);
    }
    fprintf(out, "%s%s\n", head.data, lines.data ? lines.data : "");
    fflush(out);
    wsc_buf_free(&head);
    wsc_buf_free(&lines);
    return state;
}

enum wsc_nagios_state wsc_nagios_unknown(FILE *out, int status)
{
    fprintf(out, "WSCHECK UNKNOWN - %s\n",
            status == 2 ? "usage or scenario error, nothing was run (see the messages "
                          "on standard error, or wscheck validate)"
                        : "internal error: no result (see the messages on standard "
                          "error)");
    fflush(out);
    return WSC_NAGIOS_UNKNOWN;
}
