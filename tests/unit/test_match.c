/* Unit tests of the expectation matcher: every operator, matching and not,
 * every message form, validation errors, paths and their escaping. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wscheck/match.h>

/* ---- Helpers ----------------------------------------------------------------- */

/* Parses JSON text; NULL text means "absent", "null" gives a JSON null. The
 * returned object (possibly NULL for null) is owned by the caller. */
static struct json_object *parse(const char *text, int *ok)
{
    enum json_tokener_error err = json_tokener_success;
    struct json_object *v = text ? json_tokener_parse_verbose(text, &err) : NULL;
    *ok = err == json_tokener_success;
    return v;
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

/* A CUnit assertion at this file's LINE whose failure text shows what went
 * wrong. */
#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

/* Matches actual (NULL: absent) against expected under path and checks the
 * outcome: want NULL means a match, else the exact message. */
static void expect_at(int line, const char *expected, const char *actual,
                      const char *path, const char *want)
{
    int ok_e, ok_a;
    struct json_object *exp = parse(expected, &ok_e);
    struct json_object *act = parse(actual, &ok_a);
    report(ok_e && ok_a, line, "test data parses: %s / %s", str(expected), str(actual));
    char *msg = (char *)"untouched";
    int matched = wsc_match(exp, act, path, &msg);
    if (!want) {
        report(matched && msg == NULL, line, "%s should match %s, got: %s", str(expected),
               str(actual), str(msg));
    } else {
        report(!matched && msg && strcmp(msg, want) == 0, line,
               "message\n#   want: %s\n#   got:  %s", want,
               matched ? "(matched)" : str(msg));
    }
    /* The result does not depend on whether a message is wanted. */
    report(wsc_match(exp, act, path, NULL) == matched, line,
           "same result without msg for %s / %s", str(expected), str(actual));
    if (!matched)
        free(msg);
    json_object_put(exp);
    json_object_put(act);
}

#define MATCH(e, a) expect_at(__LINE__, (e), (a), NULL, NULL)
#define MISMATCH(e, a, m) expect_at(__LINE__, (e), (a), NULL, (m))

/* Checks wsc_match_check(): want NULL means well formed, else the message. */
static void check_at(int line, const char *expected, const char *want, int prefix_only)
{
    int ok;
    struct json_object *exp = parse(expected, &ok);
    report(ok, line, "test data parses: %s", str(expected));
    char *msg = wsc_match_check(exp);
    if (!want)
        report(msg == NULL, line, "%s should be well formed, got: %s", str(expected),
               str(msg));
    else if (prefix_only)
        report(msg && strncmp(msg, want, strlen(want)) == 0, line,
               "check message\n#   want prefix: %s\n#   got:  %s", want, str(msg));
    else
        report(msg && strcmp(msg, want) == 0, line,
               "check message\n#   want: %s\n#   got:  %s", want, str(msg));
    free(msg);
    json_object_put(exp);
}

#define VALID(e) check_at(__LINE__, (e), NULL, 0)
#define INVALID(e, m) check_at(__LINE__, (e), (m), 0)
#define INVALID_PREFIX(e, m) check_at(__LINE__, (e), (m), 1)

/* ---- Scalars ------------------------------------------------------------------- */

static void test_strings(void)
{
    MATCH("\"pong\"", "\"pong\"");
    MISMATCH("\"pong\"", "\"ping\"", "/: expected \"pong\", got \"ping\"");
    MISMATCH("\"pong\"", "\"Pong\"", "/: expected \"pong\", got \"Pong\"");
    MISMATCH("\"1\"", "1", "/: expected \"1\", got 1");
    MISMATCH("\"\"", "\"x\"", "/: expected \"\", got \"x\"");
    /* byte-exact, embedded NUL included */
    MATCH("\"a\\u0000b\"", "\"a\\u0000b\"");
    MISMATCH("\"a\\u0000b\"", "\"a\\u0000c\"",
             "/: expected \"a\\u0000b\", got \"a\\u0000c\"");
    MISMATCH("\"a\"", "\"a\\u0000\"", "/: expected \"a\", got \"a\\u0000\"");
    /* slashes are shown as they are */
    MISMATCH("\"a/b\"", "\"a/c\"", "/: expected \"a/b\", got \"a/c\"");
}

static void test_numbers(void)
{
    MATCH("5", "5");
    MATCH("5", "5.0");
    MATCH("5.0", "5");
    MATCH("-0.5", "-0.5");
    MATCH("0", "-0.0");
    MISMATCH("5", "6", "/: expected 5, got 6");
    MISMATCH("5", "5.5", "/: expected 5, got 5.5");
    MISMATCH("5", "\"5\"", "/: expected 5, got \"5\"");
    MISMATCH("1", "true", "/: expected 1, got true");
    /* 64-bit integers compare exactly, beyond what a double holds */
    MATCH("9007199254740993", "9007199254740993");
    MISMATCH("9007199254740993", "9007199254740992",
             "/: expected 9007199254740993, got 9007199254740992");
    MATCH("18446744073709551615", "18446744073709551615");
    MISMATCH("18446744073709551615", "9223372036854775807",
             "/: expected 18446744073709551615, got 9223372036854775807");
    MISMATCH("-1", "18446744073709551615", "/: expected -1, got 18446744073709551615");
    MATCH("-9223372036854775808", "-9223372036854775808");
}

static void test_booleans_and_null(void)
{
    MATCH("true", "true");
    MATCH("false", "false");
    MISMATCH("true", "false", "/: expected true, got false");
    MISMATCH("false", "0", "/: expected false, got 0");
    MISMATCH("false", "null",
             "/: missing (expected false)"); /* NULL at the root: absent */
    MATCH("{\"a\":null}", "{\"a\":null}");
    MISMATCH("{\"a\":null}", "{}", "/a: missing (expected null)");
    MISMATCH("{\"a\":null}", "{\"a\":0}", "/a: expected null, got 0");
    MISMATCH("{\"a\":null}", "{\"a\":false}", "/a: expected null, got false");
    MISMATCH("{\"a\":1}", "{\"a\":null}", "/a: expected 1, got null");
    MISMATCH("{\"a\":\"x\"}", "{\"a\":null}", "/a: expected \"x\", got null");
}

/* ---- Objects and arrays --------------------------------------------------------- */

static void test_objects(void)
{
    MATCH("{}", "{}");
    MATCH("{}", "{\"a\":1}");
    MATCH("{\"type\":\"pong\"}", "{\"type\":\"pong\",\"id\":3}");
    MISMATCH("{\"type\":\"pong\"}", "{\"id\":3}", "/type: missing (expected \"pong\")");
    MISMATCH("{\"type\":\"pong\"}", "{\"type\":\"ping\"}",
             "/type: expected \"pong\", got \"ping\"");
    MISMATCH("{\"a\":{\"b\":1}}", "{\"a\":{}}", "/a/b: missing (expected 1)");
    MISMATCH("{\"a\":{\"b\":1}}", "{\"a\":[1]}", "/a: expected {\"b\":1}, got [1]");
    MISMATCH("{\"a\":{\"b\":1}}", "{}", "/a: missing (expected {\"b\":1})");
    MISMATCH("{}", "3", "/: expected {}, got 3");
    MISMATCH("{\"a\":1}", "[]", "/: expected {\"a\":1}, got []");
    MISMATCH("{\"a\":1}", NULL, "/: missing (expected {\"a\":1})");
    /* The first mismatch in the expectation's order is reported. */
    MISMATCH("{\"a\":1,\"b\":2}", "{\"a\":0,\"b\":0}", "/a: expected 1, got 0");
    MISMATCH("{\"b\":2,\"a\":1}", "{\"a\":0,\"b\":0}", "/b: expected 2, got 0");
    MISMATCH("{\"server_info\":{\"capabilities\":[\"echo\",\"ping\",\"broadcast\"]}}",
             "{\"server_info\":{\"name\":\"m\",\"capabilities\":[\"echo\",\"ping\","
             "\"get_stats\"]}}",
             "/server_info/capabilities/2: expected \"broadcast\", got \"get_stats\"");
}

static void test_arrays(void)
{
    MATCH("[]", "[]");
    MATCH("[1,\"a\",null,true]", "[1,\"a\",null,true]");
    MISMATCH("[1,2]", "[2,1]", "/0: expected 1, got 2");
    MISMATCH("{\"tags\":[\"a\",\"b\"]}", "{\"tags\":[\"a\",\"b\",\"c\"]}",
             "/tags: expected 2 elements, got 3");
    MISMATCH("{\"tags\":[\"a\"]}", "{\"tags\":[]}", "/tags: expected 1 element, got 0");
    MISMATCH("[]", "[0]", "/: expected 0 elements, got 1");
    MISMATCH("[1]", "{\"0\":1}", "/: expected [1], got {\"0\":1}");
    MISMATCH("[null]", "[1]", "/0: expected null, got 1");
    MISMATCH("[1]", "[null]", "/0: expected 1, got null");
    MISMATCH("[{\"id\":1},{\"id\":2}]", "[{\"id\":1},{\"id\":3,\"x\":0}]",
             "/1/id: expected 2, got 3");
    MATCH("[{\"id\":1}]", "[{\"id\":1,\"extra\":true}]");
    MISMATCH("[[1,[2]]]", "[[1,[3]]]", "/0/1/0: expected 2, got 3");
}

/* ---- Paths ------------------------------------------------------------------------ */

static void test_paths(void)
{
    expect_at(__LINE__, "{\"x\":1}", "{\"x\":2}", "/data", "/data/x: expected 1, got 2");
    expect_at(__LINE__, "{\"x\":1}", "{\"x\":2}", "", "/x: expected 1, got 2");
    expect_at(__LINE__, "1", "2", "/data/0", "/data/0: expected 1, got 2");
    expect_at(__LINE__, "1", "2", "", "/: expected 1, got 2");
    expect_at(__LINE__, "{\"x\":1}", NULL, "/body",
              "/body: missing (expected {\"x\":1})");
    /* RFC 6901: '~' is written ~0 and '/' ~1 */
    MISMATCH("{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}",
             "/a~1b/c~0d: expected 1, got 2");
    MISMATCH("{\"~/~\":1}", "{}", "/~0~1~0: missing (expected 1)");
    MISMATCH("{\"\":1}", "{\"\":2}", "/: expected 1, got 2");
    MISMATCH("{\"a b\":{\"\":1}}", "{\"a b\":{\"\":2}}", "/a b/: expected 1, got 2");
}

/* ---- Operators ------------------------------------------------------------------ */

static void test_regex(void)
{
    MATCH("{\"$regex\":\"^py\"}", "\"python\"");
    MATCH("{\"$regex\":\"^a+(b|c)$\"}", "\"aaac\"");
    MATCH("{\"$regex\":\"[0-9]{3}\"}", "\"ab123\"");
    MATCH("{\"$regex\":\"\"}", "\"\"");
    MISMATCH("{\"name\":{\"$regex\":\"^py\"}}", "{\"name\":\"node\"}",
             "/name: expected to match /^py/, got \"node\"");
    MISMATCH("{\"$regex\":\"^a+(b|c)$\"}", "\"aaad\"",
             "/: expected to match /^a+(b|c)$/, got \"aaad\"");
    MISMATCH("{\"$regex\":\"4\"}", "42", "/: expected to match /4/, got 42");
    MISMATCH("{\"a\":{\"$regex\":\"x\"}}", "{\"a\":null}",
             "/a: expected to match /x/, got null");
    MISMATCH("{\"name\":{\"$regex\":\"^py\"}}", "{}",
             "/name: missing (expected to match /^py/)");
    expect_at(__LINE__, "{\"$regex\":\"x\"}", "[\"x\"]", NULL,
              "/: expected to match /x/, got [\"x\"]");
}

static void test_regex_invalid(void)
{
    struct json_object *exp = json_tokener_parse("{\"a\":{\"$regex\":\"(\"}}");
    struct json_object *act = json_tokener_parse("{\"a\":\"(\"}");
    char *msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    const char *want = "/a: $regex /(/ does not compile: ";
    CU_ASSERT_EQUAL(strncmp(msg, want, strlen(want)), 0);
    CU_ASSERT(strlen(msg) > strlen(want)); /* regerror()'s reason follows */
    free(msg);
    json_object_put(exp);
    json_object_put(act);
}

static void test_type(void)
{
    MATCH("{\"$type\":\"string\"}", "\"x\"");
    MATCH("{\"$type\":\"number\"}", "1");
    MATCH("{\"$type\":\"number\"}", "1.5");
    MATCH("{\"$type\":\"integer\"}", "-7");
    MATCH("{\"$type\":\"boolean\"}", "false");
    MATCH("{\"$type\":\"object\"}", "{}");
    MATCH("{\"$type\":\"array\"}", "[]");
    MATCH("{\"a\":{\"$type\":\"null\"}}", "{\"a\":null}");
    MISMATCH("{\"$type\":\"integer\"}", "\"x\"",
             "/: expected type integer, got string \"x\"");
    MISMATCH("{\"$type\":\"integer\"}", "5.5",
             "/: expected type integer, got number 5.5");
    MISMATCH("{\"$type\":\"number\"}", "\"5\"",
             "/: expected type number, got string \"5\"");
    MISMATCH("{\"$type\":\"string\"}", "5", "/: expected type string, got integer 5");
    MISMATCH("{\"$type\":\"boolean\"}", "0", "/: expected type boolean, got integer 0");
    MISMATCH("{\"$type\":\"object\"}", "[1]", "/: expected type object, got array [1]");
    MISMATCH("{\"$type\":\"array\"}", "{\"a\":1}",
             "/: expected type array, got object {\"a\":1}");
    MISMATCH("{\"a\":{\"$type\":\"string\"}}", "{\"a\":null}",
             "/a: expected type string, got null");
    MISMATCH("{\"a\":{\"$type\":\"null\"}}", "{\"a\":0}",
             "/a: expected type null, got integer 0");
    MISMATCH("{\"a\":{\"$type\":\"null\"}}", "{}", "/a: missing (expected type null)");
}

static void test_exists(void)
{
    MATCH("{\"a\":{\"$exists\":true}}", "{\"a\":0}");
    MATCH("{\"a\":{\"$exists\":true}}", "{\"a\":null}");
    MATCH("{\"a\":{\"$exists\":false}}", "{\"b\":1}");
    MATCH("{\"$exists\":false}", NULL);
    MISMATCH("{\"a\":{\"$exists\":true}}", "{}", "/a: missing (expected to exist)");
    MISMATCH("{\"a\":{\"$exists\":false}}", "{\"a\":1}",
             "/a: expected to be absent, got 1");
    MISMATCH("{\"a\":{\"$exists\":false}}", "{\"a\":null}",
             "/a: expected to be absent, got null");
    MISMATCH("{\"a\":{\"b\":{\"$exists\":false}}}", "{}",
             "/a: missing (expected {\"b\":{\"$exists\":false}})");
}

static void test_any(void)
{
    MATCH("{\"a\":{\"$any\":true}}", "{\"a\":[1,2]}");
    MATCH("{\"a\":{\"$any\":true}}", "{\"a\":null}");
    MATCH("{\"a\":{\"$any\":false}}", "{}");
    MATCH("{\"a\":{\"$any\":false}}", "{\"a\":1}");
    MISMATCH("{\"a\":{\"$any\":true}}", "{}", "/a: expected any value, got nothing");
    MISMATCH("{\"$any\":true}", NULL, "/: expected any value, got nothing");
}

static void test_comparisons(void)
{
    MATCH("{\"$gt\":5}", "6");
    MATCH("{\"$gt\":5}", "5.001");
    MATCH("{\"$gte\":5}", "5");
    MATCH("{\"$gte\":5}", "5.0");
    MATCH("{\"$lt\":5}", "4.999");
    MATCH("{\"$lte\":5.5}", "5.5");
    MATCH("{\"$lte\":5.5}", "-100");
    MATCH("{\"$gt\":-1}", "18446744073709551615");
    MATCH("{\"$lt\":9007199254740993}", "9007199254740992");
    MISMATCH("{\"count\":{\"$gt\":5}}", "{\"count\":3}", "/count: expected > 5, got 3");
    MISMATCH("{\"$gt\":5}", "5", "/: expected > 5, got 5");
    MISMATCH("{\"$gte\":5}", "4.5", "/: expected >= 5, got 4.5");
    MISMATCH("{\"$lt\":5}", "5", "/: expected < 5, got 5");
    MISMATCH("{\"$lte\":5.5}", "6", "/: expected <= 5.5, got 6");
    MISMATCH("{\"$gt\":5}", "\"7\"", "/: expected > 5, got \"7\"");
    MISMATCH("{\"$gt\":0}", "true", "/: expected > 0, got true");
    MISMATCH("{\"a\":{\"$lt\":1}}", "{\"a\":null}", "/a: expected < 1, got null");
    MISMATCH("{\"count\":{\"$gt\":5}}", "{}", "/count: missing (expected > 5)");
}

static void test_several_operators(void)
{
    MATCH("{\"$gte\":1,\"$lte\":10}", "1");
    MATCH("{\"$gte\":1,\"$lte\":10}", "10");
    MISMATCH("{\"$gte\":1,\"$lte\":10}", "11", "/: expected <= 10, got 11");
    MISMATCH("{\"$gte\":1,\"$lte\":10}", "0", "/: expected >= 1, got 0");
    MATCH("{\"$type\":\"string\",\"$regex\":\"^a\",\"$len\":3}", "\"abc\"");
    MISMATCH("{\"$type\":\"string\",\"$regex\":\"^a\"}", "\"bcd\"",
             "/: expected to match /^a/, got \"bcd\"");
    MISMATCH("{\"$type\":\"string\",\"$regex\":\"^a\"}", "7",
             "/: expected type string, got integer 7");
    /* All must hold, $exists:false included. */
    MISMATCH("{\"a\":{\"$exists\":true,\"$type\":\"string\"}}", "{}",
             "/a: missing (expected to exist)");
    /* A malformed operator is reported before any other one is tried. */
    MISMATCH("{\"$gt\":100,\"$nope\":1}", "5", "/: unknown operator $nope");
}

static void test_contains(void)
{
    MATCH("{\"$contains\":\"b\"}", "[\"a\",\"b\"]");
    MATCH("{\"$contains\":2}", "[1,2.0,3]");
    MATCH("{\"$contains\":null}", "[1,null]");
    MATCH("{\"$contains\":{\"id\":2}}", "[{\"id\":1,\"x\":1},{\"id\":2,\"x\":2}]");
    MATCH("{\"$contains\":{\"$gt\":5}}", "[1,9]");
    MATCH("{\"$contains\":[1,2]}", "[[1],[1,2]]");
    MATCH("{\"$contains\":\"ell\"}", "\"hello\"");
    MATCH("{\"$contains\":\"\"}", "\"\"");
    MISMATCH("{\"tags\":{\"$contains\":\"x\"}}", "{\"tags\":[\"a\",\"b\"]}",
             "/tags: expected to contain \"x\", got [\"a\",\"b\"]");
    MISMATCH("{\"$contains\":{\"id\":3}}", "[{\"id\":1},{\"id\":2}]",
             "/: expected to contain {\"id\":3}, got [{\"id\":1},{\"id\":2}]");
    MISMATCH("{\"$contains\":{\"$gt\":5}}", "[1,2]",
             "/: expected to contain {\"$gt\":5}, got [1,2]");
    MISMATCH("{\"$contains\":null}", "[]", "/: expected to contain null, got []");
    MISMATCH("{\"name\":{\"$contains\":\"py\"}}", "{\"name\":\"node\"}",
             "/name: expected to contain \"py\", got \"node\"");
    MISMATCH("{\"$contains\":1}", "\"1\"", "/: expected to contain 1, got \"1\"");
    MISMATCH("{\"$contains\":\"a\"}", "5", "/: expected to contain \"a\", got 5");
    MISMATCH("{\"$contains\":\"a\"}", "{\"a\":1}",
             "/: expected to contain \"a\", got {\"a\":1}");
    MISMATCH("{\"t\":{\"$contains\":\"a\"}}", "{}",
             "/t: missing (expected to contain \"a\")");
}

static void test_in(void)
{
    MATCH("{\"$in\":[200,204]}", "204");
    MATCH("{\"$in\":[200,204]}", "204.0");
    MATCH("{\"$in\":[\"a\",\"b\"]}", "\"b\"");
    MATCH("{\"c\":{\"$in\":[null]}}", "{\"c\":null}");
    /* elements are expectations themselves */
    MATCH("{\"$in\":[1000,{\"$gte\":4000}]}", "4001");
    MATCH("{\"$in\":[{\"type\":\"pong\"},{\"type\":\"ack\"}]}",
          "{\"type\":\"ack\",\"n\":1}");
    MATCH("{\"code\":{\"$in\":[{\"$exists\":false},1000]}}", "{}");
    MISMATCH("{\"status\":{\"$in\":[200,204]}}", "{\"status\":500}",
             "/status: expected one of [200,204], got 500");
    MISMATCH("{\"$in\":[1000,{\"$gte\":4000}]}", "1006",
             "/: expected one of [1000,{\"$gte\":4000}], got 1006");
    MISMATCH("{\"$in\":[\"a\"]}", "[\"a\"]", "/: expected one of [\"a\"], got [\"a\"]");
    MISMATCH("{\"$in\":[1]}", "\"1\"", "/: expected one of [1], got \"1\"");
    MISMATCH("{\"s\":{\"$in\":[200,204]}}", "{}",
             "/s: missing (expected one of [200,204])");
    /* with another operator, both must hold */
    MISMATCH("{\"$in\":[1,2,3],\"$gt\":1}", "1", "/: expected > 1, got 1");
}

static void test_len(void)
{
    MATCH("{\"$len\":5}", "\"hello\"");
    MATCH("{\"$len\":5}", "\"h\\u00e9llo\""); /* 6 bytes, 5 characters */
    MATCH("{\"$len\":2}", "\"\xf0\x9f\x98\x80\xe2\x82\xac\"");
    MATCH("{\"$len\":0}", "\"\"");
    MATCH("{\"$len\":3}", "[1,[2,3],null]");
    MATCH("{\"$len\":2}", "{\"a\":1,\"b\":{}}");
    MATCH("{\"$len\":0}", "{}");
    MISMATCH("{\"items\":{\"$len\":3}}", "{\"items\":[1,2]}",
             "/items: expected length 3, got 2");
    MISMATCH("{\"$len\":3}", "\"h\\u00e9\"", "/: expected length 3, got 2");
    MISMATCH("{\"$len\":1}", "{}", "/: expected length 1, got 0");
    MISMATCH("{\"$len\":3}", "42", "/: expected length 3, got integer 42");
    MISMATCH("{\"$len\":3}", "true", "/: expected length 3, got boolean true");
    MISMATCH("{\"a\":{\"$len\":3}}", "{\"a\":null}", "/a: expected length 3, got null");
    MISMATCH("{\"a\":{\"$len\":3}}", "{}", "/a: missing (expected length 3)");
}

static void test_json(void)
{
    MATCH("{\"$json\":{\"type\":\"ok\"}}", "\"{\\\"type\\\":\\\"ok\\\",\\\"n\\\":1}\"");
    MATCH("{\"$json\":5}", "\"5\"");
    MATCH("{\"$json\":5}", "\" 5\\n\"");
    MATCH("{\"$json\":null}", "\"null\"");
    MATCH("{\"$json\":[1,{\"$gt\":1}]}", "\"[1, 2]\"");
    MATCH("{\"$json\":{\"$type\":\"string\"}}", "\"\\\"x\\\"\"");
    /* operators beside $json apply to the string itself */
    MATCH("{\"$json\":{\"a\":1},\"$contains\":\"a\"}", "\"{\\\"a\\\":1}\"");
    /* nested: a string holding JSON holding a string holding JSON */
    MATCH("{\"t\":{\"$json\":{\"u\":{\"$json\":{\"v\":true}}}}}",
          "{\"t\":\"{\\\"u\\\":\\\"{\\\\\\\"v\\\\\\\":true}\\\"}\"}");
    MISMATCH("{\"text\":{\"$json\":{\"type\":\"ok\"}}}",
             "{\"text\":\"{\\\"type\\\":\\\"error\\\"}\"}",
             "/text/$json/type: expected \"ok\", got \"error\"");
    MISMATCH("{\"$json\":{\"type\":\"ok\"}}", "\"[]\"",
             "/$json: expected {\"type\":\"ok\"}, got []");
    MISMATCH("{\"$json\":{\"a\":1}}", "{\"a\":1}",
             "/: expected a string holding JSON, got {\"a\":1}");
    MISMATCH("{\"$json\":1}", "1", "/: expected a string holding JSON, got 1");
    MISMATCH("{\"t\":{\"$json\":1}}", "{\"t\":null}",
             "/t: expected a string holding JSON, got null");
    MISMATCH("{\"t\":{\"$json\":1}}", "{}",
             "/t: missing (expected a string holding JSON)");
    MISMATCH(
        "{\"$json\":{}}", "\"hello\"",
        "/: expected a string holding JSON, got \"hello\" (not JSON: unexpected character)");
    MISMATCH(
        "{\"$json\":{}}", "\"{\\\"a\\\":\"",
        "/: expected a string holding JSON, got \"{\\\"a\\\":\" (not JSON: unexpected end of data)");
    MISMATCH("{\"$json\":{}}", "\"\"",
             "/: expected a string holding JSON, got \"\" (not JSON: empty)");
    MISMATCH(
        "{\"$json\":1}", "\"1 2\"",
        "/: expected a string holding JSON, got \"1 2\" (not JSON: text after the JSON value)");
    /* a malformed argument is reported whatever the string holds */
    MISMATCH("{\"$json\":{\"$nope\":1}}", "\"1\"", "/$json: unknown operator $nope");
}

/* ---- Malformed expectations while matching ------------------------------------------ */

static void test_match_malformed(void)
{
    MISMATCH("{\"a\":{\"$foo\":1}}", "{\"a\":1}", "/a: unknown operator $foo");
    MISMATCH("{\"a\":{\"$len\":-1}}", "{\"a\":\"\"}",
             "/a: $len needs a non-negative integer, got -1");
    MISMATCH("{\"a\":{\"$gt\":\"5\"}}", "{\"a\":6}", "/a: $gt needs a number, got \"5\"");
    MISMATCH(
        "{\"a\":{\"$type\":\"str\"}}", "{}",
        "/a: $type needs one of string, number, integer, boolean, object, array, null, "
        "got \"str\"");
    MISMATCH("{\"a\":{\"$gt\":1,\"b\":2}}", "{\"a\":{\"$gt\":1,\"b\":2}}",
             "/a: operator $gt mixed with plain keys");
    MISMATCH("{\"$contains\":{\"$bad\":1}}", "[1]", "/$contains: unknown operator $bad");
    /* A '$' key that names no operator, beside plain keys, is a plain key. */
    MATCH("{\"$schema\":\"s\",\"a\":1}", "{\"$schema\":\"s\",\"a\":1,\"b\":2}");
    MISMATCH("{\"$schema\":\"s\",\"a\":1}", "{\"a\":1}",
             "/$schema: missing (expected \"s\")");
}

/* ---- Long values, deep nesting, big inputs ------------------------------------------- */

static void test_long_values(void)
{
    char *long_text = malloc(1003);
    CU_ASSERT_PTR_NOT_NULL_FATAL(long_text);
    memset(long_text, 'a', 1000);
    memcpy(long_text, "\"", 1);
    memcpy(long_text + 1000, "\"", 2);
    struct json_object *exp = json_object_new_string("b");
    struct json_object *act = json_tokener_parse(long_text);
    char *msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    const char *head = "/: expected \"b\", got \"aaaa";
    CU_ASSERT_EQUAL(strncmp(msg, head, strlen(head)), 0);
    size_t n = strlen(msg);
    CU_ASSERT(n > 3 && strcmp(msg + n - 3, "...") == 0);
    /* about 200 characters of the value are kept */
    CU_ASSERT(n >= strlen("/: expected \"b\", got ") + 200);
    CU_ASSERT(n <= strlen("/: expected \"b\", got ") + 203);
    free(msg);
    json_object_put(act);
    free(long_text);

    /* A cut never splits a UTF-8 character. */
    struct json_object *wide = json_object_new_string("");
    char *text = malloc(2 * 300 + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (int i = 0; i < 300; i++)
        memcpy(text + 2 * i, "\xc3\xa9", 2);
    text[600] = '\0';
    json_object_set_string(wide, text);
    msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, wide, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    n = strlen(msg);
    CU_ASSERT(n > 4 && strcmp(msg + n - 3, "...") == 0);
    CU_ASSERT(((unsigned char)msg[n - 4] & 0xC0) == 0x80); /* ends a character */
    CU_ASSERT((unsigned char)msg[n - 5] == 0xc3);
    free(msg);
    json_object_put(wide);
    free(text);

    /* Long regex patterns are cut as well. */
    char pattern[400];
    memset(pattern, 'x', sizeof pattern - 1);
    pattern[sizeof pattern - 1] = '\0';
    struct json_object *re = json_object_new_object();
    json_object_object_add(re, "$regex", json_object_new_string(pattern));
    act = json_object_new_string("y");
    msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(re, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(strstr(msg, "xxx.../, got \"y\"") != NULL);
    CU_ASSERT(strlen(msg) < 260);
    free(msg);
    json_object_put(re);
    json_object_put(act);
    json_object_put(exp);
}

/* {"a":{"a":...{"a":leaf}}} nested `depth` times (owned by the caller). */
static struct json_object *nest(int depth, struct json_object *leaf)
{
    struct json_object *v = leaf;
    for (int i = 0; i < depth; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "a", v);
        v = o;
    }
    return v;
}

static void test_deep_nesting(void)
{
    struct json_object *exp = nest(300, json_object_new_int(1));
    struct json_object *act = nest(300, json_object_new_int(1));
    char *msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 1);
    CU_ASSERT_PTR_NULL(wsc_match_check(exp));
    json_object_put(act);
    act = nest(300, json_object_new_int(2));
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(strncmp(msg, "/a/a/a/", 7) == 0);
    CU_ASSERT(strstr(msg, "/a: expected 1, got 2") != NULL);
    CU_ASSERT_EQUAL(strlen(msg), 300 * 2 + strlen(": expected 1, got 2"));
    free(msg);
    json_object_put(exp);
    json_object_put(act);

    /* Too deep an expectation is refused, not a stack overflow. */
    exp = nest(5000, json_object_new_int(1));
    act = nest(5000, json_object_new_int(1));
    msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(strstr(msg, ": expectation nested deeper than 512 levels") != NULL);
    free(msg);
    char *check = wsc_match_check(exp);
    CU_ASSERT_PTR_NOT_NULL(check);
    CU_ASSERT(check &&
              strstr(check, ": expectation nested deeper than 512 levels") != NULL);
    free(check);
    json_object_put(exp);

    /* A deep actual value under a shallow expectation is only walked as far
     * as the expectation goes. */
    exp = json_tokener_parse("{\"a\":{\"$type\":\"object\"}}");
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, NULL), 1);
    json_object_put(exp);
    json_object_put(act);
}

