/* Unit tests: the configuration file (src/config_file.c,
 * src/config_settings.c), --vars-file (src/vars_file.c) and scenario
 * include (src/scenario_include.c): parsing, unknown keys with a "did you
 * mean", wrong types, positions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "config_file.h"
#include "scenario.h"
#include "tap.h"
#include "vars_file.h"

static struct wsc_diag D = {.quiet = 1};
static char dir[] = "/tmp/wsc-config-XXXXXX";

static const char *messages(void)
{
    return D.all ? D.all : "";
}

/* Writes text to DIR/name; returns the path (static buffer, 4 in turn). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[4][512];
    static int turn;
    turn = (turn + 1) % 4;
    snprintf(paths[turn], sizeof paths[turn], "%s/%s", dir, name);
    FILE *f = fopen(paths[turn], "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return paths[turn];
}

static int load(struct wsc_config *c, const char *text)
{
    wsc_diag_clear(&D);
    D.quiet = 1;
    return wsc_config_load(c, write_file("c.json", text), &D);
}

/* Does the message list hold "DIR/c.json:LINE:COL: text"? */
static int has(const char *file, int line, int col, const char *text)
{
    char want[1024];
    snprintf(want, sizeof want, "%s/%s:%d:%d: %s\n", dir, file, line, col, text);
    if (strstr(messages(), want))
        return 1;
    fprintf(stderr, "# wanted: %s", want);
    for (const char *m = messages(); *m;) {
        size_t n = strcspn(m, "\n");
        fprintf(stderr, "# got: %.*s\n", (int)n, m);
        m += n + (m[n] == '\n');
    }
    return 0;
}

static void test_keys_and_aliases(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(load(&c,
                         "{\n"
                         "  // the seed's spellings\n"
                         "  \"defaults\": { \"default_timeout\": 2.5, \"retries\": 3,\n"
                         "                \"interval\": 10, "
                         "\"performance_monitoring\": true },\n"
                         "  \"alerts\": { \"webhook\": \"http://127.0.0.1:1/hook\", "
                         "\"down_after\": 2, \"on_failure\": true },\n"
                         "  \"vars\": { \"host\": \"127.0.0.1\" }\n"
                         "}\n"),
                    0);
    CU_ASSERT_DOUBLE_EQUAL(c.timeout, 2.5, 1e-9);
    CU_ASSERT_EQUAL(c.retries, 3);
    CU_ASSERT_DOUBLE_EQUAL(c.interval, 10, 1e-9);
    CU_ASSERT_EQUAL(c.performance_monitoring, 1);
    CU_ASSERT_STRING_EQUAL(c.alerts.webhook, "http://127.0.0.1:1/hook");
    CU_ASSERT_EQUAL(c.alerts.down_after, 2);
    CU_ASSERT_EQUAL(c.alerts.recover_after, WSC_DEFAULT_RECOVER_AFTER);
    CU_ASSERT_EQUAL(c.alerts.on_failure, 1);
    CU_ASSERT_EQUAL(c.set & (WSC_CFG_TIMEOUT | WSC_CFG_RETRIES | WSC_CFG_RECOVER_AFTER),
                    WSC_CFG_TIMEOUT | WSC_CFG_RETRIES);
    wsc_config_free(&c);

    CU_ASSERT_EQUAL(load(&c, "{\"defaults\": {\"timeout\": 1, \"default_timeout\": 2}}"),
                    -1);
    CU_ASSERT(has("c.json", 1, 29,
                  "defaults: 'timeout' and 'default_timeout' are the same setting; "
                  "keep one"));
}

static void test_unknown_keys(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(load(&c, "{\n"
                             "  \"defaults\": { \"timeot\": 1 },\n"
                             "  \"redactoin\": {},\n"
                             "  \"zzzzzz\": 1\n"
                             "}\n"),
                    -1);
    CU_ASSERT(
        has("c.json", 2, 17, "defaults: unknown key 'timeot' (did you mean 'timeout'?)"));
    CU_ASSERT(has("c.json", 3, 3, "unknown key 'redactoin' (did you mean 'redaction'?)"));
    CU_ASSERT(has("c.json", 4, 3,
                  "unknown key 'zzzzzz' (known: defaults, mcp_server_endpoints, alerts, "
                  "redaction, vars, websocket_testing)"));
    /* in file order */
    CU_ASSERT(strstr(messages(), "timeot") < strstr(messages(), "redactoin"));
}

