/* dev-toolkit checks under load, over WebSocket (subprotocol "mcp", one
 * JSON-RPC 2.0 message per text frame): initialize, then
 * notifications/initialized, then the check's requests, then a clean close.
 * "handshake_ms" times initialize (the upgrade goes into "upgrade_ms"),
 * "call_ms" every request after it. Answers are judged as over HTTP
 * (load_http_mcp_answer.c: the outputs dev-toolkit publishes, the default
 * rules and `expect`), so both transports fail the same sessions. The
 * server's requests (ping) are answered; its notifications are dropped.
 * http(s):// URLs go to MCP over HTTP (wsc_load_compile_mcp_http). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/expect.h>
#include <wscheck/mcp.h>
#include <wscheck/version.h>
#include <wscheck/ws.h>

#include "load_http_mcp.h"
#include "load_ws.h"
#include "util.h"

struct mcp_script {
    struct lws_script ws;       /* first: the WebSocket layer's part */
    char *init;                 /* the initialize request's text */
    char *method;               /* the check's request after initialize, or NULL */
    struct json_object *params; /* its params (owned) */
    int paged;                  /* tools/list: follow nextCursor */
    struct mh_script match;     /* only `expect` is used: what answers must be */
};

struct mcp_state {
    struct lws_state ws; /* first: the WebSocket layer's part */
    int64_t id;          /* the request awaited */
    double sent_at;
    int initialized, closing;
    struct json_object *items; /* tool_discovery: the tools of the pages so far */
};

#define MAX_PAGES MH_MAX_PAGES

static struct mcp_script *script(struct wsc_load_sess *s)
{
    return wsc_load_script_of(s)->data;
}

static int send_json(struct wsc_load_sess *s, struct json_object *msg)
{
    const char *t = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
    return t ? lws_send(s, WSC_WS_OP_TEXT, t, strlen(t)) : -1;
}

static void request(struct wsc_load_sess *s, const char *method,
                    struct json_object *params)
{
    struct mcp_state *st = wsc_load_state(s);
    struct json_object *msg = json_object_new_object();
    if (!msg)
        return;
    json_object_object_add(msg, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(msg, "id", json_object_new_int64(++st->id));
    json_object_object_add(msg, "method", json_object_new_string(method));
    if (params)
        json_object_object_add(msg, "params", params);
    st->sent_at = wsc_load_now(s);
    if (send_json(s, msg) == 0)
        wsc_load_timer(s, 0);
    json_object_put(msg);
}

static void finish(struct wsc_load_sess *s)
{
    struct mcp_state *st = wsc_load_state(s);
    st->closing = 1;
    st->ws.finished = 1;
    if (lws_send_close(s, 1000, NULL) == 0)
        wsc_load_timer(s, wsc_load_now(s) + 5.0);
}

static void on_open(struct wsc_load_sess *s)
{
    struct mcp_state *st = wsc_load_state(s);
    st->sent_at = wsc_load_now(s);
    st->id = 1;
    const char *init = script(s)->init;
    lws_send(s, WSC_WS_OP_TEXT, init, strlen(init));
}

static struct json_object *copy(struct json_object *v)
{
    struct json_object *c = NULL;
    return v && json_object_deep_copy(v, &c, NULL) == 0 ? c : NULL;
}

/* The next request of the check, or the end. */
static void next(struct wsc_load_sess *s, struct json_object *result)
{
    struct mcp_state *st = wsc_load_state(s);
    struct mcp_script *ms = script(s);
    (void)result;
    if (!st->initialized) {
        st->initialized = 1;
        static const char note[] =
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        if (lws_send(s, WSC_WS_OP_TEXT, note, sizeof note - 1) != 0)
            return;
        if (!ms->method) {
            finish(s);
            return;
        }
        request(s, ms->method, copy(ms->params));
        return;
    }
    finish(s);
}

/* A request from the server: ping is answered, others refused. */
static void server_request(struct wsc_load_sess *s, struct json_object *msg,
                           const char *method)
{
    struct json_object *id = NULL, *ans = json_object_new_object();
    json_object_object_get_ex(msg, "id", &id);
    if (!ans)
        return;
    json_object_object_add(ans, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(ans, "id", json_object_get(id));
    if (strcmp(method, "ping") == 0) {
        json_object_object_add(ans, "result", json_object_new_object());
    } else {
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "code", json_object_new_int(-32601));
        json_object_object_add(e, "message", json_object_new_string("Method not found"));
        json_object_object_add(ans, "error", e);
    }
    send_json(s, ans);
    json_object_put(ans);
}

/* A page of tools/list: its tools kept. 1 when the answer is whole (no
 * next page), 0 when the next page was asked for, -1 after failing. */
static int page(struct wsc_load_sess *s, struct json_object *result)
{
    struct mcp_state *st = wsc_load_state(s);
    struct json_object *tools = NULL, *cursor = NULL;
    if (!json_object_object_get_ex(result, "tools", &tools) ||
        !json_object_is_type(tools, json_type_array)) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "tools/list: no array \"tools\"");
        return -1;
    }
    if (!st->items && !(st->items = json_object_new_array()))
        return -1;
    for (size_t i = 0; i < json_object_array_length(tools); i++)
        json_object_array_add(st->items,
                              json_object_get(json_object_array_get_idx(tools, i)));
    if (!json_object_object_get_ex(result, "nextCursor", &cursor) || !cursor)
        return 1;
    if (!json_object_is_type(cursor, json_type_string) || st->id > MAX_PAGES) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "tools/list: nextCursor not a string, or more than %d pages",
                      MAX_PAGES);
        return -1;
    }
    struct json_object *p = json_object_new_object();
    if (!p)
        return -1;
    json_object_object_add(p, "cursor", json_object_get(cursor));
    request(s, "tools/list", p);
    return 0;
}

