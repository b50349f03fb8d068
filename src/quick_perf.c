/* --include-performance-tests (quick_perf.h): a short closed-model stage
 * of wscheck load on the quick checks' endpoint tests that passed, reported
 * as tests of the same run. */
#include <stdlib.h>
#include <string.h>

#include "load_plan.h"
#include "load_report.h"
#include "quick_perf.h"
#include "result_redact.h"
#include "util.h"
#include "wscheck/plugin.h"

#define PERF_SUITE "performance"

/* Did test t of the quick checks pass in this run? A failing endpoint has
 * nothing to measure, and a server that does not echo failed the echo's
 * conversation under load too. */
static int passed(const struct wsc_run_result *rr, const struct wsc_scenario *sc,
                  const struct wsc_test *t)
{
    for (size_t s = 0; s < rr->n_suites; s++) {
        const struct wsc_suite_result *suite = &rr->suites[s];
        if (!suite->file || strcmp(suite->file, sc->file) != 0)
            continue;
        for (size_t i = 0; i < suite->n_tests; i++)
            if (strcmp(suite->tests[i].name, t->name) == 0)
                return suite->tests[i].status == WSC_PASSED;
    }
    return 0;
}

/* Can the engine run t? (port checks, HTTP discovery ... cannot) */
static int loadable(const struct wsc_test *t, const struct wsc_registry *reg,
                    const struct wsc_vars *vars)
{
    const struct wsc_loaded_check *lc = wsc_registry_check(reg, t->plugin, t->check);
    char *err = NULL, *why = NULL;
    struct json_object *params =
        wsc_scenario_test_params(t, lc ? lc->schema : NULL, vars, &err);
    struct wsc_load_script *sc =
        params ? wsc_load_compile(t, params, t->timeout, &why) : NULL;
    int ok = sc != NULL;
    if (sc)
        wsc_load_script_free(sc);
    json_object_put(params);
    free(err);
    free(why);
    return ok;
}

/* The names of the tests to measure; NULL when out of memory. */
static char **select_tests(const struct wsc_quick_perf *p,
                           const struct wsc_run_result *rr, const struct wsc_vars *vars,
                           size_t *n)
{
    const struct wsc_scenario *sc = p->scenario;
    char **names = calloc(sc->n_tests + 1, sizeof *names);
    *n = 0;
    for (size_t i = 0; names && i < sc->n_tests; i++) {
        const struct wsc_test *t = &sc->tests[i];
        if (passed(rr, sc, t) && loadable(t, p->reg, vars))
            names[(*n)++] = t->name;
    }
    return names;
}

/* Runs the stage: every script at once, `connections` VUs each. */
static int run_stage(const struct wsc_quick_perf *p, struct wsc_load_report *report,
                     struct wsc_load_script **scripts, size_t n)
{
    unsigned limit = wsc_load_raise_fd_limit();
    double vus = (double)p->connections * (double)n;
    if (vus > limit) {
        fprintf(stderr,
                "wscheck: performance tests: %.0f connections asked for, this process "
                "can hold %u: running %u\n",
                vus, limit, limit);
        vus = limit;
    }
    struct wsc_load_stage stage = {p->duration, vus};
    struct wsc_load_plan plan = {.model = WSC_LOAD_CLOSED,
                                 .stages = &stage,
                                 .n_stages = 1,
                                 .max_vus = (unsigned)vus,
                                 .max_connecting = WSC_LOAD_DEFAULT_MAX_CONNECTING,
                                 .max_message = 1024 * 1024,
                                 .timeout = WSC_DEFAULT_TIMEOUT,
                                 /* the run's own interruption flag */
                                 .stop =
                                     (volatile sig_atomic_t *)p->cfg->opts.interrupted};
    report->stats.connection_limit = limit;
    report->stats.started = wsc_wallclock();
    char *err = NULL;
    double t0 = wsc_now();
    int rc = wsc_load_run(&plan, scripts, n, &report->stats, NULL, NULL, &err);
    if (rc < 0)
        fprintf(stderr, "wscheck: performance tests: %s\n",
                err ? err : "the load engine failed");
    free(err);
    if (report->stats.duration <= 0)
        report->stats.duration = wsc_now() - t0;
    return rc;
}

/* "sessions_failed == 0 (got 3); ..." for the thresholds that failed. */
static char *breaches(const struct json_object *thresholds, const char *first_error)
{
    struct wsc_buf b = {0};
    for (size_t i = 0; i < json_object_array_length(thresholds); i++) {
        struct json_object *t = json_object_array_get_idx(thresholds, i), *v;
        if (!json_object_object_get_ex(t, "status", &v) ||
            strcmp(json_object_get_string(v), "fail") != 0)
            continue;
        json_object_object_get_ex(t, "text", &v);
        wsc_buf_printf(&b, "%s%s", b.len ? "; " : "", v ? json_object_get_string(v) : "");
    }
    if (b.len && first_error)
        wsc_buf_printf(&b, "; first error: %s", first_error);
    return b.len ? wsc_buf_take(&b) : (wsc_buf_free(&b), NULL);
}

