/* The crackerjack plugin: crackerjack's progress server (HTTP and the
 * /ws/progress/{job_id} WebSocket on 8675, job files) and its MCP server
 * (Streamable HTTP on 8676 or stdio). */
#include <wscheck/expect.h>

#include "checks.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define CJ_SCHEMA(PROPS) "{\"type\":\"object\",\"properties\":{" PROPS "}}"

#define BASE                                                                   \
    "\"base\":{\"type\":\"string\",\"default\":\"" CJ_DEFAULT_BASE "\","       \
    "\"description\":\"The progress server's HTTP URL; the WebSocket URL is "  \
    "derived (ws:// or wss://)\"},"

#define MCP                                                                    \
    "\"mcp\":{\"type\":\"string\",\"default\":\"" CJ_DEFAULT_MCP "\","         \
    "\"description\":\"The MCP server: http(s)://, ws(s):// or stdio:COMMAND\"},"

#define KWARGS(DEFAULT, DESCRIPTION)                                           \
    "\"kwargs\":{\"type\":\"object\",\"default\":" DEFAULT ",\"description\":" \
    "\"" DESCRIPTION "\"},"

#define JOB_ID(DESCRIPTION)                                                    \
    "\"job_id\":{\"type\":\"string\",\"minLength\":1,\"description\":\""      \
    DESCRIPTION "\"},"

#define FOLLOW                                                                 \
    "\"follow\":{\"enum\":[\"auto\",\"push\",\"reconnect\",\"poll\"],"         \
    "\"default\":\"auto\",\"description\":\"How to see the job's updates: "   \
    "pushes on one socket, a fresh first frame of a new socket, MCP "         \
    "get_job_progress, or auto: pushes, and a new socket's first frame after "\
    "each interval without one\"},"                                           \
    "\"interval\":{\"type\":\"number\",\"minimum\":0.01,\"default\":1,"  \
    "\"description\":\"Seconds between two reconnects or polls\"},"           \
    "\"keepalive\":{\"type\":\"number\",\"minimum\":0.01,\"default\":20,"\
    "\"description\":\"Seconds between the texts sent so that the server "    \
    "(25 s) does not drop the client\"},"                                      \
    "\"max_gap\":{\"type\":\"number\",\"minimum\":0.01,\"default\":90,"  \
    "\"description\":\"Longest time without a new state (heartbeats come "    \
    "every 60 s upstream)\"},"                                                 \
    "\"monotonic_iteration\":{\"type\":\"boolean\",\"default\":false,"         \
    "\"description\":\"iteration must not decrease (not true upstream)\"},"

#define FINAL                                                                  \
    WSC_EXPECT_OUTPUT("final", "Matcher on the last state, e.g. "              \
                      "{\\\"status\\\": \\\"completed\\\"}") ","               \
    WSC_EXPECT_OUTPUT("job_id", "The job followed") ","                        \
    WSC_EXPECT_OUTPUT("updates", "Distinct states seen")

static const char server_schema[] = CJ_SCHEMA(BASE
    WSC_EXPECT_PARAM("What GET / must answer",
        WSC_EXPECT_OUTPUT("status", "status of the answer (\\\"running\\\" is asserted)") ","
        WSC_EXPECT_OUTPUT("active_connections", "Job ids with a progress socket") ","
        WSC_EXPECT_OUTPUT("jobs", "The listed jobs") ","
        WSC_EXPECT_OUTPUT("job_ids", "Their ids, in order") ","
        WSC_EXPECT_JSON));

static const char latest_schema[] = CJ_SCHEMA(BASE
    WSC_EXPECT_PARAM("What GET /latest must answer",
        WSC_EXPECT_OUTPUT("status", "no_jobs, success or error") ","
        WSC_EXPECT_OUTPUT("job_id", "The latest job (null without jobs)") ","
        WSC_EXPECT_OUTPUT("progress", "Its job file") ","
        WSC_EXPECT_OUTPUT("message", "The message") ","
        WSC_EXPECT_JSON));

