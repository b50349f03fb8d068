/* The WebSocket client layer (see <wscheck/ws.h>).
 *
 * libcurl does the TCP/TLS connection, the upgrade request and the framing.
 * What it leaves to us, and this file does: a Sec-WebSocket-Key of our own so
 * that we can verify the Accept (libcurl does not), verification of the rest
 * of the 101 answer, deadlines on every wait (CURLOPT_TIMEOUT stops applying
 * after a CONNECT_ONLY handshake), reassembly of fragmented messages within a
 * size bound, echoing a close the peer starts (libcurl never does), and
 * turning every transport failure into one precise sentence. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/evp.h>

#include <wscheck/ws.h>

#define ERR_MAX 1024
#define CHUNK_SIZE 65536
#define CONTROL_MAX 125
#define BODY_MAX 65536
/* Waits with neither a context nor an explicit deadline still end. */
#define FALLBACK_WAIT_S 30.0

enum conn_state { ST_NEW, ST_OPEN, ST_CLOSING, ST_CLOSED, ST_FAILED };

struct wsc_ws {
    struct wsc_ctx *ctx;
    CURL *curl;
    struct curl_slist *request_headers;
    struct wsc_ws_options opt;
    char key[32];
    char curl_err[CURL_ERROR_SIZE];

    enum conn_state state;
    enum wsc_ws_result status;
    char err[ERR_MAX];
    double deadline;      /* of the whole connection, 0: the context's */
    curl_socket_t sock;

    long http_status;
    struct json_object *headers;
    char *body;
    size_t body_len;
    char *subprotocol;
    double handshake_ms;

    char *chunk;          /* one curl_ws_recv() at a time */
    char *data;           /* the data message being reassembled */
    size_t data_len, data_cap;
    enum wsc_ws_kind data_kind;
    int data_open;        /* a fragmented message is in progress */
    char control[CONTROL_MAX + 1];
    size_t control_len;
    int in_frame;         /* part of a frame was read, more is expected */
    double chunk_at;      /* wsc_now() when the last chunk was read */
    int reset_pending;    /* the last returned message may be dropped */

    int close_sent;
    int peer_close_code;
    char peer_close_reason[CONTROL_MAX + 1];
};

/* ---- small helpers -------------------------------------------------------- */

static double effective_deadline(const struct wsc_ws *ws, double deadline)
{
    double d = deadline > 0 ? deadline : ws->deadline;
    if (ws->ctx) {
        double c = wsc_deadline(ws->ctx);
        if (c > 0 && (d <= 0 || c < d))
            d = c;
    }
    if (d <= 0)
        d = wsc_now() + FALLBACK_WAIT_S;
    return d;
}

WSC_PRINTF(3, 4)
static enum wsc_ws_result set_status(struct wsc_ws *ws, enum wsc_ws_result r,
                                     const char *fmt, ...)
{
    ws->status = r;
    if (!fmt) {
        ws->err[0] = '\0';
        return r;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ws->err, sizeof ws->err, fmt, ap);
    va_end(ap);
    return r;
}

static enum wsc_ws_result ok(struct wsc_ws *ws)
{
    return set_status(ws, WSC_WS_OK, NULL);
}

/* A transport or protocol failure: the connection is dead from now on. */
WSC_PRINTF(2, 3)
static enum wsc_ws_result fail(struct wsc_ws *ws, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ws->err, sizeof ws->err, fmt, ap);
    va_end(ap);
    ws->status = WSC_WS_ERROR;
    ws->state = ST_FAILED;
    return WSC_WS_ERROR;
}

/* Calls on a connection that can no longer carry messages. */
static enum wsc_ws_result refuse_if_done(struct wsc_ws *ws)
{
    if (ws->state == ST_FAILED) {
        ws->status = WSC_WS_ERROR; /* the message of the failure stays */
        return WSC_WS_ERROR;
    }
    if (ws->state == ST_CLOSED)
        return set_status(ws, WSC_WS_CLOSED, "the connection is closed");
    if (ws->state == ST_NEW)
        return set_status(ws, WSC_WS_ERROR, "not connected");
    return WSC_WS_OK;
}

static void trace(struct wsc_ws *ws, const char *dir, const char *kind,
                  const void *data, size_t len)
{
    if (ws->ctx)
        wsc_trace(ws->ctx, dir, kind, data, len);
}

static const char *kind_name(enum wsc_ws_kind k)
{
    switch (k) {
    case WSC_WS_TEXT: return "text";
    case WSC_WS_BINARY: return "binary";
    case WSC_WS_PING: return "ping";
    case WSC_WS_PONG: return "pong";
    case WSC_WS_CLOSE: return "close";
    }
    return "?";
}

