/* The security plugin's hardening checks: tls, limits, input_robustness
 * and secrets_in_logs (their rows of the check table: SEC_HARDENING_CHECKS
 * in plugin.c, from checks_table.h). */
#ifndef WSC_SECURITY_CHECKS_HARDENING_H
#define WSC_SECURITY_CHECKS_HARDENING_H

#include <wscheck/plugin.h>

void sec_check_tls(struct wsc_ctx *ctx, struct json_object *params);
void sec_check_limits(struct wsc_ctx *ctx, struct json_object *params);
void sec_check_input_robustness(struct wsc_ctx *ctx, struct json_object *params);
void sec_check_secrets_in_logs(struct wsc_ctx *ctx, struct json_object *params);
void sec_validate_tls(struct wsc_validation *v, const struct json_object *params);
void sec_validate_ws_url(struct wsc_validation *v, const struct json_object *params);
void sec_validate_secrets_in_logs(struct wsc_validation *v,
                                  const struct json_object *params);

/* tls_plain.c: the require_tls case of the tls check. */
void sec_plain_case(struct wsc_ctx *ctx, const struct json_object *params,
                    const char *url);

#endif
