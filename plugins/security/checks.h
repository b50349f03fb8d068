/* The checks of the security plugin and what they share. A refusal is
 * what a server must answer to what it should not allow: an upgrade
 * refused with one of the configured HTTP statuses, or an accepted upgrade
 * closed with one of the configured close codes within a few seconds. */
#ifndef WSC_SECURITY_CHECKS_H
#define WSC_SECURITY_CHECKS_H

#include <stddef.h>

#include <wscheck/plugin.h>
#include <wscheck/ws.h>

void sec_check_origin(struct wsc_ctx *ctx, struct json_object *params);
void sec_check_authentication(struct wsc_ctx *ctx, struct json_object *params);
void sec_check_authorization(struct wsc_ctx *ctx, struct json_object *params);
void sec_validate_origin(struct wsc_validation *v, const struct json_object *params);
void sec_validate_authentication(struct wsc_validation *v,
                                 const struct json_object *params);
void sec_validate_authorization(struct wsc_validation *v,
                                const struct json_object *params);

/* ---- refusal.c: what counts as a refusal ---------------------------------- */

#define SEC_MAX_STATUSES 16
#define SEC_MAX_CODES 16

struct sec_refusal {
    long statuses[SEC_MAX_STATUSES];
    size_t n_statuses;
    int code_lo[SEC_MAX_CODES]; /* close code ranges, inclusive */
    int code_hi[SEC_MAX_CODES];
    size_t n_codes;
    double within; /* seconds after the upgrade a refusing close may take */
};

/* Reads refuse_statuses, refuse_close_codes and close_within (defaults
 * filled in by the schema). Returns 0, or -1 with a message in err. */
int sec_refusal_parse(const struct json_object *params, struct sec_refusal *r, char *err,
                      size_t err_size);
/* Reports every problem of those params (validate hooks). */
void sec_refusal_validate(struct wsc_validation *v, const struct json_object *params);
int sec_refusal_status(const struct sec_refusal *r, long status);
int sec_refusal_code(const struct sec_refusal *r, int code);
/* "HTTP 401/403 or close 1008/4001-4999" */
void sec_refusal_describe(const struct sec_refusal *r, char *out, size_t size);
/* Parses "4001-4999" or "1008" (a string) into a range; 0 or -1. */
int sec_code_range(const char *text, int *lo, int *hi);

/* ---- probe.c: one connection and what became of it ------------------------ */

enum sec_outcome {
    SEC_ACCEPTED, /* upgraded and not closed (or an accepting message came) */
    SEC_REFUSED,  /* a configured status or close code */
    SEC_OTHER,    /* refused some other way, or neither accepted nor refused */
    SEC_ERROR     /* the connection itself failed */
};

struct sec_probe {
    enum sec_outcome outcome;
    char how[256]; /* "HTTP 101", "HTTP 403", "HTTP 101, then close 1008" */
};

/* Connects with opt; when login is not NULL sends it as the first message.
 * Then waits up to the refusal's `within` for a close: with `accept` (a
 * matcher, may be NULL) a matching message accepts at once and without one
 * the wait ends in SEC_OTHER. When keep is not NULL and the connection was
 * accepted, it is handed over open (the caller frees it). */
void sec_probe_ws(struct wsc_ctx *ctx, const struct wsc_ws_options *opt,
                  const struct sec_refusal *r, const struct json_object *login,
                  const struct json_object *accept, struct sec_probe *p,
                  struct wsc_ws **keep);
/* The outcome as a case: refusal expected (want_refused) or acceptance.
 * `what` names the attempt, e.g. "a foreign Origin https://evil.example".
 * Returns 1 when the case passed. */
int sec_probe_case(struct wsc_ctx *ctx, const char *case_name, const char *what,
                   int want_refused, const struct sec_refusal *r,
                   const struct sec_probe *p, double started);

/* The check's WebSocket options (wsc_ws_options_parse()); on failure the
 * test is an error and -1 is returned. */
int sec_options(struct wsc_ctx *ctx, const struct json_object *params,
                struct wsc_ws_options *opt);
/* Replaces the Origin sent (NULL: none). 0 or -1. */
int sec_options_set_origin(struct wsc_ws_options *opt, const char *origin);
/* Appends NAME=VALUE (URL-encoded) to the URL's query. 0 or -1. */
int sec_options_add_query(struct wsc_ws_options *opt, const char *name,
                          const char *value);
/* Offers one more subprotocol (last). 0 or -1. */
int sec_options_add_subprotocol(struct wsc_ws_options *opt, const char *proto);
/* Drops the Authorization and Cookie headers given in params. */
void sec_options_drop_credentials(struct wsc_ws_options *opt);
/* 1 when the headers carry credentials (Authorization or Cookie). */
int sec_options_have_credentials(const struct wsc_ws_options *opt);

#endif
