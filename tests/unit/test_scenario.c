/* Unit tests: scenario files (src/scenario_*.c, src/source_map.c, src/diag.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "source_map.h"
#include "scenario.h"
#include "wscheck/schema.h"
#include "tap.h"

/* The cause an undefined variable that nothing defines is reported with. */
#define NOWHERE " (not in vars or --var, and no test captures it)"

/* ---- helpers ------------------------------------------------------------------ */

static struct wsc_diag D = {.quiet = 1};

static struct wsc_scenario *parse(const char *text)
{
    wsc_diag_clear(&D);
    D.quiet = 1;
    return wsc_scenario_parse("t.json", text, strlen(text), &D);
}

static const char *messages(void)
{
    return D.all ? D.all : "";
}

/* "t.json:L:C: msg\n" where L:C is where needle starts in text (ASCII
 * texts only: columns are counted in bytes here). Static buffer. */
static const char *at(const char *text, const char *needle, const char *fmt, ...)
    WSC_PRINTF(3, 4);
static const char *at(const char *text, const char *needle, const char *fmt, ...)
{
    static char buf[16][1024];
    static int turn;
    char msg[768];
    const char *hit = strstr(text, needle);
    int line = 1, col = 1;
    va_list ap;
    CU_ASSERT_PTR_NOT_NULL(hit);
    for (const char *p = text; hit && p < hit; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    turn = (turn + 1) % 16;
    snprintf(buf[turn], sizeof buf[turn], "t.json:%d:%d: %s\n", line, col, msg);
    return buf[turn];
}

/* Parsing must fail with exactly these messages. */
static void parse_fails(const char *text, const char *want)
{
    struct wsc_scenario *sc = parse(text);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_STRING_EQUAL(messages(), want);
    if (strcmp(messages(), want) != 0)
        printf("# got:  %s# want: %s", messages(), want);
    wsc_scenario_free(sc);
}

/* A file that is fine apart from what is spliced into the first test. */
static char *with_test(const char *members)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "{\"name\": \"s\", \"tests\": [\n  {%s}\n]}", members);
    return buf;
}

/* ---- parse errors: positions ---------------------------------------------------- */

static void test_syntax_error_position(void)
{
    parse_fails("{\"name\": \"x\" \"tests\": []}",
                "t.json:1:14: syntax error: object value separator ',' expected\n");
    parse_fails("{\n  \"name\": \"x\",\n  \"tests\" [1]\n}",
                "t.json:3:11: syntax error: object property name separator ':' "
                "expected\n");
    parse_fails("[1 2]",
                "t.json:1:4: syntax error: array value separator ',' expected\n");
    parse_fails("{\"a\": [1,,2]}", "t.json:1:10: syntax error: unexpected character\n");
    parse_fails("{name: 1}",
                "t.json:1:2: syntax error: quoted object property name expected\n");
}

static void test_syntax_error_after_comments(void)
{
    /* Comments are skipped but still count for lines and columns. */
    parse_fails("// leading comment\n"
                "/* a block\n"
                "   comment */ {\n"
                "  \"name\": /* inline */ tru\n"
                "}",
                "t.json:4:27: syntax error: boolean expected\n");
    parse_fails("{\"name\": \"x\", // fine\n  \"a\": /x\n}",
                "t.json:2:9: syntax error: expected comment\n");
}

static void test_syntax_error_utf8_columns(void)
{
    /* Columns count characters: "é" and "ü" are one column each, and a
     * 4-byte emoji is one too. */
    parse_fails("{\n  // \xc3\xa9t\xc3\xa9\n  \"\xc3\xa9\": \"\xc3\xbc\" x\n}",
                "t.json:3:12: syntax error: object value separator ',' expected\n");
    parse_fails("{\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\": 1 2}",
                "t.json:1:10: syntax error: object value separator ',' expected\n");
    /* Invalid UTF-8 is refused where it starts. */
    parse_fails("{\"name\": \"a\xff\"}",
                "t.json:1:12: syntax error: invalid utf-8 string\n");
}

static void test_syntax_error_at_end(void)
{
    parse_fails("", "t.json:1:1: syntax error: unexpected end of file\n");
    parse_fails("  \n \n", "t.json:1:1: syntax error: unexpected end of file\n");
    parse_fails("{\n  \"name\": \"x\",\n\n",
                "t.json:2:15: syntax error: unexpected end of file\n");
    parse_fails("{\"name\": \"abc",
                "t.json:1:14: syntax error: unexpected end of file\n");
    parse_fails("{\"name\": \"x\", \"tests\": []} x",
                "t.json:1:28: syntax error: unexpected text after the JSON value\n");
    parse_fails("{\"name\": \"x\"}\n/* never closed",
                "t.json:2:1: syntax error: unterminated comment\n");
}

static void test_nul_byte(void)
{
    static const char text[] = "{\"name\":\n \"a\0b\"}";
    struct wsc_scenario *sc;
    wsc_diag_clear(&D);
    sc = wsc_scenario_parse("t.json", text, sizeof text - 1, &D);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_STRING_EQUAL(messages(), "t.json:2:4: a NUL byte in the file\n");
}

static void test_lenient_json(void)
{
    /* Comments anywhere, a byte order mark, trailing commas, single quotes,
     * a final // comment without newline. */
    struct wsc_scenario *sc =
        parse("\xef\xbb\xbf// head\n{'name': 'lenient', /* c */ \"tests\": [\n"
              "  {\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\",},\n"
              "],} // tail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(sc->name, "lenient");
    CU_ASSERT_EQUAL(sc->n_tests, 1);
    CU_ASSERT_STRING_EQUAL(messages(), "");
    int line, col;
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "/tests/0/plugin", &line, &col), 0);
    CU_ASSERT_EQUAL(line, 3);
    CU_ASSERT_EQUAL(col, 27);
    wsc_scenario_free(sc);
}

static void test_unreadable_file(void)
{
    struct wsc_scenario *sc;
    char want[512];
    wsc_diag_clear(&D);
    sc = wsc_scenario_load("/nonexistent/dir/s.json", &D);
    CU_ASSERT_PTR_NULL(sc);
    snprintf(want, sizeof want, "/nonexistent/dir/s.json: cannot read: %s\n",
             strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(messages(), want);
    wsc_diag_clear(&D);
    sc = wsc_scenario_load("/", &D);
    CU_ASSERT_PTR_NULL(sc);
    snprintf(want, sizeof want, "/: cannot read: %s\n", strerror(EISDIR));
    CU_ASSERT_STRING_EQUAL(messages(), want);
}

static void test_load_from_file(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/wsc-scenario-XXXXXX",
                     tmpdir && *tmpdir ? tmpdir : "/tmp");
    CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof path);
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    static const char text[] = "{\"name\": \"f\", \"tests\": [\n"
                               "  {\"name\": \"a\", \"plugin\": 1, \"check\": \"c\"}]}";
    CU_ASSERT(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    wsc_diag_clear(&D);
    struct wsc_scenario *sc = wsc_scenario_load(path, &D);
    CU_ASSERT_PTR_NULL(sc);
    char want[sizeof path + 128];
    snprintf(want, sizeof want,
             "%s:2:27: test 'a': 'plugin' must be a string, got integer\n", path);
    CU_ASSERT_STRING_EQUAL(messages(), want);
    if (strcmp(messages(), want) != 0)
        printf("# got:  %s# want: %s", messages(), want);
    unlink(path);
}

