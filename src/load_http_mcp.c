/* One MCP session over Streamable HTTP per load session: POST initialize,
 * POST notifications/initialized, the check's call (every page of it for
 * tools/list), then DELETE of the MCP session when the server gave it an
 * id. "handshake_ms" times initialize, "call_ms" each call; every HTTP
 * request counts in messages_sent, every response in messages_received.
 *
 * One load session is one connection (load.h), so a session's requests go
 * one after the other on that connection, kept alive (HTTP/1.1's default):
 * that is what an MCP client does, and it measures the server rather than
 * TCP and TLS setup four times over. A server that closes the connection
 * after a response while the session still has requests to send fails the
 * session with error `closed`, saying so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_util.h"
#include "load_http_mcp.h"

enum phase { P_INITIALIZE, P_NOTIFY, P_CALL, P_DELETE };

struct mh_state {
    struct wsc_load_http_resp resp;
    enum phase phase;
    int64_t id;                /* of the request awaiting its answer */
    int pages;                 /* of tools/list */
    double t0;                 /* the request's start */
    char *session_id;          /* Mcp-Session-Id, from initialize */
    char *version;             /* negotiated */
    char *cursor;              /* the next page's */
    struct json_object *items; /* tools of the pages so far (paginate) */
    struct wsc_histogram *handshake_ms, *call_ms;
};

/* ---- requests ----------------------------------------------------------------- */

/* Sends a request of the session: POST with a JSON body, or DELETE (body
 * NULL). The protocol headers come after the test's, as lib/mcp_http.c
 * sends them. */
static int send_request(struct wsc_load_sess *s, const char *body)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct mh_state *st = wsc_load_state(s);
    char sid[MH_SESSION_ID_MAX + 32] = "", ver[64] = "";
    const char *fixed[5];
    size_t n = 0;
    if (body) {
        fixed[n++] = "Accept: application/json, text/event-stream";
        fixed[n++] = "Content-Type: application/json";
    }
    if (st->session_id) {
        snprintf(sid, sizeof sid, "Mcp-Session-Id: %s", st->session_id);
        fixed[n++] = sid;
    }
    if (st->version) {
        snprintf(ver, sizeof ver, "MCP-Protocol-Version: %s", st->version);
        fixed[n++] = ver;
    }
    fixed[n] = NULL;
    struct wsc_load_http_req req = {
        .method = body ? "POST" : "DELETE",
        .path = d->path,
        .host = d->host,
        .headers = d->headers,
        .fixed = fixed,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .keep_alive = 1,
    };
    char *bytes = NULL, *why = NULL;
    size_t len = 0;
    if (wsc_load_http_request_build(&req, &bytes, &len, &why) != 0) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s: %s", d->check, why);
        free(why);
        return -1;
    }
    wsc_load_http_resp_free(&st->resp);
    wsc_load_http_resp_init(&st->resp,
                            d->max_body ? d->max_body : wsc_load_max_message(s), 0, 1);
    st->t0 = wsc_load_now(s);
    int rc = wsc_load_write(s, bytes, len);
    free(bytes);
    if (rc == 0) {
        struct wsc_load_test *t = wsc_load_test_of(s);
        t->messages_sent++;
        t->bytes_sent += req.body_len;
    }
    return rc;
}

/* A JSON-RPC request's text: {"jsonrpc":"2.0","id":ID,"method":M,"params":P}. */
static char *rpc_text(int64_t id, const char *method, struct json_object *params)
{
    return wsc_strdup_printf(
        "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"%s\",\"params\":%s}",
        (long long)id, method,
        params ? json_object_to_json_string_ext(
                     params, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
               : "{}");
}

/* The call, or its next page. */
static int send_call(struct wsc_load_sess *s, struct mh_state *st)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct json_object *params = json_object_get(d->call_params);
    if (st->cursor) {
        json_object_put(params);
        params = json_object_new_object();
        if (params)
            json_object_object_add(params, "cursor", json_object_new_string(st->cursor));
    }
    st->phase = P_CALL;
    st->id = MH_ID_CALL + st->pages;
    char *text = rpc_text(st->id, d->method, params);
    json_object_put(params);
    if (!text) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return -1;
    }
    int rc = send_request(s, text);
    free(text);
    return rc;
}

/* After the last answer: DELETE the MCP session, or end. */
static void finish(struct wsc_load_sess *s, struct mh_state *st)
{
    if (!st->session_id || st->resp.close) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    st->phase = P_DELETE;
    send_request(s, NULL);
}

/* What the session is waiting for, for messages. */
static const char *phase_name(const struct mh_script *d, const struct mh_state *st)
{
    switch (st->phase) {
    case P_INITIALIZE:
        return "initialize";
    case P_NOTIFY:
        return "notifications/initialized";
    case P_CALL:
        return d->method;
    default:
        return "DELETE";
    }
}

/* The next request needs the connection: a server that closes it after
 * each response cannot hold an MCP session under load. */
