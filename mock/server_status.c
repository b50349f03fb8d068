/* wscheck-mock: status objects. */
#include "server_status.h"

#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "jsonout.h"
#include "server.h"
#include "timefmt.h"

static const char *const capability_names[] = {
    "ping",      "echo",           "broadcast",  "get_clients",
    "get_stats", "simulate_delay", "error_test",
};

json_object *status_capabilities(void)
{
    json_object *arr = json_object_new_array();

    if (!arr)
        return NULL;
    for (size_t i = 0; i < sizeof(capability_names) / sizeof(*capability_names); i++)
        if (mock_json_append(arr, json_object_new_string(capability_names[i])))
            break;
    return arr;
}

json_object *status_url(const struct mock_server *srv)
{
    char url[320];
    const char *host = srv->opt->host;

    /* An IPv6 literal needs brackets to make a usable URL. */
    if (strchr(host, ':'))
        snprintf(url, sizeof(url), "ws://[%s]:%d", host, srv->ws_port);
    else
        snprintf(url, sizeof(url), "ws://%s:%d", host, srv->ws_port);
    return json_object_new_string(url);
}

static json_object *server_info(const struct mock_server *srv)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "host", json_object_new_string(srv->opt->host));
    mock_json_add(o, "port", json_object_new_int(srv->ws_port));
    mock_json_add(o, "is_running", json_object_new_boolean(!srv->stopping));
    return o;
}

json_object *status_stats(const struct mock_server *srv)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "total_connections",
                  json_object_new_int64((int64_t)srv->stats.total_connections));
    mock_json_add(o, "total_messages",
                  json_object_new_int64((int64_t)srv->stats.total_messages));
    mock_json_add(o, "start_time", mock_json_iso(srv->stats.start_wall));
    mock_json_add(o, "errors", json_object_new_int64((int64_t)srv->stats.errors));
    mock_json_add(o, "uptime_seconds",
                  mock_json_seconds(mock_mono_us() - srv->stats.start_mono));
    mock_json_add(o, "current_clients",
                  json_object_new_int64((int64_t)srv->clients.count));
    mock_json_add(o, "server_info", server_info(srv));
    return o;
}

static json_object *websocket_server(const struct mock_server *srv)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "host", json_object_new_string(srv->opt->host));
    mock_json_add(o, "port", json_object_new_int(srv->ws_port));
    mock_json_add(o, "is_running", json_object_new_boolean(!srv->stopping));
    mock_json_add(o, "url", status_url(srv));
    mock_json_add(o, "clients_connected",
                  json_object_new_int64((int64_t)srv->clients.count));
    mock_json_add(o, "stats", status_stats(srv));
    mock_json_add(o, "capabilities", status_capabilities());
    return o;
}

json_object *status_server(const struct mock_server *srv)
{
    json_object *o = json_object_new_object(), *mcp = json_object_new_object();

    if (!o || !mcp) {
        json_object_put(o);
        json_object_put(mcp);
        return NULL;
    }
    mock_json_add(mcp, "mcp_server_name", json_object_new_string("WebSocketMockMCP"));
    mock_json_add(mcp, "mcp_server_type", json_object_new_string("websocket_mock"));
    mock_json_add(mcp, "mcp_server_version", json_object_new_string(MOCK_SERVER_VERSION));
    mock_json_add(o, "websocket_server", websocket_server(srv));
    mock_json_add(o, "mcp_server", mcp);
    mock_json_add(o, "timestamp", mock_json_now());
    return o;
}

json_object *status_health(const struct mock_server *srv)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "status", json_object_new_string(srv->stopping ? "stopping" : "ok"));
    mock_json_add(o, "uptime", mock_json_seconds(mock_mono_us() - srv->stats.start_mono));
    mock_json_add(o, "clients", json_object_new_int64((int64_t)srv->clients.count));
    return o;
}

json_object *status_client(const struct mock_client *c, bool with_state)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "id", json_object_new_string(c->id));
    mock_json_add(o, "connected_at", mock_json_iso(c->connected_at));
    mock_json_add(o, "last_ping", c->last_ping ? mock_json_iso(c->last_ping) : NULL);
    mock_json_add(o, "metadata", json_object_new_object());
    mock_json_add(o, "remote_address", json_object_new_string(c->remote));
    if (with_state)
        mock_json_add(o, "connection_status",
                      json_object_new_string(c->closing ? "closed" : "open"));
    return o;
}
