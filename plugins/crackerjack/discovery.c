/* job_discovery: a job started through MCP execute_crackerjack, or by
 * writing its job file into the progress directory of a local server,
 * must become visible within S seconds: listed in GET / or /latest, and
 * on its progress socket (a first frame that is the job's, not the waiting
 * object). A file the socket sees but the lists never show is the known
 * prefix bug of v0.31.12+. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

struct discovery {
    char *job_id;
    char *file; /* via file: the job file written, removed at the end */
    const char *listed_in;
    int streamed; /* 1: seen on its socket, -1: the socket failed */
    double t0, listed_at, streamed_at;
    struct json_object *first;
};

static char *progress_dir(const struct json_object *params)
{
    const char *dir = wsc_param_string(params, "progress_dir", NULL);
    if (dir)
        return strdup(dir);
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : getenv("TEMP");
    tmp = tmp && *tmp ? tmp : getenv("TMP");
    tmp = tmp && *tmp ? tmp : "/tmp";
    size_t n = strlen(tmp) + sizeof "/crackerjack-mcp-progress";
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/crackerjack-mcp-progress", tmp);
    return s;
}

/* Local time as Python's isoformat() without a zone. */
static void iso_now(char *buf, size_t n)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    size_t len = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    if (tv.tv_usec)
        snprintf(buf + len, n - len, ".%06ld", (long)tv.tv_usec);
}

/* The job file of a job in its first iteration (§4), indent 2. */
static int write_job_file(struct wsc_ctx *ctx, const struct json_object *params,
                          struct discovery *d)
{
    char *dir = progress_dir(params);
    char ts[64];
    iso_now(ts, sizeof ts);
    struct json_object *job = json_object_new_object();
    d->file = dir ? malloc(strlen(dir) + strlen(d->job_id) + sizeof "/job-.json") : NULL;
    if (!d->file || !job) {
        free(dir);
        json_object_put(job);
        wsc_error(ctx, "out of memory");
        return -1;
    }
    sprintf(d->file, "%s/job-%s.json", dir, d->job_id);
    free(dir);
    json_object_object_add(job, "job_id", json_object_new_string(d->job_id));
    json_object_object_add(job, "status", json_object_new_string("running"));
    json_object_object_add(job, "iteration", json_object_new_int(1));
    json_object_object_add(job, "max_iterations", json_object_new_int(5));
    json_object_object_add(job, "overall_progress", json_object_new_int(0));
    json_object_object_add(job, "current_stage", json_object_new_string("iteration"));
    json_object_object_add(job, "stage_progress", json_object_new_int(0));
    json_object_object_add(job, "message", json_object_new_string(""));
    json_object_object_add(job, "timestamp", json_object_new_string(ts));
    const char *text = json_object_to_json_string_ext(job, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_SPACED);
    FILE *f = fopen(d->file, "w");
    int rc = f && fputs(text, f) >= 0 ? 0 : -1;
    if ((f && fclose(f) != 0) || rc != 0) {
        wsc_error(ctx, "cannot write the job file %s: %s", d->file, strerror(errno));
        free(d->file);
        d->file = NULL;
        rc = -1;
    }
    json_object_put(job);
    return rc;
}

static char *random_id(void)
{
    unsigned v = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&v, sizeof v, 1, f) != 1)
        v = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    if (f)
        fclose(f);
    char *s = malloc(9);
    if (s)
        snprintf(s, 9, "%08x", v);
    return s;
}

static int start(struct wsc_ctx *ctx, const struct json_object *params,
                 struct discovery *d)
{
    if (!strcmp(wsc_param_string(params, "via", "mcp"), "file")) {
        const char *id = wsc_param_string(params, "job_id", NULL);
        d->job_id = id ? strdup(id) : random_id();
        if (!d->job_id) {
            wsc_error(ctx, "out of memory");
            return -1;
        }
        return write_job_file(ctx, params, d);
    }
    struct wsc_mcp *m = cj_mcp_open(ctx, params);
    d->job_id = m ? cj_start_job(ctx, m, wsc_param_object(params, "kwargs")) : NULL;
    cj_mcp_close(ctx, m);
    return d->job_id ? 0 : -1;
}

