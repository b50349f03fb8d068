/* Scenario files: validation of every test before anything runs. For each
 * test: its plugin and check exist, its params expand with the variables
 * known at that point and satisfy the check's schema, its expectations are
 * well formed, and the check's own validate callback (ABI 2) finds what a
 * schema cannot. Every problem is reported, in file order. */
#include "scenario_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "wscheck/schema.h"
#include "util.h"
#include "validation.h"

void scn_test_problem(struct scn_test_check *tc, const char *pointer, int at_key,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    scn_collect(tc->r, pointer, at_key, "%s%s", tc->prefix, msg ? msg : "out of memory");
    free(msg);
}

static void on_schema_error(const char *msg, const char *where, int at_key, void *arg)
{
    struct scn_test_check *tc = arg;
    char *ptr = NULL;
    if (asprintf(&ptr, "%s%s", tc->base, where ? where : "") < 0)
        ptr = NULL;
    scn_test_problem(tc, ptr ? ptr : tc->base, at_key, "%s", msg);
    free(ptr);
}

/* ---- the check's validate callback ------------------------------------------ */

struct callback {
    struct scn_test_check *tc;
    const struct json_object *params;
};

/* "params.steps[3].within" for "/steps/3/within" in params: indexes where
 * the value is an array, member names elsewhere. */
static void dotted_name(struct wsc_buf *b, const struct json_object *params,
                        const char *pointer)
{
    const struct json_object *v = params;
    const char *p = pointer;
    wsc_buf_puts(b, "params");
    while (*p == '/') {
        const char *next;
        char *seg = wsc_json_pointer_segment(p + 1, &next);
        struct json_object *child = NULL;
        if (!seg)
            return;
        if (json_object_is_type(v, json_type_array)) {
            wsc_buf_printf(b, "[%s]", seg);
            child = json_object_array_get_idx(v, (size_t)strtoul(seg, NULL, 10));
        } else {
            wsc_buf_printf(b, ".%s", seg);
            if (json_object_is_type(v, json_type_object))
                json_object_object_get_ex(v, seg, &child);
        }
        free(seg);
        v = child;
        p = next;
    }
}

static void on_invalid(void *arg, const char *pointer, const char *msg)
{
    struct callback *cb = arg;
    struct wsc_buf name = {0};
    char *ptr = NULL;
    /* "steps/1" for "/steps/1": forgiven, the place is what matters. */
    const char *slash = *pointer && *pointer != '/' ? "/" : "";
    if (asprintf(&ptr, "%s%s%s", cb->tc->base, slash, pointer) < 0)
        ptr = NULL;
    dotted_name(&name, cb->params, ptr ? ptr + strlen(cb->tc->base) : "");
    scn_test_problem(cb->tc, ptr ? ptr : cb->tc->base, 0, "%s: %s",
                     name.data && !name.failed ? name.data : "params", msg);
    wsc_buf_free(&name);
    free(ptr);
}

/* Hands the params as written, defaults filled in, to the check's validate
 * callback; what it reports is placed at the pointers it gives. */
static void run_validate_callback(struct scn_test_check *tc,
                                  const struct wsc_loaded_check *lc,
                                  const struct wsc_vars *vars, double timeout)
{
    struct json_object *params = wsc_schema_apply_defaults(lc->schema, tc->t->params);
    struct callback cb = {tc, params};
    struct wsc_validation v = {
        .timeout = timeout, .vars = vars, .report = on_invalid, .arg = &cb};
    if (!params) {
        scn_test_problem(tc, tc->base, 0, "out of memory");
        return;
    }
    lc->check->validate(&v, params);
    json_object_put(params);
}

/* ---- params ------------------------------------------------------------------ */

static void validate_params(struct scn_test_check *tc, const struct json_object *schema,
                            struct wsc_vars *vars)
{
    struct json_object *expanded = json_object_new_object(), *full = NULL;

