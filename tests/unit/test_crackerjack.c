/* Unit tests of the crackerjack plugin's internals: job ids (valid on
 * every version, generated), URLs derived from `base`, the shape of a
 * progress object, the frames a follower skips, the known-bug table. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/crackerjack/checks.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static void id_is(int line, const char *id, int want)
{
    int got = cj_job_id_valid(id);
    report(got == want, line, "job id '%s': expected %s", id, want ? "valid" : "invalid");
}

static void test_job_ids(void)
{
    id_is(__LINE__, "test-123", 1);
    id_is(__LINE__, "a_update", 1); /* '_' does not separate words */
    id_is(__LINE__, "0badc0de", 1);
    id_is(__LINE__, "a-update", 0);    /* a forbidden word */
    id_is(__LINE__, "SELECT-x", 0);    /* case-insensitive */
    id_is(__LINE__, "subprocessx", 0); /* a word starting with subprocess */
    id_is(__LINE__, "bad--id", 0);
    id_is(__LINE__, "bad@id", 0);
    id_is(__LINE__, "-_-", 0);
    id_is(__LINE__, "", 0);
    char long_id[52];
    memset(long_id, 'a', 50);
    long_id[50] = '\0';
    id_is(__LINE__, long_id, 1);
    long_id[50] = 'a';
    long_id[51] = '\0';
    id_is(__LINE__, long_id, 0); /* v0.31.0-.10 refuse more than 50 */
    report(cj_hex8("0a1b2c3d"), __LINE__, "8 lowercase hex digits");
    report(!cj_hex8("0A1B2C3D"), __LINE__, "uppercase is not generated");
    report(!cj_hex8("0a1b2c3"), __LINE__, "7 digits");
    report(!cj_hex8(NULL), __LINE__, "NULL");
}

static void url_is(int line, const char *base, const char *want_http, const char *want_ws)
{
    struct json_object *p = json_object_new_object();
    if (base)
        json_object_object_add(p, "base", json_object_new_string(base));
    char *http = cj_http_url(p, "/latest"), *ws = cj_progress_url(p, "job-1");
    report(http && !strcmp(http, want_http), line, "%s: expected %s, got %s",
           base ? base : "(default)", want_http, http ? http : "NULL");
    report(ws && !strcmp(ws, want_ws), line, "%s: expected %s, got %s",
           base ? base : "(default)", want_ws, ws ? ws : "NULL");
    free(http);
    free(ws);
    json_object_put(p);
}

static void test_urls(void)
{
    url_is(__LINE__, NULL, "http://127.0.0.1:8675/latest",
           "ws://127.0.0.1:8675/ws/progress/job-1");
    url_is(__LINE__, "http://h:1/", "http://h:1/latest", "ws://h:1/ws/progress/job-1");
    url_is(__LINE__, "https://h//", "https://h/latest", "wss://h/ws/progress/job-1");
}

static const char good[] =
    "{\"job_id\":\"j\",\"status\":\"running\",\"iteration\":1,\"max_iterations\":5,"
    "\"overall_progress\":0,\"current_stage\":\"iteration\",\"stage_progress\":0,"
    "\"message\":\"\",\"timestamp\":\"2025-12-26T10:00:00\",\"extra\":1}";

static void shape_is(int line, const char *text, const char *job_id, const char *want)
{
    struct json_object *v = json_tokener_parse(text);
    char *msg = cj_progress_shape(v, job_id);
    if (want)
        report(msg && !strcmp(msg, want), line, "%s: expected '%s', got '%s'", text, want,
               msg ? msg : "(a progress object)");
    else
        report(!msg, line, "%s: expected a progress object, got '%s'", text, msg);
    free(msg);
    json_object_put(v);
}

static void test_shape(void)
{
    shape_is(__LINE__, good, "j", NULL); /* unknown members are fine */
    shape_is(__LINE__, good, "k", "/job_id: \"j\", not \"k\"");
    shape_is(__LINE__, "{\"job_id\":\"j\"}", "j", "/status: missing");
    shape_is(__LINE__, "{\"job_id\":\"j\",\"status\":\"running\",\"iteration\":\"1\"}",
             "j", "/iteration: expected an integer, got \"1\"");
    shape_is(__LINE__, "[1]", "j", "not a JSON object");
}

static void test_frames(void)
{
    struct json_object *echo = json_tokener_parse("{\"type\":\"echo\",\"job_id\":\"j\"}");
    struct json_object *event = json_tokener_parse("{\"event_type\":\"x\",\"data\":{}}");
    struct json_object *waiting =
        json_tokener_parse("{\"job_id\":\"j\",\"status\":\"waiting\"}");
    struct json_object *state = json_tokener_parse(good);
    report(cj_is_other_frame(echo) && cj_is_other_frame(event), __LINE__,
           "echoes and event frames are not progress");
    report(!cj_is_other_frame(state) && !cj_is_waiting(state), __LINE__,
           "a job file is progress");
    report(cj_is_waiting(waiting), __LINE__, "the waiting object");
    json_object_put(echo);
    json_object_put(event);
    json_object_put(waiting);
    json_object_put(state);
}

static void test_known_bugs(void)
{
    report(strstr(cj_known_bug(CJ_BUG_ROUTE_SPACES), "v0.31.0–v0.31.10") &&
               strstr(cj_known_bug(CJ_BUG_ROUTE_SPACES), "fixed in v0.31.12"),
           __LINE__, "the route bug names its versions");
    report(strstr(cj_known_bug(CJ_BUG_PREFIX), "\"job -\"") != NULL, __LINE__,
           "the prefix bug names the prefix");
    for (int b = CJ_BUG_ROUTE_SPACES; b <= CJ_BUG_MONITOR_URL; b++)
        report(cj_known_bug((enum cj_bug)b)[0] != '\0', __LINE__, "bug %d has a text", b);
}

static CU_TestInfo tests[] = {
    {"job ids", test_job_ids},
    {"URLs from base", test_urls},
    {"progress object shape", test_shape},
    {"frames skipped", test_frames},
    {"known bugs", test_known_bugs},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"crackerjack internals", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
