/* Parsing and validation of conversation steps (see steps.h). */
#include <wscheck/steps.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/match.h>
#include <wscheck/render.h>
#include <wscheck/plugin.h>
#include <wscheck/ws.h>

#include "base64.h"

/* Modifiers: keys a step may carry besides its action. */
#define MOD_WITHIN 1u
#define MOD_SKIP_UNTIL 2u
#define MOD_CAPTURE 4u
#define MOD_CONN 8u /* every action takes it */
#define MOD_IGNORE 16u

/* RFC 6455 limits on control frame payloads. */
#define MAX_PING_PAYLOAD 125
#define MAX_CLOSE_REASON 123

static const struct {
    const char *name;
    unsigned modifiers;
} actions[WSC_STEP_N_ACTIONS] = {
    [WSC_STEP_SEND] = {"send", 0},
    [WSC_STEP_SEND_BINARY] = {"send_binary", 0},
    [WSC_STEP_EXPECT] = {"expect",
                         MOD_WITHIN | MOD_SKIP_UNTIL | MOD_CAPTURE | MOD_IGNORE},
    [WSC_STEP_EXPECT_TEXT] = {"expect_text", MOD_WITHIN | MOD_SKIP_UNTIL | MOD_IGNORE},
    [WSC_STEP_EXPECT_BINARY] = {"expect_binary",
                                MOD_WITHIN | MOD_SKIP_UNTIL | MOD_IGNORE},
    [WSC_STEP_EXPECT_NONE] = {"expect_none", MOD_WITHIN | MOD_IGNORE},
    [WSC_STEP_CAPTURE] = {"capture", 0},
    [WSC_STEP_PING] = {"ping", 0},
    [WSC_STEP_EXPECT_PONG] = {"expect_pong", MOD_WITHIN | MOD_SKIP_UNTIL},
    [WSC_STEP_CLOSE] = {"close", MOD_WITHIN},
    [WSC_STEP_EXPECT_CLOSE] = {"expect_close", MOD_WITHIN | MOD_SKIP_UNTIL | MOD_IGNORE},
    [WSC_STEP_SLEEP] = {"sleep", 0},
    [WSC_STEP_CONNECT] = {"connect", 0},
};

static const struct {
    const char *name;
    unsigned bit;
} modifiers[] = {
    {"within", MOD_WITHIN}, {"skip_until", MOD_SKIP_UNTIL}, {"capture", MOD_CAPTURE},
    {"conn", MOD_CONN},     {"ignore", MOD_IGNORE},
};

const char *wsc_step_action_name(enum wsc_step_action a)
{
    return a < WSC_STEP_N_ACTIONS ? actions[a].name : "?";
}

int wsc_step_action_waits(enum wsc_step_action a)
{
    return a < WSC_STEP_N_ACTIONS && (actions[a].modifiers & MOD_WITHIN) != 0;
}

static int action_by_name(const char *key)
{
    for (int a = 0; a < WSC_STEP_N_ACTIONS; a++)
        if (strcmp(actions[a].name, key) == 0)
            return a;
    return -1;
}

static unsigned modifier_by_name(const char *key)
{
    for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++)
        if (strcmp(modifiers[i].name, key) == 0)
            return modifiers[i].bit;
    return 0;
}

/* ---- Messages ------------------------------------------------------------ */

static int fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets *err (NULL when out of memory: callers say so) and returns -1. */
static int fail(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0)
        *err = NULL;
    va_end(ap);
    return -1;
}

/* A value as compact JSON for a message, rendered and cut the library's way.
 * The result lives in a static buffer: use it once per message. */
static const char *show(struct json_object *v)
{
    static char buf[WSC_RENDER_MAX + 4];
    wsc_render_json_buf(buf, sizeof buf, v);
    return buf;
}

static const char *all_action_names(void)
{
    return "send, send_binary, expect, expect_text, expect_binary, expect_none, "
           "capture, ping, expect_pong, close, expect_close, sleep, connect";
}

/* ---- Variable references ------------------------------------------------- */

