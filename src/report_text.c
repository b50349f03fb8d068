/* `wscheck report`: the text output (standard output by default): the
 * summary, servers, tests, throughput, error patterns and trends, as
 * tables. Strings are made safe for the terminal first. */
#include "report_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* "91.67%", or "-" when nothing ran. */
static void rate_text(char *buf, size_t size, const struct rep_counts *c)
{
    double r = rep_success_rate(c);
    if (isnan(r))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2f%%", r);
}

static void ms_text(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f", v);
}

/* pre, s made safe for the terminal, post. */
static void print_safe(FILE *out, const char *pre, const char *s, const char *post)
{
    char *safe = wsc_term_safe(s);
    fputs(pre, out);
    fputs(safe ? safe : "?", out);
    fputs(post, out);
    free(safe);
}

static void header(FILE *out, const struct rep_agg *a)
{
    char from[40], until[40];
    rep_format_time(from, sizeof from, a->from);
    rep_format_time(until, sizeof until, a->until);
    const char *width = a->bucket_s == 3600    ? "1 hour"
                        : a->bucket_s == 86400 ? "1 day"
                                               : "1 week or more";
    fprintf(out, "wscheck report: %zu results from %zu input%s", a->set->n,
            a->set->inputs, a->set->inputs == 1 ? "" : "s");
    if (a->set->n)
        fprintf(out, ", %s to %s (buckets of %s)", from, until, width);
    fputc('\n', out);
    if (a->set->malformed)
        fprintf(out, "%zu malformed line%s or report%s skipped\n", a->set->malformed,
                a->set->malformed == 1 ? "" : "s", a->set->malformed == 1 ? "" : "s");
}

static void counts_row(FILE *out, const struct rep_counts *c, struct rep_values *dur)
{
    char rate[16], p50[32], p99[32];
    rate_text(rate, sizeof rate, c);
    ms_text(p50, sizeof p50, rep_percentile(dur, 50));
    ms_text(p99, sizeof p99, rep_percentile(dur, 99));
    fprintf(out, "%8zu %7zu %7zu %7zu %8zu %8s %9s %9s\n", rep_counts_total(c), c->passed,
            c->failed, c->errors, c->skipped, rate, p50, p99);
}

static const char counts_head[] =
    " results  passed  failed  errors  skipped  success    p50 ms    p99 ms\n";

static void summary(FILE *out, struct rep_agg *a)
{
    fputs("\nSummary\n  ", out);
    fputs(counts_head, out);
    fputs("  ", out);
    counts_row(out, &a->c, &a->dur);
}

static int name_width(const struct rep_agg *a, int servers)
{
    size_t w = 6;
    for (size_t i = 0; servers && i < a->n_servers; i++)
        w = strlen(a->servers[i].server) > w ? strlen(a->servers[i].server) : w;
    for (size_t i = 0; !servers && i < a->n_tests; i++) {
        size_t n = strlen(a->tests[i].suite) + 3 + strlen(a->tests[i].test);
        w = n > w ? n : w;
    }
    return (int)(w > 60 ? 60 : w);
}

static void servers(FILE *out, struct rep_agg *a)
{
    int w = name_width(a, 1);
    fprintf(out, "\nServers\n  %-*s  tests", w, "server");
    fputs(counts_head, out);
    for (size_t i = 0; i < a->n_servers; i++) {
        char *safe = wsc_term_safe(a->servers[i].server);
        fprintf(out, "  %-*s %6zu", w, safe ? safe : "?", a->servers[i].n_tests);
        free(safe);
        counts_row(out, &a->servers[i].c, &a->servers[i].dur);
    }
    fprintf(out, "\nUsage by plugin (calls per server)\n  %-*s", w, "server");
    for (int c = 0; c < REP_CATS; c++)
        fprintf(out, " %12s", rep_category_names[c]);
    fputc('\n', out);
    for (size_t i = 0; i < a->n_servers; i++) {
        char *safe = wsc_term_safe(a->servers[i].server);
        fprintf(out, "  %-*s", w, safe ? safe : "?");
        free(safe);
        for (int c = 0; c < REP_CATS; c++)
            fprintf(out, " %12zu", a->servers[i].calls[c]);
        fputc('\n', out);
    }
}

