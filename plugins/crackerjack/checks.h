/* The checks of the crackerjack plugin (crackerjack's progress server on
 * 8675: HTTP, the /ws/progress/{job_id} WebSocket, job files; and its MCP
 * server) and what they share. Only what holds on every era-A version is
 * asserted; what is known to be broken upstream is named in the failure
 * (known_bugs.c). */
#ifndef WSC_CRACKERJACK_CHECKS_H
#define WSC_CRACKERJACK_CHECKS_H

#include <wscheck/http.h>
#include <wscheck/mcp.h>
#include <wscheck/plugin.h>
#include <wscheck/stream.h>
#include <wscheck/ws.h>

#define CJ_DEFAULT_BASE "http://127.0.0.1:8675"
#define CJ_DEFAULT_MCP "http://127.0.0.1:8676/mcp"

void cj_check_server(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_latest_job(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_job_monitor(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_progress_stream(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_echo(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_job_discovery(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_mcp(struct wsc_ctx *ctx, struct json_object *params);
void cj_check_auto_fix(struct wsc_ctx *ctx, struct json_object *params);
void cj_validate(struct wsc_validation *v, const struct json_object *params);

/* ---- known_bugs.c --------------------------------------------------------- */

/* Upstream bugs a failure can be explained by, with the versions they are
 * known in (the protocol notes' version table). */
enum cj_bug {
    CJ_BUG_ROUTE_SPACES,     /* every progress handshake 403 */
    CJ_BUG_PREFIX,           /* job files never listed in / or /latest */
    CJ_BUG_NO_PUSH,          /* job files pushed at most once, or never */
    CJ_BUG_STAGE_STATUS,     /* get_stage_status always an error */
    CJ_BUG_NEXT_ACTION,      /* get_next_action usually an error */
    CJ_BUG_NO_MESSAGE_COUNT, /* the echo lacks message_count */
    CJ_BUG_SANITISED,        /* / and /latest sanitised (_security) */
    CJ_BUG_SOCKET_DROP,      /* a progress socket dropped after accept */
    CJ_BUG_MONITOR_URL,      /* the /monitor page's script URL */
};

/* "symptom: cause (versions)", a sentence to append after "; ". */
const char *cj_known_bug(enum cj_bug bug);

/* ---- common.c ------------------------------------------------------------- */

/* base + path (malloc'ed); base is the `base` param without a trailing
 * slash. */
char *cj_http_url(const struct json_object *params, const char *path);
/* The progress socket's URL of a job: ws:// (wss://) from the base. */
char *cj_progress_url(const struct json_object *params, const char *job_id);
/* GET base+path; 0 with *resp filled, or -1 after wsc_fail("GET PATH: ...")
 * (connection refused, timeout). */
int cj_get(struct wsc_ctx *ctx, const struct json_object *params, const char *path,
           struct wsc_http_response *resp);
/* The body of a 200 JSON answer as an object (borrowed from resp), or NULL
 * after wsc_fail naming the path, the status or the content. */
struct json_object *cj_json_object(struct wsc_ctx *ctx, const char *path,
                                   const struct wsc_http_response *resp);
/* A string member, or NULL. */
const char *cj_str(const struct json_object *o, const char *key);
/* 1 when o[key] is an integer (stores it), else 0. */
int cj_int(const struct json_object *o, const char *key, int64_t *out);
/* 1 for a generated job id: 8 lowercase hex digits. */
int cj_hex8(const char *s);
/* Milliseconds between two wsc_now() values. */
double cj_ms(double from, double to);
/* A job id a progress socket accepts on every version (§3). */
int cj_job_id_valid(const char *id);
/* Every output published, then (unless the test failed already) `expect`
 * matched against them. */
void cj_publish(struct wsc_ctx *ctx, const struct json_object *params,
                struct json_object *outputs);

/* ---- progress.c: the progress socket -------------------------------------- */

/* Opens /ws/progress/{job_id}. On a refused handshake fails with the status
 * (and the known bug for a 403 on a valid id) and returns NULL; the handle
 * is freed then. */
struct wsc_ws *cj_progress_open(struct wsc_ctx *ctx, const struct json_object *params,
                                const char *job_id, double deadline);
/* The first frame: a JSON object naming the job. Returns it (new
 * reference) or NULL after failing. */
struct json_object *cj_first_frame(struct wsc_ctx *ctx, struct wsc_ws *ws,
                                   const char *job_id, double deadline);
/* 1 for the "waiting" object a server sends when there is no job file. */
int cj_is_waiting(const struct json_object *frame);
/* A frame that is not a progress object: an echo or an event-bus frame. */
int cj_is_other_frame(const struct json_object *frame);
/* NULL when frame has the nine members of a progress object with their
 * types, else a malloc'ed "what is wrong" message. */
char *cj_progress_shape(const struct json_object *frame, const char *job_id);

/* ---- mcp_client.c ------------------------------------------------------- */

/* Opens the `mcp` endpoint and initializes the session; NULL after failing
 * ("MCP URL: initialize: ..."). */
struct wsc_mcp *cj_mcp_open(struct wsc_ctx *ctx, const struct json_object *params);
void cj_mcp_close(struct wsc_ctx *ctx, struct wsc_mcp *m);
/* Calls a tool (args taken) and parses the text of its result as JSON (the
 * crackerjack tools answer JSON text). Returns a new reference, or NULL
 * after failing with "TOOL: ...". */
struct json_object *cj_tool(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *tool,
                            struct json_object *args);
/* The same; report 0: nothing reported, NULL on any failure. */
struct json_object *cj_tool_ex(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *tool,
                               struct json_object *args, int report);
/* execute_crackerjack(args: "", kwargs: the JSON text of `kwargs`): returns
 * the job id (malloc'ed) after checking it is 8 hex digits and the status
 * "running"; NULL after failing. */
char *cj_start_job(struct wsc_ctx *ctx, struct wsc_mcp *m, struct json_object *kwargs);

/* ---- follow.c: following a job to its end --------------------------------- */

/* The metrics of a followed job, for a check's metric table. */
/* clang-format off */
#define CJ_FOLLOW_METRICS                                                      \
    WSC_STREAM_METRIC_DECLS,                                                   \
    {"updates", "count", "distinct states of the job seen"},                   \
    {"pushes", "count", "of them, pushed on an open progress socket"},         \
    {"time_to_completion_ms", "ms", "following start to the terminal state"},  \
    {"highest_iteration", "count", "the highest iteration seen"}
/* clang-format on */

struct cj_follow_result {
    struct json_object *last;     /* the last progress object (owned) */
    struct json_object *first;    /* the first frame (owned), or NULL */
    struct json_object *stages;   /* current_stage values, in order, once */
    struct json_object *statuses; /* status values, in order, once */
    long updates;                 /* distinct progress objects seen */
    long pushes;                  /* of them, pushed on an open socket */
    int64_t highest_iteration;
    double start, end; /* wsc_now() */
    int terminal;      /* the job reached completed or failed */
};

/* Follows the job on its progress stream (params: follow, interval,
 * keepalive, max_gap, monotonic_iteration, mcp) until its terminal state,
 * a broken rule or the deadline; every failure is reported. m: an open
 * MCP session for "poll" (NULL: opened when needed). Returns 0 when the
 * job ended and every rule held. */
int cj_follow(struct wsc_ctx *ctx, const struct json_object *params, const char *job_id,
              struct wsc_mcp *m, struct cj_follow_result *res);
/* stream_rules.c: the rules of a job's states as stream options; 0 or -1
 * (out of memory). */
int cj_stream_options(const struct json_object *params, struct wsc_stream_options *opt);
void cj_follow_result_free(struct cj_follow_result *res);
/* The outputs of a followed job (job_id, final, first, updates) into
 * outputs, and its metrics (updates, pushes, highest_iteration,
 * time_to_completion_ms). */
void cj_follow_outputs(struct wsc_ctx *ctx, const char *job_id,
                       const struct cj_follow_result *res, struct json_object *outputs);

#endif