int wsc_step_has_var_ref(const struct json_object *v)
{
    struct json_object *j = (struct json_object *)v;
    switch (json_object_get_type(j)) {
    case json_type_string:
        return strstr(json_object_get_string(j), "${") != NULL;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(j); i++)
            if (wsc_step_has_var_ref(json_object_array_get_idx(j, i)))
                return 1;
        return 0;
    case json_type_object: {
        json_object_object_foreach(j, key, val) {
            (void)key;
            if (wsc_step_has_var_ref(val))
                return 1;
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* A string whose value only the run will know. */
static int deferred(struct json_object *v, enum wsc_step_parse_mode mode)
{
    return mode == WSC_STEP_TEMPLATE && json_object_is_type(v, json_type_string) &&
           strstr(json_object_get_string(v), "${") != NULL;
}

/* ---- Typed values ---------------------------------------------------------- */

/* Reads a number >= min (an integer when `integer`). Returns 0 with *out set,
 * 1 when the value is deferred to the run, -1 with *err. */
static int get_number(struct json_object *v, enum wsc_step_parse_mode mode,
                      const char *what, double min, int integer, double *out, char **err)
{
    if (deferred(v, mode))
        return 1;
    double x = NAN;
    if (json_object_is_type(v, json_type_int) ||
        json_object_is_type(v, json_type_double)) {
        x = json_object_get_double(v);
    } else if (mode == WSC_STEP_EXPANDED && json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        char *end = NULL;
        x = *s ? strtod(s, &end) : NAN;
        if (!end || *end)
            x = NAN;
    }
    if (!isfinite(x) || x < min || (integer && x != floor(x)))
        return fail(err, "%s: expected %s >= %g, got %s", what,
                    integer ? "an integer" : "a number", min, show(v));
    *out = x;
    return 0;
}

static int get_boolean(struct json_object *v, enum wsc_step_parse_mode mode,
                       const char *what, int *out, char **err)
{
    if (deferred(v, mode))
        return 1;
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return 0;
    }
    if (mode == WSC_STEP_EXPANDED && json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
            *out = s[0] == 't';
            return 0;
        }
    }
    return fail(err, "%s: expected true or false, got %s", what, show(v));
}

/* A string of at most `max` bytes (0: no limit). */
static int get_string(struct json_object *v, enum wsc_step_parse_mode mode,
                      const char *what, size_t max, const char **out, size_t *len,
                      char **err)
{
    if (!json_object_is_type(v, json_type_string))
        return fail(err, "%s: expected a string, got %s", what, show(v));
    if (deferred(v, mode))
        return 1;
    size_t n = (size_t)json_object_get_string_len(v);
    if (max && n > max)
        return fail(err, "%s: at most %zu bytes, got %zu", what, max, n);
    *out = json_object_get_string(v);
    if (len)
        *len = n;
    return 0;
}

/* A matcher: well formed, unless variables inside are yet to be expanded. */
static int check_matcher(struct json_object *v, enum wsc_step_parse_mode mode,
                         const char *what, char **err)
{
    if (mode == WSC_STEP_TEMPLATE && wsc_step_has_var_ref(v))
        return 0;
    char *bad = wsc_match_check(v);
    if (!bad)
        return 0;
    int rc = fail(err, "%s: %s", what, bad);
    free(bad);
    return rc;
}

static int decode_base64(struct json_object *v, enum wsc_step_parse_mode mode,
                         const char *what, struct wsc_step *s, char **err)
{
    const char *text = NULL;
    int rc = get_string(v, mode, what, 0, &text, NULL, err);
    if (rc != 0)
        return rc;
    const char *why = NULL;
    s->bytes = wsc_base64_decode(text, &s->n_bytes, &why);
    if (!s->bytes)
        return fail(err, "%s: not base64: %s", what, why);
    return 0;
}

struct json_object *wsc_step_capture_target(struct json_object *target, int *secret)
{
    struct json_object *inner;
    *secret = json_object_is_type(target, json_type_object) &&
              json_object_object_length(target) == 1 &&
              json_object_object_get_ex(target, "$secret", &inner);
    return *secret ? inner : target;
}

/* {"var": "/json/pointer", ...}; {"var": {"$secret": "/json/pointer"}}
 * captures a secret. */
static int parse_capture(struct json_object *v, enum wsc_step_parse_mode mode,
                         struct wsc_step *s, char **err)
{
    if (!json_object_is_type(v, json_type_object) || json_object_object_length(v) == 0)
        return fail(err,
                    "capture: expected an object {\"var\": \"/json/pointer\"}, got %s",
                    show(v));
    json_object_object_foreach(v, name, target) {
        int secret;
        struct json_object *ptr = wsc_step_capture_target(target, &secret);
        if (!wsc_var_name_valid(name))
            return fail(err,
                        "capture: '%s' is not a variable name, so ${...} could "
                        "never use it (letters, digits, '_' and '-', not starting "
                        "with a digit or '-')",
                        name);
        if (!json_object_is_type(ptr, json_type_string))
            return fail(err, "capture: %s: expected a JSON pointer string, got %s", name,
                        show(ptr));
        const char *p = json_object_get_string(ptr);
        if (!deferred(ptr, mode) && *p && *p != '/')
            return fail(
                err, "capture: %s: a JSON pointer is \"\" or starts with '/', got \"%s\"",
                name, p);
    }
    s->capture = v;
    return 0;
}

/* ---- Actions ----------------------------------------------------------------- */

static int parse_expect_binary(struct json_object *v, enum wsc_step_parse_mode mode,
                               struct wsc_step *s, char **err)
{
    struct json_object *len = NULL, *b64 = NULL;
    if (!json_object_is_type(v, json_type_object))
        return fail(err, "expected {\"len\": N} or {\"base64\": \"...\"}, got %s",
                    show(v));
    json_object_object_foreach(v, key, val) {
        (void)val;
        if (strcmp(key, "len") != 0 && strcmp(key, "base64") != 0)
            return fail(err, "unknown key '%s' (expected len or base64)", key);
    }
    int has_len = json_object_object_get_ex(v, "len", &len);
    int has_b64 = json_object_object_get_ex(v, "base64", &b64);
    if (has_len == has_b64)
        return fail(err, "expected exactly one of len and base64, got %s", show(v));
    if (has_b64)
        return decode_base64(b64, mode, "base64", s, err) < 0 ? -1 : 0;
    double n = 0;
    int rc = get_number(len, mode, "len", 0, 1, &n, err);
    if (rc == 0)
        s->len = (long long)n;
    return rc < 0 ? -1 : 0;
}

/* 0 (no status code) or a code valid on the wire (RFC 6455 7.4). */
static int close_code_allowed(double code)
{
    return code == 0 ||
           (code >= 1000 && code <= 4999 && wsc_ws_close_code_valid((int)code));
}

static int parse_close(struct json_object *v, enum wsc_step_parse_mode mode,
                       struct wsc_step *s, char **err)
{
    s->code = 1000;
    s->reason = "";
    if (json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v))
        return 0;
    if (!json_object_is_type(v, json_type_object))
        return fail(err, "expected true or {\"code\": N, \"reason\": \"...\"}, got %s",
                    show(v));
    json_object_object_foreach(v, key, val) {
        if (strcmp(key, "code") == 0) {
            double code = 0;
            int rc = get_number(val, mode, "code", 0, 1, &code, err);
            if (rc < 0)
                return -1;
            if (rc > 0)
                continue;
            /* Codes an endpoint may send (the library's table);
             * 0 sends a close frame without a status code. */
            if (!close_code_allowed(code))
                return fail(err,
                            "code: %g cannot be sent (0, 1000-1003, 1007-1014 or "
                            "3000-4999)",
                            code);
            s->code = (int)code;
        } else if (strcmp(key, "reason") == 0) {
            if (get_string(val, mode, "reason", MAX_CLOSE_REASON, &s->reason, NULL, err) <
                0)
                return -1;
        } else {
            return fail(err, "unknown key '%s' (expected code or reason)", key);
        }
    }
    if (s->code == 0 && *s->reason)
        return fail(err, "a reason needs a code");
    return 0;
}