static const char monitor_schema[] = CJ_SCHEMA(BASE
    "\"job_id\":{\"type\":\"string\",\"minLength\":1,\"default\":\"test-123\","
    "\"description\":\"The job whose page is fetched\"},"
    "\"invalid_id\":{\"type\":\"string\",\"minLength\":1,\"default\":\"bad@id\","
    "\"description\":\"An invalid id, whose page must be a 400\"},"
    "\"test_page\":{\"type\":\"boolean\",\"default\":true,"
    "\"description\":\"GET /test must be an HTML page too\"}");

static const char echo_schema[] = CJ_SCHEMA(BASE
    "\"job_id\":{\"type\":\"string\",\"minLength\":1,\"default\":\"wscheck-echo\","
    "\"description\":\"The job whose socket is opened (need not exist)\"},"
    "\"text\":{\"type\":\"string\",\"default\":\"wscheck echo probe\","
    "\"description\":\"The text sent\"},"
    "\"within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds the first frame and the echo may take\"},"
    "\"check_invalid_id\":{\"type\":\"boolean\",\"default\":true,"
    "\"description\":\"A socket for invalid_id must get 403\"},"
    "\"invalid_id\":{\"type\":\"string\",\"minLength\":1,\"default\":\"bad@id\","
    "\"description\":\"The invalid job id\"},"
    WSC_EXPECT_PARAM("What the socket must send",
        WSC_EXPECT_OUTPUT("first", "The first frame") ","
        WSC_EXPECT_OUTPUT("echo", "The echo")));

static const char progress_schema[] = CJ_SCHEMA(BASE MCP
    JOB_ID("The job to follow (default: one started with execute_crackerjack)")
    KWARGS("{}", "kwargs of execute_crackerjack when no job_id is given")
    FOLLOW
    WSC_EXPECT_PARAM("What the job's stream must show", FINAL ","
        WSC_EXPECT_OUTPUT("first", "The first frame")));

static const char discovery_schema[] = CJ_SCHEMA(BASE MCP
    "\"via\":{\"enum\":[\"mcp\",\"file\"],\"default\":\"mcp\",\"description\":"
    "\"Start the job with execute_crackerjack, or write its job file into "
    "progress_dir (a local server)\"},"
    "\"progress_dir\":{\"type\":\"string\",\"description\":\"via file: the "
    "server's progress directory (default: $TMPDIR or /tmp, "
    "/crackerjack-mcp-progress)\"},"
    JOB_ID("via file: the job's id (default: 8 random hex digits)")
    KWARGS("{}", "via mcp: kwargs of execute_crackerjack")
    "\"within\":{\"type\":\"number\",\"minimum\":0,\"default\":10,"
    "\"description\":\"Seconds the job has to become visible\"},"
    "\"listed\":{\"type\":\"boolean\",\"default\":true,\"description\":"
    "\"The job must show up in / or /latest (false: a warning)\"},"
    WSC_EXPECT_PARAM("What discovery must show",
        WSC_EXPECT_OUTPUT("job_id", "The job") ","
        WSC_EXPECT_OUTPUT("listed_in", "Where it was listed: / or /latest (null: not)") ","
        WSC_EXPECT_OUTPUT("first", "The first frame of its progress socket")));

static const char mcp_schema[] = CJ_SCHEMA(BASE MCP
    "\"tools\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"default\":[\"execute_crackerjack\",\"get_job_progress\","
    "\"get_comprehensive_status\",\"get_server_stats\",\"get_stage_status\","
    "\"get_next_action\",\"session_management\"],"
    "\"description\":\"Tools that must be listed\"},"
    "\"unknown_job_id\":{\"type\":\"string\",\"default\":\"0badc0de\","
    "\"description\":\"A job id the server does not know\"},"
    KWARGS("{}", "kwargs of execute_crackerjack")
    "\"end_to_end\":{\"enum\":[\"terminal\",\"first_frame\",\"none\"],"
    "\"default\":\"terminal\",\"description\":\"After execute_crackerjack: "
    "follow the job to its end, read its progress socket's first frame, or "
    "nothing\"},"
    FOLLOW
    WSC_EXPECT_PARAM("What the MCP server must answer", FINAL ","
        WSC_EXPECT_OUTPUT("serverInfo", "initialize's serverInfo") ","
        WSC_EXPECT_OUTPUT("protocolVersion", "The negotiated version") ","
        WSC_EXPECT_OUTPUT("tool_names", "The listed tools")));

