/* An HTTP/1.1 response read incrementally (RFC 9112): the status line and
 * headers once the head is complete, then a body delimited by
 * Content-Length, by chunked transfer coding or by the connection's close.
 * Every piece of network input is bounded: the head by
 * WSC_LOAD_HTTP_HEAD_MAX, a chunk-size line by WSC_LOAD_HTTP_CHUNK_LINE_MAX,
 * the body by max_body (error too_big). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_status_line.h"
#include "load_http.h"
#include "util.h"

enum state {
    S_HEAD,
    S_LENGTH,      /* Content-Length body */
    S_CHUNK_SIZE,  /* the chunk-size line */
    S_CHUNK_DATA,  /* chunk data */
    S_CHUNK_CRLF,  /* the line end after chunk data */
    S_TRAILER,     /* trailer fields, up to the empty line */
    S_UNTIL_CLOSE, /* a body that ends with the connection */
    S_DONE,
    S_FAILED
};

void wsc_load_http_resp_init(struct wsc_load_http_resp *r, size_t max_body, int head_only,
                             int keep_body)
{
    memset(r, 0, sizeof *r);
    r->max_body = max_body;
    r->head_only = head_only;
    r->keep_body = keep_body;
    r->state = S_HEAD;
}

void wsc_load_http_resp_free(struct wsc_load_http_resp *r)
{
    json_object_put(r->headers);
    r->headers = NULL;
    wsc_buf_free(&r->body);
}

__attribute__((format(printf, 3, 4))) static enum wsc_load_http_rc fail(
    struct wsc_load_http_resp *r, enum wsc_load_error e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->error = e;
    r->state = S_FAILED;
    return WSC_LOAD_HTTP_ERROR;
}

const char *wsc_load_http_header(const struct wsc_load_http_resp *r, const char *name)
{
    struct json_object *v = NULL;
    if (!r->headers || !json_object_object_get_ex(r->headers, name, &v))
        return NULL;
    return json_object_get_string(v);
}

/* The end of the line starting at p[from] (the index of its LF), or n. */
static size_t line_end(const unsigned char *p, size_t from, size_t n)
{
    const unsigned char *lf = memchr(p + from, '\n', n - from);
    return lf ? (size_t)(lf - p) : n;
}

/* The length of a line without its CR LF (or bare LF). */
static size_t text_len(const unsigned char *p, size_t start, size_t lf)
{
    return lf > start && p[lf - 1] == '\r' ? lf - 1 - start : lf - start;
}

/* Where the head (or a trailer section) ends: the index just past the empty
 * line that closes it, or 0 while it is not all there. The scan resumes
 * where the previous one stopped. */
static size_t block_end(struct wsc_load_http_resp *r, const unsigned char *p, size_t n)
{
    size_t start = r->head_seen;
    for (;;) {
        size_t lf = line_end(p, start, n);
        if (lf == n) {
            r->head_seen = start;
            return 0;
        }
        if (text_len(p, start, lf) == 0) {
            r->head_seen = 0;
            return lf + 1;
        }
        start = lf + 1;
    }
}

static int tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Adds one header, lower-cased; a repeated one is joined with ", ". */
static int add_header(struct wsc_load_http_resp *r, const char *name, size_t nlen,
                      const char *value, size_t vlen)
{
    char key[128];
    if (nlen >= sizeof key)
        nlen = sizeof key - 1; /* a longer name is kept cut: it is only read */
    for (size_t i = 0; i < nlen; i++)
        key[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    key[nlen] = '\0';
    struct json_object *old = NULL, *v;
    if (json_object_object_get_ex(r->headers, key, &old)) {
        char *joined =
            wsc_strdup_printf("%s, %.*s", json_object_get_string(old), (int)vlen, value);
        v = joined ? json_object_new_string(joined) : NULL;
        free(joined);
    } else {
        v = json_object_new_string_len(value, (int)vlen);
    }
    return v && json_object_object_add(r->headers, key, v) == 0 ? 0 : -1;
}

/* name ":" OWS value OWS, with no white space before the colon. */
static enum wsc_load_http_rc header_line(struct wsc_load_http_resp *r, const char *s,
                                         size_t len)
{
    size_t i = 0;
    while (i < len && tchar((unsigned char)s[i]))
        i++;
    if (i == 0 || i == len || s[i] != ':')
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "malformed header line \"%.*s\"",
                    (int)(len < 60 ? len : 60), s);
    size_t v = i + 1, e = len;
    while (v < e && (s[v] == ' ' || s[v] == '\t'))
        v++;
    while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    for (size_t k = v; k < e; k++)
        if (s[k] == '\0' || s[k] == '\r')
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "a control character in header %.*s",
                        (int)i, s);
    if (add_header(r, s, i, s + v, e - v) != 0)
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "out of memory");
    return WSC_LOAD_HTTP_MORE;
}

