/* What every crackerjack check shares: the server's URLs from the `base`
 * param, GET with a precise failure, small JSON readers, job ids. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

double cj_ms(double from, double to)
{
    return (to - from) * 1000.0;
}

static char *join(const char *a, size_t alen, const char *b, const char *c)
{
    size_t n = alen + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s%s%s", (int)alen, a, b, c);
    return s;
}

/* The base without trailing slashes. */
static const char *base_of(const struct json_object *params, size_t *len)
{
    const char *base = wsc_param_string(params, "base", CJ_DEFAULT_BASE);
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    *len = n;
    return base;
}

char *cj_http_url(const struct json_object *params, const char *path)
{
    size_t n;
    const char *base = base_of(params, &n);
    return join(base, n, path, "");
}

char *cj_progress_url(const struct json_object *params, const char *job_id)
{
    size_t n;
    const char *base = base_of(params, &n);
    const char *scheme = "ws";
    if (strncasecmp(base, "https://", 8) == 0) {
        scheme = "wss";
        base += 8, n -= 8;
    } else if (strncasecmp(base, "http://", 7) == 0) {
        base += 7, n -= 7;
    }
    char *host = join(base, n, "/ws/progress/", job_id);
    char *url = host ? join(scheme, strlen(scheme), "://", host) : NULL;
    free(host);
    return url;
}

int cj_get(struct wsc_ctx *ctx, const struct json_object *params, const char *path,
           struct wsc_http_response *resp)
{
    char *url = cj_http_url(params, path);
    if (!url) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    struct wsc_http_request req = {.method = "GET", .url = url};
    char *err = NULL;
    int rc = wsc_http_request(ctx, &req, resp, &err);
    if (rc != 0) {
        wsc_fail(ctx, "GET %s: %s", path, err ? err : "out of memory");
        free(err);
    }
    free(url);
    return rc;
}

struct json_object *cj_json_object(struct wsc_ctx *ctx, const char *path,
                                   const struct wsc_http_response *resp)
{
    if (resp->status != 200) {
        wsc_fail(ctx, "GET %s: HTTP %ld, expected 200", path, resp->status);
        return NULL;
    }
    if (!json_object_is_type(resp->json, json_type_object)) {
        wsc_fail(ctx, "GET %s: the body is not a JSON object%s%s", path,
                 resp->json_error ? ": " : "", resp->json_error ? resp->json_error : "");
        return NULL;
    }
    return resp->json;
}

const char *cj_str(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int cj_int(const struct json_object *o, const char *key, int64_t *out)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return 0;
    *out = json_object_get_int64(v);
    return 1;
}

int cj_hex8(const char *s)
{
    if (!s || strlen(s) != 8)
        return 0;
    for (size_t i = 0; i < 8; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
            return 0;
    return 1;
}

/* A word (between '-') that v0.31.12+ refuse in an id (§3). */
static int forbidden_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "union",   "select",     "insert",      "update",        "delete",  "drop",
        "create",  "alter",      "exec",        "execute",       "getattr", "setattr",
        "delattr", "__import__", "xp_cmdshell", "sp_executesql", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
            return 1;
    return n >= 10 && strncasecmp(w, "subprocess", 10) == 0;
}

/* Valid on every version: [A-Za-z0-9_-]{1,50}, not only '-' and '_', no
 * "--", no forbidden word. */
int cj_job_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 50 || strstr(id, "--") || strspn(id, "-_") == n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_')
            return 0;
    for (const char *w = id; *w;) {
        size_t len = strcspn(w, "-");
        if (forbidden_word(w, len))
            return 0;
        w += len + (w[len] == '-');
    }
    return 1;
}

void cj_publish(struct wsc_ctx *ctx, const struct json_object *params,
                struct json_object *outputs)
{
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
    /* after a failure the outputs are incomplete: mismatches would be noise */
    if (!wsc_failed(ctx))
        wsc_expect(ctx, wsc_param(params, "expect"), NULL, outputs);
}
