/* MCP over HTTP, on a libcurl multi handle so that nothing blocks:
 * - Streamable HTTP: every message is a POST (Accept: application/json,
 *   text/event-stream); a request's answer is JSON or an event stream that
 *   may carry notifications and server requests before the response (and
 *   that is resumed with a GET carrying Last-Event-ID if it ends first, no
 *   sooner than the stream's "retry" field asked: the GET is scheduled,
 *   never waited for);
 *   Mcp-Session-Id and MCP-Protocol-Version after initialize; the GET stream
 *   with opt.listen; DELETE on close.
 * - the legacy HTTP+SSE transport (2024-11-05): a GET event stream whose
 *   "endpoint" event names where to POST; every answer comes on the stream.
 * Bodies and events are bounded by max_message_size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "wscheck/json.h"
#include "mcp_internal.h"

enum xfer_kind { X_POST, X_GET, X_DELETE };

struct xfer {
    struct wsc_mcp *m;
    CURL *easy;
    struct curl_slist *hdrs;
    char *out; /* the POST body */
    enum xfer_kind kind;
    int64_t req_id;        /* a POSTed request's id (or, for a GET that resumes
                     * its stream, that request's), else -1 */
    char resume_from[256]; /* GET: the Last-Event-ID to send */
    int resumes;           /* how many times the request's stream resumed */
    long retry_ms;         /* the retry of the stream this GET resumes (0: none) */
    double start_at;       /* a resumption waiting for its time: when to start */
    long status;
    char ctype[128];
    char session[256];
    char www_auth[256];
    int has_session;
    int is_sse;
    struct mcp_sse sse;
    struct wsc_buf body;
    int too_large;
    char curl_err[CURL_ERROR_SIZE];
    struct xfer *next;
};

/* A message waiting for the legacy endpoint to be known. */
struct queued {
    char *text;
    int64_t req_id;
    struct queued *next;
};

struct http {
    CURLM *multi;
    struct xfer *xfers;
    struct xfer *scheduled; /* resumptions not started yet (not in multi) */
    int legacy;
    char *post_url; /* where to POST: the URL, or the legacy endpoint */
    struct queued *queue, **queue_end;
    int get_started;
    int in_perform; /* libcurl refuses new transfers from its callbacks */
};

static struct http *st(struct wsc_mcp *m)
{
    return m->tp_state;
}

/* ---- callbacks ------------------------------------------------------------------ */