/* Waits until the socket is ready for `events` or the deadline passes.
 * Returns 1 ready, 0 deadline, -1 error (errno). */
static int wait_socket(curl_socket_t sock, short events, double deadline)
{
    for (;;) {
        double left = deadline - wsc_now();
        if (left <= 0)
            return 0;
        struct pollfd p = { .fd = sock, .events = events, .revents = 0 };
        int ms = (int)ceil(left * 1000.0);
        int n = poll(&p, 1, ms > 0 ? ms : 1);
        if (n > 0)
            return 1;
        if (n == 0)
            continue; /* re-check the clock: poll may return early */
        if (errno != EINTR)
            return -1;
    }
}

/* ---- options ------------------------------------------------------------- */

void wsc_ws_options_init(struct wsc_ws_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_message_size = WSC_WS_DEFAULT_MAX_MESSAGE_SIZE;
}

void wsc_ws_options_free(struct wsc_ws_options *opt)
{
    free(opt->url);
    for (size_t i = 0; i < opt->n_headers; i++)
        free(opt->headers[i]);
    free(opt->headers);
    free(opt->origin);
    for (size_t i = 0; i < opt->n_subprotocols; i++)
        free(opt->subprotocols[i]);
    free(opt->subprotocols);
    free(opt->ca_file);
    free(opt->client_cert);
    free(opt->client_key);
    wsc_ws_options_init(opt);
}

static int push_string(char ***arr, size_t *n, const char *s)
{
    char **grown = realloc(*arr, (*n + 1) * sizeof **arr);
    if (!grown)
        return -1;
    *arr = grown;
    if (!(grown[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

int wsc_ws_options_add_header(struct wsc_ws_options *opt, const char *name,
                              const char *value)
{
    char *line;
    if (asprintf(&line, "%s: %s", name, value) < 0)
        return -1;
    int r = push_string(&opt->headers, &opt->n_headers, line);
    free(line);
    return r;
}

static int options_copy(struct wsc_ws_options *dst,
                        const struct wsc_ws_options *src)
{
    wsc_ws_options_init(dst);
    dst->connect_timeout = src->connect_timeout;
    dst->insecure = src->insecure;
    dst->max_message_size = src->max_message_size ? src->max_message_size
                                                  : WSC_WS_DEFAULT_MAX_MESSAGE_SIZE;
    dst->observe_pings = src->observe_pings;
    if ((src->url && !(dst->url = strdup(src->url)))
        || (src->origin && !(dst->origin = strdup(src->origin)))
        || (src->ca_file && !(dst->ca_file = strdup(src->ca_file)))
        || (src->client_cert && !(dst->client_cert = strdup(src->client_cert)))
        || (src->client_key && !(dst->client_key = strdup(src->client_key))))
        return -1;
    for (size_t i = 0; i < src->n_headers; i++)
        if (push_string(&dst->headers, &dst->n_headers, src->headers[i]) != 0)
            return -1;
    for (size_t i = 0; i < src->n_subprotocols; i++)
        if (push_string(&dst->subprotocols, &dst->n_subprotocols,
                        src->subprotocols[i]) != 0)
            return -1;
    return 0;
}

static int is_ws_url(const char *url)
{
    return strncasecmp(url, "ws://", 5) == 0 || strncasecmp(url, "wss://", 6) == 0;
}

static int has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

/* Registers the secret parts of a credential header value: the whole value
 * and, for "Scheme credentials", the credentials alone. */
static void register_credential(struct wsc_ctx *ctx, const char *value)
{
    if (!ctx || !*value)
        return;
    wsc_secret(ctx, value);
    const char *sp = strchr(value, ' ');
    if (sp && sp[1])
        wsc_secret(ctx, sp + 1);
}

static void register_url_password(struct wsc_ctx *ctx, const char *url)
{
    const char *scheme_end = strstr(url, "://");
    if (!ctx || !scheme_end)
        return;
    const char *auth = scheme_end + 3;
    size_t host_len = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', host_len);
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon && at > colon + 1) {
        char *pw = strndup(colon + 1, (size_t)(at - colon - 1));
        if (pw)
            wsc_secret(ctx, pw);
        free(pw);
    }
}

static int is_credential_header(const char *name)
{
    return strcasecmp(name, "Authorization") == 0
        || strcasecmp(name, "Proxy-Authorization") == 0
        || strcasecmp(name, "Cookie") == 0;
}

WSC_PRINTF(2, 3)
static int parse_error(char **err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(err, fmt, ap) < 0)
            *err = NULL;
        va_end(ap);
    }
    return -1;
}

static int parse_string(const struct json_object *params, const char *key,
                        char **out, char **err)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, key, &v) || json_object_is_type(v, json_type_null))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return parse_error(err, "%s: expected a string", key);
    if (!(*out = strdup(json_object_get_string(v))))
        return parse_error(err, "out of memory");
    return 0;
}