/* ---- structure ------------------------------------------------------------------- */

static void test_top_level(void)
{
    parse_fails("[1]", "t.json:1:1: the top level must be an object, got array\n");
    parse_fails("null", "t.json:1:1: the top level must be an object, got null\n");
    const char *t1 =
        "{\"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}";
    parse_fails(t1, "t.json:1:1: missing required key 'name'\n");
    const char *t2 = "{\"name\": 7}";
    char want[1024];
    snprintf(want, sizeof want, "%s%s", at(t2, "{", "missing required key 'tests'"),
             at(t2, "7", "'name' must be a string, got integer"));
    parse_fails(t2, want);
    parse_fails("{\"name\": \"\", \"tests\": {}}",
                "t.json:1:10: 'name' must not be empty\n"
                "t.json:1:23: 'tests' must be a non-empty array, got object\n");
    parse_fails("{\"name\": \"x\", \"tests\": []}",
                "t.json:1:24: 'tests' must be a non-empty array, got []\n");
}

/* "redact" and {"$secret": ...} captures: shapes checked, positions given. */
static void test_redact_structure(void)
{
    const char *t =
        "{\"name\": \"s\", \"redact\": {\"names\": [\"pin\", 1], \"vars\": [\"9x\"],"
        " \"nmes\": []},\n \"tests\": [{\"name\": \"a\", \"plugin\": \"p\","
        " \"check\": \"c\", \"capture\": {\"ok\": {\"$secret\": \"/a\"},"
        " \"bad\": {\"$secret\": 5}}}]}";
    char want[2048];
    snprintf(want, sizeof want, "%s%s%s%s",
             at(t, "1]", "redact: 'names' must hold non-empty strings, got 1"),
             at(t, "\"9x\"", "redact: 'vars' must hold variable names, got \"9x\""),
             at(t, "\"nmes\"", "redact: unknown key 'nmes' (did you mean 'names'?)"),
             at(t, "{\"$secret\": 5}",
                "test 'a': capture 'bad': expected a JSON pointer string, got integer"));
    parse_fails(t, want);
    struct wsc_scenario *sc =
        parse("{\"name\": \"s\", \"redact\": {\"names\": [\"pin\"], \"vars\": [\"v\"]},"
              " \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}");
    CU_ASSERT_PTR_NOT_NULL(sc);
    wsc_scenario_free(sc);
}

static void test_unknown_and_reserved_keys(void)
{
    const char *t = "{\"name\": \"x\", \"tets\": 1,\n"
                    " \"setup\": [], \"teardown\": [], \"mode\": \"load\",\n"
                    " \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\","
                    " \"mode\": {}, \"timout\": 1, \"paramz\": {}, \"xyzzy\": 0}]}";
    char want[2048];
    snprintf(
        want, sizeof want, "%s%s%s%s%s%s%s%s",
        at(t, "\"tets\"", "unknown key 'tets' (did you mean 'tests'?)"),
        at(t, "\"setup\"", "'setup' is not supported in format v1"),
        at(t, "\"teardown\"", "'teardown' is not supported in format v1"),
        at(t, "\"mode\"", "'mode' is not supported in format v1"),
        at(t, "\"mode\": {}", "test 'a': 'mode' is not supported in format v1"),
        at(t, "\"timout\"", "test 'a': unknown key 'timout' (did you mean 'timeout'?)"),
        at(t, "\"paramz\"", "test 'a': unknown key 'paramz' (did you mean 'params'?)"),
        at(t, "\"xyzzy\"",
           "test 'a': unknown key 'xyzzy' (known: name, plugin, check, params, "
           "timeout, retries, retry_delay, tags, skip, capture, expect_metrics)"));
    parse_fails(t, want);
}

static void test_vars_and_defaults_structure(void)
{
    const char *t =
        "{\"name\": \"x\", \"vars\": {\"ok\": 1, \"bad name\": 2, \"9x\": 3},\n"
        " \"defaults\": {\"timeout\": 0, \"retries\": -1, \"retry_delay\": -0.5,"
        " \"retry\": 1},\n"
        " \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}";
    char want[2048];
    snprintf(want, sizeof want, "%s%s%s%s%s%s",
             at(t, "\"bad name\"",
                "invalid variable name 'bad name' (letters, digits, '_' and '-', "
                "not starting with a digit or '-')"),
             at(t, "\"9x\"",
                "invalid variable name '9x' (letters, digits, '_' and '-', not "
                "starting with a digit or '-')"),
             at(t, "0, \"retries\"",
                "defaults: 'timeout' must be a number > 0 and <= 1000000 (seconds), "
                "got 0"),
             at(t, "-1",
                "defaults: 'retries' must be an integer >= 0 and <= 1000000, "
                "got -1"),
             at(t, "-0.5",
                "defaults: 'retry_delay' must be a number >= 0 and <= "
                "1000000 (seconds), got -0.5"),
             at(t, "\"retry\"",
                "defaults: unknown key 'retry' (known: timeout, retries, retry_delay)"));
    parse_fails(t, want);
    parse_fails("{\"name\": \"x\", \"vars\": [], \"defaults\": 1, \"tests\": [{\"name\":"
                " \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}",
                "t.json:1:23: 'vars' must be an object, got array\n"
                "t.json:1:39: 'defaults' must be an object, got integer\n");
    t = with_test("\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\","
                  " \"timeout\": NaN, \"retry_delay\": Infinity");
    snprintf(want, sizeof want, "%s%s",
             at(t, "NaN",
                "test 'a': 'timeout' must be a number > 0 and <= 1000000 "
                "(seconds), got NaN"),
             at(t, "Infinity",
                "test 'a': 'retry_delay' must be a number >= 0 and <= "
                "1000000 (seconds), got Infinity"));
    parse_fails(t, want);
}

