/* `wscheck report`: analytics over results logs (`wscheck monitor
 * --log-results`, `wscheck run --store-results`) and JSON reports
 * (`wscheck run --json`): success rates, latency percentiles over time,
 * throughput, error patterns and trends, as text, JSON or one HTML file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_model.h"
#include "util.h"

static const char report_usage[] =
    "Usage: wscheck report [OPTIONS] RESULTS...\n"
    "\n"
    "Analytics over results: results logs (JSON lines, from 'wscheck monitor\n"
    "--log-results' or 'wscheck run --store-results') and JSON reports ('wscheck\n"
    "run --json'), told apart by their content; '-' reads standard input.\n"
    "Per server and per test: success rate (passed / (results - skipped)),\n"
    "latency percentiles of the durations and of every metric in ms, per hour\n"
    "or day, throughput metrics (per second), error patterns (failure\n"
    "messages with numbers, ids, quoted values and ports replaced) with counts\n"
    "and first and last seen, and trends (the second half of the window\n"
    "against the first). The text goes to standard output.\n"
    "\n"
    "  --since T             only results from T on: an RFC 3339 time\n"
    "                        (2026-12-04T05:00:00Z) or a time before now (30m,\n"
    "                        24h, 7d, 2w)\n"
    "  --until T             only results up to T (same forms)\n"
    "  --suite PATTERN       only suites whose name matches (shell wildcards)\n"
    "  --test PATTERN        only tests whose name matches (shell wildcards)\n"
    "  --json FILE           the same figures as JSON ('-': stdout, instead of\n"
    "                        the text)\n"
    "  --html FILE           one self-contained HTML file: tables, a latency\n"
    "                        chart and an availability timeline per test, error\n"
    "                        patterns, failures with their traces ('-': stdout,\n"
    "                        instead of the text)\n"
    "  --quiet               no text output\n"
    "  -h, --help            this help\n"
    "\n"
    "A malformed line is reported as FILE:LINE and skipped; lines longer than\n"
    "1 MiB are skipped too.\n"
    "\n"
    "Exit status: 0 the report was made (whatever the results say), 2 usage\n"
    "error or no input holds a readable result, 3 a report could not be\n"
    "written.\n";

enum { OPT_SINCE = 256, OPT_UNTIL, OPT_SUITE, OPT_TEST, OPT_JSON, OPT_HTML, OPT_QUIET };

static const struct option report_options[] = {
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"suite", required_argument, NULL, OPT_SUITE},
    {"test", required_argument, NULL, OPT_TEST},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct report_args {
    struct rep_filter filter;
    const char *json, *html;
    int quiet;
};

static int time_option(const char *name, const char *text, double *out, int *has)
{
    if (rep_parse_time(text, wsc_wallclock(), out) < 0) {
        fprintf(stderr,
                "wscheck: report: --%s '%s' is neither an RFC 3339 time "
                "(2026-12-04T05:00:00Z) nor a time before now (30m, 24h, 7d)\n",
                name, text);
        return WSC_EXIT_USAGE;
    }
    *has = 1;
    return -1;
}

/* Returns -1 to go on, else an exit status. */
static int parse_report_args(int argc, char **argv, struct report_args *a)
{
    int opt, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (opt = getopt_long(argc, argv, ":h", report_options, NULL)) != -1) {
        switch (opt) {
        case OPT_SINCE:
            rc = time_option("since", optarg, &a->filter.since, &a->filter.has_since);
            break;
        case OPT_UNTIL:
            rc = time_option("until", optarg, &a->filter.until, &a->filter.has_until);
            break;
        case OPT_SUITE:
            a->filter.suite = optarg;
            break;
        case OPT_TEST:
            a->filter.test = optarg;
            break;
        case OPT_JSON:
            a->json = optarg;
            break;
        case OPT_HTML:
            a->html = optarg;
            break;
        case OPT_QUIET:
            a->quiet = 1;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return WSC_EXIT_OK;
        default:
            return wsc_option_error("report", opt, argv, report_options);
        }
    }
    if (rc < 0 && optind >= argc) {
        fputs("wscheck: report: no results file given\nTry 'wscheck report --help'.\n",
              stderr);
        return WSC_EXIT_USAGE;
    }
    return rc;
}

