/* A plugin with a check that has a function but no name. */
#include <wscheck/plugin.h>
static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}
static const struct wsc_check checks[] = {
    {.name = NULL, .summary = "nameless", .params_schema = NULL, .run = run},
    {.name = NULL}};
WSC_PLUGIN("nocheckname", "1", "a check without a name", checks);
