/* Opening, initializing and closing the MCP session of a check. */
#include <stdlib.h>
#include <string.h>

#include "checks.h"

double dt_ms(double from, double to)
{
    return (to - from) * 1000.0;
}

void dt_fail(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *what)
{
    const char *err = wsc_mcp_error(m);
    size_t n = strlen(what);
    /* the library's messages often name the method already */
    if (strncmp(err, what, n) == 0 && err[n] == ':')
        wsc_fail(ctx, "%s", err);
    else
        wsc_fail(ctx, "%s: %s", what, err);
}

struct wsc_mcp *dt_open(struct wsc_ctx *ctx, const struct json_object *params,
                        int initialize)
{
    struct wsc_mcp_options opt;
    char *err = NULL;
    if (wsc_mcp_options_parse(ctx, params, &opt, &err) != 0) {
        wsc_error(ctx, "%s", err ? err : "out of memory");
        free(err);
        return NULL;
    }
    struct wsc_mcp *m = wsc_mcp_open(ctx, &opt, 0);
    wsc_mcp_options_free(&opt);
    if (!m) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    enum wsc_mcp_result r = wsc_mcp_status(m);
    if (r == WSC_MCP_OK && initialize)
        r = wsc_mcp_initialize(m, 0);
    if (r != WSC_MCP_OK) {
        dt_fail(ctx, m, initialize ? "initialize" : "connect");
        dt_close(ctx, m);
        return NULL;
    }
    return m;
}

/* The MUSTs broken already failed the call that met them; what is left to
 * say is the SHOULDs. */
static void warn_shoulds(struct wsc_ctx *ctx, const struct wsc_mcp *m)
{
    size_t n = wsc_mcp_violation_count(m);
    for (size_t i = 0; i < n; i++) {
        const struct wsc_mcp_violation *v = wsc_mcp_violation(m, i);
        if (v && !v->must)
            wsc_warn(ctx, "%s", v->message);
    }
}

void dt_release(struct wsc_ctx *ctx, struct wsc_mcp *m)
{
    if (!m)
        return;
    warn_shoulds(ctx, m);
    wsc_mcp_free(m);
}

void dt_close(struct wsc_ctx *ctx, struct wsc_mcp *m)
{
    if (m)
        wsc_mcp_close(m, 0);
    dt_release(ctx, m);
}
