/* tls: a wss:// or https:// endpoint's TLS, one case each: the chain is
 * valid against the system's CAs or `ca_file`, the host name matches, the
 * certificate has at least `min_days` left (metric cert_days_left), TLS
 * 1.0 and 1.1 are refused (the probe offers only them, with our own
 * OpenSSL's security level lowered so that it really does), and with
 * `require_tls` the plain ws:// or http:// endpoint is refused. */
#include "checks_hardening.h"
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>
#include <wscheck/ws.h>

#define ERR_LEN 512

static double probe_timeout(struct wsc_ctx *ctx, const struct json_object *params)
{
    double t = wsc_param_number(params, "connect_timeout", 0);
    double left = wsc_remaining(ctx);
    return t > 0 && t < left ? t : left;
}

static void put_string(struct wsc_ctx *ctx, const char *key, const char *value)
{
    if (value)
        wsc_output(ctx, key, json_object_new_string(value));
}

static void publish(struct wsc_ctx *ctx, const struct sec_tls_info *info)
{
    put_string(ctx, "subject", info->subject);
    put_string(ctx, "issuer", info->issuer);
    put_string(ctx, "sans", info->sans);
    put_string(ctx, "expires", info->expires);
    put_string(ctx, "protocol", info->protocol);
    put_string(ctx, "cipher", info->cipher);
    if (info->has_days) {
        wsc_output(ctx, "days_left", json_object_new_double(info->days_left));
        wsc_metric(ctx, "cert_days_left", info->days_left, "days");
    }
}

/* One verified handshake: a case passed or failed with libcurl's reason. */
static void verify_case(struct wsc_ctx *ctx, const char *url, const char *name,
                        struct sec_tls_probe *p, const char *what)
{
    double t0 = wsc_now();
    struct sec_tls_info info;
    char err[ERR_LEN] = "";
    int rc = sec_tls_probe(url, p, &info, err, sizeof err);
    sec_tls_info_free(&info);
    double ms = (wsc_now() - t0) * 1000.0;
    if (rc == 0)
        wsc_case(ctx, name, WSC_CASE_PASSED, ms, NULL);
    else
        wsc_case(ctx, name, WSC_CASE_FAILED, ms, "%s: %s", what, err);
}

static void expiry_case(struct wsc_ctx *ctx, const struct sec_tls_info *info,
                        double min_days)
{
    if (!info->has_days)
        wsc_case(ctx, "expiry", WSC_CASE_ERROR, -1,
                 "the certificate's expiry is unknown");
    else if (info->days_left < 0)
        wsc_case(
            ctx, "expiry", WSC_CASE_FAILED, -1,
            "the certificate expired %.1f days ago (%s), expected at least %g days left",
            -info->days_left, info->expires ? info->expires : "?", min_days);
    else if (info->days_left < min_days)
        wsc_case(ctx, "expiry", WSC_CASE_FAILED, -1,
                 "the certificate expires in %.1f days (%s), expected at least %g",
                 info->days_left, info->expires ? info->expires : "?", min_days);
    else
        wsc_case(ctx, "expiry", WSC_CASE_PASSED, -1, NULL);
}

/* The probe offers only TLS 1.0 and 1.1: a handshake is a failure. */
static void protocol_case(struct wsc_ctx *ctx, const char *url, struct sec_tls_probe base)
{
    double t0 = wsc_now();
    base.verify_peer = 0;
    base.verify_host = 0;
    base.old_protocols = 1;
    struct sec_tls_info info;
    char err[ERR_LEN] = "";
    int rc = sec_tls_probe(url, &base, &info, err, sizeof err);
    double ms = (wsc_now() - t0) * 1000.0;
    if (rc == 0)
        wsc_case(ctx, "protocol", WSC_CASE_FAILED, ms,
                 "the server accepted %s (cipher %s); expected TLS 1.2 or later only",
                 info.protocol ? info.protocol : "TLS 1.0 or 1.1",
                 info.cipher ? info.cipher : "?");
    else if (strstr(err, "no protocols available"))
        wsc_case(ctx, "protocol", WSC_CASE_ERROR, ms,
                 "this system's OpenSSL cannot offer TLS 1.0/1.1 (%s): "
                 "the probe proves nothing",
                 err);
    else
        wsc_case(ctx, "protocol", WSC_CASE_PASSED, ms, NULL);
    sec_tls_info_free(&info);
}

void sec_check_tls(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *url = wsc_param_string(params, "url", "");
    struct sec_tls_probe p = {
        .ca_file = wsc_param_string(params, "ca_file", NULL),
        .timeout = probe_timeout(ctx, params),
    };
    struct sec_tls_info info;
    char err[ERR_LEN] = "";
    /* unverified first: what the server shows, whatever its validity */
    if (sec_tls_probe(url, &p, &info, err, sizeof err) != 0) {
        wsc_fail(ctx, "no TLS handshake with %s: %s", url, err);
        return;
    }
    publish(ctx, &info);
    p.verify_peer = 1;
    verify_case(ctx, url, "chain", &p, "the certificate chain is not valid");
    /* the host name alone, so that a bad chain is not reported twice */
    p.verify_peer = 0;
    p.verify_host = 1;
    verify_case(ctx, url, "host_name", &p, "the host name does not match");
    expiry_case(ctx, &info, wsc_param_number(params, "min_days", 14));
    sec_tls_info_free(&info);
    p.verify_peer = p.verify_host = 0;
    protocol_case(ctx, url, p);
    if (wsc_param_bool(params, "require_tls", 0))
        sec_plain_case(ctx, params, url);
}
