/* The tls check's require_tls case: the plain endpoint (`plain_url`, by
 * default the same host and port as ws:// or http://) must not serve: a
 * completed WebSocket upgrade, or an HTTP answer below 400, fails. */
#include "checks_hardening.h"
#include "tls.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>
#include <wscheck/ws.h>

/* The default plain URL: the scheme without its "s". */
static char *plain_of(const char *url)
{
    static const char *const to_plain[][2] = {{"wss://", "ws://"},
                                              {"https://", "http://"}};
    return sec_rescheme(url, to_plain, 2);
}

/* 1: the plain WebSocket upgrade succeeded. */
static int ws_served(struct wsc_ctx *ctx, const char *url, double timeout)
{
    struct wsc_ws_options opt;
    wsc_ws_options_init(&opt);
    opt.url = strdup(url);
    opt.connect_timeout = timeout;
    if (!opt.url)
        return 0;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&opt);
    int served = ws && wsc_ws_status(ws) == WSC_WS_OK;
    if (served)
        wsc_ws_close(ws, 1000, NULL, wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
    return served;
}

/* The HTTP status a plain GET got (0: none). */
static long http_status(const char *url, double timeout)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    long ms = (long)ceil(timeout * 1000.0);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

void sec_plain_case(struct wsc_ctx *ctx, const struct json_object *params,
                    const char *url)
{
    const char *given = wsc_param_string(params, "plain_url", NULL);
    char *plain = given ? strdup(given) : plain_of(url);
    if (!plain) {
        wsc_case(ctx, "plain_refused", WSC_CASE_ERROR, -1, "out of memory");
        return;
    }
    double t0 = wsc_now();
    double timeout = wsc_param_number(params, "connect_timeout", 2);
    if (timeout <= 0 || timeout > wsc_remaining(ctx))
        timeout = wsc_remaining(ctx);
    double ms;
    if (strncmp(plain, "ws://", 5) == 0) {
        int served = ws_served(ctx, plain, timeout);
        ms = (wsc_now() - t0) * 1000.0;
        if (served)
            wsc_case(ctx, "plain_refused", WSC_CASE_FAILED, ms,
                     "plain %s accepted a WebSocket upgrade (HTTP 101); "
                     "require_tls expects it refused",
                     plain);
        else
            wsc_case(ctx, "plain_refused", WSC_CASE_PASSED, ms, NULL);
    } else {
        long status = http_status(plain, timeout);
        ms = (wsc_now() - t0) * 1000.0;
        if (status > 0 && status < 400)
            wsc_case(ctx, "plain_refused", WSC_CASE_FAILED, ms,
                     "plain %s answered HTTP %ld; require_tls expects it refused", plain,
                     status);
        else
            wsc_case(ctx, "plain_refused", WSC_CASE_PASSED, ms, NULL);
    }
    free(plain);
}