static int by_time(const void *x, const void *y)
{
    const struct rep_record *a = x, *b = y;
    return a->time < b->time ? -1 : a->time > b->time;
}

static int write_reports(const struct report_args *args, struct rep_agg *agg)
{
    char *err = NULL;
    /* a report on standard output replaces the text there */
    int to_stdout = (args->json && !strcmp(args->json, "-")) ||
                    (args->html && !strcmp(args->html, "-"));
    if (!args->quiet && !to_stdout && rep_write_text(stdout, agg) < 0) {
        fputs("wscheck: report: cannot write to standard output\n", stderr);
        return WSC_EXIT_INTERNAL;
    }
    if ((args->json && rep_write_json(args->json, agg, &err) < 0) ||
        (args->html && rep_write_html(args->html, agg, &err) < 0)) {
        fprintf(stderr, "wscheck: report: %s\n", err ? err : "out of memory");
        free(err);
        return WSC_EXIT_INTERNAL;
    }
    return WSC_EXIT_OK;
}

/* The analytics of `wscheck report` over inputs, for the quick checks'
 * --generate-report and --integrate-analytics: the text to text (NULL:
 * none), the HTML report to html (NULL: none). */
int wsc_report_files(char *const *inputs, size_t n, FILE *text, const char *html)
{
    struct rep_set set = {0};
    struct rep_agg agg;
    struct rep_filter filter = {0};
    int rc = WSC_EXIT_OK;
    for (size_t i = 0; i < n; i++)
        if (rep_read_input(&set, inputs[i], &filter, stderr) == -2) {
            rep_set_free(&set);
            return WSC_EXIT_INTERNAL;
        }
    if (!set.readable) {
        fputs("wscheck: report: no readable result\n", stderr);
        rep_set_free(&set);
        return WSC_EXIT_USAGE;
    }
    if (set.n)
        qsort(set.v, set.n, sizeof *set.v, by_time);
    char *err = NULL;
    if (rep_aggregate(&agg, &set) < 0) {
        fputs("wscheck: report: out of memory\n", stderr);
        rep_set_free(&set);
        return WSC_EXIT_INTERNAL;
    }
    if (text && (rep_write_text(text, &agg) < 0 || fflush(text) != 0)) {
        fputs("wscheck: report: the text report could not be written\n", stderr);
        rc = WSC_EXIT_INTERNAL;
    } else if (html && rep_write_html(html, &agg, &err) < 0) {
        fprintf(stderr, "wscheck: report: %s\n", err ? err : "out of memory");
        rc = WSC_EXIT_INTERNAL;
    }
    free(err);
    rep_agg_free(&agg);
    rep_set_free(&set);
    return rc;
}

int wsc_cmd_report(int argc, char **argv)
{
    struct report_args args = {0};
    struct rep_set set = {0};
    struct rep_agg agg;
    int rc = parse_report_args(argc, argv, &args);
    if (rc >= 0)
        return rc;
    for (int i = optind; i < argc; i++)
        if (rep_read_input(&set, argv[i], &args.filter, stderr) == -2) {
            rep_set_free(&set);
            return WSC_EXIT_INTERNAL;
        }
    if (!set.readable) {
        fprintf(stderr, "wscheck: report: no readable result in the input%s\n",
                argc - optind > 1 ? "s" : "");
        rep_set_free(&set);
        return WSC_EXIT_USAGE;
    }
    if (set.n) /* qsort wants a valid pointer, even for nothing */
        qsort(set.v, set.n, sizeof *set.v, by_time);
    if (rep_aggregate(&agg, &set) < 0) {
        fputs("wscheck: report: out of memory\n", stderr);
        rc = WSC_EXIT_INTERNAL;
    } else {
        rc = write_reports(&args, &agg);
    }
    rep_agg_free(&agg);
    rep_set_free(&set);
    return rc;
}
