/* wscheck-mock: the server as a whole - its listeners, counters and
 * clients - and the event loop that runs it. */
#ifndef WSCHECK_MOCK_SERVER_H
#define WSCHECK_MOCK_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "client_table.h"
#include "lingering_close.h"
#include "server_options.h"

#define MOCK_SERVER_NAME "WebSocket Mock Server"
#define MOCK_SERVER_VERSION "1.0.0"

struct mock_stats {
    uint64_t total_connections;
    uint64_t total_messages;
    uint64_t errors;
    int64_t start_wall; /* us since the epoch */
    int64_t start_mono; /* us, for the uptime */
};

struct mcp_state;
struct mcp_run;
struct mcp_stream;
struct mcp_ws_pss;
struct cj_state;
struct mon_state;

/* Counts of the development toolkit's simulated commands. */
struct mcp_counts {
    uint64_t started, completed, failed, cancelled;
};

struct mock_server {
    const struct mock_options *opt;
    struct lws_context *ctx;
    struct lws_vhost *ws_vhost, *mcp_vhost;
    int ws_port, mcp_port;      /* ports actually bound */
    struct lws_vhost *cj_vhost; /* crackerjack profile: its port */
    int cj_port;
    char cj_url_host[80]; /* its address as URLs write it */
    struct cj_state *cj;
    struct lws_vhost *mon_vhost; /* monitoring profile: its port */
    int mon_port;
    char mon_url_host[80]; /* its address as URLs write it */
    struct mon_state *mon;
    struct mock_stats stats;
    struct mock_client_table clients;
    struct mcp_state *mcp;
    struct mcp_run *mcp_runs;       /* toolkit commands running */
    struct mcp_stream *mcp_streams; /* sessions' standing streams */
    struct mcp_counts mcp_counts;
    uint64_t mcp_ws_sessions;       /* MCP WebSocket sessions so far */
    struct mcp_ws_pss *mcp_ws_head; /* the open ones */
    size_t mcp_ws_live;
    lws_sorted_usec_list_t keepalive_sul;
    lws_sorted_usec_list_t wake_sul;
    struct lingering_close linger; /* refused connections, closing */
    bool stopping;
    int64_t stop_deadline; /* monotonic us */
};

/* The server a connection belongs to. */
struct mock_server *mock_server_of(struct lws *wsi);

/* Runs the server until SIGINT/SIGTERM; returns the exit status. */
int mock_server_run(const struct mock_options *opt);

#endif
