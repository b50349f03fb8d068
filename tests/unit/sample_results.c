#include "sample_results.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

char *wsc_sample_strdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    CU_ASSERT_FATAL(!s || d);
    return d;
}

struct wsc_suite_result *wsc_sample_suite(struct wsc_run_result *run, const char *name,
                                          const char *file)
{
    struct wsc_suite_result *grown =
        realloc(run->suites, (run->n_suites + 1) * sizeof *run->suites);
    CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
    run->suites = grown;
    struct wsc_suite_result *s = &run->suites[run->n_suites++];
    memset(s, 0, sizeof *s);
    s->name = wsc_sample_strdup(name);
    s->file = wsc_sample_strdup(file);
    s->hostname = wsc_sample_strdup("ci-runner-1");
    s->started = 1700000000.5;
    s->duration = 1.25;
    return s;
}

struct wsc_result *wsc_sample_result(struct wsc_suite_result *s, const char *name,
                                     const char *plugin, const char *check,
                                     enum wsc_status status, const char *message)
{
    struct wsc_result *grown = realloc(s->tests, (s->n_tests + 1) * sizeof *s->tests);
    CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
    s->tests = grown;
    struct wsc_result *t = &s->tests[s->n_tests++];
    memset(t, 0, sizeof *t);
    t->name = wsc_sample_strdup(name);
    t->plugin = wsc_sample_strdup(plugin);
    t->check = wsc_sample_strdup(check);
    t->status = status;
    t->message = wsc_sample_strdup(message);
    t->started = 1700000000.5;
    t->duration = 0.012;
    t->attempts = status == WSC_SKIPPED ? 0 : 1;
    return t;
}

char *wsc_sample_path(const char *dir, const char *name)
{
    char *p = NULL;
    CU_ASSERT_FATAL(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

char *wsc_sample_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char *data = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&data, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, m);
    fclose(f);
    fclose(m);
    return data;
}

int wsc_sample_count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}
