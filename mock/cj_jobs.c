/* wscheck-mock: the progress directory, written and read. */
#include "cj_jobs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cj_json.h"
#include "cj_progress.h"
#include "jsonout.h"
#include "log.h"
#include "pyjson.h"
#include "server_options.h"
#include "timefmt.h"

#define MAX_JOBS 4096
#define MAX_FILE ((size_t)1 << 20)
#define LIST_MAX 10
/* Housekeeping, as crackerjack: a job "running" with no update for 30
 * minutes has timed out; files older than a day go, once an hour. */
#define STALE_RUNNING_NS ((int64_t)30 * 60 * 1000000000)
#define OLD_FILE_NS ((int64_t)24 * 3600 * 1000000000)
#define CLEANUP_EVERY_US ((int64_t)3600 * 1000000)

static int job_path(const struct cj_state *cj, const char *id, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/job-%s.json", cj->dir, id);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A whole small file, NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (!f)
        return NULL;
    buf = malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, MAX_FILE + 1, f);
    fclose(f);
    if (n > MAX_FILE) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int parse_object(const char *path, json_object **doc)
{
    size_t len = 0;
    char *text = slurp(path, &len), err[160];
    int rc = -1;

    *doc = NULL;
    if (!text)
        return -1;
    /* Written by anyone: text that is not UTF-8 is not a job file. */
    if (pyjson_utf8_ok((const unsigned char *)text, len, false) &&
        pyjson_parse(text, len, false, doc, err, sizeof(err)) == PYJSON_OK &&
        json_object_is_type(*doc, json_type_object))
        rc = 0;
    if (rc != 0) {
        json_object_put(*doc);
        *doc = NULL;
    }
    free(text);
    return rc;
}

int cj_job_read(const struct cj_state *cj, const char *id, json_object **doc)
{
    char path[PATH_MAX + 64];

    *doc = NULL;
    if (job_path(cj, id, path, sizeof(path)) != 0)
        return -1;
    return parse_object(path, doc);
}

bool cj_job_terminal(json_object *doc)
{
    json_object *v;
    const char *stage;

    if (!json_object_object_get_ex(doc, "current_stage", &v) ||
        !json_object_is_type(v, json_type_string))
        return false;
    stage = json_object_get_string(v);
    return strcmp(stage, "completed") == 0 || strcmp(stage, "failed") == 0;
}

static const char *member(json_object *doc, const char *name)
{
    json_object *v;

    if (!json_object_object_get_ex(doc, name, &v) ||
        !json_object_is_type(v, json_type_string))
        return "";
    return json_object_get_string(v);
}

/* ---- the table of jobs seen ---- */

static struct cj_job *find(struct cj_state *cj, const char *id)
{
    for (size_t i = 0; i < cj->n_jobs; i++)
        if (strcmp(cj->jobs[i].id, id) == 0)
            return &cj->jobs[i];
    return NULL;
}

static struct cj_job *add(struct cj_state *cj, const char *id)
{
    struct cj_job *j;

    if (cj->n_jobs >= MAX_JOBS)
        return NULL;
    if (cj->n_jobs == cj->cap_jobs) {
        size_t cap = cj->cap_jobs ? cj->cap_jobs * 2 : 16;
        struct cj_job *p = realloc(cj->jobs, cap * sizeof(*p));

        if (!p)
            return NULL;
        cj->jobs = p;
        cj->cap_jobs = cap;
    }
    j = &cj->jobs[cj->n_jobs++];
    memset(j, 0, sizeof(*j));
    snprintf(j->id, sizeof(j->id), "%s", id);
    return j;
}

static void job_clear(struct cj_job *j)
{
    json_object_put(j->doc);
    free(j->text);
    j->doc = NULL;
    j->text = NULL;
}