    if (!expanded || scn_expand_params(tc, schema, vars, 0, expanded) < 0)
        goto oom;
    /* Names captured by steps of deferred params are defined for the later
     * steps and for the tests after this one. */
    json_object_object_foreach(tc->t->params, key, tmpl) {
        if (scn_param_deferred(schema, key) && scn_declare_captures(tmpl, vars) < 0)
            goto oom;
    }
    if (scn_expand_params(tc, schema, vars, 1, expanded) < 0)
        goto oom;
    if (schema) {
        if (scn_restore_text(schema, expanded, tc->t->params, vars) < 0 ||
            !(full = wsc_schema_apply_defaults(schema, expanded)))
            goto oom;
        wsc_schema_validate_each(schema, full, 1, on_schema_error, tc);
        scn_check_expectations(tc, schema, full);
    }
    json_object_put(expanded);
    json_object_put(full);
    return;
oom:
    scn_test_problem(tc, tc->base, 0, "out of memory");
    json_object_put(expanded);
    json_object_put(full);
}

/* ---- tests --------------------------------------------------------------------- */

struct validate_run {
    const struct wsc_scenario *sc;
    const struct wsc_registry *reg;
    struct wsc_vars *vars;
    double timeout; /* > 0: overrides every test's timeout */
    struct scn_reporter *r;
};

/* "test 'NAME': ", or "tests[N]: " for a test without a usable name. */
static char *test_prefix(const struct wsc_test *t)
{
    char *out = NULL;
    int rc = t->name ? asprintf(&out, "test '%s': ", t->name)
                     : asprintf(&out, "tests[%zu]: ", t->index);
    return rc < 0 ? NULL : out;
}

static void validate_test(struct validate_run *run, const struct wsc_test *t)
{
    struct scn_test_check tc = {run->sc, run->r, t, NULL, NULL};
    const struct wsc_loaded_check *lc = NULL;
    char *test_ptr = wsc_json_pointer_index("/tests", t->index);
    char *base = test_ptr ? wsc_json_pointer_join(test_ptr, "params") : NULL;
    char *prefix = test_prefix(t);

    if (!base || !prefix) {
        scn_collect(run->r, "/tests", 0, "out of memory");
    } else {
        tc.base = base;
        tc.prefix = prefix;
        /* A test whose structure is broken (reported by the loader) is
         * checked as far as it goes. */
        if (run->reg && t->plugin && t->check)
            lc = scn_find_check(&tc, run->reg, test_ptr);
        validate_params(&tc, lc ? lc->schema : NULL, run->vars);
        scn_check_expect_metrics(&tc, lc, run->vars, test_ptr);
        if (lc && lc->check->validate)
            run_validate_callback(&tc, lc, run->vars,
                                  run->timeout > 0 ? run->timeout : t->timeout);
        /* What this test captures is defined, value unknown, from here on. */
        if (scn_declare_test_captures(t, run->vars) < 0)
            scn_test_problem(&tc, base, 0, "out of memory");
    }
    free(test_ptr);
    free(base);
    free(prefix);
}

int wsc_scenario_validate_timeout(const struct wsc_scenario *sc,
                                  const struct wsc_registry *reg,
                                  const struct wsc_vars *cli_vars, double timeout,
                                  struct wsc_diag *diag)
{
    struct scn_reporter r = {.sc = sc, .diag = diag};
    struct validate_run run = {sc, reg, NULL, timeout, &r};
    /* What loading found comes out with the rest, in file order. */
    if (sc->pending)
        scn_take(&r, sc->pending);
    run.vars = scn_build_vars(sc, cli_vars, &r);
    for (size_t i = 0; run.vars && i < sc->n_tests; i++)
        if (sc->tests[i].params)
            validate_test(&run, &sc->tests[i]);
    wsc_vars_free(run.vars);
    scn_flush(&r);
    return r.errors;
}

int wsc_scenario_validate(const struct wsc_scenario *sc, const struct wsc_registry *reg,
                          const struct wsc_vars *cli_vars, struct wsc_diag *diag)
{
    return wsc_scenario_validate_timeout(sc, reg, cli_vars, 0, diag);
}