static int add_thresholds(struct wsc_result *r, const struct json_object *thresholds)
{
    for (size_t i = 0; i < json_object_array_length(thresholds); i++) {
        struct json_object *t = json_object_array_get_idx(thresholds, i), *m, *e, *s, *v;
        if (!json_object_object_get_ex(t, "metric", &m) ||
            !json_object_object_get_ex(t, "expect", &e) ||
            !json_object_object_get_ex(t, "status", &s) ||
            !json_object_object_get_ex(t, "value", &v))
            continue; /* skipped: not measured */
        if (wsc_result_add_threshold(r, json_object_get_string(m), e, 1,
                                     json_object_get_double(v),
                                     strcmp(json_object_get_string(s), "pass") == 0) < 0)
            return -1;
    }
    return 0;
}

/* Test i of the load run as a result of the run. */
static int to_result(const struct wsc_load_report *report, size_t i,
                     const struct wsc_redactor *red, struct wsc_result *r)
{
    const struct wsc_load_test *t = &report->stats.tests[i];
    char *name = wsc_strdup_printf("performance: %s", t->name);
    char *why = breaches(report->thresholds[i], t->first_error);
    r->name = name ? wsc_redactor_text(red, name) : NULL;
    r->message = why ? wsc_redactor_text(red, why) : NULL;
    free(name);
    free(why);
    r->plugin = strdup(t->plugin);
    r->check = strdup(t->check);
    r->status = r->message ? WSC_FAILED : WSC_PASSED;
    r->started = report->stats.started;
    r->duration = report->stats.duration;
    r->attempts = 1;
    r->index = i;
    if (!r->name || !r->plugin || !r->check)
        return -1;
    json_object_object_foreach(report->metrics[i], metric, value) {
        if (wsc_result_add_metric(r, metric, json_object_get_double(value),
                                  wsc_load_metric_unit(metric)) < 0)
            return -1;
    }
    return add_thresholds(r, report->thresholds[i]);
}

/* Appends the suite of the stage's results to rr. */
static int add_suite(struct wsc_run_result *rr, const struct wsc_load_report *report,
                     const struct wsc_redactor *red)
{
    struct wsc_suite_result *more =
        realloc(rr->suites, (rr->n_suites + 1) * sizeof *more);
    if (!more)
        return -1;
    rr->suites = more;
    struct wsc_suite_result *s = &rr->suites[rr->n_suites++];
    memset(s, 0, sizeof *s);
    size_t n = report->stats.n_tests;
    s->name = strdup(PERF_SUITE);
    s->file = strdup("(" PERF_SUITE ")");
    s->hostname =
        strdup(rr->n_suites > 1 && rr->suites[0].hostname ? rr->suites[0].hostname
                                                          : "localhost");
    s->started = report->stats.started;
    s->duration = report->stats.duration;
    s->tests = calloc(n ? n : 1, sizeof *s->tests);
    if (!s->name || !s->file || !s->hostname || !s->tests)
        return -1;
    for (size_t i = 0; i < n; i++, s->n_tests++)
        if (to_result(report, i, red, &s->tests[i]) < 0)
            return -1;
    return 0;
}

static int measure(const struct wsc_quick_perf *p, struct wsc_run_result *rr,
                   const struct wsc_vars *vars, struct wsc_redactor *red)
{
    size_t n = 0;
    char **names = select_tests(p, rr, vars, &n);
    if (!names)
        return -1;
    if (n == 0) {
        fprintf(p->cfg->console.out ? p->cfg->console.out : stdout,
                "Performance tests: no endpoint test passed that can run under load\n");
        free(names);
        return 0;
    }
    struct wsc_load_cli_rules none = {0};
    struct wsc_load_setup setup = {p->scenario, p->reg, names, n, 0, &none, red};
    struct wsc_load_report report = {0};
    struct wsc_load_script **scripts = NULL;
    size_t n_scripts = 0;
    int rc = wsc_load_prepare(&setup, vars, &report, &scripts, &n_scripts) ||
                     wsc_load_default_rules(&report) < 0
                 ? -1
                 : run_stage(p, &report, scripts, n_scripts);
    if (rc == 0 && wsc_load_report_finish(&report) < 0)
        rc = -1;
    if (rc == 0 && !p->cfg->console.quiet) {
        FILE *out = p->cfg->console.out ? p->cfg->console.out : stdout;
        fprintf(out, "\nPerformance tests (%u connections per test for %g s):\n",
                p->connections, p->duration);
        wsc_load_summary(out, &report, 0);
    }
    if (rc == 0)
        rc = add_suite(rr, &report, red);
    wsc_load_scripts_free(scripts, n_scripts);
    wsc_load_report_clear(&report);
    free(names);
    return rc;
}

int wsc_quick_perf_after_run(struct wsc_run_result *rr, void *arg)
{
    const struct wsc_quick_perf *p = arg;
    if (!p->enabled || !p->scenario ||
        (p->cfg->opts.interrupted && *p->cfg->opts.interrupted))
        return 0;
    struct wsc_diag diag = {0};
    struct wsc_vars *vars = wsc_scenario_vars(p->scenario, p->cfg->cli_vars, &diag);
    struct wsc_redactor *red = wsc_scenario_redactor(p->scenario, p->cfg->redactor);
    int rc = vars && red && wsc_redactor_add_var_secrets(red, vars) == 0
                 ? measure(p, rr, vars, red)
                 : -1;
    if (rc < 0)
        fprintf(stderr, "wscheck: performance tests: not run (out of memory or a "
                        "scenario error)\n");
    wsc_redactor_free(red);
    if (vars)
        wsc_vars_free(vars);
    wsc_diag_clear(&diag);
    return rc;
}
