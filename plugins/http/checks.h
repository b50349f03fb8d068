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
void http_validate_request(struct wsc_validation *v, const struct json_object *params);

/* Which statuses pass when the expectation names none. */
enum http_status_rule {
    HTTP_STATUS_BELOW_400, /* request: anything but a client or server error */
    HTTP_STATUS_2XX,       /* health */
};

/* The outputs of a response, for `capture` and `expect`: status, headers,
 * json (when the body is JSON), body (as text, cut to HTTP_BODY_OUTPUT_MAX)
 * and url. A new object; NULL when out of memory. */
struct json_object *http_response_outputs(const struct wsc_http_response *resp);

/* Matches an `expect` object (members status, headers, body, json, url;
 * NULL: only the default status rule) against the response's outputs.
 * Every mismatch is reported with wsc_fail(); returns their number. */
int http_expect_response(struct wsc_ctx *ctx, const struct json_object *expect,
                         const struct json_object *outputs,
                         const struct wsc_http_response *resp,
                         enum http_status_rule rule);

#endif
