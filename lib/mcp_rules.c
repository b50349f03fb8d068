/* The rules every message an MCP client receives must keep (JSON-RPC 2.0 and
 * the MCP specification's "Base Protocol" pages), each with the spec section
 * it comes from, so that a failure names both. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_util.h"
#include "mcp_internal.h"

struct rule {
    const char *name;
    const char *section; /* page#anchor of the MCP specification */
    int must;
};

/* clang-format off */
static const struct rule rules[] = {
    {"message-object",            "basic#messages",                     1},
    {"jsonrpc-version",           "basic#messages",                     1},
    {"batch",                     "basic#messages",                     1},
    {"request-id-type",           "basic#requests",                     1},
    {"method-string",             "basic#requests",                     1},
    {"params-object",             "basic#requests",                     1},
    {"response-result-xor-error", "basic#responses",                    1},
    {"response-id-type",          "basic#responses",                    1},
    {"response-id-unknown",       "basic#responses",                    1},
    {"result-object",             "basic#responses",                    1},
    {"error-object",              "basic#responses",                    1},
    {"error-code-integer",        "basic#responses",                    1},
    {"error-message-string",      "basic#responses",                    1},
    {"protocol-version",          "basic/lifecycle#version-negotiation", 1},
    {"initialize-result",         "basic/lifecycle#initialization",     1},
    {"session-id-visible-ascii",  "basic/transports#session-management", 1},
    {"http-content-type",         "basic/transports#sending-messages-to-the-server", 1},
    {"http-notification-accepted", "basic/transports#sending-messages-to-the-server", 1},
    {"ws-subprotocol",            "basic/transports#websocket",          1},
    {"ws-text-frames",            "basic/transports#websocket",          1},
    {"stdio-newline-delimited",   "basic/transports#stdio",              1},
    {"sse-endpoint-event",        "basic/transports#backwards-compatibility", 1},
    {NULL, NULL, 0},
};
/* clang-format on */

static const struct rule *find_rule(const char *name)
{
    for (const struct rule *r = rules; r->name; r++)
        if (strcmp(r->name, name) == 0)
            return r;
    return NULL;
}