static int parse_expect_close(struct json_object *v, enum wsc_step_parse_mode mode,
                              struct wsc_step *s, char **err)
{
    if (json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v))
        return 0;
    if (!json_object_is_type(v, json_type_object))
        return fail(err, "expected true or {\"code\": N, \"reason\": <matcher>}, got %s",
                    show(v));
    json_object_object_foreach(v, key, val) {
        if (strcmp(key, "code") == 0) {
            if (json_object_is_type(val, json_type_object)) {
                if (check_matcher(val, mode, "code", err) < 0)
                    return -1;
            } else {
                double code = 0;
                int rc = get_number(val, mode, "code", 0, 1, &code, err);
                if (rc < 0)
                    return -1;
                /* 1005 and 1006 only say locally that no code or no close
                 * frame came: a peer that sends them breaks the protocol */
                if (rc == 0 && !close_code_allowed(code))
                    return fail(
                        err,
                        "code: %g never appears in a close frame (%s; valid: "
                        "1000-1003, 1007-1014, 3000-4999, or 0 for a close "
                        "without a status code)",
                        code, wsc_ws_close_code_name(code <= 65535 ? (int)code : 65536));
            }
            s->code_matcher = val;
        } else if (strcmp(key, "reason") == 0) {
            if (!val)
                return fail(err, "reason: expected a string or a matcher, got null");
            if (check_matcher(val, mode, "reason", err) < 0)
                return -1;
            s->reason_matcher = val;
        } else {
            return fail(err, "unknown key '%s' (expected code or reason)", key);
        }
    }
    return 0;
}