static void test_wrong_types(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(load(&c,
                         "{\"defaults\": {\"retry_attempts\": \"3\", \"timeout\": -1},\n"
                         " \"alerts\": {\"down_after\": 0, \"on_failure\": 1,\n"
                         "   \"alertmanager\": \"ws://x\"},\n"
                         " \"redaction\": {\"secrets\": [\"a b\"], \"names\": \"x\"},\n"
                         " \"vars\": []}\n"),
                    -1);
    CU_ASSERT(has("c.json", 1, 33,
                  "defaults: 'retry_attempts' must be an integer >= 0 and <= 1000000, "
                  "got \"3\""));
    CU_ASSERT(
        has("c.json", 1, 49,
            "defaults: 'timeout' must be a number > 0 and <= 1000000 (seconds), got "
            "-1"));
    CU_ASSERT(has("c.json", 2, 27,
                  "alerts: 'down_after' must be an integer >= 1 and <= 1000000, got 0"));
    CU_ASSERT(has("c.json", 2, 44, "alerts: 'on_failure' must be true or false, got 1"));
    CU_ASSERT(
        has("c.json", 3, 20,
            "alerts: 'alertmanager' must be a http:// or https:// URL, got \"ws://x\""));
    CU_ASSERT(has("c.json", 4, 28,
                  "redaction: 'secrets' must hold variable names, got \"a b\""));
    CU_ASSERT(has("c.json", 4, 45,
                  "redaction: 'names' must be an array of strings, got string"));
    CU_ASSERT(has("c.json", 5, 10, "'vars' must be an object, got array"));
}

static void test_endpoints(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(
        load(&c, "{\"mcp_server_endpoints\": {\n"
                 "  \"crackerjack\": {\"url\": \"ws://127.0.0.1:8675/\"},\n"
                 "  \"api\": {\"url\": \"https://example.test/\", "
                 "\"headers\": {\"X-Key\": \"k\"}},\n"
                 "  \"tools\": {\"url\": \"ws://127.0.0.1:1/\", \"kind\": \"mcp\"}\n"
                 "}}\n"),
        0);
    CU_ASSERT_EQUAL(c.n_endpoints, 3);
    const struct wsc_endpoint *e = wsc_config_endpoint(&c, "crackerjack");
    CU_ASSERT(e && e->kind == WSC_KIND_CRACKERJACK);
    e = wsc_config_endpoint(&c, "api");
    CU_ASSERT(e && e->kind == WSC_KIND_HTTP && e->headers);
    e = wsc_config_endpoint(&c, "tools");
    CU_ASSERT(e && e->kind == WSC_KIND_MCP);
    CU_ASSERT_STRING_EQUAL(wsc_endpoint_kind_name(WSC_KIND_DEVELOPMENT_TOOLKIT),
                           "development_toolkit");
    wsc_config_free(&c);

    CU_ASSERT_EQUAL(load(&c, "{\"mcp_server_endpoints\": {\n"
                             "  \"a\": {\"kind\": \"websockt\", \"url\": \"ws://x/\"},\n"
                             "  \"b\": {},\n"
                             "  \"c d\": {\"url\": \"ws://x/\"},\n"
                             "  \"e\": {\"url\": \"ftp://x/\", \"tls\": 1}\n"
                             "}}\n"),
                    -1);
    CU_ASSERT(has("c.json", 2, 17,
                  "endpoint 'a': unknown kind 'websockt' (did you mean "
                  "'websocket'?)"));
    CU_ASSERT(has("c.json", 3, 8, "endpoint 'b': missing required key 'url'"));
    CU_ASSERT(
        has("c.json", 4, 3,
            "invalid endpoint name 'c d' (letters, digits, '_' and '-', not starting "
            "with a digit or '-': it names variables)"));
    CU_ASSERT(has("c.json", 5, 16,
                  "endpoint 'e': 'url' must be a ws(s):// or http(s):// URL, got "
                  "\"ftp://x/\""));
    CU_ASSERT(has("c.json", 5, 28,
                  "endpoint 'e': unknown key 'tls' (known: url, kind, headers, "
                  "description, health)"));
}

