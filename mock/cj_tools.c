/* wscheck-mock: crackerjack's MCP tools. */
#include "cj_tools.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cj.h"
#include "cj_jobs.h"
#include "cj_json.h"
#include "cj_progress.h"
#include "cj_sanitize.h"
#include "cj_sim.h"
#include "jsonout.h"
#include "mcp_server.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"

#define S "{\"type\":\"string\"}"
#define OUTPUT_SCHEMA                                                             \
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"result\":{\"type\":" \
    "\"string\"}},\"required\":[\"result\"],\"x-fastmcp-wrap-result\":true}"
#define NO_ARGS "\"inputSchema\":{\"type\":\"object\",\"properties\":{}},"

static const char tools_json[] =
    "[{\"name\":\"execute_crackerjack\","
    "\"description\":\"Start a crackerjack run (simulated) and return its job id at once; "
    "follow it with get_job_progress or /ws/progress/{job_id}. kwargs is a JSON object "
    "text: max_iterations, working_directory, and the mock_* members of wscheck-mock(1).\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"args\":{\"title\":\"Args\",\"type\":\"string\"},"
    "\"kwargs\":{\"title\":\"Kwargs\",\"type\":\"string\"}},\"required\":[\"args\",\"kwargs\"]}," OUTPUT_SCHEMA
    "},"
    "{\"name\":\"get_job_progress\",\"description\":\"The progress of a job: its job file.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"job_id\":{\"title\":\"Job Id\",\"type\":\"string\"}},"
    "\"required\":[\"job_id\"]}," OUTPUT_SCHEMA "},"
    "{\"name\":\"get_comprehensive_status\",\"description\":\"Services, jobs and server statistics.\"," NO_ARGS
        OUTPUT_SCHEMA "},"
    "{\"name\":\"get_server_stats\",\"description\":\"Server statistics and resource usage.\"," NO_ARGS
        OUTPUT_SCHEMA "},"
    "{\"name\":\"get_stage_status\",\"description\":\"Status of the fast, comprehensive, tests and cleaning stages.\"," NO_ARGS
        OUTPUT_SCHEMA "},"
    "{\"name\":\"get_next_action\",\"description\":\"The recommended next action.\"," NO_ARGS
        OUTPUT_SCHEMA "},"
    "{\"name\":\"session_management\",\"description\":\"Start, checkpoint, complete or reset the session.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"action\":{\"title\":\"Action\",\"type\":\"string\"},"
    "\"checkpoint_name\":{\"anyOf\":[" S
    ",{\"type\":\"null\"}],\"default\":null,\"title\":\"Checkpoint Name\"}},"
    "\"required\":[\"action\"]}," OUTPUT_SCHEMA "}]";

void cj_tools_list(json_object *list)
{
    json_object *tools = NULL;
    char err[160];

    if (!list || pyjson_parse(tools_json, sizeof(tools_json) - 1, false, &tools, err,
                              sizeof(err)) != PYJSON_OK)
        return;
    for (size_t i = 0; i < json_object_array_length(tools); i++)
        mock_json_append(list, json_object_get(json_object_array_get_idx(tools, i)));
    json_object_put(tools);
}

/* ---- results ---- */

static json_object *text_item(const char *text)
{
    json_object *item = json_object_new_object();

    if (!item)
        return NULL;
    mock_json_add(item, "type", json_object_new_string("text"));
    mock_json_add(item, "text", json_object_new_string(text));
    return item;
}

/* FastMCP's result for a tool returning the string json.dumps(value,
 * indent=2); value is taken. */
static json_object *result(json_object *id, json_object *value)
{
    char *text = value ? cj_json_indent(value) : NULL;
    json_object *r = json_object_new_object(), *content = json_object_new_array();
    json_object *sc = json_object_new_object();

    json_object_put(value);
    if (!text || !r || !content || !sc) {
        free(text);
        json_object_put(r);
        json_object_put(content);
        json_object_put(sc);
        return NULL;
    }
    mock_json_append(content, text_item(text));
    mock_json_add(sc, "result", json_object_new_string(text));
    mock_json_add(r, "content", content);
    mock_json_add(r, "structuredContent", sc);
    mock_json_add(r, "isError", json_object_new_boolean(0));
    free(text);
    return mcp_rpc_result(id, r);
}

