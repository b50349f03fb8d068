/* error_propagation: how a server answers what it cannot do (basic#error
 * codes, server/tools#error-handling), one case each, and that it still
 * answers ping afterwards. */
#include <stdio.h>
#include <string.h>

#include <wscheck/params.h>

#include "checks.h"

#define DT_CASE_WAIT_S 2.0
#define DT_NO_TOOL "wscheck-no-such-tool"

struct dt_case {
    char msg[512]; /* why it did not pass; "" when it did */
    enum wsc_case_status status;
};

static void case_fail(struct dt_case *c, const char *what, const char *why)
{
    c->status = WSC_CASE_FAILED;
    snprintf(c->msg, sizeof c->msg, "%s: %s", what, why);
}

/* The JSON-RPC error code of a response, or 0 when it has none. */
static int error_code(const struct json_object *resp)
{
    struct json_object *err = NULL, *code = NULL;
    if (json_object_object_get_ex(resp, "error", &err) &&
        json_object_object_get_ex(err, "code", &code))
        return json_object_get_int(code);
    return 0;
}

static double case_deadline(struct wsc_ctx *ctx, const struct json_object *params)
{
    double wait = wsc_param_number(params, "case_timeout", DT_CASE_WAIT_S);
    double until = wsc_now() + wait;
    return until < wsc_deadline(ctx) ? until : wsc_deadline(ctx);
}

/* An answer that must be a JSON-RPC error with `code` (over HTTP it may
 * come with a 4xx status). */
static void expect_code(struct wsc_mcp *m, enum wsc_mcp_result r,
                        const struct json_object *resp, int code, const char *what,
                        struct dt_case *c)
{
    char why[400];
    if (r == WSC_MCP_OK) {
        snprintf(why, sizeof why, "answered with a result, expected error %d", code);
    } else if ((r == WSC_MCP_RPC_ERROR || r == WSC_MCP_HTTP_ERROR) &&
               error_code(resp) == code) {
        return;
    } else if (r == WSC_MCP_RPC_ERROR || r == WSC_MCP_HTTP_ERROR) {
        snprintf(why, sizeof why, "expected error %d, got %s", code, wsc_mcp_error(m));
    } else {
        snprintf(why, sizeof why, "expected error %d: %s", code, wsc_mcp_error(m));
    }
    case_fail(c, what, why);
}

static void unknown_method(struct wsc_ctx *ctx, struct wsc_mcp *m,
                           const struct json_object *params, struct dt_case *c)
{
    struct json_object *resp = NULL;
    enum wsc_mcp_result r = wsc_mcp_request(m, "wscheck/no-such-method", NULL,
                                            case_deadline(ctx, params), &resp);
    expect_code(m, r, resp, -32601, "unknown method (basic#error-codes)", c);
    json_object_put(resp);
}

/* A tool error: a JSON-RPC error or isError: true, as `tool_errors` asks. */
static void tool_error(struct wsc_ctx *ctx, struct wsc_mcp *m,
                       const struct json_object *params, struct json_object *call,
                       const char *what, struct dt_case *c)
{
    const char *want = wsc_param_string(params, "tool_errors", "either");
    struct json_object *resp = NULL, *result = NULL, *is_error = NULL;
    enum wsc_mcp_result r =
        wsc_mcp_request(m, "tools/call", call, case_deadline(ctx, params), &resp);
    int rpc = (r == WSC_MCP_RPC_ERROR || r == WSC_MCP_HTTP_ERROR) && error_code(resp);
    int flagged = r == WSC_MCP_OK && json_object_object_get_ex(resp, "result", &result) &&
                  json_object_object_get_ex(result, "isError", &is_error) &&
                  json_object_get_boolean(is_error);
    if (r != WSC_MCP_OK && !rpc)
        case_fail(c, what, wsc_mcp_error(m));
    else if (!rpc && !flagged)
        case_fail(c, what, "the call succeeded (no JSON-RPC error, no isError: true)");
    else if (strcmp(want, "rpc") == 0 && !rpc)
        case_fail(c, what, "isError: true, but tool_errors asks for a JSON-RPC error");
    else if (strcmp(want, "isError") == 0 && !flagged)
        case_fail(c, what, "a JSON-RPC error, but tool_errors asks for isError: true");
    json_object_put(resp);
}

static struct json_object *call_of(const char *tool, struct json_object *args)
{
    struct json_object *p = json_object_new_object();
    if (!p) {
        json_object_put(args);
        return NULL;
    }
    json_object_object_add(p, "name", json_object_new_string(tool));
    json_object_object_add(p, "arguments", args ? args : json_object_new_object());
    return p;
}

static void unknown_tool(struct wsc_ctx *ctx, struct wsc_mcp *m,
                         const struct json_object *params, struct dt_case *c)
{
    tool_error(ctx, m, params, call_of(DT_NO_TOOL, NULL),
               "unknown tool (server/tools#error-handling)", c);
}

