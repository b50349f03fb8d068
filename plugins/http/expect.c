/* Expectations on an HTTP response: status, headers, body text, JSON body. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

/* A status given as text (e.g. from a variable) counts as its number. */
static int as_status(const struct json_object *v, long *out)
{
    if (json_object_is_type(v, json_type_int)) {
        *out = (long)json_object_get_int64(v);
        return 1;
    }
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string((struct json_object *)v);
        char *end = NULL;
        errno = 0;
        long n = strtol(s, &end, 10);
        if (*s && !*end && errno == 0) {
            *out = n;
            return 1;
        }
    }
    return 0;
}

static int rule_passes(enum http_status_rule rule, long status)
{
    return rule == HTTP_STATUS_2XX ? status >= 200 && status <= 299 : status > 0 && status < 400;
}

static int expect_status(struct wsc_ctx *ctx, const struct json_object *exp, long status,
                         enum http_status_rule rule)
{
    long want = 0;
    if (!exp) {
        if (rule_passes(rule, status))
            return 0;
        wsc_fail(ctx, "status: expected %s, got %ld",
                 rule == HTTP_STATUS_2XX ? "2xx" : "below 400", status);
        return 1;
    }
    if (as_status(exp, &want)) {
        if (want == status)
            return 0;
        wsc_fail(ctx, "status: expected %ld, got %ld", want, status);
        return 1;
    }
    if (json_object_is_type(exp, json_type_array)) {
        /* [200, 204]: any of them */
        for (size_t i = 0; i < json_object_array_length(exp); i++)
            if (as_status(json_object_array_get_idx(exp, i), &want) && want == status)
                return 0;
        wsc_fail(ctx, "status: expected one of %s, got %ld",
                 json_object_to_json_string_ext((struct json_object *)exp,
                                                JSON_C_TO_STRING_SPACED), status);
        return 1;
    }
    struct json_object *actual = json_object_new_int64(status);
    char *msg = NULL;
    int ok = wsc_match(exp, actual, "status", &msg);
    json_object_put(actual);
    if (!ok)
        wsc_fail(ctx, "%s", msg ? msg : "status: no match");
    free(msg);
    return !ok;
}

/* Reports a matcher mismatch; returns 1 on a mismatch. */
static int match_or_fail(struct wsc_ctx *ctx, const struct json_object *exp,
                         const struct json_object *actual, const char *path)
{
    char *msg = NULL;
    int ok = wsc_match(exp, actual, path, &msg);
    if (!ok)
        wsc_fail(ctx, "%s", msg ? msg : path);
    free(msg);
    return !ok;
}

/* Response header names are lower-cased; so are the expected ones. */
static int expect_headers(struct wsc_ctx *ctx, const struct json_object *exp,
                          const struct wsc_http_response *resp)
{
    if (!json_object_is_type(exp, json_type_object))
        return match_or_fail(ctx, exp, resp->headers, "headers");
    struct json_object *lc = json_object_new_object();
    if (!lc) {
        wsc_error(ctx, "out of memory");
        return 1;
    }
    json_object_object_foreach((struct json_object *)exp, name, v) {
        char *low = strdup(name);
        if (!low)
            continue;
        for (char *p = low; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        json_object_object_add(lc, low, json_object_get(v));
        free(low);
    }
    int bad = match_or_fail(ctx, lc, resp->headers, "headers");
    json_object_put(lc);
    return bad;
}

static int expect_body(struct wsc_ctx *ctx, const struct json_object *exp,
                       const struct wsc_http_response *resp)
{
    struct json_object *text = json_object_new_string_len(resp->body, (int)resp->body_len);
    int bad = match_or_fail(ctx, exp, text, "body");
    json_object_put(text);
    return bad;
}

static int expect_json(struct wsc_ctx *ctx, const struct json_object *exp,
                       const struct wsc_http_response *resp)
{
    if (resp->json)
        return match_or_fail(ctx, exp, resp->json, "json");
    if (resp->json_error) {
        wsc_fail(ctx, "json: the body is not valid JSON: %s", resp->json_error);
    } else {
        struct json_object *ct = NULL;
        json_object_object_get_ex(resp->headers, "content-type", &ct);
        wsc_fail(ctx, "json: the body is not JSON (content-type: %s, %zu bytes)",
                 ct ? json_object_get_string(ct) : "none", resp->body_len);
    }
    return 1;
}

int http_expect_response(struct wsc_ctx *ctx, const struct json_object *expect,
                         const struct wsc_http_response *resp, enum http_status_rule rule)
{
    int bad = expect_status(ctx, http_param(expect, "status"), resp->status, rule);
    const struct json_object *e;
    if ((e = http_param(expect, "headers")) != NULL)
        bad += expect_headers(ctx, e, resp);
    if ((e = http_param(expect, "body")) != NULL)
        bad += expect_body(ctx, e, resp);
    if ((e = http_param(expect, "json")) != NULL)
        bad += expect_json(ctx, e, resp);
    return bad;
}

int http_expect_valid(struct wsc_ctx *ctx, const struct json_object *expect)
{
    if (!expect)
        return 0;
    char *msg = wsc_match_check(expect);
    if (!msg)
        return 0;
    wsc_error(ctx, "expect: %s", msg);
    free(msg);
    return -1;
}
