/* dev-toolkit checks under load, over WebSocket (subprotocol "mcp", one
 * JSON-RPC 2.0 message per text frame): initialize, then
 * notifications/initialized, then the check's requests, then a clean close.
 * "handshake_ms" times initialize (the upgrade goes into "upgrade_ms"),
 * "call_ms" every request after it. A JSON-RPC error, or a tool result with
 * isError, fails the session with `status` unless the test's expect asks
 * for it (`error`, `isError: true`). The server's requests (ping) are
 * answered; its notifications are dropped. http(s):// URLs go to MCP over
 * HTTP (wsc_load_compile_mcp_http). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/mcp.h>
#include <wscheck/version.h>
#include <wscheck/ws.h>

#include "load_ws.h"
#include "util.h"

struct mcp_script {
    struct lws_script ws; /* first: the WebSocket layer's part */
    char *init;           /* the initialize request's text */
    char *method;         /* the check's request after initialize, or NULL */
    struct json_object *params; /* its params (owned) */
    int paged;                  /* tools/list: follow nextCursor */
    int want_error;             /* expect has `error`: a JSON-RPC error passes */
    int want_is_error;          /* expect.isError true */
};

struct mcp_state {
    struct lws_state ws; /* first: the WebSocket layer's part */
    int64_t id;          /* the request awaited */
    double sent_at;
    int initialized, closing;
};

#define MAX_PAGES 1000

static struct mcp_script *script(struct wsc_load_sess *s)
{
    return wsc_load_script_of(s)->data;
}

static int send_json(struct wsc_load_sess *s, struct json_object *msg)
{
    const char *t = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
    return t ? lws_send(s, WSC_WS_OP_TEXT, t, strlen(t)) : -1;
}

static void request(struct wsc_load_sess *s, const char *method, struct json_object *params)
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
    struct json_object *cursor = NULL;
    if (!st->initialized) {
        st->initialized = 1;
        static const char note[] = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        if (lws_send(s, WSC_WS_OP_TEXT, note, sizeof note - 1) != 0)
            return;
        if (!ms->method) {
            finish(s);
            return;
        }
        request(s, ms->method, copy(ms->params));
        return;
    }
    if (ms->paged && result && json_object_object_get_ex(result, "nextCursor", &cursor) &&
        json_object_is_type(cursor, json_type_string) && st->id < MAX_PAGES) {
        struct json_object *p = json_object_new_object();
        if (p)
            json_object_object_add(p, "cursor", json_object_get(cursor));
        request(s, ms->method, p);
        return;
    }
    finish(s);
}

/* A request from the server: ping is answered, others refused. */
static void server_request(struct wsc_load_sess *s, struct json_object *msg, const char *method)
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

/* A response to our request `st->id`. */
static void response(struct wsc_load_sess *s, struct json_object *msg)
{
    struct mcp_state *st = wsc_load_state(s);
    struct mcp_script *ms = script(s);
    struct json_object *err = NULL, *result = NULL, *is_error = NULL;
    lws_record(s, st->initialized ? "call_ms" : "handshake_ms", st->sent_at);
    const char *what = st->initialized ? ms->method : "initialize";
    if (json_object_object_get_ex(msg, "error", &err)) {
        if (!st->initialized || !ms->want_error) {
            struct json_object *code = NULL;
            json_object_object_get_ex(err, "code", &code);
            wsc_load_fail(s, WSC_LOAD_ERR_STATUS, "%s: JSON-RPC error %d", what,
                          json_object_get_int(code));
            return;
        }
        finish(s);
        return;
    }
    if (!json_object_object_get_ex(msg, "result", &result) ||
        !json_object_is_type(result, json_type_object)) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s: a response without a result object", what);
        return;
    }
    if (st->initialized && ms->want_error) {
        wsc_load_fail(s, WSC_LOAD_ERR_STATUS, "%s: a result where expect asks for an error", what);
        return;
    }
    int tool_error = json_object_object_get_ex(result, "isError", &is_error) &&
                     json_object_get_boolean(is_error);
    if (st->initialized && strcmp(ms->method, "tools/call") == 0 &&
        tool_error != ms->want_is_error) {
        wsc_load_fail(s, WSC_LOAD_ERR_STATUS, "tools/call: %s",
                      tool_error ? "the tool reported an error (isError)"
                                 : "the tool did not report the error expect asks for");
        return;
    }
    next(s, result);
}

static void on_message(struct wsc_load_sess *s, int binary, const unsigned char *p, size_t n)
{
    struct mcp_state *st = wsc_load_state(s);
    if (st->closing)
        return;
    struct json_tokener *tok = json_tokener_new();
    struct json_object *msg =
        tok && !binary && n <= (size_t)INT32_MAX ? json_tokener_parse_ex(tok, (const char *)p, (int)n)
                                                 : NULL;
    int whole = tok && json_tokener_get_error(tok) == json_tokener_success &&
                tok->char_offset == (int)n;
    json_tokener_free(tok);
    if (!msg || !whole || !json_object_is_type(msg, json_type_object)) {
        json_object_put(msg);
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "a message that is not a JSON-RPC object");
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
    wsc_load_fail(s, WSC_LOAD_ERR_CLOSED, "the server closed the connection (code %d)", code);
}

static void on_timer(struct wsc_load_sess *s)
{
    wsc_load_fail(s, WSC_LOAD_ERR_TIMEOUT, "no close frame answered ours within 5 s");
}

static const struct lws_ops mcp_ops = {
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
static int check_request(struct mcp_script *ms, const char *check, struct json_object *params,
                         char **why)
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
    if (!json_object_object_get_ex(params, key, &v) || !json_object_is_type(v, json_type_string)) {
        *why = wsc_strdup_printf("%s: missing", key);
        return -1;
    }
    json_object_object_add(p, strcmp(key, "tool") == 0 ? "name" : key, json_object_get(v));
    if (json_object_object_get_ex(params, "arguments", &v))
        json_object_object_add(p, "arguments", copy(v));
    return 0;
}

static void expectations(struct mcp_script *ms, struct json_object *params)
{
    struct json_object *expect, *v;
    if (!json_object_object_get_ex(params, "expect", &expect))
        return;
    ms->want_error = json_object_object_get_ex(expect, "error", NULL);
    ms->want_is_error = json_object_object_get_ex(expect, "isError", &v) &&
                        json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

int wsc_load_compile_mcp(struct wsc_load_script *sc, const char *check,
                         struct json_object *params, char **why)
{
    struct json_object *u;
    const char *url = json_object_object_get_ex(params, "url", &u) ? json_object_get_string(u)
                                                                    : NULL;
    if (!url) {
        *why = wsc_strdup_printf("url: missing (stdio servers cannot run under load)");
        return -1;
    }
    if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0)
        return wsc_load_compile_mcp_http(sc, check, params, url, why);
    struct mcp_script *ms = calloc(1, sizeof(*ms));
    if (!ms)
        return -1;
    sc->data = ms;
    sc->free_data = free_mcp;
    sc->proto = &mcp_proto;
    if (lws_script_init(&ms->ws, sc, params, &mcp_ops, "mcp", why) != 0)
        return -1;
    ms->ws.upgrade_hist = "upgrade_ms";
    expectations(ms, params);
    if (check_request(ms, check, params, why) != 0)
        return -1;
    ms->init = init_text(params);
    return ms->init ? 0 : -1;
}