static void copy_value(char *dst, size_t size, const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    snprintf(dst, size, "%.*s", (int)n, v);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    size_t n = size * nmemb;
    if (n > 5 && strncmp(data, "HTTP/", 5) == 0) {
        const char *sp = memchr(data, ' ', n);
        x->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        x->ctype[0] = x->www_auth[0] = '\0';
        x->has_session = 0;
        size_t l = n;
        while (l > 0 && (data[l - 1] == '\r' || data[l - 1] == '\n'))
            l--;
        if (x->m->ctx)
            wsc_trace(x->m->ctx, "recv", "http", data, l);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t nl = (size_t)(colon - data), vl = n - nl - 1;
    if (nl == 12 && strncasecmp(data, "content-type", 12) == 0)
        copy_value(x->ctype, sizeof x->ctype, colon + 1, vl);
    else if (nl == 16 && strncasecmp(data, "www-authenticate", 16) == 0)
        copy_value(x->www_auth, sizeof x->www_auth, colon + 1, vl);
    else if (nl == 14 && strncasecmp(data, "mcp-session-id", 14) == 0) {
        copy_value(x->session, sizeof x->session, colon + 1, vl);
        x->has_session = 1;
    }
    return n;
}

static int resolve_endpoint(struct wsc_mcp *m, const char *rel);
static struct xfer *start_prepared(struct wsc_mcp *m, struct xfer *x, enum xfer_kind kind,
                                   const char *url, const char *text, size_t len,
                                   int64_t req_id);
static void flush_queue(struct wsc_mcp *m);

static int on_event(void *arg, const char *event, const char *data, size_t len,
                    const char *id)
{
    struct xfer *x = arg;
    (void)id;
    if (st(x->m)->legacy && strcmp(event, "endpoint") == 0) {
        if (resolve_endpoint(x->m, data) != 0)
            return -1;
        flush_queue(x->m);
        return 0;
    }
    /* other events are not MCP messages; an event with empty data primes
     * the client for resumption (2025-11-25) */
    if (strcmp(event, "message") != 0 || len == 0)
        return 0;
    mcp_receive(x->m, data, len);
    return 0;
}

static int is_type(const char *ctype, const char *want)
{
    size_t n = strlen(want);
    return strncasecmp(ctype, want, n) == 0 &&
           (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    size_t n = size * nmemb;
    if (x->status == 200 && is_type(x->ctype, "text/event-stream")) {
        x->is_sse = 1;
        return mcp_sse_feed(&x->sse, data, n) == 0 ? n : 0;
    }
    if (x->body.len + n > x->m->opt.max_message_size) {
        x->too_large = 1;
        return 0;
    }
    wsc_buf_append(&x->body, data, n);
    return x->body.failed ? 0 : n;
}

/* ---- transfers ------------------------------------------------------------------ */

static void xfer_free(struct xfer *x)
{
    if (x->easy) {
        curl_multi_remove_handle(st(x->m)->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->hdrs);
    free(x->out);
    mcp_sse_free(&x->sse);
    wsc_buf_free(&x->body);
    free(x);
}

static int add_header(struct xfer *x, const char *line)
{
    struct curl_slist *l = curl_slist_append(x->hdrs, line);
    if (!l)
        return -1;
    x->hdrs = l;
    return 0;
}

static int build_headers(struct wsc_mcp *m, struct xfer *x)
{
    char line[512];
    int bad =
        add_header(x, x->kind == X_POST ? "Accept: application/json, text/event-stream"
                                        : "Accept: text/event-stream");
    if (x->kind == X_POST)
        bad |= add_header(x, "Content-Type: application/json");
    if (x->resume_from[0]) {
        snprintf(line, sizeof line, "Last-Event-ID: %s", x->resume_from);
        bad |= add_header(x, line);
    }
    if (m->session_id && !st(m)->legacy) {
        snprintf(line, sizeof line, "Mcp-Session-Id: %s", m->session_id);
        bad |= add_header(x, line);
    }
    if (m->initialized && !st(m)->legacy) {
        snprintf(line, sizeof line, "MCP-Protocol-Version: %s", m->version);
        bad |= add_header(x, line);
    }
    if (m->opt.origin) {
        snprintf(line, sizeof line, "Origin: %.400s", m->opt.origin);
        bad |= add_header(x, line);
    }
    for (size_t i = 0; i < m->opt.n_headers; i++)
        bad |= add_header(x, m->opt.headers[i]);
    return bad ? -1 : 0;
}

static int setup(struct wsc_mcp *m, struct xfer *x, const char *url)
{
    CURL *c = x->easy;
    static const char *const methods[] = {"POST", "GET", "DELETE"};
    int bad = curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->curl_err) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_PRIVATE, (void *)x) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "wscheck/" WSC_VERSION) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, methods[x->kind]) != CURLE_OK;
    if (x->kind == X_POST) {
        bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->out) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                (curl_off_t)strlen(x->out)) != CURLE_OK;
    }
    if (m->opt.ca_file)
        bad |= curl_easy_setopt(c, CURLOPT_CAINFO, m->opt.ca_file) != CURLE_OK;
    if (m->opt.insecure) {
        bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK;
    }
    return bad ? -1 : 0;
}

