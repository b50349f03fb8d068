/* authorization: with a role's credentials (in the headers, URL or
 * subprotocols given), the actions the role may not perform are refused
 * and the permitted ones are served. An action is a message (a channel
 * subscription is one) or an MCP tool call; each gets a connection of its
 * own, so a refusal by close cannot hide the next action's outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/match.h>
#include <wscheck/mcp.h>

#include "checks.h"

struct authz {
    struct sec_refusal refusal;
    double reply_within;
    const struct json_object *error_match; /* NULL: the default test */
    const struct json_object *ignore;      /* answers to skip (a welcome) */
    const char *tool_refusal;              /* "either", "rpc", "isError" */
    char refusals[200];                    /* how a refusal may look */
};

/* What the user sees of an answer: compact JSON, cut short. */
static void shown(const struct json_object *v, const char *raw, char *out, size_t size)
{
    const char *text = v ? json_object_to_json_string_ext((struct json_object *)v,
                                                          JSON_C_TO_STRING_PLAIN)
                         : raw;
    size_t n = strlen(text);
    if (n > 160)
        snprintf(out, size, "%.160s...", text);
    else
        snprintf(out, size, "%s", text);
}

static int is_error_answer(const struct authz *az, const struct json_object *v)
{
    struct json_object *type = NULL;
    if (az->error_match)
        return v && wsc_match(az->error_match, v, NULL, NULL);
    if (!v || !json_object_is_type(v, json_type_object))
        return 0;
    if (json_object_object_get_ex(v, "error", NULL))
        return 1;
    return json_object_object_get_ex(v, "type", &type) &&
           json_object_is_type(type, json_type_string) &&
           strcmp(json_object_get_string(type), "error") == 0;
}

/* The verdict on one action: refused (1), performed (0) or neither (-1,
 * with why). */
struct verdict {
    int refused;
    char why[300];
};

static enum wsc_ws_result send_action(struct wsc_ws *ws, const struct json_object *send)
{
    if (json_object_is_type(send, json_type_string))
        return wsc_ws_send_text(ws, json_object_get_string((struct json_object *)send),
                                (size_t)json_object_get_string_len(send));
    return wsc_ws_send_json(ws, send);
}

/* Reads answers until one decides: a refusal (error answer, refusing
 * close), a performed action (for an allowed one: an answer matching its
 * expect), or the time is up. */
static void await_answer(struct wsc_ctx *ctx, struct wsc_ws *ws, const struct authz *az,
                         const struct json_object *expect, struct verdict *vd)
{
    double deadline = wsc_ws_within(ctx, az->reply_within);
    char seen[200] = "";
    for (;;) {
        struct wsc_ws_msg m;
        struct json_object *v = NULL;
        enum wsc_ws_result rc = wsc_ws_recv_json(ws, &m, &v, deadline);
        if (rc == WSC_WS_TIMEOUT) {
            vd->refused = -1;
            snprintf(vd->why, sizeof vd->why, "%s within reply_within %g s%s%s",
                     expect ? "no matching answer" : "no answer", az->reply_within,
                     seen[0] ? "; last answer " : "", seen);
            return;
        }
        if (rc != WSC_WS_OK) {
            vd->refused = -1;
            snprintf(vd->why, sizeof vd->why, "%s", wsc_ws_error(ws));
            return;
        }
        if (m.kind == WSC_WS_CLOSE) {
            vd->refused = sec_refusal_code(&az->refusal, m.close_code) ? 1 : -1;
            snprintf(vd->why, sizeof vd->why, "close %d", m.close_code);
            return;
        }
        if (az->ignore && wsc_match(az->ignore, v, NULL, NULL)) {
            json_object_put(v);
            continue;
        }
        shown(v, m.data, seen, sizeof seen);
        int error = is_error_answer(az, v);
        int matches = !expect || wsc_match(expect, v, NULL, NULL);
        json_object_put(v);
        if (error || matches) {
            vd->refused = error;
            snprintf(vd->why, sizeof vd->why, "answered %s", seen);
            return;
        }
    }
}