/* The answer of the check's last request (or of initialize alone). */
static void judge(struct wsc_load_sess *s, struct json_object *msg, const char *method)
{
    struct mcp_state *st = wsc_load_state(s);
    struct mcp_script *ms = script(s);
    int rpc_error = 0;
    struct json_object *outputs;
    if (!ms->method) {
        outputs = mh_initialize_outputs(msg, NULL);
        if (outputs)
            json_object_object_add(outputs, "transport",
                                   json_object_new_string("websocket"));
    } else if (ms->paged && !json_object_object_get_ex(msg, "error", NULL)) {
        outputs = mh_tool_outputs(st->items);
    } else {
        outputs = mh_outputs(msg, method, &rpc_error);
    }
    enum wsc_load_error kind;
    char *why = NULL;
    if (!outputs) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return;
    }
    if (mh_check_answer(&ms->match, method, outputs, rpc_error, &kind, &why) != 0) {
        json_object_put(outputs);
        wsc_load_fail(s, kind, "%s", why ? why : method);
        free(why);
        return;
    }
    json_object_put(outputs);
    finish(s);
}

/* A response to our request `st->id`. */
static void response(struct wsc_load_sess *s, struct json_object *msg)
{
    struct mcp_state *st = wsc_load_state(s);
    struct mcp_script *ms = script(s);
    struct json_object *result = NULL;
    lws_record(s, st->initialized ? "call_ms" : "handshake_ms", st->sent_at);
    int is_error = json_object_object_get_ex(msg, "error", NULL);
    if (!is_error && (!json_object_object_get_ex(msg, "result", &result) ||
                      !json_object_is_type(result, json_type_object))) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s: a response without a result object",
                      st->initialized ? ms->method : "initialize");
        return;
    }
    if (!st->initialized && ms->method) {
        if (is_error) {
            /* The check's call never came: the session failed before it. */
            struct json_object *err = NULL, *code = NULL;
            json_object_object_get_ex(msg, "error", &err);
            json_object_object_get_ex(err, "code", &code);
            wsc_load_fail(s, WSC_LOAD_ERR_STATUS, "initialize: JSON-RPC error %d",
                          json_object_get_int(code));
            return;
        }
        next(s, result);
        return;
    }
    if (!st->initialized) {
        st->initialized = 1;
        judge(s, msg, "initialize");
        return;
    }
    if (ms->paged && !is_error) {
        int r = page(s, result);
        if (r <= 0)
            return;
    }
    judge(s, msg, ms->method);
}

