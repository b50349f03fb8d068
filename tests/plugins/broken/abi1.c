/* A plugin built for ABI 1: the structs as they were then, defined here
 * because the installed headers describe ABI 2 only. */
#include <stdint.h>

#include <json-c/json.h>
#include <wscheck/plugin.h>

struct abi1_check {
    const char *name;
    const char *summary;
    const char *params_schema;
    void (*run)(struct wsc_ctx *ctx, struct json_object *params);
};

struct abi1_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name;
    const char *version;
    const char *summary;
    const struct abi1_check *checks;
};

static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)p;
    wsc_note(ctx, "an ABI 1 check must never run");
}

static const struct abi1_check checks[] = {
    {"old", "a check of ABI 1", NULL, run},
    {NULL, NULL, NULL, NULL},
};

WSC_EXPORT const struct abi1_plugin wscheck_plugin = {
    1, (uint32_t)sizeof(struct abi1_plugin), "abi1", "1.0.0", "built for ABI 1", checks};
