/* wscheck-mock: MCP JSON-RPC handling and sessions.
 *
 * The order of the checks follows the MCP Python SDK's Streamable HTTP
 * transport, so clients see the same statuses: parse (400, -32700), shape
 * (400, -32600), then for anything but initialize the session (400 if
 * missing, 404 if unknown) and protocol version (400), then notifications
 * and responses get 202 and requests their result. */
#include "mcp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"
#include "log.h"
#include "cj_tools.h"
#include "mon_tools.h"
#include "mcp_runs.h"
#include "mcp_sessions.h"
#include "mcp_toolkit.h"
#include "metrics.h"
#include "mcp_tools.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"

#define RPC_PARSE_ERROR -32700
#define RPC_INVALID_REQUEST -32600
#define RPC_METHOD_NOT_FOUND -32601
#define RPC_INVALID_PARAMS -32602
#define RPC_BAD_REQUEST -32000 /* transport errors, as the SDK */
#define RPC_NO_SESSION -32001

static const char *const versions[] = {"2025-06-18", "2025-03-26", "2024-11-05"};

struct mcp_state {
    struct mcp_sessions sessions;
};

struct mcp_state *mcp_new(void)
{
    return calloc(1, sizeof(struct mcp_state));
}

void mcp_free(struct mcp_state *st)
{
    free(st);
}

/* ---- JSON-RPC ---- */

static json_object *rpc_new(json_object *id)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "jsonrpc", json_object_new_string("2.0"));
    mock_json_add(o, "id", json_object_get(id));
    return o;
}

static json_object *rpc_result(json_object *id, json_object *result)
{
    json_object *o = rpc_new(id);

    if (!o) {
        json_object_put(result);
        return NULL;
    }
    mock_json_add(o, "result", result);
    return o;
}

static json_object *rpc_error(json_object *id, int code, const char *message)
{
    json_object *o = rpc_new(id), *e = json_object_new_object();

    if (!o || !e) {
        json_object_put(o);
        json_object_put(e);
        return NULL;
    }
    mock_json_add(e, "code", json_object_new_int(code));
    mock_json_add(e, "message", json_object_new_string(message));
    mock_json_add(o, "error", e);
    return o;
}

static void answer(struct mcp_answer *ans, int status, json_object *body)
{
    ans->status = status;
    ans->body = body;
}

static void answer_error(struct mcp_answer *ans, int status, json_object *id, int code,
                         const char *message)
{
    answer(ans, status, rpc_error(id, code, message));
}

json_object *mcp_rpc_result(json_object *id, json_object *result)
{
    return rpc_result(id, result);
}

json_object *mcp_tool_response(json_object *id, json_object *result)
{
    return mcp_tool_response_ex(id, result, false);
}

json_object *mcp_tool_response_ex(json_object *id, json_object *result, bool is_error)
{
    json_object *r = json_object_new_object(), *content = json_object_new_array();
    json_object *item = json_object_new_object();
    const char *text =
        result ? json_object_to_json_string_ext(result, MOCK_JSON_FLAGS) : "null";

    if (!r || !content || !item) {
        json_object_put(r);
        json_object_put(content);
        json_object_put(item);
        json_object_put(result);
        return NULL;
    }
    mock_json_add(item, "type", json_object_new_string("text"));
    mock_json_add(item, "text", json_object_new_string(text));
    mock_json_append(content, item);
    mock_json_add(r, "content", content);
    mock_json_add(r, "isError", json_object_new_boolean(is_error));
    json_object_put(result);
    return rpc_result(id, r);
}

void mcp_async_cancel(struct mcp_async *a)
{
    lws_sul_cancel(&a->sul);
    json_object_put(a->rpc_id);
    json_object_put(a->results);
    json_object_put(a->target);
    a->rpc_id = a->results = a->target = NULL;
    a->active = false;
}

/* ---- methods ---- */

