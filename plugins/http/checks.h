/* The checks of the http plugin and what they share. */
#ifndef WSC_HTTP_PLUGIN_CHECKS_H
#define WSC_HTTP_PLUGIN_CHECKS_H

#include <wscheck/plugin.h>
#include <wscheck/http.h>

/* Outputs keep at most this much of a body as text. */
#define HTTP_BODY_OUTPUT_MAX (64u * 1024u)

void http_check_request(struct wsc_ctx *ctx, struct json_object *params);
void http_check_health(struct wsc_ctx *ctx, struct json_object *params);
void http_check_discover(struct wsc_ctx *ctx, struct json_object *params);
void http_check_upgrade(struct wsc_ctx *ctx, struct json_object *params);
void http_validate_request(struct wsc_validation *v, const struct json_object *params);

/* Which statuses pass when the expectation names none. */
enum http_status_rule {
    HTTP_STATUS_BELOW_400, /* request: anything but a client or server error */
    HTTP_STATUS_2XX,       /* health */
};

/* Checks an `expect` object ({status, headers, body, json}; NULL: only the
 * default status rule) against a response. Every mismatch is reported with
 * wsc_fail(); returns the number of mismatches. */
int http_expect_response(struct wsc_ctx *ctx, const struct json_object *expect,
                         const struct wsc_http_response *resp,
                         enum http_status_rule rule);

/* Checks that each member of `expect` is a well-formed matcher; reports
 * wsc_error() and returns -1 when one is not. NULL is fine. */
int http_expect_valid(struct wsc_ctx *ctx, const struct json_object *expect);

/* Small param readers (the core has validated types and filled defaults). */
const char *http_param_string(const struct json_object *params, const char *key);
int http_param_bool(const struct json_object *params, const char *key);
const struct json_object *http_param(const struct json_object *params, const char *key);

#endif