/* true (no message at all), or a matcher: only a message it matches fails
 * the step. */
static int parse_expect_none(struct json_object *v, enum wsc_step_parse_mode mode,
                             struct wsc_step *s, char **err)
{
    int flag = 0;
    if (deferred(v, mode))
        return 0;
    if (json_object_is_type(v, json_type_boolean) ||
        (mode == WSC_STEP_EXPANDED && json_object_is_type(v, json_type_string) &&
         (strcmp(json_object_get_string(v), "true") == 0 ||
          strcmp(json_object_get_string(v), "false") == 0))) {
        if (get_boolean(v, mode, "expect_none", &flag, err) < 0)
            return -1;
        if (!flag)
            return fail(err, "expect_none: expected true or a matcher, got false");
        return 0;
    }
    if (check_matcher(v, mode, "expect_none", err) < 0)
        return -1;
    s->none_matcher = v;
    return 0;
}

/* An array of matchers. */
static int parse_ignore(struct json_object *v, enum wsc_step_parse_mode mode,
                        struct wsc_step *s, char **err)
{
    if (!json_object_is_type(v, json_type_array))
        return fail(err, "ignore: expected an array of matchers, got %s", show(v));
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *m = json_object_array_get_idx(v, i);
        char *bad = mode == WSC_STEP_TEMPLATE && wsc_step_has_var_ref(m)
                        ? NULL
                        : wsc_match_check(m);
        if (bad) {
            fail(err, "ignore: matcher %zu: %s", i, bad);
            free(bad);
            return -1;
        }
    }
    s->ignore = v;
    return 0;
}

/* A connection's name, written out: names are checked before anything
 * runs, so a variable cannot stand for one. */
static int parse_conn(struct json_object *v, struct wsc_step *s, char **err)
{
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
        return fail(err, "conn: expected the name of a connection, got %s", show(v));
    if (strstr(json_object_get_string(v), "${"))
        return fail(err, "conn: a connection's name is written out, not a variable");
    s->conn = json_object_get_string(v);
    return 0;
}

static int parse_action(struct json_object *v, enum wsc_step_parse_mode mode,
                        struct wsc_step *s, char **err)
{
    double x = 0;
    int flag = 0, rc = 0;
    s->value = v;
    switch (s->action) {
    case WSC_STEP_SEND:
        if (json_object_is_type(v, json_type_string)) {
            s->text = json_object_get_string(v);
            s->text_len = (size_t)json_object_get_string_len(v);
        }
        return 0;
    case WSC_STEP_SEND_BINARY:
        return decode_base64(v, mode, "send_binary", s, err) < 0 ? -1 : 0;
    case WSC_STEP_EXPECT:
    case WSC_STEP_EXPECT_TEXT:
        return check_matcher(v, mode, actions[s->action].name, err);
    case WSC_STEP_EXPECT_BINARY:
        return parse_expect_binary(v, mode, s, err);
    case WSC_STEP_EXPECT_NONE:
        return parse_expect_none(v, mode, s, err);
    case WSC_STEP_CAPTURE:
        return parse_capture(v, mode, s, err);
    case WSC_STEP_PING:
    case WSC_STEP_EXPECT_PONG:
        rc = get_string(v, mode, actions[s->action].name, MAX_PING_PAYLOAD, &s->text,
                        &s->text_len, err);
        return rc < 0 ? -1 : 0;
    case WSC_STEP_CLOSE:
        return parse_close(v, mode, s, err);
    case WSC_STEP_EXPECT_CLOSE:
        return parse_expect_close(v, mode, s, err);
    case WSC_STEP_SLEEP:
        rc = get_number(v, mode, "sleep", 0, 0, &x, err);
        if (rc == 0)
            s->seconds = x;
        return rc < 0 ? -1 : 0;
    case WSC_STEP_CONNECT:
        rc = get_boolean(v, mode, "connect", &flag, err);
        if (rc == 0 && !flag)
            return fail(err, "connect: expected true, got false");
        return rc < 0 ? -1 : 0;
    case WSC_STEP_N_ACTIONS:
        break;
    }
    return fail(err, "unknown action");
}

