/* One connection attempt and what became of it: accepted, refused the
 * configured way, or something else; and the case it makes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <wscheck/match.h>

#include "checks.h"

int sec_options(struct wsc_ctx *ctx, const struct json_object *params,
                struct wsc_ws_options *opt)
{
    char *err = NULL;
    if (wsc_ws_options_parse(ctx, params, opt, &err) == 0)
        return 0;
    wsc_error(ctx, "%s", err ? err : "out of memory");
    free(err);
    return -1;
}

int sec_options_set_origin(struct wsc_ws_options *opt, const char *origin)
{
    char *copy = NULL;
    if (origin && !(copy = strdup(origin)))
        return -1;
    free(opt->origin);
    opt->origin = copy;
    return 0;
}

int sec_options_add_query(struct wsc_ws_options *opt, const char *name, const char *value)
{
    char *n = curl_easy_escape(NULL, name, 0);
    char *v = curl_easy_escape(NULL, value, 0);
    int rc = -1;
    if (n && v) {
        const char *sep = strchr(opt->url, '?') ? "&" : "?";
        size_t len = strlen(opt->url) + strlen(n) + strlen(v) + 3;
        char *url = malloc(len);
        if (url) {
            /* A fragment never reaches the server: keep it out of the way. */
            snprintf(url, len, "%s%s%s=%s", opt->url, sep, n, v);
            free(opt->url);
            opt->url = url;
            rc = 0;
        }
    }
    curl_free(n);
    curl_free(v);
    return rc;
}

int sec_options_add_subprotocol(struct wsc_ws_options *opt, const char *proto)
{
    char **grown = realloc(opt->subprotocols, (opt->n_subprotocols + 1) * sizeof *grown);
    if (!grown)
        return -1;
    opt->subprotocols = grown;
    if (!(grown[opt->n_subprotocols] = strdup(proto)))
        return -1;
    opt->n_subprotocols++;
    return 0;
}

static int is_credential_header(const char *line)
{
    return strncasecmp(line, "Authorization:", 14) == 0 ||
           strncasecmp(line, "Cookie:", 7) == 0;
}

void sec_options_drop_credentials(struct wsc_ws_options *opt)
{
    size_t kept = 0;
    for (size_t i = 0; i < opt->n_headers; i++) {
        if (is_credential_header(opt->headers[i]))
            free(opt->headers[i]);
        else
            opt->headers[kept++] = opt->headers[i];
    }
    opt->n_headers = kept;
}

int sec_options_have_credentials(const struct wsc_ws_options *opt)
{
    for (size_t i = 0; i < opt->n_headers; i++)
        if (is_credential_header(opt->headers[i]))
            return 1;
    return 0;
}

/* The connection is open: wait for a refusing close (or an accepting
 * message) until the refusal's time is up. */
static void watch(struct wsc_ws *ws, struct wsc_ctx *ctx, const struct sec_refusal *r,
                  const struct json_object *accept, struct sec_probe *p)
{
    double deadline = wsc_ws_within(ctx, r->within);
    for (;;) {
        struct wsc_ws_msg m;
        struct json_object *value = NULL;
        enum wsc_ws_result rc = wsc_ws_recv_json(ws, &m, &value, deadline);
        if (rc == WSC_WS_TIMEOUT) {
            p->outcome = accept ? SEC_OTHER : SEC_ACCEPTED;
            snprintf(p->how, sizeof p->how, "%s",
                     accept ? "HTTP 101, then neither an accepting answer nor a close "
                              "within close_within"
                            : "HTTP 101");
            return;
        }
        if (rc == WSC_WS_OK && m.kind == WSC_WS_CLOSE) {
            p->outcome = sec_refusal_code(r, m.close_code) ? SEC_REFUSED : SEC_OTHER;
            snprintf(p->how, sizeof p->how, "HTTP 101, then close %d", m.close_code);
            return;
        }
        if (rc != WSC_WS_OK) {
            /* A connection dropped without a close frame is no refusal a
             * client can tell from a crash. */
            p->outcome = SEC_OTHER;
            snprintf(p->how, sizeof p->how, "HTTP 101, then %s", wsc_ws_error(ws));
            return;
        }
        int accepted = accept && wsc_match(accept, value, NULL, NULL);
        json_object_put(value);
        if (accepted) {
            p->outcome = SEC_ACCEPTED;
            snprintf(p->how, sizeof p->how, "HTTP 101 and an accepting answer");
            return;
        }
    }
}

void sec_probe_ws(struct wsc_ctx *ctx, const struct wsc_ws_options *opt,
                  const struct sec_refusal *r, const struct json_object *login,
                  const struct json_object *accept, struct sec_probe *p,
                  struct wsc_ws **keep)
{
    struct wsc_ws *ws = wsc_ws_connect(ctx, opt, 0, WSC_WS_ALLOW_REJECT);
    enum wsc_ws_result rc = wsc_ws_status(ws);
    if (keep)
        *keep = NULL;
    if (rc == WSC_WS_REJECTED) {
        long status = wsc_ws_http_status(ws);
        p->outcome = sec_refusal_status(r, status) ? SEC_REFUSED : SEC_OTHER;
        snprintf(p->how, sizeof p->how, "HTTP %ld", status);
    } else if (rc != WSC_WS_OK) {
        p->outcome = SEC_ERROR;
        snprintf(p->how, sizeof p->how, "%s", ws ? wsc_ws_error(ws) : "out of memory");
    } else if (login && wsc_ws_send_json(ws, login) != WSC_WS_OK) {
        p->outcome = SEC_OTHER;
        snprintf(p->how, sizeof p->how, "HTTP 101, then sending the login failed: %s",
                 wsc_ws_error(ws));
    } else {
        watch(ws, ctx, r, accept, p);
    }
    if (keep && p->outcome == SEC_ACCEPTED) {
        *keep = ws;
        return;
    }
    if (wsc_ws_status(ws) == WSC_WS_OK && !wsc_ws_is_closed(ws))
        (void)wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
}

int sec_probe_case(struct wsc_ctx *ctx, const char *case_name, const char *what,
                   int want_refused, const struct sec_refusal *r,
                   const struct sec_probe *p, double started)
{
    double ms = (wsc_now() - started) * 1000.0;
    char expected[160];
    sec_refusal_describe(r, expected, sizeof expected);
    if (p->outcome == SEC_ERROR) {
        wsc_case(ctx, case_name, WSC_CASE_ERROR, ms, "%s: %s", what, p->how);
        return 0;
    }
    if (want_refused && p->outcome == SEC_REFUSED) {
        wsc_case(ctx, case_name, WSC_CASE_PASSED, ms, "%s", "");
        wsc_note(ctx, "%s was refused (%s)", what, p->how);
        return 1;
    }
    if (!want_refused && p->outcome == SEC_ACCEPTED) {
        wsc_case(ctx, case_name, WSC_CASE_PASSED, ms, "%s", "");
        return 1;
    }
    if (want_refused)
        wsc_case(ctx, case_name, WSC_CASE_FAILED, ms,
                 "%s was %s (%s); expected a refusal: %s", what,
                 p->outcome == SEC_ACCEPTED ? "accepted" : "not refused as configured",
                 p->how, expected);
    else
        wsc_case(ctx, case_name, WSC_CASE_FAILED, ms,
                 "%s was not accepted (%s); expected HTTP 101 and no close within "
                 "%g s",
                 what, p->how, r->within);
    return 0;
}