static const char *negotiate(json_object *params)
{
    json_object *v;

    if (json_object_object_get_ex(params, "protocolVersion", &v) &&
        json_object_is_type(v, json_type_string))
        for (size_t i = 0; i < sizeof(versions) / sizeof(*versions); i++)
            if (strcmp(json_object_get_string(v), versions[i]) == 0)
                return versions[i];
    return MCP_PROTOCOL_LATEST;
}

/* A new session for req's client, or why not in ans. */
static struct mcp_session *open_session(struct mock_server *srv,
                                        const struct mcp_request *req, json_object *id,
                                        struct mcp_answer *ans)
{
    const struct mock_options *opt = srv->opt;
    struct mcp_session *s;
    char msg[300];

    switch (mcp_sessions_new(&srv->mcp->sessions, req->client,
                             opt->mcp_sessions_per_client, &s)) {
    case MCP_SESSION_OK:
        return s;
    case MCP_SESSION_CLIENT_FULL:
        snprintf(msg, sizeof(msg),
                 "Too many sessions: %.64s holds %zu (--mcp-sessions-per-client); end "
                 "one with DELETE, or one unused for %g s expires",
                 req->client, opt->mcp_sessions_per_client, opt->mcp_session_timeout);
        answer_error(ans, 429, id, RPC_BAD_REQUEST, msg);
        break;
    case MCP_SESSION_TABLE_FULL:
        snprintf(msg, sizeof(msg),
                 "Too many sessions: the server holds %d, none unused for %g s",
                 MCP_MAX_SESSIONS, opt->mcp_session_timeout);
        answer_error(ans, HTTP_STATUS_SERVICE_UNAVAILABLE, id, RPC_BAD_REQUEST, msg);
        break;
    case MCP_SESSION_ERROR:
        answer_error(ans, 500, id, RPC_BAD_REQUEST, "Internal error");
        break;
    }
    mock_log(MOCK_LOG_INFO, "MCP: refused a session for %s", req->client);
    return NULL;
}

static bool toolkit(const struct mock_server *srv)
{
    return (srv->opt->profile & MOCK_PROFILE_DEV_TOOLKIT) != 0;
}

static bool monitoring(const struct mock_server *srv)
{
    return (srv->opt->profile & MOCK_PROFILE_MONITORING) != 0;
}

static bool crackerjack(const struct mock_server *srv)
{
    return (srv->opt->profile & MOCK_PROFILE_CRACKERJACK) != 0;
}

/* crackerjack's own name when it is the only profile, as its clients may
 * look for it; the mock's otherwise. */
static const char *server_name(const struct mock_server *srv)
{
    return srv->opt->profile == MOCK_PROFILE_CRACKERJACK ? CJ_MCP_SERVER_NAME
                                                         : MCP_SERVER_NAME;
}

/* initialize's result; the toolkit streams log lines, so it declares
 * logging as well. */
static json_object *initialize_result(const struct mock_server *srv, json_object *params)
{
    json_object *r = json_object_new_object(), *caps = json_object_new_object();
    json_object *info = json_object_new_object();

    if (!r || !caps || !info) {
        json_object_put(r);
        json_object_put(caps);
        json_object_put(info);
        return NULL;
    }
    mock_json_add(r, "protocolVersion", json_object_new_string(negotiate(params)));
    mock_json_add(caps, "tools", json_object_new_object());
    if (toolkit(srv))
        mock_json_add(caps, "logging", json_object_new_object());
    mock_json_add(r, "capabilities", caps);
    mock_json_add(info, "name", json_object_new_string(server_name(srv)));
    mock_json_add(info, "version", json_object_new_string(MOCK_SERVER_VERSION));
    mock_json_add(r, "serverInfo", info);
    return r;
}

static void do_initialize(struct mock_server *srv, const struct mcp_request *req,
                          json_object *id, json_object *params, struct mcp_answer *ans)
{
    struct mcp_session *s = open_session(srv, req, id, ans);
    json_object *r;

    if (!s)
        return;
    r = initialize_result(srv, params);
    if (!r) {
        mcp_sessions_delete(&srv->mcp->sessions, s);
        answer_error(ans, 500, id, RPC_BAD_REQUEST, "Internal error");
        return;
    }
    snprintf(ans->session_id, sizeof(ans->session_id), "%s", s->id);
    mock_log(MOCK_LOG_INFO, "MCP session %s started for %s", s->id, s->client);
    answer(ans, 200, rpc_result(id, r));
}

