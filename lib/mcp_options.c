/* Options of the MCP client (see <wscheck/mcp.h>): defaults, copies, the
 * transport a URL selects, and parsing a check's params. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_util.h"
#include "mcp_internal.h"

#define OPTIONS_KNOWN WSC_END_OF(struct wsc_mcp_options, elicitation)

void wsc_mcp_options_init_sized(struct wsc_mcp_options *opt, size_t size)
{
    memset(opt, 0, size);
    if (size < OPTIONS_KNOWN)
        return; /* struct_size stays 0: every later use refuses */
    opt->struct_size = size;
    opt->max_message_size = WSC_MCP_DEFAULT_MAX_MESSAGE_SIZE;
    opt->max_stderr = WSC_MCP_DEFAULT_MAX_STDERR;
}

const char *mcp_options_unusable(const struct wsc_mcp_options *opt)
{
    if (opt->struct_size < OPTIONS_KNOWN)
        return "struct wsc_mcp_options was not initialised with wsc_mcp_options_init() "
               "or wsc_mcp_options_parse(), or comes from an older ABI: rebuild the "
               "plugin against its headers";
    if (!wsc_all_zero(opt, OPTIONS_KNOWN, opt->struct_size))
        return "struct wsc_mcp_options sets members this wscheck (" WSC_VERSION ") does "
               "not know: the plugin was built for a newer wscheck";
    return NULL;
}

void wsc_mcp_options_free(struct wsc_mcp_options *opt)
{
    if (opt->struct_size < OPTIONS_KNOWN)
        return;
    free(opt->url);
    wsc_strv_free(opt->argv, opt->n_argv);
    wsc_strv_free(opt->headers, opt->n_headers);
    free(opt->origin);
    free(opt->protocol_version);
    free(opt->client_name);
    free(opt->ca_file);
    json_object_put(opt->roots);
    json_object_put(opt->sampling);
    json_object_put(opt->elicitation);
    wsc_mcp_options_init_sized(opt, opt->struct_size);
}

int wsc_mcp_options_add_header(struct wsc_mcp_options *opt, const char *name,
                               const char *value)
{
    if (opt->struct_size < OPTIONS_KNOWN)
        return -1;
    char *line = wsc_strdup_printf("%s: %s", name, value);
    int rc = line ? wsc_strv_push(&opt->headers, &opt->n_headers, line) : -1;
    free(line);
    return rc;
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static int dup_strv(char ***dst, size_t *n, char *const *src, size_t n_src)
{
    *dst = NULL;
    *n = 0;
    for (size_t i = 0; i < n_src; i++)
        if (wsc_strv_push(dst, n, src[i]) != 0)
            return -1;
    return 0;
}

int mcp_options_copy(struct wsc_mcp_options *dst, const struct wsc_mcp_options *src)
{
    wsc_mcp_options_init(dst);
    dst->transport = src->transport;
    dst->shell = src->shell;
    dst->insecure = src->insecure;
    dst->max_message_size =
        src->max_message_size ? src->max_message_size : WSC_MCP_DEFAULT_MAX_MESSAGE_SIZE;
    dst->max_stderr = src->max_stderr;
    dst->listen = src->listen;
    dst->roots = json_object_get(src->roots);
    dst->sampling = json_object_get(src->sampling);
    dst->elicitation = json_object_get(src->elicitation);
    if (dup_str(&dst->url, src->url) || dup_str(&dst->origin, src->origin) ||
        dup_str(&dst->protocol_version, src->protocol_version) ||
        dup_str(&dst->client_name, src->client_name) ||
        dup_str(&dst->ca_file, src->ca_file) ||
        dup_strv(&dst->argv, &dst->n_argv, src->argv, src->n_argv) ||
        dup_strv(&dst->headers, &dst->n_headers, src->headers, src->n_headers)) {
        wsc_mcp_options_free(dst);
        return -1;
    }
    return 0;
}

static int has_prefix(const char *s, const char *prefix)
{
    return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

enum wsc_mcp_transport mcp_transport_for(const struct wsc_mcp_options *opt)
{
    const char *u = opt->url;
    if (opt->transport != WSC_MCP_AUTO)
        return opt->transport;
    if (has_prefix(u, "ws://") || has_prefix(u, "wss://"))
        return WSC_MCP_WEBSOCKET;
    if (has_prefix(u, "http://") || has_prefix(u, "https://"))
        return WSC_MCP_HTTP;
    if (has_prefix(u, "stdio:") || (!u && opt->n_argv > 0))
        return WSC_MCP_STDIO;
    return WSC_MCP_AUTO;
}

/* ---- parsing params ------------------------------------------------------- */

static int parse_error(char **err, const char *fmt, ...) WSC_PRINTF(2, 3);
static int parse_error(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *err = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static int get_string(const struct json_object *params, const char *key, char **out,
                      char **err)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return parse_error(err, "%s: expected a string", key);
    return dup_str(out, json_object_get_string(v)) ? parse_error(err, "out of memory")
                                                   : 0;
}

static int is_credential(const char *name)
{
    static const char *const names[] = {"authorization", "proxy-authorization", "cookie",
                                        "x-api-key",     "x-auth-token",        NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

void mcp_register_secrets(struct wsc_ctx *ctx, const struct wsc_mcp_options *opt)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < opt->n_headers; i++) {
        const char *line = opt->headers[i], *colon = strchr(line, ':');
        if (!colon)
            continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(colon - line), line);
        const char *value = colon + 1 + strspn(colon + 1, " ");
        if (!is_credential(name) || !*value)
            continue;
        wsc_secret(ctx, value);
        const char *sp = strchr(value, ' ');
        if (sp && strlen(sp + 1) >= 4)
            wsc_secret(ctx, sp + 1);
    }
}

static int parse_headers(const struct json_object *params, struct wsc_mcp_options *opt,
                         char **err)
{
    struct json_object *h;
    if (!json_object_object_get_ex(params, "headers", &h) || !h)
        return 0;
    if (!json_object_is_type(h, json_type_object))
        return parse_error(err, "headers: expected an object of strings");
    json_object_object_foreach(h, name, value) {
        if (!json_object_is_type(value, json_type_string))
            return parse_error(err, "headers/%s: expected a string", name);
        const char *s = json_object_get_string(value);
        if (strpbrk(s, "\r\n") || strpbrk(name, "\r\n: "))
            return parse_error(err, "headers/%s: the name or value contains a line break",
                               name);
        if (wsc_mcp_options_add_header(opt, name, s) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static int parse_transport(const struct json_object *params, struct wsc_mcp_options *opt,
                           char **err)
{
    static const char *const names[] = {"auto",  "websocket", "http",
                                        "stdio", "sse",       NULL};
    struct json_object *v;
    if (!json_object_object_get_ex(params, "transport", &v) || !v)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(json_object_get_string(v), names[i]) == 0) {
            opt->transport = (enum wsc_mcp_transport)i;
            return 0;
        }
    return parse_error(err, "transport: expected auto, websocket, http, stdio or sse");
}

static int parse_command(const struct json_object *params, struct wsc_mcp_options *opt,
                         char **err)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, "command", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
        return parse_error(err, "command: expected a non-empty array of strings");
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *a = json_object_array_get_idx(v, i);
        if (!json_object_is_type(a, json_type_string))
            return parse_error(err, "command/%zu: expected a string", i);
        if (wsc_strv_push(&opt->argv, &opt->n_argv, json_object_get_string(a)) != 0)
            return parse_error(err, "out of memory");
    }
    return 0;
}

static struct json_object *take_json(const struct json_object *params, const char *key,
                                     json_type type)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return json_object_get(v);
}