static void remove_at(struct cj_state *cj, size_t i)
{
    job_clear(&cj->jobs[i]);
    cj->jobs[i] = cj->jobs[--cj->n_jobs];
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* The file of id as it is now (st already taken): read when it changed,
 * pushed when its content did. A file being rewritten may not parse: the
 * last good content stays until the next look. */
static void look_at(struct cj_state *cj, const char *id, const struct stat *st)
{
    struct cj_job *j = find(cj, id);
    json_object *doc;
    char path[PATH_MAX + 64];
    const char *text;

    if (!j && !(j = add(cj, id)))
        return;
    j->seen = true;
    if (j->doc && j->mtime_ns == mtime_ns(st) && j->size == (int64_t)st->st_size)
        return;
    if (job_path(cj, id, path, sizeof(path)) != 0 || parse_object(path, &doc) != 0)
        return;
    j->mtime_ns = mtime_ns(st);
    j->size = (int64_t)st->st_size;
    text = json_object_to_json_string_ext(doc, MOCK_JSON_FLAGS);
    if (j->text && text && strcmp(j->text, text) == 0) {
        json_object_put(doc);
        return;
    }
    job_clear(j);
    j->doc = doc;
    j->text = text ? strdup(text) : NULL;
    if (j->text && !(cj->bugs & CJ_BUG_NO_PUSH))
        cj_progress_push(cj, id, j->text);
}

int cj_job_write(struct cj_state *cj, const char *id, json_object *doc)
{
    char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
    char *text = cj_json_indent(doc);
    struct stat st;
    FILE *f;
    int rc = -1;

    if (!text || job_path(cj, id, path, sizeof(path)) != 0 ||
        snprintf(tmp, sizeof(tmp), "%s/.job-%s.json.tmp", cj->dir, id) >=
            (int)sizeof(tmp)) {
        free(text);
        return -1;
    }
    /* Written aside and renamed: readers never see half a file (the real
     * server rewrites in place, and its readers retry). */
    f = fopen(tmp, "w");
    if (f) {
        size_t n = strlen(text);
        bool ok = fwrite(text, 1, n, f) == n;

        ok = fclose(f) == 0 && ok;
        if (ok && rename(tmp, path) == 0)
            rc = 0;
        else
            unlink(tmp);
    }
    free(text);
    if (rc != 0) {
        mock_log(MOCK_LOG_WARN, "crackerjack: cannot write %s: %s", path,
                 strerror(errno));
        return -1;
    }
    if (!(cj->bugs & CJ_BUG_PREFIX) && stat(path, &st) == 0)
        look_at(cj, id, &st);
    return 0;
}

/* ---- the scan ---- */

/* "job-<id>.json" with a valid id: the id, else NULL. */
static const char *job_file_id(const char *name, char *id, size_t idlen)
{
    size_t n = strlen(name);

    if (n <= 9 || strncmp(name, "job-", 4) != 0 || strcmp(name + n - 5, ".json") != 0 ||
        n - 9 >= idlen)
        return NULL;
    memcpy(id, name + 4, n - 9);
    id[n - 9] = '\0';
    return cj_id_valid(id, n - 9, false) ? id : NULL;
}

static void time_out(struct cj_state *cj, struct cj_job *j)
{
    json_object *doc = json_object_get(j->doc);
    char iso[CJ_ISO_LEN];

    mock_json_add(doc, "status", json_object_new_string("failed"));
    mock_json_add(doc, "message",
                  json_object_new_string("Job timed out (no updates for 30 minutes)"));
    mock_json_add(doc, "timestamp", json_object_new_string(cj_iso(mock_wall_us(), iso)));
    mock_log(MOCK_LOG_INFO, "crackerjack: job %s timed out", j->id);
    cj_job_write(cj, j->id, doc);
    json_object_put(doc);
}

static void housekeeping(struct cj_state *cj, bool cleanup)
{
    int64_t now = mock_wall_us() * 1000;

    for (size_t i = 0; i < cj->n_jobs; i++) {
        struct cj_job *j = &cj->jobs[i];
        char path[PATH_MAX + 64];

        if (cleanup && now - j->mtime_ns > OLD_FILE_NS &&
            job_path(cj, j->id, path, sizeof(path)) == 0 && unlink(path) == 0) {
            mock_log(MOCK_LOG_INFO, "crackerjack: removed day-old job %s", j->id);
            remove_at(cj, i--);
            continue;
        }
        if (j->doc && now - j->mtime_ns > STALE_RUNNING_NS &&
            strcmp(member(j->doc, "status"), "running") == 0)
            time_out(cj, j);
    }
}

void cj_jobs_scan(struct cj_state *cj)
{
    DIR *d = opendir(cj->dir);
    struct dirent *e;
    bool cleanup = mock_mono_us() >= cj->next_cleanup;

    if (!d)
        return;
    for (size_t i = 0; i < cj->n_jobs; i++)
        cj->jobs[i].seen = false;
    while ((e = readdir(d))) {
        char id[CJ_ID_MAX + 1], path[PATH_MAX + 64];
        struct stat st;

        if (!job_file_id(e->d_name, id, sizeof(id)) ||
            job_path(cj, id, path, sizeof(path)) != 0 || stat(path, &st) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        look_at(cj, id, &st);
    }
    closedir(d);
    for (size_t i = 0; i < cj->n_jobs; i++)
        if (!cj->jobs[i].seen)
            remove_at(cj, i--);
    housekeeping(cj, cleanup);
    if (cleanup)
        cj->next_cleanup = mock_mono_us() + CLEANUP_EVERY_US;
}

/* ---- views ---- */

static int by_id_desc(const void *a, const void *b)
{
    return strcmp((*(const struct cj_job *const *)b)->id,
                  (*(const struct cj_job *const *)a)->id);
}

json_object *cj_jobs_list(const struct cj_state *cj)
{
    json_object *list = json_object_new_array();
    const struct cj_job **sorted;
    size_t n = 0;

    if (!list || cj->n_jobs == 0 || (cj->bugs & CJ_BUG_PREFIX))
        return list;
    sorted = malloc(cj->n_jobs * sizeof(*sorted));
    if (!sorted)
        return list;
    for (size_t i = 0; i < cj->n_jobs; i++)
        if (cj->jobs[i].doc)
            sorted[n++] = &cj->jobs[i];
    qsort(sorted, n, sizeof(*sorted), by_id_desc);
    for (size_t i = 0; i < n && i < LIST_MAX; i++) {
        json_object *o = json_object_new_object(), *v;

        if (!o)
            break;
        mock_json_add(o, "job_id", json_object_new_string(sorted[i]->id));
        mock_json_add(o, "status",
                      json_object_new_string(member(sorted[i]->doc, "status")));
        mock_json_add(o, "message",
                      json_object_new_string(member(sorted[i]->doc, "message")));
        mock_json_add(o, "progress",
                      json_object_object_get_ex(sorted[i]->doc, "overall_progress", &v)
                          ? json_object_get(v)
                          : json_object_new_int(0));
        mock_json_append(list, o);
    }
    free(sorted);
    return list;
}

const struct cj_job *cj_jobs_latest(const struct cj_state *cj)
{
    const struct cj_job *best = NULL;

    if (cj->bugs & CJ_BUG_PREFIX)
        return NULL;
    for (size_t i = 0; i < cj->n_jobs; i++)
        if (cj->jobs[i].doc && (!best || cj->jobs[i].mtime_ns > best->mtime_ns))
            best = &cj->jobs[i];
    return best;
}

void cj_jobs_counts(const struct cj_state *cj, int *active, int *completed, int *failed)
{
    *active = *completed = *failed = 0;
    for (size_t i = 0; i < cj->n_jobs; i++) {
        json_object *doc = cj->jobs[i].doc;

        if (!doc)
            continue;
        if (!cj_job_terminal(doc))
            (*active)++;
        else if (strcmp(member(doc, "status"), "completed") == 0)
            (*completed)++;
        else
            (*failed)++;
    }
}
