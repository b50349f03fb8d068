/* Unit tests of the security plugin's hardening internals: code lists
 * from params and their descriptions, and the TLS probe's URL mapping. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/security/hardening.h"
#include "../../plugins/security/tls.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void codes_are(int line, const char *params, const char *want)
{
    static const long dflt[] = {1008, 1013};
    struct json_object *p = json_tokener_parse(params);
    struct sec_codes c;
    sec_codes_get(p, "codes", dflt, 2, &c);
    char got[128];
    sec_codes_describe(&c, got, sizeof got);
    report(strcmp(got, want) == 0, line, "%s: expected '%s', got '%s'", params, want,
           got);
    json_object_put(p);
}

static void test_codes(void)
{
    codes_are(__LINE__, "{}", "1008/1013");
    codes_are(__LINE__, "{\"codes\": 1009}", "1009");
    codes_are(__LINE__, "{\"codes\": [1009, 4000]}", "1009/4000");
    codes_are(__LINE__, "{\"codes\": []}", "");
    codes_are(__LINE__, "{\"codes\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]}",
              "1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16");
    struct sec_codes c = {{503, 429}, 2};
    report(sec_codes_has(&c, 429) && !sec_codes_has(&c, 403), __LINE__,
           "sec_codes_has finds 429 and not 403");
}

static void http_url_is(int line, const char *url, const char *want)
{
    char *got = sec_http_url(url);
    report(got && strcmp(got, want) == 0, line, "%s: expected '%s', got '%s'", url, want,
           got ? got : "(null)");
    free(got);
}

static void test_http_url(void)
{
    http_url_is(__LINE__, "wss://h:1/ws?x=1", "https://h:1/ws?x=1");
    http_url_is(__LINE__, "ws://h/", "http://h/");
    http_url_is(__LINE__, "https://h/", "https://h/");
}

static CU_TestInfo hardening_tests[] = {
    {"code lists", test_codes},
    {"TLS probe URLs", test_http_url},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"security hardening", NULL, NULL, NULL, NULL, hardening_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