static void test_test_structure(void)
{
    const char *t = with_test("\"plugin\": 3, \"params\": [], \"tags\": \"smoke\","
                              " \"skip\": true, \"capture\": [], \"retries\": \"2\"");
    char want[2048];
    snprintf(
        want, sizeof want, "%s%s%s%s%s%s%s%s",
        at(t, "{\"plugin", "tests[0]: missing required key 'name'"),
        at(t, "{\"plugin", "tests[0]: missing required key 'check'"),
        at(t, "3,", "tests[0]: 'plugin' must be a string, got integer"),
        at(t, "[],", "tests[0]: 'params' must be an object, got array"),
        at(t, "\"smoke\"", "tests[0]: 'tags' must be an array of strings, got string"),
        at(t, "true", "tests[0]: 'skip' must be a string, got boolean"),
        at(t, "[], \"retries\"",
           "tests[0]: 'capture' must be an object (variable name -> JSON pointer), "
           "got array"),
        at(t, "\"2\"",
           "tests[0]: 'retries' must be an integer >= 0 and <= 1000000, got \"2\""));
    parse_fails(t, want);

    t = "{\"name\": \"s\", \"tests\": [1, {\"name\": \"\", \"plugin\": \"\", \"check\": \"c\","
        " \"tags\": [\"ok\", 2, \"\"]}]}";
    snprintf(want, sizeof want, "%s%s%s%s%s",
             at(t, "1,", "tests[0]: a test must be an object, got integer"),
             at(t, "\"\", \"plugin\"", "test '': 'name' must not be empty"),
             at(t, "\"\", \"check\"", "test '': 'plugin' must not be empty"),
             at(t, "2, \"\"]", "test '': 'tags' must hold non-empty strings, got 2"),
             at(t, "\"\"]", "test '': 'tags' must hold non-empty strings, got \"\""));
    parse_fails(t, want);
}

static void test_capture_structure(void)
{
    const char *t = with_test(
        "\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\", \"capture\": {\"ok\": \"/a/0\","
        " \"root\": \"\", \"rel\": \"a/b\", \"num\": 1, \"bad~\": \"/x\", \"esc\": \"/a~2\"}");
    char want[2048];
    snprintf(want, sizeof want, "%s%s%s%s",
             at(t, "\"a/b\"",
                "test 'a': capture 'rel': 'a/b' is not a JSON pointer (\"\" or "
                "\"/member/0/...\", '~' only as ~0 or ~1)"),
             at(t, "1, \"bad",
                "test 'a': capture 'num': expected a JSON pointer string, got integer"),
             at(t, "\"bad~\"", "test 'a': invalid variable name 'bad~' in 'capture'"),
             at(t, "\"/a~2\"",
                "test 'a': capture 'esc': '/a~2' is not a JSON pointer (\"\" or "
                "\"/member/0/...\", '~' only as ~0 or ~1)"));
    parse_fails(t, want);
}

static void test_duplicates(void)
{
    const char *t = "{\"name\": \"s\", \"tests\": [\n"
                    "  {\"name\": \"same\", \"plugin\": \"p\", \"check\": \"c\"},\n"
                    "  {\"name\": \"other\", \"plugin\": \"p\", \"check\": \"c\"},\n"
                    "  {\"name\": \"same\", \"plugin\": \"p\", \"check\": \"c\"}\n"
                    "]}";
    parse_fails(t, "t.json:4:12: duplicate test name 'same' (first at 2:12)\n");
    t = "{\"name\": \"s\", \"name\": \"t\", \"tests\": [{\"name\": \"a\", \"plugin\": \"p\","
        " \"check\": \"c\", \"params\": {\"x\": 1, \"x\": 2}}]}";
    char want[1024];
    snprintf(want, sizeof want, "%s%s",
             at(t, "\"name\": \"t\"", "duplicate key 'name' (only the last would count)"),
             at(t, "\"x\": 2", "duplicate key 'x' (only the last would count)"));
    parse_fails(t, want);
}

static void test_fields_and_defaults(void)
{
    struct wsc_scenario *sc =
        parse("{\"name\": \"suite\", \"vars\": {\"a\": 1},\n"
              " \"defaults\": {\"timeout\": 2.5, \"retries\": 2},\n"
              " \"tests\": [\n"
              "  {\"name\": \"t0\", \"plugin\": \"p\", \"check\": \"c\"},\n"
              "  {\"name\": \"t1\", \"plugin\": \"q\", \"check\": \"d\", \"timeout\": 1,"
              " \"retries\": 0, \"retry_delay\": 0, \"tags\": [\"x\", \"y\"],"
              " \"skip\": \"later\", \"params\": {\"k\": \"${a}\"},"
              " \"capture\": {\"id\": \"/id\"}}\n"
              " ]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(sc->file, "t.json");
    CU_ASSERT_STRING_EQUAL(sc->name, "suite");
    CU_ASSERT_PTR_NOT_NULL(sc->vars);
    CU_ASSERT_EQUAL_FATAL(sc->n_tests, 2);
    struct wsc_test *t0 = &sc->tests[0], *t1 = &sc->tests[1];
    CU_ASSERT_STRING_EQUAL(t0->name, "t0");
    CU_ASSERT_STRING_EQUAL(t0->plugin, "p");
    CU_ASSERT_STRING_EQUAL(t0->check, "c");
    CU_ASSERT_DOUBLE_EQUAL(t0->timeout, 2.5, 1e-9);
    CU_ASSERT_EQUAL(t0->retries, 2);
    CU_ASSERT_DOUBLE_EQUAL(t0->retry_delay, 1.0, 1e-9);
    CU_ASSERT_EQUAL(t0->n_tags, 0);
    CU_ASSERT_PTR_NULL(t0->skip);
    CU_ASSERT_PTR_NULL(t0->capture);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(t0->params), "{ }");
    CU_ASSERT_EQUAL(t0->index, 0);
    CU_ASSERT_DOUBLE_EQUAL(t1->timeout, 1.0, 1e-9);
    CU_ASSERT_EQUAL(t1->retries, 0);
    CU_ASSERT_DOUBLE_EQUAL(t1->retry_delay, 0.0, 1e-9);
    CU_ASSERT_EQUAL_FATAL(t1->n_tags, 2);
    CU_ASSERT_STRING_EQUAL(t1->tags[0], "x");
    CU_ASSERT_STRING_EQUAL(t1->tags[1], "y");
    CU_ASSERT_STRING_EQUAL(t1->skip, "later");
    CU_ASSERT_STRING_EQUAL(
        json_object_to_json_string_ext(t1->params, JSON_C_TO_STRING_PLAIN),
        "{\"k\":\"${a}\"}");
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string(json_object_object_get(t1->capture, "id")), "/id");
    CU_ASSERT_EQUAL(t1->index, 1);
    wsc_scenario_free(sc);

    sc = parse(with_test("\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\""));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_DOUBLE_EQUAL(sc->tests[0].timeout, WSC_DEFAULT_TIMEOUT, 1e-9);
    CU_ASSERT_EQUAL(sc->tests[0].retries, WSC_DEFAULT_RETRIES);
    CU_ASSERT_DOUBLE_EQUAL(sc->tests[0].retry_delay, WSC_DEFAULT_RETRY_DELAY, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(WSC_DEFAULT_TIMEOUT, 5.0, 1e-9);
    CU_ASSERT_PTR_NULL(sc->vars);
    wsc_scenario_free(sc);
}

/* ---- positions and pointers -------------------------------------------------------- */

