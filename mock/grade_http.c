/* wscheck-mock --grade-clients: the opening handshake (RFC 6455 4.2.1 and
 * 4.2.2). A request that is not a WebSocket upgrade gets 426, a malformed
 * one 400, each with a line saying why. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <wscheck/ws.h>

#include "grade_http.h"

static void refuse(struct grade_request *req, int status, const char *why)
{
    if (req->status != 101)
        return; /* the first reason stands */
    req->status = status;
    snprintf(req->error, sizeof req->error, "%s", why);
}

/* Does the comma-separated header value contain token (any case)? */
static int has_token(const char *v, size_t vlen, const char *token)
{
    size_t tlen = strlen(token), i = 0;
    while (i < vlen) {
        while (i < vlen && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < vlen && v[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (end - start == tlen && strncasecmp(v + start, token, tlen) == 0)
            return 1;
    }
    return 0;
}

struct seen {
    int upgrade, connection, version, host;
    char key[64];
};

static void header(struct grade_request *req, struct seen *s, const char *line,
                   size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon) {
        refuse(req, 400, "malformed header line");
        return;
    }
    size_t nlen = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vlen = len - nlen - 1;
    while (vlen && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
#define IS(name) (nlen == sizeof name - 1 && strncasecmp(line, name, nlen) == 0)
    if (IS("Upgrade"))
        s->upgrade = has_token(v, vlen, "websocket");
    else if (IS("Connection"))
        s->connection = has_token(v, vlen, "upgrade");
    else if (IS("Host"))
        s->host = 1;
    else if (IS("Sec-WebSocket-Version"))
        s->version = vlen == 2 && memcmp(v, "13", 2) == 0 ? 13 : -1;
    else if (IS("Sec-WebSocket-Key") && vlen < sizeof s->key)
        snprintf(s->key, sizeof s->key, "%.*s", (int)vlen, v);
#undef IS
}

static int key_valid(const char *key)
{
    /* base64 of 16 bytes: 22 characters of the alphabet and "==" */
    if (strlen(key) != 24 || strcmp(key + 22, "==") != 0)
        return 0;
    for (int i = 0; i < 22; i++)
        if (!isalnum((unsigned char)key[i]) && key[i] != '+' && key[i] != '/')
            return 0;
    return 1;
}

static void request_line(struct grade_request *req, const char *line, size_t len)
{
    char method[16], target[1024], version[16];
    char copy[1100];
    if (len >= sizeof copy) {
        refuse(req, 400, "request line too long");
        return;
    }
    memcpy(copy, line, len);
    copy[len] = '\0';
    if (sscanf(copy, "%15s %1023s %15s", method, target, version) != 3) {
        refuse(req, 400, "malformed request line");
        return;
    }
    if (strcmp(method, "GET") != 0)
        refuse(req, 400, "a WebSocket upgrade is a GET request");
    if (strcmp(version, "HTTP/1.1") != 0)
        refuse(req, 400, "a WebSocket upgrade needs HTTP/1.1");
    char *q = strchr(target, '?');
    if (q)
        *q++ = '\0';
    if (target[0] != '/' || strlen(target) >= sizeof req->path ||
        (q && strlen(q) >= sizeof req->query)) {
        refuse(req, 400, "malformed or too long request target");
        return;
    }
    snprintf(req->path, sizeof req->path, "%s", target);
    snprintf(req->query, sizeof req->query, "%s", q ? q : "");
}

long grade_http_parse(const char *buf, size_t len, struct grade_request *req)
{
    const char *end = NULL;
    for (size_t i = 3; i < len && !end; i++)
        if (memcmp(buf + i - 3, "\r\n\r\n", 4) == 0)
            end = buf + i + 1;
    if (!end)
        return len > GRADE_HTTP_MAX ? -1 : 0;
    memset(req, 0, sizeof *req);
    req->status = 101;
    struct seen s = {0};
    const char *p = buf;
    int first = 1;
    while (p < end - 2) {
        const char *eol = p;
        while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n'))
            eol++;
        if (first)
            request_line(req, p, (size_t)(eol - p));
        else
            header(req, &s, p, (size_t)(eol - p));
        first = 0;
        p = eol + 2;
    }
    if (!s.upgrade || !s.connection)
        refuse(req, 426,
               "this port speaks WebSocket only: send Upgrade: websocket and "
               "Connection: Upgrade");
    if (!s.host)
        refuse(req, 400, "Host header missing");
    if (s.version != 13)
        refuse(req, 426, "Sec-WebSocket-Version must be 13");
    if (!key_valid(s.key))
        refuse(req, 400, "Sec-WebSocket-Key missing or not 16 bytes in base64");
    if (req->status == 101 && wsc_ws_accept_for_key(s.key, req->accept) != 0)
        refuse(req, 400, "cannot compute Sec-WebSocket-Accept");
    return (long)(end - buf);
}

size_t grade_http_answer(const struct grade_request *req, char *out, size_t cap)
{
    int n;
    if (req->status == 101)
        n = snprintf(out, cap,
                     "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n"
                     "Server: wscheck-mock (grading clients)\r\n\r\n",
                     req->accept);
    else
        n = snprintf(out, cap,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: text/plain\r\n"
                     "%s"
                     "Content-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s\n",
                     req->status, req->status == 426 ? "Upgrade Required" : "Bad Request",
                     req->status == 426
                         ? "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                         : "",
                     strlen(req->error) + 1, req->error);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int grade_query_param(const char *query, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen(name);
    for (const char *p = query; *p;) {
        size_t plen = strcspn(p, "&");
        if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t o = 0;
            for (size_t i = nlen + 1; i < plen; i++) {
                int c = (unsigned char)p[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%') {
                    if (i + 2 >= plen || hex(p[i + 1]) < 0 || hex(p[i + 2]) < 0)
                        return -1;
                    c = hex(p[i + 1]) * 16 + hex(p[i + 2]);
                    i += 2;
                }
                if (o + 1 >= outlen)
                    return -1;
                out[o++] = (char)c;
            }
            out[o] = '\0';
            return 1;
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    return 0;
}
