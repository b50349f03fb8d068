/* The MCP client's JSON-RPC session, whatever the transport: request ids and
 * their correlation, the ordered log of what was received, answers to the
 * server's own requests, the initialize handshake, and the blocking calls
 * that wait on the non-blocking core. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wscheck/json.h"
#include "json_util.h"
#include "mcp_internal.h"

#define POLLFDS_MAX 16

/* ---- status ---------------------------------------------------------------- */

static int dead(const struct wsc_mcp *m)
{
    return m->status == WSC_MCP_PROTOCOL || m->status == WSC_MCP_ERROR;
}

/* The start of a call: a dead session stays dead, else the status clears. */
static enum wsc_mcp_result begin(struct wsc_mcp *m)
{
    if (dead(m))
        return m->status;
    m->status = WSC_MCP_OK;
    m->err[0] = '\0';
    return WSC_MCP_OK;
}

static enum wsc_mcp_result set_status(struct wsc_mcp *m, enum wsc_mcp_result r,
                                      const char *fmt, ...) WSC_PRINTF(3, 4);
static enum wsc_mcp_result set_status(struct wsc_mcp *m, enum wsc_mcp_result r,
                                      const char *fmt, ...)
{
    if (dead(m))
        return m->status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    m->status = r;
    return r;
}

int mcp_fail(struct wsc_mcp *m, const char *fmt, ...)
{
    if (dead(m))
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    m->status = WSC_MCP_ERROR;
    return -1;
}

void mcp_violate(struct wsc_mcp *m, const struct mcp_violation *v)
{
    if (m->n_violations == m->cap_violations) {
        size_t cap = m->cap_violations ? 2 * m->cap_violations : 4;
        struct mcp_violation *a = realloc(m->violations, cap * sizeof *a);
        if (!a) {
            mcp_fail(m, "out of memory");
            return;
        }
        /* the public structs point into their own entries: re-point them */
        m->violations = a;
        m->cap_violations = cap;
        for (size_t i = 0; i < m->n_violations; i++)
            mcp_violation_repoint(&a[i]);
    }
    struct mcp_violation *slot = &m->violations[m->n_violations++];
    *slot = *v;
    mcp_violation_repoint(slot);
    if (m->ctx && !v->pub.must)
        wsc_warn(m->ctx, "%s", v->message);
    if (v->pub.must && !dead(m)) {
        snprintf(m->err, sizeof m->err, "%s", v->message);
        m->status = WSC_MCP_PROTOCOL;
    }
}

double mcp_effective_deadline(const struct wsc_mcp *m, double deadline)
{
    double d = deadline > 0 ? deadline : m->deadline;
    if (m->ctx) {
        double c = wsc_deadline(m->ctx);
        if (d <= 0 || c < d)
            d = c;
    }
    return d > 0 ? d : wsc_now() + MCP_WAIT_DEFAULT_S;
}

void mcp_trace(struct wsc_mcp *m, const char *dir, const char *text, size_t len)
{
    if (m->ctx && m->kind != WSC_MCP_WEBSOCKET)
        wsc_trace(m->ctx, dir, "mcp", text, len);
}

void mcp_set_session_id(struct wsc_mcp *m, const char *id)
{
    struct mcp_violation v;
    if (mcp_check_session_id(id, &v) != 0) {
        mcp_violate(m, &v);
        return;
    }
    char *copy = strdup(id);
    if (!copy) {
        mcp_fail(m, "out of memory");
        return;
    }
    free(m->session_id);
    m->session_id = copy;
}

/* ---- pending requests -------------------------------------------------------- */

static struct mcp_pending *find_pending(const struct wsc_mcp *m, int64_t id)
{
    for (struct mcp_pending *p = m->pending; p; p = p->next)
        if (p->id == id)
            return p;
    return NULL;
}

static int pending_waiting(int64_t id, void *arg)
{
    struct mcp_pending *p = find_pending(arg, id);
    return p && !p->done;
}

