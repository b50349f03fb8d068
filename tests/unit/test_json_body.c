/* Unit tests of JSON in HTTP bodies (json_util.h): which Content-Types
 * declare JSON, and the strict whole-body parse with its reasons. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_util.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void type_is(int line, const char *ct, int want)
{
    int got = wsc_json_is_content_type(ct);
    report(got == want, line, "%s: JSON %d, want %d", ct ? ct : "(null)", got, want);
}

static void test_content_types(void)
{
    type_is(__LINE__, "application/json", 1);
    type_is(__LINE__, "application/json; charset=utf-8", 1);
    type_is(__LINE__, "Application/JSON", 1);
    type_is(__LINE__, "application/vnd.foo+json", 1);
    type_is(__LINE__, "application/problem+json;charset=utf-8", 1);
    type_is(__LINE__, "text/json", 1);
    /* the name holds "json": accepted as it always was */
    type_is(__LINE__, "application/jsonx", 1);
    type_is(__LINE__, "text/plain; note=json", 0);
    type_is(__LINE__, "text/html", 0);
    type_is(__LINE__, "", 0);
    type_is(__LINE__, NULL, 0);
}

/* Parses text (its strlen) with cap and checks the result or the reason. */
static void parses(int line, const char *text, size_t cap, const char *want_json,
                   const char *want_why)
{
    char *why = NULL;
    size_t len = text ? strlen(text) : 0;
    struct json_object *v = wsc_json_parse_body(text, len, cap, &why);
    if (want_json) {
        const char *got =
            v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "";
        report(v && strcmp(got, want_json) == 0 && !why, line, "%s: got %s, why %s", text,
               got, why ? why : "-");
    } else {
        report(!v && why && strcmp(why, want_why) == 0, line,
               "%s: why \"%s\", want \"%s\"", text ? text : "(null)",
               why ? why : "(null)", want_why);
    }
    json_object_put(v);
    free(why);
}

static void test_parse(void)
{
    size_t max = WSC_JSON_BODY_MAX;
    parses(__LINE__, "{\"a\":[1,2]}", max, "{\"a\":[1,2]}", NULL);
    parses(__LINE__, "  [true] \r\n", max, "[true]", NULL);
    parses(__LINE__, "", max, NULL, "the body is empty");
    parses(__LINE__, NULL, max, NULL, "the body is empty");
    /* json-c's strict mode stops at the first byte after the value */
    parses(__LINE__, "{\"a\":1} x", max, NULL, "unexpected character at byte 8");
    parses(__LINE__, "{\"a\":1}{}", max, NULL, "unexpected character at byte 7");
    parses(__LINE__, "{\"a\":", max, NULL, "the JSON text ends early");
    parses(__LINE__, "{\"a\":1}", 6, NULL, "the body is longer than 6 bytes");
    parses(__LINE__, "{\"a\":1}", 7, "{\"a\":1}", NULL);
    char why_text[64];
    char *why = NULL;
    struct json_object *v = wsc_json_parse_body("{}\0x", 4, max, &why);
    snprintf(why_text, sizeof why_text, "%s", why ? why : "(null)");
    report(!v && strcmp(why_text, "the body holds a NUL byte") == 0, __LINE__,
           "NUL byte: why %s", why_text);
    json_object_put(v);
    free(why);
}

static void test_parse_errors(void)
{
    char *why = NULL;
    struct json_object *v = wsc_json_parse_body("[1 2]", 5, WSC_JSON_BODY_MAX, &why);
    report(!v && why && strstr(why, " at byte "), __LINE__, "strict: why %s",
           why ? why : "(null)");
    json_object_put(v);
    free(why);
    /* nested beyond the wire limit */
    char deep[WSC_JSON_MAX_DEPTH + 2];
    memset(deep, '[', sizeof deep);
    why = NULL;
    v = wsc_json_parse_body(deep, sizeof deep, WSC_JSON_BODY_MAX, &why);
    report(!v && why && strstr(why, "nested deeper than"), __LINE__, "deep: why %s",
           why ? why : "(null)");
    json_object_put(v);
    free(why);
    /* no why wanted: only the result */
    v = wsc_json_parse_body("nope", 4, WSC_JSON_BODY_MAX, NULL);
    report(!v, __LINE__, "not JSON without a why");
    v = wsc_json_parse_body("[1]", 3, WSC_JSON_BODY_MAX, NULL);
    report(v != NULL, __LINE__, "JSON without a why");
    json_object_put(v);
}

static CU_TestInfo content_type_tests[] = {
    {"which Content-Types declare JSON", test_content_types},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
    {"whole body, empty, trailing text, cap", test_parse},
    {"json-c's reasons, depth, no why", test_parse_errors},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"content-type", NULL, NULL, NULL, NULL, content_type_tests},
    {"parse", NULL, NULL, NULL, NULL, parse_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