static int parse_headers(struct wsc_ctx *ctx, const struct json_object *params,
                         struct wsc_ws_options *opt, char **err)
{
    struct json_object *h;
    if (!json_object_object_get_ex(params, "headers", &h) || json_object_is_type(h, json_type_null))
        return 0;
    if (!json_object_is_type(h, json_type_object))
        return parse_error(err, "headers: expected an object of strings");
    json_object_object_foreach(h, name, v) {
        if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array)
            || json_object_is_type(v, json_type_null))
            return parse_error(err, "headers/%s: expected a string", name);
        const char *value = json_object_get_string(v);
        if (!*name || strpbrk(name, ":\r\n \t"))
            return parse_error(err, "headers: '%s' is not a valid header name", name);
        if (has_line_break(value))
            return parse_error(err, "headers/%s: the value contains a line break", name);
        if (is_credential_header(name))
            register_credential(ctx, value);
        if (wsc_ws_options_add_header(opt, name, value) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_subprotocols(const struct json_object *params,
                              struct wsc_ws_options *opt, char **err)
{
    struct json_object *a;
    if (!json_object_object_get_ex(params, "subprotocols", &a) || json_object_is_type(a, json_type_null))
        return 0;
    if (!json_object_is_type(a, json_type_array))
        return parse_error(err, "subprotocols: expected an array of strings");
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        struct json_object *p = json_object_array_get_idx(a, i);
        if (!json_object_is_type(p, json_type_string))
            return parse_error(err, "subprotocols/%zu: expected a string", i);
        const char *s = json_object_get_string(p);
        if (!*s || strpbrk(s, ", \t\r\n;\""))
            return parse_error(err, "subprotocols/%zu: '%s' is not a valid token", i, s);
        if (push_string(&opt->subprotocols, &opt->n_subprotocols, s) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_numbers(const struct json_object *params,
                         struct wsc_ws_options *opt, char **err)
{
    struct json_object *v;
    if (json_object_object_get_ex(params, "connect_timeout", &v) && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
            return parse_error(err, "connect_timeout: expected a number of seconds");
        opt->connect_timeout = json_object_get_double(v);
        if (opt->connect_timeout < 0)
            return parse_error(err, "connect_timeout: must not be negative");
    }
    if (json_object_object_get_ex(params, "insecure", &v) && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_boolean))
            return parse_error(err, "insecure: expected true or false");
        opt->insecure = json_object_get_boolean(v);
    }
    if (json_object_object_get_ex(params, "max_message_size", &v) && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
            return parse_error(err, "max_message_size: expected a positive integer");
        opt->max_message_size = (size_t)json_object_get_int64(v);
    }
    return 0;
}

int wsc_ws_options_parse(struct wsc_ctx *ctx, const struct json_object *params,
                         struct wsc_ws_options *opt, char **err)
{
    wsc_ws_options_init(opt);
    if (err)
        *err = NULL;
    int r = -1;
    if (!params || !json_object_is_type(params, json_type_object))
        parse_error(err, "params: expected an object");
    else if (parse_string(params, "url", &opt->url, err) != 0)
        ;
    else if (!opt->url)
        parse_error(err, "url: missing (a ws:// or wss:// URL)");
    else if (!is_ws_url(opt->url) || has_line_break(opt->url))
        parse_error(err, "url: expected a ws:// or wss:// URL, got '%s'", opt->url);
    else if (parse_headers(ctx, params, opt, err) == 0
             && parse_string(params, "origin", &opt->origin, err) == 0
             && parse_subprotocols(params, opt, err) == 0
             && parse_numbers(params, opt, err) == 0
             && parse_string(params, "ca_file", &opt->ca_file, err) == 0
             && parse_string(params, "client_cert", &opt->client_cert, err) == 0
             && parse_string(params, "client_key", &opt->client_key, err) == 0) {
        if (opt->origin && has_line_break(opt->origin))
            parse_error(err, "origin: contains a line break");
        else
            r = 0;
    }
    if (r == 0)
        register_url_password(ctx, opt->url);
    else
        wsc_ws_options_free(opt);
    return r;
}

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
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
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
    size_t room = BODY_MAX - ws->body_len;
    size_t take = n < room ? n : room;
    if (take > 0) {
        char *grown = realloc(ws->body, ws->body_len + take + 1);
        if (!grown)
            return 0;
        ws->body = grown;
        memcpy(ws->body + ws->body_len, ptr, take);
        ws->body_len += take;
        ws->body[ws->body_len] = '\0';
    }
    return n;
}