/* Failed argument validation: isError true with FastMCP's wording. */
static json_object *invalid(json_object *id, const char *tool, const char *arg,
                            const char *what)
{
    json_object *r = json_object_new_object(), *content = json_object_new_array();
    char text[300];

    if (!r || !content) {
        json_object_put(r);
        json_object_put(content);
        return NULL;
    }
    snprintf(text, sizeof(text),
             "Error executing tool %s: 1 validation error for call[%s]\n%s\n  %s", tool,
             tool, arg, what);
    mock_json_append(content, text_item(text));
    mock_json_add(r, "content", content);
    mock_json_add(r, "isError", json_object_new_boolean(1));
    return mcp_rpc_result(id, r);
}

static json_object *error_object(const char *message)
{
    json_object *o = json_object_new_object();

    if (o)
        mock_json_add(o, "error", json_object_new_string(message));
    return o;
}

/* A string argument: 1 present, 0 absent or null, -1 another type. */
static int str_arg(json_object *args, const char *name, const char **out)
{
    json_object *v;

    *out = NULL;
    if (!args || !json_object_object_get_ex(args, name, &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return -1;
    *out = json_object_get_string(v);
    return 1;
}

/* ---- the tools ---- */

static json_object *execute(struct mock_server *srv, json_object *id, json_object *args)
{
    const char *a, *kw;
    json_object *kwargs = NULL, *o;
    char err[256], msg[320], job[9];
    int ra = str_arg(args, "args", &a), rk = str_arg(args, "kwargs", &kw);

    if (ra <= 0)
        return invalid(id, "execute_crackerjack", "args",
                       ra ? "Input should be a valid string"
                          : "Missing required argument");
    if (rk <= 0)
        return invalid(id, "execute_crackerjack", "kwargs",
                       rk ? "Input should be a valid string"
                          : "Missing required argument");
    if (!*kw)
        kwargs = json_object_new_object();
    else if (pyjson_parse(kw, strlen(kw), false, &kwargs, err, sizeof(err)) !=
             PYJSON_OK) {
        snprintf(msg, sizeof(msg), "Invalid JSON in kwargs: %s", err);
        return result(id, error_object(msg));
    }
    if (!json_object_is_type(kwargs, json_type_object)) {
        json_object_put(kwargs);
        return result(id, error_object("Invalid JSON in kwargs: not a JSON object"));
    }
    if (cj_sim_start(srv->cj, kwargs, job, err, sizeof(err)) != 0) {
        json_object_put(kwargs);
        return result(id, error_object(err));
    }
    json_object_put(kwargs);
    o = json_object_new_object();
    if (!o)
        return NULL;
    mock_json_add(o, "job_id", json_object_new_string(job));
    mock_json_add(o, "status", json_object_new_string("running"));
    mock_json_add(
        o, "message",
        json_object_new_string(
            "Execution started. Use get_job_progress(job_id) to monitor progress."));
    mock_json_add(o, "timestamp", cj_json_epoch(mock_wall_us()));
    return result(id, o);
}

static json_object *progress(struct mock_server *srv, json_object *id, json_object *args)
{
    const char *job;
    int rc = str_arg(args, "job_id", &job);
    json_object *doc = NULL, *o;
    char msg[CJ_ID_MAX * 2 + 64];

    if (rc <= 0)
        return invalid(id, "get_job_progress", "job_id",
                       rc ? "Input should be a valid string"
                          : "Missing required argument");
    if (!cj_id_valid(job, strlen(job), false)) {
        snprintf(msg, sizeof(msg), "Invalid job_id: %.*s", CJ_ID_MAX * 2, job);
        return result(id, error_object(msg));
    }
    if (cj_job_read(srv->cj, job, &doc) == 0)
        return result(id, doc);
    snprintf(msg, sizeof(msg), "Job %s not found", job);
    o = error_object(msg);
    if (o)
        mock_json_add(o, "job_id", json_object_new_string(job));
    return result(id, o);
}

static json_object *process(int port)
{
    json_object *list = json_object_new_array(), *p = json_object_new_object();

    if (!list || !p) {
        json_object_put(list);
        json_object_put(p);
        return NULL;
    }
    mock_json_add(p, "pid", json_object_new_int((int)getpid()));
    if (port)
        mock_json_add(p, "port", json_object_new_int(port));
    mock_json_append(list, p);
    return list;
}

static json_object *jobs_member(const struct cj_state *cj)
{
    json_object *o = json_object_new_object();
    int active, completed, failed;

    if (!o)
        return NULL;
    cj_jobs_counts(cj, &active, &completed, &failed);
    mock_json_add(o, "active_count", json_object_new_int(active));
    mock_json_add(o, "completed_count", json_object_new_int(completed));
    mock_json_add(o, "failed_count", json_object_new_int(failed));
    mock_json_add(o, "details", cj_jobs_list(cj));
    return o;
}

static json_object *comprehensive(struct mock_server *srv, json_object *id)
{
    json_object *o = json_object_new_object(), *svc = json_object_new_object();
    json_object *mcp = json_object_new_object(), *ws = json_object_new_object();
    json_object *stats = json_object_new_object(), *info = json_object_new_object();

    if (!o || !svc || !mcp || !ws || !stats || !info) {
        json_object_put(o), json_object_put(svc), json_object_put(mcp);
        json_object_put(ws), json_object_put(stats), json_object_put(info);
        return NULL;
    }
    mock_json_add(mcp, "running", json_object_new_boolean(1));
    mock_json_add(mcp, "processes", process(0));
    mock_json_add(ws, "running", json_object_new_boolean(1));
    mock_json_add(ws, "processes", process(srv->cj_port));
    mock_json_add(svc, "mcp_server", mcp);
    mock_json_add(svc, "websocket_server", ws);
    mock_json_add(o, "services", svc);
    mock_json_add(o, "jobs", jobs_member(srv->cj));
    mock_json_add(stats, "active_connections",
                  json_object_new_int64((int64_t)cj_progress_active_jobs(srv->cj)));
    mock_json_add(stats, "uptime_seconds",
                  mock_json_seconds(mock_mono_us() - srv->stats.start_mono));
    mock_json_add(o, "server_stats", stats);
    mock_json_add(info, "timestamp", cj_json_epoch(mock_wall_us()));
    mock_json_add(info, "duration", pyjson_new_float(0.001));
    mock_json_add(info, "is_complete", json_object_new_boolean(1));
    mock_json_add(info, "errors", json_object_new_array());
    mock_json_add(o, "collection_info", info);
    mock_json_add(o, "_security", cj_security_member());
    return result(id, o);
}

static json_object *server_stats(struct mock_server *srv, json_object *id)
{
    json_object *o = json_object_new_object(), *info = json_object_new_object();
    json_object *rl = json_object_new_object(), *cfg = json_object_new_object();
    json_object *res = json_object_new_object(), *sm = json_object_new_object();
    json_object *sec = json_object_new_object();
    char cwd[PATH_MAX];

    if (!getcwd(cwd, sizeof(cwd)))
        snprintf(cwd, sizeof(cwd), "/");
    if (!o || !info || !rl || !cfg || !res || !sm || !sec) {
        json_object_put(o), json_object_put(info), json_object_put(rl);
        json_object_put(cfg), json_object_put(res), json_object_put(sm);
        json_object_put(sec);
        return NULL;
    }
    mock_json_add(info, "project_path", cj_mask(cwd));
    mock_json_add(info, "websocket_port", json_object_new_int(srv->cj_port));
    mock_json_add(info, "websocket_active", json_object_new_boolean(1));
    mock_json_add(o, "server_info", info);
    mock_json_add(cfg, "requests_per_second", json_object_new_int(12));
    mock_json_add(cfg, "burst", json_object_new_int(35));
    mock_json_add(rl, "enabled", json_object_new_boolean(1));
    mock_json_add(rl, "config", cfg);
    mock_json_add(o, "rate_limiting", rl);
    mock_json_add(res, "temp_files_count",
                  json_object_new_int64((int64_t)srv->cj->n_jobs));
    mock_json_add(o, "resource_usage", res);
    mock_json_add(o, "timestamp", cj_json_epoch(mock_wall_us()));
    mock_json_add(sm, "iteration_count",
                  json_object_new_int(srv->cj->session.total_iterations));
    mock_json_add(sm, "session_active", json_object_new_boolean(srv->cj->session.active));
    mock_json_add(sm, "issues_count", json_object_new_int(0));
    mock_json_add(o, "state_manager", sm);
    mock_json_add(sec, "rate_limiting", json_object_new_string("enabled"));
    mock_json_add(sec, "input_validation", json_object_new_string("enabled"));
    mock_json_add(o, "security_status", sec);
    mock_json_add(o, "_security", cj_security_member());
    return result(id, o);
}

static const char *const stage_names[] = {"fast", "comprehensive", "tests", "cleaning"};

static json_object *stage_status(struct mock_server *srv, json_object *id)
{
    const struct cj_session *s = &srv->cj->session;
    json_object *o, *stages, *sess;

    if (srv->cj->bugs & CJ_BUG_STAGE_STATUS)
        return result(id,
                      error_object("Failed to get stage status: 'StateManager' object "
                                   "has no attribute 'get_stage_status'"));
    o = json_object_new_object();
    stages = json_object_new_object();
    sess = json_object_new_object();
    if (!o || !stages || !sess) {
        json_object_put(o), json_object_put(stages), json_object_put(sess);
        return NULL;
    }
    for (size_t i = 0; i < 4; i++)
        mock_json_add(stages, stage_names[i], json_object_new_string(s->stages[i]));
    mock_json_add(sess, "total_iterations", json_object_new_int(s->total_iterations));
    mock_json_add(sess, "current_iteration", json_object_new_int(s->current_iteration));
    mock_json_add(sess, "session_active", json_object_new_boolean(s->active));
    mock_json_add(o, "stages", stages);
    mock_json_add(o, "session", sess);
    mock_json_add(o, "timestamp", cj_json_epoch(mock_wall_us()));
    return result(id, o);
}

static json_object *next_action(struct mock_server *srv, json_object *id)
{
    static const char *const reasons[] = {
        "Fast hooks not completed", "Comprehensive hooks not completed",
        "Tests not completed", "Cleaning not completed"};
    const struct cj_session *s = &srv->cj->session;
    json_object *o, *params;
    size_t i;

    if (srv->cj->bugs & CJ_BUG_NEXT_ACTION)
        return result(id, error_object("Failed to determine next action: 'StateManager' "
                                       "object has no attribute 'get_next_action'"));
    for (i = 0; i < 4 && strcmp(s->stages[i], "completed") == 0; i++)
        ;
    o = json_object_new_object();
    params = json_object_new_object();
    if (!o || !params) {
        json_object_put(o), json_object_put(params);
        return NULL;
    }
    if (i < 4)
        mock_json_add(params, "stage", json_object_new_string(stage_names[i]));
    mock_json_add(o, "recommended_action",
                  json_object_new_string(i < 4 ? "run_stage" : "complete"));
    mock_json_add(o, "parameters", params);
    mock_json_add(o, "reason",
                  json_object_new_string(i < 4 ? reasons[i] : "All stages completed"));
    return result(id, o);
}

static json_object *session(struct mock_server *srv, json_object *id, json_object *args)
{
    struct cj_session *s = &srv->cj->session;
    const char *action, *name;
    int ra = str_arg(args, "action", &action),
        rn = str_arg(args, "checkpoint_name", &name);
    json_object *o;
    char msg[200];

    if (ra <= 0 || rn < 0)
        return invalid(id, "session_management", ra <= 0 ? "action" : "checkpoint_name",
                       ra == 0 ? "Missing required argument"
                               : "Input should be a valid string");
    if (strcmp(action, "start") && strcmp(action, "checkpoint") &&
        strcmp(action, "complete") && strcmp(action, "reset")) {
        snprintf(
            msg, sizeof(msg),
            "Invalid action: %.64s. Valid actions: start, checkpoint, complete, reset",
            action);
        return result(id, error_object(msg));
    }
    o = json_object_new_object();
    if (!o)
        return NULL;
    if (action[0] == 's') {
        s->active = true;
        mock_json_add(o, "status", json_object_new_string("session_started"));
    } else if (action[0] == 'c' && action[1] == 'h') {
        mock_json_add(o, "status", json_object_new_string("checkpoint_created"));
    } else if (action[0] == 'c') {
        s->active = false;
        mock_json_add(o, "status", json_object_new_string("session_completed"));
    } else {
        for (size_t i = 0; i < 4; i++)
            s->stages[i] = "pending";
        s->total_iterations = s->current_iteration = 0;
        s->active = false;
        mock_json_add(o, "status", json_object_new_string("session_reset"));
    }
    mock_json_add(o, "action", json_object_new_string(action));
    if (action[0] == 'c' && action[1] == 'h')
        mock_json_add(o, "name", json_object_new_string(name ? name : "checkpoint"));
    return result(id, o);
}

enum mcp_tool_status cj_tools_call(struct mock_server *srv, const char *name,
                                   json_object *id, json_object *args,
                                   json_object **response)
{
    if (strcmp(name, "execute_crackerjack") == 0)
        *response = execute(srv, id, args);
    else if (strcmp(name, "get_job_progress") == 0)
        *response = progress(srv, id, args);
    else if (strcmp(name, "get_comprehensive_status") == 0)
        *response = comprehensive(srv, id);
    else if (strcmp(name, "get_server_stats") == 0)
        *response = server_stats(srv, id);
    else if (strcmp(name, "get_stage_status") == 0)
        *response = stage_status(srv, id);
    else if (strcmp(name, "get_next_action") == 0)
        *response = next_action(srv, id);
    else if (strcmp(name, "session_management") == 0)
        *response = session(srv, id, args);
    else
        return MCP_TOOL_UNKNOWN;
    return MCP_TOOL_RESPONSE;
}