static int still_open(struct wsc_load_sess *s, const struct mh_state *st)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    if (!st->resp.close)
        return 1;
    wsc_load_fail(s, WSC_LOAD_ERR_CLOSED,
                  "%s: the server closes the connection after %s, and an MCP session "
                  "under load sends its requests on one kept-alive connection",
                  d->check, phase_name(d, st));
    return 0;
}

/* ---- answers ------------------------------------------------------------------- */

/* The JSON-RPC answer of a complete response, or NULL after failing. */
static struct json_object *answer_of(struct wsc_load_sess *s, struct mh_state *st,
                                     const char *what)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    const struct wsc_load_http_resp *r = &st->resp;
    if (r->status != 200) {
        wsc_load_fail(s, WSC_LOAD_ERR_STATUS, "%s: %s answered HTTP %d", d->check, what,
                      r->status);
        return NULL;
    }
    const char *ct = wsc_load_http_header(r, "content-type");
    int sse = ct && strncasecmp(ct, "text/event-stream", 17) == 0;
    if (!sse && !wsc_json_is_content_type(ct)) {
        wsc_load_fail(
            s, WSC_LOAD_ERR_PROTOCOL,
            "%s: %s answered with Content-Type %.60s, not JSON or an event stream",
            d->check, what, ct ? ct : "(none)");
        return NULL;
    }
    char *why = NULL;
    struct json_object *a = mh_answer(r->body.data ? r->body.data : "", r->body.len, sse,
                                      st->id, r->max_body, &why);
    if (!a)
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s: %s: %s", d->check, what,
                      why ? why : "out of memory");
    free(why);
    return a;
}

static int matched(struct wsc_load_sess *s, const char *method,
                   struct json_object *outputs, int rpc_error)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    enum wsc_load_error kind;
    char *msg = NULL;
    if (!outputs) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return 0;
    }
    if (mh_check_answer(d, method, outputs, rpc_error, &kind, &msg) == 0)
        return 1;
    wsc_load_fail(s, kind, "%s: %s", d->check, msg ? msg : "out of memory");
    free(msg);
    return 0;
}

/* The session id and the negotiated version, kept for the next requests. */
static int keep_session(struct wsc_load_sess *s, struct mh_state *st,
                        struct json_object *answer)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    const char *sid = wsc_load_http_header(&st->resp, "mcp-session-id");
    if (sid) {
        size_t n = strlen(sid);
        for (size_t i = 0; i < n; i++)
            if (sid[i] < 0x21 || sid[i] > 0x7e)
                n = 0;
        if (n == 0 || n > MH_SESSION_ID_MAX) {
            wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                          "%s: Mcp-Session-Id is not 1 to %d visible ASCII characters",
                          d->check, MH_SESSION_ID_MAX);
            return -1;
        }
        st->session_id = strdup(sid);
    }
    struct json_object *result = NULL, *ver = NULL;
    json_object_object_get_ex(answer, "result", &result);
    json_object_object_get_ex(result, "protocolVersion", &ver);
    st->version =
        strdup(json_object_is_type(ver, json_type_string) ? json_object_get_string(ver)
                                                          : d->version);
    if ((sid && !st->session_id) || !st->version) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return -1;
    }
    return 0;
}

static void initialized(struct wsc_load_sess *s, struct mh_state *st)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    if (st->handshake_ms)
        wsc_hist_record(st->handshake_ms, (wsc_load_now(s) - st->t0) * 1000.0);
    struct json_object *a = answer_of(s, st, "initialize");
    if (!a)
        return;
    int rpc_error = 0, ok = keep_session(s, st, a) == 0;
    if (ok && json_object_object_get_ex(a, "error", NULL)) {
        struct json_object *o = mh_outputs(a, "initialize", &rpc_error);
        wsc_load_fail(
            s, WSC_LOAD_ERR_STATUS, "%s: initialize: JSON-RPC error %s", d->check,
            o ? json_object_to_json_string(json_object_object_get(o, "error")) : "");
        json_object_put(o);
        ok = 0;
    }
    if (ok && !d->method) {
        struct json_object *o = mh_initialize_outputs(a, st->session_id);
        ok = matched(s, "initialize", o, 0);
        json_object_put(o);
    }
    json_object_put(a);
    if (!ok || !still_open(s, st))
        return;
    st->phase = P_NOTIFY;
    send_request(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

/* notifications/initialized is accepted with 202 (any 2xx will do). */
static void notified(struct wsc_load_sess *s, struct mh_state *st)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    if (st->resp.status < 200 || st->resp.status > 299) {
        wsc_load_fail(s, WSC_LOAD_ERR_STATUS,
                      "%s: notifications/initialized answered HTTP %d (expected 202)",
                      d->check, st->resp.status);
        return;
    }
    if (!d->method)
        finish(s, st);
    else if (still_open(s, st))
        send_call(s, st);
}

/* A page of tools/list: its tools kept, the next cursor noted. 1 when
 * another page is to be fetched, 0 when done, -1 after failing. */