static void latency_lines(FILE *out, struct rep_test *t)
{
    for (size_t k = 0; k < t->n_lat; k++) {
        char p50[32], p90[32], p99[32], max[32];
        struct rep_values *v = &t->lat[k].v;
        ms_text(p50, sizeof p50, rep_percentile(v, 50));
        ms_text(p90, sizeof p90, rep_percentile(v, 90));
        ms_text(p99, sizeof p99, rep_percentile(v, 99));
        ms_text(max, sizeof max, rep_percentile(v, 100));
        print_safe(out, "      ", t->lat[k].name, "");
        fprintf(out, ": p50 %s, p90 %s, p99 %s, max %s ms (%zu values)\n", p50, p90, p99,
                max, v->n);
    }
}

static void tests(FILE *out, struct rep_agg *a)
{
    int w = name_width(a, 0);
    fprintf(out, "\nTests\n  %-*s", w, "suite / test");
    fputs(counts_head, out);
    for (size_t i = 0; i < a->n_tests; i++) {
        struct rep_test *t = &a->tests[i];
        char *suite = wsc_term_safe(t->suite), *test = wsc_term_safe(t->test);
        char *name = suite && test ? wsc_strdup_printf("%s / %s", suite, test) : NULL;
        fprintf(out, "  %-*s", w, name ? name : "?");
        free(suite);
        free(test);
        free(name);
        counts_row(out, &t->c, &t->dur);
        if (t->server)
            print_safe(out, "      server ", t->server, "\n");
        latency_lines(out, t);
    }
}

static void throughput(FILE *out, struct rep_agg *a)
{
    int any = 0;
    for (size_t i = 0; i < a->n_tests; i++)
        for (size_t k = 0; k < a->tests[i].n_rate; k++) {
            struct rep_values *v = &a->tests[i].rate[k].v;
            double sum = 0;
            for (size_t j = 0; j < v->n; j++)
                sum += v->v[j];
            if (!any++)
                fputs("\nThroughput (per second)\n", out);
            print_safe(out, "  ", a->tests[i].suite, " / ");
            print_safe(out, "", a->tests[i].test, ": ");
            print_safe(out, "", a->tests[i].rate[k].name, "");
            fprintf(out, " mean %.1f, min %.1f, max %.1f (%zu values)\n",
                    sum / (double)v->n, rep_percentile(v, 0), rep_percentile(v, 100),
                    v->n);
        }
}

static void patterns(FILE *out, struct rep_agg *a)
{
    fputs("\nError patterns\n", out);
    if (!a->n_patterns)
        fputs("  none: no test failed\n", out);
    for (size_t i = 0; i < a->n_patterns; i++) {
        struct rep_pattern *p = &a->patterns[i];
        char first[40], last[40];
        rep_format_time(first, sizeof first, p->first);
        rep_format_time(last, sizeof last, p->last);
        fprintf(out, "  %zu x ", p->count);
        print_safe(out, "", p->pattern, "\n");
        fprintf(out, "      first seen %s, last seen %s\n      tests: ", first, last);
        for (size_t k = 0; k < p->n_tests; k++)
            print_safe(out, k ? ", " : "", p->tests[k], "");
        fputc('\n', out);
    }
}

static void trend_line(FILE *out, struct rep_trend *t)
{
    if (!t->verdict) {
        fputs("not enough results in both halves of the window\n", out);
        return;
    }
    char r0[16], r1[16], p0[32], p1[32];
    rate_text(r0, sizeof r0, &t->c[0]);
    rate_text(r1, sizeof r1, &t->c[1]);
    ms_text(p0, sizeof p0, rep_percentile(&t->dur[0], 50));
    ms_text(p1, sizeof p1, rep_percentile(&t->dur[1], 50));
    fprintf(out, "%s (success %s -> %s, p50 %s -> %s ms)\n", t->verdict, r0, r1, p0, p1);
}

static void trends(FILE *out, struct rep_agg *a)
{
    fputs("\nTrends (second half of the window against the first)\n  overall: ", out);
    trend_line(out, &a->trend);
    for (size_t i = 0; i < a->n_tests; i++) {
        print_safe(out, "  ", a->tests[i].suite, " / ");
        print_safe(out, "", a->tests[i].test, ": ");
        trend_line(out, &a->tests[i].trend);
    }
}

int rep_write_text(FILE *out, struct rep_agg *a)
{
    header(out, a);
    if (a->set->n) {
        summary(out, a);
        servers(out, a);
        tests(out, a);
        throughput(out, a);
        patterns(out, a);
        trends(out, a);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
