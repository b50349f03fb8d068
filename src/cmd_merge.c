/* `wscheck merge`: one report out of the JSON reports of several runs
 * (the shards of a CI pipeline). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load_report.h"

static const char merge_usage[] =
    "Usage: wscheck merge [--junit FILE] [--json FILE] [--tap FILE] REPORT.json...\n"
    "\n"
    "Merge the JSON reports of several runs (the shards of 'wscheck run\n"
    "--shard I/N') into one report with the totals of all of them. Suites\n"
    "of the same scenario are joined; a suite's and the run's time is the\n"
    "sum of the shards' times. A test found in two reports is an error.\n"
    "\n"
    "The reports of load runs ('wscheck load --shard I/N', generators run at\n"
    "the same time) are merged as one load run: tests joined by name,\n"
    "counters added, histograms added bucket by bucket (percentiles of every\n"
    "sample), the duration the longest shard's, thresholds applied again to\n"
    "the totals. Load and run reports cannot be merged together.\n"
    "\n"
    "  --junit FILE          write a JUnit XML report ('-': stdout)\n"
    "  --json FILE           write a JSON report ('-': stdout)\n"
    "  --tap FILE            write a TAP report ('-': stdout)\n"
    "  --quiet               no summary line\n"
    "  --no-color            no colours (also when NO_COLOR is set)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 every merged test passed or was skipped (load reports:\n"
    "every threshold met), 1 a test failed or errored (a threshold\n"
    "breached), 2 usage error or a report that cannot be read, is not a\n"
    "JSON report of this wscheck's report_version or repeats a test, 3 a\n"
    "report could not be written.\n";

enum { OPT_JUNIT = 256, OPT_JSON, OPT_TAP, OPT_QUIET, OPT_NO_COLOR };

static const struct option merge_options[] = {
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"tap", required_argument, NULL, OPT_TAP},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct merge_args {
    const char *junit, *json, *tap;
    int quiet, no_color;
};

/* Returns -1 to go on, else an exit status. */
static int parse_merge_args(int argc, char **argv, struct merge_args *a)
{
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", merge_options, NULL)) != -1) {
        switch (opt) {
        case OPT_JUNIT:
            a->junit = optarg;
            break;
        case OPT_JSON:
            a->json = optarg;
            break;
        case OPT_TAP:
            a->tap = optarg;
            break;
        case OPT_QUIET:
            a->quiet = 1;
            break;
        case OPT_NO_COLOR:
            a->no_color = 1;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            return WSC_EXIT_OK;
        default:
            return wsc_option_error("merge", opt, argv, merge_options);
        }
    }
    if (optind >= argc) {
        fputs("wscheck: merge: no report given\nTry 'wscheck merge --help'.\n", stderr);
        return WSC_EXIT_USAGE;
    }
    return -1;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* "FILE\nSUITE\nTEST": what identifies a test across reports. */
static char *test_key(const struct wsc_suite_result *s, const struct wsc_result *t)
{
    char *key = NULL;
    if (asprintf(&key, "%s\n%s\n%s", s->file ? s->file : "", s->name ? s->name : "",
                 t->name ? t->name : "") < 0)
        return NULL;
    return key;
}

/* Every test must be in one report only: a test run twice would be counted
 * twice. Prints "REPORT: test 'T' of 'SUITE' is also in OTHER". */
static int check_duplicates(struct wsc_run_result *in, char **paths, size_t n)
{
    struct json_object *seen = json_object_new_object();
    int dups = 0;
    if (!seen)
        return -1;
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < in[f].n_suites; i++) {
            const struct wsc_suite_result *s = &in[f].suites[i];
            for (size_t k = 0; k < s->n_tests; k++) {
                char *key = test_key(s, &s->tests[k]);
                struct json_object *where;
                if (!key) {
                    json_object_put(seen);
                    return -1;
                }
                if (json_object_object_get_ex(seen, key, &where)) {
                    fprintf(stderr, "wscheck: %s: test '%s' of '%s' is also in %s\n",
                            paths[f], s->tests[k].name ? s->tests[k].name : "",
                            s->name ? s->name : "", json_object_get_string(where));
                    dups++;
                } else {
                    json_object_object_add(seen, key, json_object_new_string(paths[f]));
                }
                free(key);
            }
        }
    json_object_put(seen);
    return dups;
}

