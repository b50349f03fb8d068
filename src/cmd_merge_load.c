/* `wscheck merge` of load reports (kind "load"): the shards of one load
 * run, run at the same time on several machines, as one run. Thresholds
 * are applied again, to the totals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_util.h"
#include "load_report.h"
#include "report.h"
#include "util.h"

#define MAX_REPORT_BYTES (512u << 20)

static struct json_object *read_doc(const char *path)
{
    size_t len = 0;
    const char *why = NULL;
    char *text = wsc_read_file(path, MAX_REPORT_BYTES, &len);
    if (!text) {
        fprintf(stderr, "wscheck: %s: cannot read: %s\n", path, strerror(errno));
        return NULL;
    }
    struct json_object *doc = wsc_json_parse_report(text, len, &why);
    free(text);
    if (!doc)
        fprintf(stderr, "wscheck: %s: not JSON: %s\n", path, why ? why : "parse error");
    return doc;
}

/* How many of the reports are load reports; -1 when one cannot be read. */
static int count_load(char **paths, size_t n, struct json_object **docs)
{
    int load = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(docs[i] = read_doc(paths[i])))
            bad++;
        else
            load += wsc_load_report_is_load(docs[i]);
    }
    return bad ? -1 : load;
}

static int read_all(char **paths, struct json_object **docs, size_t n,
                    struct wsc_load_report *in)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char *err = NULL;
        if (wsc_load_report_from_json(docs[i], &in[i], &err) < 0) {
            fprintf(stderr, "wscheck: %s: %s\n", paths[i], err ? err : "out of memory");
            bad++;
        }
        free(err);
    }
    return bad;
}

/* As for run reports: a shard missing is worth a warning. */
static void warn_missing_shards(const struct wsc_load_report *in, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i].stats.shard.total > total)
            total = in[i].stats.shard.total;
    for (unsigned k = 1; k <= total; k++) {
        int have = 0;
        for (size_t i = 0; i < n && !have; i++)
            have = in[i].stats.shard.index == k && in[i].stats.shard.total == total;
        if (!have)
            fprintf(stderr, "wscheck: warning: merge: no report of shard %u/%u\n", k,
                    total);
    }
}

static int finish(const struct wsc_merge_load_args *a, struct wsc_load_report *merged)
{
    char *err = NULL;
    long breached = wsc_load_report_finish(merged);
    if (breached < 0) {
        fputs("wscheck: out of memory\n", stderr);
        return WSC_EXIT_INTERNAL;
    }
    if (!a->quiet) {
        FILE *out = wsc_report_is_stdout(a->json) || wsc_report_is_stdout(a->junit)
                        ? stderr
                        : stdout;
        int color = !a->no_color && !getenv("NO_COLOR") && isatty(fileno(out));
        wsc_load_summary(out, merged, color);
    }
    if ((a->json && wsc_load_json_write(a->json, merged, &err) < 0) ||
        (a->junit && wsc_load_junit_write(a->junit, merged, &err) < 0)) {
        fprintf(stderr, "wscheck: %s\n", err ? err : "cannot write a report");
        free(err);
        return WSC_EXIT_INTERNAL;
    }
    return breached ? WSC_EXIT_FAILED : WSC_EXIT_OK;
}

static int merge_docs(const struct wsc_merge_load_args *a, char **paths,
                      struct json_object **docs, size_t n)
{
    struct wsc_load_report *in = calloc(n, sizeof *in), merged = {0};
    int status;
    char *err = NULL;
    if (!in)
        return WSC_EXIT_INTERNAL;
    if (read_all(paths, docs, n, in) > 0) {
        status = WSC_EXIT_USAGE;
    } else if (wsc_load_report_merge(in, n, &merged, &err) < 0) {
        fprintf(stderr, "wscheck: merge: %s\n", err ? err : "out of memory");
        status = WSC_EXIT_INTERNAL;
    } else {
        warn_missing_shards(in, n);
        merged.stats.shard = (struct wsc_shard){0, 0};
        status = finish(a, &merged);
    }
    free(err);
    for (size_t i = 0; i < n; i++)
        wsc_load_report_clear(&in[i]);
    wsc_load_report_clear(&merged);
    free(in);
    return status;
}

int wsc_merge_load_reports(const struct wsc_merge_load_args *a, char **paths, size_t n)
{
    struct json_object **docs = calloc(n ? n : 1, sizeof *docs);
    int status = -1;
    if (!docs)
        return WSC_EXIT_INTERNAL;
    int load = count_load(paths, n, docs);
    if (load < 0) {
        status = WSC_EXIT_USAGE;
    } else if (load > 0 && (size_t)load < n) {
        fputs("wscheck: merge: load reports (wscheck load) and run reports (wscheck run) "
              "cannot be merged together\n",
              stderr);
        status = WSC_EXIT_USAGE;
    } else if (load > 0 && a->tap) {
        fputs("wscheck: merge: --tap is for run reports; a load run's outcome is in "
              "--json and --junit\n",
              stderr);
        status = WSC_EXIT_USAGE;
    } else if (load > 0) {
        status = merge_docs(a, paths, docs, n);
    }
    for (size_t i = 0; i < n; i++)
        json_object_put(docs[i]);
    free(docs);
    return status;
}
