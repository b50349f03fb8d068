/* initialize: the handshake, its result as outputs and `expect` on them. */
#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

static const char *transport_name(enum wsc_mcp_transport t)
{
    switch (t) {
    case WSC_MCP_WEBSOCKET:
        return "websocket";
    case WSC_MCP_HTTP:
        return "http";
    case WSC_MCP_STDIO:
        return "stdio";
    case WSC_MCP_SSE:
        return "sse";
    default:
        return "auto";
    }
}

/* Outputs: every member of the initialize result (protocolVersion,
 * serverInfo, capabilities, instructions...), the transport and the
 * Streamable HTTP session id. */
static struct json_object *initialize_outputs(struct wsc_mcp *m)
{
    struct json_object *out = json_object_new_object();
    if (!out)
        return NULL;
    struct json_object *info = wsc_mcp_server_info(m);
    if (json_object_is_type(info, json_type_object)) {
        json_object_object_foreach(info, key, val)
            json_object_object_add(out, key, json_object_get(val));
    }
    json_object_object_add(
        out, "transport",
        json_object_new_string(transport_name(wsc_mcp_transport_of(m))));
    const char *sid = wsc_mcp_session_id(m);
    if (sid)
        json_object_object_add(out, "session_id", json_object_new_string(sid));
    return out;
}

void dt_check_initialize(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    wsc_metric(ctx, "initialize_ms", wsc_mcp_initialize_ms(m), "ms");
    wsc_note(ctx, "negotiated MCP %s over %s", wsc_mcp_protocol_version(m),
             transport_name(wsc_mcp_transport_of(m)));
    struct json_object *out = initialize_outputs(m);
    if (!out) {
        wsc_error(ctx, "out of memory");
    } else {
        json_object_object_foreach(out, key, val)
            wsc_output(ctx, key, json_object_get(val));
        wsc_expect(ctx, expect, NULL, out);
        json_object_put(out);
    }
    dt_close(ctx, m);
}