/* alerts.email and an endpoint's health path, with positions. */
static void test_email_and_health(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(load(&c,
                         "{\"alerts\": {\"email\": {\"to\": \"ops@example.org\",\n"
                         "  \"command\": \"msmtp -t\"}},\n"
                         " \"mcp_server_endpoints\": {\"a\": {\"url\": \"ws://x:1/\",\n"
                         "  \"health\": \"/healthz\"}}}\n"),
                    0);
    CU_ASSERT_STRING_EQUAL(c.alerts.email_to, "ops@example.org");
    CU_ASSERT_STRING_EQUAL(c.alerts.email_command, "msmtp -t");
    CU_ASSERT(c.n_endpoints == 1 && c.endpoints[0].health &&
              strcmp(c.endpoints[0].health, "/healthz") == 0);
    wsc_config_free(&c);

    CU_ASSERT_EQUAL(load(&c,
                         "{\"alerts\": {\"email\": {\"to\": \"\",\n"
                         "  \"command\": 1, \"cc\": \"x\"}},\n"
                         " \"mcp_server_endpoints\": {\"a\": {\"url\": \"ws://x:1/\",\n"
                         "  \"health\": \"healthz\"}}}\n"),
                    -1);
    CU_ASSERT(has("c.json", 1, 29, "alerts.email: 'to' must not be empty"));
    CU_ASSERT(has("c.json", 2, 14, "alerts.email: 'command' must be a string, got 1"));
    CU_ASSERT(
        has("c.json", 2, 17, "alerts.email: unknown key 'cc' (known: to, command)"));
    CU_ASSERT(has("c.json", 4, 13,
                  "endpoint 'a': 'health' must be a path starting with '/', got "
                  "'healthz'"));
    CU_ASSERT_EQUAL(load(&c, "{\"alerts\": {\"email\": \"ops@example.org\"}}\n"), -1);
    CU_ASSERT(has("c.json", 1, 22,
                  "alerts.email: expected an object with 'to' and 'command', got "
                  "string"));
}

static void test_syntax_and_missing(void)
{
    struct wsc_config c;
    CU_ASSERT_EQUAL(load(&c, "{\"defaults\": {\n  \"timeout\": 1,,\n}}"), -1);
    CU_ASSERT(strstr(messages(), "/c.json:2:") != NULL);
    CU_ASSERT(strstr(messages(), "syntax error") != NULL);
    CU_ASSERT_EQUAL(load(&c, "{\"vars\": {\"a\": 1, \"a\": 2}}"), -1);
    CU_ASSERT(has("c.json", 1, 19, "duplicate key 'a' (only the last would count)"));
    wsc_diag_clear(&D);
    D.quiet = 1;
    CU_ASSERT_EQUAL(wsc_config_load(&c, "/nonexistent/wscheck.json", &D), -1);
    CU_ASSERT_STRING_EQUAL(messages(),
                           "/nonexistent/wscheck.json: cannot read: No such file or "
                           "directory\n");
}

static void test_settings(void)
{
    struct wsc_config c;
    struct wsc_settings s;
    CU_ASSERT_EQUAL(load(&c, "{\"defaults\": {\"timeout\": 3, \"retry_attempts\": 2}}"),
                    0);
    unsetenv("WSCHECK_TIMEOUT");
    unsetenv("WSCHECK_RETRIES");
    CU_ASSERT_EQUAL(wsc_settings_resolve(&s, NULL, &D), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.timeout, 5.0, 1e-9);
    CU_ASSERT_STRING_EQUAL(s.timeout_from.where, "built-in");
    CU_ASSERT_EQUAL(wsc_settings_resolve(&s, &c, &D), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.timeout, 3, 1e-9);
    CU_ASSERT_EQUAL(s.retries, 2);
    CU_ASSERT(strstr(s.timeout_from.where, "/c.json:1:26") != NULL);
    setenv("WSCHECK_TIMEOUT", "0.5", 1);
    CU_ASSERT_EQUAL(wsc_settings_resolve(&s, &c, &D), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.timeout, 0.5, 1e-9);
    CU_ASSERT_STRING_EQUAL(s.timeout_from.where, "WSCHECK_TIMEOUT");
    CU_ASSERT_EQUAL(s.retries, 2);
    setenv("WSCHECK_RETRIES", "1.5", 1);
    wsc_diag_clear(&D);
    D.quiet = 1;
    CU_ASSERT_EQUAL(wsc_settings_resolve(&s, &c, &D), -1);
    CU_ASSERT_STRING_EQUAL(
        messages(), "wscheck: WSCHECK_RETRIES: expected an integer >= 0, got '1.5'\n");
    unsetenv("WSCHECK_TIMEOUT");
    unsetenv("WSCHECK_RETRIES");
    wsc_config_free(&c);
}

