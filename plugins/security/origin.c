/* origin: a foreign Origin is refused, with the credentials given too
 * (cross-site WebSocket hijacking), while the allowed ones are accepted. */
#include <stdio.h>

#include "checks.h"

/* One attempt with `origin` (NULL: no Origin header) as a case. */
static void attempt(struct wsc_ctx *ctx, const struct json_object *params,
                    const struct sec_refusal *r, const char *origin, int want_refused)
{
    struct wsc_ws_options opt;
    if (sec_options(ctx, params, &opt) != 0)
        return;
    int creds = sec_options_have_credentials(&opt);
    char name[300], what[400];
    if (!origin)
        snprintf(name, sizeof name, "no Origin");
    else
        snprintf(name, sizeof name, "%s Origin %s%s",
                 want_refused ? "foreign" : "allowed", origin,
                 want_refused && creds ? " with credentials" : "");
    snprintf(what, sizeof what, "%s%s%s",
             !origin        ? "an upgrade with "
             : want_refused ? "a "
                            : "an ",
             name,
             origin && want_refused && creds ? " (cross-site WebSocket hijacking)" : "");
    double started = wsc_now();
    struct sec_probe p;
    if (sec_options_set_origin(&opt, origin) != 0) {
        wsc_error(ctx, "out of memory");
    } else {
        sec_probe_ws(ctx, &opt, r, NULL, NULL, &p, NULL);
        sec_probe_case(ctx, name, what, want_refused, r, &p, started);
    }
    wsc_ws_options_free(&opt);
}

static void each(struct wsc_ctx *ctx, const struct json_object *params,
                 const struct sec_refusal *r, const char *key, int want_refused)
{
    struct json_object *list = NULL;
    if (!json_object_object_get_ex(params, key, &list))
        return;
    for (size_t i = 0; i < json_object_array_length(list); i++)
        attempt(ctx, params, r,
                json_object_get_string(json_object_array_get_idx(list, i)), want_refused);
}

void sec_check_origin(struct wsc_ctx *ctx, struct json_object *params)
{
    struct sec_refusal r;
    char err[200];
    struct json_object *require = NULL;
    if (sec_refusal_parse(params, &r, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        return;
    }
    each(ctx, params, &r, "allowed_origins", 0);
    each(ctx, params, &r, "foreign_origins", 1);
    if (json_object_object_get_ex(params, "require_origin", &require) &&
        json_object_get_boolean(require))
        attempt(ctx, params, &r, NULL, 1);
}
