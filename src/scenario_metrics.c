/* Scenario files: a test's `expect_metrics` (thresholds on the metrics its
 * check records) is checked before anything runs: every matcher must be
 * well formed (after expanding the variables known up front), and when the
 * check declares the metrics it records, every name must be one of them. A
 * check that declares none may record any. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "load_report.h"
#include "var_origin.h"
#include "vars.h"

/* The names the check declares, NULL-ended (borrowed; malloc'ed array). */
static const char **declared_names(const struct wsc_metric_decl *decl)
{
    size_t n = 0;
    while (decl[n].name)
        n++;
    const char **names = calloc(n + 1, sizeof *names);
    for (size_t i = 0; names && i < n; i++)
        names[i] = decl[i].name;
    return names;
}

static void unknown_metric(struct scn_test_check *tc, const struct wsc_loaded_check *lc,
                           const char *name, const char *ptr)
{
    const char **names = declared_names(lc->check->metrics);
    const char *near = names ? wsc_did_you_mean(name, names) : NULL;
    char *list = names && !near ? scn_join_list(names) : NULL;
    if (near)
        scn_test_problem(tc, ptr, 1,
                         "expect_metrics: %s.%s records no metric '%s' (did you mean "
                         "'%s'?)",
                         tc->t->plugin, tc->t->check, name, near);
    else
        scn_test_problem(tc, ptr, 1,
                         "expect_metrics: %s.%s records no metric '%s' "
                         "(it records: %s)",
                         tc->t->plugin, tc->t->check, name, list ? list : "none");
    free(list);
    free(names);
}

static int has_ref_fn(const char *name, void *arg)
{
    (void)name;
    (void)arg;
    return 1;
}

/* Does any string in v refer to a variable? */
static int has_ref(const struct json_object *v)
{
    return wsc_vars_each_ref(v, has_ref_fn, NULL) != 0 ||
           strstr(json_object_to_json_string((struct json_object *)v), "${env:") != NULL;
}

/* The matcher to check now: as written, or with the variables known up front
 * expanded; NULL when a variable is undefined (reported) or a value is only
 * known at run time (a capture: checked when the test runs). */
static struct json_object *expanded_matcher(struct scn_test_check *tc,
                                            const struct wsc_vars *vars,
                                            struct json_object *matcher, const char *name,
                                            const char *ptr)
{
    char *err = NULL, *where = NULL;
    if (!has_ref(matcher))
        return json_object_get(matcher);
    struct json_object *v = wsc_vars_expand_at(vars, matcher, &err, &where);
    if (err) {
        char *why = wsc_explain_undefined(tc->sc, tc->t, err, NULL, NULL);
        char *at = NULL;
        if (asprintf(&at, "%s%s", ptr, where ? where : "") < 0)
            at = NULL;
        scn_test_problem(tc, at ? at : ptr, 0, "expect_metrics.%s: %s", name,
                         why ? why : err);
        free(at);
        free(why);
    } else if (v && has_ref(v)) {
        json_object_put(v);
        v = NULL;
    }
    free(err);
    free(where);
    return v;
}

void scn_check_expect_metrics(struct scn_test_check *tc,
                              const struct wsc_loaded_check *lc,
                              const struct wsc_vars *vars, const char *test_ptr)
{
    const struct json_object *em = tc->t->expect_metrics;
    char *base = em ? wsc_json_pointer_join(test_ptr, "expect_metrics") : NULL;
    if (!em)
        return;
    if (!base) {
        scn_test_problem(tc, test_ptr, 0, "out of memory");
        return;
    }
    json_object_object_foreach((struct json_object *)em, name, matcher) {
        char *ptr = wsc_json_pointer_join(base, name);
        struct json_object *m =
            ptr ? expanded_matcher(tc, vars, matcher, name, ptr) : NULL;
        char *msg = m ? wsc_match_check(m) : NULL;
        json_object_put(m);
        if (!ptr) {
            scn_test_problem(tc, base, 0, "out of memory");
        } else {
            /* A metric of `wscheck load` (session_p99_ms, error_rate, ...)
             * is a threshold of load runs, whatever the check records. */
            const char *hint;
            if (lc && lc->check->metrics && !wsc_registry_metric(lc, name) &&
                !wsc_load_metric_known(name, &hint))
                unknown_metric(tc, lc, name, ptr);
            /* the matcher is the metric's value: "/: " says nothing more */
            if (msg)
                scn_test_problem(tc, ptr, 0, "expect_metrics.%s: %s", name,
                                 strncmp(msg, "/: ", 3) == 0 ? msg + 3 : msg);
        }
        free(msg);
        free(ptr);
    }
    free(base);
}