static int set_curl_options(struct wsc_ws *ws, double connect_deadline)
{
    CURL *c = ws->curl;
    long ms = (long)ceil((connect_deadline - wsc_now()) * 1000.0);
    if (ms < 1)
        ms = 1;
    long ws_options = ws->opt.observe_pings ? CURLWS_NOAUTOPONG : 0;
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
    bad |= curl_easy_setopt(c, CURLOPT_WS_OPTIONS, ws_options) != CURLE_OK;
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
    unsigned int origin = (ws->http_status >= 100 && ws->http_status < 200)
                              ? CURLH_1XX : CURLH_HEADER;
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
static int extension_offered(const struct wsc_ws_options *opt, const char *name, size_t len)
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

static void verify_extensions(const struct wsc_ws *ws, const char *ext, char *v, size_t size)
{
    const char *p = ext;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ";, \t");
        if (n > 0 && !extension_offered(&ws->opt, p, n))
            add_violation(v, size, "server accepted extension '%.*s', which was not offered",
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
            add_violation(v, size, "Sec-WebSocket-Accept missing from the 101 answer, "
                          "expected '%s'", expected);
        else if (strcmp(accept, expected) != 0)
            add_violation(v, size, "Sec-WebSocket-Accept is '%s', expected '%s'",
                          accept, expected);
    }

    const char *proto = wsc_ws_response_header(ws, "sec-websocket-protocol");
    if (proto) {
        char offered[256];
        offered_list(&ws->opt, offered, sizeof offered);
        if (!subprotocol_offered(&ws->opt, proto))
            add_violation(v, size, "server selected subprotocol '%s', which was not "
                          "offered (%s)", proto, offered);
        else if (!(ws->subprotocol = strdup(proto)))
            add_violation(v, size, "out of memory");
    }

    const char *ext = wsc_ws_response_header(ws, "sec-websocket-extensions");
    if (ext)
        verify_extensions(ws, ext, v, size);
}

static void trace_request(struct wsc_ws *ws)
{
    char line[256];
    snprintf(line, sizeof line, "GET %s (upgrade, key %s)", ws->opt.url, ws->key);
    trace(ws, "send", "http", line, strlen(line));
}

static void trace_answer(struct wsc_ws *ws)
{
    char line[128];
    snprintf(line, sizeof line, "HTTP %ld", ws->http_status);
    trace(ws, "recv", "http", line, strlen(line));
}

/* The sentence for a failed curl_easy_perform() before any answer. */
static enum wsc_ws_result transport_failure(struct wsc_ws *ws, CURLcode rc,
                                            double started, double connect_deadline)
{
    const char *detail = ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT || wsc_now() >= connect_deadline)
        return fail(ws, "no upgrade answer from %s within %.3f s (%s)", ws->opt.url,
                    connect_deadline - started, detail);
    if (rc == CURLE_COULDNT_CONNECT)
        return fail(ws, "cannot connect to %s: %s", ws->opt.url, detail);
    if (rc == CURLE_GOT_NOTHING)
        return fail(ws, "%s closed the connection without answering the upgrade",
                    ws->opt.url);
    return fail(ws, "upgrade to %s failed: %s", ws->opt.url, detail);
}

static enum wsc_ws_result handshake(struct wsc_ws *ws, int flags)
{
    double started = wsc_now();
    double connect_deadline = effective_deadline(ws, 0);
    if (ws->opt.connect_timeout > 0 && started + ws->opt.connect_timeout < connect_deadline)
        connect_deadline = started + ws->opt.connect_timeout;

    if (make_key(ws->key) != 0)
        return fail(ws, "cannot make a Sec-WebSocket-Key: no randomness");
    if (build_request_headers(ws) != 0 || set_curl_options(ws, connect_deadline) != 0)
        return fail(ws, "cannot set up the request (out of memory?)");