static void test_positions(void)
{
    const char *text =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\",\n"
        "   \"params\": {\"a/b~c\": [10, {\"x\": \"\xc3\xa9\", \"y\": 2}]}}\n"
        "]}";
    struct wsc_scenario *sc = parse(text);
    int line, col;
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "", &line, &col), 0);
    CU_ASSERT(line == 1 && col == 1);
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "/tests/0", &line, &col), 0);
    CU_ASSERT(line == 2 && col == 3);
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "/tests/0/params/a~1b~0c/1/y", &line, &col), 0);
    CU_ASSERT(line == 3 && col == 45);
    CU_ASSERT_EQUAL(wsc_scenario_key_pos(sc, "/tests/0/params/a~1b~0c/1/y", &line, &col),
                    0);
    CU_ASSERT(line == 3 && col == 40);
    /* Missing members fall back to the nearest parent. */
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "/tests/0/params/port", &line, &col), 0);
    CU_ASSERT(line == 3 && col == 14);
    CU_ASSERT_EQUAL(wsc_scenario_pos(sc, "/tests/7/x", &line, &col), 0);
    CU_ASSERT(line == 1 && col == 24);
    CU_ASSERT_EQUAL(wsc_scenario_pos(NULL, "/x", &line, &col), -1);
    CU_ASSERT(line == 1 && col == 1);
    wsc_scenario_free(sc);
}

static void test_jsonpos_scanner(void)
{
    /* Escapes in member names decode as json-c decodes them. */
    const char *text = "{\"a\\u00e9\\/\\\"\": {'q': [true, NaN, -1.5e3, null]},"
                       " \"\\ud83d\\ude00\": 1, \"\\ud800x\": 2}";
    char *err = NULL;
    size_t off = 0;
    int line, col;
    struct wsc_source_map *p = wsc_source_map_scan(text, strlen(text), &err, &off);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(wsc_source_map_value(p, "/a\xc3\xa9~1\"/q/2", &line, &col), 0);
    CU_ASSERT(line == 1 && col == 35);
    CU_ASSERT_EQUAL(wsc_source_map_value(p, "/\xf0\x9f\x98\x80", &line, &col), 0);
    CU_ASSERT_EQUAL(wsc_source_map_value(p, "/\xef\xbf\xbdx", &line, &col), 0);
    CU_ASSERT_EQUAL(wsc_source_map_value(p, "/nope", &line, &col), -1);
    CU_ASSERT_EQUAL(wsc_source_map_n_dups(p), 0);
    wsc_source_map_free(p);

    p = wsc_source_map_scan("[1] [2]", 7, &err, &off);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_STRING_EQUAL(err, "unexpected text after the JSON value");
    CU_ASSERT_EQUAL(off, 4);
    free(err);

    wsc_text_linecol("a\nb\xc3\xa9z", 6, 5, &line, &col);
    CU_ASSERT(line == 2 && col == 3);
    wsc_text_linecol("ab", 2, 99, &line, &col);
    CU_ASSERT(line == 1 && col == 3);
}

static void test_json_pointer(void)
{
    struct json_object *doc =
        json_tokener_parse("{\"a\": [0, {\"b/c\": null, \"~\": 5}], \"\": 1, \"10\": 2}");
    struct json_object *out;
    CU_ASSERT_PTR_EQUAL(wsc_json_pointer_get(doc, ""), doc);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_json_pointer_get(doc, "/a/1/~0")), 5);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_json_pointer_get(doc, "/")), 1);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_json_pointer_get(doc, "/10")), 2);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/a/1/b~1c", &out), 1);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/a/2", &out), 0);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/a/01", &out), 0);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/a/-", &out), 0);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/x/y", &out), 0);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "a", &out), -1);
    CU_ASSERT_EQUAL(wsc_json_pointer_find(doc, "/a~2", &out), -1);
    json_object_put(doc);

    char *p = wsc_json_pointer_join("/tests/0", "a/b~c");
    CU_ASSERT_STRING_EQUAL(p, "/tests/0/a~1b~0c");
    free(p);
    p = wsc_json_pointer_index("/tests", 12);
    CU_ASSERT_STRING_EQUAL(p, "/tests/12");
    free(p);
}

static void test_diag(void)
{
    struct wsc_diag d = {.quiet = 1};
    wsc_diag_at(&d, "f.json", 3, 7, "bad %s", "thing");
    wsc_diag_at(&d, "f.json", 0, 0, "cannot read: %s", "nope");
    wsc_diag_at(&d, NULL, 1, 0, "x");
    CU_ASSERT_EQUAL(d.count, 3);
    CU_ASSERT_STRING_EQUAL(d.last, "-:1:1: x");
    CU_ASSERT_STRING_EQUAL(d.all, "f.json:3:7: bad thing\nf.json: cannot read: nope\n"
                                  "-:1:1: x\n");
    wsc_diag_clear(&d);
    CU_ASSERT_EQUAL(d.count, 0);
    CU_ASSERT_PTR_NULL(d.last);
    CU_ASSERT_PTR_NULL(d.all);
    CU_ASSERT_EQUAL(d.quiet, 1);
}

/* ---- validation against a registry ------------------------------------------------- */

static void no_run(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)ctx;
    (void)params;
}

static const struct wsc_check port_checks[] = {
    {.name = "listening", .summary = "a port accepts connections", .run = no_run},
    {.name = "closed", .summary = "nothing listens", .run = no_run},
    {.name = NULL},
};
static const struct wsc_plugin port_plugin = {
    WSC_ABI_VERSION, sizeof(struct wsc_plugin), "port", "1.0", "ports",
    port_checks,     sizeof(struct wsc_check)};

/* A validate callback that reports what it was given, so that the tests
 * can see the params (as written, defaults filled in), the timeout, the
 * variables it can see and where its pointers end up. */
static void report_all(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *items = NULL, *label = NULL, *mode = NULL;
    json_object_object_get_ex(params, "items", &items);
    for (size_t i = 0; json_object_is_type(items, json_type_array) &&
                       i < json_object_array_length(items);
         i++) {
        char ptr[32];
        snprintf(ptr, sizeof ptr, "/items/%zu", i);
        if (strcmp(json_object_get_string(json_object_array_get_idx(items, i)), "bad") ==
            0)
            wsc_invalid(v, ptr, "a bad item");
    }
    /* Without the leading '/': forgiven. */
    if (json_object_object_get_ex(params, "label", &label))
        wsc_invalid(v, "label", "as written: %s", json_object_get_string(label));
    if (json_object_object_get_ex(params, "mode", &mode))
        wsc_invalid(v, "", "mode %s, timeout %g, has cap: %d, has zz: %d",
                    json_object_get_string(mode), wsc_validation_timeout(v),
                    wsc_validation_has_var(v, "cap"), wsc_validation_has_var(v, "zz"));
}

static const struct wsc_check ws_checks[] = {
    {.name = "conversation", .summary = "steps", .run = no_run},
    {.name = "validated",
     .summary = "has a validate callback",
     .run = no_run,
     .validate = report_all},
    {.name = NULL},
};
static const struct wsc_plugin ws_plugin = {
    WSC_ABI_VERSION, sizeof(struct wsc_plugin), "ws", "1.0", "ws",
    ws_checks,       sizeof(struct wsc_check)};