static void ws_action(struct wsc_ctx *ctx, const struct json_object *params,
                      const struct authz *az, const struct json_object *action,
                      struct verdict *vd)
{
    struct wsc_ws_options opt;
    struct json_object *send = NULL, *expect = NULL;
    json_object_object_get_ex(action, "send", &send);
    json_object_object_get_ex(action, "expect", &expect);
    if (sec_options(ctx, params, &opt) != 0) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "the WebSocket options are invalid");
        return;
    }
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    if (wsc_ws_status(ws) == WSC_WS_REJECTED) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "the role's upgrade was refused (HTTP %ld)",
                 wsc_ws_http_status(ws));
    } else if (wsc_ws_status(ws) != WSC_WS_OK) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "%s", ws ? wsc_ws_error(ws) : "out of memory");
    } else if (send_action(ws, send) != WSC_WS_OK) {
        vd->refused = -1;
        snprintf(vd->why, sizeof vd->why, "sending failed: %s", wsc_ws_error(ws));
    } else {
        await_answer(ctx, ws, az, expect, vd);
    }
    if (ws && wsc_ws_status(ws) == WSC_WS_OK && !wsc_ws_is_closed(ws))
        (void)wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
    wsc_ws_options_free(&opt);
}

/* A tools/call answer: a JSON-RPC error, isError: true, or a result. */
static void tool_verdict(const struct authz *az, enum wsc_mcp_result rc,
                         struct wsc_mcp *m, const struct json_object *response,
                         const struct json_object *expect, struct verdict *vd)
{
    struct json_object *result = NULL, *is_error = NULL;
    int either = strcmp(az->tool_refusal, "either") == 0;
    if (rc == WSC_MCP_RPC_ERROR || rc == WSC_MCP_HTTP_ERROR) {
        int ok = either || strcmp(az->tool_refusal, "rpc") == 0;
        if (rc == WSC_MCP_HTTP_ERROR)
            ok = sec_refusal_status(&az->refusal, wsc_mcp_http_status(m));
        vd->refused = ok ? 1 : -1;
        snprintf(vd->why, sizeof vd->why, "%s", wsc_mcp_error(m));
        return;
    }
    if (rc != WSC_MCP_OK) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "%s", wsc_mcp_error(m));
        return;
    }
    json_object_object_get_ex(response, "result", &result);
    char text[200];
    shown(result, "", text, sizeof text);
    if (json_object_object_get_ex(result, "isError", &is_error) &&
        json_object_get_boolean(is_error)) {
        vd->refused = either || strcmp(az->tool_refusal, "isError") == 0 ? 1 : -1;
        snprintf(vd->why, sizeof vd->why, "answered isError: true (%s)", text);
        return;
    }
    char *msg = NULL;
    if (expect && !wsc_match(expect, result, NULL, &msg)) {
        vd->refused = -1;
        snprintf(vd->why, sizeof vd->why, "the result does not match expect: %s",
                 msg ? msg : "out of memory");
        free(msg);
        return;
    }
    vd->refused = 0;
    snprintf(vd->why, sizeof vd->why, "answered %s", text);
}

static void mcp_action(struct wsc_ctx *ctx, const struct json_object *params,
                       const struct authz *az, const struct json_object *action,
                       struct verdict *vd)
{
    struct wsc_mcp_options opt;
    struct json_object *tool = NULL, *args = NULL, *expect = NULL, *response = NULL;
    char *err = NULL;
    json_object_object_get_ex(action, "tool", &tool);
    json_object_object_get_ex(action, "arguments", &args);
    json_object_object_get_ex(action, "expect", &expect);
    if (wsc_mcp_options_parse(ctx, params, &opt, &err) != 0) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "%s", err ? err : "out of memory");
        free(err);
        return;
    }
    struct wsc_mcp *m = wsc_mcp_open(ctx, &opt, 0);
    if (!m || wsc_mcp_status(m) != WSC_MCP_OK ||
        wsc_mcp_initialize(m, wsc_ws_within(ctx, az->reply_within)) != WSC_MCP_OK) {
        vd->refused = -2;
        snprintf(vd->why, sizeof vd->why, "the role's MCP session failed: %s",
                 m ? wsc_mcp_error(m) : "out of memory");
    } else {
        struct json_object *call = json_object_new_object();
        json_object_object_add(call, "name", json_object_get(tool));
        json_object_object_add(call, "arguments",
                               args ? json_object_get(args) : json_object_new_object());
        enum wsc_mcp_result rc = wsc_mcp_request(
            m, "tools/call", call, wsc_ws_within(ctx, az->reply_within), &response);
        tool_verdict(az, rc, m, response, expect, vd);
        json_object_put(response);
        (void)wsc_mcp_close(m, 0);
    }
    wsc_mcp_free(m);
    wsc_mcp_options_free(&opt);
}

