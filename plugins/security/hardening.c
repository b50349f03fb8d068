/* The shared parts of the limits and input_robustness checks. */
#include "hardening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/match.h>
#include <wscheck/params.h>

void sec_codes_get(const struct json_object *params, const char *key, const long *dflt,
                   size_t n_dflt, struct sec_codes *out)
{
    out->n = 0;
    struct json_object *v = wsc_param(params, key);
    if (v && json_object_is_type(v, json_type_int)) {
        out->v[out->n++] = (long)json_object_get_int64(v);
        return;
    }
    if (v && json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n && out->n < SEC_MAX_LIST; i++)
            out->v[out->n++] =
                (long)json_object_get_int64(json_object_array_get_idx(v, i));
        return;
    }
    for (size_t i = 0; i < n_dflt && out->n < SEC_MAX_LIST; i++)
        out->v[out->n++] = dflt[i];
}

int sec_codes_has(const struct sec_codes *c, long v)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i] == v)
            return 1;
    return 0;
}

void sec_codes_describe(const struct sec_codes *c, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%ld", i ? "/" : "", c->v[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int sec_msg_matches(const struct json_object *match, const char *text)
{
    struct json_object *j = json_tokener_parse(text);
    int hit = j && wsc_match(match, j, "", NULL) == 1;
    json_object_put(j);
    return hit;
}

struct wsc_ws *sec_open(struct wsc_ctx *ctx, const struct json_object *params, int flags,
                        char *why, size_t size)
{
    struct wsc_ws_options opt;
    char *err = NULL;
    if (wsc_ws_options_parse(ctx, params, &opt, &err) != 0) {
        snprintf(why, size, "%s", err ? err : "out of memory");
        free(err);
        return NULL;
    }
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, flags);
    wsc_ws_options_free(&opt);
    if (!ws) {
        snprintf(why, size, "out of memory");
        return NULL;
    }
    enum wsc_ws_result r = wsc_ws_status(ws);
    if (r == WSC_WS_OK || (r == WSC_WS_REJECTED && (flags & WSC_WS_ALLOW_REJECT)))
        return ws;
    snprintf(why, size, "%s", wsc_ws_error(ws));
    wsc_ws_free(ws);
    return NULL;
}

int sec_fresh_ping(struct wsc_ctx *ctx, const struct json_object *params, double within,
                   char *why, size_t size)
{
    char err[512];
    struct wsc_ws *ws = sec_open(ctx, params, 0, err, sizeof err);
    if (!ws) {
        snprintf(why, size, "a fresh connection failed afterwards: %s", err);
        return -1;
    }
    double rtt = 0;
    int rc = 0;
    if (wsc_ws_ping_rtt(ws, "wscheck", 7, wsc_ws_within(ctx, within), &rtt) !=
        WSC_WS_OK) {
        snprintf(why, size, "a fresh connection's ping failed afterwards: %s",
                 wsc_ws_error(ws));
        rc = -1;
    } else {
        wsc_ws_close(ws, 1000, NULL, wsc_ws_within(ctx, 1.0));
    }
    wsc_ws_free(ws);
    return rc;
}

void sec_case_end(struct wsc_ctx *ctx, const struct json_object *params, const char *name,
                  double started, const char *failure)
{
    char why[768] = "";
    double within = wsc_param_number(params, "ping_within", 2);
    int down = sec_fresh_ping(ctx, params, within, why, sizeof why) != 0;
    double ms = (wsc_now() - started) * 1000.0;
    if (failure && down)
        wsc_case(ctx, name, WSC_CASE_FAILED, ms, "%s; %s", failure, why);
    else if (failure)
        wsc_case(ctx, name, WSC_CASE_FAILED, ms, "%s", failure);
    else if (down)
        wsc_case(ctx, name, WSC_CASE_FAILED, ms, "%s", why);
    else
        wsc_case(ctx, name, WSC_CASE_PASSED, ms, NULL);
}