static const char auto_fix_schema[] = CJ_SCHEMA(BASE MCP
    KWARGS("{\"max_iterations\":5}", "kwargs of execute_crackerjack: the auto-fix "
           "settings (max_iterations, ...)")
    FOLLOW
    WSC_EXPECT_PARAM("What the run must show (default: final status completed)",
        FINAL ","
        WSC_EXPECT_OUTPUT("iterations_used", "The highest iteration seen") ","
        WSC_EXPECT_OUTPUT("stages", "The stages seen, in order, each once") ","
        WSC_EXPECT_OUTPUT("statuses", "The statuses seen, in order, each once")));
/* clang-format on */

static const struct wsc_metric_decl http_metrics[] = {
    {"request_ms", "ms", "the request to its answer"},
    {"jobs", "count", "jobs listed (server)"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl echo_metrics[] = {
    {"handshake_ms", "ms", "the progress socket's upgrade"},
    {"echo_ms", "ms", "the text sent to its echo"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl follow_metrics[] = {
    CJ_FOLLOW_METRICS,
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl discovery_metrics[] = {
    {"listed_ms", "ms", "the job's start to its listing in / or /latest"},
    {"stream_ms", "ms", "the job's start to its first frame on its socket"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl mcp_metrics[] = {
    {"initialize_ms", "ms", "initialize to its answer"},
    {"tools", "count", "tools listed"},
    {"execute_ms", "ms", "execute_crackerjack to its answer"},
    CJ_FOLLOW_METRICS,
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl auto_fix_metrics[] = {
    {"iterations_used", "count", "the highest iteration seen"},
    CJ_FOLLOW_METRICS,
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "server",
     .summary = "GET / answers 200 JSON with status running; jobs as outputs",
     .params_schema = server_schema,
     .run = cj_check_server,
     .validate = cj_validate,
     .metrics = http_metrics},
    {.name = "latest_job",
     .summary = "GET /latest: a documented status; the job and its progress on success",
     .params_schema = latest_schema,
     .run = cj_check_latest_job,
     .validate = cj_validate,
     .metrics = http_metrics},
    {.name = "job_monitor",
     .summary = "GET /monitor/{id} is an HTML page naming the job; an invalid id 400",
     .params_schema = monitor_schema,
     .run = cj_check_job_monitor,
     .validate = cj_validate},
    {.name = "progress_stream",
     .summary = "follow a job on /ws/progress/{job_id} to completed or failed",
     .params_schema = progress_schema,
     .run = cj_check_progress_stream,
     .validate = cj_validate,
     .metrics = follow_metrics},
    {.name = "echo",
     .summary = "a text sent on a progress socket comes back in the echo shape",
     .params_schema = echo_schema,
     .run = cj_check_echo,
     .validate = cj_validate,
     .metrics = echo_metrics},
    {.name = "job_discovery",
     .summary =
         "a job started (MCP or a job file) shows up in / or /latest and its socket",
     .params_schema = discovery_schema,
     .run = cj_check_job_discovery,
     .validate = cj_validate,
     .metrics = discovery_metrics},
    {.name = "mcp",
     .summary = "the MCP server: tools, get_job_progress errors, a job end to end",
     .params_schema = mcp_schema,
     .run = cj_check_mcp,
     .validate = cj_validate,
     .metrics = mcp_metrics},
    {.name = "auto_fix",
     .summary = "an execute_crackerjack run followed through its iterations to its end",
     .params_schema = auto_fix_schema,
     .run = cj_check_auto_fix,
     .validate = cj_validate,
     .metrics = auto_fix_metrics},
    {.name = NULL},
};

WSC_PLUGIN("crackerjack", "1.0.0",
           "crackerjack: progress server (HTTP, progress WebSocket, jobs) and MCP tools",
           checks);