/* Starts transfer x (allocated by the caller, freed here on failure). */
static struct xfer *start_prepared(struct wsc_mcp *m, struct xfer *x, enum xfer_kind kind,
                                   const char *url, const char *text, size_t len,
                                   int64_t req_id)
{
    x->m = m;
    x->kind = kind;
    x->req_id = req_id;
    mcp_sse_init(&x->sse, m->opt.max_message_size, on_event, x);
    x->easy = curl_easy_init();
    if (text && !(x->out = strndup(text, len)))
        goto fail;
    if (!x->easy || build_headers(m, x) != 0 || setup(m, x, url) != 0)
        goto fail;
    if (x->start_at > wsc_now()) {
        x->next = st(m)->scheduled;
        st(m)->scheduled = x;
        return x;
    }
    if (curl_multi_add_handle(st(m)->multi, x->easy) != CURLM_OK)
        goto fail;
    x->next = st(m)->xfers;
    st(m)->xfers = x;
    return x;
fail:
    if (x->easy) {
        curl_easy_cleanup(x->easy);
        x->easy = NULL;
    }
    curl_slist_free_all(x->hdrs);
    free(x->out);
    free(x);
    return NULL;
}

static struct xfer *start(struct wsc_mcp *m, enum xfer_kind kind, const char *url,
                          const char *text, size_t len, int64_t req_id)
{
    struct xfer *x = calloc(1, sizeof *x);
    return x ? start_prepared(m, x, kind, url, text, len, req_id) : NULL;
}

static int post(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id);

/* When a resumption of x's stream may start: after the stream's retry (the
 * last "retry" field it or a stream it resumed carried), but never past the
 * session's deadline, when the wait for the answer ends anyway. */
static double resume_at(struct wsc_mcp *m, const struct xfer *x, long *retry_ms)
{
    *retry_ms = x->sse.retry_ms >= 0 ? x->sse.retry_ms : x->retry_ms;
    if (*retry_ms <= 0)
        return 0;
    double at = wsc_now() + (double)*retry_ms / 1000.0;
    double until = mcp_effective_deadline(m, 0);
    if (m->ctx)
        wsc_debug(m->ctx,
                  "resuming the event stream of request %lld in %ld ms, as its retry "
                  "field asks",
                  (long long)x->req_id, *retry_ms);
    return at < until ? at : until;
}

/* The event stream answering a request ended before its response: resume
 * it with a GET carrying Last-Event-ID (the server replays what followed),
 * up to MCP_RESUME_MAX times, once its retry time has passed; without an
 * event id it cannot resume. Returns 0 when resumed (or scheduled). */
static int resume(struct wsc_mcp *m, const struct xfer *x)
{
    if (!x->sse.last_id[0] || x->resumes >= MCP_RESUME_MAX)
        return -1;
    struct xfer *g = calloc(1, sizeof *g);
    if (!g)
        return mcp_fail(m, "out of memory");
    snprintf(g->resume_from, sizeof g->resume_from, "%s", x->sse.last_id);
    g->resumes = x->resumes + 1;
    g->start_at = resume_at(m, x, &g->retry_ms);
    if (!start_prepared(m, g, X_GET, m->opt.url, NULL, 0, x->req_id))
        return mcp_fail(m, "out of memory");
    return 0;
}

static int post(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    if (!start(m, X_POST, st(m)->post_url, text, len, req_id))
        return mcp_fail(m, "out of memory");
    return 0;
}

/* ---- legacy endpoint ------------------------------------------------------------ */

static int resolve_endpoint(struct wsc_mcp *m, const char *rel)
{
    CURLU *u = curl_url();
    char *abs = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, m->opt.url, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_URL, rel, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        struct mcp_violation v;
        mcp_violation_set(&v, "sse-endpoint-event", "",
                          "the endpoint event's data '%.100s' is not a URL", rel);
        mcp_violate(m, &v);
        return -1;
    }
    curl_url_cleanup(u);
    free(st(m)->post_url);
    st(m)->post_url = strdup(abs);
    curl_free(abs);
    return st(m)->post_url ? 0 : mcp_fail(m, "out of memory");
}

static void flush_queue(struct wsc_mcp *m)
{
    struct http *h = st(m);
    if (h->in_perform || !h->post_url)
        return;
    while (h->queue) {
        struct queued *q = h->queue;
        h->queue = q->next;
        post(m, q->text, strlen(q->text), q->req_id);
        free(q->text);
        free(q);
    }
    h->queue_end = &h->queue;
}

