/* HTTP requests for checks (libcurl underneath).
 *
 *   struct wsc_http_request req = { .method = "GET", .url = url };
 *   struct wsc_http_response resp;
 *   char *err = NULL;
 *   if (wsc_http_request(ctx, &req, &resp, &err) != 0) {
 *       wsc_fail(ctx, "%s", err);
 *       free(err);
 *       return;
 *   }
 *   ... resp.status, resp.headers, resp.body, resp.json, resp.total_ms ...
 *   wsc_http_response_free(&resp);
 *
 * The request never outlives the check's deadline, the response body is
 * bounded in memory, Authorization/Cookie values are registered as secrets and
 * the header block of each request and answer (the request or status line
 * and every header) is traced ("send"/"recv", kind "http").
 *
 * Growth (wscheck-plugin(7)): struct wsc_http_request and struct
 * wsc_http_response may gain members at their end in a later release. The
 * functions below are inline: they pass the sizes the plugin was built with
 * to the library, which reads and writes only the members within them,
 * refuses a request that sets members it does not know, and zeroes response
 * members it does not know. struct wsc_http_tls is part of the request's
 * layout and never grows: later TLS settings become request members.
 */
#ifndef WSCHECK_HTTP_H
#define WSCHECK_HTTP_H

#include <stddef.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Default bound of a response body in memory. */
#define WSC_HTTP_MAX_BODY (8u * 1024u * 1024u)
/* Redirects followed at most, when following is on. */
#define WSC_HTTP_MAX_REDIRECTS 10

/* TLS settings of a request (https:// and wss://). All optional. Frozen
 * for ABI 2 (see above). */
struct wsc_http_tls {
    const char *ca_file;     /* PEM bundle trusted instead of the system's */
    int insecure;            /* non-zero: do not verify the peer at all */
    const char *client_cert; /* PEM client certificate */
    const char *client_key;  /* PEM key of client_cert */
};

struct wsc_http_request {
    const char *method;                /* NULL: "GET"; "HEAD" reads no body */
    const char *url;                   /* http:// or https:// */
    const struct json_object *headers; /* object name -> string (numbers and
                                        * booleans as their text; null removes
                                        * a header libcurl would send); NULL */
    const char *body;                  /* request body, NULL: none ... */
    size_t body_len;                   /*   its length in bytes */
    const struct json_object *json;    /* ... or a JSON body (used when body is
                                        * NULL; sets Content-Type:
                                        * application/json unless headers do) */
    int follow_redirects;              /* non-zero: follow up to
                                        * WSC_HTTP_MAX_REDIRECTS */
    size_t max_body;                   /* 0: WSC_HTTP_MAX_BODY; a larger body
                                        * is an error */
    int discard_body;                  /* non-zero: read the body, keep none of
                                        * it (body_len still counts it) */
    double timeout;                    /* seconds; 0: the context's remaining
                                        * time; else the smaller of both */
    struct wsc_http_tls tls;
};

struct wsc_http_response {
    long status;                 /* of the last response */
    struct json_object *headers; /* object, lower-cased names; repeated
                                   * headers joined with ", " */
    char *body;                  /* NUL-terminated (the NUL is not counted);
                                   * may hold NUL bytes; "" when discarded */
    size_t body_len;
    struct json_object *json; /* the parsed body when it is JSON, else
                                   * NULL */
    char *json_error;         /* why a body declared as JSON did not
                                   * parse, else NULL */
    char *url;                /* the URL finally fetched */
    long redirects;           /* how many were followed */
    /* Phases in milliseconds: name lookup, TCP connect, TLS handshake (0 for
     * http://), time to first byte and total, each since the request started
     * except dns/connect/tls which are the durations of their phase. With
     * redirects followed they add up over all requests. */
    double dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms;
};

/* What the inline functions below call with the plugin's sizes. */
WSC_EXPORT int wsc_http_request_sized(struct wsc_ctx *ctx,
                                      const struct wsc_http_request *req, size_t req_size,
                                      struct wsc_http_response *resp, size_t resp_size,
                                      char **err);
WSC_EXPORT void wsc_http_response_free_sized(struct wsc_http_response *resp, size_t size);
WSC_EXPORT void wsc_http_request_from_params_sized(struct wsc_http_request *req,
                                                   size_t size,
                                                   const struct json_object *params);

/* Sends one request and reads the whole response. ctx may be NULL (no trace,
 * no secrets; `timeout` must then be set). Returns 0 when a response arrived,
 * whatever its status, and fills *resp (free it with wsc_http_response_free).
 * Returns -1 otherwise, with *err set to a malloc'ed message such as
 * "connect to 127.0.0.1:1 failed: Connection refused",
 * "GET http://h/slow: no response within 2.0 s" or
 * "GET http://h/big: response body larger than 8388608 bytes"; *resp is then
 * zeroed. */
static inline int wsc_http_request(struct wsc_ctx *ctx,
                                   const struct wsc_http_request *req,
                                   struct wsc_http_response *resp, char **err)
{
    return wsc_http_request_sized(ctx, req, sizeof *req, resp, sizeof *resp, err);
}
static inline void wsc_http_response_free(struct wsc_http_response *resp)
{
    wsc_http_response_free_sized(resp, sizeof *resp);
}

/* Fills url, headers and tls of *req from check params that use
 * WSC_HTTP_SCHEMA_PROPS (pointers borrow from params). Other fields are left
 * as they are. */
static inline void wsc_http_request_from_params(struct wsc_http_request *req,
                                                const struct json_object *params)
{
    wsc_http_request_from_params_sized(req, sizeof *req, params);
}

/* Body text for reports: at most `max` bytes, cut on a character boundary,
 * invalid UTF-8 and NUL replaced by U+FFFD. Never NULL unless out of memory. */
WSC_EXPORT struct json_object *wsc_http_body_text(const char *body, size_t len,
                                                  size_t max);

/* JSON Schema "properties" members of the params every HTTP check shares, for
 * a check's params_schema, e.g.
 *   "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
 *       WSC_HTTP_SCHEMA_PROPS ",\"method\":{...}}}" */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define WSC_HTTP_SCHEMA_PROPS                                                    \
    "\"url\":{\"type\":\"string\",\"description\":"                            \
    "\"URL to request (http:// or https://)\"},"                               \
    "\"headers\":{\"type\":\"object\",\"description\":"                        \
    "\"Request headers, name to value; null removes a default header\"},"      \
    "\"ca_file\":{\"type\":\"string\",\"description\":"                        \
    "\"PEM file of CA certificates to trust instead of the system's\"},"       \
    "\"insecure\":{\"type\":\"boolean\",\"default\":false,\"description\":"    \
    "\"Skip TLS certificate and host name verification\"},"                    \
    "\"client_cert\":{\"type\":\"string\",\"description\":"                    \
    "\"PEM client certificate for mutual TLS\"},"                              \
    "\"client_key\":{\"type\":\"string\",\"description\":"                     \
    "\"PEM private key of client_cert\"}"
/* clang-format on */

#ifdef __cplusplus
}
#endif

#endif