static void on_message(struct wsc_load_sess *s, int binary, const unsigned char *p,
                       size_t n)
{
    struct mcp_state *st = wsc_load_state(s);
    if (st->closing)
        return;
    struct json_tokener *tok = json_tokener_new();
    struct json_object *msg = tok && !binary && n <= (size_t)INT32_MAX
                                  ? json_tokener_parse_ex(tok, (const char *)p, (int)n)
                                  : NULL;
    int whole = tok && json_tokener_get_error(tok) == json_tokener_success &&
                tok->char_offset == (int)n;
    json_tokener_free(tok);
    if (!msg || !whole || !json_object_is_type(msg, json_type_object)) {
        json_object_put(msg);
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "a message that is not a JSON-RPC object");
        return;
    }
    struct json_object *id = NULL, *method = NULL;
    json_object_object_get_ex(msg, "id", &id);
    json_object_object_get_ex(msg, "method", &method);
    if (method && id)
        server_request(s, msg, json_object_get_string(method));
    else if (!method && id && json_object_get_int64(id) == st->id)
        response(s, msg);
    /* notifications, and answers to nothing we await, are dropped */
    json_object_put(msg);
}

static void on_close(struct wsc_load_sess *s, int code, const unsigned char *r, size_t rl)
{
    (void)r, (void)rl;
    struct mcp_state *st = wsc_load_state(s);
    if (st->closing) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    wsc_load_fail(s, WSC_LOAD_ERR_CLOSED, "the server closed the connection (code %d)",
                  code);
}

static void on_timer(struct wsc_load_sess *s)
{
    wsc_load_fail(s, WSC_LOAD_ERR_TIMEOUT, "no close frame answered ours within 5 s");
}

static void release(struct wsc_load_sess *s)
{
    struct mcp_state *st = wsc_load_state(s);
    json_object_put(st->items);
    st->items = NULL;
}

static const struct lws_ops mcp_ops = {
    .release = release,
    .open = on_open,
    .message = on_message,
    .close = on_close,
    .timer = on_timer,
};

static const struct wsc_load_proto mcp_proto = {
    .name = "mcp-ws",
    .state_size = sizeof(struct mcp_state),
    .begin = lws_begin,
    .input = lws_input,
    .timer = lws_timer,
    .closed = lws_closed,
    .release = lws_release,
};

/* ---- compiling ------------------------------------------------------------------------ */

static void free_mcp(void *data)
{
    struct mcp_script *ms = data;
    if (!ms)
        return;
    lws_script_clear(&ms->ws);
    free(ms->init);
    free(ms->method);
    json_object_put(ms->params);
    json_object_put(ms->match.expect);
    free(ms);
}

static char *init_text(struct json_object *params)
{
    struct json_object *v;
    const char *version = json_object_object_get_ex(params, "protocol_version", &v)
                              ? json_object_get_string(v)
                              : WSC_MCP_LATEST_VERSION;
    struct json_object *msg = json_object_new_object(), *p = json_object_new_object(),
                       *info = json_object_new_object();
    if (!msg || !p || !info) {
        json_object_put(msg);
        json_object_put(p);
        json_object_put(info);
        return NULL;
    }
    json_object_object_add(info, "name", json_object_new_string("wscheck-load"));
    json_object_object_add(info, "version", json_object_new_string(WSC_VERSION));
    json_object_object_add(p, "protocolVersion", json_object_new_string(version));
    json_object_object_add(p, "capabilities", json_object_new_object());
    json_object_object_add(p, "clientInfo", info);
    json_object_object_add(msg, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(msg, "id", json_object_new_int(1));
    json_object_object_add(msg, "method", json_object_new_string("initialize"));
    json_object_object_add(msg, "params", p);
    char *t = strdup(json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN));
    json_object_put(msg);
    return t;
}