static void bad_arguments(struct wsc_ctx *ctx, struct wsc_mcp *m,
                          const struct json_object *params, struct dt_case *c)
{
    const char *tool = wsc_param_string(params, "tool", NULL);
    if (!tool) {
        c->status = WSC_CASE_SKIPPED;
        snprintf(c->msg, sizeof c->msg, "no `tool` given to call with bad arguments");
        return;
    }
    struct json_object *bad = wsc_param_object(params, "bad_arguments");
    tool_error(ctx, m, params,
               call_of(tool, bad ? json_object_get(bad) : json_object_new_object()),
               "bad arguments (server/tools#error-handling)", c);
}

static void malformed_json(struct wsc_ctx *ctx, struct wsc_mcp *m,
                           const struct json_object *params, struct dt_case *c)
{
    static const char text[] = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ";
    struct json_object *resp = NULL;
    int64_t id = 0;
    enum wsc_mcp_result r = wsc_mcp_send_raw(m, text, sizeof text - 1, &id);
    if (r == WSC_MCP_OK)
        r = wsc_mcp_wait(m, id, case_deadline(ctx, params), &resp);
    expect_code(m, r, resp, -32700, "malformed JSON (basic#error-codes)", c);
    json_object_put(resp);
}

/* basic/lifecycle#operation: requests other than ping before initialize
 * get an error; a second session, never initialized. The specification
 * forbids the client to send them rather than the server to answer them:
 * an answer is a warning unless `strict_lifecycle`. */
static void before_initialize(struct wsc_ctx *ctx, const struct json_object *params,
                              struct dt_case *c)
{
    struct wsc_mcp *fresh = dt_open(ctx, params, 0);
    if (!fresh) {
        case_fail(c, "request before initialize", "no second session");
        return;
    }
    struct json_object *resp = NULL;
    enum wsc_mcp_result r =
        wsc_mcp_request(fresh, "tools/list", NULL, case_deadline(ctx, params), &resp);
    if (r == WSC_MCP_OK && wsc_param_bool(params, "strict_lifecycle", 0))
        case_fail(c, "request before initialize (basic/lifecycle#operation)",
                  "tools/list got a result, expected an error");
    else if (r == WSC_MCP_OK)
        wsc_warn(ctx, "request before initialize (basic/lifecycle#operation): tools/list "
                      "got a result, expected an error");
    else if (r != WSC_MCP_RPC_ERROR && r != WSC_MCP_HTTP_ERROR)
        case_fail(c, "request before initialize (basic/lifecycle#operation)",
                  wsc_mcp_error(fresh));
    json_object_put(resp);
    wsc_mcp_close(fresh, 0);
    wsc_mcp_free(fresh);
}

/* After each case the server must still answer ping with {}. */
static void still_alive(struct wsc_ctx *ctx, struct wsc_mcp *m,
                        const struct json_object *params, struct dt_case *c)
{
    struct json_object *resp = NULL, *result = NULL;
    enum wsc_mcp_result r =
        wsc_mcp_request(m, "ping", NULL, case_deadline(ctx, params), &resp);
    if (c->status == WSC_CASE_PASSED &&
        (r != WSC_MCP_OK || !json_object_object_get_ex(resp, "result", &result) ||
         json_object_object_length(result) != 0))
        case_fail(c, "ping afterwards", r != WSC_MCP_OK ? wsc_mcp_error(m) : "not {}");
    json_object_put(resp);
}

typedef void (*dt_case_fn)(struct wsc_ctx *, struct wsc_mcp *, const struct json_object *,
                           struct dt_case *);

static void run_case(struct wsc_ctx *ctx, struct wsc_mcp *m,
                     const struct json_object *params, const char *name, dt_case_fn fn)
{
    struct dt_case c = {.status = WSC_CASE_PASSED};
    double t0 = wsc_now();
    if (fn)
        fn(ctx, m, params, &c);
    else
        before_initialize(ctx, params, &c);
    if (wsc_mcp_status(m) == WSC_MCP_PROTOCOL || wsc_mcp_status(m) == WSC_MCP_ERROR) {
        if (c.status == WSC_CASE_PASSED)
            case_fail(&c, name, wsc_mcp_error(m));
    } else if (c.status != WSC_CASE_SKIPPED) {
        still_alive(ctx, m, params, &c);
    }
    wsc_case(ctx, name, c.status, dt_ms(t0, wsc_now()), "%s", c.msg);
}

void dt_check_error_propagation(struct wsc_ctx *ctx, struct json_object *params)
{
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    run_case(ctx, m, params, "unknown method", unknown_method);
    run_case(ctx, m, params, "unknown tool", unknown_tool);
    run_case(ctx, m, params, "bad arguments", bad_arguments);
    if (wsc_param_bool(params, "malformed", 1))
        run_case(ctx, m, params, "malformed JSON", malformed_json);
    run_case(ctx, m, params, "before initialize", NULL);
    dt_close(ctx, m);
}