static int page(struct wsc_load_sess *s, struct mh_state *st, struct json_object *a)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct json_object *result = NULL, *tools = NULL, *next = NULL;
    json_object_object_get_ex(a, "result", &result);
    if (!json_object_object_get_ex(result, "tools", &tools) ||
        !json_object_is_type(tools, json_type_array)) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s: tools/list: no array \"tools\"",
                      d->check);
        return -1;
    }
    for (size_t i = 0; st->items && i < json_object_array_length(tools); i++)
        json_object_array_add(st->items,
                              json_object_get(json_object_array_get_idx(tools, i)));
    free(st->cursor);
    st->cursor = NULL;
    if (!json_object_object_get_ex(result, "nextCursor", &next) || !next)
        return 0;
    if (!json_object_is_type(next, json_type_string) || ++st->pages >= MH_MAX_PAGES) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "%s: tools/list: nextCursor not a string, or more than %d pages",
                      d->check, MH_MAX_PAGES);
        return -1;
    }
    st->cursor = strdup(json_object_get_string(next));
    return st->cursor ? 1 : -1;
}

static void called(struct wsc_load_sess *s, struct mh_state *st)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    if (st->call_ms)
        wsc_hist_record(st->call_ms, (wsc_load_now(s) - st->t0) * 1000.0);
    struct json_object *a = answer_of(s, st, d->method);
    if (!a)
        return;
    int rpc_error = 0, ok;
    if (d->paginate && !json_object_object_get_ex(a, "error", NULL)) {
        int more = page(s, st, a);
        json_object_put(a);
        if (more != 0) {
            if (more > 0 && still_open(s, st))
                send_call(s, st);
            return;
        }
        struct json_object *o = mh_tool_outputs(st->items);
        ok = matched(s, d->method, o, 0);
        json_object_put(o);
    } else {
        struct json_object *o = mh_outputs(a, d->method, &rpc_error);
        json_object_put(a);
        ok = matched(s, d->method, o, rpc_error);
        json_object_put(o);
    }
    if (ok)
        finish(s, st);
}

/* ---- the protocol ---------------------------------------------------------------- */

static void begin(struct wsc_load_sess *s)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct mh_state *st = wsc_load_state(s);
    struct wsc_load_test *t = wsc_load_test_of(s);
    st->handshake_ms = wsc_load_hist(t, "handshake_ms");
    st->call_ms = d->method ? wsc_load_hist(t, "call_ms") : NULL;
    if (d->paginate && d->expect && !(st->items = json_object_new_array())) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return;
    }
    st->phase = P_INITIALIZE;
    st->id = MH_ID_INITIALIZE;
    send_request(s, d->initialize);
}

/* A complete response: on to the next request. */
static void response(struct wsc_load_sess *s, struct mh_state *st)
{
    struct wsc_load_test *t = wsc_load_test_of(s);
    t->messages_received++;
    t->bytes_received += st->resp.body_len;
    /* DELETE ends the session whatever the answer: 405 says the server
     * lets its sessions expire instead */
    if (st->phase == P_DELETE) {
        wsc_load_end(s, NULL, NULL);
        return;
    }
    switch (st->phase) {
    case P_INITIALIZE:
        initialized(s, st);
        break;
    case P_NOTIFY:
        notified(s, st);
        break;
    case P_CALL:
        called(s, st);
        break;
    case P_DELETE:
        break;
    }
}

static size_t input(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct mh_state *st = wsc_load_state(s);
    size_t used = 0;
    enum wsc_load_http_rc rc = wsc_load_http_resp_feed(&st->resp, p, n, &used);
    if (rc == WSC_LOAD_HTTP_DONE)
        response(s, st);
    else if (rc == WSC_LOAD_HTTP_ERROR)
        wsc_load_fail(s, st->resp.error, "%s: %s", d->check, st->resp.message);
    return used;
}

static void closed(struct wsc_load_sess *s)
{
    const struct mh_script *d = wsc_load_script_of(s)->data;
    struct mh_state *st = wsc_load_state(s);
    if (wsc_load_http_resp_eof(&st->resp) == WSC_LOAD_HTTP_DONE) {
        response(s, st);
        return;
    }
    wsc_load_fail(s, st->resp.error, "%s: %s: %s", d->check, phase_name(d, st),
                  st->resp.message);
}

static void timer(struct wsc_load_sess *s)
{
    (void)s; /* no timer of its own: the session's timeout is the engine's */
}

static void release(struct wsc_load_sess *s)
{
    struct mh_state *st = wsc_load_state(s);
    wsc_load_http_resp_free(&st->resp);
    free(st->session_id);
    free(st->version);
    free(st->cursor);
    json_object_put(st->items);
}

const struct wsc_load_proto wsc_load_mcp_http_proto = {
    .name = "mcp-http",
    .state_size = sizeof(struct mh_state),
    .begin = begin,
    .input = input,
    .timer = timer,
    .closed = closed,
    .release = release,
};
