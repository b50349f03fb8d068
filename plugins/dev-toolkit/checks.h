/* The checks of the dev-toolkit plugin (MCP servers over WebSocket,
 * Streamable HTTP, stdio or legacy HTTP+SSE) and what they share. Every
 * check talks MCP through <wscheck/mcp.h> only. */
#ifndef WSC_DEV_TOOLKIT_CHECKS_H
#define WSC_DEV_TOOLKIT_CHECKS_H

#include <wscheck/mcp.h>
#include <wscheck/plugin.h>

void dt_check_initialize(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_tool_discovery(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_call(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_resource(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_prompt(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_command_streaming(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_protocol(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_status_updates(struct wsc_ctx *ctx, struct json_object *params);
void dt_check_error_propagation(struct wsc_ctx *ctx, struct json_object *params);
void dt_validate_endpoint(struct wsc_validation *v, const struct json_object *params);

/* ---- session.c ------------------------------------------------------------ */

/* Parses the MCP options in params, opens the session and, unless
 * `initialize` is 0, initializes it. On failure reports it (wsc_error for
 * bad params, wsc_fail for the server) and returns NULL. */
struct wsc_mcp *dt_open(struct wsc_ctx *ctx, const struct json_object *params,
                        int initialize);
/* Closes and frees the session; the violations that were only SHOULDs
 * become warnings. NULL is fine. */
void dt_close(struct wsc_ctx *ctx, struct wsc_mcp *m);
/* The same for a session already closed: warnings, then free. */
void dt_release(struct wsc_ctx *ctx, struct wsc_mcp *m);
/* Reports the session's last error: "WHAT: message". */
void dt_fail(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *what);
/* Milliseconds between two wsc_now() values. */
double dt_ms(double from, double to);

/* ---- request.c ---------------------------------------------------------- */

/* An answer as outputs: the result's members (and `text`, the text items
 * of content or contents joined with newlines), or {"error": ...}. */
struct dt_answer {
    struct json_object *outputs;
    int is_rpc_error;
};

/* Fills *a from a response that wsc_mcp_request/take returned with r;
 * -1 after reporting a failure that leaves nothing to match (a->outputs
 * is then still to be put). */
int dt_answer_from(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                   enum wsc_mcp_result r, struct json_object *resp, struct dt_answer *a);
/* What holds unless `expect` says otherwise: no JSON-RPC error unless
 * `error` is expected, and then one; for tools/call no isError: true
 * unless `isError` is expected. */
void dt_default_rules(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                      const struct json_object *expect, const struct dt_answer *a);
/* Every output published, then `expect` matched against them. */
void dt_publish(struct wsc_ctx *ctx, const struct json_object *expect,
                struct json_object *outputs);
/* The outputSchema of `tool` from tools/list when the check's
 * validate_output is true (a new reference; NULL when the tool has none). */
struct json_object *dt_call_schema(struct wsc_ctx *ctx, struct wsc_mcp *m,
                                   const struct json_object *params, const char *tool);
/* server/tools#output-schema: a successful result's structuredContent
 * validated against the tool's outputSchema (JSON Schema semantics). */
void dt_validate_structured(struct wsc_ctx *ctx, const struct json_object *schema,
                            const char *tool, const struct dt_answer *a);
/* Request params: the check's `name_param` as `name_key`, its `arguments`. */
struct json_object *dt_request_params(const struct json_object *params,
                                      const char *name_key, const char *name_param);

/* ---- list.c ------------------------------------------------------------- */

/* Calls METHOD (tools/list, resources/list, prompts/list...) following
 * every nextCursor and returns the items of member `key` of every page in
 * one new array (*items), the number of pages in *pages. A cursor seen
 * before (a loop) and an item whose `id_key` member repeats one seen
 * before fail the test. Returns 0, or -1 after reporting the failure. */
int dt_list_all(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                const char *key, const char *id_key, struct json_object **items,
                int *pages);

/* ---- tools.c ------------------------------------------------------------ */

/* Checks one tool of a tools/list answer (at index i): its name, its
 * description, its inputSchema and outputSchema. Problems are failures,
 * except a missing description (optional in the schema): a warning.
 * Returns the number of failures. */
int dt_check_tool(struct wsc_ctx *ctx, const struct json_object *tool, size_t i);
/* 1 when a tool name is 1 to 64 characters of [A-Za-z0-9_./-]. */
int dt_tool_name_ok(const char *s);

#endif
