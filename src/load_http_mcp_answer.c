/* The answers of an MCP server over Streamable HTTP under load: the
 * JSON-RPC response found in a JSON body or an event stream, turned into
 * the outputs dev-toolkit's checks publish, and matched as they match
 * them (a JSON-RPC error fails unless `expect` names `error`; a tool's
 * isError: true fails unless `expect` names `isError`). */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>

#include "json_util.h"
#include "load_http_mcp.h"
#include "mcp_internal.h"

/* Is msg the response to request `id` (a result or an error)? */
static int answers(const struct json_object *msg, int64_t id)
{
    struct json_object *jid = NULL;
    if (!json_object_is_type(msg, json_type_object) ||
        !json_object_object_get_ex(msg, "id", &jid) ||
        !json_object_is_type(jid, json_type_int) || json_object_get_int64(jid) != id)
        return 0;
    return json_object_object_get_ex(msg, "result", NULL) ||
           json_object_object_get_ex(msg, "error", NULL);
}

struct sse_search {
    int64_t id;
    struct json_object *found;
};

/* Each event's data is one JSON-RPC message; the others (notifications,
 * requests of the server) are passed over. */
static int on_event(void *arg, const char *event, const char *data, size_t len,
                    const char *last_id)
{
    struct sse_search *s = arg;
    (void)last_id;
    if (s->found || strcmp(event, "message") != 0)
        return 0;
    struct json_object *msg = wsc_json_parse_body(data, len, WSC_JSON_BODY_MAX, NULL);
    if (answers(msg, s->id))
        s->found = msg;
    else
        json_object_put(msg);
    return 0;
}

static struct json_object *from_stream(const char *body, size_t len, int64_t id,
                                       size_t max, char **why)
{
    struct sse_search s = {.id = id};
    struct mcp_sse p;
    mcp_sse_init(&p, max, on_event, &s);
    if (mcp_sse_feed(&p, body, len) != 0) {
        *why = wsc_strdup_printf("event stream: %s", p.err);
        json_object_put(s.found);
        s.found = NULL;
    } else if (!s.found) {
        *why = wsc_strdup_printf("the event stream ended without the response to id %lld",
                                 (long long)id);
    }
    mcp_sse_free(&p);
    return s.found;
}

struct json_object *mh_answer(const char *body, size_t len, int sse, int64_t id,
                              size_t max, char **why)
{
    *why = NULL;
    if (sse)
        return from_stream(body, len, id, max, why);
    struct json_object *msg = wsc_json_parse_body(body, len, WSC_JSON_BODY_MAX, NULL);
    if (answers(msg, id))
        return msg;
    json_object_put(msg);
    *why = wsc_strdup_printf(msg ? "the JSON body is not the response to id %lld"
                                 : "the body is not a JSON-RPC response (id %lld)",
                             (long long)id);
    return NULL;
}

/* The text items of a content array, joined with newlines. */
static struct json_object *content_text(const struct json_object *content)
{
    size_t n = json_object_is_type(content, json_type_array)
                   ? json_object_array_length(content)
                   : 0;
    struct wsc_buf b = {0};
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(content, i), *text = NULL;
        if (!json_object_object_get_ex(item, "text", &text) ||
            !json_object_is_type(text, json_type_string))
            continue;
        if (any)
            wsc_buf_puts(&b, "\n");
        wsc_buf_append(&b, json_object_get_string(text),
                       (size_t)json_object_get_string_len(text));
        any = 1;
    }
    struct json_object *s =
        any && !b.failed ? json_object_new_string_len(b.data, (int)b.len) : NULL;
    wsc_buf_free(&b);
    return s;
}

struct json_object *mh_outputs(const struct json_object *answer, const char *method,
                               int *rpc_error)
{
    struct json_object *o = json_object_new_object(), *v = NULL;
    *rpc_error = 0;
    if (!o)
        return NULL;
    if (json_object_object_get_ex(answer, "error", &v)) {
        json_object_object_add(o, "error", json_object_get(v));
        *rpc_error = 1;
        return o;
    }
    json_object_object_get_ex(answer, "result", &v);
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val)
            json_object_object_add(o, key, json_object_get(val));
    }
    struct json_object *items = NULL;
    if (json_object_object_get_ex(o, "content", &items) ||
        json_object_object_get_ex(o, "contents", &items)) {
        struct json_object *text = content_text(items);
        if (text)
            json_object_object_add(o, "text", text);
    }
    /* an absent isError means false (server/tools#calling-tools) */
    if (strcmp(method, "tools/call") == 0 &&
        !json_object_object_get_ex(o, "isError", NULL))
        json_object_object_add(o, "isError", json_object_new_boolean(0));
    return o;
}

struct json_object *mh_initialize_outputs(const struct json_object *answer,
                                          const char *session_id)
{
    int rpc_error = 0;
    struct json_object *o = mh_outputs(answer, "initialize", &rpc_error);
    if (!o)
        return NULL;
    json_object_object_add(o, "transport", json_object_new_string("http"));
    if (session_id)
        json_object_object_add(o, "session_id", json_object_new_string(session_id));
    return o;
}

static int expects(const struct json_object *expect, const char *key)
{
    return json_object_is_type(expect, json_type_object) &&
           json_object_object_get_ex(expect, key, NULL);
}

/* "CODE MESSAGE" of a JSON-RPC error object. */
static char *rpc_error_text(const struct json_object *outputs)
{
    struct json_object *err = NULL, *code = NULL, *message = NULL;
    json_object_object_get_ex(outputs, "error", &err);
    json_object_object_get_ex(err, "code", &code);
    json_object_object_get_ex(err, "message", &message);
    return wsc_strdup_printf("JSON-RPC error %s: %s",
                             code ? json_object_get_string(code) : "?",
                             message ? json_object_get_string(message) : "");
}

int mh_check_answer(const struct mh_script *d, const char *method,
                    const struct json_object *outputs, int rpc_error,
                    enum wsc_load_error *kind, char **msg)
{
    char *why = NULL;
    struct json_object *is_error = NULL;
    *kind = WSC_LOAD_ERR_EXPECT;
    if (rpc_error && !expects(d->expect, "error")) {
        *kind = WSC_LOAD_ERR_STATUS;
        why = rpc_error_text(outputs);
    } else if (!rpc_error && expects(d->expect, "error")) {
        why = strdup("expected a JSON-RPC error, got a result");
    } else if (strcmp(method, "tools/call") == 0 && !expects(d->expect, "isError") &&
               json_object_object_get_ex(outputs, "isError", &is_error) &&
               json_object_get_boolean(is_error)) {
        why = strdup("the tool reported an error (isError: true)");
    } else if (wsc_expect_match(d->expect, NULL, outputs, &why) == 0) {
        return 0;
    }
    *msg = wsc_strdup_printf("%s: %s", method, why ? why : "expectation not met");
    free(why);
    return -1;
}

struct json_object *mh_tool_outputs(struct json_object *items)
{
    struct json_object *o = json_object_new_object(), *names = json_object_new_array();
    if (!o || !names) {
        json_object_put(o);
        json_object_put(names);
        return NULL;
    }
    for (size_t i = 0; items && i < json_object_array_length(items); i++) {
        struct json_object *name = NULL;
        json_object_object_get_ex(json_object_array_get_idx(items, i), "name", &name);
        json_object_array_add(names, json_object_get(name));
    }
    json_object_object_add(o, "tools",
                           items ? json_object_get(items) : json_object_new_array());
    json_object_object_add(o, "tool_names", names);
    return o;
}
