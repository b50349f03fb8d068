/* `wscheck report --html`: one self-contained file (inline CSS, inline SVG,
 * no script, no URL): summary, servers, tests, a latency chart and an
 * availability timeline per test, error patterns, trends, and the failures
 * with their messages and traces. The markup is well-formed XML as well as
 * HTML, and every string in it is escaped. */
#include "report_model.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "atomic_write.h"
#include "report.h"
#include "report_svg.h"
#include "trace_text.h"

/* The failures listed (the most recent ones); the error patterns count
 * them all. */
#define MAX_FAILURES 200

static const char style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;background:#fff}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;vertical-align:top}"
    "th{background:#eee}td.name,th.name{text-align:left}"
    "pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;word-break:break-all}"
    ".chart polyline{fill:none;stroke-width:2}"
    ".chart .p50{stroke:#1f6fd1;fill:#1f6fd1}.chart .p99{stroke:#e07b00;fill:#e07b00}"
    ".chart polyline.p99{stroke-dasharray:6 3}"
    ".chart circle{stroke:none}.chart polyline.p50,.chart polyline.p99{fill:none}"
    ".chart .axis{stroke:#888}svg text{font-size:11px;fill:#444}"
    ".k50{color:#1f6fd1}.k99{color:#e07b00}.legend{font-size:.85em;margin:0 0 .5em}"
    ".timeline .up{fill:#2e9e44}.timeline .down{fill:#d33}.timeline .part{fill:#e8a317}"
    ".timeline .skip{fill:#aaa}.timeline .none{fill:#eee}"
    ".failed,.error{color:#b00}.worse{color:#b00}.better{color:#2e7d32}"
    ".failure{border-left:4px solid #d33;padding-left:.8em;margin:1em 0}";

char *rep_html_escape(const char *s)
{
    char *safe = wsc_xml_safe(s);
    struct wsc_buf b = {0};
    if (!safe)
        return NULL;
    wsc_buf_puts(&b, "");
    for (const char *p = safe; *p; p++) {
        switch (*p) {
        case '&':
            wsc_buf_puts(&b, "&amp;");
            break;
        case '<':
            wsc_buf_puts(&b, "&lt;");
            break;
        case '>':
            wsc_buf_puts(&b, "&gt;");
            break;
        case '"':
            wsc_buf_puts(&b, "&quot;");
            break;
        case '\'':
            wsc_buf_puts(&b, "&#39;");
            break;
        default:
            wsc_buf_append(&b, p, 1);
        }
    }
    free(safe);
    return b.failed ? (wsc_buf_free(&b), NULL) : wsc_buf_take(&b);
}

/* Appends pre, s escaped, post. */
static void esc(struct wsc_buf *b, const char *pre, const char *s, const char *post)
{
    char *e = rep_html_escape(s ? s : "");
    if (!e) {
        b->failed = 1;
        return;
    }
    wsc_buf_puts(b, pre);
    wsc_buf_puts(b, e);
    wsc_buf_puts(b, post);
    free(e);
}

static void rate_cell(struct wsc_buf *b, const struct rep_counts *c)
{
    double r = rep_success_rate(c);
    if (isnan(r))
        wsc_buf_puts(b, "<td>-</td>");
    else
        wsc_buf_printf(b, "<td>%.2f%%</td>", r);
}

static void ms_cell(struct wsc_buf *b, double v)
{
    if (isnan(v))
        wsc_buf_puts(b, "<td>-</td>");
    else
        wsc_buf_printf(b, "<td>%.1f</td>", v);
}

static const char counts_head[] = "<th>results</th><th>passed</th><th>failed</th>"
                                  "<th>errors</th><th>skipped</th><th>success</th>"
                                  "<th>p50 ms</th><th>p99 ms</th>";

static void counts_cells(struct wsc_buf *b, const struct rep_counts *c,
                         struct rep_values *d)
{
    wsc_buf_printf(b, "<td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>",
                   rep_counts_total(c), c->passed, c->failed, c->errors, c->skipped);
    rate_cell(b, c);
    ms_cell(b, rep_percentile(d, 50));
    ms_cell(b, rep_percentile(d, 99));
}