static void test_vars(void)
{
    struct wsc_config c;
    struct wsc_vars *v = wsc_vars_new(), *args = wsc_vars_new();
    struct wsc_redactor *r = wsc_redactor_new();
    CU_ASSERT_FATAL(v && args && r);
    CU_ASSERT_EQUAL(load(&c,
                         "{\"vars\": {\"host\": \"127.0.0.1\", \"tok\": {\"$secret\": "
                         "\"s3\"}},\n"
                         " \"mcp_server_endpoints\": {\"monitoring\": {\"url\": "
                         "\"ws://${host}:8677/\", \"headers\": {\"Authorization\": "
                         "\"Bearer ${env:WSC_TEST_TOKEN}\"}}}}"),
                    0);
    setenv("WSC_TEST_TOKEN", "t0k", 1);
    CU_ASSERT_EQUAL(wsc_config_apply(&c, v, r, &D), 0);
    unsetenv("WSC_TEST_TOKEN");
    const struct json_object *h = wsc_vars_get(v, "endpoint-monitoring-headers");
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string(json_object_object_get(h, "Authorization")), "Bearer t0k");
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string(wsc_vars_get(v, "endpoint-monitoring-url")),
        "ws://127.0.0.1:8677/");
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string(wsc_vars_get(v, "endpoint-monitoring-kind")),
        "monitoring");
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "host"), WSC_VARS_FILE);
    CU_ASSERT(wsc_vars_is_secret(v, "tok"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "tok")), "s3");
    wsc_config_free(&c);

    /* --vars-file: command-line layer, --var (args) wins, errors placed */
    wsc_vars_set(args, WSC_VARS_CLI, "port", json_object_new_string("1"));
    wsc_vars_set(v, WSC_VARS_CLI, "port", json_object_new_string("1"));
    CU_ASSERT_EQUAL(
        wsc_vars_file_load(write_file("v.json", "{\"port\": 2, \"host\": \"localhost\"}"),
                           v, args, &D),
        0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "port")), "1");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "host")), "localhost");
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "host"), WSC_VARS_CLI);
    wsc_diag_clear(&D);
    D.quiet = 1;
    CU_ASSERT_EQUAL(wsc_vars_file_load(write_file("v.json", "{\n  \"x\": \"${nope}\",\n"
                                                            "  \"-y\": 1\n}"),
                                       v, args, &D),
                    -1);
    CU_ASSERT(has("v.json", 2, 8, "vars.x: undefined variable 'nope'"));
    CU_ASSERT(
        has("v.json", 3, 3,
            "invalid variable name '-y' (letters, digits, '_' and '-', not starting "
            "with a digit or '-')"));
    wsc_diag_clear(&D);
    D.quiet = 1;
    CU_ASSERT_EQUAL(wsc_vars_file_load(write_file("v.json", "[1]"), v, args, &D), -1);
    CU_ASSERT(has("v.json", 1, 1,
                  "a vars file must be an object (variable name -> value), got array"));
    wsc_vars_free(v);
    wsc_vars_free(args);
    wsc_redactor_free(r);
}

static struct wsc_scenario *load_scenario(const char *path)
{
    wsc_diag_clear(&D);
    D.quiet = 1;
    return wsc_scenario_load(path, &D);
}

#define TEST(name, port)                                                        \
    "{\"name\": \"" name "\", \"plugin\": \"port\", \"check\": \"listening\", " \
    "\"params\": {\"port\": " port "}}"