static enum mcp_tool_status call_tool(struct mock_server *srv,
                                      const struct mcp_peer *peer, json_object *id,
                                      json_object *params, json_object **result,
                                      struct mcp_async *async, char *err, size_t errlen)
{
    json_object *name = NULL, *args = NULL;

    json_object_object_get_ex(params, "name", &name);
    json_object_object_get_ex(params, "arguments", &args);
    if (monitoring(srv)) {
        enum mcp_tool_status st =
            mon_tools_call(srv, json_object_get_string(name), args, result, err, errlen);

        if (st != MCP_TOOL_UNKNOWN || !(toolkit(srv) || crackerjack(srv)))
            return st;
    }
    if (crackerjack(srv)) {
        enum mcp_tool_status st =
            cj_tools_call(srv, json_object_get_string(name), id, args, result);

        if (st != MCP_TOOL_UNKNOWN || !toolkit(srv))
            return st;
    }
    if (toolkit(srv))
        return mcp_toolkit_call(srv, peer, json_object_get_string(name), id, params,
                                result, err, errlen);
    return mcp_tool_call(srv, json_object_get_string(name), args, result,
                         async->active ? NULL : async, err, errlen);
}

static void do_tools_call(struct mock_server *srv, const struct mcp_peer *peer,
                          json_object *id, json_object *params, struct mcp_answer *ans,
                          struct mcp_async *async)
{
    json_object *name = NULL, *args = NULL, *result = NULL;
    bool busy = async->active; /* one async job per connection at a time */
    char err[200], msg[300];

    if (!json_object_is_type(params, json_type_object) ||
        !json_object_object_get_ex(params, "name", &name) ||
        !json_object_is_type(name, json_type_string)) {
        answer_error(ans, 200, id, RPC_INVALID_PARAMS,
                     "Invalid params: tools/call needs a tool name");
        return;
    }
    if (json_object_object_get_ex(params, "arguments", &args) && args &&
        !json_object_is_type(args, json_type_object)) {
        answer_error(ans, 200, id, RPC_INVALID_PARAMS,
                     "Invalid params: arguments must be an object");
        return;
    }
    if (!busy)
        async->rpc_id = json_object_get(id);
    switch (call_tool(srv, peer, id, params, &result, async, err, sizeof(err))) {
    case MCP_TOOL_DEFERRED:
        ans->deferred = true;
        if (async->active && !busy)
            return; /* the job took the id */
        break;
    case MCP_TOOL_DONE:
        answer(ans, 200, mcp_tool_response(id, result));
        break;
    case MCP_TOOL_RESPONSE:
        answer(ans, 200, result);
        break;
    case MCP_TOOL_UNKNOWN:
        snprintf(msg, sizeof(msg), "Unknown tool: %s", json_object_get_string(name));
        answer_error(ans, 200, id, RPC_INVALID_PARAMS, msg);
        break;
    case MCP_TOOL_BAD_ARGS:
        answer_error(ans, 200, id, RPC_INVALID_PARAMS, err);
        break;
    }
    if (!busy) {
        json_object_put(async->rpc_id);
        async->rpc_id = NULL;
    }
}

static json_object *tools_list(const struct mock_server *srv)
{
    json_object *r = json_object_new_object(), *list;

    if (!r)
        return NULL;
    if (toolkit(srv) || crackerjack(srv) || monitoring(srv)) {
        list = json_object_new_array();
        if (toolkit(srv))
            mcp_toolkit_list(list);
        if (crackerjack(srv))
            cj_tools_list(list);
        if (monitoring(srv))
            mon_tools_list(list);
    } else {
        list = mcp_tools_list();
    }
    mock_json_add(r, "tools", list);
    return r;
}

