/* What the schemas of the feed checks cannot say: JSON Pointers, where the
 * feed is, the trigger's kind. Values still holding "${...}" are judged at
 * run time. */
#include <string.h>

#include <wscheck/params.h>

#include "checks.h"

static const char *const pointer_params[] = {
    "type_pointer",   "data_pointer",  "timestamp_pointer",
    "index_pointer",  "total_pointer", "records_pointer",
    "panels_pointer", "record_order",  NULL,
};

static int has_var(const char *s)
{
    return strstr(s, "${") != NULL;
}

/* "" (the whole message) or "/...". */
static int pointer_ok(const char *s)
{
    return s[0] == '\0' || s[0] == '/' || has_var(s);
}

static void validate_pointers(struct wsc_validation *v, const struct json_object *params)
{
    for (size_t i = 0; pointer_params[i]; i++) {
        const char *p = wsc_param_string(params, pointer_params[i], NULL);
        if (p && !pointer_ok(p))
            wsc_invalid(v, "", "%s: '%s' is not a JSON Pointer (it must start with /)",
                        pointer_params[i], p);
    }
    struct json_object *fields = wsc_param_object(params, "fields");
    if (fields && json_object_is_type(fields, json_type_object)) {
        json_object_object_foreach(fields, key, value) {
            (void)value;
            if (!pointer_ok(key))
                wsc_invalid(v, "/fields", "fields: '%s' is not a JSON Pointer", key);
        }
    }
}

void mon_validate_feed(struct wsc_validation *v, const struct json_object *params)
{
    const char *url = wsc_param_string(params, "url", NULL);
    const char *base = wsc_param_string(params, "base", MON_DEFAULT_BASE);
    const char *target = url ? url : base;
    if (!has_var(target) && strncmp(target, "ws://", 5) != 0 &&
        strncmp(target, "wss://", 6) != 0)
        wsc_invalid(v, url ? "/url" : "/base", "%s: expected ws:// or wss://, got '%s'",
                    url ? "url" : "base", target);
    validate_pointers(v, params);
}

void mon_validate_stream_feed(struct wsc_validation *v, const struct json_object *params)
{
    mon_validate_feed(v, params);
    wsc_stream_validate(v, params);
}

static void validate_trigger(struct wsc_validation *v, const struct json_object *trigger)
{
    int kinds = (wsc_param(trigger, "url") != NULL) +
                (wsc_param(trigger, "mcp") != NULL) +
                (wsc_param(trigger, "command") != NULL);
    if (kinds != 1) {
        wsc_invalid(v, "/trigger",
                    "trigger: give exactly one of url (HTTP), mcp (an MCP tool call) "
                    "or command");
        return;
    }
    if (wsc_param(trigger, "mcp") && !wsc_param_string(trigger, "tool", NULL))
        wsc_invalid(v, "/trigger", "trigger: an MCP trigger needs tool");
    static const char *const known[] = {"url",  "method",    "body",    "headers", "mcp",
                                        "tool", "arguments", "command", NULL};
    json_object_object_foreach((struct json_object *)trigger, key, value) {
        (void)value;
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i]) {
            const char *hint = wsc_did_you_mean(key, known);
            wsc_invalid(v, "/trigger", "trigger: unknown member '%s'%s%s%s", key,
                        hint ? " (did you mean '" : "", hint ? hint : "",
                        hint ? "'?)" : "");
        }
    }
}

void mon_validate_alert_delivery(struct wsc_validation *v,
                                 const struct json_object *params)
{
    mon_validate_feed(v, params);
    const struct json_object *trigger = wsc_param_object(params, "trigger");
    if (trigger && json_object_is_type(trigger, json_type_object))
        validate_trigger(v, trigger);
    double within = wsc_param_number(params, "within", 3);
    double timeout = wsc_validation_timeout(v);
    if (timeout > 0 && within >= timeout)
        wsc_invalid(v, "/within",
                    "within (%g s) must be shorter than the test's timeout (%g s)",
                    within, timeout);
}
