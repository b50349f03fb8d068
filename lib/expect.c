/* Matching a check's `expect` object against its outputs (wscheck/expect.h):
 * the rules every check shares (codes as lists, header names in any case)
 * are applied here, once, and the rest is the matcher's. */
#include <wscheck/expect.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/match.h>
#include <wscheck/render.h>

#include "util.h"

/* Members that hold a code, where a list means "one of these". */
static int is_code_member(const char *key)
{
    return strcmp(key, "status") == 0 || strcmp(key, "close_code") == 0;
}

static int is_headers_member(const char *key)
{
    return strcmp(key, "headers") == 0;
}

/* A plain object (not an operator object such as {"$exists": true}). */
static int is_plain_object(const struct json_object *v)
{
    if (!json_object_is_type(v, json_type_object))
        return 0;
    json_object_object_foreach((struct json_object *)v, key, val) {
        (void)val;
        if (key[0] == '$')
            return 0;
    }
    return 1;
}

static char *lower_dup(const char *s)
{
    char *low = strdup(s);
    for (char *p = low; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return low;
}

/* A copy of a plain object with its keys lower-cased (the last of two keys
 * that differ only in case wins; wsc_expect_check() refuses them in
 * expectations). Anything else is returned as it is. New reference; NULL
 * when out of memory (or v is NULL). */
static struct json_object *lower_keys(const struct json_object *v)
{
    if (!is_plain_object(v))
        return json_object_get((struct json_object *)v);
    struct json_object *out = json_object_new_object();
    if (!out)
        return NULL;
    json_object_object_foreach((struct json_object *)v, key, val) {
        char *low = lower_dup(key);
        if (!low || json_object_object_add(out, low, json_object_get(val)) != 0) {
            free(low);
            json_object_put(out);
            return NULL;
        }
        free(low);
    }
    return out;
}

/* The expectation of one member after the shared rules. New reference. */
static struct json_object *normalise(const char *key, const struct json_object *exp)
{
    if (is_code_member(key) && json_object_is_type(exp, json_type_array)) {
        struct json_object *in = json_object_new_object();
        if (in && json_object_object_add(
                      in, "$in", json_object_get((struct json_object *)exp)) != 0) {
            json_object_put(in);
            return NULL;
        }
        return in;
    }
    if (is_headers_member(key))
        return lower_keys(exp);
    return json_object_get((struct json_object *)exp);
}

/* {key: normalised exp}, so that the matcher sees the member inside the
 * outputs object and tells an output that is JSON null from one that is
 * absent. New reference; NULL when out of memory. */
static struct json_object *wrap(const char *key, const struct json_object *exp)
{
    struct json_object *w = json_object_new_object();
    struct json_object *e = normalise(key, exp);
    if (!w || (!e && exp) || json_object_object_add(w, key, e) != 0) {
        json_object_put(e);
        json_object_put(w);
        return NULL;
    }
    return w;
}

/* ---- Checking -------------------------------------------------------------- */

static char *headers_clash(const struct json_object *headers)
{
    if (!is_plain_object(headers))
        return NULL;
    json_object_object_foreach((struct json_object *)headers, a, va) {
        (void)va;
        json_object_object_foreach((struct json_object *)headers, b, vb) {
            (void)vb;
            if (a != b && strcmp(a, b) < 0 && strcasecmp(a, b) == 0)
                return wsc_strdup_printf("/headers: '%s' and '%s' name the same header "
                                         "(header names are case-insensitive)",
                                         a, b);
        }
    }
    return NULL;
}

char *wsc_expect_check(const struct json_object *expect)
{
    if (!expect)
        return NULL;
    if (!json_object_is_type(expect, json_type_object)) {
        char shown[WSC_RENDER_MAX + 4];
        wsc_render_json_buf(shown, sizeof shown, expect);
        return wsc_strdup_printf(
            "/: expected an object whose members name outputs, got %s", shown);
    }
    json_object_object_foreach((struct json_object *)expect, key, val) {
        if (key[0] == '$')
            return wsc_strdup_printf("/%s: expect's members name outputs; an operator "
                                     "goes inside a member",
                                     key);
        if (is_headers_member(key)) {
            char *clash = headers_clash(val);
            if (clash)
                return clash;
        }
        struct json_object *w = wrap(key, val);
        if (!w)
            return strdup("out of memory");
        char *msg = wsc_match_check(w);
        json_object_put(w);
        if (msg)
            return msg;
    }
    return NULL;
}

int wsc_expect_valid(struct wsc_ctx *ctx, const struct json_object *expect)
{
    char *msg = wsc_expect_check(expect);
    if (!msg)
        return 0;
    /* "/: problem" is about expect itself; "/a/b: problem" about a member */
    if (strncmp(msg, "/:", 2) == 0)
        wsc_error(ctx, "expect%s", msg + 1);
    else
        wsc_error(ctx, "expect%s", msg);
    free(msg);
    return -1;
}

/* ---- Matching -------------------------------------------------------------- */

typedef void (*mismatch_fn)(void *arg, const char *msg);

/* The outputs as the matcher should see them: header names lower-cased.
 * New reference; NULL when out of memory. */
static struct json_object *view_outputs(const struct json_object *outputs)
{
    struct json_object *view = json_object_new_object();
    if (!view || !outputs || !json_object_is_type(outputs, json_type_object))
        return view;
    json_object_object_foreach((struct json_object *)outputs, key, val) {
        struct json_object *v =
            is_headers_member(key) ? lower_keys(val) : json_object_get(val);
        if ((!v && val) || json_object_object_add(view, key, v) != 0) {
            json_object_put(v);
            json_object_put(view);
            return NULL;
        }
    }
    return view;
}

/* Matches one member; on a mismatch hands its message to sink and
 * returns 1. */
static int match_member(const char *key, const struct json_object *exp,
                        const struct json_object *view, mismatch_fn sink, void *arg)
{
    char *msg = NULL;
    int ok = 0;
    if (key[0] == '$') {
        msg = wsc_strdup_printf("/%s: expect's members name outputs; an operator goes "
                                "inside a member",
                                key);
    } else {
        struct json_object *w = wrap(key, exp);
        ok = w && wsc_match(w, view, "", &msg);
        json_object_put(w);
    }
    if (ok)
        return 0;
    sink(arg, msg ? msg : "out of memory");
    free(msg);
    return 1;
}

static int match_all(const struct json_object *expect, const struct json_object *defaults,
                     const struct json_object *outputs, mismatch_fn sink, void *arg)
{
    struct json_object *view = view_outputs(outputs);
    if (!view) {
        sink(arg, "out of memory");
        return 1;
    }
    int bad = 0;
    if (json_object_is_type(expect, json_type_object)) {
        json_object_object_foreach((struct json_object *)expect, key, val)
            bad += match_member(key, val, view, sink, arg);
    } else if (expect) {
        sink(arg, "expect: expected an object whose members name outputs");
        bad++;
    }
    if (json_object_is_type(defaults, json_type_object)) {
        json_object_object_foreach((struct json_object *)defaults, key, val) {
            if (!json_object_is_type(expect, json_type_object) ||
                !json_object_object_get_ex(expect, key, NULL))
                bad += match_member(key, val, view, sink, arg);
        }
    }
    json_object_put(view);
    return bad;
}

static void join_message(void *arg, const char *msg)
{
    struct wsc_buf *b = arg;
    if (b->len)
        wsc_buf_puts(b, "; ");
    wsc_buf_puts(b, msg);
}

int wsc_expect_match(const struct json_object *expect, const struct json_object *defaults,
                     const struct json_object *outputs, char **msg)
{
    struct wsc_buf b = {0};
    int bad = match_all(expect, defaults, outputs, join_message, &b);
    if (msg)
        *msg = bad && !b.failed ? wsc_buf_take(&b) : NULL;
    if (msg && bad && !*msg)
        *msg = strdup("out of memory");
    wsc_buf_free(&b);
    return bad;
}

static void fail_message(void *arg, const char *msg)
{
    wsc_fail(arg, "%s", msg);
}

int wsc_expect(struct wsc_ctx *ctx, const struct json_object *expect,
               const struct json_object *defaults, const struct json_object *outputs)
{
    return match_all(expect, defaults, outputs, fail_message, ctx);
}
