/* What the limits and input_robustness checks share: the connection they
 * open from the check's params, lists of codes, and the health probe that
 * follows every case (a fresh connection answers a ping). */
#ifndef WSC_SECURITY_HARDENING_H
#define WSC_SECURITY_HARDENING_H

#include <stddef.h>

#include <wscheck/plugin.h>
#include <wscheck/ws.h>

#define SEC_MAX_LIST 16

/* A list of integers (statuses or close codes) from params[key]. */
struct sec_codes {
    long v[SEC_MAX_LIST];
    size_t n;
};

/* params[key] (an integer or an array of them), else `dflt` (n_dflt of
 * them). */
void sec_codes_get(const struct json_object *params, const char *key, const long *dflt,
                   size_t n_dflt, struct sec_codes *out);
int sec_codes_has(const struct sec_codes *c, long v);
/* "1009" or "1008/1013" */
void sec_codes_describe(const struct sec_codes *c, char *out, size_t size);

/* 1 when a message's text is JSON that `match` (a matcher) accepts. */
int sec_msg_matches(const struct json_object *match, const char *text);

/* A connection with the check's WebSocket options; NULL after reporting
 * why in `why` (the connection is then freed). */
struct wsc_ws *sec_open(struct wsc_ctx *ctx, const struct json_object *params, int flags,
                        char *why, size_t size);
/* Is the server still serving? A fresh connection and a ping answered
 * within `within` seconds: 0, or -1 with the reason in `why`. */
int sec_fresh_ping(struct wsc_ctx *ctx, const struct json_object *params, double within,
                   char *why, size_t size);
/* After a case: the case's verdict, joined with the health probe's. A case
 * that passed fails when the server stopped serving. */
void sec_case_end(struct wsc_ctx *ctx, const struct json_object *params, const char *name,
                  double started, const char *failure);

#endif
