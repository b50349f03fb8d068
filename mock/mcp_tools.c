/* wscheck-mock: MCP tools. Each returns one JSON object, in the shapes of
 * mock-server.md; sends go through the same queues as protocol replies. */
#include "mcp_tools.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "jsonout.h"
#include "mcp_server.h"
#include "pyjson.h"
#include "server.h"
#include "server_status.h"
#include "timefmt.h"

#define STRESS_PINGS 5
#define STRESS_GAP_US 100000

static const char tools_json[] =
    "[{\"name\":\"get_websocket_server_status\","
    "\"description\":\"Get the current status of the WebSocket server: address, running state, connected clients, statistics and capabilities.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
    "{\"name\":\"send_websocket_message\","
    "\"description\":\"Send a message to connected WebSocket clients: to one client (target_client) or to all.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{"
    "\"message_type\":{\"type\":\"string\",\"description\":\"The type of the message to send\"},"
    "\"payload\":{\"type\":[\"object\",\"null\"],\"description\":\"Optional payload data\",\"default\":null},"
    "\"target_client\":{\"type\":[\"string\",\"null\"],\"description\":\"Client id to send to; all clients if omitted\",\"default\":null}},"
    "\"required\":[\"message_type\"]}},"
    "{\"name\":\"get_websocket_clients\","
    "\"description\":\"Get information about all connected WebSocket clients.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
    "{\"name\":\"test_websocket_connection\","
    "\"description\":\"Test WebSocket connections: ping, echo, broadcast, or stress (five pings 0.1 s apart).\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{"
    "\"test_type\":{\"type\":\"string\",\"description\":\"ping, echo, broadcast or stress\",\"default\":\"ping\"},"
    "\"target_client\":{\"type\":[\"string\",\"null\"],\"description\":\"Client id for targeted tests\",\"default\":null}}}}]";

json_object *mcp_tools_list(void)
{
    json_object *tools = NULL;
    char err[160];

    if (pyjson_parse(tools_json, sizeof(tools_json) - 1, false, &tools, err,
                     sizeof(err)) != PYJSON_OK)
        return NULL;
    return tools;
}

/* ---- arguments ---- */

/* An optional argument of the given type (or null). */
static bool get_arg(json_object *args, const char *name, json_type type,
                    json_object **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!args || !json_object_object_get_ex(args, name, out) || !*out)
        return true;
    if (json_object_is_type(*out, type))
        return true;
    snprintf(err, errlen, "Invalid arguments: %s must be %s", name,
             type == json_type_string ? "a string" : "an object");
    return false;
}

/* ---- sending ---- */

static json_object *no_clients(const char *message)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "status", json_object_new_string("no_clients"));
    mock_json_add(o, "message", json_object_new_string(message));
    mock_json_add(o, "timestamp", mock_json_now());
    return o;
}

static struct mock_outbuf *mcp_message(const char *type, json_object *payload)
{
    json_object *m = json_object_new_object();
    struct mock_outbuf *buf = NULL;
    const char *text;
    size_t len;

    if (!m)
        return NULL;
    mock_json_add(m, "type", json_object_new_string(type));
    mock_json_add(m, "from_mcp_server", json_object_new_boolean(1));
    /* Python's "payload or {}": None and {} both become {}. */
    mock_json_add(m, "payload",
                  payload && json_object_object_length(payload)
                      ? json_object_get(payload)
                      : json_object_new_object());
    mock_json_add(m, "timestamp", mock_json_now());
    text = json_object_to_json_string_length(m, MOCK_JSON_FLAGS, &len);
    if (text)
        buf = outbuf_new(text, len);
    json_object_put(m);
    return buf;
}

/* "Client <id><what>" */
static void add_error(json_object *errors, const char *id, const char *what)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "Client %s%s", id, what);
    mock_json_append(errors, json_object_new_string(msg));
}

static int send_to_target(struct mock_server *srv, struct mock_outbuf *buf,
                          const char *id, json_object *errors)
{
    struct mock_client *c = client_table_find(&srv->clients, id);

    if (!c) {
        add_error(errors, id, " not found");
        return 0;
    }
    if (c->closing || client_send(c, buf) != 0) {
        add_error(errors, id, " connection is closed");
        return 0;
    }
    return 1;
}

static int send_to_all(struct mock_server *srv, struct mock_outbuf *buf,
                       json_object *errors)
{
    int sent = 0;

    for (struct mock_client *c = srv->clients.head; c; c = c->next) {
        if (c->closing)
            continue;
        if (client_send(c, buf) == 0)
            sent++;
        else
            add_error(errors, c->id, ": message not queued");
    }
    return sent;
}

