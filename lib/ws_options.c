/* Options of the WebSocket layer (see <wscheck/ws.h>): parsing a check's
 * params into struct wsc_ws_options, checking that nothing in them can break
 * the upgrade request, and registering the credentials they carry as secrets
 * of the context. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "ws_internal.h"

/* ---- options ------------------------------------------------------------- */

/* Zeroes the plugin's whole struct (members this build does not know
 * included: they stay unset) and records its size. */
void wsc_ws_options_init_sized(struct wsc_ws_options *opt, size_t size)
{
    memset(opt, 0, size);
    if (size < WS_OPTIONS_KNOWN)
        return; /* struct_size stays 0: every later use refuses */
    opt->struct_size = size;
    opt->max_message_size = WSC_WS_DEFAULT_MAX_MESSAGE_SIZE;
}

const char *ws_options_unusable(const struct wsc_ws_options *opt)
{
    if (opt->struct_size < WS_OPTIONS_KNOWN)
        return "struct wsc_ws_options was not initialised with wsc_ws_options_init() "
               "or wsc_ws_options_parse(), or comes from an older ABI: rebuild the "
               "plugin against its headers";
    if (!wsc_all_zero(opt, WS_OPTIONS_KNOWN, opt->struct_size))
        return "struct wsc_ws_options sets members this wscheck (" WSC_VERSION ") does "
               "not know: the plugin was built for a newer wscheck";
    return NULL;
}

void wsc_ws_options_free(struct wsc_ws_options *opt)
{
    if (opt->struct_size < WS_OPTIONS_KNOWN)
        return; /* never initialised: nothing of ours in it */
    free(opt->url);
    for (size_t i = 0; i < opt->n_headers; i++)
        free(opt->headers[i]);
    free(opt->headers);
    free(opt->origin);
    for (size_t i = 0; i < opt->n_subprotocols; i++)
        free(opt->subprotocols[i]);
    free(opt->subprotocols);
    free(opt->ca_file);
    free(opt->client_cert);
    free(opt->client_key);
    wsc_ws_options_init_sized(opt, opt->struct_size);
}

int wsc_ws_options_add_header(struct wsc_ws_options *opt, const char *name,
                              const char *value)
{
    if (opt->struct_size < WS_OPTIONS_KNOWN)
        return -1;
    char *line;
    if (asprintf(&line, "%s: %s", name, value) < 0)
        return -1;
    int r = wsc_strv_push(&opt->headers, &opt->n_headers, line);
    free(line);
    return r;
}

int ws_options_copy(struct wsc_ws_options *dst, const struct wsc_ws_options *src)
{
    wsc_ws_options_init(dst);
    dst->connect_timeout = src->connect_timeout;
    dst->insecure = src->insecure;
    dst->max_message_size =
        src->max_message_size ? src->max_message_size : WSC_WS_DEFAULT_MAX_MESSAGE_SIZE;
    dst->observe_pings = src->observe_pings;
    if ((src->url && !(dst->url = strdup(src->url))) ||
        (src->origin && !(dst->origin = strdup(src->origin))) ||
        (src->ca_file && !(dst->ca_file = strdup(src->ca_file))) ||
        (src->client_cert && !(dst->client_cert = strdup(src->client_cert))) ||
        (src->client_key && !(dst->client_key = strdup(src->client_key))))
        return -1;
    for (size_t i = 0; i < src->n_headers; i++)
        if (wsc_strv_push(&dst->headers, &dst->n_headers, src->headers[i]) != 0)
            return -1;
    for (size_t i = 0; i < src->n_subprotocols; i++)
        if (wsc_strv_push(&dst->subprotocols, &dst->n_subprotocols,
                          src->subprotocols[i]) != 0)
            return -1;
    return 0;
}

int ws_is_url(const char *url)
{
    return strncasecmp(url, "ws://", 5) == 0 || strncasecmp(url, "wss://", 6) == 0;
}

static int has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

/* Registers the secret parts of a credential header value: the whole value
 * and, for "Scheme credentials", the credentials alone. */
static void register_credential(struct wsc_ctx *ctx, const char *value)
{
    if (!ctx || !*value)
        return;
    wsc_secret(ctx, value);
    const char *sp = strchr(value, ' ');
    if (sp && sp[1])
        wsc_secret(ctx, sp + 1);
}

static void register_url_password(struct wsc_ctx *ctx, const char *url)
{
    const char *scheme_end = strstr(url, "://");
    if (!ctx || !scheme_end)
        return;
    const char *auth = scheme_end + 3;
    size_t host_len = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', host_len);
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon && at > colon + 1) {
        char *pw = strndup(colon + 1, (size_t)(at - colon - 1));
        if (pw)
            wsc_secret(ctx, pw);
        free(pw);
    }
}

static int is_credential_header(const char *name)
{
    return strcasecmp(name, "Authorization") == 0 ||
           strcasecmp(name, "Proxy-Authorization") == 0 ||
           strcasecmp(name, "Cookie") == 0;
}