/* The request a check makes after initialize: 0, or -1 with *why. */
static int check_request(struct mcp_script *ms, const char *check,
                         struct json_object *params, char **why)
{
    struct json_object *v, *p = NULL;
    const char *key = NULL;
    if (strcmp(check, "initialize") == 0)
        return 0;
    if (strcmp(check, "tool_discovery") == 0) {
        ms->method = strdup("tools/list");
        ms->paged = 1;
        return ms->method ? 0 : -1;
    }
    if (strcmp(check, "call") == 0) {
        ms->method = strdup("tools/call");
        key = "tool";
    } else if (strcmp(check, "resource") == 0) {
        ms->method = strdup("resources/read");
        key = "uri";
    } else if (strcmp(check, "prompt") == 0) {
        ms->method = strdup("prompts/get");
        key = "name";
    } else {
        *why = wsc_strdup_printf("dev-toolkit.%s cannot run under load: it watches "
                                 "notifications or probes the protocol one request at a "
                                 "time; dev-toolkit.initialize, tool_discovery, call, "
                                 "resource and prompt can",
                                 check);
        return -1;
    }
    if (!ms->method || !(p = ms->params = json_object_new_object()))
        return -1;
    if (!json_object_object_get_ex(params, key, &v) ||
        !json_object_is_type(v, json_type_string)) {
        *why = wsc_strdup_printf("%s: missing", key);
        return -1;
    }
    json_object_object_add(p, strcmp(key, "tool") == 0 ? "name" : key,
                           json_object_get(v));
    if (json_object_object_get_ex(params, "arguments", &v))
        json_object_object_add(p, "arguments", copy(v));
    return 0;
}

/* The test's expect, checked as dev-toolkit checks it; tool_discovery
 * under load lists tools only. NULL, or why not (malloc'ed). */
static char *expectations(struct mcp_script *ms, const char *check,
                          struct json_object *params)
{
    struct json_object *expect = NULL;
    if (!json_object_object_get_ex(params, "expect", &expect) || !expect)
        return NULL;
    char *bad = wsc_expect_check(expect);
    if (bad) {
        char *why = wsc_strdup_printf("expect%s", bad);
        free(bad);
        return why;
    }
    if (strcmp(check, "tool_discovery") == 0) {
        json_object_object_foreach(expect, key, val) {
            (void)val;
            if (strcmp(key, "tools") != 0 && strcmp(key, "tool_names") != 0)
                return wsc_strdup_printf(
                    "expect/%s: tool_discovery under load lists tools "
                    "only (tools, tool_names)",
                    key);
        }
    }
    ms->match.expect = json_object_get(expect);
    return NULL;
}

/* What the engine does not do for an MCP session over WebSocket; NULL, or
 * why (malloc'ed). */
static char *refused(struct json_object *params)
{
    struct json_object *v;
    if (json_object_object_get_ex(params, "transport", &v)) {
        const char *t = json_object_get_string(v);
        if (t && strcmp(t, "auto") != 0 && strcmp(t, "websocket") != 0)
            return wsc_strdup_printf(
                "transport %s: only WebSocket runs under load for ws:// "
                "and wss:// URLs",
                t);
    }
    static const char *const answers[] = {"roots", "sampling", "elicitation", NULL};
    for (size_t i = 0; answers[i]; i++)
        if (json_object_object_get_ex(params, answers[i], NULL))
            return wsc_strdup_printf(
                "%s: requests of the server are not answered under load", answers[i]);
    return NULL;
}

int wsc_load_compile_mcp(struct wsc_load_script *sc, const char *check,
                         struct json_object *params, char **why)
{
    struct json_object *u;
    const char *url =
        json_object_object_get_ex(params, "url", &u) ? json_object_get_string(u) : NULL;
    if (!url) {
        *why = wsc_strdup_printf("url: missing (stdio servers cannot run under load)");
        return -1;
    }
    if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0)
        return wsc_load_compile_mcp_http(sc, check, params, url, why);
    if ((*why = refused(params)))
        return -1;
    struct mcp_script *ms = calloc(1, sizeof(*ms));
    if (!ms)
        return -1;
    sc->data = ms;
    sc->free_data = free_mcp;
    sc->proto = &mcp_proto;
    if (lws_script_init(&ms->ws, sc, params, &mcp_ops, "mcp", why) != 0)
        return -1;
    ms->ws.upgrade_hist = "upgrade_ms";
    if (check_request(ms, check, params, why) != 0 ||
        (*why = expectations(ms, check, params)))
        return -1;
    ms->init = init_text(params);
    return ms->init ? 0 : -1;
}