int mcp_request_waiting(const struct wsc_mcp *m, int64_t id)
{
    struct mcp_pending *p = find_pending(m, id);
    return p && !p->done && !p->cancelled;
}

static void pending_remove(struct wsc_mcp *m, struct mcp_pending *p)
{
    for (struct mcp_pending **pp = &m->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    json_object_put(p->response);
    free(p->failure);
    free(p);
}

void mcp_request_failed(struct wsc_mcp *m, int64_t id, enum wsc_mcp_result result,
                        struct json_object *response, const char *fmt, ...)
{
    struct mcp_pending *p = find_pending(m, id);
    if (!p || p->done) {
        json_object_put(response);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    p->failure = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    p->done = 1;
    p->result = result;
    p->response = response;
}

/* ---- sending ------------------------------------------------------------------- */

static int send_message(struct wsc_mcp *m, struct json_object *msg, int64_t req_id)
{
    const char *text = wsc_json_text(msg);
    size_t len = strlen(text);
    if (len > m->opt.max_message_size)
        return mcp_fail(m, "message of %zu bytes is larger than max_message_size %zu",
                        len, m->opt.max_message_size);
    mcp_trace(m, "send", text, len);
    return m->tp->send(m, text, len, req_id);
}

static struct json_object *envelope(void)
{
    struct json_object *msg = json_object_new_object();
    if (msg && wsc_json_put(msg, "jsonrpc", json_object_new_string("2.0"), 0) != 0) {
        json_object_put(msg);
        return NULL;
    }
    return msg;
}

/* A request or notification (id < 0); params taken. */
static int send_call(struct wsc_mcp *m, const char *method, struct json_object *params,
                     int64_t id)
{
    struct json_object *msg = envelope();
    if (!msg || (id >= 0 && wsc_json_put(msg, "id", json_object_new_int64(id), 0) != 0) ||
        wsc_json_put(msg, "method", json_object_new_string(method), 0) != 0 ||
        (params && wsc_json_put(msg, "params", json_object_get(params), 0) != 0)) {
        json_object_put(msg);
        json_object_put(params);
        return mcp_fail(m, "out of memory");
    }
    json_object_put(params);
    int rc = send_message(m, msg, id);
    json_object_put(msg);
    return rc;
}

static struct mcp_pending *add_pending(struct wsc_mcp *m, const char *method)
{
    struct mcp_pending *p = calloc(1, sizeof *p);
    if (!p) {
        mcp_fail(m, "out of memory");
        return NULL;
    }
    p->id = ++m->next_id;
    p->sent_at = wsc_now();
    snprintf(p->method, sizeof p->method, "%s", method);
    p->next = m->pending;
    m->pending = p;
    return p;
}

enum wsc_mcp_result wsc_mcp_send(struct wsc_mcp *m, const char *method,
                                 struct json_object *params, int64_t *id)
{
    struct mcp_pending *p = begin(m) == WSC_MCP_OK ? add_pending(m, method) : NULL;
    if (!p) {
        json_object_put(params);
        return m->status;
    }
    *id = p->id;
    send_call(m, method, params, p->id);
    return m->status;
}

enum wsc_mcp_result wsc_mcp_send_raw(struct wsc_mcp *m, const char *text, size_t len,
                                     int64_t *id)
{
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    struct mcp_pending *p = NULL;
    if (id) {
        if (!(p = add_pending(m, "raw message")))
            return m->status;
        p->raw = 1;
        *id = p->id;
    }
    if (len > m->opt.max_message_size) {
        mcp_fail(m, "message of %zu bytes is larger than max_message_size %zu", len,
                 m->opt.max_message_size);
        return m->status;
    }
    mcp_trace(m, "send", text, len);
    m->tp->send(m, text, len, p ? p->id : -1);
    return m->status;
}

enum wsc_mcp_result wsc_mcp_notify(struct wsc_mcp *m, const char *method,
                                   struct json_object *params)
{
    if (begin(m) != WSC_MCP_OK) {
        json_object_put(params);
        return m->status;
    }
    send_call(m, method, params, -1);
    return m->status;
}

enum wsc_mcp_result wsc_mcp_cancel(struct wsc_mcp *m, int64_t id, const char *reason)
{
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    struct mcp_pending *p = find_pending(m, id);
    if (p)
        p->cancelled = 1;
    struct json_object *params = json_object_new_object();
    if (!params || wsc_json_put(params, "requestId", json_object_new_int64(id), 0) != 0 ||
        (reason &&
         wsc_json_put(params, "reason", json_object_new_string(reason), 0) != 0)) {
        json_object_put(params);
        mcp_fail(m, "out of memory");
        return m->status;
    }
    send_call(m, "notifications/cancelled", params, -1);
    return m->status;
}

/* ---- answering the server's requests ------------------------------------- */

static struct json_object *configured_result(const struct wsc_mcp *m, const char *method)
{
    if (strcmp(method, "ping") == 0)
        return json_object_new_object();
    if (strcmp(method, "roots/list") == 0 && m->opt.roots) {
        struct json_object *r = json_object_new_object();
        if (r && wsc_json_put(r, "roots", json_object_get(m->opt.roots), 0) != 0) {
            json_object_put(r);
            return NULL;
        }
        return r;
    }
    if (strcmp(method, "sampling/createMessage") == 0 && m->opt.sampling)
        return json_object_get(m->opt.sampling);
    if (strcmp(method, "elicitation/create") == 0 && m->opt.elicitation)
        return json_object_get(m->opt.elicitation);
    return NULL;
}

static struct json_object *rpc_error(int code, const char *message)
{
    struct json_object *e = json_object_new_object();
    if (e && (wsc_json_put(e, "code", json_object_new_int(code), 0) != 0 ||
              wsc_json_put(e, "message", json_object_new_string(message), 0) != 0)) {
        json_object_put(e);
        return NULL;
    }
    return e;
}

static void answer_request(struct wsc_mcp *m, const struct json_object *req,
                           const char *method)
{
    struct json_object *id = NULL;
    json_object_object_get_ex(req, "id", &id);
    struct json_object *result = configured_result(m, method);
    struct json_object *msg = envelope();
    int bad = !msg || wsc_json_put(msg, "id", json_object_get(id), 0) != 0;
    if (!bad && result)
        bad = wsc_json_put(msg, "result", result, 0) != 0;
    else if (!bad)
        bad = wsc_json_put(msg, "error", rpc_error(-32601, "Method not found"), 0) != 0;
    else
        json_object_put(result);
    if (bad) {
        json_object_put(msg);
        mcp_fail(m, "out of memory");
        return;
    }
    send_message(m, msg, -1);
    json_object_put(msg);
}

/* ---- receiving ------------------------------------------------------------------ */

static void add_event(struct wsc_mcp *m, enum wsc_mcp_event_kind kind,
                      struct json_object *msg, int64_t id)
{
    if (m->n_events == m->cap_events) {
        size_t cap = m->cap_events ? 2 * m->cap_events : 16;
        struct mcp_event *a = realloc(m->events, cap * sizeof *a);
        if (!a) {
            mcp_fail(m, "out of memory");
            return;
        }
        m->events = a;
        m->cap_events = cap;
    }
    struct mcp_event *e = &m->events[m->n_events++];
    memset(e, 0, sizeof *e);
    e->message = json_object_get(msg);
    struct json_object *method;
    e->pub.kind = kind;
    e->pub.method = json_object_object_get_ex(msg, "method", &method)
                        ? json_object_get_string(method)
                        : NULL;
    e->pub.id = id;
    e->pub.message = e->message;
    e->pub.at = wsc_now();
}

static void finish_initialize(struct wsc_mcp *m, struct mcp_pending *p)
{
    struct json_object *result;
    if (p->result != WSC_MCP_OK ||
        !json_object_object_get_ex(p->response, "result", &result))
        return;
    struct mcp_violation v;
    if (mcp_check_initialize(result, &v) != 0) {
        mcp_violate(m, &v);
        return;
    }
    struct json_object *ver;
    json_object_object_get_ex(result, "protocolVersion", &ver);
    snprintf(m->version, sizeof m->version, "%s", json_object_get_string(ver));
    json_object_put(m->server_info);
    m->server_info = json_object_get(result);
    m->init_ms = (wsc_now() - m->init_sent) * 1000.0;
    m->initialized = 1;
    send_call(m, "notifications/initialized", NULL, -1);
}

static void take_response(struct wsc_mcp *m, struct json_object *msg, int64_t id)
{
    add_event(m, WSC_MCP_EV_RESPONSE, msg, id);
    struct mcp_pending *p = id >= 0 ? find_pending(m, id) : NULL;
    if (id < 0) /* an error with a null id answers the oldest raw message */
        for (struct mcp_pending *q = m->pending; q; q = q->next)
            if (q->raw && !q->done && (!p || q->id < p->id))
                p = q;
    if (!p)
        return; /* kept as an event only */
    if (p->cancelled) {
        pending_remove(m, p);
        return;
    }
    p->done = 1;
    p->response = json_object_get(msg);
    p->result =
        json_object_object_get_ex(msg, "error", NULL) ? WSC_MCP_RPC_ERROR : WSC_MCP_OK;
    if (id == m->init_id)
        finish_initialize(m, p);
}

static void dispatch(struct wsc_mcp *m, struct json_object *msg)
{
    enum mcp_msg_kind kind;
    int64_t id;
    struct mcp_violation v;
    if (mcp_check_message(msg, pending_waiting, m, &kind, &id, &v) != 0) {
        mcp_violate(m, &v);
        return;
    }
    if (kind == MCP_MSG_RESPONSE) {
        take_response(m, msg, id);
        return;
    }
    struct json_object *method;
    json_object_object_get_ex(msg, "method", &method);
    add_event(m, kind == MCP_MSG_REQUEST ? WSC_MCP_EV_REQUEST : WSC_MCP_EV_NOTIFICATION,
              msg, -1);
    if (kind == MCP_MSG_REQUEST)
        answer_request(m, msg, json_object_get_string(method));
}

void mcp_receive(struct wsc_mcp *m, const char *text, size_t len)
{
    if (dead(m))
        return;
    mcp_trace(m, "recv", text, len);
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok) {
        mcp_fail(m, "out of memory");
        return;
    }
    struct json_object *msg = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    int trailing = msg && e == json_tokener_success && (size_t)tok->char_offset < len &&
                   strspn(text + tok->char_offset, " \t\r\n") != len - tok->char_offset;
    if (e != json_tokener_success || trailing) {
        struct mcp_violation v;
        mcp_violation_set(&v, "message-object", "", "not JSON (%s)",
                          trailing ? "text after the value"
                                   : wsc_json_error_desc(tok, e));
        json_tokener_free(tok);
        json_object_put(msg);
        mcp_violate(m, &v);
        return;
    }
    json_tokener_free(tok);
    if (json_object_is_type(msg, json_type_array)) {
        if (strcmp(m->version, "2025-03-26") != 0) {
            struct mcp_violation v;
            mcp_violation_set(
                &v, "batch", "",
                "a JSON array (batch) is only allowed in protocol 2025-03-26");
            mcp_violate(m, &v);
        } else {
            for (size_t i = 0; i < json_object_array_length(msg) && !dead(m); i++)
                dispatch(m, json_object_array_get_idx(msg, i));
        }
    } else {
        dispatch(m, msg);
    }
    json_object_put(msg);
}

/* ---- waiting ----------------------------------------------------------------- */

size_t wsc_mcp_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max)
{
    return dead(m) ? 0 : m->tp->pollfds(m, fds, max);
}

