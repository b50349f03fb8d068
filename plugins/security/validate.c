/* Validate hooks of the security checks: what their schemas cannot say. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/match.h>

#include "checks.h"

static int has(const struct json_object *params, const char *key)
{
    return json_object_object_get_ex(params, key, NULL);
}

static const char *str(const struct json_object *params, const char *key)
{
    struct json_object *v = NULL;
    if (json_object_object_get_ex(params, key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

/* A matcher param must be a well-formed expectation. */
static void matcher(struct wsc_validation *v, const struct json_object *params,
                    const char *key, const char *pointer)
{
    struct json_object *m = NULL;
    if (!json_object_object_get_ex(params, key, &m))
        return;
    char *problem = wsc_match_check(m);
    if (problem)
        wsc_invalid(v, pointer, "%s", problem);
    free(problem);
}

void sec_validate_origin(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *allowed = NULL, *foreign = NULL, *require = NULL;
    sec_refusal_validate(v, params);
    json_object_object_get_ex(params, "allowed_origins", &allowed);
    json_object_object_get_ex(params, "foreign_origins", &foreign);
    json_object_object_get_ex(params, "require_origin", &require);
    if (allowed && json_object_array_length(allowed) == 0)
        wsc_invalid(v, "/allowed_origins",
                    "name at least one allowed Origin (else any refusal would pass)");
    if ((!foreign || json_object_array_length(foreign) == 0) &&
        !(require && json_object_get_boolean(require)))
        wsc_invalid(v, "/foreign_origins",
                    "name at least one foreign Origin, or set require_origin");
    for (size_t i = 0; allowed && foreign && i < json_object_array_length(allowed); i++)
        for (size_t j = 0; j < json_object_array_length(foreign); j++)
            if (strcmp(json_object_get_string(json_object_array_get_idx(allowed, i)),
                       json_object_get_string(json_object_array_get_idx(foreign, j))) ==
                0) {
                char ptr[64];
                snprintf(ptr, sizeof ptr, "/foreign_origins/%zu", j);
                wsc_invalid(
                    v, ptr, "'%s' is also an allowed Origin",
                    json_object_get_string(json_object_array_get_idx(foreign, j)));
            }
}

void sec_validate_authentication(struct wsc_validation *v,
                                 const struct json_object *params)
{
    const char *mechanism = str(params, "mechanism");
    sec_refusal_validate(v, params);
    if (!mechanism)
        mechanism = "bearer";
    if (strcmp(mechanism, "basic") == 0) {
        if (!has(params, "username"))
            wsc_invalid(v, "", "basic needs username");
        if (!has(params, "password"))
            wsc_invalid(v, "", "basic needs password");
        if (has(params, "token"))
            wsc_invalid(v, "/token", "basic takes username and password, not token");
    } else {
        if (!has(params, "token"))
            wsc_invalid(v, "", "%s needs token", mechanism);
        if (has(params, "password"))
            wsc_invalid(v, "/password", "only basic takes a password");
    }
    const char *right =
        str(params, strcmp(mechanism, "basic") == 0 ? "password" : "token");
    const char *wrong = str(params, "wrong_token");
    if (right && wrong && strcmp(right, wrong) == 0)
        wsc_invalid(v, "/wrong_token", "the wrong token is the right one");
    if (has(params, "accept") && strcmp(mechanism, "message") != 0)
        wsc_invalid(v, "/accept", "accept applies to mechanism message only");
    if (has(params, "prefix") && strcmp(mechanism, "subprotocol") != 0 &&
        strlen(str(params, "prefix") ? str(params, "prefix") : "") > 0)
        wsc_invalid(v, "/prefix", "prefix applies to mechanism subprotocol only");
    matcher(v, params, "accept", "/accept");
}

/* One action: {name?, send, expect?} or {name?, tool, arguments?, expect?}. */
static void action(struct wsc_validation *v, const struct json_object *a,
                   const char *list, size_t i)
{
    static const char *const keys[] = {"name",      "send",   "tool",
                                       "arguments", "expect", NULL};
    char ptr[96];
    snprintf(ptr, sizeof ptr, "/%s/%zu", list, i);
    int send = has(a, "send"), tool = has(a, "tool");
    if (send == tool)
        wsc_invalid(v, ptr, "give either send (a message) or tool (an MCP tool)");
    if (tool && !str(a, "tool"))
        wsc_invalid(v, ptr, "tool: expected the tool's name");
    if (has(a, "arguments") && !tool)
        wsc_invalid(v, ptr, "arguments go with tool");
    json_object_object_foreach((struct json_object *)a, key, val) {
        (void)val;
        int known = 0;
        for (size_t k = 0; keys[k]; k++)
            known |= strcmp(key, keys[k]) == 0;
        if (!known) {
            const char *hint = wsc_did_you_mean(key, keys);
            wsc_invalid(v, ptr, "unknown member '%s'%s%s%s", key,
                        hint ? " (did you mean '" : "", hint ? hint : "",
                        hint ? "'?)" : "");
        }
    }
    char mptr[128];
    snprintf(mptr, sizeof mptr, "%s/expect", ptr);
    matcher(v, a, "expect", mptr);
}

void sec_validate_authorization(struct wsc_validation *v,
                                const struct json_object *params)
{
    sec_refusal_validate(v, params);
    matcher(v, params, "error_match", "/error_match");
    matcher(v, params, "ignore", "/ignore");
    static const char *const lists[] = {"denied", "allowed"};
    for (size_t l = 0; l < 2; l++) {
        struct json_object *list = NULL;
        if (!json_object_object_get_ex(params, lists[l], &list))
            continue;
        for (size_t i = 0; i < json_object_array_length(list); i++)
            action(v, json_object_array_get_idx(list, i), lists[l], i);
    }
}