static const char LISTENING_SCHEMA[] =
    "{\"type\": \"object\", \"properties\": {"
    " \"host\": {\"type\": \"string\", \"default\": \"127.0.0.1\"},"
    " \"port\": {\"type\": \"integer\"},"
    " \"ports\": {\"type\": \"array\", \"items\": {\"type\": [\"integer\", \"string\"]}},"
    " \"family\": {\"enum\": [\"ipv4\", \"ipv6\"]},"
    " \"expect\": {\"x-wsc-expect\": true}},"
    " \"required\": [\"port\"]}";
static const char CONVERSATION_SCHEMA[] =
    "{\"type\": \"object\", \"properties\": {"
    " \"url\": {\"type\": \"string\"},"
    " \"token\": {\"type\": \"string\"},"
    " \"count\": {\"type\": \"integer\", \"default\": 1},"
    " \"steps\": {\"type\": \"array\", \"x-wsc-deferred\": true, \"items\": {"
    "   \"type\": \"object\", \"properties\": {"
    "     \"send\": {\"type\": \"string\"}, \"expect\": {},"
    "     \"capture\": {\"type\": \"object\"}}}}},"
    " \"required\": [\"url\"]}";

static struct wsc_loaded_check port_loaded[2];
static const char VALIDATED_SCHEMA[] =
    "{\"type\": \"object\", \"properties\": {"
    " \"items\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}},"
    " \"label\": {\"type\": \"string\"},"
    " \"mode\": {\"type\": \"string\", \"default\": \"fast\"}}}";

static struct wsc_loaded_check ws_loaded[2];
static struct wsc_loaded_plugin loaded[2];
static struct wsc_registry REG;

static int setup_registry(void)
{
    port_loaded[0] =
        (struct wsc_loaded_check){&port_checks[0], json_tokener_parse(LISTENING_SCHEMA)};
    port_loaded[1] = (struct wsc_loaded_check){
        &port_checks[1], json_tokener_parse("{\"type\": \"object\","
                                            " \"properties\": {}}")};
    ws_loaded[0] =
        (struct wsc_loaded_check){&ws_checks[0], json_tokener_parse(CONVERSATION_SCHEMA)};
    ws_loaded[1] =
        (struct wsc_loaded_check){&ws_checks[1], json_tokener_parse(VALIDATED_SCHEMA)};
    loaded[0] = (struct wsc_loaded_plugin){&port_plugin, NULL, NULL, port_loaded, 2};
    loaded[1] = (struct wsc_loaded_plugin){&ws_plugin, NULL, NULL, ws_loaded, 2};
    REG = (struct wsc_registry){loaded, 2, NULL, 0};
    setenv("WSC_T_PORT", "9010", 1);
    unsetenv("WSC_T_UNSET");
    for (size_t i = 0; i < 2; i++)
        if (!port_loaded[i].schema || wsc_schema_check(port_loaded[i].schema))
            return 1;
    return ws_loaded[0].schema && ws_loaded[1].schema ? 0 : 1;
}

static int teardown_registry(void)
{
    json_object_put(port_loaded[0].schema);
    json_object_put(port_loaded[1].schema);
    json_object_put(ws_loaded[0].schema);
    json_object_put(ws_loaded[1].schema);
    wsc_diag_clear(&D);
    return 0;
}

/* Parses (must succeed), validates, returns the problem count. */
static int validate(const char *text, const struct wsc_vars *cli)
{
    struct wsc_scenario *sc = parse(text);
    int n;
    CU_ASSERT_PTR_NOT_NULL(sc);
    if (!sc) {
        printf("# parse failed: %s", messages());
        return -1;
    }
    n = wsc_scenario_validate(sc, &REG, cli, &D);
    wsc_scenario_free(sc);
    return n;
}

static void validates_to(const char *text, const struct wsc_vars *cli, int count,
                         const char *want)
{
    int n = validate(text, cli);
    CU_ASSERT_EQUAL(n, count);
    CU_ASSERT_STRING_EQUAL(messages(), want);
    if (strcmp(messages(), want) != 0)
        printf("# got:  %s# want: %s", messages(), want);
}

static void test_valid_scenario(void)
{
    validates_to(
        "{\"name\": \"ok\", \"vars\": {\"host\": \"::1\","
        " \"port\": \"${env:WSC_T_PORT:-1}\", \"url\": \"ws://${host}:${port}/\"},\n"
        " \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\","
        "   \"params\": {\"host\": \"${host}\", \"port\": \"${port}\","
        "   \"ports\": [1, \"2-3\", \"${port}\"], \"expect\": {\"x\": {\"$gt\": 1}}}},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"closed\"},\n"
        "  {\"name\": \"c\", \"plugin\": \"ws\", \"check\": \"conversation\","
        "   \"params\": {\"url\": \"${url}\"}}\n"
        " ]}",
        NULL, 0, "");
}

static void test_unknown_plugin_and_check(void)
{
    const char *t =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"prot\", \"check\": \"listening\"},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listen\"}\n"
        "]}";
    char want[1024];
    snprintf(want, sizeof want, "%s%s",
             at(t, "\"prot\"", "test 'a': unknown plugin 'prot' (did you mean 'port'?)"),
             at(t, "\"listen\"",
                "test 'b': plugin 'port' has no check 'listen' (did you mean "
                "'listening'?)"));
    validates_to(t, NULL, 2, want);
    /* Nothing close: the names to choose from. */
    t = "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"xyzzy\", \"check\": \"listening\"},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"xyzzy\"}\n"
        "]}";
    snprintf(want, sizeof want, "%s%s",
             at(t, "\"xyzzy\"", "test 'a': unknown plugin 'xyzzy' (plugins: port, ws)"),
             at(t, "\"xyzzy\"}",
                "test 'b': plugin 'port' has no check 'xyzzy' (checks: listening, "
                "closed)"));
    validates_to(t, NULL, 2, want);
}

static void test_param_errors(void)
{
    const char *t =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\",\n"
        "   \"params\": {\"prot\": 80, \"host\": 1, \"ports\": [1, true],"
        " \"family\": \"ipv5\"}},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"closed\","
        " \"params\": {\"port\": 1}}\n"
        "]}";
    char want[2048];
    /* Reported in file order. */
    snprintf(
        want, sizeof want, "%s%s%s%s%s%s",
        at(t, "{\"prot\"", "test 'a': params: missing required param 'port'"),
        at(t, "\"prot\"",
           "test 'a': params: unknown param 'prot' (did you mean "
           "'port'?)"),
        at(t, "1, \"ports\"", "test 'a': params.host: expected string, got integer"),
        at(t, "true",
           "test 'a': params.ports[1]: expected integer or string, "
           "got boolean"),
        at(t, "\"ipv5\"",
           "test 'a': params.family: expected one of \"ipv4\", "
           "\"ipv6\", got \"ipv5\""),
        at(t, "\"port\": 1", "test 'b': params: unknown param 'port' (known: none)"));
    validates_to(t, NULL, 6, want);

    /* No params at all: the missing one is shown at the test. */
    t = "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\"}]}";
    validates_to(
        t, NULL, 1,
        at(t, "{\"name\": \"a\"", "test 'a': params: missing required param 'port'"));
}