long wsc_mcp_timeout_ms(struct wsc_mcp *m)
{
    return dead(m) ? -1 : m->tp->timeout_ms(m);
}

enum wsc_mcp_result wsc_mcp_perform(struct wsc_mcp *m)
{
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    m->tp->perform(m);
    return m->status;
}

/* Waits for something to happen, at most until `until`. */
static void pump(struct wsc_mcp *m, double until)
{
    struct pollfd fds[POLLFDS_MAX];
    size_t n = m->tp->pollfds(m, fds, POLLFDS_MAX);
    if (n > POLLFDS_MAX)
        n = POLLFDS_MAX;
    double left_ms = (until - wsc_now()) * 1000.0;
    long t = m->tp->timeout_ms(m);
    if (left_ms < 0)
        left_ms = 0;
    if (t < 0 || (double)t > left_ms)
        t = (long)left_ms + 1;
    if (poll(fds, n, (int)t) < 0 && errno != EINTR) {
        mcp_fail(m, "poll: %s", strerror(errno));
        return;
    }
    m->tp->perform(m);
}

static enum wsc_mcp_result collect(struct wsc_mcp *m, struct mcp_pending *p,
                                   struct json_object **response)
{
    enum wsc_mcp_result r = p->result;
    if (response)
        *response = json_object_get(p->response);
    if (p->failure) {
        set_status(m, r, "%s", p->failure);
    } else if (r == WSC_MCP_RPC_ERROR) {
        struct json_object *err, *code, *message;
        json_object_object_get_ex(p->response, "error", &err);
        json_object_object_get_ex(err, "code", &code);
        json_object_object_get_ex(err, "message", &message);
        set_status(m, r, "%s: JSON-RPC error %d: %s", p->method,
                   json_object_get_int(code), json_object_get_string(message));
    }
    pending_remove(m, p);
    return m->status;
}