static void test_include(void)
{
    write_file("shared.json",
               "{\"vars\": {\"a\": 1, \"b\": 2},\n"
               " \"tests\": [" TEST("one", "1") ",\n  " TEST("two", "2") "]}");
    const char *main_path =
        write_file("main.json", "{\"name\": \"s\", \"include\": [\"shared.json\"],\n"
                                " \"vars\": {\"b\": 3},\n"
                                " \"tests\": [" TEST("three", "3") "]}");
    struct wsc_scenario *sc = load_scenario(main_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->n_tests, 3);
    CU_ASSERT_STRING_EQUAL(sc->tests[0].name, "one");
    CU_ASSERT_STRING_EQUAL(sc->tests[2].name, "three");
    CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(sc->vars, "a")), 1);
    CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(sc->vars, "b")), 3);
    wsc_scenario_free(sc);

    /* a duplicate across files names both positions; an included test's
     * problem is placed in its own file */
    main_path = write_file(
        "main.json",
        "{\"name\": \"s\", \"include\": [\"shared.json\"],\n"
        " \"tests\": [" TEST("two", "2") ",\n"
                                         "  {\"name\": \"x\", \"plugin\": 1}]}");
    CU_ASSERT_PTR_NULL(load_scenario(main_path));
    char want[1200];
    snprintf(want, sizeof want,
             "duplicate test name 'two' (first at %s/shared.json:3:12)", dir);
    CU_ASSERT(has("main.json", 2, 21, want));
    CU_ASSERT(
        has("main.json", 3, 27, "test 'x': 'plugin' must be a string, got integer"));

    write_file(
        "shared.json",
        "{\"tests\": [" TEST(
            "one", "1") ",\n"
                        "  {\"name\": \"bad\", \"plugin\": \"port\"}], \"nmae\": 1}");
    CU_ASSERT_PTR_NULL(load_scenario(main_path));
    CU_ASSERT(has("shared.json", 2, 39,
                  "unknown key 'nmae' in an included file (it may "
                  "hold include, vars and tests)"));
}

static void test_include_errors(void)
{
    write_file("a.json", "{\"include\": [\"b.json\"]}");
    write_file("b.json", "{\"include\": [\n  \"a.json\"]}");
    const char *main_path = write_file(
        "main.json", "{\"name\": \"s\", \"include\": [\"a.json\", \"gone.json\", "
                     "3],\n \"tests\": [" TEST("t", "1") "]}");
    CU_ASSERT_PTR_NULL(load_scenario(main_path));
    char want[1200];
    snprintf(want, sizeof want,
             "%s/b.json:2:3: include cycle: %s/a.json -> %s/b.json -> %s/a.json\n", dir,
             dir, dir, dir);
    CU_ASSERT(strstr(messages(), want) != NULL);
    if (!strstr(messages(), want))
        fprintf(stderr, "# %s", messages());
    snprintf(want, sizeof want,
             "%s/main.json:1:37: include 'gone.json': cannot read %s/gone.json: No such "
             "file or directory\n",
             dir, dir);
    CU_ASSERT(strstr(messages(), want) != NULL);
    CU_ASSERT(has("main.json", 1, 50, "'include' must hold file names, got 3"));
}

static void test_base_settings(void)
{
    const char *path = write_file(
        "p.json",
        "{\"name\": \"s\", \"defaults\": {\"retries\": 1},\n"
        " \"tests\": [" TEST("a", "1") ",\n"
                                       "  {\"name\": \"b\", \"plugin\": \"port\", "
                                       "\"check\": \"listening\", \"timeout\": 9, "
                                       "\"retries\": 4}]}");
    struct wsc_scenario *sc = load_scenario(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    wsc_scenario_set_base(sc, 2.0, 7);
    CU_ASSERT_DOUBLE_EQUAL(sc->tests[0].timeout, 2.0, 1e-9); /* from below the file */
    CU_ASSERT_EQUAL(sc->tests[0].retries, 1);                /* the file's defaults */
    CU_ASSERT_DOUBLE_EQUAL(sc->tests[1].timeout, 9.0, 1e-9); /* its own */
    CU_ASSERT_EQUAL(sc->tests[1].retries, 4);
    wsc_scenario_free(sc);
}

static CU_TestInfo config_tests[] = {
    {"keys and the seed's spellings", test_keys_and_aliases},
    {"unknown keys, did you mean, file order", test_unknown_keys},
    {"wrong types with positions", test_wrong_types},
    {"endpoints and their kinds", test_endpoints},
    {"alerts.email and an endpoint's health path", test_email_and_health},
    {"syntax errors and a missing file", test_syntax_and_missing},
    {"settings: built-in, file, environment", test_settings},
    {"config vars, endpoints and --vars-file", test_vars},
    {"include: merged tests and vars, positions", test_include},
    {"include: cycles, missing files, bad entries", test_include_errors},
    {"base settings under the file's defaults", test_base_settings},
    CU_TEST_INFO_NULL,
};

static int setup(void)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void)
{
    const char *names[] = {"c.json", "v.json", "shared.json", "main.json",
                           "a.json", "b.json", "p.json"};
    char path[600];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    wsc_diag_clear(&D);
    return 0;
}

static CU_SuiteInfo suites[] = {
    {"configuration", setup, teardown, NULL, NULL, config_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