static void head(struct wsc_buf *b, const struct rep_agg *a)
{
    char from[40], until[40];
    rep_format_time(from, sizeof from, a->from);
    rep_format_time(until, sizeof until, a->until);
    wsc_buf_printf(
        b,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        "<title>wscheck report</title>\n<style>%s</style>\n</head>\n<body>\n"
        "<h1>wscheck report</h1>\n<p>%zu results from %zu input%s",
        style, a->set->n, a->set->inputs, a->set->inputs == 1 ? "" : "s");
    if (a->set->n)
        wsc_buf_printf(b, ", %s to %s, in buckets of %s", from, until,
                       a->bucket_s == 3600    ? "an hour"
                       : a->bucket_s == 86400 ? "a day"
                                              : "a week or more");
    wsc_buf_printf(b, ".%s</p>\n",
                   a->set->malformed ? " Malformed lines or reports were skipped." : "");
}

static void summary(struct wsc_buf *b, struct rep_agg *a)
{
    wsc_buf_printf(b, "<h2>Summary</h2>\n<table>\n<tr>%s</tr>\n<tr>", counts_head);
    counts_cells(b, &a->c, &a->dur);
    wsc_buf_puts(b, "</tr>\n</table>\n<h2>Servers</h2>\n<table>\n<tr><th class=\"name\">"
                    "server</th><th>tests</th>");
    wsc_buf_puts(b, counts_head);
    for (int c = 0; c < REP_CATS; c++)
        wsc_buf_printf(b, "<th>%s calls</th>", rep_category_names[c]);
    wsc_buf_puts(b, "</tr>\n");
    for (size_t i = 0; i < a->n_servers; i++) {
        struct rep_server *s = &a->servers[i];
        esc(b, "<tr><td class=\"name\">", s->server, "</td>");
        wsc_buf_printf(b, "<td>%zu</td>", s->n_tests);
        counts_cells(b, &s->c, &s->dur);
        for (int c = 0; c < REP_CATS; c++)
            wsc_buf_printf(b, "<td>%zu</td>", s->calls[c]);
        wsc_buf_puts(b, "</tr>\n");
    }
    wsc_buf_puts(b, "</table>\n");
}

static void tests_table(struct wsc_buf *b, struct rep_agg *a)
{
    wsc_buf_printf(b,
                   "<h2>Tests</h2>\n<table>\n<tr><th class=\"name\">suite</th>"
                   "<th class=\"name\">test</th><th class=\"name\">server</th>%s"
                   "<th>trend</th></tr>\n",
                   counts_head);
    for (size_t i = 0; i < a->n_tests; i++) {
        struct rep_test *t = &a->tests[i];
        esc(b, "<tr><td class=\"name\">", t->suite, "</td>");
        esc(b, "<td class=\"name\">", t->test, "</td>");
        esc(b, "<td class=\"name\">", t->server ? t->server : "-", "</td>");
        counts_cells(b, &t->c, &t->dur);
        wsc_buf_printf(b, "<td class=\"%s\">%s</td></tr>\n",
                       t->trend.verdict ? t->trend.verdict : "none",
                       t->trend.verdict ? t->trend.verdict : "-");
    }
    wsc_buf_puts(b, "</table>\n");
}

static void charts(struct wsc_buf *b, struct rep_agg *a)
{
    wsc_buf_puts(b, "<h2>Latency and availability</h2>\n");
    for (size_t i = 0; i < a->n_tests; i++) {
        esc(b, "<h3>", a->tests[i].suite, " / ");
        esc(b, "", a->tests[i].test, "</h3>\n");
        rep_svg_latency(b, a, &a->tests[i]);
        rep_svg_availability(b, a, &a->tests[i]);
    }
}

static void patterns(struct wsc_buf *b, struct rep_agg *a)
{
    wsc_buf_puts(b, "<h2>Error patterns</h2>\n");
    if (!a->n_patterns) {
        wsc_buf_puts(b, "<p>None: no test failed.</p>\n");
        return;
    }
    wsc_buf_puts(
        b, "<table>\n<tr><th>count</th><th class=\"name\">pattern</th>"
           "<th>first seen</th><th>last seen</th><th class=\"name\">tests</th></tr>\n");
    for (size_t i = 0; i < a->n_patterns; i++) {
        struct rep_pattern *p = &a->patterns[i];
        char first[40], last[40];
        rep_format_time(first, sizeof first, p->first);
        rep_format_time(last, sizeof last, p->last);
        wsc_buf_printf(b, "<tr><td>%zu</td>", p->count);
        esc(b, "<td class=\"name\">", p->pattern, "</td>");
        wsc_buf_printf(b, "<td>%s</td><td>%s</td><td class=\"name\">", first, last);
        for (size_t k = 0; k < p->n_tests; k++)
            esc(b, k ? "<br/>" : "", p->tests[k], "");
        wsc_buf_puts(b, "</td></tr>\n");
    }
    wsc_buf_puts(b, "</table>\n");
}