enum wsc_mcp_result wsc_mcp_take(struct wsc_mcp *m, int64_t id,
                                 struct json_object **response)
{
    if (response)
        *response = NULL;
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    struct mcp_pending *p = find_pending(m, id);
    if (!p)
        return set_status(m, WSC_MCP_INVALID, "no request with id %lld was sent",
                          (long long)id);
    if (!p->done)
        return set_status(m, WSC_MCP_PENDING, "%s: %s", p->method,
                          p->cancelled ? "cancelled" : "no response yet");
    return collect(m, p, response);
}

enum wsc_mcp_result wsc_mcp_wait(struct wsc_mcp *m, int64_t id, double deadline,
                                 struct json_object **response)
{
    double until = mcp_effective_deadline(m, deadline);
    double started = wsc_now();
    for (;;) {
        enum wsc_mcp_result r = wsc_mcp_take(m, id, response);
        if (r != WSC_MCP_PENDING)
            return r;
        if (wsc_now() >= until)
            break;
        pump(m, until);
    }
    struct mcp_pending *p = find_pending(m, id);
    return set_status(m, WSC_MCP_TIMEOUT, "%s: no response within %.1f s",
                      p ? p->method : "request", until - started);
}

enum wsc_mcp_result wsc_mcp_request(struct wsc_mcp *m, const char *method,
                                    struct json_object *params, double deadline,
                                    struct json_object **response)
{
    int64_t id;
    if (response)
        *response = NULL;
    if (wsc_mcp_send(m, method, params, &id) != WSC_MCP_OK)
        return m->status;
    return wsc_mcp_wait(m, id, deadline, response);
}

