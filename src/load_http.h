/* HTTP/1.1 on the load engine (load.h): what the http and MCP protocols
 * share. The request writer builds a whole request as bytes; the response
 * parser is fed bytes as they arrive, in pieces of any size, keeps only
 * what it must (the head until it is complete, the body up to a cap) and
 * never grows past its limits. */
#ifndef WSC_LOAD_HTTP_H
#define WSC_LOAD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "load.h"
#include "util.h"

/* The status line and the headers of a response, at most. */
#define WSC_LOAD_HTTP_HEAD_MAX (64u * 1024u)
/* A chunk-size line (with its extensions), at most. */
#define WSC_LOAD_HTTP_CHUNK_LINE_MAX 1024u

/* ---- the request writer (load_http_request.c) ------------------------------ */

struct wsc_load_http_req {
    const char *method;                /* "GET" ... */
    const char *path;                  /* path and query */
    const char *host;                  /* Host: value (host[:port]) */
    const struct json_object *headers; /* name -> value; null drops a default */
    const char *const *fixed;          /* more "Name: value" lines, or NULL;
                                          headers of these names are dropped */
    const char *content_type;          /* default Content-Type with a body */
    const char *body;
    size_t body_len;
    int keep_alive; /* 0: Connection: close */
};

/* The request's bytes (head and body) into *out, *out_len. Returns 0, or -1
 * with *why malloc'ed (a header name or value that would break the head,
 * out of memory). */
int wsc_load_http_request_build(const struct wsc_load_http_req *req, char **out,
                                size_t *out_len, char **why);
/* The Host: value for a script's target ("h", "h:8080", "[::1]:8080"). */
char *wsc_load_http_host(const struct wsc_load_script *sc);
/* NULL when the headers param (NULL, or an object of strings, numbers,
 * booleans and nulls) can go into a request; else why not (malloc'ed). */
char *wsc_load_http_headers_check(const struct json_object *headers);

/* ---- the response parser (load_http_parse.c) ------------------------------- */

enum wsc_load_http_rc {
    WSC_LOAD_HTTP_MORE = 0,  /* give me more bytes */
    WSC_LOAD_HTTP_DONE = 1,  /* the response is complete */
    WSC_LOAD_HTTP_ERROR = -1 /* see error and message */
};

struct wsc_load_http_resp {
    /* settings (wsc_load_http_resp_init) */
    size_t max_body;
    int head_only; /* the request was HEAD: no body follows */
    int keep_body; /* 0: count the body's bytes, keep none */
    /* what was read */
    int status;
    int minor;                   /* HTTP/1.minor */
    struct json_object *headers; /* lower-case names, repeated ones joined
                                    with ", " */
    struct wsc_buf body;         /* when keep_body */
    uint64_t body_len;
    int close; /* the connection ends with this response */
    /* where the parser is */
    int state;
    uint64_t remaining; /* of a Content-Length body or a chunk */
    size_t head_seen;   /* bytes of a head or trailer already scanned */
    enum wsc_load_error error;
    char message[200];
};

void wsc_load_http_resp_init(struct wsc_load_http_resp *r, size_t max_body, int head_only,
                             int keep_body);
/* Feeds p[0..n): *used says how many bytes were taken (the rest belongs to
 * a later call, or to what follows the response). */
enum wsc_load_http_rc wsc_load_http_resp_feed(struct wsc_load_http_resp *r,
                                              const unsigned char *p, size_t n,
                                              size_t *used);
/* The peer closed the connection: DONE when that ends a body read to the
 * close, else ERROR (error WSC_LOAD_ERR_CLOSED). */
enum wsc_load_http_rc wsc_load_http_resp_eof(struct wsc_load_http_resp *r);
/* A header's value (lower-case name), or NULL. */
const char *wsc_load_http_header(const struct wsc_load_http_resp *r, const char *name);
/* Frees what r holds; r can be initialised again. */
void wsc_load_http_resp_free(struct wsc_load_http_resp *r);

/* ---- the protocols ----------------------------------------------------------- */

/* http.request and http.health (load_http_check.c) */
extern const struct wsc_load_proto wsc_load_http_proto;
/* MCP over Streamable HTTP (load_http_mcp.c) */
extern const struct wsc_load_proto wsc_load_mcp_http_proto;

#endif