/* send_websocket_message's result; target is a string, "" or NULL (all). */
static json_object *send_message(struct mock_server *srv, const char *type,
                                 json_object *payload, json_object *target)
{
    const char *id = target ? json_object_get_string(target) : "";
    json_object *r, *errors;
    struct mock_outbuf *buf;
    int sent;

    if (srv->clients.count == 0)
        return no_clients("No clients connected to send message to");
    buf = mcp_message(type, payload);
    errors = json_object_new_array();
    r = json_object_new_object();
    if (!buf || !errors || !r) {
        outbuf_unref(buf);
        json_object_put(errors);
        json_object_put(r);
        return NULL;
    }
    sent = *id ? send_to_target(srv, buf, id, errors) : send_to_all(srv, buf, errors);
    outbuf_unref(buf);
    mock_json_add(r, "status", json_object_new_string("sent"));
    mock_json_add(r, "message_type", json_object_new_string(type));
    mock_json_add(r, "target_client", json_object_get(target));
    mock_json_add(r, "sent_to_clients", json_object_new_int(sent));
    mock_json_add(r, "total_clients", json_object_new_int64((int64_t)srv->clients.count));
    mock_json_add(r, "errors", errors);
    mock_json_add(r, "timestamp", mock_json_now());
    return r;
}

static enum mcp_tool_status tool_send(struct mock_server *srv, json_object *args,
                                      json_object **result, char *err, size_t errlen)
{
    json_object *type, *payload, *target;

    if (!get_arg(args, "message_type", json_type_string, &type, err, errlen) ||
        !get_arg(args, "payload", json_type_object, &payload, err, errlen) ||
        !get_arg(args, "target_client", json_type_string, &target, err, errlen))
        return MCP_TOOL_BAD_ARGS;
    if (!type) {
        snprintf(err, errlen, "Invalid arguments: message_type is required");
        return MCP_TOOL_BAD_ARGS;
    }
    *result = send_message(srv, json_object_get_string(type), payload, target);
    return MCP_TOOL_DONE;
}

static enum mcp_tool_status tool_clients(struct mock_server *srv, json_object **result)
{
    json_object *r = json_object_new_object(), *list = json_object_new_array();
    json_object *info = json_object_new_object();

    if (!r || !list || !info) {
        json_object_put(r);
        json_object_put(list);
        json_object_put(info);
        return MCP_TOOL_DONE;
    }
    for (struct mock_client *c = srv->clients.head; c; c = c->next)
        if (mock_json_append(list, status_client(c, true)) != 0)
            break;
    mock_json_add(info, "host", json_object_new_string(srv->opt->host));
    mock_json_add(info, "port", json_object_new_int(srv->ws_port));
    mock_json_add(info, "url", status_url(srv));
    mock_json_add(r, "status", json_object_new_string("success"));
    mock_json_add(r, "clients", list);
    mock_json_add(r, "total_clients",
                  json_object_new_int64((int64_t)json_object_array_length(list)));
    mock_json_add(r, "server_info", info);
    mock_json_add(r, "timestamp", mock_json_now());
    *result = r;
    return MCP_TOOL_DONE;
}

/* ---- test_websocket_connection ---- */

/* {"type": type, [extra_key: extra,] "test_id": "<id_prefix><epoch>"} */
static json_object *test_payload(const char *type, const char *extra_key,
                                 const char *extra, const char *id_prefix)
{
    json_object *p = json_object_new_object();
    char id[96];

    if (!p)
        return NULL;
    snprintf(id, sizeof(id), "%s%" PRId64, id_prefix, mock_wall_us() / 1000000);
    mock_json_add(p, "type", json_object_new_string(type));
    if (extra_key)
        mock_json_add(p, extra_key, json_object_new_string(extra));
    mock_json_add(p, "test_id", json_object_new_string(id));
    return p;
}