enum wsc_mcp_result wsc_mcp_wait_event(struct wsc_mcp *m, size_t count, double deadline)
{
    double until = mcp_effective_deadline(m, deadline);
    double started = wsc_now();
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    while (m->n_events <= count && !dead(m) && wsc_now() < until)
        pump(m, until);
    if (dead(m) || m->n_events > count)
        return m->status;
    return set_status(m, WSC_MCP_TIMEOUT, "no message from the server within %.1f s",
                      until - started);
}

enum wsc_mcp_result wsc_mcp_set_log_level(struct wsc_mcp *m, const char *level,
                                          double deadline)
{
    struct json_object *params = json_object_new_object();
    struct json_object *resp = NULL;
    if (!params || wsc_json_put(params, "level", json_object_new_string(level), 0) != 0) {
        json_object_put(params);
        mcp_fail(m, "out of memory");
        return m->status;
    }
    enum wsc_mcp_result r =
        wsc_mcp_request(m, "logging/setLevel", params, deadline, &resp);
    json_object_put(resp);
    return r;
}

/* ---- lifecycle ------------------------------------------------------------------ */

static struct json_object *client_capabilities(const struct wsc_mcp *m)
{
    struct json_object *caps = json_object_new_object();
    if (!caps)
        return NULL;
    if (m->opt.roots) {
        struct json_object *roots = json_object_new_object();
        if (wsc_json_put(caps, "roots", roots, 0) != 0 ||
            wsc_json_put(roots, "listChanged", json_object_new_boolean(0), 0) != 0)
            goto oom;
    }
    if (m->opt.sampling &&
        wsc_json_put(caps, "sampling", json_object_new_object(), 0) != 0)
        goto oom;
    if (m->opt.elicitation &&
        wsc_json_put(caps, "elicitation", json_object_new_object(), 0) != 0)
        goto oom;
    return caps;
oom:
    json_object_put(caps);
    return NULL;
}

