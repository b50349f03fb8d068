/* `wscheck load`: the tests of the scenario that run, their params with
 * variables expanded as a CI run expands them, their thresholds, and their
 * compiled scripts (load_plan.h). A test that cannot run under load is
 * refused before anything starts, with the compiler's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_plan.h"
#include "load_report.h"
#include "redact.h"
#include "util.h"
#include "wscheck/plugin.h"

static int named(const struct wsc_test *t, char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t->name, names[i]) == 0)
            return 1;
    return 0;
}

/* Every --test must name a test of the file. */
static int check_names(const struct wsc_scenario *sc, char *const *names, size_t n)
{
    int bad = 0;
    const char **all = calloc(sc->n_tests + 1, sizeof *all);
    if (!all)
        return -1;
    for (size_t i = 0; i < sc->n_tests; i++)
        all[i] = sc->tests[i].name;
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (i < sc->n_tests && strcmp(sc->tests[i].name, names[k]) != 0)
            i++;
        if (i < sc->n_tests)
            continue;
        const char *hint = wsc_did_you_mean(names[k], all);
        fprintf(stderr, "wscheck: load: %s has no test '%s'%s%s%s\n", sc->file, names[k],
                hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        bad++;
    }
    free(all);
    return bad;
}

/* The selected tests: the --test ones, else every test not skipped. */
static size_t select_tests(const struct wsc_scenario *sc, char *const *names, size_t n,
                           const struct wsc_test **out)
{
    size_t k = 0;
    for (size_t i = 0; i < sc->n_tests; i++) {
        const struct wsc_test *t = &sc->tests[i];
        if (n ? named(t, names, n) : !t->skip)
            out[k++] = t;
    }
    return k;
}

/* The test's thresholds: its expect_metrics (variables expanded) and the
 * --threshold rules for it or for every test. */
static int add_rules(struct json_object *rules, const struct wsc_test *t,
                     const struct wsc_vars *vars, const struct wsc_load_cli_rules *cli)
{
    char *err = NULL;
    struct json_object *em = NULL;
    if (t->expect_metrics && !(em = wsc_vars_expand(vars, t->expect_metrics, &err))) {
        fprintf(stderr, "wscheck: load: test '%s': expect_metrics: %s\n", t->name,
                err ? err : "out of memory");
        free(err);
        return -1;
    }
    int rc = wsc_load_rules_from_expect(rules, em);
    json_object_put(em);
    for (size_t i = 0; rc == 0 && i < cli->n; i++)
        if (!cli->tests[i] || strcmp(cli->tests[i], t->name) == 0)
            rc = json_object_array_add(rules, json_object_get(cli->rules[i]));
    return rc;
}

/* Prints "wscheck: load: test 'NAME'...: WHY" with the scenario's secrets
 * redacted: the message may quote params (a URL with a token in it). */
static void say_refused(const struct wsc_redactor *red, const struct wsc_test *t,
                        const char *what, const char *why)
{
    char *text = wsc_strdup_printf("test '%s'%s: %s", t->name, what, why);
    char *safe = text && red ? wsc_redactor_text(red, text) : NULL;
    fprintf(stderr, "wscheck: load: %s\n",
            safe ? safe : (text && !red ? text : "a test is refused (out of memory)"));
    free(safe);
    free(text);
}

/* The params of t as its check gets them in a CI run, compiled. */
/* The values of the test's credential headers (Authorization, Cookie, ...)
 * are secrets of every message, as lib's HTTP and WebSocket clients make
 * them in a run. 0, or -1 when out of memory. */
static int add_header_secrets(struct wsc_redactor *red, const struct json_object *params)
{
    struct json_object *headers;
    if (!red || !json_object_object_get_ex(params, "headers", &headers) ||
        !json_object_is_type(headers, json_type_object))
        return 0;
    json_object_object_foreach(headers, name, value) {
        if (wsc_redactor_secret_name(red, name, strlen(name), WSC_NAME_TEXT) == 2 &&
            json_object_is_type(value, json_type_string) &&
            wsc_redactor_add_secret(red, json_object_get_string(value)) < 0)
            return -1;
    }
    return 0;
}

