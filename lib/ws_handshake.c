/* The WebSocket upgrade (see <wscheck/ws.h>; ws_connect.c drives it): the
 * upgrade request with a Sec-WebSocket-Key of our own, so that we can verify
 * the Accept (libcurl does not), verification of the rest of the 101 answer,
 * and the accessors of what the answer held. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "curl_errors.h"
#include "trace_head.h"
#include "ws_internal.h"

#define BODY_MAX 65536

/* ---- handshake ----------------------------------------------------------- */

int wsc_ws_accept_for_key(const char *key, char out[29])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    char input[128];
    int n = snprintf(input, sizeof input, "%s%s", key, WSC_WS_GUID);
    if (n < 0 || (size_t)n >= sizeof input)
        return -1;
    if (EVP_Digest(input, (size_t)n, digest, &dlen, EVP_sha1(), NULL) != 1 || dlen != 20)
        return -1;
    /* 20 bytes encode to 28 characters plus the NUL EVP_EncodeBlock adds */
    return EVP_EncodeBlock((unsigned char *)out, digest, 20) == 28 ? 0 : -1;
}

static int make_key(char out[32])
{
    unsigned char raw[16];
    /* getentropy (POSIX 2024): all 16 bytes or an error, no EINTR loop */
    if (getentropy(raw, sizeof raw) != 0)
        return -1;
    return EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw) == 24 ? 0 : -1;
}

static int header_given(const struct wsc_ws_options *opt, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < opt->n_headers; i++)
        if (strncasecmp(opt->headers[i], name, n) == 0 && opt->headers[i][n] == ':')
            return 1;
    return 0;
}

static int append_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *l = curl_slist_append(*list, line);
    if (!l)
        return -1;
    *list = l;
    return 0;
}

static int build_request_headers(struct wsc_ws *ws)
{
    char line[512];
    snprintf(line, sizeof line, "Sec-WebSocket-Key: %s", ws->key);
    if (append_header(&ws->request_headers, line) != 0)
        return -1;
    if (ws->opt.origin && !header_given(&ws->opt, "Origin")) {
        char *o;
        if (asprintf(&o, "Origin: %s", ws->opt.origin) < 0)
            return -1;
        int r = append_header(&ws->request_headers, o);
        free(o);
        if (r != 0)
            return -1;
    }
    if (ws->opt.n_subprotocols > 0 && !header_given(&ws->opt, "Sec-WebSocket-Protocol")) {
        size_t len = sizeof "Sec-WebSocket-Protocol: ";
        for (size_t i = 0; i < ws->opt.n_subprotocols; i++)
            len += strlen(ws->opt.subprotocols[i]) + 2;
        char *p = malloc(len);
        if (!p)
            return -1;
        strcpy(p, "Sec-WebSocket-Protocol: ");
        for (size_t i = 0; i < ws->opt.n_subprotocols; i++) {
            if (i)
                strcat(p, ", ");
            strcat(p, ws->opt.subprotocols[i]);
        }
        int r = append_header(&ws->request_headers, p);
        free(p);
        if (r != 0)
            return -1;
    }
    for (size_t i = 0; i < ws->opt.n_headers; i++)
        if (append_header(&ws->request_headers, ws->opt.headers[i]) != 0)
            return -1;
    return 0;
}

/* Keeps at most BODY_MAX bytes of a rejection's body. */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct wsc_ws *ws = userdata;
    size_t n = size * nmemb;
    size_t room = BODY_MAX - ws->body.len;
    size_t take = n < room ? n : room;
    if (take > 0) {
        wsc_buf_append(&ws->body, ptr, take);
        if (ws->body.failed)
            return 0;
    }
    return n;
}