static void set_level(struct mock_server *srv, const struct mcp_peer *peer,
                      json_object *id, json_object *params, struct mcp_answer *ans)
{
    json_object *v;
    int level = -1;

    if (json_object_object_get_ex(params, "level", &v) &&
        json_object_is_type(v, json_type_string))
        level = mcp_log_level(json_object_get_string(v));
    if (level < 0) {
        answer_error(ans, 200, id, RPC_INVALID_PARAMS,
                     "Invalid params: level must be debug, info, notice, warning, "
                     "error, critical, alert or emergency");
        return;
    }
    if (peer->log_level)
        *peer->log_level = level;
    if (peer->level_subscribes && !mcp_streams_has(srv, peer->session) &&
        mcp_streams_add(srv, peer->session, peer->sink, peer->log_level) != 0) {
        answer_error(ans, 200, id, RPC_BAD_REQUEST, "Too many streams");
        return;
    }
    answer(ans, 200, rpc_result(id, json_object_new_object()));
}

static void dispatch(struct mock_server *srv, const struct mcp_peer *peer,
                     const char *method, json_object *id, json_object *params,
                     struct mcp_answer *ans, struct mcp_async *async)
{
    if (strcmp(method, "ping") == 0)
        answer(ans, 200, rpc_result(id, json_object_new_object()));
    else if (strcmp(method, "tools/list") == 0)
        answer(ans, 200, rpc_result(id, tools_list(srv)));
    else if (strcmp(method, "tools/call") == 0)
        do_tools_call(srv, peer, id, params, ans, async);
    else if (strcmp(method, "logging/setLevel") == 0 && toolkit(srv))
        set_level(srv, peer, id, params, ans);
    else
        answer_error(ans, 200, id, RPC_METHOD_NOT_FOUND, "Method not found");
}

/* notifications/cancelled stops a running command; other notifications
 * need nothing. */
static void notified(struct mock_server *srv, const struct mcp_peer *peer,
                     const char *method, json_object *params)
{
    json_object *rid;

    if (strcmp(method, "notifications/cancelled") == 0 &&
        json_object_object_get_ex(params, "requestId", &rid))
        mcp_runs_cancel(srv, peer->session, rid);
}

/* ---- one message ---- */

/* Known methods by name, others as "other": the metric's label set stays
 * bounded whatever clients send. */
static const char *method_label(const char *method)
{
    static const char *const known[] = {"initialize", "ping", "tools/list", "tools/call",
                                        "logging/setLevel"};

    for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
        if (strcmp(method, known[i]) == 0)
            return known[i];
    return "other";
}

/* A tool that does not exist is "unknown"; its name is the client's. */
static const char *tool_label(json_object *params, json_object *reply)
{
    json_object *name = NULL, *err, *msg;

    if (!json_object_object_get_ex(params, "name", &name) ||
        !json_object_is_type(name, json_type_string))
        return "";
    if (json_object_object_get_ex(reply, "error", &err) &&
        json_object_object_get_ex(err, "message", &msg) &&
        strncmp(json_object_get_string(msg), "Unknown tool", 12) == 0)
        return "unknown";
    return json_object_get_string(name);
}

/* Counts a request and the time it took to answer (or defer). */
static void count_request(const char *method, json_object *params, json_object *reply,
                          int64_t t0)
{
    const char *m = method_label(method);
    bool error = reply && json_object_object_get_ex(reply, "error", NULL);

    metrics_mcp_request(m, strcmp(m, "tools/call") == 0 ? tool_label(params, reply) : "",
                        error, mock_mono_us() - t0);
}

static void expire_sessions(struct mock_server *srv)
{
    mcp_sessions_expire(&srv->mcp->sessions, mock_mono_us(),
                        (int64_t)(srv->opt->mcp_session_timeout * 1e6));
}

enum rpc_kind { RPC_REQUEST, RPC_NOTIFICATION, RPC_RESPONSE, RPC_INVALID };

