/* Undefined variables explained: see var_origin.h. */
#include "var_origin.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define UNDEFINED "undefined variable '"
#define HINT " (did you mean '"

/* Does v (a test's params) hold a "capture" object naming name, at any
 * depth (the steps of a conversation)? */
static int params_capture(const struct json_object *v, const char *name)
{
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach((struct json_object *)v, key, val) {
            if (strcmp(key, "capture") == 0 &&
                json_object_is_type(val, json_type_object) &&
                json_object_object_get_ex(val, name, NULL))
                return 1;
            if (params_capture(val, name))
                return 1;
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (params_capture(json_object_array_get_idx(v, i), name))
                return 1;
    }
    return 0;
}

static int captures(const struct wsc_test *t, const char *name)
{
    /* a test without a usable name (a structure error) cannot be named */
    return t->name &&
           ((t->capture && json_object_object_get_ex(t->capture, name, NULL)) ||
            params_capture(t->params, name));
}

/* The test that should have defined name for t: the nearest one before t,
 * else the first one after it; NULL when none captures it. */
static const struct wsc_test *find_capturer(const struct wsc_scenario *sc,
                                            const struct wsc_test *t, const char *name)
{
    for (size_t i = t->index; i > 0; i--)
        if (captures(&sc->tests[i - 1], name))
            return &sc->tests[i - 1];
    for (size_t i = t->index + 1; i < sc->n_tests; i++)
        if (captures(&sc->tests[i], name))
            return &sc->tests[i];
    return NULL;
}

/* A close name among the variables every test captures, for a name no
 * test captures. */
static const char *near_capture(const struct wsc_scenario *sc, const char *name)
{
    const char **names = NULL;
    size_t n = 0;
    for (size_t i = 0; i < sc->n_tests; i++) {
        if (!sc->tests[i].capture)
            continue;
        json_object_object_foreach(sc->tests[i].capture, key, val) {
            (void)val;
            const char **grown = realloc(names, (n + 2) * sizeof *names);
            if (!grown) {
                free(names);
                return NULL;
            }
            names = grown;
            names[n++] = key;
            names[n] = NULL;
        }
    }
    const char *near = names ? wsc_did_you_mean(name, names) : NULL;
    free(names);
    return near;
}

static const char *status_phrase(enum wsc_status st)
{
    switch (st) {
    case WSC_FAILED:
        return "which failed";
    case WSC_ERROR:
        return "which errored";
    case WSC_SKIPPED:
        return "which was skipped";
    default:
        return "which did not set it";
    }
}

/* The cause, into b; 0 when there is nothing to add. */
static int cause(struct wsc_buf *b, const struct wsc_scenario *sc,
                 const struct wsc_test *t, const char *name, const char *hint,
                 wsc_origin_fn fn, void *arg)
{
    const struct wsc_test *c = find_capturer(sc, t, name);
    enum wsc_status st = WSC_PASSED;
    if (!c) {
        const char *near = hint ? NULL : near_capture(sc, name);
        if (hint)
            wsc_buf_printf(b, "no test captures it; did you mean '%s'?", hint);
        else if (near)
            wsc_buf_printf(b, "no test captures it; did you mean '%s'?", near);
        else
            wsc_buf_puts(b, "not in vars or --var, and no test captures it");
        return 1;
    }
    if (c->index > t->index) {
        wsc_buf_printf(b, "captured by test '%s' later in the file", c->name);
    } else {
        int ran = fn ? fn(c, arg, &st) : -1;
        if (ran < 0)
            return 0;
        wsc_buf_printf(b, "captured by test '%s', %s", c->name,
                       ran == 0 ? "which was not selected" : status_phrase(st));
    }
    if (hint)
        wsc_buf_printf(b, "; did you mean '%s'?", hint);
    return 1;
}

char *wsc_explain_undefined(const struct wsc_scenario *sc, const struct wsc_test *t,
                            const char *msg, wsc_origin_fn fn, void *arg)
{
    /* Only wscheck's own phrase, starting the message or a clause of it
     * ("params.url: undefined ..."), not a server's text quoted in it. */
    const char *at = msg ? strstr(msg, UNDEFINED) : NULL;
    while (at && at != msg && !(at - msg >= 2 && at[-2] == ':' && at[-1] == ' '))
        at = strstr(at + 1, UNDEFINED);
    if (!at)
        return NULL;
    const char *start = at + strlen(UNDEFINED);
    size_t n = strcspn(start, "'");
    if (start[n] != '\'')
        return NULL;
    const char *rest = start + n + 1;
    char *name = strndup(start, n), *hint = NULL;
    if (!name || !wsc_var_name_valid(name) || captures(t, name)) {
        free(name);
        return NULL;
    }
    /* An existing " (did you mean 'x'?)" joins the cause. */
    if (strncmp(rest, HINT, strlen(HINT)) == 0) {
        const char *h = rest + strlen(HINT);
        size_t hn = strcspn(h, "'");
        if (strncmp(h + hn, "'?)", 3) == 0 && (hint = strndup(h, hn)) != NULL)
            rest = h + hn + 3;
    }
    struct wsc_buf b = {0};
    char *out = NULL;
    wsc_buf_printf(&b, "%.*s (", (int)(start + n + 1 - msg), msg);
    if (cause(&b, sc, t, name, hint, fn, arg)) {
        wsc_buf_printf(&b, ")%s", rest);
        out = wsc_buf_take(&b);
    }
    wsc_buf_free(&b);
    free(name);
    free(hint);
    return out;
}
