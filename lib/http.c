/* HTTP requests for checks: one libcurl easy transfer per request, bounded in
 * time (the check's deadline) and in memory (max_body). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "wscheck/http.h"
#include "wscheck/json.h"
#include "curl_errors.h"
#include "http_status_line.h"
#include "json_util.h"
#include "trace_head.h"
#include "util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

/* What the callbacks of one transfer share. */
struct transfer {
    struct wsc_ctx *ctx;
    struct wsc_buf body; /* what is kept of it: nothing when discarding */
    size_t len, max;     /* bytes received; the most that may be kept */
    int discard;
    int too_large;
    int out_of_memory;
    struct wsc_status_line bad_line; /* the first malformed status line */
    int status_line_bad;
    struct wsc_buf head; /* the answer's header block so far, for the trace */
};

/* ---- Callbacks ------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct transfer *t = arg;
    size_t n = size * nmemb;
    if (t->discard) {
        t->len += n;
        return n;
    }
    if (n > t->max - t->len) {
        t->too_large = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    wsc_buf_append(&t->body, data, n);
    if (t->body.failed) {
        t->out_of_memory = 1;
        return 0;
    }
    t->len += n;
    return n;
}

/* The header block of every response (1xx, redirects, the final one) goes
 * to the trace; the headers themselves are read after the transfer. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct transfer *t = arg;
    size_t n = size * nmemb;
    wsc_trace_head_line(t->ctx, &t->head, data, n);
    if (!wsc_is_status_line(data, n))
        return n;
    /* libcurl reads "HTTP/1.1 2000 OK" as 200: we read the line ourselves */
    struct wsc_status_line l;
    if (wsc_status_line_parse(data, n, &l) != 0 && !t->status_line_bad) {
        t->bad_line = l;
        t->status_line_bad = 1;
    }
    return n;
}

/* The request line and headers as sent (one block per request when
 * redirects are followed). */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t n, void *arg)
{
    (void)curl;
    struct transfer *t = arg;
    if (type == CURLINFO_HEADER_OUT)
        wsc_trace_head_sent(t->ctx, data, n);
    return 0;
}

/* ---- Request set-up -------------------------------------------------------- */

static int is_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
            return 0;
    return 1;
}

static int is_credential_header(const char *name)
{
    static const char *const names[] = {"authorization", "proxy-authorization", "cookie",
                                        "x-api-key", "x-auth-token"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* "Bearer abc" is a secret, and so is "abc" alone in case a server echoes it. */
static void register_secret(struct wsc_ctx *ctx, const char *value)
{
    if (!ctx)
        return;
    wsc_secret(ctx, value);
    const char *sp = strchr(value, ' ');
    if (sp && strlen(sp + 1) >= 4)
        wsc_secret(ctx, sp + 1);
}

/* One header for libcurl: "Name: value", "Name;" (empty value) or "Name:"
 * (removes the header libcurl would send). */
static char *header_line(const char *name, const struct json_object *v, char **err)
{
    if (!is_token(name)) {
        *err = wsc_strdup_printf("invalid header name '%s'", name);
        return NULL;
    }
    if (!v)
        return wsc_strdup_printf("%s:", name);
    const char *value = json_object_get_string((struct json_object *)v);
    if (strpbrk(value, "\r\n")) {
        *err = wsc_strdup_printf("header %s: value contains a line break", name);
        return NULL;
    }
    if (!*value)
        return wsc_strdup_printf("%s;", name);
    return wsc_strdup_printf("%s: %s", name, value);
}

/* The request headers as a libcurl list; credential values become secrets. */
static int build_headers(struct wsc_ctx *ctx, const struct wsc_http_request *req,
                         const char *json_body, struct curl_slist **list, char **err)
{
    int has_content_type = 0;
    if (req->headers && json_object_is_type(req->headers, json_type_object)) {
        json_object_object_foreach((struct json_object *)req->headers, name, v) {
            char *line = header_line(name, v, err);
            if (!line)
                return -1;
            if (v && is_credential_header(name))
                register_secret(ctx, json_object_get_string(v));
            has_content_type |= strcasecmp(name, "content-type") == 0;
            struct curl_slist *l = curl_slist_append(*list, line);
            free(line);
            if (!l)
                goto oom;
            *list = l;
        }
    }
    if (json_body && !has_content_type) {
        struct curl_slist *l = curl_slist_append(*list, "Content-Type: application/json");
        if (!l)
            goto oom;
        *list = l;
    }
    return 0;
oom:
    *err = strdup("out of memory");
    return -1;
}

/* A password in the URL (https://user:pw@host/) is a secret too. */
static void register_url_secret(struct wsc_ctx *ctx, const char *url)
{
    CURLU *u = curl_url();
    char *pw = NULL;
    if (ctx && u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK)
        wsc_secret(ctx, pw);
    curl_free(pw);
    curl_url_cleanup(u);
}

/* Method and body. GET, POST and HEAD keep libcurl's own handling (so a 303
 * turns a POST into a GET when following); other methods are sent as is. */
static int set_method_and_body(CURL *c, const char *method, const char *body, size_t len)
{
    int ok = 1;
    if (strcmp(method, "HEAD") == 0)
        ok &= curl_easy_setopt(c, CURLOPT_NOBODY, 1L) == CURLE_OK;
    if (body || strcmp(method, "POST") == 0) {
        ok &=
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body ? body : "") == CURLE_OK;
    }
    if (strcmp(method, "POST") != 0 && strcmp(method, "HEAD") != 0 &&
        (strcmp(method, "GET") != 0 || body))
        ok &= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) == CURLE_OK;
    return ok ? 0 : -1;
}