static enum rpc_kind classify(json_object *msg, const char **method, json_object **id,
                              json_object **params)
{
    json_object *v, *m = NULL;
    bool has_id = json_object_object_get_ex(msg, "id", id);

    *method = NULL;
    json_object_object_get_ex(msg, "params", params);
    if (!json_object_object_get_ex(msg, "jsonrpc", &v) ||
        !json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), "2.0") != 0)
        return RPC_INVALID;
    if (has_id && !json_object_is_type(*id, json_type_string) &&
        !json_object_is_type(*id, json_type_int))
        return RPC_INVALID; /* MCP ids are strings or integers */
    if (json_object_object_get_ex(msg, "method", &m)) {
        if (!json_object_is_type(m, json_type_string))
            return RPC_INVALID;
        *method = json_object_get_string(m);
        return has_id ? RPC_REQUEST : RPC_NOTIFICATION;
    }
    if (has_id && (json_object_object_get_ex(msg, "result", &v) ||
                   json_object_object_get_ex(msg, "error", &v)))
        return RPC_RESPONSE;
    return RPC_INVALID;
}

static bool version_supported(const char *v)
{
    for (size_t i = 0; i < sizeof(versions) / sizeof(*versions); i++)
        if (strcmp(v, versions[i]) == 0)
            return true;
    return false;
}

/* Session and protocol version checks for everything but initialize.
 * Returns false with ans filled in when the request is refused. */
static struct mcp_session *check_session(struct mock_server *srv,
                                         const struct mcp_request *req, json_object *id,
                                         struct mcp_answer *ans)
{
    struct mcp_session *s;
    char msg[160];

    if (!req->session_id || !*req->session_id) {
        answer_error(ans, 400, id, RPC_BAD_REQUEST,
                     "Bad Request: Mcp-Session-Id header is required");
        return NULL;
    }
    s = mcp_sessions_use(&srv->mcp->sessions, req->session_id, mock_mono_us());
    if (!s) {
        answer_error(ans, 404, id, RPC_NO_SESSION, "Session not found");
        return NULL;
    }
    if (req->protocol_version && !version_supported(req->protocol_version)) {
        snprintf(
            msg, sizeof(msg),
            "Bad Request: Unsupported protocol version: %.60s (supported: %s, %s, %s)",
            req->protocol_version, versions[0], versions[1], versions[2]);
        answer_error(ans, 400, id, RPC_BAD_REQUEST, msg);
        return NULL;
    }
    return s;
}

bool mcp_check_stream(struct mock_server *srv, const char *session_id,
                      const char *protocol_version, struct mcp_answer *ans)
{
    struct mcp_request req = {"", session_id, protocol_version, "", 0, NULL};

    memset(ans, 0, sizeof(*ans));
    expire_sessions(srv);
    return check_session(srv, &req, NULL, ans) != NULL;
}

void mcp_handle_post(struct mock_server *srv, const struct mcp_request *req,
                     struct mcp_answer *ans, struct mcp_async *async)
{
    json_object *msg = NULL, *id = NULL, *params = NULL;
    struct mcp_session *s;
    const char *method;
    enum rpc_kind kind = RPC_INVALID;
    char err[200];
    int64_t t0 = mock_mono_us();

    memset(ans, 0, sizeof(*ans));
    expire_sessions(srv);
    if (pyjson_parse(req->body, req->len, false, &msg, err, sizeof(err)) != PYJSON_OK) {
        answer_error(ans, 400, NULL, RPC_PARSE_ERROR, "Parse error");
        return;
    }
    if (json_object_is_type(msg, json_type_array)) {
        answer_error(ans, 400, NULL, RPC_INVALID_REQUEST,
                     "Invalid Request: batches are not supported");
    } else if (!json_object_is_type(msg, json_type_object) ||
               (kind = classify(msg, &method, &id, &params)) == RPC_INVALID) {
        answer_error(ans, 400, NULL, RPC_INVALID_REQUEST, "Invalid Request");
    } else if (kind == RPC_REQUEST && strcmp(method, "initialize") == 0) {
        do_initialize(srv, req, id, params, ans);
    } else if ((s = check_session(srv, req, kind == RPC_REQUEST ? id : NULL, ans))) {
        struct mcp_peer peer = {s->id, &s->log_level, req->sink, false};

        if (kind == RPC_REQUEST)
            dispatch(srv, &peer, method, id, params, ans, async);
        else if (kind == RPC_NOTIFICATION)
            notified(srv, &peer, method, params);
        if (kind != RPC_REQUEST)
            answer(ans, 202, NULL);
    }
    if (kind == RPC_REQUEST)
        count_request(method, params, ans->body, t0);
    json_object_put(msg);
}

