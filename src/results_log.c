/* The results log writer (format: wscheck-monitor(1), FILES). The file is
 * opened with O_APPEND, so that lines of processes sharing it never
 * overwrite each other, and each line is written whole with one write. */
#include "results_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

struct wsc_results_log {
    char *path;
    int fd;
};

static int open_append(const char *path, char **err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        *err = wsc_strdup_printf("cannot open %s: %s", path, strerror(errno));
    return fd;
}

struct wsc_results_log *wsc_results_log_open(const char *path, char **err)
{
    struct wsc_results_log *l = calloc(1, sizeof(*l));
    if (!l || !(l->path = strdup(path))) {
        free(l);
        *err = strdup("out of memory");
        return NULL;
    }
    if ((l->fd = open_append(path, err)) < 0) {
        free(l->path);
        free(l);
        return NULL;
    }
    return l;
}

int wsc_results_log_reopen(struct wsc_results_log *l, char **err)
{
    int fd = open_append(l->path, err);
    if (fd < 0)
        return -1;
    fsync(l->fd);
    close(l->fd);
    l->fd = fd;
    return 0;
}

void wsc_results_log_close(struct wsc_results_log *l)
{
    if (!l)
        return;
    fsync(l->fd);
    close(l->fd);
    free(l->path);
    free(l);
}

int wsc_results_log_sync(struct wsc_results_log *l, char **err)
{
    /* EINVAL: a pipe or a terminal, which has nothing to sync */
    if (fsync(l->fd) < 0 && errno != EINVAL) {
        *err = wsc_strdup_printf("cannot sync %s: %s", l->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Strings repaired to valid UTF-8, as in the JSON report. */
static void add_string(struct json_object *o, const char *key, const char *value)
{
    char *safe = wsc_utf8_safe(value);
    json_object_object_add(o, key, json_object_new_string(safe ? safe : ""));
    free(safe);
}

struct json_object *wsc_results_log_metrics(const struct wsc_result *r)
{
    struct json_object *m = json_object_new_object();
    for (size_t i = 0; m && i < r->n_metrics; i++) {
        char *name = wsc_utf8_safe(r->metrics[i].name);
        if (name)
            json_object_object_add(m, name, json_object_new_double(r->metrics[i].value));
        free(name);
    }
    return m;
}

struct json_object *wsc_results_log_line(const char *source, unsigned long round,
                                         const struct wsc_suite_result *s,
                                         const struct wsc_result *r, const char *server)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    char when[32];
    wsc_format_utc(when, sizeof(when), r->started + r->duration, 1);
    add_string(o, "time", when);
    add_string(o, "source", source);
    if (round)
        json_object_object_add(o, "round", json_object_new_int64((int64_t)round));
    add_string(o, "suite", s->name);
    add_string(o, "file", s->file);
    add_string(o, "test", r->name);
    add_string(o, "plugin", r->plugin);
    add_string(o, "check", r->check);
    if (server)
        add_string(o, "server", server);
    add_string(o, "status", wsc_status_name(r->status));
    /* milliseconds to the microsecond: what a report plots */
    char ms[32];
    snprintf(ms, sizeof(ms), "%.3f", r->duration * 1e3);
    json_object_object_add(o, "duration_ms",
                           json_object_new_double_s(r->duration * 1e3, ms));
    json_object_object_add(o, "attempts", json_object_new_int(r->attempts));
    json_object_object_add(o, "metrics", wsc_results_log_metrics(r));
    if (r->status != WSC_PASSED && r->message)
        add_string(o, "message", r->message);
    return o;
}

int wsc_results_log_suite(struct wsc_results_log *l, const char *source,
                          unsigned long round, const struct wsc_suite_result *s,
                          char *const *servers, size_t n, char **err)
{
    for (size_t i = 0; i < s->n_tests; i++) {
        const struct wsc_result *r = &s->tests[i];
        const char *server = servers && r->index < n ? servers[r->index] : NULL;
        struct json_object *o = wsc_results_log_line(source, round, s, r, server);
        const char *text =
            o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE)
              : NULL;
        char *line = text ? wsc_strdup_printf("%s\n", text) : NULL;
        json_object_put(o);
        if (!line) {
            *err = strdup("out of memory");
            return -1;
        }
        int rc = wsc_write_all(l->fd, line, strlen(line));
        free(line);
        if (rc < 0) {
            *err = wsc_strdup_printf("cannot write %s: %s", l->path, strerror(errno));
            return -1;
        }
    }
    return 0;
}
