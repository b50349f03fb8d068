/* authentication: no credentials and wrong credentials are refused, the
 * right ones accepted, for the mechanism the user names. Every credential
 * is registered as a secret before anything is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "checks.h"

enum cred { CRED_NONE, CRED_WRONG, CRED_RIGHT };

struct auth {
    const char *mechanism;
    const char *name; /* header, parameter, cookie or login member */
    const char *prefix;
    const char *right; /* token, or password for basic */
    char *wrong;
    const char *username;
    const struct json_object *login;
    const struct json_object *accept;
};

static const char *str(const struct json_object *params, const char *key,
                       const char *fallback)
{
    struct json_object *v = NULL;
    if (json_object_object_get_ex(params, key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return fallback;
}

static char *base64(const char *in)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in);
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* A secret and the forms it travels in (URL-encoded, base64 of user:pass). */
static void secret_forms(struct wsc_ctx *ctx, const struct auth *a, const char *value)
{
    wsc_secret(ctx, value);
    char *esc = curl_easy_escape(NULL, value, 0);
    if (esc)
        wsc_secret(ctx, esc);
    curl_free(esc);
    if (strcmp(a->mechanism, "basic") == 0) {
        size_t len = strlen(a->username) + strlen(value) + 2;
        char *pair = malloc(len), *b64 = NULL;
        if (pair) {
            snprintf(pair, len, "%s:%s", a->username, value);
            b64 = base64(pair);
        }
        if (b64)
            wsc_secret(ctx, b64);
        free(pair);
        free(b64);
    }
}

/* Puts the credential into opt (or the login, returned new; NULL when the
 * mechanism sends none). 0 or -1 (out of memory). */
static int add_credential(const struct auth *a, struct wsc_ws_options *opt,
                          const char *value, struct json_object **login)
{
    const char *m = a->mechanism;
    char line[4096];
    *login = NULL;
    if (strcmp(m, "message") == 0) {
        if (json_object_deep_copy((struct json_object *)a->login, login, NULL) != 0)
            return -1;
        if (value)
            json_object_object_add(*login, a->name, json_object_new_string(value));
        return 0;
    }
    if (!value)
        return 0;
    if (strcmp(m, "query") == 0)
        return sec_options_add_query(opt, a->name, value);
    if (strcmp(m, "subprotocol") == 0) {
        snprintf(line, sizeof line, "%s%s", a->prefix, value);
        return sec_options_add_subprotocol(opt, line);
    }
    if (strcmp(m, "basic") == 0) {
        snprintf(line, sizeof line, "%s:%s", a->username, value);
        char *b64 = base64(line);
        if (!b64)
            return -1;
        snprintf(line, sizeof line, "Basic %s", b64);
        free(b64);
        return wsc_ws_options_add_header(opt, "Authorization", line);
    }
    if (strcmp(m, "cookie") == 0) {
        snprintf(line, sizeof line, "%s=%s", a->name, value);
        return wsc_ws_options_add_header(opt, "Cookie", line);
    }
    if (strcmp(m, "header") == 0)
        return wsc_ws_options_add_header(opt, a->name, value);
    snprintf(line, sizeof line, "Bearer %s", value);
    return wsc_ws_options_add_header(opt, "Authorization", line);
}

static void attempt(struct wsc_ctx *ctx, const struct json_object *params,
                    const struct sec_refusal *r, const struct auth *a, enum cred which)
{
    static const char *const names[] = {"no credentials", "wrong credentials",
                                        "right credentials"};
    const char *value = which == CRED_RIGHT   ? a->right
                        : which == CRED_WRONG ? a->wrong
                                              : NULL;
    struct wsc_ws_options opt;
    struct json_object *login = NULL;
    if (sec_options(ctx, params, &opt) != 0)
        return;
    sec_options_drop_credentials(&opt);
    double started = wsc_now();
    if (add_credential(a, &opt, value, &login) != 0) {
        wsc_error(ctx, "out of memory");
    } else {
        char what[200];
        struct sec_probe p;
        snprintf(what, sizeof what, "an upgrade with %s (%s)", names[which],
                 a->mechanism);
        sec_probe_ws(ctx, &opt, r, login, a->accept, &p, NULL);
        sec_probe_case(ctx, names[which], what, which != CRED_RIGHT, r, &p, started);
    }
    json_object_put(login);
    wsc_ws_options_free(&opt);
}

static const char *default_name(const char *mechanism)
{
    if (strcmp(mechanism, "header") == 0)
        return "X-Auth-Token";
    return "token";
}

/* The token with its last character changed: wrong, and just as secret. */
static char *derive_wrong(const char *right)
{
    size_t n = strlen(right);
    char *w = malloc(n + 1);
    if (!w)
        return NULL;
    memcpy(w, right, n + 1);
    if (n > 0)
        w[n - 1] = w[n - 1] == 'x' ? 'y' : 'x';
    return w;
}

void sec_check_authentication(struct wsc_ctx *ctx, struct json_object *params)
{
    struct sec_refusal r;
    char err[200];
    struct auth a = {0};
    struct json_object *login = NULL, *accept = NULL;
    if (sec_refusal_parse(params, &r, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        return;
    }
    a.mechanism = str(params, "mechanism", "bearer");
    a.name = str(params, "name", default_name(a.mechanism));
    a.prefix = str(params, "prefix", "");
    a.username = str(params, "username", "");
    int basic = strcmp(a.mechanism, "basic") == 0;
    a.right = str(params, basic ? "password" : "token", NULL);
    if (json_object_object_get_ex(params, "login", &login))
        a.login = login;
    if (json_object_object_get_ex(params, "accept", &accept))
        a.accept = accept;
    if (!a.right) {
        wsc_error(ctx, "%s",
                  basic ? "basic needs username and password" : "give the token");
        return;
    }
    const char *wrong = str(params, "wrong_token", NULL);
    a.wrong = wrong ? strdup(wrong) : derive_wrong(a.right);
    if (!a.wrong) {
        wsc_error(ctx, "out of memory");
        return;
    }
    secret_forms(ctx, &a, a.right);
    secret_forms(ctx, &a, a.wrong);
    attempt(ctx, params, &r, &a, CRED_NONE);
    attempt(ctx, params, &r, &a, CRED_WRONG);
    attempt(ctx, params, &r, &a, CRED_RIGHT);
    free(a.wrong);
}
