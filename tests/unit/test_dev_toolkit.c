/* Unit tests of the dev-toolkit plugin's internals: the tool name rule and
 * structuredContent checked against a tool's outputSchema. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/dev-toolkit/checks.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void name_is(int line, const char *name, int want)
{
    int got = dt_tool_name_ok(name);
    report(got == want, line, "tool name '%s': expected %s", name,
           want ? "valid" : "invalid");
}

static void test_tool_names(void)
{
    name_is(__LINE__, "run_command", 1);
    name_is(__LINE__, "fs/read-file.v2", 1);
    name_is(__LINE__, "a", 1);
    name_is(__LINE__, "", 0);
    name_is(__LINE__, "has space", 0);
    name_is(__LINE__, "colon:name", 0);
    name_is(__LINE__, "\xc3\xa9t\xc3\xa9", 0);
    char long_name[66];
    memset(long_name, 'x', 64);
    long_name[64] = '\0';
    name_is(__LINE__, long_name, 1);
    long_name[64] = 'x';
    long_name[65] = '\0';
    name_is(__LINE__, long_name, 0);
}

/* The value against the schema: NULL (conforms) or a message containing
 * `want`. */
static void schema_case(int line, const char *schema, const char *value, const char *want)
{
    struct json_object *s = json_tokener_parse(schema), *v = json_tokener_parse(value);
    char *msg = dt_output_schema_mismatch(s, v);
    if (want)
        report(msg && strstr(msg, want), line, "%s against %s: expected '%s', got '%s'",
               value, schema, want, msg ? msg : "(conforms)");
    else
        report(msg == NULL, line, "%s against %s: expected to conform, got '%s'", value,
               schema, msg ? msg : "");
    free(msg);
    json_object_put(s);
    json_object_put(v);
}

static void test_output_schema(void)
{
    const char *weather = "{\"type\":\"object\",\"required\":[\"temperature\"],"
                          "\"properties\":{\"temperature\":{\"type\":\"number\"},"
                          "\"tags\":{\"type\":\"array\"},\"where\":{\"type\":\"object\","
                          "\"properties\":{\"city\":{\"type\":[\"string\",\"null\"]}}}}}";
    schema_case(__LINE__, weather, "{\"temperature\": 21.5}", NULL);
    schema_case(__LINE__, weather, "{\"temperature\": 3, \"where\": {\"city\": null}}",
                NULL);
    schema_case(__LINE__, weather, "{\"humidity\": 3}",
                "/: required member \"temperature\" missing");
    schema_case(__LINE__, weather, "{\"temperature\": \"hot\"}",
                "/temperature: expected type \"number\"");
    schema_case(__LINE__, weather, "{\"temperature\": 1, \"where\": {\"city\": 7}}",
                "/where/city: expected type [");
    schema_case(__LINE__, weather, "[1]", "/: expected type \"object\"");
    schema_case(__LINE__, "{\"type\":\"integer\"}", "2.5", "expected type \"integer\"");
    schema_case(__LINE__, "{\"type\":\"integer\"}", "2", NULL);
    /* keywords beyond the subset are not held against the value */
    schema_case(__LINE__, "{\"type\":\"object\",\"minProperties\":5}", "{}", NULL);
}

static CU_TestInfo tool_tests[] = {
    {"tool names", test_tool_names},
    {"structuredContent against outputSchema", test_output_schema},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"dev-toolkit tools", NULL, NULL, NULL, NULL, tool_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
