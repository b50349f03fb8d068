/* Unit tests of the security plugin's internals: what counts as a refusal
 * (close code ranges, statuses) and how it is described in failures. */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/security/checks.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void range_is(int line, const char *text, int ok, int lo, int hi)
{
    int got_lo = 0, got_hi = 0;
    int rc = sec_code_range(text, &got_lo, &got_hi);
    if (!ok)
        report(rc == -1, line, "'%s': expected to be refused", text);
    else
        report(rc == 0 && got_lo == lo && got_hi == hi, line,
               "'%s': expected %d-%d, got rc %d, %d-%d", text, lo, hi, rc, got_lo,
               got_hi);
}

static void test_code_ranges(void)
{
    range_is(__LINE__, "1008", 1, 1008, 1008);
    range_is(__LINE__, "4001-4999", 1, 4001, 4999);
    range_is(__LINE__, "999", 0, 0, 0);
    range_is(__LINE__, "5000", 0, 0, 0);
    range_is(__LINE__, "4999-4001", 0, 0, 0);
    range_is(__LINE__, "4001-", 0, 0, 0);
    range_is(__LINE__, "x", 0, 0, 0);
    range_is(__LINE__, "1008 ", 0, 0, 0);
}

/* Parses params given as JSON text; the description goes into out. */
static int parse(const char *json, struct sec_refusal *r, char *out, size_t size)
{
    struct json_object *params = json_tokener_parse(json);
    char err[200] = "";
    int rc = sec_refusal_parse(params, r, err, sizeof err);
    if (rc == 0)
        sec_refusal_describe(r, out, size);
    else
        snprintf(out, size, "%s", err);
    json_object_put(params);
    return rc;
}

static void test_refusal(void)
{
    struct sec_refusal r;
    char text[160];
    int rc = parse("{\"refuse_statuses\":[401,403],"
                   "\"refuse_close_codes\":[1008,\"4001-4999\"],\"close_within\":0.5}",
                   &r, text, sizeof text);
    report(rc == 0 && strcmp(text, "HTTP 401/403 or close 1008/4001-4999") == 0, __LINE__,
           "the default refusal described: '%s'", text);
    report(r.within == 0.5, __LINE__, "close_within read: %g", r.within);
    report(sec_refusal_status(&r, 403) && !sec_refusal_status(&r, 500), __LINE__,
           "403 refuses, 500 does not");
    report(sec_refusal_code(&r, 1008) && sec_refusal_code(&r, 4001) &&
               sec_refusal_code(&r, 4999) && !sec_refusal_code(&r, 1000) &&
               !sec_refusal_code(&r, 4000),
           __LINE__, "close codes: 1008, 4001 and 4999 refuse; 1000 and 4000 do not");
    rc = parse("{\"refuse_statuses\":[],\"refuse_close_codes\":[4003]}", &r, text,
               sizeof text);
    report(rc == 0 && strcmp(text, "close 4003") == 0, __LINE__, "codes only: '%s'",
           text);
    rc = parse("{\"refuse_statuses\":[],\"refuse_close_codes\":[]}", &r, text,
               sizeof text);
    report(rc == 0 && strcmp(text, "nothing (no refusal configured)") == 0, __LINE__,
           "no refusal: '%s'", text);
    rc = parse("{\"refuse_close_codes\":[1008,\"6000-7000\"]}", &r, text, sizeof text);
    report(rc == -1 &&
               strstr(text, "refuse_close_codes/1: expected a close code") != NULL,
           __LINE__, "a bad range is named: '%s'", text);
}

static CU_TestInfo refusal_tests[] = {
    {"close code ranges", test_code_ranges},
    {"refusal params", test_refusal},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"security refusals", NULL, NULL, NULL, NULL, refusal_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