/* Keeps the status line of each answer (a 100 may come before the 101):
 * libcurl reads "HTTP/1.1 1010 ..." as 101, we read it ourselves. Every
 * line goes to the trace, each answer's block as one entry. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct wsc_ws *ws = userdata;
    size_t n = size * nmemb;
    wsc_trace_head_line(ws->ctx, &ws->head, ptr, n);
    if (!wsc_is_status_line(ptr, n))
        return n;
    ws->status_lines++;
    if (wsc_status_line_parse(ptr, n, &ws->status_line) != 0)
        ws->status_line_bad = 1;
    return n;
}

/* The upgrade request as libcurl sends it: request line and every header. */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t n, void *userdata)
{
    (void)curl;
    struct wsc_ws *ws = userdata;
    if (type == CURLINFO_HEADER_OUT)
        wsc_trace_head_sent(ws->ctx, data, n);
    return 0;
}

/* libcurl (8.x) reads from the socket for as long as each read fills its
 * 64 KiB buffer, growing it as it goes: a peer that sends faster than we
 * read would have it read (and keep) without end. With a receive buffer
 * well under 64 KiB no single read fills it, so libcurl stops after one and
 * the memory of a connection stays bounded whatever the peer sends. */
#define SOCKET_RCVBUF (16 * 1024)

static int on_socket(void *clientp, curl_socket_t sock, curlsocktype purpose)
{
    (void)clientp;
    int size = SOCKET_RCVBUF;
    if (purpose == CURLSOCKTYPE_IPCXN &&
        setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
        return CURL_SOCKOPT_ERROR;
    return CURL_SOCKOPT_OK;
}

static int set_curl_options(struct wsc_ws *ws, double connect_deadline)
{
    CURL *c = ws->curl;
    long ms = (long)ceil((connect_deadline - wsc_now()) * 1000.0);
    if (ms < 1)
        ms = 1;
    /* we answer pings ourselves (ws.c): libcurl's automatic pongs pile up
     * without limit in its send buffer when the peer does not read */
    long ws_options = CURLWS_NOAUTOPONG;
    int bad = 0;
    bad |= curl_easy_setopt(c, CURLOPT_URL, ws->opt.url) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 2L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, ws->request_headers) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ws->curl_err) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, ws) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, ws) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WS_OPTIONS, ws_options) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, on_socket) != CURLE_OK;
    if (ws->ctx) {
        /* Verbose output goes to on_debug only, never to stderr. */
        bad |= curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_DEBUGDATA, ws) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_VERBOSE, 1L) != CURLE_OK;
    }
    if (ws->opt.ca_file)
        bad |= curl_easy_setopt(c, CURLOPT_CAINFO, ws->opt.ca_file) != CURLE_OK;
    if (ws->opt.insecure) {
        bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK;
    }
    if (ws->opt.client_cert)
        bad |= curl_easy_setopt(c, CURLOPT_SSLCERT, ws->opt.client_cert) != CURLE_OK;
    if (ws->opt.client_key)
        bad |= curl_easy_setopt(c, CURLOPT_SSLKEY, ws->opt.client_key) != CURLE_OK;
    return bad ? -1 : 0;
}

/* Collects the answer's headers: the 101's live in the 1xx set. */
static void collect_headers(struct wsc_ws *ws)
{
    unsigned int origin =
        (ws->http_status >= 100 && ws->http_status < 200) ? CURLH_1XX : CURLH_HEADER;
    struct curl_header *prev = NULL, *h;
    while ((h = curl_easy_nextheader(ws->curl, origin, -1, prev)) != NULL) {
        prev = h;
        char name[128];
        size_t i;
        for (i = 0; h->name[i] && i < sizeof name - 1; i++)
            name[i] = (char)tolower((unsigned char)h->name[i]);
        name[i] = '\0';
        struct json_object *old;
        struct json_object *v;
        if (json_object_object_get_ex(ws->headers, name, &old)) {
            char *joined;
            if (asprintf(&joined, "%s, %s", json_object_get_string(old), h->value) < 0)
                continue;
            v = json_object_new_string(joined);
            free(joined);
        } else {
            v = json_object_new_string(h->value);
        }
        if (v)
            json_object_object_add(ws->headers, name, v);
    }
}

