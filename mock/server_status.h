/* wscheck-mock: the status objects shared by get_stats, GET /status,
 * GET /health and the MCP tools, built in the reference's key order. */
#ifndef WSCHECK_MOCK_SERVER_STATUS_H
#define WSCHECK_MOCK_SERVER_STATUS_H

#include <stdbool.h>

#include <json-c/json.h>

struct mock_server;
struct mock_client;

/* The seven message types, in the reference's order. */
json_object *status_capabilities(void);

/* "ws://host:port" with the configured host. */
json_object *status_url(const struct mock_server *srv);

/* get_stats' "stats": total_connections, total_messages, start_time,
 * errors, uptime_seconds, current_clients, server_info. */
json_object *status_stats(const struct mock_server *srv);

/* The get_websocket_server_status tool result (also GET /status). */
json_object *status_server(const struct mock_server *srv);

/* GET /health: status, uptime, clients. */
json_object *status_health(const struct mock_server *srv);

/* One client as clients_list shows it; with_state adds
 * "connection_status" as the MCP tool does. */
json_object *status_client(const struct mock_client *c, bool with_state);

#endif