static int set_tls(CURL *c, const struct wsc_http_tls *tls)
{
    int ok = 1;
    if (tls->ca_file)
        ok &= curl_easy_setopt(c, CURLOPT_CAINFO, tls->ca_file) == CURLE_OK;
    if (tls->insecure) {
        ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK;
    }
    if (tls->client_cert)
        ok &= curl_easy_setopt(c, CURLOPT_SSLCERT, tls->client_cert) == CURLE_OK;
    if (tls->client_key)
        ok &= curl_easy_setopt(c, CURLOPT_SSLKEY, tls->client_key) == CURLE_OK;
    return ok ? 0 : -1;
}

static int set_common(CURL *c, const struct wsc_http_request *req, struct transfer *t,
                      long timeout_ms)
{
    int ok = 1;
    ok &= curl_easy_setopt(c, CURLOPT_URL, req->url) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
    /* CURLOPT_NOSIGNAL stays off: libcurl then ignores SIGPIPE while it
     * writes to a peer that hung up (a check must never die of it). */
    ok &= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_USERAGENT, "wscheck/" PACKAGE_VERSION) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L) ==
          CURLE_OK;
    ok &=
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)WSC_HTTP_MAX_REDIRECTS) == CURLE_OK;
    if (!t->discard)
        ok &= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max) ==
              CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_WRITEDATA, t) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_HEADERDATA, t) == CURLE_OK;
    if (t->ctx) {
        /* Verbose output goes to on_debug only, never to stderr. */
        ok &= curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_DEBUGDATA, t) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_VERBOSE, 1L) == CURLE_OK;
    }
    return ok ? 0 : -1;
}

/* ---- The response ---------------------------------------------------------- */

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Headers of the last response, names lower-cased, repeats joined. */
static struct json_object *collect_headers(CURL *c)
{
    struct json_object *o = json_object_new_object();
    struct curl_header *h = NULL;
    while (o && (h = curl_easy_nextheader(c, CURLH_HEADER, -1, h)) != NULL) {
        char *name = strdup(h->name);
        if (!name)
            break;
        lower(name);
        struct json_object *prev = NULL;
        struct json_object *v;
        if (json_object_object_get_ex(o, name, &prev)) {
            char *joined =
                wsc_strdup_printf("%s, %s", json_object_get_string(prev), h->value);
            v = joined ? json_object_new_string(joined) : NULL;
            free(joined);
        } else {
            v = json_object_new_string(h->value);
        }
        if (v)
            json_object_object_add(o, name, v);
        free(name);
    }
    return o;
}

