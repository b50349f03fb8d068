/* Unit tests of the dev-toolkit plugin's internals: the tool name rule
 * (outputSchema validation is libwscheck's: test_schema_instance). */
#include "tap.h"

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

static CU_TestInfo tool_tests[] = {
    {"tool names", test_tool_names},
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