static int enqueue(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    struct queued *q = calloc(1, sizeof *q);
    if (!q || !(q->text = strndup(text, len))) {
        free(q);
        return mcp_fail(m, "out of memory");
    }
    q->req_id = req_id;
    *st(m)->queue_end = q;
    st(m)->queue_end = &q->next;
    return 0;
}

/* ---- finished transfers -------------------------------------------------------- */

static char *error_detail(struct xfer *x, struct json_object **rpc)
{
    struct wsc_buf b = {0};
    if (x->www_auth[0])
        wsc_buf_printf(&b, " (the server requires authorization; WWW-Authenticate: %s)",
                       x->www_auth);
    struct json_object *body = NULL, *err, *code, *msg;
    if (x->body.len) {
        struct json_tokener *tok = wsc_json_tokener_new();
        if (tok) {
            body = json_tokener_parse_ex(tok, x->body.data, (int)x->body.len);
            json_tokener_free(tok);
        }
    }
    if (json_object_object_get_ex(body, "error", &err) &&
        json_object_object_get_ex(err, "code", &code) &&
        json_object_object_get_ex(err, "message", &msg))
        wsc_buf_printf(&b, ": JSON-RPC error %d: %s", json_object_get_int(code),
                       json_object_get_string(msg));
    *rpc = body;
    return wsc_buf_take(&b);
}

/* A request's event stream (the POST's, or a GET resuming it) ended. */
static void stream_ended(struct wsc_mcp *m, struct xfer *x)
{
    if (!mcp_request_waiting(m, x->req_id) || resume(m, x) == 0)
        return;
    mcp_fail(m, "the event stream answering request %lld ended without its response%s",
             (long long)x->req_id,
             x->sse.last_id[0] ? " (resumed with Last-Event-ID as often as allowed)"
                               : " (no event id to resume from)");
}

static void request_done(struct wsc_mcp *m, struct xfer *x)
{
    if (x->has_session && x->req_id == m->init_id && !m->session_id)
        mcp_set_session_id(m, x->session);
    if (x->status == 200 && x->is_sse) {
        stream_ended(m, x);
        return;
    }
    if (x->status == 200 && is_type(x->ctype, "application/json")) {
        mcp_receive(m, x->body.data ? x->body.data : "", x->body.len);
        if (mcp_request_waiting(m, x->req_id))
            mcp_request_failed(m, x->req_id, WSC_MCP_HTTP_ERROR, NULL,
                               "the JSON answer to request %lld is not its response",
                               (long long)x->req_id);
        return;
    }
    if (x->status == 200) {
        struct mcp_violation v;
        mcp_violation_set(&v, "http-content-type", "Content-Type",
                          "'%s' answers a request; expected application/json or "
                          "text/event-stream",
                          x->ctype[0] ? x->ctype : "(none)");
        mcp_violate(m, &v);
        return;
    }
    struct json_object *rpc = NULL;
    char *detail = error_detail(x, &rpc);
    mcp_request_failed(m, x->req_id, WSC_MCP_HTTP_ERROR, rpc, "POST %s: HTTP %ld%s",
                       st(m)->post_url, x->status, detail ? detail : "");
    free(detail);
}

static void notification_done(struct wsc_mcp *m, struct xfer *x)
{
    if (x->status == 202 || (st(m)->legacy && x->status >= 200 && x->status < 300))
        return;
    if (x->status >= 200 && x->status < 300) {
        struct mcp_violation v;
        mcp_violation_set(&v, "http-notification-accepted", "",
                          "HTTP %ld answers a notification or response; expected 202",
                          x->status);
        mcp_violate(m, &v);
        return;
    }
    struct json_object *rpc = NULL;
    char *detail = error_detail(x, &rpc);
    json_object_put(rpc);
    mcp_fail(m, "POST %s: HTTP %ld for a notification or response%s", st(m)->post_url,
             x->status, detail ? detail : "");
    free(detail);
}

