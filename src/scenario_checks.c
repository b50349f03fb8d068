/* Scenario files: finding the plugin and check a test names, with a "did
 * you mean" when the name is misspelt and the list of names otherwise. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the loaded plugins, sorted, NULL-ended. Malloc'ed array of
 * borrowed names; NULL when out of memory. */
static const char **plugin_names(const struct wsc_registry *reg)
{
    const char **names = calloc(reg->n_plugins + 1, sizeof *names);
    size_t n = 0;
    if (!names)
        return NULL;
    for (size_t i = 0; i < reg->n_plugins; i++)
        if (reg->plugins[i].plugin && reg->plugins[i].plugin->name)
            names[n++] = reg->plugins[i].plugin->name;
    qsort(names, n, sizeof *names, cmp_str);
    return names;
}

/* The names of a plugin's checks, in its order, NULL-ended. */
static const char **check_names(const struct wsc_loaded_plugin *lp)
{
    const char **names = calloc(lp->n_checks + 1, sizeof *names);
    size_t n = 0;
    if (!names)
        return NULL;
    for (size_t i = 0; i < lp->n_checks; i++)
        if (lp->checks[i].check && lp->checks[i].check->name)
            names[n++] = lp->checks[i].check->name;
    return names;
}

/* " (did you mean 'x'?)" or " (WHAT: a, b)" (" (WHAT: NONE)" when there
 * are none) for a name not found among names. Malloc'ed; NULL when out of
 * memory. */
static char *hint(const char *word, const char **names, const char *what,
                  const char *none)
{
    const char *near = names ? wsc_did_you_mean(word, names) : NULL;
    char *list, *out = NULL;
    if (near)
        return asprintf(&out, " (did you mean '%s'?)", near) < 0 ? NULL : out;
    list = names && names[0] ? scn_join_list(names) : strdup(none);
    if (list && asprintf(&out, " (%s: %s)", what, list) < 0)
        out = NULL;
    free(list);
    return out;
}

static void unknown_plugin(struct scn_test_check *tc, const struct wsc_registry *reg,
                           const char *test_ptr)
{
    const char **names = plugin_names(reg);
    char *ptr = wsc_json_pointer_join(test_ptr, "plugin");
    char *h = hint(tc->t->plugin, names, "plugins", "none loaded");
    scn_test_problem(tc, ptr ? ptr : test_ptr, 0, "unknown plugin '%s'%s", tc->t->plugin,
                     h ? h : "");
    free(h);
    free(ptr);
    free(names);
}

static void unknown_check(struct scn_test_check *tc, const struct wsc_loaded_plugin *lp,
                          const char *test_ptr)
{
    const char **names = check_names(lp);
    char *ptr = wsc_json_pointer_join(test_ptr, "check");
    char *h = hint(tc->t->check, names, "checks", "none");
    scn_test_problem(tc, ptr ? ptr : test_ptr, 0, "plugin '%s' has no check '%s'%s",
                     tc->t->plugin, tc->t->check, h ? h : "");
    free(h);
    free(ptr);
    free(names);
}

const struct wsc_loaded_check *scn_find_check(struct scn_test_check *tc,
                                              const struct wsc_registry *reg,
                                              const char *test_ptr)
{
    const struct wsc_test *t = tc->t;
    const struct wsc_loaded_plugin *lp = NULL;
    for (size_t i = 0; i < reg->n_plugins && !lp; i++)
        if (reg->plugins[i].plugin && reg->plugins[i].plugin->name &&
            strcmp(reg->plugins[i].plugin->name, t->plugin) == 0)
            lp = &reg->plugins[i];
    if (!lp) {
        unknown_plugin(tc, reg, test_ptr);
        return NULL;
    }
    for (size_t i = 0; i < lp->n_checks; i++)
        if (lp->checks[i].check && lp->checks[i].check->name &&
            strcmp(lp->checks[i].check->name, t->check) == 0)
            return &lp->checks[i];
    unknown_check(tc, lp, test_ptr);
    return NULL;
}