static int parse_modifier(const char *key, unsigned bit, struct json_object *v,
                          enum wsc_step_parse_mode mode, struct wsc_step *s, char **err)
{
    if (bit == MOD_CONN)
        return parse_conn(v, s, err);
    if (!(actions[s->action].modifiers & bit))
        return fail(err, "'%s' does not apply to %s", key, actions[s->action].name);
    double x = 0;
    int rc = 0;
    switch (bit) {
    case MOD_WITHIN:
        rc = get_number(v, mode, "within", 0, 0, &x, err);
        if (rc == 0)
            s->within = x;
        return rc < 0 ? -1 : 0;
    case MOD_SKIP_UNTIL:
        return get_boolean(v, mode, "skip_until", &s->skip_until, err) < 0 ? -1 : 0;
    case MOD_IGNORE:
        return parse_ignore(v, mode, s, err);
    default:
        return parse_capture(v, mode, s, err);
    }
}

/* Finds the step's one action; sets s->action. `capture` is an action on
 * its own and a modifier next to another action. */
static int find_action(struct json_object *obj, struct wsc_step *s, char **err)
{
    const char *first_unknown = NULL;
    int capture = 0;
    json_object_object_foreach(obj, key, val) {
        (void)val;
        int a = action_by_name(key);
        if (a == WSC_STEP_CAPTURE)
            capture = 1;
        if (a < 0 && !first_unknown && !modifier_by_name(key))
            first_unknown = key;
        if (a < 0 || a == WSC_STEP_CAPTURE)
            continue;
        if (s->action != WSC_STEP_N_ACTIONS) {
            const char *first = actions[s->action].name;
            s->action = WSC_STEP_N_ACTIONS;
            return fail(err, "two actions '%s' and '%s' (one per step)", first, key);
        }
        s->action = (enum wsc_step_action)a;
    }
    if (s->action == WSC_STEP_N_ACTIONS && capture)
        s->action = WSC_STEP_CAPTURE;
    if (s->action != WSC_STEP_N_ACTIONS)
        return 0;
    if (first_unknown)
        return fail(err, "unknown action '%s' (expected one of %s)", first_unknown,
                    all_action_names());
    return fail(err, "no action (expected one of %s)", all_action_names());
}

int wsc_step_parse(struct json_object *obj, enum wsc_step_parse_mode mode,
                   struct wsc_step *s, char **err)
{
    memset(s, 0, sizeof(*s));
    s->action = WSC_STEP_N_ACTIONS;
    s->within = -1;
    s->len = -1;
    *err = NULL;
    if (!json_object_is_type(obj, json_type_object))
        return fail(err, "expected an object with one action, got %s", show(obj));
    if (find_action(obj, s, err) < 0)
        return -1;
    json_object_object_foreach(obj, key, val) {
        if (strcmp(key, actions[s->action].name) == 0)
            continue;
        unsigned bit = modifier_by_name(key);
        if (!bit)
            return fail(err, "unknown key '%s'", key);
        if (parse_modifier(key, bit, val, mode, s, err) < 0)
            return -1;
    }
    struct json_object *v = NULL;
    json_object_object_get_ex(obj, actions[s->action].name, &v);
    return parse_action(v, mode, s, err);
}

void wsc_step_clear(struct wsc_step *s)
{
    free(s->bytes);
    s->bytes = NULL;
    s->n_bytes = 0;
}

char *wsc_steps_validate(struct json_object *steps)
{
    char *msg = NULL;
    if (!json_object_is_type(steps, json_type_array))
        return strdup("steps: expected an array of steps");
    int seen_expect = 0;
    for (size_t i = 0; i < json_object_array_length(steps) && !msg; i++) {
        struct wsc_step s;
        char *err = NULL;
        int rc = wsc_step_parse(json_object_array_get_idx(steps, i), WSC_STEP_TEMPLATE,
                                &s, &err);
        if (rc == 0 && s.action == WSC_STEP_CAPTURE && !seen_expect)
            rc = fail(&err, "no earlier expect step to capture from");
        if (rc < 0 && s.action != WSC_STEP_N_ACTIONS)
            fail(&msg, "step %zu (%s): %s", i, actions[s.action].name,
                 err ? err : "out of memory");
        else if (rc < 0)
            fail(&msg, "step %zu: %s", i, err ? err : "out of memory");
        if (rc < 0 && !msg)
            msg = strdup("out of memory");
        seen_expect |= s.action == WSC_STEP_EXPECT;
        free(err);
        wsc_step_clear(&s);
    }
    return msg;
}
