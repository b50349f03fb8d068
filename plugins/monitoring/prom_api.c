/* GET requests to the HTTP APIs of Prometheus and Alertmanager, and what
 * their answers mean. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/http.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "prom.h"

char *prom_url_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    char *p = out;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
            (*c >= '0' && *c <= '9') || strchr("-_.~", *c)) {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return out;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

static char *join_url(const struct json_object *params, const char *path)
{
    const char *base = wsc_param_string(params, "url", "");
    size_t len = strlen(base);
    while (len > 0 && base[len - 1] == '/')
        len--;
    return format("%.*s%s", (int)len, base, path);
}

/* The start of a body that is not what an API answers, for a message. */
static char *body_excerpt(const struct wsc_http_response *resp)
{
    char text[WSC_RENDER_MAX + 8];
    wsc_render_text_buf(text, sizeof text, resp->body, resp->body_len);
    const char *type =
        json_object_get_string(json_object_object_get(resp->headers, "content-type"));
    return format("HTTP %ld, not a JSON answer of the API (%s): %s", resp->status,
                  type ? type : "no Content-Type", resp->body_len ? text : "empty body");
}

static const char *member_string(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static void warn_warnings(struct wsc_ctx *ctx, const struct json_object *answer)
{
    struct json_object *warnings = NULL;
    if (!json_object_object_get_ex(answer, "warnings", &warnings) ||
        !json_object_is_type(warnings, json_type_array))
        return;
    for (size_t i = 0; i < prom_len(warnings); i++) {
        char text[WSC_RENDER_MAX + 8];
        wsc_render_json_buf(text, sizeof text, json_object_array_get_idx(warnings, i));
        wsc_warn(ctx, "Prometheus warns: %s", text);
    }
}

/* {"status":"success","data":...} or an error. */
static struct json_object *prometheus_data(struct wsc_ctx *ctx,
                                           const struct wsc_http_response *resp,
                                           char **why)
{
    const char *status = member_string(resp->json, "status");
    if (status && strcmp(status, "error") == 0) {
        char text[WSC_RENDER_MAX + 8];
        const char *error = member_string(resp->json, "error");
        wsc_render_text_buf(text, sizeof text, error ?: "", error ? strlen(error) : 0);
        *why = format("HTTP %ld, %s: %s", resp->status,
                      member_string(resp->json, "errorType") ?: "error", text);
        return NULL;
    }
    if (!status || strcmp(status, "success") != 0 || resp->status >= 300) {
        char text[WSC_RENDER_MAX + 8];
        wsc_render_json_buf(text, sizeof text, resp->json);
        *why = format("HTTP %ld, not a Prometheus API answer: %s", resp->status, text);
        return NULL;
    }
    warn_warnings(ctx, resp->json);
    return json_object_get(json_object_object_get(resp->json, "data"));
}

/* Alertmanager's v2 API answers the value, or an error as a JSON string. */
static struct json_object *alertmanager_data(const struct wsc_http_response *resp,
                                             char **why)
{
    if (resp->status >= 300) {
        char text[WSC_RENDER_MAX + 8];
        wsc_render_json_buf(text, sizeof text, resp->json);
        *why = format("HTTP %ld: %s", resp->status, text);
        return NULL;
    }
    return json_object_get(resp->json);
}

struct json_object *prom_api_get(struct wsc_ctx *ctx, const struct json_object *params,
                                 const char *path, enum prom_api_kind kind,
                                 double *total_ms, char **why)
{
    *why = NULL;
    struct wsc_http_request req = {0};
    wsc_http_request_from_params(&req, params);
    char *url = join_url(params, path);
    if (!url) {
        *why = format("out of memory");
        return NULL;
    }
    req.url = url;
    struct wsc_http_response resp;
    int rc = wsc_http_request(ctx, &req, &resp, why);
    free(url);
    if (rc != 0)
        return NULL;
    if (total_ms)
        *total_ms = resp.total_ms;
    struct json_object *data = NULL;
    if (!resp.json)
        *why = body_excerpt(&resp);
    else if (kind == PROM_API_PROMETHEUS)
        data = prometheus_data(ctx, &resp, why);
    else
        data = alertmanager_data(&resp, why);
    wsc_http_response_free(&resp);
    return data;
}