WSC_PRINTF(2, 3)
static int parse_error(char **err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        *err = wsc_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int parse_string(const struct json_object *params, const char *key, char **out,
                        char **err)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, key, &v) ||
        json_object_is_type(v, json_type_null))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return parse_error(err, "%s: expected a string", key);
    if (!(*out = strdup(json_object_get_string(v))))
        return parse_error(err, "out of memory");
    return 0;
}

static int parse_headers(struct wsc_ctx *ctx, const struct json_object *params,
                         struct wsc_ws_options *opt, char **err)
{
    struct json_object *h;
    if (!json_object_object_get_ex(params, "headers", &h) ||
        json_object_is_type(h, json_type_null))
        return 0;
    if (!json_object_is_type(h, json_type_object))
        return parse_error(err, "headers: expected an object of strings");
    json_object_object_foreach(h, name, v) {
        if (json_object_is_type(v, json_type_object) ||
            json_object_is_type(v, json_type_array) ||
            json_object_is_type(v, json_type_null))
            return parse_error(err, "headers/%s: expected a string", name);
        const char *value = json_object_get_string(v);
        if (!*name || strpbrk(name, ":\r\n \t"))
            return parse_error(err, "headers: '%s' is not a valid header name", name);
        if (has_line_break(value))
            return parse_error(err, "headers/%s: the value contains a line break", name);
        if (is_credential_header(name))
            register_credential(ctx, value);
        if (wsc_ws_options_add_header(opt, name, value) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_subprotocols(const struct json_object *params,
                              struct wsc_ws_options *opt, char **err)
{
    struct json_object *a;
    if (!json_object_object_get_ex(params, "subprotocols", &a) ||
        json_object_is_type(a, json_type_null))
        return 0;
    if (!json_object_is_type(a, json_type_array))
        return parse_error(err, "subprotocols: expected an array of strings");
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        struct json_object *p = json_object_array_get_idx(a, i);
        if (!json_object_is_type(p, json_type_string))
            return parse_error(err, "subprotocols/%zu: expected a string", i);
        const char *s = json_object_get_string(p);
        if (!*s || strpbrk(s, ", \t\r\n;\""))
            return parse_error(err, "subprotocols/%zu: '%s' is not a valid token", i, s);
        if (wsc_strv_push(&opt->subprotocols, &opt->n_subprotocols, s) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_numbers(const struct json_object *params, struct wsc_ws_options *opt,
                         char **err)
{
    struct json_object *v;
    if (json_object_object_get_ex(params, "connect_timeout", &v) &&
        !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_double) &&
            !json_object_is_type(v, json_type_int))
            return parse_error(err, "connect_timeout: expected a number of seconds");
        opt->connect_timeout = json_object_get_double(v);
        if (opt->connect_timeout < 0)
            return parse_error(err, "connect_timeout: must not be negative");
    }
    if (json_object_object_get_ex(params, "insecure", &v) &&
        !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_boolean))
            return parse_error(err, "insecure: expected true or false");
        opt->insecure = json_object_get_boolean(v);
    }
    if (json_object_object_get_ex(params, "max_message_size", &v) &&
        !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
            return parse_error(err, "max_message_size: expected a positive integer");
        opt->max_message_size = (size_t)json_object_get_int64(v);
    }
    return 0;
}

int wsc_ws_options_parse_sized(struct wsc_ctx *ctx, const struct json_object *params,
                               struct wsc_ws_options *opt, size_t size, char **err)
{
    wsc_ws_options_init_sized(opt, size);
    if (err)
        *err = NULL;
    int r = -1;
    if (size < WS_OPTIONS_KNOWN)
        parse_error(err, "%s", ws_options_unusable(opt));
    else if (!params || !json_object_is_type(params, json_type_object))
        parse_error(err, "params: expected an object");
    else if (parse_string(params, "url", &opt->url, err) != 0)
        ;
    else if (!opt->url)
        parse_error(err, "url: missing (a ws:// or wss:// URL)");
    else if (!ws_is_url(opt->url) || has_line_break(opt->url))
        parse_error(err, "url: expected a ws:// or wss:// URL, got '%s'", opt->url);
    else if (parse_headers(ctx, params, opt, err) == 0 &&
             parse_string(params, "origin", &opt->origin, err) == 0 &&
             parse_subprotocols(params, opt, err) == 0 &&
             parse_numbers(params, opt, err) == 0 &&
             parse_string(params, "ca_file", &opt->ca_file, err) == 0 &&
             parse_string(params, "client_cert", &opt->client_cert, err) == 0 &&
             parse_string(params, "client_key", &opt->client_key, err) == 0) {
        if (opt->origin && has_line_break(opt->origin))
            parse_error(err, "origin: contains a line break");
        else
            r = 0;
    }
    if (r == 0)
        register_url_password(ctx, opt->url);
    else
        wsc_ws_options_free(opt);
    return r;
}
