/* conversation's validate callback: the steps as written in the scenario,
 * checked before anything runs with the same parser the run uses (in
 * WSC_STEP_TEMPLATE mode: a "${...}" string may stand for any value). Every step
 * is checked, each problem placed at the member at fault: unknown actions
 * (with a "did you mean"), values of the wrong type, capture names that
 * ${...} could never reference, a `within` longer than the test's timeout,
 * a capture step with nothing to capture from, a `conn` that names no
 * connection (with a "did you mean"). Duplicate connection names are
 * duplicate keys, which the scenario loader reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/steps.h>
#include "ws_basic.h"

/* Every key a step may have: the actions, then the other modifiers
 * ("capture" is both). */
#define N_STEP_KEYS (WSC_STEP_N_ACTIONS + 5)

static void step_keys(const char *keys[N_STEP_KEYS])
{
    size_t n = 0;
    for (int a = 0; a < WSC_STEP_N_ACTIONS; a++)
        keys[n++] = wsc_step_action_name((enum wsc_step_action)a);
    keys[n++] = "within";
    keys[n++] = "skip_until";
    keys[n++] = "conn";
    keys[n++] = "ignore";
    keys[n] = NULL;
}

/* "/steps/3" or "/steps/3/KEY" (KEY escaped as RFC 6901 wants). */
static void step_pointer(char *buf, size_t size, size_t index, const char *key)
{
    int n = snprintf(buf, size, "/steps/%zu", index);
    for (const char *k = key; k && *k && n > 0 && (size_t)n + 3 < size; k++) {
        if (k == key)
            buf[n++] = '/';
        if (*k == '~' || *k == '/') {
            buf[n++] = '~';
            buf[n++] = *k == '~' ? '0' : '1';
        } else {
            buf[n++] = *k;
        }
        buf[n] = '\0';
    }
}

/* Reports the keys that are neither actions nor modifiers; their number. */
static int unknown_keys(struct wsc_validation *v, struct json_object *step, size_t index)
{
    const char *keys[N_STEP_KEYS];
    char ptr[512];
    int bad = 0;
    step_keys(keys);
    json_object_object_foreach(step, key, val) {
        (void)val;
        int known = 0;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], key) == 0;
        if (known)
            continue;
        const char *near = wsc_did_you_mean(key, keys);
        step_pointer(ptr, sizeof ptr, index, key);
        if (near)
            wsc_invalid(v, ptr, "unknown step action '%s' (did you mean '%s'?)", key,
                        near);
        else
            wsc_invalid(v, ptr, "unknown step action '%s' (expected one of %s)", key,
                        "send, send_binary, expect, expect_text, expect_binary, "
                        "expect_none, capture, ping, expect_pong, close, "
                        "expect_close, sleep, connect; modifiers within, "
                        "skip_until, capture, conn, ignore");
        bad++;
    }
    return bad;
}

/* The parser's message starts with the name of what is wrong ("within:
 * ...", "code: ..."): when that is a member of the step, or of the action's
 * object, the problem is placed there and the name left out. */
static void parse_error(struct wsc_validation *v, struct json_object *step, size_t index,
                        const struct wsc_step *s, const char *err)
{
    const char *colon = strstr(err, ": ");
    const char *action =
        s->action < WSC_STEP_N_ACTIONS ? wsc_step_action_name(s->action) : NULL;
    struct json_object *value = NULL;
    char key[64], ptr[512];
    if (colon && (size_t)(colon - err) < sizeof key) {
        memcpy(key, err, (size_t)(colon - err));
        key[colon - err] = '\0';
        if (json_object_object_get_ex(step, key, NULL)) {
            step_pointer(ptr, sizeof ptr, index, key);
            wsc_invalid(v, ptr, "%s", colon + 2);
            return;
        }
        if (action && json_object_object_get_ex(step, action, &value) &&
            json_object_object_get_ex(value, key, NULL)) {
            step_pointer(ptr, sizeof ptr, index, action);
            strncat(ptr, "/", sizeof ptr - strlen(ptr) - 1);
            strncat(ptr, key, sizeof ptr - strlen(ptr) - 1);
            wsc_invalid(v, ptr, "%s", colon + 2);
            return;
        }
    }
    step_pointer(ptr, sizeof ptr, index,
                 action && json_object_object_get_ex(step, action, NULL) ? action : NULL);
    wsc_invalid(v, ptr, "%s", err);
}

