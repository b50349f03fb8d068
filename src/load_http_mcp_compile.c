/* dev-toolkit checks over Streamable HTTP, compiled for the load engine:
 * initialize, tool_discovery (tools/list, every page), call (tools/call),
 * resource (resources/read) and prompt (prompts/get) repeat as sessions;
 * the checks that probe conformance or wait on notifications over time
 * are refused with the reason. validate_output (the call's result against
 * the tool's outputSchema) is a conformance check of `wscheck run`: under
 * load the call is matched against `expect` only. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/mcp.h>
#include <wscheck/params.h>
#include <wscheck/version.h>

#include "load_http_mcp.h"

struct check_kind {
    const char *check;
    const char *method; /* NULL: initialize only */
    const char *name_key, *name_param;
};

static const struct check_kind kinds[] = {
    {"initialize", NULL, NULL, NULL},
    {"tool_discovery", "tools/list", NULL, NULL},
    {"call", "tools/call", "name", "tool"},
    {"resource", "resources/read", "uri", "uri"},
    {"prompt", "prompts/get", "name", "name"},
    {NULL, NULL, NULL, NULL},
};

static const struct {
    const char *check, *reason;
} not_under_load[] = {
    {"command_streaming", "it watches progress notifications and cancellation over time"},
    {"protocol", "it probes conformance (versions, Origin, session end), not a workload"},
    {"error_propagation", "it sends malformed and out-of-order requests on purpose"},
    {"status_updates", "it waits for notifications over a time window"},
};

static void script_free(void *data)
{
    struct mh_script *d = data;
    if (!d)
        return;
    free(d->path);
    free(d->host);
    json_object_put(d->headers);
    free(d->initialize);
    free(d->version);
    free(d->method);
    json_object_put(d->call_params);
    json_object_put(d->expect);
    free(d->check);
    free(d);
}

static const struct check_kind *kind_of(const char *check, char **why)
{
    for (size_t i = 0; kinds[i].check; i++)
        if (strcmp(kinds[i].check, check) == 0)
            return &kinds[i];
    for (size_t i = 0; i < sizeof not_under_load / sizeof not_under_load[0]; i++)
        if (strcmp(not_under_load[i].check, check) == 0) {
            *why = wsc_strdup_printf("dev-toolkit.%s cannot run under load: %s", check,
                                     not_under_load[i].reason);
            return NULL;
        }
    *why = wsc_strdup_printf("dev-toolkit.%s cannot run under load", check);
    return NULL;
}

/* Options of the MCP client that a load session does not carry out. */
static char *refused(const struct json_object *params)
{
    const char *transport = wsc_param_string(params, "transport", "auto");
    if (strcmp(transport, "auto") != 0 && strcmp(transport, "http") != 0)
        return wsc_strdup_printf("transport %s: only Streamable HTTP (http) runs under "
                                 "load for http:// and https:// URLs",
                                 transport);
    if (wsc_param_bool(params, "listen", 0))
        return strdup(
            "listen: the GET stream for server messages is not opened under load");
    static const char *const answers[] = {"roots", "sampling", "elicitation", NULL};
    for (size_t i = 0; answers[i]; i++)
        if (wsc_param(params, answers[i]))
            return wsc_strdup_printf(
                "%s: requests of the server are not answered under load", answers[i]);
    return NULL;
}