static void test_variable_types_checked(void)
{
    /* Variables known up front are expanded before the types are checked. */
    const char *t =
        "{\"name\": \"s\", \"vars\": {\"word\": \"abc\", \"num\": \"42\", \"n\": 7},\n"
        " \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${word}\"}},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${num}\", \"host\": \"${n}\"}},\n"
        "  {\"name\": \"c\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${env:WSC_T_PORT}\", \"family\": \"${word}\"}}\n"
        " ]}";
    char want[1024];
    snprintf(
        want, sizeof want, "%s%s",
        at(t, "\"${word}\"}}", "test 'a': params.port: expected integer, got string"),
        at(t, "\"${word}\"}}\n ]",
           "test 'c': params.family: expected one of \"ipv4\", \"ipv6\", got "
           "\"abc\""));
    validates_to(t, NULL, 2, want);
}

static void test_undefined_variables(void)
{
    const char *t =
        "{\"name\": \"s\", \"vars\": {\"a\": \"${b}\", \"b\": 1, \"c\": \"${env:WSC_T_UNSET}\","
        " \"d\": \"x${a}\"},\n"
        " \"tests\": [\n"
        "  {\"name\": \"t\", \"plugin\": \"ws\", \"check\": \"conversation\","
        " \"params\": {\"url\": \"ws://${host}/\", \"token\": [\"${ok}\"]}}\n"
        " ]}";
    char want[2048];
    /* "d" uses the failed "a" without a second message; token's type error
     * is still found. */
    snprintf(
        want, sizeof want, "%s%s%s%s%s",
        at(t, "\"${b}\"",
           "vars.a: undefined variable 'b' (a variable can only use "
           "those defined before it)"),
        at(t, "\"${env:WSC", "vars.c: undefined environment variable 'WSC_T_UNSET'"),
        at(t, "\"ws://", "test 't': params.url: undefined variable 'host'" NOWHERE),
        at(t, "[\"${ok}\"]", "test 't': params.token: expected string, got array"),
        at(t, "\"${ok}\"", "test 't': params.token: undefined variable 'ok'" NOWHERE));
    validates_to(t, NULL, 5, want);
}

static void test_cli_vars_win(void)
{
    struct wsc_vars *cli = wsc_vars_new();
    wsc_vars_set(cli, WSC_VARS_CLI, "port", json_object_new_string("8080"));
    wsc_vars_set(cli, WSC_VARS_CLI, "id", json_object_new_string("fixed"));
    /* The file's port would fail (unset env, no default); --var replaces it. */
    validates_to("{\"name\": \"s\", \"vars\": {\"port\": \"${env:WSC_T_UNSET}\"},"
                 " \"tests\": [\n"
                 "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\","
                 " \"params\": {\"port\": \"${port}\"}, \"capture\": {\"id\": \"/x\"}},\n"
                 "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listening\","
                 " \"params\": {\"port\": \"${port}\", \"host\": \"${id}\"}}]}",
                 cli, 0, "");
    /* A --var that is not a number where one is needed (the capture of
     * "id" does not hide the --var: it still wins at run time). */
    const char *t =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${id}\"}, \"capture\": {\"id\": \"/x\"}},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${id}\"}}]}";
    char want[1024];
    snprintf(
        want, sizeof want, "%s%s",
        at(t, "\"${id}\"}, \"capture",
           "test 'a': params.port: expected integer, "
           "got string"),
        at(t, "\"${id}\"}}]", "test 'b': params.port: expected integer, got string"));
    validates_to(t, cli, 2, want);
    wsc_vars_free(cli);
}

static void test_captured_names_are_lenient(void)
{
    const char *t =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"early\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${cport}\"}},\n"
        "  {\"name\": \"cap\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": 1}, \"capture\": {\"cport\": \"/open/0\"}},\n"
        "  {\"name\": \"late\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"params\": {\"port\": \"${cport}\", \"host\": \"h-${cport}\","
        " \"expect\": {\"n\": {\"$gt\": \"${cport}\"}}}}\n"
        " ]}";
    validates_to(t, NULL, 1,
                 at(t, "\"${cport}\"}},",
                    "test 'early': params.port: undefined "
                    "variable 'cport' (captured by test 'cap' later in the file)"));
}

static void test_deferred_params(void)
{
    /* Steps are expanded by the check at run time: names captured by a
     * step count as defined for later steps and later tests. */
    const char *t =
        "{\"name\": \"s\", \"vars\": {\"u\": \"ws://x/\"}, \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"ws\", \"check\": \"conversation\","
        " \"params\": {\"url\": \"${u}\", \"token\": \"${tok}\", \"steps\": [\n"
        "    {\"send\": \"hello\", \"capture\": {\"tok\": \"/token\"}},\n"
        "    {\"send\": \"${tok} $${literal}\", \"expect\": {\"id\": \"${tok}\"}},\n"
        "    {\"send\": \"${nobody}\"}]}},\n"
        "  {\"name\": \"b\", \"plugin\": \"ws\", \"check\": \"conversation\","
        " \"params\": {\"url\": \"${u}\", \"token\": \"${tok}\", \"steps\": [\n"
        "    {\"send\": 5}]}}\n"
        " ]}";
    char want[1024];
    /* Not for the test's own other params, which are expanded first. */
    snprintf(want, sizeof want, "%s%s%s",
             at(t, "\"${tok}\", \"steps",
                "test 'a': params.token: undefined variable "
                "'tok'"),
             at(t, "\"${nobody}\"",
                "test 'a': params.steps: undefined variable "
                "'nobody'" NOWHERE),
             at(t, "5}]",
                "test 'b': params.steps[0].send: expected string, got "
                "integer"));
    validates_to(t, NULL, 3, want);
}