static void stream_done(struct wsc_mcp *m, struct xfer *x)
{
    if (x->req_id >= 0) { /* resuming a request's stream */
        if (x->status == 200 && x->is_sse)
            stream_ended(m, x);
        else if (mcp_request_waiting(m, x->req_id))
            mcp_fail(m,
                     "GET %s with Last-Event-ID %s: HTTP %ld; the response to request "
                     "%lld is lost",
                     m->opt.url, x->resume_from, x->status, (long long)x->req_id);
        return;
    }
    if (st(m)->legacy) {
        if (x->status != 200)
            mcp_fail(m, "GET %s: HTTP %ld; expected an event stream", m->opt.url,
                     x->status);
        else
            mcp_fail(m, "GET %s: the event stream ended", m->opt.url);
    }
    /* Streamable HTTP: 405 says the server offers no GET stream; an ended
     * stream is not an error either */
}

static void transfer_done(struct wsc_mcp *m, struct xfer *x, CURLcode rc)
{
    if (x->status)
        m->http_status = x->status;
    if (rc != CURLE_OK) {
        if (x->too_large)
            mcp_fail(m, "an HTTP body is larger than max_message_size %zu",
                     m->opt.max_message_size);
        else if (x->sse.err[0])
            mcp_fail(m, "event stream: %s", x->sse.err);
        else if (x->kind != X_DELETE)
            mcp_fail(m, "%s %s: %s", x->kind == X_GET ? "GET" : "POST",
                     x->kind == X_GET ? m->opt.url : st(m)->post_url,
                     x->curl_err[0] ? x->curl_err : curl_easy_strerror(rc));
        return;
    }
    if (x->kind == X_GET)
        stream_done(m, x);
    else if (x->kind == X_POST && x->req_id >= 0 && !st(m)->legacy)
        request_done(m, x);
    else if (x->kind == X_POST && x->req_id >= 0 &&
             (x->status < 200 || x->status >= 300)) {
        struct json_object *rpc = NULL;
        char *detail = error_detail(x, &rpc);
        mcp_request_failed(m, x->req_id, WSC_MCP_HTTP_ERROR, rpc, "POST %s: HTTP %ld%s",
                           st(m)->post_url, x->status, detail ? detail : "");
        free(detail);
    } else if (x->kind == X_POST && x->req_id < 0)
        notification_done(m, x);
}

static void unlink_xfer(struct wsc_mcp *m, struct xfer *x)
{
    for (struct xfer **pp = &st(m)->xfers; *pp; pp = &(*pp)->next)
        if (*pp == x) {
            *pp = x->next;
            return;
        }
}

static void start_listening(struct wsc_mcp *m)
{
    struct http *h = st(m);
    if (h->legacy || h->get_started || !m->opt.listen || !m->initialized)
        return;
    h->get_started = 1;
    if (!start(m, X_GET, m->opt.url, NULL, 0, -1))
        mcp_fail(m, "out of memory");
}

/* Starts the scheduled resumptions whose time has come. */
static int start_due(struct wsc_mcp *m)
{
    double now = wsc_now();
    struct xfer **pp = &st(m)->scheduled;
    while (*pp) {
        struct xfer *x = *pp;
        if (x->start_at > now) {
            pp = &x->next;
            continue;
        }
        *pp = x->next;
        if (curl_multi_add_handle(st(m)->multi, x->easy) != CURLM_OK) {
            xfer_free(x);
            return mcp_fail(m, "out of memory");
        }
        x->next = st(m)->xfers;
        st(m)->xfers = x;
    }
    return 0;
}

static int http_perform(struct wsc_mcp *m)
{
    struct http *h = st(m);
    int running;
    if (start_due(m) != 0)
        return -1;
    h->in_perform = 1;
    CURLMcode mc = curl_multi_perform(h->multi, &running);
    h->in_perform = 0;
    if (mc != CURLM_OK)
        return mcp_fail(m, "libcurl: %s", curl_multi_strerror(mc));
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode rc = msg->data.result;
        if (!x)
            continue;
        unlink_xfer(m, x);
        h->in_perform = 1; /* answers it provokes wait for the flush below */
        transfer_done(m, x, rc);
        h->in_perform = 0;
        xfer_free(x);
    }
    flush_queue(m);
    start_listening(m);
    return m->status == WSC_MCP_ERROR || m->status == WSC_MCP_PROTOCOL ? -1 : 0;
}