    trace_request(ws);
    CURLcode rc = curl_easy_perform(ws->curl);
    long status = 0;
    if (curl_easy_getinfo(ws->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
        ws->http_status = status;
    if (ws->http_status == 0)
        return transport_failure(ws, rc, started, connect_deadline);

    collect_headers(ws);
    trace_answer(ws);
    if (ws->http_status != 101) {
        if (flags & WSC_WS_ALLOW_REJECT) {
            ws->state = ST_FAILED;
            return set_status(ws, WSC_WS_REJECTED, "upgrade refused with HTTP %ld",
                              ws->http_status);
        }
        return fail(ws, "upgrade refused: HTTP %ld, expected 101", ws->http_status);
    }

    char violations[ERR_MAX] = "";
    verify_upgrade(ws, violations, sizeof violations);
    if (violations[0])
        return fail(ws, "%s", violations);
    if (rc != CURLE_OK)
        return fail(ws, "upgrade to %s failed: %s", ws->opt.url,
                    ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));

    curl_socket_t sock = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(ws->curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK
        || sock == CURL_SOCKET_BAD)
        return fail(ws, "upgrade to %s: no socket after the handshake", ws->opt.url);
    ws->sock = sock;
    ws->handshake_ms = (wsc_now() - started) * 1000.0;
    ws->state = ST_OPEN;
    return ok(ws);
}

struct wsc_ws *wsc_ws_connect(struct wsc_ctx *ctx, const struct wsc_ws_options *opt,
                              double deadline, int flags)
{
    struct wsc_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->ctx = ctx;
    ws->deadline = deadline;
    ws->sock = CURL_SOCKET_BAD;
    ws->state = ST_NEW;
    ws->headers = json_object_new_object();
    ws->chunk = malloc(CHUNK_SIZE);
    if (!ws->headers || !ws->chunk || options_copy(&ws->opt, opt) != 0) {
        wsc_ws_free(ws);
        return NULL;
    }
    if (!ws->opt.url || !is_ws_url(ws->opt.url)) {
        fail(ws, "url: expected a ws:// or wss:// URL, got '%s'",
             ws->opt.url ? ws->opt.url : "");
        return ws;
    }
    if (!(ws->curl = curl_easy_init())) {
        fail(ws, "cannot initialise libcurl");
        return ws;
    }
    handshake(ws, flags);
    return ws;
}

void wsc_ws_free(struct wsc_ws *ws)
{
    if (!ws)
        return;
    if (ws->curl)
        curl_easy_cleanup(ws->curl);
    curl_slist_free_all(ws->request_headers);
    wsc_ws_options_free(&ws->opt);
    json_object_put(ws->headers);
    free(ws->body);
    free(ws->subprotocol);
    free(ws->chunk);
    free(ws->data);
    free(ws);
}

/* ---- accessors ----------------------------------------------------------- */

enum wsc_ws_result wsc_ws_status(const struct wsc_ws *ws)
{
    return ws ? ws->status : WSC_WS_ERROR;
}

const char *wsc_ws_error(const struct wsc_ws *ws)
{
    return ws ? ws->err : "out of memory";
}

double wsc_ws_within(const struct wsc_ctx *ctx, double seconds)
{
    double d = wsc_now() + (seconds > 0 ? seconds : 0);
    if (ctx) {
        double c = wsc_deadline(ctx);
        if (c > 0 && c < d)
            d = c;
    }
    return d;
}

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
    return ws && ws->body ? ws->body : "";
}

const char *wsc_ws_subprotocol(const struct wsc_ws *ws)
{
    return ws ? ws->subprotocol : NULL;
}

double wsc_ws_handshake_ms(const struct wsc_ws *ws)
{
    return ws ? ws->handshake_ms : 0;
}

int wsc_ws_socket(const struct wsc_ws *ws)
{
    return ws && ws->state != ST_NEW && ws->state != ST_FAILED ? (int)ws->sock : -1;
}

CURL *wsc_ws_curl(const struct wsc_ws *ws)
{
    return ws ? ws->curl : NULL;
}

int wsc_ws_peer_close_code(const struct wsc_ws *ws)
{
    return ws ? ws->peer_close_code : 0;
}

const char *wsc_ws_peer_close_reason(const struct wsc_ws *ws)
{
    return ws ? ws->peer_close_reason : "";
}

int wsc_ws_is_closed(const struct wsc_ws *ws)
{
    return !ws || ws->state == ST_CLOSED || ws->state == ST_FAILED || ws->state == ST_NEW;
}

/* ---- sending ------------------------------------------------------------- */

static enum wsc_ws_result send_frame(struct wsc_ws *ws, unsigned int flags,
                                     const char *kind, const void *data, size_t len)
{
    const char *p = data;
    size_t left = len;
    double deadline = effective_deadline(ws, 0);
    int first = 1;
    while (left > 0 || first) {
        size_t sent = 0;
        CURLcode rc = curl_ws_send(ws->curl, p, left, &sent, 0, flags);
        if (rc == CURLE_OK || (rc == CURLE_AGAIN && sent > 0)) {
            p += sent;
            left -= sent;
            first = 0;
            if (rc == CURLE_OK && (left == 0 || sent > 0))
                continue;
        } else if (rc != CURLE_AGAIN) {
            return fail(ws, "sending a %s frame failed: %s", kind,
                        ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));
        }
        int w = wait_socket(ws->sock, POLLOUT, deadline);
        if (w == 0)
            return set_status(ws, WSC_WS_TIMEOUT, "cannot send a %s frame: the peer "
                              "does not read (%zu of %zu bytes sent)", kind,
                              len - left, len);
        if (w < 0)
            return fail(ws, "sending a %s frame failed: %s", kind, strerror(errno));
    }
    trace(ws, "send", kind, data, len);
    return ok(ws);
}