static void test_big_values(void)
{
    struct json_object *act = json_object_new_array();
    for (int i = 0; i < 100000; i++)
        json_object_array_add(act, json_object_new_int(i));
    struct json_object *exp = json_tokener_parse("{\"$len\":100000,\"$contains\":99999}");
    char *msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 1);
    json_object_put(exp);
    exp = json_tokener_parse("{\"$contains\":-1}");
    CU_ASSERT_EQUAL(wsc_match(exp, act, NULL, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(strncmp(msg, "/: expected to contain -1, got [0,1,2,", 38) == 0);
    CU_ASSERT(strlen(msg) < 260);
    free(msg);
    json_object_put(exp);
    json_object_put(act);
}

static void test_null_arguments(void)
{
    char *msg = NULL;
    /* A NULL expectation is a JSON null. */
    CU_ASSERT_EQUAL(wsc_match(NULL, NULL, NULL, &msg), 0);
    CU_ASSERT_STRING_EQUAL(msg ? msg : "", "/: missing (expected null)");
    free(msg);
    CU_ASSERT_PTR_NULL(wsc_match_check(NULL));
    struct json_object *exp = json_tokener_parse("{\"a\":1}");
    CU_ASSERT_EQUAL(wsc_match(exp, NULL, NULL, NULL), 0);
    json_object_put(exp);
}

/* ---- wsc_match_check ------------------------------------------------------------------- */

static void test_check_valid(void)
{
    VALID("1");
    VALID("\"$gt\"");
    VALID("[]");
    VALID("{}");
    VALID(
        "{\"type\":\"pong\",\"n\":{\"$gte\":1.5,\"$lt\":10},\"tags\":[{\"$regex\":\"^a\"}]}");
    VALID("{\"$regex\":\"^(a|b)+[0-9]{2}$\"}");
    VALID("{\"$type\":\"string\"}");
    VALID("{\"$type\":\"number\"}");
    VALID("{\"$type\":\"integer\"}");
    VALID("{\"$type\":\"boolean\"}");
    VALID("{\"$type\":\"object\"}");
    VALID("{\"$type\":\"array\"}");
    VALID("{\"$type\":\"null\"}");
    VALID("{\"$exists\":false}");
    VALID("{\"$any\":true}");
    VALID("{\"$len\":0}");
    VALID("{\"$contains\":{\"id\":{\"$gt\":1}}}");
    VALID("{\"$contains\":null}");
    VALID("{\"$schema\":1,\"a\":2}");
    VALID("{\"$json\":{\"type\":\"ok\",\"n\":{\"$gt\":1}}}");
    VALID("{\"$json\":null}");
}

static void test_check_errors(void)
{
    INVALID("{\"a\":{\"$foo\":1}}", "/a: unknown operator $foo");
    INVALID("{\"$foo\":1}", "/: unknown operator $foo");
    INVALID("{\"a\":{\"$len\":-1}}", "/a: $len needs a non-negative integer, got -1");
    INVALID("{\"a\":{\"$len\":1.5}}", "/a: $len needs a non-negative integer, got 1.5");
    INVALID("{\"a\":{\"$len\":\"3\"}}",
            "/a: $len needs a non-negative integer, got \"3\"");
    INVALID(
        "{\"a\":{\"$type\":\"str\"}}",
        "/a: $type needs one of string, number, integer, boolean, object, array, null, "
        "got \"str\"");
    INVALID(
        "{\"a\":{\"$type\":1}}",
        "/a: $type needs one of string, number, integer, boolean, object, array, null, "
        "got 1");
    INVALID("{\"a\":{\"$regex\":5}}", "/a: $regex needs a string, got 5");
    INVALID_PREFIX("{\"a\":{\"$regex\":\"a(\"}}", "/a: $regex /a(/ does not compile: ");
    INVALID_PREFIX("{\"a\":{\"$regex\":\"[z-a]\"}}",
                   "/a: $regex /[z-a]/ does not compile: ");
    INVALID("{\"a\":{\"$exists\":1}}", "/a: $exists needs true or false, got 1");
    INVALID("{\"a\":{\"$any\":\"yes\"}}", "/a: $any needs true or false, got \"yes\"");
    INVALID("{\"a\":{\"$gt\":\"5\"}}", "/a: $gt needs a number, got \"5\"");
    INVALID("{\"a\":{\"$gte\":null}}", "/a: $gte needs a number, got null");
    INVALID("{\"a\":{\"$lt\":[1]}}", "/a: $lt needs a number, got [1]");
    INVALID("{\"a\":{\"$lte\":true}}", "/a: $lte needs a number, got true");
    INVALID("{\"a\":{\"$gt\":1,\"lt\":5}}", "/a: operator $gt mixed with plain keys");
    INVALID("{\"a\":{\"$in\":200}}",
            "/a: $in needs a non-empty array of values, got 200");
    INVALID("{\"a\":{\"$in\":[]}}", "/a: $in needs a non-empty array of values, got []");
    INVALID("{\"a\":{\"$in\":[1,{\"$lt\":\"x\"}]}}",
            "/a/$in/1: $lt needs a number, got \"x\"");
    INVALID("{\"text\":{\"$json\":{\"n\":{\"$gt\":\"1\"}}}}",
            "/text/$json/n: $gt needs a number, got \"1\"");
}

static void test_check_paths(void)
{
    INVALID("{\"list\":[1,{\"$x\":1}]}", "/list/1: unknown operator $x");
    INVALID("{\"a/b\":{\"c~\":{\"$x\":1}}}", "/a~1b/c~0: unknown operator $x");
    INVALID("{\"tags\":{\"$contains\":{\"$foo\":1}}}",
            "/tags/$contains: unknown operator $foo");
    INVALID("{\"$contains\":{\"$contains\":{\"k\":{\"$len\":\"x\"}}}}",
            "/$contains/$contains/k: $len needs a non-negative integer, got \"x\"");
    INVALID("[[{\"ok\":1}],[{\"a\":{\"$type\":\"int\"}}]]",
            "/1/0/a: $type needs one of string, number, integer, boolean, object, array, "
            "null, got \"int\"");
    /* The first error in document order is reported. */
    INVALID("{\"a\":{\"$x\":1},\"b\":{\"$y\":1}}", "/a: unknown operator $x");
}

/* ---- Registration ------------------------------------------------------------------------ */

static CU_TestInfo scalar_tests[] = {
    {"strings", test_strings},
    {"numbers", test_numbers},
    {"booleans and null", test_booleans_and_null},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo structure_tests[] = {
    {"objects", test_objects},
    {"arrays", test_arrays},
    {"paths and key escaping", test_paths},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo operator_tests[] = {
    {"$regex", test_regex},
    {"$regex that does not compile", test_regex_invalid},
    {"$type", test_type},
    {"$exists", test_exists},
    {"$any", test_any},
    {"$gt $gte $lt $lte", test_comparisons},
    {"several operators", test_several_operators},
    {"$contains", test_contains},
    {"$len", test_len},
    {"$in", test_in},
    {"$json", test_json},
    {"malformed while matching", test_match_malformed},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo robustness_tests[] = {
    {"long values are cut", test_long_values},
    {"deep nesting", test_deep_nesting},
    {"big values", test_big_values},
    {"NULL arguments", test_null_arguments},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo check_tests[] = {
    {"well-formed expectations", test_check_valid},
    {"errors", test_check_errors},
    {"error paths", test_check_paths},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"match scalars", NULL, NULL, NULL, NULL, scalar_tests},
    {"match structures", NULL, NULL, NULL, NULL, structure_tests},
    {"match operators", NULL, NULL, NULL, NULL, operator_tests},
    {"match robustness", NULL, NULL, NULL, NULL, robustness_tests},
    {"match check", NULL, NULL, NULL, NULL, check_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