/* Content-Length: digits only, one value (repeats must agree). */
static int content_length(const char *v, uint64_t *out)
{
    uint64_t n = 0;
    int digits = 0, have = 0;
    for (const char *p = v;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n > (UINT64_MAX - 9) / 10)
                return -1;
            n = n * 10 + (uint64_t)(*p - '0');
            digits++;
            continue;
        }
        if (*p != ',' && *p != '\0')
            return -1;
        if (!digits || (have && n != *out))
            return -1;
        *out = n;
        have = 1;
        if (*p == '\0')
            return 0;
        n = 0;
        digits = 0;
        while (p[1] == ' ')
            p++;
    }
}

/* Is the last transfer coding "chunked"? */
static int chunked_last(const char *te)
{
    const char *last = strrchr(te, ',');
    last = last ? last + 1 : te;
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strlen(last);
    while (n > 0 && (last[n - 1] == ' ' || last[n - 1] == '\t'))
        n--;
    return n == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* Does a Connection header hold the token `tok`? */
static int has_token(const char *list, const char *tok)
{
    size_t tl = strlen(tok);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ", \t");
        if (n == tl && strncasecmp(p, tok, tl) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* How the body is delimited, once the headers are known (RFC 9112 6.3). */
static enum wsc_load_http_rc framing(struct wsc_load_http_resp *r)
{
    const char *conn = wsc_load_http_header(r, "connection");
    r->close =
        has_token(conn, "close") || (r->minor == 0 && !has_token(conn, "keep-alive"));
    if (r->head_only || r->status == 204 || r->status == 304) {
        r->state = S_DONE;
        return WSC_LOAD_HTTP_DONE;
    }
    const char *te = wsc_load_http_header(r, "transfer-encoding");
    if (te) {
        r->state = chunked_last(te) ? S_CHUNK_SIZE : S_UNTIL_CLOSE;
        r->close |= r->state == S_UNTIL_CLOSE;
        return WSC_LOAD_HTTP_MORE;
    }
    const char *cl = wsc_load_http_header(r, "content-length");
    if (!cl) {
        r->state = S_UNTIL_CLOSE;
        r->close = 1;
        return WSC_LOAD_HTTP_MORE;
    }
    if (content_length(cl, &r->remaining) != 0)
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "malformed Content-Length \"%.40s\"", cl);
    if (r->remaining > r->max_body)
        return fail(r, WSC_LOAD_ERR_TOO_BIG,
                    "response body of %llu bytes, over the limit of %zu",
                    (unsigned long long)r->remaining, r->max_body);
    r->state = r->remaining ? S_LENGTH : S_DONE;
    return r->remaining ? WSC_LOAD_HTTP_MORE : WSC_LOAD_HTTP_DONE;
}

/* The status line and header lines of a complete head p[0..n). */
static enum wsc_load_http_rc parse_head(struct wsc_load_http_resp *r,
                                        const unsigned char *p, size_t n)
{
    size_t lf = line_end(p, 0, n);
    struct wsc_status_line sl;
    if (wsc_status_line_parse((const char *)p, text_len(p, 0, lf), &sl) != 0 ||
        sl.major != 1 || sl.minor < 0)
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "malformed status line \"%s\"", sl.text);
    r->status = sl.code;
    r->minor = sl.minor;
    json_object_put(r->headers);
    r->headers = json_object_new_object();
    if (!r->headers)
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "out of memory");
    for (size_t start = lf + 1; start < n;) {
        size_t end = line_end(p, start, n);
        size_t len = text_len(p, start, end);
        if (len == 0)
            break;
        if (p[start] == ' ' || p[start] == '\t')
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "obsolete line folding in the headers");
        if (header_line(r, (const char *)p + start, len) != WSC_LOAD_HTTP_MORE)
            return WSC_LOAD_HTTP_ERROR;
        start = end + 1;
    }
    if (r->status == 101)
        return fail(r, WSC_LOAD_ERR_PROTOCOL,
                    "101 Switching Protocols to a plain request");
    if (r->status < 200) { /* an interim response: the real one follows */
        json_object_put(r->headers);
        r->headers = NULL;
        return WSC_LOAD_HTTP_MORE;
    }
    return framing(r);
}