static enum wsc_ws_result send_data(struct wsc_ws *ws, unsigned int flags,
                                    const char *kind, const void *data, size_t len)
{
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (ws->close_sent)
        return set_status(ws, WSC_WS_CLOSED, "cannot send a %s frame after the close frame",
                          kind);
    ws->curl_err[0] = '\0';
    return send_frame(ws, flags, kind, data, len);
}

enum wsc_ws_result wsc_ws_send_text(struct wsc_ws *ws, const char *text, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    return send_data(ws, CURLWS_TEXT, "text", text, len);
}

enum wsc_ws_result wsc_ws_send_binary(struct wsc_ws *ws, const void *data, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    return send_data(ws, CURLWS_BINARY, "binary", data, len);
}

enum wsc_ws_result wsc_ws_send_json(struct wsc_ws *ws, const struct json_object *value)
{
    if (!ws)
        return WSC_WS_ERROR;
    size_t len = 0;
    /* json-c's API takes a non-const object; it does not modify it */
    const char *text = json_object_to_json_string_length((struct json_object *)value,
                                                         JSON_C_TO_STRING_PLAIN, &len);
    if (!text)
        return set_status(ws, WSC_WS_ERROR, "cannot serialise the JSON value");
    return send_data(ws, CURLWS_TEXT, "text", text, len);
}

static enum wsc_ws_result send_control(struct wsc_ws *ws, unsigned int flags,
                                       const char *kind, const void *payload, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (len > CONTROL_MAX)
        return set_status(ws, WSC_WS_ERROR, "a %s payload is at most 125 bytes, got %zu",
                          kind, len);
    return send_data(ws, flags, kind, payload, len);
}

enum wsc_ws_result wsc_ws_send_ping(struct wsc_ws *ws, const void *payload, size_t len)
{
    return send_control(ws, CURLWS_PING, "ping", payload, len);
}

enum wsc_ws_result wsc_ws_send_pong(struct wsc_ws *ws, const void *payload, size_t len)
{
    return send_control(ws, CURLWS_PONG, "pong", payload, len);
}

static enum wsc_ws_result send_close_frame(struct wsc_ws *ws, int code, const char *reason)
{
    unsigned char payload[CONTROL_MAX];
    size_t len = 0;
    if (code > 0) {
        size_t rlen = reason ? strlen(reason) : 0;
        if (rlen > CONTROL_MAX - 2)
            return set_status(ws, WSC_WS_ERROR, "a close reason is at most 123 bytes, got %zu",
                              rlen);
        payload[0] = (unsigned char)((code >> 8) & 0xff);
        payload[1] = (unsigned char)(code & 0xff);
        if (rlen)
            memcpy(payload + 2, reason, rlen);
        len = 2 + rlen;
    }
    ws->curl_err[0] = '\0';
    enum wsc_ws_result r = send_frame(ws, CURLWS_CLOSE, "close", payload, len);
    if (r == WSC_WS_OK)
        ws->close_sent = 1;
    return r;
}

/* ---- receiving ----------------------------------------------------------- */

static enum wsc_ws_result recv_failure(struct wsc_ws *ws, CURLcode rc)
{
    if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE) {
        if (ws->in_frame || ws->data_open)
            return fail(ws, "connection closed by the peer in the middle of a %s",
                        ws->in_frame ? "frame" : "fragmented message");
        if (rc == CURLE_GOT_NOTHING || !ws->curl_err[0])
            return fail(ws, "connection closed by the peer without a close frame (1006)");
    }
    return fail(ws, "receiving failed: %s",
                ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));
}

/* msg->at is when the message's last chunk was read: before any tracing,
 * so that round trips measure the network and the peer, not us. */
static void fill_msg(const struct wsc_ws *ws, struct wsc_ws_msg *msg, enum wsc_ws_kind kind,
                     const char *data, size_t len, int close_code)
{
    if (!msg)
        return;
    msg->kind = kind;
    msg->data = data;
    msg->len = len;
    msg->close_code = close_code;
    msg->at = ws->chunk_at;
}

/* The peer's close arrived: remember it, echo it, report it. */
static void on_peer_close(struct wsc_ws *ws, struct wsc_ws_msg *msg)
{
    int code = 1005;
    const char *reason = "";
    size_t rlen = 0;
    if (ws->control_len >= 2) {
        code = ((unsigned char)ws->control[0] << 8) | (unsigned char)ws->control[1];
        reason = ws->control + 2;
        rlen = ws->control_len - 2;
    }
    ws->peer_close_code = code;
    memcpy(ws->peer_close_reason, reason, rlen);
    ws->peer_close_reason[rlen] = '\0';
    trace(ws, "recv", "close", ws->control, ws->control_len);
    if (!ws->close_sent) {
        /* RFC 6455 5.5.1: answer with a close, echoing the status code */
        int echo = code == 1005 ? 0 : code;
        if (send_close_frame(ws, echo, NULL) != WSC_WS_OK && ws->ctx)
            wsc_debug(ws->ctx, "echoing the peer's close failed: %s", ws->err);
    }
    ws->state = ST_CLOSED;
    fill_msg(ws, msg, WSC_WS_CLOSE, ws->peer_close_reason, rlen, code);
}

