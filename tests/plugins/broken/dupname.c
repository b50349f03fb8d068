/* A plugin whose name is already taken by testkit. */
#include <wscheck/plugin.h>
static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}
static const struct wsc_check checks[] = {
    {.name = "pass", .summary = "x", .params_schema = NULL, .run = run}, {.name = NULL}};
WSC_PLUGIN("testkit", "9.9.9", "a duplicate", checks);
