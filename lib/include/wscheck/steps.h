/* The steps of a `conversation`: parsing and validation, shared by the
 * ws-basic plugin and `wscheck load` so that both read steps the same way.
 *
 * A step is a JSON object with exactly one action key and the modifiers that
 * action allows (see wscheck-plugins(7), CONVERSATION STEPS). Steps are validated
 * twice: once up front on the scenario's text, where a string holding a
 * variable reference may stand for any type, and once more when each step
 * runs, after its variables were expanded, when every type must be right. */
#ifndef WSCHECK_STEPS_H
#define WSCHECK_STEPS_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/export.h>

#ifdef __cplusplus
extern "C" {
#ifdef __cplusplus
}
#endif

#endif

enum wsc_step_action {
    WSC_STEP_SEND,
    WSC_STEP_SEND_BINARY,
    WSC_STEP_EXPECT,
    WSC_STEP_EXPECT_TEXT,
    WSC_STEP_EXPECT_BINARY,
    WSC_STEP_EXPECT_NONE,
    WSC_STEP_CAPTURE,
    WSC_STEP_PING,
    WSC_STEP_EXPECT_PONG,
    WSC_STEP_CLOSE,
    WSC_STEP_EXPECT_CLOSE,
    WSC_STEP_SLEEP,
    WSC_STEP_CONNECT,
    WSC_STEP_N_ACTIONS
};

enum wsc_step_parse_mode {
    /* The scenario's text: a string containing "${" is accepted wherever a
     * value of another type is expected (its value comes at run time). */
    WSC_STEP_TEMPLATE,
    /* Expanded: every value must have its type; a number may be given as a
     * string holding only a number (variables are often strings). */
    WSC_STEP_EXPANDED,
};

struct wsc_step {
    enum wsc_step_action action;
    struct json_object *value; /* the action's value (borrowed) */
    double within;             /* seconds; < 0 when not given */
    int skip_until;
    struct json_object *capture; /* {"var": "/pointer"} or NULL (borrowed) */
    const char *conn;            /* the connection's name; NULL: the default one */
    struct json_object *ignore;  /* array of matchers, or NULL (borrowed) */

    /* Decoded according to the action (unset ones are zero / NULL): */
    unsigned char *bytes; /* send_binary, expect_binary base64: owned */
    size_t n_bytes;
    long long len;    /* expect_binary {len}: -1 when not given */
    const char *text; /* send (a string), ping, expect_pong */
    size_t text_len;
    int code;                           /* close: 0 for no status code */
    const char *reason;                 /* close */
    struct json_object *code_matcher;   /* expect_close (borrowed or NULL) */
    struct json_object *reason_matcher; /* expect_close (borrowed or NULL) */
    double seconds;                     /* sleep */
    struct json_object *none_matcher;   /* expect_none with a matcher (borrowed) */
};

/* The action's name as written in scenarios ("send", "expect_close", ...). */
WSC_EXPORT const char *wsc_step_action_name(enum wsc_step_action a);

/* Does the action wait for something from the peer (and take `within`)? */
WSC_EXPORT int wsc_step_action_waits(enum wsc_step_action a);

/* Parses one step. The step borrows from `obj`, which must outlive it.
 * Returns 0, or -1 with *err a malloc'ed message without the step's index
 * (e.g. "within: expected a number >= 0, got \"soon\""); when the action was
 * recognised, step->action is set even on failure. */
WSC_EXPORT int wsc_step_parse(struct json_object *obj, enum wsc_step_parse_mode mode,
                              struct wsc_step *step, char **err);

/* Frees what the step owns. */
WSC_EXPORT void wsc_step_clear(struct wsc_step *step);

/* Validates a whole `steps` array as written in the scenario (WSC_STEP_TEMPLATE
 * mode) plus the rules between steps (a capture step needs an earlier
 * expect). Returns NULL, or a malloc'ed message naming the step's index and
 * action: "step 3 (expect): within: expected a number >= 0, got -1". */
WSC_EXPORT char *wsc_steps_validate(struct json_object *steps);

/* Does any string inside v contain "${"? */
WSC_EXPORT int wsc_step_has_var_ref(const struct json_object *v);

/* The pointer of a capture target: "/pointer", or {"$secret": "/pointer"}
 * (*secret set: the captured value is registered as a secret). Borrowed. */
WSC_EXPORT struct json_object *wsc_step_capture_target(struct json_object *target,
                                                       int *secret);

#ifdef __cplusplus
}
#endif

#endif