static int grow_data(struct wsc_ws *ws, size_t need)
{
    if (need + 1 <= ws->data_cap)
        return 0;
    size_t cap = ws->data_cap ? ws->data_cap : 256;
    while (cap < need + 1)
        cap *= 2;
    char *grown = realloc(ws->data, cap);
    if (!grown)
        return -1;
    ws->data = grown;
    ws->data_cap = cap;
    return 0;
}

/* One chunk of a text/binary frame. Returns 1 when a message is complete,
 * 0 when more is needed, -1 on failure (status set). */
static int take_data(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n)
{
    if (!ws->data_open) {
        ws->data_open = 1;
        ws->data_len = 0;
        ws->data_kind = (meta->flags & CURLWS_BINARY) ? WSC_WS_BINARY : WSC_WS_TEXT;
    }
    size_t max = ws->opt.max_message_size;
    curl_off_t left = meta->bytesleft > 0 ? meta->bytesleft : 0;
    if ((curl_off_t)(ws->data_len + n) + left > (curl_off_t)max) {
        /* tell the peer why (1009), best effort, then give up on it */
        if (!ws->close_sent)
            (void)send_close_frame(ws, 1009, "message too big");
        fail(ws, "message larger than max_message_size %zu", max);
        return -1;
    }
    if (grow_data(ws, ws->data_len + n + (size_t)left) != 0) {
        fail(ws, "out of memory reassembling a message of %zu bytes", ws->data_len + n);
        return -1;
    }
    memcpy(ws->data + ws->data_len, ws->chunk, n);
    ws->data_len += n;
    ws->data[ws->data_len] = '\0';
    ws->in_frame = left > 0;
    if (left > 0 || (meta->flags & CURLWS_CONT))
        return 0;
    ws->data_open = 0;
    return 1;
}

/* One chunk of a control frame. Returns 1 when the frame is complete. */
static int take_control(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n)
{
    if (meta->offset == 0)
        ws->control_len = 0;
    size_t room = CONTROL_MAX - ws->control_len;
    size_t take = n < room ? n : room;
    memcpy(ws->control + ws->control_len, ws->chunk, take);
    ws->control_len += take;
    ws->control[ws->control_len] = '\0';
    ws->in_frame = meta->bytesleft > 0;
    return meta->bytesleft > 0 ? 0 : 1;
}

/* Handles one chunk from curl_ws_recv(). Returns 1 when `msg` holds a message
 * the caller wants, 0 to go on, -1 on failure. */
static int dispatch(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n,
                    unsigned want, struct wsc_ws_msg *msg)
{
    int flags = meta->flags;
    if (flags & CURLWS_CLOSE) {
        if (take_control(ws, meta, n) == 1) {
            on_peer_close(ws, msg);
            return 1;
        }
        return 0;
    }
    if (flags & (CURLWS_PING | CURLWS_PONG)) {
        if (take_control(ws, meta, n) == 0)
            return 0;
        enum wsc_ws_kind kind = (flags & CURLWS_PING) ? WSC_WS_PING : WSC_WS_PONG;
        trace(ws, "recv", kind_name(kind), ws->control, ws->control_len);
        if (kind == WSC_WS_PING && ws->opt.observe_pings && !ws->close_sent
            && send_frame(ws, CURLWS_PONG, "pong", ws->control, ws->control_len) != WSC_WS_OK)
            return -1;
        if (!(want & kind))
            return 0;
        fill_msg(ws, msg, kind, ws->control, ws->control_len, 0);
        return 1;
    }
    if (flags & (CURLWS_TEXT | CURLWS_BINARY | CURLWS_CONT)) {
        int done = take_data(ws, meta, n);
        if (done <= 0)
            return done;
        trace(ws, "recv", kind_name(ws->data_kind), ws->data, ws->data_len);
        ws->reset_pending = 1;
        if (!(want & ws->data_kind))
            return 0;
        fill_msg(ws, msg, ws->data_kind, ws->data, ws->data_len, 0);
        return 1;
    }
    fail(ws, "received a frame of unknown type (flags 0x%x)", (unsigned)flags);
    return -1;
}