/* ---- the transport ------------------------------------------------------------- */

static int http_send(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    if (!st(m)->post_url || st(m)->in_perform)
        return enqueue(m, text, len, req_id);
    return post(m, text, len, req_id);
}

static size_t http_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max)
{
    struct curl_waitfd w[16];
    unsigned int n = 0;
    if (curl_multi_waitfds(st(m)->multi, w, 16, &n) != CURLM_OK)
        return 0;
    size_t got = n < 16 ? n : 16;
    for (size_t i = 0; i < got && i < max; i++) {
        fds[i].fd = w[i].fd;
        fds[i].events = (short)(((w[i].events & CURL_WAIT_POLLIN) ? POLLIN : 0) |
                                ((w[i].events & CURL_WAIT_POLLPRI) ? POLLPRI : 0) |
                                ((w[i].events & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
        fds[i].revents = 0;
    }
    return got;
}

static long http_timeout_ms(struct wsc_mcp *m)
{
    long t = -1;
    if (curl_multi_timeout(st(m)->multi, &t) != CURLM_OK)
        return 100;
    /* a transfer that has not reached its socket yet shows no fd: poll soon */
    if (st(m)->xfers && (t < 0 || t > 100))
        t = 100;
    /* a scheduled resumption is due at its time */
    for (struct xfer *x = st(m)->scheduled; x; x = x->next) {
        double ms = (x->start_at - wsc_now()) * 1000.0;
        long due = ms > 0 ? (long)ms + 1 : 0;
        if (t < 0 || due < t)
            t = due;
    }
    return t;
}

static void drop_streams(struct wsc_mcp *m)
{
    while (st(m)->scheduled) {
        struct xfer *x = st(m)->scheduled;
        st(m)->scheduled = x->next;
        xfer_free(x);
    }
    struct xfer **pp = &st(m)->xfers;
    while (*pp) {
        struct xfer *x = *pp;
        if (x->kind == X_GET) {
            *pp = x->next;
            xfer_free(x);
        } else {
            pp = &x->next;
        }
    }
}

static void http_close(struct wsc_mcp *m, double deadline)
{
    drop_streams(m);
    if (st(m)->legacy || !m->session_id)
        return;
    if (!start(m, X_DELETE, m->opt.url, NULL, 0, -1))
        return;
    while (st(m)->xfers && wsc_now() < deadline) {
        struct pollfd fds[16];
        size_t n = http_pollfds(m, fds, 16);
        long t = http_timeout_ms(m);
        double left = (deadline - wsc_now()) * 1000.0;
        if (t < 0 || t > left)
            t = (long)left + 1;
        poll(fds, n < 16 ? n : 16, (int)t);
        http_perform(m);
    }
}

static void http_free(struct wsc_mcp *m)
{
    struct http *h = st(m);
    if (!h)
        return;
    drop_streams(m);
    while (h->xfers) {
        struct xfer *x = h->xfers;
        h->xfers = x->next;
        xfer_free(x);
    }
    while (h->queue) {
        struct queued *q = h->queue;
        h->queue = q->next;
        free(q->text);
        free(q);
    }
    curl_multi_cleanup(h->multi);
    free(h->post_url);
    free(h);
    m->tp_state = NULL;
}

static const struct mcp_transport http_transport = {
    http_send, http_pollfds, http_timeout_ms, http_perform, http_close, http_free,
};

int mcp_http_open(struct wsc_mcp *m)
{
    struct http *h = calloc(1, sizeof *h);
    if (!h)
        return mcp_fail(m, "out of memory");
    m->tp = &http_transport;
    m->tp_state = h;
    h->queue_end = &h->queue;
    h->legacy = m->kind == WSC_MCP_SSE;
    h->multi = curl_multi_init();
    if (!h->multi)
        return mcp_fail(m, "out of memory");
    if (!h->legacy) {
        h->post_url = strdup(m->opt.url);
        return h->post_url ? 0 : mcp_fail(m, "out of memory");
    }
    if (!start(m, X_GET, m->opt.url, NULL, 0, -1))
        return mcp_fail(m, "out of memory");
    return 0;
}
