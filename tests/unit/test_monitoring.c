/* Unit tests of the monitoring plugin's internals: feed URLs, JSON Pointer
 * joining, JSON types, and the required metrics and fields of a message. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/monitoring/checks.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void url_is(int line, const char *params, const char *days, const char *want)
{
    struct json_object *p = json_tokener_parse(params);
    char *got = mon_feed_url(p, days);
    report(got && strcmp(got, want) == 0, line, "%s: expected '%s', got '%s'", params,
           want, got ? got : "(null)");
    free(got);
    json_object_put(p);
}

static void test_feed_url(void)
{
    url_is(__LINE__, "{\"path\": \"/ws/metrics/live\"}", NULL,
           "ws://localhost:8677/ws/metrics/live");
    url_is(__LINE__, "{\"base\": \"ws://h:1/\", \"path\": \"/a\"}", NULL, "ws://h:1/a");
    url_is(__LINE__, "{\"base\": \"ws://h:1/x\", \"path\": \"a\"}", NULL, "ws://h:1/x/a");
    url_is(__LINE__, "{\"path\": \"/h/{days}/{days}\"}", "7",
           "ws://localhost:8677/h/7/7");
    url_is(__LINE__, "{\"url\": \"wss://u/{days}\", \"base\": \"ws://b\"}", "366",
           "wss://u/366");
    url_is(__LINE__, "{\"path\": \"/h/{days}\"}", NULL, "ws://localhost:8677/h/{days}");
}

static void join_is(int line, const char *ptr, const char *name, const char *want)
{
    char *got = mon_pointer_join(ptr, name);
    report(got && strcmp(got, want) == 0, line, "'%s' + '%s': expected '%s', got '%s'",
           ptr, name, want, got ? got : "(null)");
    free(got);
}

static void test_pointer_join(void)
{
    join_is(__LINE__, "/data", "quality_score", "/data/quality_score");
    join_is(__LINE__, "", "a/b", "/a~1b");
    join_is(__LINE__, "/d", "x~y", "/d/x~0y");
}

static void type_ok_is(int line, const char *type, const char *value, int want)
{
    struct json_object *t = json_tokener_parse(type), *v = json_tokener_parse(value);
    int got = mon_type_ok(t, v);
    report(got == want, line, "%s as %s: expected %d, got %d", value, type, want, got);
    json_object_put(t);
    json_object_put(v);
}

static void test_types(void)
{
    type_ok_is(__LINE__, "\"number\"", "3", 1);
    type_ok_is(__LINE__, "\"number\"", "3.5", 1);
    type_ok_is(__LINE__, "\"integer\"", "3.5", 0);
    type_ok_is(__LINE__, "\"string\"", "3", 0);
    type_ok_is(__LINE__, "[\"string\", \"null\"]", "null", 1);
    type_ok_is(__LINE__, "[\"string\", \"null\"]", "true", 0);
    type_ok_is(__LINE__, "\"object\"", "{}", 1);
    type_ok_is(__LINE__, "\"array\"", "{}", 0);
}

/* The problem found in msg, NULL when none is wanted. */
static void problem_is(int line, char *got, const char *msg, const char *want)
{
    if (want)
        report(got && strcmp(got, want) == 0, line, "%s: expected '%s', got '%s'", msg,
               want, got ? got : "(none)");
    else
        report(got == NULL, line, "%s: expected no problem, got '%s'", msg,
               got ? got : "");
    free(got);
}

static void metrics_case(int line, const char *metrics, const char *msg, const char *want)
{
    struct json_object *m = json_tokener_parse(metrics), *v = json_tokener_parse(msg);
    problem_is(line, mon_metrics_problem(m, "/data", v), msg, want);
    json_object_put(m);
    json_object_put(v);
}

static void fields_case(int line, const char *fields, const char *msg, const char *want)
{
    struct json_object *f = json_tokener_parse(fields), *v = json_tokener_parse(msg);
    problem_is(line, mon_fields_problem(f, v), msg, want);
    json_object_put(f);
    json_object_put(v);
}

static void test_required(void)
{
    const char *m = "[\"quality_score\", \"error_count\"]";
    metrics_case(__LINE__, m, "{\"data\": {\"quality_score\": 80, \"error_count\": 0.5}}",
                 NULL);
    metrics_case(__LINE__, m, "{\"data\": {\"quality_score\": 80}}",
                 "metric error_count (/data/error_count) is missing (metrics)");
    metrics_case(__LINE__, m,
                 "{\"data\": {\"quality_score\": \"80\", \"error_count\": 0}}",
                 "metric quality_score (/data/quality_score) is \"80\", not a number "
                 "(metrics)");
    metrics_case(
        __LINE__, m, "{\"data\": {\"quality_score\": true, \"error_count\": 0}}",
        "metric quality_score (/data/quality_score) is true, not a number (metrics)");
    const char *f =
        "{\"/data/severity\": \"string\", \"/data/git_hash\": [\"string\", \"null\"]}";
    fields_case(__LINE__, f, "{\"data\": {\"severity\": \"info\", \"git_hash\": null}}",
                NULL);
    fields_case(__LINE__, f, "{\"data\": {\"git_hash\": null}}",
                "/data/severity is missing (fields: string)");
    fields_case(__LINE__, f, "{\"data\": {\"severity\": \"info\", \"git_hash\": 7}}",
                "/data/git_hash is 7, not [\"string\",\"null\"] (fields)");
}

static CU_TestInfo monitoring_tests[] = {
    {"feed URLs", test_feed_url},
    {"JSON Pointers joined", test_pointer_join},
    {"JSON types", test_types},
    {"required metrics and fields", test_required},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"monitoring feeds", NULL, NULL, NULL, NULL, monitoring_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