/* Does a comma-separated header value contain `token` (any case)? */
static int has_token(const char *value, const char *token)
{
    size_t tlen = strlen(token);
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        size_t end = len;
        while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end == tlen && strncasecmp(p, token, tlen) == 0)
            return 1;
        p += len;
    }
    return 0;
}

static void add_violation(char *buf, size_t size, const char *fmt, ...) WSC_PRINTF(3, 4);
static void add_violation(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used > 0 && used + 2 < size) {
        strcat(buf, "; ");
        used += 2;
    }
    if (used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

static void offered_list(const struct wsc_ws_options *opt, char *buf, size_t size)
{
    buf[0] = '\0';
    if (opt->n_subprotocols == 0) {
        snprintf(buf, size, "none was offered");
        return;
    }
    size_t used = (size_t)snprintf(buf, size, "offered: ");
    for (size_t i = 0; i < opt->n_subprotocols && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 opt->subprotocols[i]);
}

static int subprotocol_offered(const struct wsc_ws_options *opt, const char *p)
{
    for (size_t i = 0; i < opt->n_subprotocols; i++)
        if (strcmp(opt->subprotocols[i], p) == 0)
            return 1;
    return 0;
}

/* Extensions we offered through a user Sec-WebSocket-Extensions header. */
static int extension_offered(const struct wsc_ws_options *opt, const char *name,
                             size_t len)
{
    const char *hdr = "Sec-WebSocket-Extensions:";
    size_t hlen = strlen(hdr);
    for (size_t i = 0; i < opt->n_headers; i++) {
        if (strncasecmp(opt->headers[i], hdr, hlen) != 0)
            continue;
        const char *p = opt->headers[i] + hlen;
        while (*p) {
            while (*p == ' ' || *p == ',')
                p++;
            size_t n = strcspn(p, ";, ");
            if (n == len && strncasecmp(p, name, len) == 0)
                return 1;
            p += strcspn(p, ",");
        }
    }
    return 0;
}

static void verify_extensions(const struct wsc_ws *ws, const char *ext, char *v,
                              size_t size)
{
    const char *p = ext;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ";, \t");
        if (n > 0 && !extension_offered(&ws->opt, p, n))
            add_violation(v, size,
                          "server accepted extension '%.*s', which was not offered",
                          (int)n, p);
        p += strcspn(p, ",");
    }
}

/* Verifies a 101 answer; fills `v` with every violation found. */
static void verify_upgrade(struct wsc_ws *ws, char *v, size_t size)
{
    const char *upgrade = wsc_ws_response_header(ws, "upgrade");
    if (!upgrade)
        add_violation(v, size, "Upgrade header missing from the 101 answer");
    else if (strcasecmp(upgrade, "websocket") != 0)
        add_violation(v, size, "Upgrade is '%s', expected 'websocket'", upgrade);

    const char *connection = wsc_ws_response_header(ws, "connection");
    if (!connection)
        add_violation(v, size, "Connection header missing from the 101 answer");
    else if (!has_token(connection, "upgrade"))
        add_violation(v, size, "Connection is '%s', expected it to contain 'Upgrade'",
                      connection);

    char expected[29];
    if (wsc_ws_accept_for_key(ws->key, expected) != 0) {
        add_violation(v, size, "cannot compute Sec-WebSocket-Accept (SHA-1 unavailable)");
    } else {
        const char *accept = wsc_ws_response_header(ws, "sec-websocket-accept");
        if (!accept)
            add_violation(v, size,
                          "Sec-WebSocket-Accept missing from the 101 answer, "
                          "expected '%s'",
                          expected);
        else if (strcmp(accept, expected) != 0)
            add_violation(v, size, "Sec-WebSocket-Accept is '%s', expected '%s'", accept,
                          expected);
    }

    const char *proto = wsc_ws_response_header(ws, "sec-websocket-protocol");
    if (proto) {
        char offered[256];
        offered_list(&ws->opt, offered, sizeof offered);
        if (!subprotocol_offered(&ws->opt, proto))
            add_violation(v, size,
                          "server selected subprotocol '%s', which was not "
                          "offered (%s)",
                          proto, offered);
        else if (!(ws->subprotocol = strdup(proto)))
            add_violation(v, size, "out of memory");
    }

    const char *ext = wsc_ws_response_header(ws, "sec-websocket-extensions");
    if (ext)
        verify_extensions(ws, ext, v, size);
}

