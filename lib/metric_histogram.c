/* wsc_metric_histogram(): a check's histogram, kept in its report in the
 * JSON form (histogram_json.c) with its unit. Only numbers go in: nothing
 * here can carry a secret, so no redaction is needed. */
#include <wscheck/plugin.h>

#include "context.h"
#include "histogram_internal.h"
#include "json_util.h"

void wsc_metric_histogram(struct wsc_ctx *ctx, const char *name,
                          const struct wsc_histogram *h, const char *unit)
{
    if (!ctx || !name || !*name || !h || wsc_hist_count(h) == 0)
        return;
    if (!ctx->histograms && !(ctx->histograms = json_object_new_object()))
        return;
    struct json_object *j = wsc_hist_to_json(h);
    if (!j)
        return;
    if (unit && wsc_json_put(j, "unit", json_object_new_string(unit), 0) != 0) {
        json_object_put(j);
        return;
    }
    json_object_object_add(ctx->histograms, name, j);
}
