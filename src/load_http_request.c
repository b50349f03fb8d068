/* An HTTP/1.1 request as bytes: request line, Host, the default headers
 * (User-Agent, Accept, Content-Type and Content-Length with a body,
 * Connection), the protocol's fixed lines, the test's headers (over the
 * defaults, never over the fixed lines), then the body. Names and
 * values are checked so that no scenario value can split the head. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/version.h>

#include "load_http.h"

static int bad_char(const char *s, int name)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\r' || *p == '\n' || (*p < 0x20 && *p != '\t') || *p == 0x7f)
            return 1;
        if (name && (*p == ':' || *p == ' ' || *p == '\t'))
            return 1;
    }
    return name && !*s;
}

/* A header's value as text, or NULL for null (drop) and other types. */
static const char *header_text(struct json_object *v)
{
    if (json_object_is_type(v, json_type_string) ||
        json_object_is_type(v, json_type_int) ||
        json_object_is_type(v, json_type_double) ||
        json_object_is_type(v, json_type_boolean))
        return json_object_get_string(v);
    return NULL;
}

char *wsc_load_http_headers_check(const struct json_object *headers)
{
    if (!headers)
        return NULL;
    if (!json_object_is_type(headers, json_type_object))
        return strdup("headers: expected an object of name to value");
    json_object_object_foreach((struct json_object *)headers, key, val) {
        if (bad_char(key, 1))
            return wsc_strdup_printf("headers: \"%s\" is not a header name", key);
        if (val && !header_text(val))
            return wsc_strdup_printf("headers/%s: expected a string, number or boolean",
                                     key);
        if (val && bad_char(header_text(val), 0))
            return wsc_strdup_printf("headers/%s: a control character in the value", key);
    }
    return NULL;
}

/* Does the test's headers object name `name` (any case)? *v gets its value. */
static int given(const struct json_object *headers, const char *name,
                 struct json_object **v)
{
    if (!headers)
        return 0;
    json_object_object_foreach((struct json_object *)headers, key, val) {
        if (strcasecmp(key, name) == 0) {
            *v = val;
            return 1;
        }
    }
    return 0;
}

/* A default header, unless the test gives its own (or drops it with null). */
static void default_header(struct wsc_buf *b, const struct json_object *headers,
                           const char *name, const char *value)
{
    struct json_object *v = NULL;
    if (!given(headers, name, &v))
        wsc_buf_printf(b, "%s: %s\r\n", name, value);
}

/* Is `name` one of the fixed lines' header names? Those are the protocol's
 * (MCP's Accept, Mcp-Session-Id...): a test's header of the same name would
 * only send it twice. */
static int fixed_name(const char *const *fixed, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; fixed && fixed[i]; i++)
        if (strncasecmp(fixed[i], name, n) == 0 && fixed[i][n] == ':')
            return 1;
    return 0;
}

int wsc_load_http_request_build(const struct wsc_load_http_req *req, char **out,
                                size_t *out_len, char **why)
{
    *out = NULL;
    *out_len = 0;
    char *bad = wsc_load_http_headers_check(req->headers);
    if (!bad && (bad_char(req->method, 1) || bad_char(req->path, 0) || !*req->path))
        bad = strdup("the method or the URL's path cannot go into a request line");
    if (bad) {
        *why = bad;
        return -1;
    }
    struct wsc_buf b = {0};
    wsc_buf_printf(&b, "%s %s HTTP/1.1\r\n", req->method, req->path);
    default_header(&b, req->headers, "Host", req->host);
    default_header(&b, req->headers, "User-Agent", "wscheck/" WSC_VERSION);
    default_header(&b, req->headers, "Accept", "*/*");
    if (req->body && req->content_type)
        default_header(&b, req->headers, "Content-Type", req->content_type);
    for (size_t i = 0; req->fixed && req->fixed[i]; i++)
        wsc_buf_printf(&b, "%s\r\n", req->fixed[i]);
    if (req->headers) {
        json_object_object_foreach((struct json_object *)req->headers, key, val) {
            /* Content-Length and Connection are the writer's: framing */
            if (val && strcasecmp(key, "content-length") != 0 &&
                strcasecmp(key, "connection") != 0 && !fixed_name(req->fixed, key))
                wsc_buf_printf(&b, "%s: %s\r\n", key, header_text(val));
        }
    }
    if (req->body)
        wsc_buf_printf(&b, "Content-Length: %zu\r\n", req->body_len);
    wsc_buf_puts(&b, req->keep_alive ? "\r\n" : "Connection: close\r\n\r\n");
    if (req->body)
        wsc_buf_append(&b, req->body, req->body_len);
    if (b.failed) {
        wsc_buf_free(&b);
        *why = strdup("out of memory");
        return -1;
    }
    *out_len = b.len;
    *out = wsc_buf_take(&b);
    return 0;
}

char *wsc_load_http_host(const struct wsc_load_script *sc)
{
    const char *host = sc->sni ? sc->sni : sc->host;
    int dflt = strcmp(sc->port, sc->tls ? "443" : "80") == 0;
    int v6 = strchr(host, ':') != NULL;
    return wsc_strdup_printf("%s%s%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "",
                             dflt ? "" : ":", dflt ? "" : sc->port);
}