/* The sentence for a failed curl_easy_perform() before any answer; `limit`
 * is the wait to name in a timeout (see handshake()). */
static enum wsc_ws_result transport_failure(struct wsc_ws *ws, CURLcode rc, double limit,
                                            double connect_deadline)
{
    const char *detail = ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT || wsc_now() >= connect_deadline)
        return ws_fail(ws, "no upgrade answer from %s within %.1f s (%s)", ws->opt.url,
                       limit, detail);
    if (rc == CURLE_COULDNT_CONNECT) {
        /* worded like the HTTP helper's: "connect to HOST:PORT failed: ..." */
        char *m = wsc_curl_connect_error(ws->curl, ws->opt.url, detail);
        enum wsc_ws_result r = m ? ws_fail(ws, "%s", m) : ws_fail(ws, "out of memory");
        free(m);
        return r;
    }
    if (rc == CURLE_GOT_NOTHING)
        return ws_fail(ws, "%s closed the connection without answering the upgrade",
                       ws->opt.url);
    return ws_fail(ws, "upgrade to %s failed: %s", ws->opt.url, detail);
}

/* The status line of the answer as RFC 9112 and RFC 6455 4.1 want it:
 * well formed, and HTTP/1.1 for a 101 (HTTP/1.0 has no upgrade). Fails the
 * connection, quoting the line, and returns -1 when it is not. */
static int status_line_invalid(struct wsc_ws *ws)
{
    const struct wsc_status_line *l = &ws->status_line;
    if (ws->status_line_bad) {
        ws_fail(ws,
                "malformed status line '%s' in the upgrade answer (expected "
                "'HTTP/1.1 101 Switching Protocols')",
                l->text);
        return -1;
    }
    if (ws->http_status == 101 && ws->status_lines > 0 &&
        (l->major != 1 || l->minor != 1)) {
        char version[16];
        snprintf(version, sizeof version, "HTTP/%d.%d", l->major, l->minor);
        if (l->minor < 0)
            snprintf(version, sizeof version, "HTTP/%d", l->major);
        ws_fail(ws,
                "the upgrade answer was %s ('%s'), which cannot upgrade: a "
                "WebSocket handshake needs HTTP/1.1",
                version, l->text);
        return -1;
    }
    return 0;
}

int ws_handshake_begin(struct wsc_ws *ws, int flags)
{
    double started = wsc_now();
    double connect_deadline = ws_effective_deadline(ws, 0);
    /* A timeout names the limit the user set, whichever was the bound
     * (connect_timeout, else the test's timeout); else the time that was
     * left, to a tenth in the message (a loaded machine starts the handshake
     * a little after the caller computed its deadline). */
    double limit = connect_deadline - started;
    if (ws->ctx && wsc_deadline(ws->ctx) <= connect_deadline)
        limit = wsc_timeout(ws->ctx);
    if (ws->opt.connect_timeout > 0 &&
        started + ws->opt.connect_timeout < connect_deadline) {
        connect_deadline = started + ws->opt.connect_timeout;
        limit = ws->opt.connect_timeout;
    }
    ws->connect_flags = flags;
    ws->connect_started = started;
    ws->connect_deadline = connect_deadline;
    ws->connect_limit = limit;

    if (make_key(ws->key) != 0) {
        ws_fail(ws, "cannot make a Sec-WebSocket-Key: no randomness");
        return -1;
    }
    if (build_request_headers(ws) != 0 || set_curl_options(ws, connect_deadline) != 0) {
        ws_fail(ws, "cannot set up the request (out of memory?)");
        return -1;
    }
    return 0;
}

