/* envcheck: an out-of-tree wscheck plugin, the worked example of
 * wscheck-plugin(7). One check, `variable`, asserts on an environment
 * variable of the machine wscheck runs on.
 *
 * Build and install:
 *   cc -shared -fPIC -o envcheck.so envcheck.c $(pkg-config --cflags --libs wscheck)
 *   install -m 644 envcheck.so "$(pkg-config --variable=plugindir wscheck)"
 */
#include <stdlib.h>
#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/plugin.h>

static void check_variable(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *name = wsc_param_string(params, "name", "");
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    const char *value = getenv(name);
    if (!value) {
        wsc_fail(ctx, "%s is not set", name);
        return;
    }
    /* The outputs: what `capture` reads and `expect` is matched against. */
    struct json_object *outputs = json_object_new_object();
    struct json_object *v = json_object_new_string(value);
    json_object_object_add(outputs, "value", json_object_get(v));
    wsc_expect(ctx, expect, NULL, outputs);
    wsc_output(ctx, "value", v);
    json_object_put(outputs);
}

static const struct wsc_check checks[] = {
    {.name = "variable",
     .summary = "an environment variable is set (and matches)",
     .params_schema =
         "{\"type\": \"object\", \"required\": [\"name\"], \"properties\": {"
         "\"name\": {\"type\": \"string\", \"description\": \"variable name\"}," WSC_EXPECT_PARAM(
             "What the variable must be", WSC_EXPECT_OUTPUT("value", "its value")) "}}",
     .run = check_variable},
    {.name = NULL},
};

WSC_PLUGIN("envcheck", "1.0.0", "Assertions on environment variables", checks);
