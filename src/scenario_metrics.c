/* Scenario files: a test's `expect_metrics` (thresholds on the metrics its
 * check records) is checked before anything runs: every matcher must be
 * well formed, and when the check declares the metrics it records, every
 * name must be one of them. A check that declares none may record any. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"

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

void scn_check_expect_metrics(struct scn_test_check *tc,
                              const struct wsc_loaded_check *lc, const char *test_ptr)
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
        char *msg = wsc_match_check(matcher);
        if (!ptr) {
            scn_test_problem(tc, base, 0, "out of memory");
        } else {
            if (lc && lc->check->metrics && !wsc_registry_metric(lc, name))
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
