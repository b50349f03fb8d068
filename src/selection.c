/* Checks on the whole selection of a run (see selection.h): --tag and
 * --filter that select nothing, --var that no test of the files uses. Both would let a
 * run pass while testing nothing, or not what was meant. */
#include "selection.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t count_selected(struct wsc_scenario *const *scs, size_t n,
                             const struct wsc_run_options *o)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < scs[i]->n_tests; k++)
            count += wsc_test_selected(&scs[i]->tests[k], o) ? 1 : 0;
    return count;
}

/* "--tag a --filter 'b*'": what the selection was. */
static void print_selection(const struct wsc_run_options *o, FILE *out)
{
    for (size_t i = 0; i < o->n_tags; i++)
        fprintf(out, " --tag '%s'", o->tags[i]);
    for (size_t i = 0; i < o->n_filters; i++)
        fprintf(out, " --filter '%s'", o->filters[i]);
}

/* The names of an object (a set), NULL-ended; borrowed from it. */
static const char **set_names(const struct json_object *set)
{
    size_t n = 0;
    const char **names =
        calloc((size_t)json_object_object_length(set) + 1, sizeof *names);
    if (!names)
        return NULL;
    json_object_object_foreach((struct json_object *)set, key, val) {
        (void)val;
        names[n++] = key;
    }
    return names;
}

/* A --var counts as used when any test of the files references it, selected
 * or not: every test is validated, so one that --tag leaves out may still
 * need it. */
static int unused_vars(struct wsc_scenario *const *scs, size_t n,
                       const struct wsc_vars *cli_vars, FILE *out)
{
    const struct json_object *cli = wsc_vars_layer_object(cli_vars, WSC_VARS_CLI);
    struct json_object *refs;
    const char **names;
    int problems = 0;
    if (!cli || json_object_object_length(cli) == 0)
        return 0;
    if (!(refs = json_object_new_object()))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (wsc_scenario_var_refs(scs[i], NULL, NULL, refs) < 0) {
            json_object_put(refs);
            return -1;
        }
    if (!(names = set_names(refs))) {
        json_object_put(refs);
        return -1;
    }
    json_object_object_foreach((struct json_object *)cli, name, val) {
        (void)val;
        if (json_object_object_get_ex(refs, name, NULL))
            continue;
        const char *near = wsc_did_you_mean(name, names);
        fprintf(out, "wscheck: --var %s: no test uses ${%s}", name, name);
        if (near)
            fprintf(out, " (did you mean '%s'?)", near);
        fputc('\n', out);
        problems++;
    }
    free(names);
    json_object_put(refs);
    return problems;
}

int wsc_selection_check(struct wsc_scenario *const *scs, size_t n,
                        const struct wsc_run_options *o, const struct wsc_vars *cli_vars,
                        FILE *out)
{
    int unused;
    if ((o->n_tags || o->n_filters) && count_selected(scs, n, o) == 0) {
        fprintf(out, "wscheck: no test is selected by");
        print_selection(o, out);
        fprintf(out, " in %zu scenario file%s\n", n, n == 1 ? "" : "s");
        return 1; /* every --var would be unused too: one message is enough */
    }
    if ((unused = unused_vars(scs, n, cli_vars, out)) < 0)
        return -1;
    return unused;
}
