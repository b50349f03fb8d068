/* A plugin whose check declares a params schema that is not JSON. */
#include <wscheck/plugin.h>
static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}
static const struct wsc_check checks[] = {
    {.name = "x", .summary = "x", .params_schema = "{not json", .run = run},
    {.name = NULL}};
WSC_PLUGIN("badschema", "1", "an invalid schema", checks);