/* Parses a body declared as JSON (or looking like an object or array). */
static void parse_body(struct wsc_http_response *resp)
{
    struct json_object *ct = NULL;
    json_object_object_get_ex(resp->headers, "content-type", &ct);
    int declared = wsc_json_is_content_type(ct ? json_object_get_string(ct) : NULL);
    size_t i = 0;
    while (i < resp->body_len && isspace((unsigned char)resp->body[i]))
        i++;
    int looks = i < resp->body_len && (resp->body[i] == '{' || resp->body[i] == '[');
    if (!declared && !looks)
        return;
    char *why = NULL;
    resp->json = wsc_json_parse_body(resp->body, resp->body_len, WSC_JSON_BODY_MAX, &why);
    if (declared && !resp->json)
        resp->json_error = why ? why : strdup("invalid JSON");
    else
        free(why);
}

static double ms_info(CURL *c, CURLINFO what)
{
    curl_off_t us = 0;
    if (curl_easy_getinfo(c, what, &us) != CURLE_OK)
        return 0;
    return (double)us / 1000.0;
}

static void read_timings(CURL *c, struct wsc_http_response *resp)
{
    double dns = ms_info(c, CURLINFO_NAMELOOKUP_TIME_T);
    double conn = ms_info(c, CURLINFO_CONNECT_TIME_T);
    double tls = ms_info(c, CURLINFO_APPCONNECT_TIME_T);
    resp->dns_ms = dns;
    resp->connect_ms = conn > dns ? conn - dns : 0;
    resp->tls_ms = tls > conn ? tls - conn : 0;
    resp->ttfb_ms = ms_info(c, CURLINFO_STARTTRANSFER_TIME_T);
    resp->total_ms = ms_info(c, CURLINFO_TOTAL_TIME_T);
}

static int read_response(CURL *c, struct transfer *t, struct wsc_http_response *resp)
{
    char *url = NULL;
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_REDIRECT_COUNT, &resp->redirects) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK)
        return -1;
    resp->url = strdup(url ? url : "");
    resp->headers = collect_headers(c);
    resp->body_len = t->len;
    resp->body = t->discard ? strdup("") : wsc_buf_take(&t->body); /* "" when empty */
    if (!resp->url || !resp->headers || !resp->body)
        return -1;
    if (!t->discard)
        parse_body(resp);
    read_timings(c, resp);
    return 0;
}

/* ---- Errors ---------------------------------------------------------------- */

/* The URL of `what` ("METHOD URL"). */
static const char *url_of(const char *what)
{
    const char *space = strchr(what, ' ');
    return space ? space + 1 : what;
}

static char *timeout_message(CURL *c, const char *what, double seconds)
{
    if (ms_info(c, CURLINFO_CONNECT_TIME_T) <= 0) {
        char *hp = wsc_curl_url_host(c, url_of(what), 1);
        if (!hp)
            return NULL;
        char *m = wsc_strdup_printf("connect to %s: timed out after %.1f s", hp, seconds);
        free(hp);
        return m;
    }
    if (ms_info(c, CURLINFO_STARTTRANSFER_TIME_T) <= 0)
        return wsc_strdup_printf("%s: no response within %.1f s", what, seconds);
    return wsc_strdup_printf("%s: response not complete within %.1f s", what, seconds);
}

/* One sentence for a failed transfer; `what` is "METHOD URL". */
static char *transfer_error(CURL *c, CURLcode rc, const struct transfer *t,
                            const char *what, const char *errbuf, double seconds)
{
    if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return wsc_strdup_printf("%s: response body larger than %zu bytes", what, t->max);
    if (t->out_of_memory || rc == CURLE_OUT_OF_MEMORY)
        return wsc_strdup_printf("%s: out of memory", what);
    const char *detail = *errbuf ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return timeout_message(c, what, seconds);
    case CURLE_COULDNT_CONNECT:
        return wsc_curl_connect_error(c, url_of(what), detail);
    case CURLE_COULDNT_RESOLVE_HOST: {
        char *hp = wsc_curl_url_host(c, url_of(what), 0);
        if (!hp)
            return NULL;
        char *m = wsc_strdup_printf("cannot resolve host %s", hp);
        free(hp);
        return m;
    }
    case CURLE_URL_MALFORMAT:
        return wsc_strdup_printf("%s: invalid URL (%s)", what, detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
        return wsc_strdup_printf("%s: only http:// and https:// URLs are supported",
                                 what);
    case CURLE_TOO_MANY_REDIRECTS:
        return wsc_strdup_printf("%s: more than %d redirects", what,
                                 WSC_HTTP_MAX_REDIRECTS);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return wsc_strdup_printf("%s: TLS: %s", what, detail);
    default:
        return wsc_strdup_printf("%s: %s", what, detail);
    }
}