/* The rules a step obeys once it parses. */
static void check_parsed(struct wsc_validation *v, size_t index, const struct wsc_step *s,
                         int seen_expect)
{
    char ptr[512];
    double timeout = wsc_validation_timeout(v);
    if (s->action == WSC_STEP_CAPTURE && !seen_expect) {
        step_pointer(ptr, sizeof ptr, index, "capture");
        wsc_invalid(v, ptr, "no earlier expect step to capture from");
    }
    if (s->within > timeout && timeout > 0) {
        step_pointer(ptr, sizeof ptr, index, "within");
        wsc_invalid(v, ptr,
                    "within %g s is longer than the test's timeout (%g s): "
                    "raise the test's timeout",
                    s->within, timeout);
    }
}

/* The names a step's `conn` may use: "default" and those of
 * `connections`, NULL-terminated in a malloc'ed array (NULL when out of
 * memory). */
static const char **conn_names(const struct json_object *params)
{
    struct json_object *named = NULL;
    json_object_object_get_ex(params, "connections", &named);
    size_t n = json_object_is_type(named, json_type_object)
                   ? (size_t)json_object_object_length(named)
                   : 0;
    const char **names = calloc(n + 2, sizeof(*names));
    if (!names)
        return NULL;
    size_t k = 0;
    names[k++] = "default";
    if (n) {
        json_object_object_foreach(named, key, val) {
            (void)val;
            if (strcmp(key, "default") != 0)
                names[k++] = key;
        }
    }
    return names;
}

/* "default, alice, bob" (cut with "..." when long). */
static const char *known_list(const char **names, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - n) {
            snprintf(buf + (n < size - 6 ? n : size - 6), 6, ", ...");
            break;
        }
        n += (size_t)w;
    }
    return buf;
}

/* A step's `conn` must name a connection. */
static void check_conn(struct wsc_validation *v, size_t index, const struct wsc_step *s,
                       const char **names)
{
    char ptr[512], buf[256];
    if (!s->conn || !names)
        return;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], s->conn) == 0)
            return;
    step_pointer(ptr, sizeof ptr, index, "conn");
    const char *near = wsc_did_you_mean(s->conn, names);
    if (!names[1])
        wsc_invalid(v, ptr,
                    "unknown connection '%s' (the conversation declares no "
                    "connections)",
                    s->conn);
    else if (near)
        wsc_invalid(v, ptr, "unknown connection '%s' (did you mean '%s'?)", s->conn,
                    near);
    else
        wsc_invalid(v, ptr, "unknown connection '%s' (known: %s)", s->conn,
                    known_list(names, buf, sizeof buf));
}

void wsb_conversation_validate(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *steps = NULL;
    int seen_expect = 0;
    /* A missing or mistyped `steps` is the schema's to report. */
    if (!json_object_object_get_ex(params, "steps", &steps) ||
        !json_object_is_type(steps, json_type_array))
        return;
    const char **names = conn_names(params);
    for (size_t i = 0; i < json_object_array_length(steps); i++) {
        struct json_object *step = json_object_array_get_idx(steps, i);
        struct wsc_step s;
        char *err = NULL;
        if (!json_object_is_type(step, json_type_object) || unknown_keys(v, step, i) > 0)
            continue;
        if (wsc_step_parse(step, WSC_STEP_TEMPLATE, &s, &err) < 0) {
            parse_error(v, step, i, &s, err ? err : "out of memory");
        } else {
            check_parsed(v, i, &s, seen_expect);
            check_conn(v, i, &s, names);
        }
        seen_expect |= s.action == WSC_STEP_EXPECT;
        free(err);
        wsc_step_clear(&s);
    }
    free(names);
}
