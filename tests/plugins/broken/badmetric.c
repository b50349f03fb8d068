/* Declares a metric without a unit: refused. */
#include <wscheck/plugin.h>

static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}

static const struct wsc_metric_decl metrics[] = {
    {.name = "rtt_ms", .unit = "ms", .summary = "round trip"},
    {.name = "lost", .unit = NULL, .summary = "no unit"},
    {.name = NULL},
};

static const struct wsc_check checks[] = {
    {.name = "measure",
     .summary = "declares a bad metric",
     .run = run,
     .metrics = metrics},
    {.name = NULL},
};

WSC_PLUGIN("badmetric", "1.0.0", "a metric without a unit", checks);
