/* protocol: MCP protocol validation beyond what every session checks (the
 * JSON-RPC shape of each message, 202 for notifications, session ids of
 * visible ASCII, the WebSocket subprotocol echoed and text frames only):
 * ping, and over Streamable HTTP the version header, Origin validation and
 * the end of a session. A MUST broken fails, a SHOULD broken is a warning;
 * each names its section of the specification. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/http.h>
#include <wscheck/params.h>

#include "checks.h"

#define DT_FOREIGN_ORIGIN "http://wscheck-foreign-origin.invalid"
#define DT_PING "{\"jsonrpc\":\"2.0\",\"id\":\"wscheck-probe\",\"method\":\"ping\"}"

/* basic/utilities/ping: the receiver MUST answer promptly with {}. */
static void check_ping(struct wsc_ctx *ctx, struct wsc_mcp *m)
{
    struct json_object *resp = NULL, *result = NULL;
    if (wsc_mcp_request(m, "ping", NULL, 0, &resp) != WSC_MCP_OK) {
        dt_fail(ctx, m, "ping (basic/utilities/ping)");
    } else if (!json_object_object_get_ex(resp, "result", &result) ||
               !json_object_is_type(result, json_type_object) ||
               json_object_object_length(result) != 0) {
        wsc_fail(ctx, "ping: the result is %s, expected {} (basic/utilities/ping)",
                 json_object_to_json_string(result));
    }
    json_object_put(resp);
}

/* One raw POST of body with the user's headers and `extra` ("Name",
 * "value" pairs, NULL-ended; a NULL value leaves it out). The status, or
 * -1 after reporting why no answer came. */
static long raw_post(struct wsc_ctx *ctx, const struct json_object *params,
                     const char *body, const char *const *extra)
{
    struct json_object *headers = json_object_new_object();
    struct json_object *user = wsc_param_object(params, "headers");
    if (!headers) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    if (json_object_is_type(user, json_type_object)) {
        json_object_object_foreach(user, key, val)
            json_object_object_add(headers, key, json_object_get(val));
    }
    json_object_object_add(headers, "Accept",
                           json_object_new_string("application/json, text/event-stream"));
    json_object_object_add(headers, "Content-Type",
                           json_object_new_string("application/json"));
    for (size_t i = 0; extra[i]; i += 2)
        if (extra[i + 1])
            json_object_object_add(headers, extra[i],
                                   json_object_new_string(extra[i + 1]));
    struct wsc_http_request req = {0};
    wsc_http_request_from_params(&req, params);
    req.method = "POST";
    req.headers = headers;
    req.body = body;
    req.body_len = strlen(body);
    req.discard_body = 1;
    struct wsc_http_response resp;
    char *err = NULL;
    long status = -1;
    if (wsc_http_request(ctx, &req, &resp, &err) != 0) {
        wsc_fail(ctx, "%s", err ? err : "out of memory");
        free(err);
    } else {
        status = resp.status;
        wsc_http_response_free(&resp);
    }
    json_object_put(headers);
    return status;
}

/* transports#protocol-version-header (2025-06-18 and later): an
 * unsupported MCP-Protocol-Version MUST get 400 Bad Request. */
static void check_version_header(struct wsc_ctx *ctx, struct wsc_mcp *m,
                                 const struct json_object *params)
{
    const char *v = wsc_mcp_protocol_version(m);
    if (!v || strcmp(v, "2025-06-18") < 0)
        return;
    const char *extra[] = {"Mcp-Session-Id", wsc_mcp_session_id(m),
                           "MCP-Protocol-Version", "1999-01-01", NULL};
    long status = raw_post(ctx, params, DT_PING, extra);
    if (status >= 0 && status != 400)
        wsc_fail(ctx,
                 "MCP-Protocol-Version 1999-01-01 got HTTP %ld, expected 400 "
                 "(transports#protocol-version-header)",
                 status);
}

/* transports#security-warning: servers MUST validate Origin; 2025-11-25
 * says how: 403 Forbidden. Accepting a foreign Origin fails; refusing it
 * with another status is a warning. */
static void check_origin(struct wsc_ctx *ctx, const struct json_object *params)
{
    if (!wsc_param_bool(params, "check_origin", 1))
        return;
    const char *init =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
        "{\"protocolVersion\":\"" WSC_MCP_LATEST_VERSION "\","
        "\"capabilities\":{},\"clientInfo\":{\"name\":\"wscheck\","
        "\"version\":\"0\"}}}";
    const char *extra[] = {"Origin", DT_FOREIGN_ORIGIN, NULL};
    long status = raw_post(ctx, params, init, extra);
    if (status < 0 || status == 403)
        return;
    if (status < 400)
        wsc_fail(ctx,
                 "initialize with Origin %s got HTTP %ld: a foreign Origin must be "
                 "refused with 403 (transports#security-warning)",
                 DT_FOREIGN_ORIGIN, status);
    else
        wsc_warn(ctx,
                 "initialize with Origin %s got HTTP %ld, expected 403 "
                 "(transports#security-warning)",
                 DT_FOREIGN_ORIGIN, status);
}

/* transports#session-management: after DELETE, requests with that session
 * id MUST get 404. A 405 to the DELETE is allowed (the server keeps
 * sessions until they expire). */
static void check_session_end(struct wsc_ctx *ctx, struct wsc_mcp *m,
                              const struct json_object *params, const char *sid)
{
    wsc_mcp_close(m, 0);
    long deleted = wsc_mcp_http_status(m);
    if (deleted == 405) {
        wsc_note(ctx, "DELETE of the session got 405: the server does not let clients "
                      "end sessions");
        return;
    }
    const char *extra[] = {"Mcp-Session-Id", sid, "MCP-Protocol-Version",
                           wsc_mcp_protocol_version(m), NULL};
    long status = raw_post(ctx, params, DT_PING, extra);
    if (status >= 0 && status != 404)
        wsc_fail(ctx,
                 "a request in the session ended by DELETE got HTTP %ld, expected "
                 "404 (transports#session-management)",
                 status);
}

/* Returns 1 when it closed the session. */
static int check_http(struct wsc_ctx *ctx, struct wsc_mcp *m,
                      const struct json_object *params)
{
    check_version_header(ctx, m, params);
    check_origin(ctx, params);
    const char *sid = wsc_mcp_session_id(m);
    char *copy = sid ? strdup(sid) : NULL;
    if (copy)
        check_session_end(ctx, m, params, copy);
    free(copy);
    return copy != NULL;
}

void dt_check_protocol(struct wsc_ctx *ctx, struct json_object *params)
{
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    check_ping(ctx, m);
    wsc_output(ctx, "protocolVersion",
               json_object_new_string(
                   wsc_mcp_protocol_version(m) ? wsc_mcp_protocol_version(m) : ""));
    /* notifications/initialized went out: over HTTP its 202 was checked */
    int closed = 0;
    if (!wsc_failed(ctx) && wsc_mcp_transport_of(m) == WSC_MCP_HTTP)
        closed = check_http(ctx, m, params);
    if (closed)
        dt_release(ctx, m);
    else
        dt_close(ctx, m);
}