static void test_expectations_checked(void)
{
    const char *t = "{\"name\": \"s\", \"tests\": [\n"
                    "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"listening\","
                    " \"params\": {\"port\": 1,\n"
                    "   \"expect\": {\"pid\": {\"$bogus\": 1}}}},\n"
                    "  {\"name\": \"b\", \"plugin\": \"ws\", \"check\": \"conversation\","
                    " \"params\": {\"url\": \"u\", \"steps\": [\n"
                    "    {\"send\": \"x\", \"expect\": {\"expect\": {\"$nope\": 2}}}]}}\n"
                    " ]}";
    int n = validate(t, NULL);
    CU_ASSERT_EQUAL(n, 2);
    /* The matcher's own wording is its business: check where and what. */
    const char *first = messages();
    const char *second = strchr(first, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    second++;
    CU_ASSERT_EQUAL(strncmp(first, "t.json:3:", 9), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, ": test 'a': params.expect: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "$bogus"));
    CU_ASSERT_EQUAL(strncmp(second, "t.json:5:", 9), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(second, ": test 'b': params.steps[0].expect: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(second, "$nope"));
}

static void test_validate_without_registry(void)
{
    struct wsc_scenario *sc =
        parse("{\"name\": \"s\", \"tests\": [{\"name\": \"a\", \"plugin\": \"zz\","
              " \"check\": \"c\", \"params\": {\"x\": \"${y}\"}}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(wsc_scenario_validate(sc, NULL, NULL, &D), 1);
    CU_ASSERT_STRING_EQUAL(
        messages(),
        "t.json:1:85: test 'a': params.x: undefined variable 'y'" NOWHERE "\n");
    wsc_scenario_free(sc);
}

static void test_validate_callback(void)
{
    const char *t =
        "{\"name\": \"s\", \"vars\": {\"who\": \"me\"}, \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"ws\", \"check\": \"validated\", \"timeout\": 7,\n"
        "   \"params\": {\"items\": [\"ok\", \"bad\",\n"
        "     \"bad\"], \"label\": \"${who}\"}, \"capture\": {\"cap\": \"/x\"}},\n"
        "  {\"name\": \"b\", \"plugin\": \"ws\", \"check\": \"validated\","
        " \"params\": {\"mode\": \"slow\"}}\n"
        " ]}";
    char want[2048];
    /* Pointers become positions (the root of params: the params object);
     * the variables of the label are not expanded; the default mode is
     * filled in; captures of earlier tests are visible. */
    snprintf(want, sizeof want, "%s%s%s%s%s",
             at(t, "{\"items",
                "test 'a': params: mode fast, timeout 7, has cap: 0, has zz: 0"),
             at(t, "\"bad\",\n", "test 'a': params.items[1]: a bad item"),
             at(t, "\"bad\"]", "test 'a': params.items[2]: a bad item"),
             at(t, "\"${who}\"", "test 'a': params.label: as written: ${who}"),
             at(t, "{\"mode",
                "test 'b': params: mode slow, timeout 5, has cap: 1, has zz: 0"));
    validates_to(t, NULL, 5, want);

    /* --timeout replaces every test's own. */
    struct wsc_scenario *sc = parse(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(wsc_scenario_validate_timeout(sc, &REG, NULL, 60, &D), 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(messages(), "mode fast, timeout 60,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(messages(), "mode slow, timeout 60,"));
    wsc_scenario_free(sc);
}

static void test_structure_errors_then_validation(void)
{
    /* A file with structure errors is kept by wsc_scenario_parse_all():
     * its tests are still validated as far as they go. */
    const char *t =
        "{\"name\": \"s\", \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"chek\": \"listening\"},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listening\","
        " \"timeout\": -1, \"params\": {\"port\": \"${nope}\"}},\n"
        "  7\n"
        "]}";
    wsc_diag_clear(&D);
    D.quiet = 1;
    struct wsc_scenario *sc = wsc_scenario_parse_all("t.json", t, strlen(t), &D);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->structure_errors, 4);
    /* Nothing reported yet: the structure problems come out with the
     * others, in file order, and are not counted twice. */
    CU_ASSERT_STRING_EQUAL(messages(), "");
    CU_ASSERT_EQUAL(wsc_scenario_validate(sc, &REG, NULL, &D), 1);
    char want[2048];
    snprintf(
        want, sizeof want, "%s%s%s%s%s",
        at(t, "{\"name\": \"a\"", "test 'a': missing required key 'check'"),
        at(t, "\"chek\"", "test 'a': unknown key 'chek' (did you mean 'check'?)"),
        at(t, "-1",
           "test 'b': 'timeout' must be a number > 0 and <= 1000000 "
           "(seconds), got -1"),
        at(t, "\"${nope}\"", "test 'b': params.port: undefined variable 'nope'" NOWHERE),
        at(t, "7\n", "tests[2]: a test must be an object, got integer"));
    CU_ASSERT_STRING_EQUAL(messages(), want);
    if (strcmp(messages(), want) != 0)
        printf("# got:  %s# want: %s", messages(), want);
    wsc_scenario_free(sc);
    /* Freed unvalidated, its problems go with it. */
    sc = wsc_scenario_parse_all("t.json", t, strlen(t), &D);
    CU_ASSERT_PTR_NOT_NULL(sc);
    wsc_scenario_free(sc);
    /* wsc_scenario_parse() still refuses such a file. */
    CU_ASSERT_PTR_NULL(parse(t));
}

static int add_selected(const struct wsc_test *t, const void *arg)
{
    return strcmp(t->name, arg) == 0;
}

static void test_var_refs(void)
{
    struct wsc_scenario *sc = parse(
        "{\"name\": \"s\", \"vars\": {\"host\": \"h\", \"base\": \"${env:X:-${host}}:${port}\","
        " \"url\": \"ws://${base}/\", \"other\": \"${unused}\"}, \"tests\": [\n"
        "  {\"name\": \"a\", \"plugin\": \"port\", \"check\": \"closed\","
        " \"params\": {\"x\": [\"${url}\", {\"y\": \"$${literal}\"}]}},\n"
        "  {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"closed\","
        " \"params\": {\"steps\": [{\"send\": \"${token}\"}]}}]}");
    struct json_object *names = json_object_new_object();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(wsc_scenario_var_refs(sc, add_selected, "a", names), 0);
    /* Through the file's vars, env defaults included; not the others. */
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(names, JSON_C_TO_STRING_PLAIN),
                           "{\"url\":null,\"base\":null,\"host\":null,\"port\":null}");
    CU_ASSERT_EQUAL(wsc_scenario_var_refs(sc, NULL, NULL, names), 0);
    CU_ASSERT_TRUE(json_object_object_get_ex(names, "token", NULL));
    CU_ASSERT_FALSE(json_object_object_get_ex(names, "unused", NULL));
    CU_ASSERT_FALSE(json_object_object_get_ex(names, "literal", NULL));
    json_object_put(names);
    wsc_scenario_free(sc);
}

/* ---- run-time helpers ------------------------------------------------------------- */

static void test_scenario_vars(void)
{
    struct wsc_scenario *sc = parse(
        "{\"name\": \"s\", \"vars\": {\"port\": \"${env:WSC_T_UNSET:-9004}\","
        " \"url\": \"ws://h:${port}/\", \"text\": \"9004\", \"list\": [\"${port}\"]},"
        " \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct wsc_vars *cli = wsc_vars_new();
    wsc_vars_set(cli, WSC_VARS_CLI, "url", json_object_new_string("ws://cli/"));
    struct wsc_vars *v = wsc_scenario_vars(sc, cli, &D);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT(json_object_is_type(wsc_vars_get(v, "port"), json_type_int));
    CU_ASSERT_EQUAL(json_object_get_int(wsc_vars_get(v, "port")), 9004);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "url")), "ws://cli/");
    CU_ASSERT(json_object_is_type(wsc_vars_get(v, "text"), json_type_string));
    CU_ASSERT_STRING_EQUAL(
        json_object_to_json_string_ext(wsc_vars_get(v, "list"), JSON_C_TO_STRING_PLAIN),
        "[9004]");
    wsc_vars_free(v);
    wsc_vars_free(cli);
    wsc_scenario_free(sc);

    sc = parse("{\"name\": \"s\", \"vars\": {\"a\": \"${zz}\"},"
               " \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\"}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_NULL(wsc_scenario_vars(sc, NULL, &D));
    CU_ASSERT_STRING_EQUAL(messages(), "t.json:1:29: vars.a: undefined variable 'zz'\n");
    wsc_scenario_free(sc);
}

static void test_test_params(void)
{
    struct wsc_scenario *sc = parse(
        "{\"name\": \"s\", \"tests\": [\n"
        " {\"name\": \"a\", \"plugin\": \"ws\", \"check\": \"conversation\", \"params\":"
        " {\"url\": \"ws://${host}/\", \"token\": \"${digits}\","
        "  \"steps\": [{\"send\": \"${later}\"}]}},\n"
        " {\"name\": \"b\", \"plugin\": \"port\", \"check\": \"listening\", \"params\":"
        " {\"port\": \"${digits}\"}}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct wsc_vars *v = wsc_vars_new();
    wsc_vars_set(v, WSC_VARS_FILE, "host", json_object_new_string("h"));
    wsc_vars_set(v, WSC_VARS_FILE, "digits", json_object_new_string("0123"));
    char *err = NULL;
    struct json_object *p =
        wsc_scenario_test_params(&sc->tests[0], ws_loaded[0].schema, v, &err);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    /* "0123" is not a JSON number: stays text anyway. Deferred steps are
     * left for the check; the default count is filled in. */
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
                           "{\"url\":\"ws:\\/\\/h\\/\",\"token\":\"0123\",\"steps\":"
                           "[{\"send\":\"${later}\"}],\"count\":1}");
    json_object_put(p);

    /* A number-looking var where the schema wants text stays text. */
    wsc_vars_set(v, WSC_VARS_FILE, "digits", json_object_new_string("123"));
    p = wsc_scenario_test_params(&sc->tests[0], ws_loaded[0].schema, v, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(json_object_is_type(json_object_object_get(p, "token"), json_type_string));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(p, "token")),
                           "123");
    json_object_put(p);
    /* ... and becomes a number where the schema wants one. */
    p = wsc_scenario_test_params(&sc->tests[1], port_loaded[0].schema, v, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(json_object_is_type(json_object_object_get(p, "port"), json_type_int));
    CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(p, "port")), 123);
    json_object_put(p);

    /* Strict at run time: a wrong type is an error. */
    wsc_vars_set(v, WSC_VARS_CAPTURE, "digits", json_object_new_string("123"));
    p = wsc_scenario_test_params(&sc->tests[1], port_loaded[0].schema, v, &err);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_STRING_EQUAL(err, "params.port: expected integer, got string");
    free(err);

    struct wsc_vars *empty = wsc_vars_new();
    p = wsc_scenario_test_params(&sc->tests[0], NULL, empty, &err);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_STRING_EQUAL(err, "params.url: undefined variable 'host'");
    free(err);
    wsc_vars_free(empty);
    wsc_vars_free(v);
    wsc_scenario_free(sc);
}

static void test_capture(void)
{
    struct wsc_scenario *sc = parse(
        "{\"name\": \"s\", \"tests\": [{\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\","
        " \"capture\": {\"first\": \"/open/0\", \"all\": \"\", \"none\": \"/missing\","
        " \"nil\": \"/n\"}}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct json_object *outputs =
        json_tokener_parse("{\"open\": [8080, 8081], \"n\": null}");
    struct wsc_vars *v = wsc_vars_new();
    wsc_vars_set(v, WSC_VARS_FILE, "first", json_object_new_string("file"));
    wsc_vars_set(v, WSC_VARS_CLI, "all", json_object_new_string("cli"));
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_scenario_capture(&sc->tests[0], outputs, v, &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "capture 'none': the outputs have nothing at '/missing'");
    free(err);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_vars_get(v, "first")), 8080);
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "first"), WSC_VARS_CAPTURE);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "all")), "cli");
    CU_ASSERT_EQUAL(wsc_vars_state(v, "nil"), WSC_VAR_KNOWN);
    CU_ASSERT_EQUAL(wsc_vars_state(v, "none"), WSC_VAR_UNDEFINED);
    /* The captured value is a copy. */
    json_object_put(outputs);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_vars_get(v, "first")), 8080);
    wsc_vars_free(v);
    wsc_scenario_free(sc);
}