static struct json_object *initialize_params(const struct wsc_mcp *m)
{
    struct json_object *p = json_object_new_object();
    struct json_object *info = json_object_new_object();
    const char *ver =
        m->opt.protocol_version ? m->opt.protocol_version : WSC_MCP_LATEST_VERSION;
    const char *name = m->opt.client_name ? m->opt.client_name : "wscheck";
    if (!p || !info || wsc_json_put(info, "name", json_object_new_string(name), 0) != 0 ||
        wsc_json_put(info, "version", json_object_new_string(WSC_VERSION), 0) != 0 ||
        wsc_json_put(p, "protocolVersion", json_object_new_string(ver), 0) != 0 ||
        wsc_json_put(p, "capabilities", client_capabilities(m), 0) != 0 ||
        wsc_json_put(p, "clientInfo", json_object_get(info), 0) != 0) {
        json_object_put(info);
        json_object_put(p);
        return NULL;
    }
    json_object_put(info);
    return p;
}

enum wsc_mcp_result wsc_mcp_begin_initialize(struct wsc_mcp *m, int64_t *id)
{
    if (begin(m) != WSC_MCP_OK)
        return m->status;
    struct json_object *params = initialize_params(m);
    if (!params) {
        mcp_fail(m, "out of memory");
        return m->status;
    }
    m->init_sent = wsc_now();
    if (wsc_mcp_send(m, "initialize", params, id) == WSC_MCP_OK)
        m->init_id = *id;
    return m->status;
}

enum wsc_mcp_result wsc_mcp_initialize(struct wsc_mcp *m, double deadline)
{
    int64_t id;
    struct json_object *resp = NULL;
    if (wsc_mcp_begin_initialize(m, &id) != WSC_MCP_OK)
        return m->status;
    enum wsc_mcp_result r = wsc_mcp_wait(m, id, deadline, &resp);
    json_object_put(resp);
    return r;
}

const char *wsc_mcp_protocol_version(const struct wsc_mcp *m)
{
    return m && m->initialized ? m->version : NULL;
}

struct json_object *wsc_mcp_server_info(const struct wsc_mcp *m)
{
    return m ? m->server_info : NULL;
}

const char *wsc_mcp_session_id(const struct wsc_mcp *m)
{
    return m ? m->session_id : NULL;
}

double wsc_mcp_initialize_ms(const struct wsc_mcp *m)
{
    return m ? m->init_ms : 0;
}

/* ---- events and violations ----------------------------------------------- */

size_t wsc_mcp_event_count(const struct wsc_mcp *m)
{
    return m ? m->n_events : 0;
}

const struct wsc_mcp_event *wsc_mcp_event(const struct wsc_mcp *m, size_t i)
{
    return m && i < m->n_events ? &m->events[i].pub : NULL;
}