static void trend_row(struct wsc_buf *b, const char *name, struct rep_trend *t)
{
    esc(b, "<tr><td class=\"name\">", name, "</td>");
    for (int h = 0; h < 2; h++) {
        rate_cell(b, &t->c[h]);
        ms_cell(b, rep_percentile(&t->dur[h], 50));
    }
    wsc_buf_printf(b, "<td class=\"%s\">%s</td></tr>\n", t->verdict ? t->verdict : "none",
                   t->verdict ? t->verdict : "not enough results");
}

static void trends(struct wsc_buf *b, struct rep_agg *a)
{
    wsc_buf_puts(b, "<h2>Trends</h2>\n<p>The second half of the window against the "
                    "first.</p>\n<table>\n<tr><th class=\"name\">test</th>"
                    "<th>success, first half</th><th>p50 ms</th>"
                    "<th>success, second half</th><th>p50 ms</th><th>trend</th></tr>\n");
    trend_row(b, "all tests", &a->trend);
    for (size_t i = 0; i < a->n_tests; i++) {
        char *name = wsc_strdup_printf("%s / %s", a->tests[i].suite, a->tests[i].test);
        if (!name) {
            b->failed = 1;
            return;
        }
        trend_row(b, name, &a->tests[i].trend);
        free(name);
    }
    wsc_buf_puts(b, "</table>\n");
}

static void failure(struct wsc_buf *b, const struct rep_record *r)
{
    char when[40];
    rep_format_time(when, sizeof when, r->time);
    wsc_buf_printf(b,
                   "<div class=\"failure\">\n<p><b>%s</b> <span class=\"%s\">%s</span> ",
                   when, rep_status_name(r->status), rep_status_name(r->status));
    esc(b, "", r->suite, " / ");
    esc(b, "", r->test, "");
    if (r->server)
        esc(b, " on ", r->server, "");
    wsc_buf_puts(b, "</p>\n");
    esc(b, "<pre>", r->message ? r->message : "(no message)", "</pre>\n");
    if (r->trace) {
        char *text = wsc_trace_text(r->trace);
        if (!text)
            b->failed = 1;
        else
            esc(b, "<p>Trace:</p>\n<pre class=\"trace\">", text, "</pre>\n");
        free(text);
    }
    wsc_buf_puts(b, "</div>\n");
}

static void failures(struct wsc_buf *b, const struct rep_agg *a)
{
    size_t total = 0, shown = 0;
    for (size_t i = 0; i < a->set->n; i++)
        total += a->set->v[i].status == REP_FAILED || a->set->v[i].status == REP_ERROR;
    wsc_buf_printf(b, "<h2>Failures</h2>\n<p>%zu failed or errored result%s", total,
                   total == 1 ? "" : "s");
    if (total > MAX_FAILURES)
        wsc_buf_printf(b, "; the last %d are shown", MAX_FAILURES);
    wsc_buf_puts(b, ".</p>\n");
    /* the most recent ones, latest first */
    for (size_t i = a->set->n; i-- > 0 && shown < MAX_FAILURES;) {
        const struct rep_record *r = &a->set->v[i];
        if (r->status == REP_FAILED || r->status == REP_ERROR) {
            failure(b, r);
            shown++;
        }
    }
}

int rep_write_html(const char *path, struct rep_agg *a, char **err)
{
    struct wsc_buf b = {0};
    head(&b, a);
    if (a->set->n) {
        summary(&b, a);
        tests_table(&b, a);
        charts(&b, a);
        patterns(&b, a);
        trends(&b, a);
        failures(&b, a);
    }
    wsc_buf_puts(&b, "</body>\n</html>\n");
    int rc = b.failed ? wsc_report_write_error(path, ENOMEM, err)
                      : wsc_report_write_file(path, b.data, b.len, err);
    wsc_buf_free(&b);
    return rc;
}