static enum wsc_load_http_rc feed_head(struct wsc_load_http_resp *r,
                                       const unsigned char *p, size_t n, size_t *used)
{
    size_t end = block_end(r, p, n);
    if (!end) {
        if (n >= WSC_LOAD_HTTP_HEAD_MAX)
            return fail(r, WSC_LOAD_ERR_TOO_BIG, "response head over %u bytes",
                        WSC_LOAD_HTTP_HEAD_MAX);
        return WSC_LOAD_HTTP_MORE;
    }
    if (end > WSC_LOAD_HTTP_HEAD_MAX)
        return fail(r, WSC_LOAD_ERR_TOO_BIG, "response head over %u bytes",
                    WSC_LOAD_HTTP_HEAD_MAX);
    *used = end;
    return parse_head(r, p, end);
}

/* Body bytes: counted, kept when asked, and never past max_body. */
static enum wsc_load_http_rc body_bytes(struct wsc_load_http_resp *r,
                                        const unsigned char *p, size_t n)
{
    if (n > r->max_body - r->body_len)
        return fail(r, WSC_LOAD_ERR_TOO_BIG, "response body over the limit of %zu bytes",
                    r->max_body);
    r->body_len += n;
    if (r->keep_body) {
        wsc_buf_append(&r->body, (const char *)p, n);
        if (r->body.failed)
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "out of memory");
    }
    return WSC_LOAD_HTTP_MORE;
}

/* chunk-size [ chunk-ext ] CRLF */
static enum wsc_load_http_rc chunk_size(struct wsc_load_http_resp *r,
                                        const unsigned char *p, size_t n, size_t *used)
{
    size_t lf = line_end(p, 0, n);
    if (lf == n) {
        if (n > WSC_LOAD_HTTP_CHUNK_LINE_MAX)
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "chunk-size line over %u bytes",
                        WSC_LOAD_HTTP_CHUNK_LINE_MAX);
        return WSC_LOAD_HTTP_MORE;
    }
    size_t len = text_len(p, 0, lf), i = 0;
    uint64_t size = 0;
    for (; i < len && wsc_hex_value(p[i]) >= 0; i++) {
        if (size > (UINT64_MAX >> 4))
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "chunk size out of range");
        size = (size << 4) | (uint64_t)wsc_hex_value(p[i]);
    }
    if (i == 0 || (i < len && p[i] != ';' && p[i] != ' ' && p[i] != '\t'))
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "malformed chunk-size line");
    *used = lf + 1;
    if (size > r->max_body - r->body_len)
        return fail(r, WSC_LOAD_ERR_TOO_BIG, "response body over the limit of %zu bytes",
                    r->max_body);
    r->remaining = size;
    r->state = size ? S_CHUNK_DATA : S_TRAILER;
    return WSC_LOAD_HTTP_MORE;
}