/* ---- The request ----------------------------------------------------------- */

/* The time a request may take, and in *named the limit a timeout message
 * names: the one the user set that was the bound (the request's timeout,
 * else the test's), not the time that happened to be left when the request
 * started. */
static double request_seconds(const struct wsc_ctx *ctx,
                              const struct wsc_http_request *req, double *named)
{
    double s = req->timeout > 0 ? req->timeout : 0;
    *named = s;
    if (ctx) {
        double left = wsc_remaining(ctx);
        if (s <= 0 || left < s) {
            s = left;
            *named = wsc_timeout(ctx);
        }
    }
    return s;
}

static int valid_method(const char *m)
{
    for (const char *p = m; *p; p++)
        if (!isupper((unsigned char)*p))
            return 0;
    return is_token(m);
}

/* Everything after the easy handle exists. */
static int perform(CURL *c, struct wsc_ctx *ctx, const struct wsc_http_request *req,
                   const char *method, const char *what, struct wsc_http_response *resp,
                   char **err)
{
    double named_limit;
    double seconds = request_seconds(ctx, req, &named_limit);
    long timeout_ms = (long)(seconds * 1000.0);
    if (timeout_ms < 1) {
        *err = wsc_strdup_printf("%s: no time left before the test's deadline", what);
        return -1;
    }
    char *json_body = req->body || !req->json
                          ? NULL
                          : strdup(json_object_to_json_string_ext(
                                (struct json_object *)req->json,
                                JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    if (!req->body && req->json && !json_body) {
        *err = strdup("out of memory");
        return -1;
    }
    struct transfer t = {.ctx = ctx,
                         .discard = req->discard_body,
                         .max = req->max_body ? req->max_body : WSC_HTTP_MAX_BODY};
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    int rc = -1;
    if (build_headers(ctx, req, json_body, &headers, err) != 0)
        goto out;
    if (set_common(c, req, &t, timeout_ms) != 0 || set_tls(c, &req->tls) != 0 ||
        set_method_and_body(c, method, req->body ? req->body : json_body,
                            req->body   ? req->body_len
                            : json_body ? strlen(json_body)
                                        : 0) != 0 ||
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
        *err = wsc_strdup_printf("%s: cannot set up the request", what);
        goto out;
    }
    CURLcode cc = curl_easy_perform(c);
    if (t.status_line_bad) {
        *err = wsc_strdup_printf("%s: malformed status line '%s' (expected e.g. "
                                 "'HTTP/1.1 200 OK')",
                                 what, t.bad_line.text);
        goto out;
    }
    if (cc != CURLE_OK) {
        *err = transfer_error(c, cc, &t, what, errbuf, named_limit);
        goto out;
    }
    if (read_response(c, &t, resp) != 0) {
        *err = wsc_strdup_printf("%s: out of memory", what);
        goto out;
    }
    rc = 0;
out:
    wsc_trace_head_flush(ctx, &t.head); /* an answer cut short */
    wsc_buf_free(&t.head);
    wsc_buf_free(&t.body);
    free(json_body);
    curl_slist_free_all(headers);
    return rc;
}

#define REQUEST_KNOWN WSC_END_OF(struct wsc_http_request, tls)
#define RESPONSE_KNOWN WSC_END_OF(struct wsc_http_response, total_ms)

static int send_request(struct wsc_ctx *ctx, const struct wsc_http_request *req,
                        struct wsc_http_response *resp, char **err)
{
    const char *method = req->method && *req->method ? req->method : "GET";
    if (!req->url || !*req->url) {
        *err = strdup("no URL given");
        return -1;
    }
    if (!valid_method(method)) {
        *err = wsc_strdup_printf("invalid method '%s' (expected e.g. GET, POST, PUT)",
                                 method);
        return -1;
    }
    char *what = wsc_strdup_printf("%s %s", method, req->url);
    CURL *c = curl_easy_init();
    int rc = -1;
    if (!what || !c) {
        *err = strdup("out of memory");
    } else {
        register_url_secret(ctx, req->url);
        rc = perform(c, ctx, req, method, what, resp, err);
    }
    if (rc != 0) {
        wsc_http_response_free(resp);
        if (!*err)
            *err = strdup("out of memory");
    }
    curl_easy_cleanup(c);
    free(what);
    return rc;
}

/* Why the plugin's structs cannot be used, or NULL (the growth rule). */
static char *unusable(const struct wsc_http_request *req, size_t req_size,
                      size_t resp_size)
{
    if (req_size < REQUEST_KNOWN || resp_size < RESPONSE_KNOWN)
        return wsc_strdup_printf("struct wsc_http_%s of %zu bytes is smaller than ABI "
                                 "%u's: rebuild the plugin against its headers",
                                 req_size < REQUEST_KNOWN ? "request" : "response",
                                 req_size < REQUEST_KNOWN ? req_size : resp_size,
                                 WSC_ABI_VERSION);
    if (!wsc_all_zero(req, REQUEST_KNOWN, req_size))
        return wsc_strdup_printf("struct wsc_http_request sets members this wscheck (%s) "
                                 "does not know: the plugin was built for a newer "
                                 "wscheck",
                                 WSC_VERSION);
    return NULL;
}

/* The response is built in a struct of this build's layout and copied into
 * the plugin's as far as both go; members this build does not know are
 * zeroed. */
int wsc_http_request_sized(struct wsc_ctx *ctx, const struct wsc_http_request *req,
                           size_t req_size, struct wsc_http_response *resp,
                           size_t resp_size, char **err)
{
    *err = NULL;
    memset(resp, 0, resp_size);
    if ((*err = unusable(req, req_size, resp_size)) != NULL)
        return -1;
    struct wsc_http_response got;
    memset(&got, 0, sizeof got);
    int rc = send_request(ctx, req, &got, err);
    memcpy(resp, &got, resp_size < sizeof got ? resp_size : sizeof got);
    return rc;
}

void wsc_http_response_free_sized(struct wsc_http_response *resp, size_t size)
{
    if (!resp || size < RESPONSE_KNOWN)
        return;
    json_object_put(resp->headers);
    json_object_put(resp->json);
    free(resp->body);
    free(resp->json_error);
    free(resp->url);
    memset(resp, 0, size);
}

/* ---- Helpers for checks ---------------------------------------------------- */

static const char *param_string(const struct json_object *params, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(params, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

void wsc_http_request_from_params_sized(struct wsc_http_request *req, size_t size,
                                        const struct json_object *params)
{
    struct json_object *v = NULL;
    if (size < REQUEST_KNOWN)
        return; /* wsc_http_request() will say why */
    req->url = param_string(params, "url");
    if (json_object_object_get_ex(params, "headers", &v) &&
        json_object_is_type(v, json_type_object))
        req->headers = v;
    req->tls.ca_file = param_string(params, "ca_file");
    req->tls.client_cert = param_string(params, "client_cert");
    req->tls.client_key = param_string(params, "client_key");
    if (json_object_object_get_ex(params, "insecure", &v))
        req->tls.insecure = json_object_get_boolean(v);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    if (s[0] > 0 && s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
                 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                                : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* overlong 3- and 4-byte forms, surrogates, beyond U+10FFFF */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return len;
}

struct json_object *wsc_http_body_text(const char *body, size_t len, size_t max)
{
    const unsigned char *s = (const unsigned char *)body;
    struct wsc_buf b = {0};
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_seq(s + i, len - i);
        if (i + (n ? n : 1) > max)
            break;
        if (n)
            wsc_buf_append(&b, body + i, n);
        else
            wsc_buf_append(&b, "\xef\xbf\xbd", 3);
        i += n ? n : 1;
    }
    char *text = wsc_buf_take(&b);
    struct json_object *j =
        text ? json_object_new_string_len(text, (int)strlen(text)) : NULL;
    free(text);
    return j;
}
