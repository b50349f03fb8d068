/* Scenario files: the file's `vars`, expanded in order on top of --var, and
 * which variable names a selection of tests references (so that a --var
 * nobody uses is caught). */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "util.h"

/* An "undefined variable 'x'" where x is defined further down the file gets
 * a hint: vars may only refer to the ones above them. */
static int names_later_var(const struct wsc_scenario *sc, const char *after,
                           const char *err)
{
    int seen = 0;
    const char *q = strstr(err, "undefined variable '");
    if (!q || !sc->vars)
        return 0;
    q += strlen("undefined variable '");
    size_t n = strcspn(q, "'");
    json_object_object_foreach(sc->vars, key, val) {
        (void)val;
        if (seen && strlen(key) == n && strncmp(key, q, n) == 0)
            return 1;
        if (strcmp(key, after) == 0)
            seen = 1;
    }
    return 0;
}

/* Adds the size of val to *total; is the total now over the limit? Each
 * value is bounded by itself, but many of them copying the largest are not. */
static int over_total(size_t *total, const struct json_object *val)
{
    size_t room = WSC_VARS_MAX_TOTAL - *total;
    size_t n = wsc_vars_value_size(val, room);
    if (n > room)
        return 1;
    *total += n;
    return 0;
}

struct wsc_vars *scn_build_vars(const struct wsc_scenario *sc,
                                const struct wsc_vars *cli_vars, struct scn_reporter *r)
{
    struct wsc_vars *v = cli_vars ? wsc_vars_copy(cli_vars) : wsc_vars_new();
    if (!v) {
        scn_collect(r, "", 0, "out of memory");
        return NULL;
    }
    if (scn_mark_secret_vars(sc, v) < 0)
        scn_collect(r, "/redact", 0, "out of memory");
    if (!sc->vars)
        return v;
    size_t total = 0; /* of the values expanded so far */
    json_object_object_foreach(sc->vars, key, written) {
        char *err = NULL, *where = NULL;
        /* {"$secret": X}: the variable is X, and its value a secret */
        const struct json_object *tmpl = wsc_secret_wrapped(written);
        if (tmpl && wsc_vars_mark_secret(v, key) < 0)
            scn_collect(r, "/vars", 0, "out of memory");
        if (!tmpl)
            tmpl = written;
        if (!wsc_var_name_valid(key) || wsc_vars_layer(v, key) == WSC_VARS_CLI)
            continue; /* reported by the loader / overridden by --var */
        struct json_object *val = wsc_vars_expand_at(v, tmpl, &err, &where);
        if (!err && over_total(&total, val)) {
            json_object_put(val);
            val = NULL;
            err = wsc_strdup_printf("the file's variables expand to more than %d MiB "
                                    "together",
                                    WSC_VARS_MAX_TOTAL >> 20);
        }
        if (err) {
            char *base = wsc_json_pointer_join("/vars", key);
            if (base && tmpl != written) {
                char *inner = wsc_json_pointer_join(base, "$secret");
                free(base);
                base = inner;
            }
            char *ptr = NULL;
            if (base && asprintf(&ptr, "%s%s", base, where ? where : "") < 0)
                ptr = NULL;
            scn_collect(r, ptr ? ptr : "/vars", 0, "vars.%s: %s%s", key, err,
                        names_later_var(sc, key, err)
                            ? " (a variable can only use those defined before it)"
                            : "");
            free(base);
            free(ptr);
            free(err);
            free(where);
            if (wsc_vars_set_unknown(v, key) < 0)
                scn_collect(r, "/vars", 0, "out of memory");
            continue;
        }
        if (wsc_vars_set(v, WSC_VARS_FILE, key, val) < 0)
            scn_collect(r, "/vars", 0, "out of memory");
    }
    return v;
}

struct wsc_vars *wsc_scenario_vars(const struct wsc_scenario *sc,
                                   const struct wsc_vars *cli_vars, struct wsc_diag *diag)
{
    struct scn_reporter r = {.sc = sc, .diag = diag};
    struct wsc_vars *v = scn_build_vars(sc, cli_vars, &r);
    scn_flush(&r);
    if (r.errors) {
        wsc_vars_free(v);
        return NULL;
    }
    return v;
}

/* ---- references ------------------------------------------------------------------- */

static int add_ref(const char *name, void *arg)
{
    struct json_object *names = arg;
    if (json_object_object_get_ex(names, name, NULL))
        return 0;
    return json_object_object_add(names, name, NULL) == 0 ? 0 : -1;
}

/* Adds the references of the file vars that names already holds, until
 * nothing new comes (a var may use the vars above it). */
static int add_var_refs(const struct wsc_scenario *sc, struct json_object *names)
{
    int before;
    if (!sc->vars)
        return 0;
    do {
        before = json_object_object_length(names);
        json_object_object_foreach(sc->vars, key, tmpl) {
            if (json_object_object_get_ex(names, key, NULL) &&
                wsc_vars_each_ref(tmpl, add_ref, names) != 0)
                return -1;
        }
    } while (json_object_object_length(names) != before);
    return 0;
}

int wsc_scenario_var_refs(const struct wsc_scenario *sc,
                          int (*selected)(const struct wsc_test *t, const void *arg),
                          const void *arg, struct json_object *names)
{
    for (size_t i = 0; i < sc->n_tests; i++) {
        const struct wsc_test *t = &sc->tests[i];
        if (!t->params || (selected && !selected(t, arg)))
            continue;
        if (wsc_vars_each_ref(t->params, add_ref, names) != 0 ||
            (t->expect_metrics &&
             wsc_vars_each_ref(t->expect_metrics, add_ref, names) != 0))
            return -1;
    }
    return add_var_refs(sc, names);
}
