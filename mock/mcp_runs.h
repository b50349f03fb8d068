/* wscheck-mock: the development toolkit's simulated commands. A
 * run_command call becomes a run: output lines as logging notifications
 * and progress notifications (when the call has a progress token) on a
 * timer, then the result, all through the caller's sink. Nothing is
 * executed. Runs can be cancelled (notifications/cancelled), and stop
 * when their sink goes away.
 *
 * Also the sessions' standing streams (a WebSocket session, an HTTP GET
 * stream), which get status updates: a command started, finished or was
 * cancelled. */
#ifndef WSCHECK_MOCK_MCP_RUNS_H
#define WSCHECK_MOCK_MCP_RUNS_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

struct mock_server;
struct mcp_sink;

#define MCP_RUNS_MAX 256   /* commands running at once, all sessions */
#define MCP_RUN_KEY_LEN 48 /* session keys: an Mcp-Session-Id or "ws-N" */

/* Ways a command misbehaves, for testing clients' checks. */
enum mcp_misbehave {
    MCP_MIS_NONE,
    MCP_MIS_PROGRESS_BACKWARDS, /* the last progress value goes back to 1 */
    MCP_MIS_AFTER_RESULT,       /* one more notification after the result */
    MCP_MIS_WRONG_ID,           /* the result carries another request id */
    MCP_MIS_WRONG_TOKEN,        /* progress carries another token */
};

struct mcp_run_spec {
    int command;     /* index in the command table */
    int lines;       /* output lines, at least 1 */
    int interval_ms; /* between lines */
    bool fail;       /* exit code 1, isError true */
    bool stall;      /* no result: runs until cancelled */
    enum mcp_misbehave misbehave;
    int min_level; /* the session's logging level (mcp_log_level) */
};

/* Logging levels of RFC 5424 as MCP names them, 0 (debug) to 7
 * (emergency); -1 for an unknown name. */
int mcp_log_level(const char *name);

/* The simulated commands: names, and how many lines each prints by
 * default. Returns -1 for an unknown name. */
int mcp_run_command_index(const char *name);
int mcp_run_default_lines(int command);
json_object *mcp_run_command_names(void);

/* Starts a run for session; its messages go to sink. rpc_id and token
 * (NULL: no progress) are not taken. Returns 0, or -1 with err set. */
int mcp_runs_start(struct mock_server *srv, const char *session, json_object *rpc_id,
                   json_object *token, const struct mcp_run_spec *spec,
                   struct mcp_sink *sink, char *err, size_t errlen);

/* notifications/cancelled: stops session's run of request_id, if any;
 * no result is sent for it. */
void mcp_runs_cancel(struct mock_server *srv, const char *session,
                     json_object *request_id);

/* The sink is going away: its runs stop and it leaves the streams. */
void mcp_runs_detach(struct mock_server *srv, struct mcp_sink *sink);

/* get_status' "commands": available, running, counts. */
json_object *mcp_runs_status(const struct mock_server *srv);

/* Stops every run (server exit). */
void mcp_runs_free_all(struct mock_server *srv);

/* Standing streams of sessions: an HTTP GET stream, or a WebSocket
 * session once it set a logging level. Status updates below *level (NULL:
 * all pass) are not sent. Returns 0, or -1 when full. */
int mcp_streams_add(struct mock_server *srv, const char *session, struct mcp_sink *sink,
                    const int *level);
bool mcp_streams_has(const struct mock_server *srv, const char *session);

#endif