static int parse_members(const struct json_object *params, struct wsc_mcp_options *opt,
                         char **err)
{
    struct json_object *v;
    if (get_string(params, "url", &opt->url, err) ||
        get_string(params, "origin", &opt->origin, err) ||
        get_string(params, "protocol_version", &opt->protocol_version, err) ||
        get_string(params, "ca_file", &opt->ca_file, err) ||
        parse_transport(params, opt, err) || parse_command(params, opt, err) ||
        parse_headers(params, opt, err))
        return -1;
    if (opt->protocol_version && !mcp_version_known(opt->protocol_version))
        return parse_error(err,
                           "protocol_version: '%s' is not one of 2025-11-25, 2025-06-18, "
                           "2025-03-26, 2024-11-05",
                           opt->protocol_version);
    if (json_object_object_get_ex(params, "shell", &v))
        opt->shell = json_object_get_boolean(v);
    if (json_object_object_get_ex(params, "insecure", &v))
        opt->insecure = json_object_get_boolean(v);
    if (json_object_object_get_ex(params, "listen", &v))
        opt->listen = json_object_get_boolean(v);
    if (json_object_object_get_ex(params, "max_message_size", &v)) {
        int64_t n = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || n < 1)
            return parse_error(err, "max_message_size: expected a positive integer");
        opt->max_message_size = (size_t)n;
    }
    opt->roots = take_json(params, "roots", json_type_array);
    opt->sampling = take_json(params, "sampling", json_type_object);
    opt->elicitation = take_json(params, "elicitation", json_type_object);
    if (!opt->url && opt->n_argv == 0)
        return parse_error(err, "url: missing");
    if (mcp_transport_for(opt) == WSC_MCP_AUTO)
        return parse_error(err,
                           "url: expected ws://, wss://, http://, https:// or "
                           "stdio:COMMAND, got '%s'",
                           opt->url);
    return 0;
}

int wsc_mcp_options_parse_sized(struct wsc_ctx *ctx, const struct json_object *params,
                                struct wsc_mcp_options *opt, size_t size, char **err)
{
    *err = NULL;
    wsc_mcp_options_init_sized(opt, size);
    if (opt->struct_size == 0)
        return parse_error(err, "%s", mcp_options_unusable(opt));
    if (parse_members(params, opt, err) != 0) {
        wsc_mcp_options_free(opt);
        return -1;
    }
    mcp_register_secrets(ctx, opt);
    return 0;
}