void wsc_mcp_events_clear(struct wsc_mcp *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_events; i++)
        json_object_put(m->events[i].message);
    m->n_events = 0;
}

size_t wsc_mcp_violation_count(const struct wsc_mcp *m)
{
    return m ? m->n_violations : 0;
}

const struct wsc_mcp_violation *wsc_mcp_violation(const struct wsc_mcp *m, size_t i)
{
    return m && i < m->n_violations ? &m->violations[i].pub : NULL;
}

/* ---- opening and closing ------------------------------------------------------- */

enum wsc_mcp_result wsc_mcp_status(const struct wsc_mcp *m)
{
    return m ? m->status : WSC_MCP_ERROR;
}

const char *wsc_mcp_error(const struct wsc_mcp *m)
{
    return m ? m->err : "no session";
}

enum wsc_mcp_transport wsc_mcp_transport_of(const struct wsc_mcp *m)
{
    return m ? m->kind : WSC_MCP_AUTO;
}

long wsc_mcp_http_status(const struct wsc_mcp *m)
{
    return m ? m->http_status : 0;
}

struct wsc_mcp *wsc_mcp_start(struct wsc_ctx *ctx, const struct wsc_mcp_options *opt,
                              double deadline)
{
    struct wsc_mcp *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ctx = ctx;
    m->deadline = deadline;
    m->init_id = -1;
    const char *why = mcp_options_unusable(opt);
    if (why) {
        wsc_mcp_options_init(&m->opt);
        mcp_fail(m, "%s", why);
        return m;
    }
    if (mcp_options_copy(&m->opt, opt) != 0) {
        mcp_fail(m, "out of memory");
        return m;
    }
    mcp_register_secrets(ctx, &m->opt);
    m->kind = mcp_transport_for(&m->opt);
    switch (m->kind) {
    case WSC_MCP_WEBSOCKET:
        mcp_ws_open(m);
        break;
    case WSC_MCP_HTTP:
    case WSC_MCP_SSE:
        mcp_http_open(m);
        break;
    case WSC_MCP_STDIO:
        mcp_stdio_open(m);
        break;
    default:
        mcp_fail(m,
                 "url: expected ws://, wss://, http://, https:// or stdio:COMMAND, got "
                 "'%.200s'",
                 m->opt.url ? m->opt.url : "");
    }
    return m;
}

int wsc_mcp_connecting(struct wsc_mcp *m)
{
    return m && !dead(m) && m->kind == WSC_MCP_WEBSOCKET && mcp_ws_connecting(m);
}

/* The blocking open waits for the transport: the WebSocket upgrade ends by
 * its own deadline (the session's), so the loop always ends. */
struct wsc_mcp *wsc_mcp_open(struct wsc_ctx *ctx, const struct wsc_mcp_options *opt,
                             double deadline)
{
    struct wsc_mcp *m = wsc_mcp_start(ctx, opt, deadline);
    while (wsc_mcp_connecting(m))
        pump(m, mcp_effective_deadline(m, 0));
    return m;
}

enum wsc_mcp_result wsc_mcp_close(struct wsc_mcp *m, double deadline)
{
    if (!m || !m->tp)
        return wsc_mcp_status(m);
    begin(m);
    double until = mcp_effective_deadline(m, deadline);
    if (deadline <= 0 && until > wsc_now() + MCP_CLOSE_WAIT_S)
        until = wsc_now() + MCP_CLOSE_WAIT_S;
    m->tp->close(m, until);
    return m->status;
}

void wsc_mcp_free(struct wsc_mcp *m)
{
    if (!m)
        return;
    if (m->tp)
        m->tp->free(m);
    while (m->pending)
        pending_remove(m, m->pending);
    wsc_mcp_events_clear(m);
    free(m->events);
    free(m->violations);
    json_object_put(m->server_info);
    free(m->session_id);
    wsc_mcp_options_free(&m->opt);
    free(m);
}