void mcp_violation_set(struct mcp_violation *v, const char *rule, const char *path,
                       const char *fmt, ...)
{
    const struct rule *r = find_rule(rule);
    snprintf(v->rule, sizeof v->rule, "%s", rule);
    snprintf(v->section, sizeof v->section, "%s", r ? r->section : "basic");
    snprintf(v->path, sizeof v->path, "%s", path);
    char detail[MCP_ERR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(v->message, sizeof v->message, "rule %s (%s) at %s: %s", v->rule, v->section,
             *path ? path : "/", detail);
    v->pub.must = r ? r->must : 1;
    mcp_violation_repoint(v);
}

void mcp_violation_repoint(struct mcp_violation *v)
{
    v->pub.rule = v->rule;
    v->pub.section = v->section;
    v->pub.path = v->path;
    v->pub.message = v->message;
}

int mcp_version_known(const char *version)
{
    static const char *const known[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                        "2024-11-05", NULL};
    return version && wsc_str_in_list(known, version);
}

/* A value for a message: its type, and the value itself when short. */
static void describe(const struct json_object *v, char *out, size_t size)
{
    const char *text = wsc_json_text(v);
    if (strlen(text) <= 40)
        snprintf(out, size, "the %s %s", wsc_json_type_name(v), text);
    else
        snprintf(out, size, "a %s", wsc_json_type_name(v));
}

static int is_integer(const struct json_object *v)
{
    return v && json_object_is_type(v, json_type_int);
}

static int check_jsonrpc(const struct json_object *msg, struct mcp_violation *v)
{
    struct json_object *j;
    if (!json_object_object_get_ex(msg, "jsonrpc", &j)) {
        mcp_violation_set(v, "jsonrpc-version", "/jsonrpc", "missing; must be \"2.0\"");
        return -1;
    }
    if (!json_object_is_type(j, json_type_string) ||
        strcmp(json_object_get_string(j), "2.0") != 0) {
        char d[96];
        describe(j, d, sizeof d);
        mcp_violation_set(v, "jsonrpc-version", "/jsonrpc", "%s; must be \"2.0\"", d);
        return -1;
    }
    return 0;
}

/* A request or notification from the server. */
static int check_request(const struct json_object *msg, struct json_object *method,
                         enum mcp_msg_kind *kind, struct mcp_violation *v)
{
    struct json_object *id, *params;
    if (!json_object_is_type(method, json_type_string)) {
        char d[96];
        describe(method, d, sizeof d);
        mcp_violation_set(v, "method-string", "/method", "%s; must be a string", d);
        return -1;
    }
    if (json_object_object_get_ex(msg, "params", &params) &&
        !json_object_is_type(params, json_type_object)) {
        char d[96];
        describe(params, d, sizeof d);
        mcp_violation_set(v, "params-object", "/params", "%s; must be an object", d);
        return -1;
    }
    if (!json_object_object_get_ex(msg, "id", &id)) {
        *kind = MCP_MSG_NOTIFICATION;
        return 0;
    }
    if (!is_integer(id) && !json_object_is_type(id, json_type_string)) {
        char d[96];
        describe(id, d, sizeof d);
        mcp_violation_set(v, "request-id-type", "/id",
                          "%s; a request id must be a string or an integer", d);
        return -1;
    }
    *kind = MCP_MSG_REQUEST;
    return 0;
}

static int check_error(const struct json_object *err, struct mcp_violation *v)
{
    struct json_object *code, *message;
    char d[96];
    if (!json_object_is_type(err, json_type_object)) {
        describe(err, d, sizeof d);
        mcp_violation_set(v, "error-object", "/error", "%s; must be an object", d);
        return -1;
    }
    if (!json_object_object_get_ex(err, "code", &code) || !is_integer(code)) {
        if (code)
            describe(code, d, sizeof d);
        mcp_violation_set(v, "error-code-integer", "/error/code",
                          "%s; must be an integer", code ? d : "missing");
        return -1;
    }
    if (!json_object_object_get_ex(err, "message", &message) ||
        !json_object_is_type(message, json_type_string)) {
        if (message)
            describe(message, d, sizeof d);
        mcp_violation_set(v, "error-message-string", "/error/message",
                          "%s; must be a string", message ? d : "missing");
        return -1;
    }
    return 0;
}

/* The id of a response: the integer of a pending request (this client only
 * sends integer ids), or null on an error the server could not attribute. */
static int check_response_id(int has_id, const struct json_object *id, int is_error,
                             mcp_pending_fn pending, void *arg, int64_t *out,
                             struct mcp_violation *v)
{
    char d[96];
    if (!has_id) {
        mcp_violation_set(v, "response-id-type", "/id", "missing");
        return -1;
    }
    if (!id) { /* JSON null */
        if (is_error) {
            *out = -1;
            return 0;
        }
        mcp_violation_set(
            v, "response-id-type", "/id",
            "null; only an error the server cannot attribute has a null id");
        return -1;
    }
    describe(id, d, sizeof d);
    if (!is_integer(id)) {
        long long n;
        char rest;
        const char *s = json_object_get_string((struct json_object *)id);
        if (json_object_is_type(id, json_type_string) &&
            sscanf(s, "%lld%c", &n, &rest) == 1 && pending(n, arg))
            mcp_violation_set(v, "response-id-type", "/id",
                              "%s answers the request whose id is the integer %lld; the "
                              "id must be echoed with the same type",
                              d, n);
        else
            mcp_violation_set(v, "response-id-type", "/id",
                              "%s; this client sent integer ids only", d);
        return -1;
    }
    int64_t n = json_object_get_int64(id);
    if (!pending(n, arg)) {
        mcp_violation_set(v, "response-id-unknown", "/id",
                          "%s matches no request awaiting an answer (a response to a "
                          "notification, or a second response)",
                          d);
        return -1;
    }
    *out = n;
    return 0;
}

static int check_response(const struct json_object *msg, mcp_pending_fn pending,
                          void *arg, int64_t *id_out, struct mcp_violation *v)
{
    struct json_object *result = NULL, *error = NULL, *id = NULL;
    int has_result = json_object_object_get_ex(msg, "result", &result);
    int has_error = json_object_object_get_ex(msg, "error", &error);
    if (has_result && has_error) {
        mcp_violation_set(v, "response-result-xor-error", "",
                          "a response has both result and error");
        return -1;
    }
    if (!has_result && !has_error) {
        mcp_violation_set(v, "response-result-xor-error", "",
                          "neither method, result nor error: not a JSON-RPC message");
        return -1;
    }
    int has_id = json_object_object_get_ex(msg, "id", &id);
    int rc = check_response_id(has_id, id, has_error, pending, arg, id_out, v);
    if (rc != 0)
        return -1;
    if (has_error)
        return check_error(error, v);
    if (!json_object_is_type(result, json_type_object)) {
        char d[96];
        describe(result, d, sizeof d);
        mcp_violation_set(v, "result-object", "/result", "%s; MCP results are objects",
                          d);
        return -1;
    }
    return 0;
}

int mcp_check_message(const struct json_object *msg, mcp_pending_fn pending, void *arg,
                      enum mcp_msg_kind *kind, int64_t *id, struct mcp_violation *v)
{
    struct json_object *method;
    *id = -1;
    if (!json_object_is_type(msg, json_type_object)) {
        char d[96];
        describe(msg, d, sizeof d);
        mcp_violation_set(v, "message-object", "", "%s; a message must be a JSON object",
                          d);
        return -1;
    }
    if (check_jsonrpc(msg, v) != 0)
        return -1;
    if (json_object_object_get_ex(msg, "method", &method))
        return check_request(msg, method, kind, v);
    *kind = MCP_MSG_RESPONSE;
    return check_response(msg, pending, arg, id, v);
}

static int need_member(const struct json_object *obj, const char *key, json_type type,
                       const char *path, struct mcp_violation *v)
{
    struct json_object *x;
    if (!json_object_object_get_ex(obj, key, &x)) {
        mcp_violation_set(v, "initialize-result", path, "missing");
        return -1;
    }
    if (!json_object_is_type(x, type)) {
        char d[96];
        describe(x, d, sizeof d);
        mcp_violation_set(v, "initialize-result", path, "%s; must be %s", d,
                          type == json_type_object ? "an object" : "a string");
        return -1;
    }
    return 0;
}

int mcp_check_initialize(const struct json_object *result, struct mcp_violation *v)
{
    struct json_object *ver, *info;
    if (need_member(result, "protocolVersion", json_type_string,
                    "/result/protocolVersion", v) ||
        need_member(result, "capabilities", json_type_object, "/result/capabilities",
                    v) ||
        need_member(result, "serverInfo", json_type_object, "/result/serverInfo", v))
        return -1;
    json_object_object_get_ex(result, "serverInfo", &info);
    if (need_member(info, "name", json_type_string, "/result/serverInfo/name", v) ||
        need_member(info, "version", json_type_string, "/result/serverInfo/version", v))
        return -1;
    json_object_object_get_ex(result, "protocolVersion", &ver);
    if (!mcp_version_known(json_object_get_string(ver))) {
        mcp_violation_set(v, "protocol-version", "/result/protocolVersion",
                          "the server chose '%.40s', which this client did not offer "
                          "(it speaks 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)",
                          json_object_get_string(ver));
        return -1;
    }
    return 0;
}

int mcp_check_session_id(const char *id, struct mcp_violation *v)
{
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x21 || *p > 0x7e) {
            mcp_violation_set(v, "session-id-visible-ascii", "Mcp-Session-Id",
                              "byte 0x%02x at offset %zu; a session id must be visible "
                              "ASCII (0x21-0x7E)",
                              *p, (size_t)(p - (const unsigned char *)id));
            return -1;
        }
    if (!*id) {
        mcp_violation_set(v, "session-id-visible-ascii", "Mcp-Session-Id", "empty");
        return -1;
    }
    return 0;
}
