/* Placeholder runs while the feed checks are written; replaced by one file
 * per check. */
#include "checks.h"

void mon_metrics_stream(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_skip(ctx, "metrics_stream is not built yet");
}

void mon_historical(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_skip(ctx, "historical is not built yet");
}

void mon_alert_delivery(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_skip(ctx, "alert_delivery is not built yet");
}

void mon_dashboard_feed(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_skip(ctx, "dashboard_feed is not built yet");
}
