/* A plugin built for another ABI version. */
#include <wscheck/plugin.h>
static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}
static const struct wsc_check checks[] = {
    {.name = "x", .summary = "x", .params_schema = NULL, .run = run}, {.name = NULL}};
WSC_EXPORT const struct wsc_plugin wscheck_plugin = {
    99,     sizeof(struct wsc_plugin), "badabi", "1", "wrong ABI",
    checks, sizeof(struct wsc_check)};