/* Is the job in GET / (job_ids) or GET /latest? -1 after a failed GET. */
static int look_listed(struct wsc_ctx *ctx, const struct json_object *params,
                       struct discovery *d)
{
    static const char *const paths[] = {"/", "/latest"};
    for (size_t i = 0; i < 2 && !d->listed_in; i++) {
        struct wsc_http_response resp;
        if (cj_get(ctx, params, paths[i], &resp) != 0)
            return -1;
        struct json_object *jobs = NULL;
        const char *latest = cj_str(resp.json, "job_id");
        if (i == 1 && latest && !strcmp(latest, d->job_id))
            d->listed_in = paths[i];
        size_t n = i == 0 && json_object_object_get_ex(resp.json, "jobs", &jobs) &&
                           json_object_is_type(jobs, json_type_array)
                       ? json_object_array_length(jobs)
                       : 0;
        for (size_t j = 0; j < n; j++) {
            const char *id = cj_str(json_object_array_get_idx(jobs, j), "job_id");
            if (id && !strcmp(id, d->job_id))
                d->listed_in = paths[i];
        }
        wsc_http_response_free(&resp);
    }
    if (d->listed_in)
        d->listed_at = wsc_now();
    return 0;
}

/* Does a fresh progress socket send the job (not the waiting object)? */
static void look_streamed(struct wsc_ctx *ctx, const struct json_object *params,
                          struct discovery *d)
{
    struct wsc_ws *ws = cj_progress_open(ctx, params, d->job_id, 0);
    struct json_object *first = ws ? cj_first_frame(ctx, ws, d->job_id, 0) : NULL;
    if (!first) {
        d->streamed = -1;
    } else if (!cj_is_waiting(first)) {
        d->streamed = 1;
        d->streamed_at = wsc_now();
        d->first = json_object_get(first);
    }
    json_object_put(first);
    if (ws && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 0.5));
    wsc_ws_free(ws);
}

static void verdict(struct wsc_ctx *ctx, const struct json_object *params,
                    const struct discovery *d, const char *within)
{
    if (d->streamed < 0)
        return; /* the socket's failure is reported */
    if (!d->streamed && !d->listed_in)
        wsc_fail(ctx,
                 "job \"%s\": not visible within %s: neither / nor /latest lists it and "
                 "its progress socket sends the waiting object%s",
                 d->job_id, within,
                 d->file ? " (is progress_dir the server's progress directory?)" : "");
    else if (!d->streamed)
        wsc_fail(ctx,
                 "job \"%s\": listed in %s, but its progress socket still sends the "
                 "waiting object after %s",
                 d->job_id, d->listed_in, within);
    else if (!d->listed_in && wsc_param_bool(params, "listed", 1))
        wsc_fail(ctx,
                 "job \"%s\": its progress socket sends it, but neither / nor /latest "
                 "lists it within %s; %s",
                 d->job_id, within, cj_known_bug(CJ_BUG_PREFIX));
    else if (!d->listed_in)
        wsc_warn(ctx, "job \"%s\": not listed in / or /latest within %s; %s", d->job_id,
                 within, cj_known_bug(CJ_BUG_PREFIX));
}

void cj_check_job_discovery(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    struct discovery d = {.t0 = wsc_now()};
    double within = wsc_param_number(params, "within", 10);
    char limit[64];
    snprintf(limit, sizeof limit, "%g s", within);
    /* the test's timeout may be shorter: the message says what applied */
    if (within > wsc_remaining(ctx)) {
        within = wsc_remaining(ctx);
        snprintf(limit, sizeof limit, "the test's timeout (%g s)", wsc_timeout(ctx));
    }
    double until = d.t0 + within;
    if (start(ctx, params, &d) == 0) {
        for (;;) {
            if (!d.listed_in && look_listed(ctx, params, &d) != 0)
                break;
            if (!d.streamed)
                look_streamed(ctx, params, &d);
            if (d.streamed && d.listed_in)
                break;
            if (d.streamed < 0 || wsc_now() >= until || wsc_sleep(ctx, 0.2) != 0)
                break;
        }
        if (!wsc_failed(ctx))
            verdict(ctx, params, &d, limit);
        if (d.listed_in)
            wsc_metric(ctx, "listed_ms", cj_ms(d.t0, d.listed_at), "ms");
        if (d.streamed > 0)
            wsc_metric(ctx, "stream_ms", cj_ms(d.t0, d.streamed_at), "ms");
        struct json_object *outputs = json_object_new_object();
        if (outputs) {
            json_object_object_add(outputs, "job_id", json_object_new_string(d.job_id));
            json_object_object_add(outputs, "listed_in",
                                   d.listed_in ? json_object_new_string(d.listed_in)
                                               : NULL);
            if (d.first)
                json_object_object_add(outputs, "first", json_object_get(d.first));
            cj_publish(ctx, params, outputs);
            json_object_put(outputs);
        }
    }
    if (d.file && unlink(d.file) != 0)
        wsc_warn(ctx, "cannot remove the job file %s: %s", d.file, strerror(errno));
    free(d.file);
    free(d.job_id);
    json_object_put(d.first);
}