static CU_TestInfo parse_tests[] = {
    {"syntax error position", test_syntax_error_position},
    {"syntax error after comments", test_syntax_error_after_comments},
    {"columns count UTF-8 characters", test_syntax_error_utf8_columns},
    {"errors at the end of the text", test_syntax_error_at_end},
    {"a NUL byte", test_nul_byte},
    {"comments, BOM, trailing commas", test_lenient_json},
    {"unreadable files", test_unreadable_file},
    {"load from a file", test_load_from_file},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo structure_tests[] = {
    {"top level", test_top_level},
    {"unknown and reserved keys", test_unknown_and_reserved_keys},
    {"vars and defaults", test_vars_and_defaults_structure},
    {"test members", test_test_structure},
    {"capture", test_capture_structure},
    {"redact and secret captures", test_redact_structure},
    {"duplicate names and keys", test_duplicates},
    {"fields and defaults", test_fields_and_defaults},
    {"positions with fallback", test_positions},
    {"position scanner", test_jsonpos_scanner},
    {"JSON pointers", test_json_pointer},
    {"diagnostics", test_diag},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo validate_tests[] = {
    {"a valid scenario", test_valid_scenario},
    {"unknown plugin and check", test_unknown_plugin_and_check},
    {"params against the schema", test_param_errors},
    {"variables expanded before type checks", test_variable_types_checked},
    {"undefined variables", test_undefined_variables},
    {"--var wins", test_cli_vars_win},
    {"captured names are lenient", test_captured_names_are_lenient},
    {"deferred params", test_deferred_params},
    {"expectations are checked", test_expectations_checked},
    {"without a registry", test_validate_without_registry},
    {"the check's validate callback", test_validate_callback},
    {"structure errors do not stop validation", test_structure_errors_then_validation},
    {"variables the tests reference", test_var_refs},
    {"the file's vars", test_scenario_vars},
    {"params at run time", test_test_params},
    {"captures at run time", test_capture},
    CU_TEST_INFO_NULL,
};

static int cleanup_diag(void)
{
    wsc_diag_clear(&D);
    return 0;
}

static CU_SuiteInfo suites[] = {
    {"scenario parse", NULL, cleanup_diag, NULL, NULL, parse_tests},
    {"scenario structure", NULL, cleanup_diag, NULL, NULL, structure_tests},
    {"scenario validate", setup_registry, teardown_registry, NULL, NULL, validate_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