void mcp_handle_delete(struct mock_server *srv, const char *session_id,
                       struct mcp_answer *ans)
{
    struct mcp_session *s;

    memset(ans, 0, sizeof(*ans));
    expire_sessions(srv);
    if (!session_id || !*session_id) {
        answer_error(ans, 400, NULL, RPC_BAD_REQUEST,
                     "Bad Request: Mcp-Session-Id header is required");
        return;
    }
    s = mcp_sessions_use(&srv->mcp->sessions, session_id, mock_mono_us());
    if (!s) {
        answer_error(ans, 404, NULL, RPC_NO_SESSION, "Session not found");
        return;
    }
    mock_log(MOCK_LOG_INFO, "MCP session %s ended", s->id);
    mcp_sessions_delete(&srv->mcp->sessions, s);
    answer(ans, 200, NULL);
}

/* ---- WebSocket ---- */

static json_object *ws_request(struct mock_server *srv, struct mcp_ws_session *ws,
                               const char *method, json_object *id, json_object *params,
                               struct mcp_sink *sink, struct mcp_async *async)
{
    struct mcp_peer peer = {ws->key, &ws->log_level, sink, true};
    struct mcp_answer ans;

    memset(&ans, 0, sizeof(ans));
    if (strcmp(method, "initialize") == 0) {
        json_object *r = initialize_result(srv, params);

        ws->initialized = r != NULL;
        mock_log(MOCK_LOG_INFO, "MCP WebSocket session %s initialized", ws->key);
        return r ? rpc_result(id, r) : rpc_error(id, RPC_BAD_REQUEST, "Internal error");
    }
    if (!ws->initialized && strcmp(method, "ping") != 0)
        return rpc_error(id, RPC_INVALID_REQUEST,
                         "Invalid Request: the session is not initialized (send "
                         "initialize first)");
    dispatch(srv, &peer, method, id, params, &ans, async);
    return ans.deferred ? NULL : ans.body;
}

json_object *mcp_handle_ws(struct mock_server *srv, struct mcp_ws_session *ws,
                           const char *text, size_t len, struct mcp_sink *sink,
                           struct mcp_async *async)
{
    json_object *msg = NULL, *id = NULL, *params = NULL, *reply = NULL;
    struct mcp_peer peer = {ws->key, &ws->log_level, sink, true};
    const char *method;
    enum rpc_kind kind;
    char err[200];

    if (pyjson_parse(text, len, false, &msg, err, sizeof(err)) != PYJSON_OK)
        return rpc_error(NULL, RPC_PARSE_ERROR, "Parse error");
    if (json_object_is_type(msg, json_type_array))
        reply = rpc_error(NULL, RPC_INVALID_REQUEST,
                          "Invalid Request: batches are not supported");
    else if (!json_object_is_type(msg, json_type_object) ||
             (kind = classify(msg, &method, &id, &params)) == RPC_INVALID)
        reply = rpc_error(NULL, RPC_INVALID_REQUEST, "Invalid Request");
    else if (kind == RPC_REQUEST) {
        int64_t t0 = mock_mono_us();

        reply = ws_request(srv, ws, method, id, params, sink, async);
        count_request(method, params, reply, t0);
    } else if (kind == RPC_NOTIFICATION)
        notified(srv, &peer, method, params);
    json_object_put(msg);
    return reply;
}