static struct wsc_load_script *compile_one(const struct wsc_test *t,
                                           const struct wsc_load_setup *s,
                                           const struct wsc_vars *vars)
{
    const struct wsc_loaded_check *lc = wsc_registry_check(s->reg, t->plugin, t->check);
    char *err = NULL, *why = NULL, *what = NULL;
    struct json_object *params =
        wsc_scenario_test_params(t, lc ? lc->schema : NULL, vars, &err);
    struct wsc_load_script *sc = NULL;
    if (!params || add_header_secrets(s->red, params) < 0) {
        say_refused(s->red, t, "", err ? err : "out of memory");
    } else if (!(sc = wsc_load_compile(t, params,
                                       s->timeout > 0 ? s->timeout : t->timeout, &why))) {
        /* the compilers' messages name the check and say "cannot run
         * under load" themselves, mostly */
        if (!why || !strstr(why, "cannot run under load"))
            what =
                wsc_strdup_printf(" (%s.%s) cannot run under load", t->plugin, t->check);
        say_refused(s->red, t, what ? what : "", why ? why : "out of memory");
        fputs("Select the tests that can with --test NAME.\n", stderr);
    }
    free(what);
    free(err);
    free(why);
    json_object_put(params);
    return sc;
}

static int prepare_test(const struct wsc_test *t, size_t i,
                        const struct wsc_load_setup *s, const struct wsc_vars *vars,
                        struct wsc_load_report *r, struct wsc_load_script **scripts)
{
    if (wsc_load_test_init(&r->stats.tests[i], t) < 0 ||
        add_rules(r->rules[i], t, vars, s->cli_rules) < 0)
        return WSC_LOAD_SETUP_INTERNAL;
    if (!(scripts[i] = compile_one(t, s, vars)))
        return WSC_LOAD_SETUP_REFUSED;
    scripts[i]->test = i;
    return 0;
}

int wsc_load_prepare(const struct wsc_load_setup *s, const struct wsc_vars *vars,
                     struct wsc_load_report *r, struct wsc_load_script ***scripts,
                     size_t *n_scripts)
{
    const struct wsc_scenario *sc = s->scenario;
    const struct wsc_test **sel = calloc(sc->n_tests + 1, sizeof *sel);
    int bad = sel ? check_names(sc, s->names, s->n_names) : -1, rc = 0;
    size_t n = 0;
    *scripts = NULL;
    *n_scripts = 0;
    if (bad)
        rc = bad < 0 ? WSC_LOAD_SETUP_INTERNAL : WSC_LOAD_SETUP_REFUSED;
    else if (!(n = select_tests(sc, s->names, s->n_names, sel))) {
        fprintf(stderr, "wscheck: load: %s: no test to run (every test is skipped)\n",
                sc->file);
        rc = WSC_LOAD_SETUP_REFUSED;
    } else if (wsc_load_report_init(r, n) < 0 ||
               !(*scripts = calloc(n, sizeof **scripts)))
        rc = WSC_LOAD_SETUP_INTERNAL;
    /* every test is compiled, so that every refusal is reported at once */
    for (size_t i = 0; rc != WSC_LOAD_SETUP_INTERNAL && *scripts && i < n; i++) {
        int one = prepare_test(sel[i], i, s, vars, r, *scripts);
        if (one && rc != WSC_LOAD_SETUP_INTERNAL)
            rc = one;
    }
    *n_scripts = *scripts ? n : 0;
    free(sel);
    return rc;
}

void wsc_load_scripts_free(struct wsc_load_script **scripts, size_t n)
{
    for (size_t i = 0; scripts && i < n; i++)
        if (scripts[i])
            wsc_load_script_free(scripts[i]);
    free(scripts);
}

/* A test with no threshold on its errors gets "sessions_failed == 0": a
 * load run whose sessions fail does not pass for want of a rule. */
int wsc_load_default_rules(struct wsc_load_report *r)
{
    for (size_t i = 0; i < r->stats.n_tests; i++) {
        int has = 0;
        for (size_t k = 0; k < json_object_array_length(r->rules[i]); k++) {
            struct json_object *m;
            json_object_object_get_ex(json_object_array_get_idx(r->rules[i], k), "metric",
                                      &m);
            const char *name = m ? json_object_get_string(m) : "";
            has = has || strcmp(name, "sessions_failed") == 0 ||
                  strcmp(name, "error_rate") == 0 || strncmp(name, "errors_", 7) == 0;
        }
        if (has)
            continue;
        struct json_object *rule = json_object_new_object(),
                           *zero = json_object_new_int(0);
        if (!rule || !zero ||
            json_object_object_add(rule, "metric",
                                   json_object_new_string("sessions_failed")) ||
            json_object_object_add(rule, "expect", zero) ||
            json_object_object_add(rule, "source", json_object_new_string("default")) ||
            json_object_array_add(r->rules[i], rule)) {
            json_object_put(rule);
            return -1;
        }
    }
    return 0;
}