static int by_index(const void *a, const void *b)
{
    const struct wsc_result *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Moves the tests of `from` to the end of `into` (same scenario), then
 * puts them in file order, as an unsharded run lists them (a test is in
 * one report only, so no two have the same index). */
static int join_suite(struct wsc_suite_result *into, struct wsc_suite_result *from)
{
    struct wsc_result *grown =
        realloc(into->tests, (into->n_tests + from->n_tests + 1) * sizeof *grown);
    if (!grown)
        return -1;
    into->tests = grown;
    memcpy(into->tests + into->n_tests, from->tests, from->n_tests * sizeof *grown);
    into->n_tests += from->n_tests;
    from->n_tests = 0;
    if (from->started > 0 && (into->started <= 0 || from->started < into->started))
        into->started = from->started;
    into->duration += from->duration;
    qsort(into->tests, into->n_tests, sizeof *into->tests, by_index);
    return 0;
}

/* Moves a suite of one report into the merged run: joined to the suite of
 * the same scenario (file and name) when there is one. */
static int add_suite(struct wsc_run_result *out, struct wsc_suite_result *s, size_t cap)
{
    for (size_t i = 0; i < out->n_suites; i++)
        if (same(out->suites[i].file, s->file) && same(out->suites[i].name, s->name))
            return join_suite(&out->suites[i], s);
    if (out->n_suites >= cap)
        return -1;
    out->suites[out->n_suites++] = *s;
    memset(s, 0, sizeof *s);
    return 0;
}

static int by_shard(const void *a, const void *b)
{
    const struct wsc_run_result *x = a, *y = b;
    if (x->shard_index != y->shard_index)
        return x->shard_index < y->shard_index ? -1 : 1;
    return x->started < y->started ? -1 : x->started > y->started;
}

/* A shard missing from the inputs is worth a warning: its tests are not
 * in the merged report. So are reports of runs split differently (4 and 3
 * shards): their union is unlikely to be one run. */
static void warn_missing_shards(const struct wsc_run_result *in, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i].shard_total && total && in[i].shard_total != total)
            fprintf(stderr,
                    "wscheck: warning: merge: reports of runs split in %u and in %u "
                    "shards\n",
                    total, in[i].shard_total);
        if (in[i].shard_total > total)
            total = in[i].shard_total;
    }
    for (unsigned k = 1; k <= total; k++) {
        int have = 0;
        for (size_t i = 0; i < n && !have; i++)
            have = in[i].shard_index == k && in[i].shard_total == total;
        if (!have)
            fprintf(stderr, "wscheck: warning: merge: no report of shard %u/%u\n", k,
                    total);
    }
}

static int merge_runs(struct wsc_run_result *in, size_t n, struct wsc_run_result *out)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += in[i].n_suites;
    memset(out, 0, sizeof *out);
    out->suites = calloc(cap ? cap : 1, sizeof *out->suites);
    if (!out->suites)
        return -1;
    /* Shard order first, so the suites come in the order of the first
     * shard's files whatever the order on the command line. */
    qsort(in, n, sizeof *in, by_shard);
    for (size_t i = 0; i < n; i++) {
        if (in[i].started > 0 && (out->started <= 0 || in[i].started < out->started))
            out->started = in[i].started;
        out->duration += in[i].duration;
        for (size_t k = 0; k < in[i].n_suites; k++)
            if (add_suite(out, &in[i].suites[k], cap) < 0)
                return -1;
    }
    return 0;
}

static int write_merged(const struct merge_args *a, const struct wsc_run_result *r)
{
    int status = 0;
    char *err = NULL;
    if ((a->junit && wsc_junit_write(a->junit, r, &err) < 0) ||
        (a->json && wsc_json_report_write(a->json, r, &err) < 0) ||
        (a->tap && wsc_tap_write(a->tap, r, &err) < 0)) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write a report");
        status = -1;
    }
    free(err);
    return status;
}

static int read_reports(char **paths, size_t n, struct wsc_run_result *in)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char *err = NULL;
        if (wsc_json_report_read(paths[i], &in[i], &err) < 0) {
            fprintf(stderr, "wscheck: %s: %s\n", paths[i], err ? err : "out of memory");
            bad++;
        }
        free(err);
    }
    return bad;
}

/* Prints the summary and writes the reports; returns the exit status. */
static int finish_merge(const struct merge_args *a, const struct wsc_run_result *merged)
{
    struct wsc_console console = {0}; /* setup sets only what it is given */
    wsc_console_setup(&console, a->no_color, a->quiet, 0);
    if (wsc_report_is_stdout(a->junit) || wsc_report_is_stdout(a->json) ||
        wsc_report_is_stdout(a->tap))
        console.out = stderr;
    if (!a->quiet)
        wsc_console_summary(&console, merged);
    if (write_merged(a, merged) < 0)
        return WSC_EXIT_INTERNAL;
    return wsc_run_count(merged, WSC_FAILED) || wsc_run_count(merged, WSC_ERROR)
               ? WSC_EXIT_FAILED
               : WSC_EXIT_OK;
}

static int merge_files(const struct merge_args *a, char **paths, size_t n)
{
    struct wsc_run_result *in = calloc(n, sizeof *in), merged = {0};
    int status, dups;
    if (!in)
        return WSC_EXIT_INTERNAL;
    if (read_reports(paths, n, in) > 0) {
        status = WSC_EXIT_USAGE;
    } else if ((dups = check_duplicates(in, paths, n)) != 0) {
        status = dups < 0 ? WSC_EXIT_INTERNAL : WSC_EXIT_USAGE;
    } else {
        warn_missing_shards(in, n);
        if (merge_runs(in, n, &merged) < 0) {
            fputs("wscheck: out of memory\n", stderr);
            status = WSC_EXIT_INTERNAL;
        } else {
            status = finish_merge(a, &merged);
        }
    }
    for (size_t i = 0; i < n; i++)
        wsc_run_result_clear(&in[i]);
    wsc_run_result_clear(&merged);
    free(in);
    return status;
}

int wsc_cmd_merge(int argc, char **argv)
{
    struct merge_args a = {0};
    int status = parse_merge_args(argc, argv, &a);
    if (status != -1)
        return status;
    /* the reports of `wscheck load` are merged their own way */
    struct wsc_merge_load_args la = {a.json, a.junit, a.tap, a.quiet, a.no_color};
    status = wsc_merge_load_reports(&la, argv + optind, (size_t)(argc - optind));
    if (status != -1)
        return status;
    return merge_files(&a, argv + optind, (size_t)(argc - optind));
}
