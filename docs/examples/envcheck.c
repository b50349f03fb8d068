/* envcheck: an out-of-tree wscheck plugin, the worked example of
 * wscheck-plugin(7). One check, `variable`, asserts on an environment
 * variable of the machine wscheck runs on.
 *
 * Build and install:
 *   cc -shared -fPIC -o envcheck.so envcheck.c $(pkg-config --cflags --libs wscheck)
 *   install -m 644 envcheck.so "$(pkg-config --variable=plugindir wscheck)"
 */
#include <stdlib.h>
#include <wscheck/plugin.h>

static void check_variable(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *name = NULL, *expect = NULL;
    json_object_object_get_ex(params, "name", &name);
    json_object_object_get_ex(params, "expect", &expect);

    const char *value = getenv(json_object_get_string(name));
    if (!value) {
        wsc_fail(ctx, "%s is not set", json_object_get_string(name));
        return;
    }
    struct json_object *actual = json_object_new_string(value);
    wsc_output(ctx, "value", json_object_get(actual));

    char *why = NULL;
    if (expect && !wsc_match(expect, actual, NULL, &why))
        wsc_fail(ctx, "%s: %s", json_object_get_string(name), why ? why : "no match");
    free(why);
    json_object_put(actual);
}

static const struct wsc_check checks[] = {
    {.name = "variable", .summary = "an environment variable is set (and matches)", .params_schema = "{\"type\": \"object\", \"required\": [\"name\"], \"properties\": {" "  \"name\":   {\"type\": \"string\", \"description\": \"variable name\"}," "  \"expect\": {\"x-wsc-expect\": true, \"description\": \"matcher on the value\"}}}", .run = check_variable},
    {.name = NULL},
};

WSC_PLUGIN("envcheck", "1.0.0", "Assertions on environment variables", checks);