/* The CRLF (or LF) after chunk data. */
static enum wsc_load_http_rc chunk_crlf(struct wsc_load_http_resp *r,
                                        const unsigned char *p, size_t n, size_t *used)
{
    if (p[0] == '\n') {
        *used = 1;
    } else if (p[0] == '\r') {
        if (n < 2)
            return WSC_LOAD_HTTP_MORE;
        if (p[1] != '\n')
            return fail(r, WSC_LOAD_ERR_PROTOCOL, "chunk data longer than its size");
        *used = 2;
    } else {
        return fail(r, WSC_LOAD_ERR_PROTOCOL, "chunk data longer than its size");
    }
    r->state = S_CHUNK_SIZE;
    return WSC_LOAD_HTTP_MORE;
}

/* Trailer fields are read and dropped, up to the empty line. */
static enum wsc_load_http_rc trailer(struct wsc_load_http_resp *r, const unsigned char *p,
                                     size_t n, size_t *used)
{
    size_t end = block_end(r, p, n);
    if (!end) {
        if (n >= WSC_LOAD_HTTP_HEAD_MAX)
            return fail(r, WSC_LOAD_ERR_TOO_BIG, "chunked trailer over %u bytes",
                        WSC_LOAD_HTTP_HEAD_MAX);
        return WSC_LOAD_HTTP_MORE;
    }
    *used = end;
    r->state = S_DONE;
    return WSC_LOAD_HTTP_DONE;
}

/* One step of the state machine over p[0..n); *used bytes taken. */
static enum wsc_load_http_rc step(struct wsc_load_http_resp *r, const unsigned char *p,
                                  size_t n, size_t *used)
{
    *used = 0;
    switch (r->state) {
    case S_HEAD:
        return feed_head(r, p, n, used);
    case S_LENGTH:
    case S_CHUNK_DATA: {
        size_t take = r->remaining < n ? (size_t)r->remaining : n;
        *used = take;
        r->remaining -= take;
        if (body_bytes(r, p, take) != WSC_LOAD_HTTP_MORE)
            return WSC_LOAD_HTTP_ERROR;
        if (r->remaining)
            return WSC_LOAD_HTTP_MORE;
        r->state = r->state == S_LENGTH ? S_DONE : S_CHUNK_CRLF;
        return r->state == S_DONE ? WSC_LOAD_HTTP_DONE : WSC_LOAD_HTTP_MORE;
    }
    case S_CHUNK_SIZE:
        return chunk_size(r, p, n, used);
    case S_CHUNK_CRLF:
        return chunk_crlf(r, p, n, used);
    case S_TRAILER:
        return trailer(r, p, n, used);
    case S_UNTIL_CLOSE:
        *used = n;
        return body_bytes(r, p, n);
    case S_DONE:
        return WSC_LOAD_HTTP_DONE;
    default:
        return WSC_LOAD_HTTP_ERROR;
    }
}

enum wsc_load_http_rc wsc_load_http_resp_feed(struct wsc_load_http_resp *r,
                                              const unsigned char *p, size_t n,
                                              size_t *used)
{
    *used = 0;
    if (r->state == S_DONE)
        return WSC_LOAD_HTTP_DONE;
    if (r->state == S_FAILED)
        return WSC_LOAD_HTTP_ERROR;
    while (*used < n) {
        size_t took = 0;
        enum wsc_load_http_rc rc = step(r, p + *used, n - *used, &took);
        *used += took;
        if (rc != WSC_LOAD_HTTP_MORE)
            return rc;
        if (took == 0)
            break; /* a piece that is not all there yet */
    }
    return WSC_LOAD_HTTP_MORE;
}

enum wsc_load_http_rc wsc_load_http_resp_eof(struct wsc_load_http_resp *r)
{
    if (r->state == S_DONE)
        return WSC_LOAD_HTTP_DONE;
    if (r->state == S_UNTIL_CLOSE) {
        r->state = S_DONE;
        return WSC_LOAD_HTTP_DONE;
    }
    if (r->state == S_FAILED)
        return WSC_LOAD_HTTP_ERROR;
    return fail(r, WSC_LOAD_ERR_CLOSED,
                r->state == S_HEAD ? "the server closed the connection before responding"
                                   : "the server closed the connection in the middle "
                                     "of the response body");
}