static void stress_step(lws_sorted_usec_list_t *sul)
{
    struct mcp_async *a = lws_container_of(sul, struct mcp_async, sul);
    json_object *p, *r;
    char prefix[32];

    if (a->step < STRESS_PINGS) {
        snprintf(prefix, sizeof(prefix), "stress_test_%d_", a->step);
        p = test_payload("ping", NULL, NULL, prefix);
        mock_json_append(a->results, send_message(a->srv, "ping", p, a->target));
        json_object_put(p);
        a->step++;
        /* The reference sleeps after every send, the last one too. */
        lws_sul_schedule(a->srv->ctx, 0, &a->sul, stress_step, STRESS_GAP_US);
        return;
    }
    r = json_object_new_object();
    if (r) {
        mock_json_add(r, "status", json_object_new_string("stress_test_completed"));
        mock_json_add(r, "test_type", json_object_new_string("stress"));
        mock_json_add(r, "results", json_object_get(a->results));
        mock_json_add(r, "timestamp", mock_json_now());
    }
    r = mcp_tool_response(a->rpc_id, r);
    mcp_async_cancel(a);
    a->finished(a, r);
}

static void stress_start(struct mock_server *srv, json_object *target,
                         struct mcp_async *a)
{
    a->srv = srv;
    a->results = json_object_new_array();
    a->target = json_object_get(target);
    a->step = 0;
    a->active = true;
    stress_step(&a->sul);
}

static json_object *test_completed(const char *type, json_object *send_result)
{
    json_object *r = json_object_new_object();

    if (!r) {
        json_object_put(send_result);
        return NULL;
    }
    mock_json_add(r, "status", json_object_new_string("test_completed"));
    mock_json_add(r, "test_type", json_object_new_string(type));
    mock_json_add(r, "result", send_result);
    mock_json_add(r, "timestamp", mock_json_now());
    return r;
}

static json_object *unknown_test(const char *type)
{
    json_object *r = json_object_new_object(), *types = json_object_new_array();
    static const char *const names[] = {"ping", "echo", "broadcast", "stress"};
    char msg[300];

    if (!r || !types) {
        json_object_put(r);
        json_object_put(types);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        mock_json_append(types, json_object_new_string(names[i]));
    snprintf(msg, sizeof(msg), "Unknown test type: %s", type);
    mock_json_add(r, "error", json_object_new_string(msg));
    mock_json_add(r, "available_types", types);
    mock_json_add(r, "timestamp", mock_json_now());
    return r;
}

static json_object *run_test(struct mock_server *srv, const char *type,
                             json_object *target)
{
    json_object *p, *r;

    if (strcmp(type, "ping") == 0) {
        p = test_payload("ping", NULL, NULL, "test_");
        r = send_message(srv, "ping", p, target);
    } else if (strcmp(type, "echo") == 0) {
        p = test_payload("echo", "test_data", "WebSocket echo test", "echo_test_");
        r = send_message(srv, "echo", p, target);
    } else if (strcmp(type, "broadcast") == 0) {
        p = test_payload("broadcast", "message", "Test broadcast from MCP server",
                         "broadcast_test_");
        r = send_message(srv, "broadcast", p, NULL); /* to all */
    } else {
        return unknown_test(type);
    }
    json_object_put(p);
    return test_completed(type, r);
}

static enum mcp_tool_status tool_test(struct mock_server *srv, json_object *args,
                                      json_object **result, struct mcp_async *async,
                                      char *err, size_t errlen)
{
    json_object *type, *target;
    const char *t;

    if (!get_arg(args, "test_type", json_type_string, &type, err, errlen) ||
        !get_arg(args, "target_client", json_type_string, &target, err, errlen))
        return MCP_TOOL_BAD_ARGS;
    t = type ? json_object_get_string(type) : "ping";
    /* The reference checks for clients before it looks at the type. */
    if (srv->clients.count == 0) {
        *result = no_clients("No clients connected to test");
        return MCP_TOOL_DONE;
    }
    if (strcmp(t, "stress") == 0 && async) {
        stress_start(srv, target, async);
        return MCP_TOOL_DEFERRED;
    }
    *result = run_test(srv, t, target);
    return MCP_TOOL_DONE;
}

enum mcp_tool_status mcp_tool_call(struct mock_server *srv, const char *name,
                                   json_object *args, json_object **result,
                                   struct mcp_async *async, char *err, size_t errlen)
{
    *result = NULL;
    if (strcmp(name, "get_websocket_server_status") == 0) {
        *result = status_server(srv);
        return MCP_TOOL_DONE;
    }
    if (strcmp(name, "send_websocket_message") == 0)
        return tool_send(srv, args, result, err, errlen);
    if (strcmp(name, "get_websocket_clients") == 0)
        return tool_clients(srv, result);
    if (strcmp(name, "test_websocket_connection") == 0)
        return tool_test(srv, args, result, async, err, errlen);
    return MCP_TOOL_UNKNOWN;
}