enum wsc_ws_result wsc_ws_recv(struct wsc_ws *ws, struct wsc_ws_msg *msg, unsigned want,
                               double deadline)
{
    if (!ws)
        return WSC_WS_ERROR;
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (want == 0)
        want = WSC_WS_ANY;
    double started = wsc_now();
    double until = effective_deadline(ws, deadline);
    for (;;) {
        if (ws->reset_pending && !ws->data_open) {
            ws->data_len = 0;
            ws->reset_pending = 0;
        }
        size_t n = 0;
        const struct curl_ws_frame *meta = NULL;
        ws->curl_err[0] = '\0';
        CURLcode rc = curl_ws_recv(ws->curl, ws->chunk, CHUNK_SIZE, &n, &meta);
        if (rc == CURLE_OK && meta) {
            ws->chunk_at = wsc_now();
            int got = dispatch(ws, meta, n, want, msg);
            if (got < 0)
                return ws->status; /* set by whatever failed */
            if (got > 0)
                return ok(ws);
            continue;
        }
        if (rc != CURLE_AGAIN)
            return recv_failure(ws, rc);
        int w = wait_socket(ws->sock, POLLIN, until);
        if (w < 0)
            return fail(ws, "waiting for data failed: %s", strerror(errno));
        if (w == 0)
            return set_status(ws, WSC_WS_TIMEOUT, "no %s within %.3f s",
                              want == WSC_WS_PONG ? "pong" : "message", until - started);
    }
}

enum wsc_ws_result wsc_ws_recv_json(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                    struct json_object **value, double deadline)
{
    *value = NULL;
    enum wsc_ws_result r = wsc_ws_recv(ws, msg, WSC_WS_DATA, deadline);
    if (r != WSC_WS_OK || msg->kind != WSC_WS_TEXT)
        return r;
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return set_status(ws, WSC_WS_ERROR, "out of memory");
    struct json_object *v = json_tokener_parse_ex(tok, msg->data, (int)msg->len);
    if (v && (json_tokener_get_error(tok) != json_tokener_success
              || tok->char_offset != (int)msg->len)) {
        json_object_put(v);
        v = NULL;
    }
    json_tokener_free(tok);
    *value = v;
    return WSC_WS_OK;
}

/* ---- close handshake ----------------------------------------------------- */

enum wsc_ws_result wsc_ws_close(struct wsc_ws *ws, int code, const char *reason,
                                double deadline)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (ws->state == ST_CLOSED && ws->peer_close_code)
        return ok(ws); /* the peer began it and we echoed it */
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (!ws->close_sent && send_close_frame(ws, code, reason) != WSC_WS_OK)
        return ws->status;
    ws->state = ST_CLOSING;
    double started = wsc_now();
    double until = effective_deadline(ws, deadline);
    struct wsc_ws_msg m;
    r = wsc_ws_recv(ws, &m, WSC_WS_CLOSE, until);
    if (r == WSC_WS_OK)
        return ok(ws);
    if (r == WSC_WS_TIMEOUT)
        return set_status(ws, WSC_WS_TIMEOUT, "no close frame from the peer within %.3f s",
                          until - started);
    if (strstr(ws->err, "without a close frame"))
        return fail(ws, "connection closed by the peer without answering the close frame");
    return r;
}

/* ---- round trips --------------------------------------------------------- */

enum wsc_ws_result wsc_ws_ping_rtt(struct wsc_ws *ws, const void *payload, size_t len,
                                   double deadline, double *rtt_ms)
{
    if (rtt_ms)
        *rtt_ms = 0;
    if (!ws)
        return WSC_WS_ERROR;
    double until = effective_deadline(ws, deadline);
    double sent_at = wsc_now();
    enum wsc_ws_result r = wsc_ws_send_ping(ws, payload, len);
    if (r != WSC_WS_OK)
        return r;
    for (;;) {
        struct wsc_ws_msg m;
        r = wsc_ws_recv(ws, &m, WSC_WS_PONG, until);
        if (r == WSC_WS_TIMEOUT)
            return set_status(ws, WSC_WS_TIMEOUT, "no pong within %.3f s",
                              until - sent_at);
        if (r != WSC_WS_OK)
            return r;
        if (m.kind == WSC_WS_CLOSE)
            return set_status(ws, WSC_WS_CLOSED, "the peer closed the connection "
                              "(code %d, reason '%s') while a pong was awaited",
                              m.close_code, m.data);
        if (m.len == len && memcmp(m.data, payload, len) == 0) {
            if (rtt_ms)
                *rtt_ms = (m.at - sent_at) * 1000.0;
            return ok(ws);
        }
        if (ws->ctx)
            wsc_debug(ws->ctx, "ignoring a pong that does not echo the last ping "
                      "(%zu bytes)", m.len);
    }
}