static void action_case(struct wsc_ctx *ctx, const struct json_object *params,
                        const struct authz *az, const struct json_object *action,
                        int denied, size_t index)
{
    struct json_object *name = NULL, *tool = NULL;
    char case_name[200], label[160];
    int is_tool = json_object_object_get_ex(action, "tool", &tool);
    if (json_object_object_get_ex(action, "name", &name))
        snprintf(label, sizeof label, "%s", json_object_get_string(name));
    else if (is_tool)
        snprintf(label, sizeof label, "tool %s", json_object_get_string(tool));
    else
        snprintf(label, sizeof label, "action %zu", index + 1);
    snprintf(case_name, sizeof case_name, "%s: %s", denied ? "denied" : "allowed", label);
    struct verdict vd = {.refused = -1};
    double started = wsc_now();
    if (is_tool)
        mcp_action(ctx, params, az, action, &vd);
    else
        ws_action(ctx, params, az, action, &vd);
    double ms = (wsc_now() - started) * 1000.0;
    if (vd.refused == -2)
        wsc_case(ctx, case_name, WSC_CASE_ERROR, ms, "%s: %s", label, vd.why);
    else if (denied && vd.refused != 1)
        wsc_case(ctx, case_name, WSC_CASE_FAILED, ms,
                 "the denied action %s was %s (%s); expected a refusal: %s", label,
                 vd.refused == 0 ? "performed" : "not refused", vd.why, az->refusals);
    else if (!denied && vd.refused != 0)
        wsc_case(ctx, case_name, WSC_CASE_FAILED, ms, "the allowed action %s was %s (%s)",
                 label, vd.refused == 1 ? "refused" : "not served", vd.why);
    else
        wsc_case(ctx, case_name, WSC_CASE_PASSED, ms, "%s", "");
}

static void each(struct wsc_ctx *ctx, const struct json_object *params,
                 const struct authz *az, const char *key, int denied)
{
    struct json_object *list = NULL;
    if (!json_object_object_get_ex(params, key, &list))
        return;
    for (size_t i = 0; i < json_object_array_length(list); i++)
        action_case(ctx, params, az, json_object_array_get_idx(list, i), denied, i);
}

void sec_check_authorization(struct wsc_ctx *ctx, struct json_object *params)
{
    struct authz az = {.reply_within = 2.0, .tool_refusal = "either"};
    struct json_object *v = NULL;
    char err[200], codes[160];
    if (sec_refusal_parse(params, &az.refusal, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        return;
    }
    if (json_object_object_get_ex(params, "reply_within", &v))
        az.reply_within = json_object_get_double(v);
    if (json_object_object_get_ex(params, "error_match", &v))
        az.error_match = v;
    if (json_object_object_get_ex(params, "ignore", &v))
        az.ignore = v;
    if (json_object_object_get_ex(params, "tool_refusal", &v))
        az.tool_refusal = json_object_get_string(v);
    sec_refusal_describe(&az.refusal, codes, sizeof codes);
    snprintf(az.refusals, sizeof az.refusals, "an error answer, a JSON-RPC error or %s",
             codes);
    each(ctx, params, &az, "denied", 1);
    each(ctx, params, &az, "allowed", 0);
}