/* The test's headers, with `origin` as Origin; a new object. */
static struct json_object *headers_of(const struct json_object *params, char **why)
{
    const struct json_object *h = wsc_param(params, "headers");
    if ((*why = wsc_load_http_headers_check(h)))
        return NULL;
    struct json_object *out = json_object_new_object();
    if (!out) {
        *why = strdup("out of memory");
        return NULL;
    }
    if (h) {
        json_object_object_foreach((struct json_object *)h, key, val)
            json_object_object_add(out, key, json_object_get(val));
    }
    const char *origin = wsc_param_string(params, "origin", NULL);
    if (origin)
        json_object_object_add(out, "Origin", json_object_new_string(origin));
    if ((*why = wsc_load_http_headers_check(out))) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

/* tool_discovery under load lists tools; the other lists' outputs would
 * never be there. */
static char *expect_ok(const struct check_kind *k, const struct json_object *expect)
{
    char *bad = wsc_expect_check(expect);
    if (bad) {
        char *why = wsc_strdup_printf("expect%s", bad);
        free(bad);
        return why;
    }
    if (!expect || strcmp(k->check, "tool_discovery") != 0)
        return NULL;
    json_object_object_foreach((struct json_object *)expect, key, val) {
        (void)val;
        if (strcmp(key, "tools") != 0 && strcmp(key, "tool_names") != 0)
            return wsc_strdup_printf("expect/%s: tool_discovery under load lists tools "
                                     "only (tools, tool_names)",
                                     key);
    }
    return NULL;
}

static char *initialize_text(const char *version)
{
    return wsc_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"initialize\","
                             "\"params\":{\"protocolVersion\":\"%s\",\"capabilities\":{},"
                             "\"clientInfo\":{\"name\":\"wscheck\",\"version\":\"%s\"}}}",
                             MH_ID_INITIALIZE, version, WSC_VERSION);
}

/* The call's params: the name param under its key, and `arguments`. */
static struct json_object *call_params(const struct check_kind *k,
                                       const struct json_object *params, char **why)
{
    struct json_object *p = json_object_new_object();
    if (!p) {
        *why = strdup("out of memory");
        return NULL;
    }
    if (k->name_key) {
        const char *name = wsc_param_string(params, k->name_param, NULL);
        if (!name) {
            json_object_put(p);
            *why = wsc_strdup_printf("%s: required", k->name_param);
            return NULL;
        }
        json_object_object_add(p, k->name_key, json_object_new_string(name));
    }
    struct json_object *args = wsc_param_object(params, "arguments");
    if (args && strcmp(k->check, "resource") != 0)
        json_object_object_add(p, "arguments", json_object_get(args));
    return p;
}

static int fill(struct mh_script *d, const struct check_kind *k,
                const struct json_object *params, char **why)
{
    d->version =
        strdup(wsc_param_string(params, "protocol_version", WSC_MCP_LATEST_VERSION));
    int64_t max = wsc_param_int(params, "max_message_size", 0);
    d->max_body = max > 0 ? (size_t)max : 0;
    const struct json_object *expect = wsc_param(params, "expect");
    if ((*why = refused(params)) || (*why = expect_ok(k, expect)) ||
        !(d->headers = headers_of(params, why)))
        return -1;
    d->expect = json_object_get((struct json_object *)expect);
    d->paginate = k->method && strcmp(k->method, "tools/list") == 0;
    if (k->method && k->name_key && !(d->call_params = call_params(k, params, why)))
        return -1;
    d->initialize = d->version ? initialize_text(d->version) : NULL;
    d->check = wsc_strdup_printf("dev-toolkit.%s", k->check);
    d->method = k->method ? strdup(k->method) : NULL;
    if (!d->version || !d->initialize || !d->check || (k->method && !d->method)) {
        *why = strdup("out of memory");
        return -1;
    }
    return 0;
}

int wsc_load_compile_mcp_http(struct wsc_load_script *sc, const char *check,
                              struct json_object *params, const char *url, char **why)
{
    const char *dot = strrchr(check, '.');
    const struct check_kind *k = kind_of(dot ? dot + 1 : check, why);
    if (!k)
        return -1;
    struct mh_script *d = calloc(1, sizeof *d);
    if (!d) {
        *why = strdup("out of memory");
        return -1;
    }
    int rc = -1;
    if (fill(d, k, params, why) == 0 &&
        wsc_load_script_target(sc, url, &d->path, why) == 0) {
        d->host = wsc_load_http_host(sc);
        rc = d->host && wsc_load_tls_params(sc, params) == 0 ? 0 : -1;
        if (rc)
            *why = strdup("out of memory");
    }
    if (rc != 0) {
        script_free(d);
        return -1;
    }
    sc->proto = &wsc_load_mcp_http_proto;
    sc->data = d;
    sc->free_data = script_free;
    return 0;
}