enum wsc_ws_result ws_handshake_finish(struct wsc_ws *ws, CURLcode rc)
{
    wsc_trace_head_flush(ws->ctx, &ws->head); /* an answer cut short */
    /* The request is traced: frames are traced by ws.c, and libcurl's
     * verbose messages would only cost time on every frame from now on. */
    if (ws->ctx && curl_easy_setopt(ws->curl, CURLOPT_VERBOSE, 0L) != CURLE_OK)
        return ws_fail(ws, "cannot set up the connection (out of memory?)");
    long status = 0;
    if (curl_easy_getinfo(ws->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
        ws->http_status = status;
    if (status_line_invalid(ws) < 0)
        return WSC_WS_ERROR;
    if (ws->http_status == 0)
        return transport_failure(ws, rc, ws->connect_limit, ws->connect_deadline);

    collect_headers(ws);
    if (ws->http_status != 101) {
        if (ws->connect_flags & WSC_WS_ALLOW_REJECT) {
            ws->state = ST_FAILED;
            return ws_set_status(ws, WSC_WS_REJECTED, "upgrade refused with HTTP %ld",
                                 ws->http_status);
        }
        return ws_fail(ws, "upgrade refused: HTTP %ld, expected 101", ws->http_status);
    }

    char violations[ERR_MAX] = "";
    verify_upgrade(ws, violations, sizeof violations);
    if (violations[0])
        return ws_fail(ws, "%s", violations);
    if (rc != CURLE_OK)
        return ws_fail(ws, "upgrade to %s failed: %s", ws->opt.url,
                       ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));

    curl_socket_t sock = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(ws->curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
        sock == CURL_SOCKET_BAD)
        return ws_fail(ws, "upgrade to %s: no socket after the handshake", ws->opt.url);
    ws->sock = sock;
    ws->handshake_ms = (wsc_now() - ws->connect_started) * 1000.0;
    ws->state = ST_OPEN;
    return ws_ok(ws);
}

void wsc_ws_free(struct wsc_ws *ws)
{
    if (!ws)
        return;
    /* the easy handle stays in its multi handle for the connection's life
     * (libcurl's rule for CONNECT_ONLY transfers on a multi handle) */
    if (ws->multi && ws->curl)
        curl_multi_remove_handle(ws->multi, ws->curl);
    if (ws->curl)
        curl_easy_cleanup(ws->curl);
    if (ws->multi)
        curl_multi_cleanup(ws->multi);
    curl_slist_free_all(ws->request_headers);
    wsc_ws_options_free(&ws->opt);
    json_object_put(ws->headers);
    wsc_buf_free(&ws->body);
    wsc_buf_free(&ws->head);
    free(ws->subprotocol);
    free(ws->chunk);
    wsc_buf_free(&ws->data);
    wsc_buf_free(&ws->raw_pending);
    free(ws);
}

/* ---- accessors of the answer --------------------------------------------- */

long wsc_ws_http_status(const struct wsc_ws *ws)
{
    return ws ? ws->http_status : 0;
}

struct json_object *wsc_ws_response_headers(const struct wsc_ws *ws)
{
    return ws ? ws->headers : NULL;
}

const char *wsc_ws_response_header(const struct wsc_ws *ws, const char *name)
{
    if (!ws || !ws->headers)
        return NULL;
    char lower[128];
    size_t i;
    for (i = 0; name[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    struct json_object *v;
    if (!json_object_object_get_ex(ws->headers, lower, &v))
        return NULL;
    return json_object_get_string(v);
}

const char *wsc_ws_response_body(const struct wsc_ws *ws)
{
    return ws && ws->body.data ? ws->body.data : "";
}

const char *wsc_ws_subprotocol(const struct wsc_ws *ws)
{
    return ws ? ws->subprotocol : NULL;
}

double wsc_ws_handshake_ms(const struct wsc_ws *ws)
{
    return ws ? ws->handshake_ms : 0;
}
