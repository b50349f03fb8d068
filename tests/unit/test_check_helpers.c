/* Unit tests of the library's helpers for checks: param getters
 * (wscheck/params.h), message rendering (wscheck/render.h) and `expect`
 * against outputs (wscheck/expect.h). */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "context.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static struct json_object *parse(int line, const char *text)
{
    if (!text)
        return NULL;
    enum json_tokener_error err = json_tokener_success;
    struct json_object *v = json_tokener_parse_verbose(text, &err);
    report(err == json_tokener_success, line, "test JSON parses: %s", text);
    return v;
}

/* ---- Params ----------------------------------------------------------------- */

static const char params_text[] =
    "{\"s\":\"text\",\"n\":2.5,\"i\":7,\"f\":3.0,\"big\":9007199254740993,"
    "\"t\":true,\"o\":{\"a\":1},\"a\":[1],\"z\":null}";

static void test_param_getters(void)
{
    struct json_object *p = parse(__LINE__, params_text);
    CU_ASSERT_STRING_EQUAL(wsc_param_string(p, "s", "d"), "text");
    CU_ASSERT_STRING_EQUAL(wsc_param_string(p, "n", "d"), "d");
    CU_ASSERT_STRING_EQUAL(wsc_param_string(p, "missing", "d"), "d");
    CU_ASSERT_PTR_NULL(wsc_param_string(p, "z", NULL));
    CU_ASSERT_DOUBLE_EQUAL(wsc_param_number(p, "n", 0), 2.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(wsc_param_number(p, "i", 0), 7.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(wsc_param_number(p, "s", -1), -1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(wsc_param_number(p, "z", -1), -1.0, 1e-12);
    CU_ASSERT_EQUAL(wsc_param_int(p, "i", 0), 7);
    CU_ASSERT_EQUAL(wsc_param_int(p, "f", 0), 3); /* 3.0 is an integer */
    CU_ASSERT_EQUAL(wsc_param_int(p, "n", -1), -1);
    CU_ASSERT_EQUAL(wsc_param_int(p, "big", 0), 9007199254740993LL);
    CU_ASSERT_EQUAL(wsc_param_int(p, "t", 4), 4);
    CU_ASSERT_EQUAL(wsc_param_bool(p, "t", 0), 1);
    CU_ASSERT_EQUAL(wsc_param_bool(p, "i", 0), 0);
    CU_ASSERT_EQUAL(wsc_param_bool(p, "missing", 1), 1);
    CU_ASSERT_PTR_NOT_NULL(wsc_param_object(p, "o"));
    CU_ASSERT_PTR_NULL(wsc_param_object(p, "a"));
    CU_ASSERT_PTR_NOT_NULL(wsc_param_array(p, "a"));
    CU_ASSERT_PTR_NULL(wsc_param_array(p, "o"));
    CU_ASSERT_PTR_NOT_NULL(wsc_param(p, "i"));
    CU_ASSERT_PTR_NULL(wsc_param(p, "z"));
    CU_ASSERT_PTR_NULL(wsc_param(p, "missing"));
    /* no params at all, or not an object */
    CU_ASSERT_STRING_EQUAL(wsc_param_string(NULL, "s", "d"), "d");
    CU_ASSERT_EQUAL(wsc_param_int(NULL, "i", 9), 9);
    struct json_object *arr = parse(__LINE__, "[1]");
    CU_ASSERT_PTR_NULL(wsc_param(arr, "0"));
    json_object_put(arr);
    json_object_put(p);
}

/* ---- Rendering -------------------------------------------------------------- */

static void render_is(int line, const char *data, size_t len, size_t size,
                      const char *want)
{
    char out[512];
    size_t n = wsc_render_text_buf(out, size, data, len);
    report(strcmp(out, want) == 0 && n == strlen(out), line,
           "render\n#   want: %s\n#   got:  %s", want, out);
}

#define RENDER(d, size, want) render_is(__LINE__, (d), sizeof(d) - 1, (size), (want))

static void test_render_escapes(void)
{
    RENDER("plain text", 64, "plain text");
    RENDER("a\nb\rc\td", 64, "a\\nb\\rc\\td");
    RENDER("nul\0and\x01\x1f\x7f", 64, "nul\\x00and\\x01\\x1f\\x7f");
    /* valid UTF-8 is kept, bytes that are not UTF-8 are escaped */
    RENDER("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 64,
           "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    RENDER("bad \xff \xc3 end", 64, "bad \\xff \\xc3 end");
    RENDER("overlong \xc0\xaf", 64, "overlong \\xc0\\xaf");
    RENDER("surrogate \xed\xa0\x80", 64, "surrogate \\xed\\xa0\\x80");
    /* a backslash stays itself */
    RENDER("a\\b", 64, "a\\b");
    RENDER("", 64, "");
}

static void test_render_cut(void)
{
    /* fits exactly: whole */
    RENDER("0123456", 8, "0123456");
    /* one more byte: cut with "..." */
    RENDER("01234567", 8, "0123...");
    /* never inside a character or an escape */
    RENDER("a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, "a\xc3\xa9...");
    RENDER("ab\ncdef", 8, "ab\\n...");
    RENDER("a\x01zzzzzz", 8, "a...");
    char *s = wsc_render_text("a long value", 12, 4);
    CU_ASSERT_STRING_EQUAL(str(s), "a lo...");
    free(s);
    s = wsc_render_text(NULL, 5, 10);
    CU_ASSERT_STRING_EQUAL(str(s), "");
    free(s);
    char big[WSC_RENDER_MAX * 2];
    memset(big, 'x', sizeof big);
    s = wsc_render_text(big, sizeof big, WSC_RENDER_MAX);
    CU_ASSERT(s && strlen(s) == WSC_RENDER_MAX + 3 &&
              strcmp(s + WSC_RENDER_MAX, "...") == 0);
    free(s);
}

static void test_render_json(void)
{
    char out[WSC_RENDER_MAX + 4];
    struct json_object *v = parse(__LINE__, "{\"a\":\"x/y\",\"b\":[1,null]}");
    wsc_render_json_buf(out, sizeof out, v);
    CU_ASSERT_STRING_EQUAL(out, "{\"a\":\"x/y\",\"b\":[1,null]}");
    wsc_render_json_buf(out, sizeof out, NULL);
    CU_ASSERT_STRING_EQUAL(out, "null");
    json_object_put(v);
    /* the matcher shows values the same way: a regex with a newline */
    struct json_object *e = parse(__LINE__, "{\"$regex\":\"^a\\nb\"}");
    struct json_object *a = json_object_new_string("x");
    char *msg = NULL;
    CU_ASSERT_EQUAL(wsc_match(e, a, NULL, &msg), 0);
    CU_ASSERT_STRING_EQUAL(str(msg), "/: expected to match /^a\\nb/, got \"x\"");
    free(msg);
    json_object_put(e);
    json_object_put(a);
}

/* ---- expect against outputs ------------------------------------------------- */

static const char outputs_text[] =
    "{\"status\":500,\"headers\":{\"content-type\":\"text/plain\",\"X-Mixed\":\"v\"},"
    "\"subprotocol\":null,\"body\":\"oops\",\"close_code\":1001}";

/* Matches expect (and defaults) against outputs_text: want NULL means all
 * match, else the exact joined message and `bad` mismatches. */
static void expect_is(int line, const char *expect, const char *defaults, int bad,
                      const char *want)
{
    struct json_object *e = parse(line, expect), *d = parse(line, defaults);
    struct json_object *o = parse(line, outputs_text);
    char *msg = (char *)"untouched";
    int got = wsc_expect_match(e, d, o, &msg);
    if (!want)
        report(got == 0 && msg == NULL, line, "%s should match, got %d: %s", str(expect),
               got, str(msg));
    else
        report(got == bad && msg && strcmp(msg, want) == 0, line,
               "%s: %d mismatches\n#   want: %s\n#   got:  %s", str(expect), got, want,
               str(msg));
    if (got)
        free(msg);
    json_object_put(e);
    json_object_put(d);
    json_object_put(o);
}

#define EXPECT_OK(e) expect_is(__LINE__, (e), NULL, 0, NULL)
#define EXPECT_BAD(e, n, m) expect_is(__LINE__, (e), NULL, (n), (m))

static void test_expect_codes(void)
{
    EXPECT_OK("{\"status\":500}");
    EXPECT_OK("{\"status\":[500,503]}");
    EXPECT_OK("{\"status\":{\"$gte\":500}}");
    EXPECT_OK("{\"close_code\":[1000,1001]}");
    EXPECT_BAD("{\"status\":[200,204]}", 1,
               "/status: expected one of [200,204], got 500");
    EXPECT_BAD("{\"status\":200}", 1, "/status: expected 200, got 500");
    EXPECT_BAD("{\"close_code\":[1000]}", 1,
               "/close_code: expected one of [1000], got 1001");
    /* a list is "one of" only for codes; elsewhere it is an array */
    EXPECT_BAD("{\"body\":[\"oops\"]}", 1, "/body: expected [\"oops\"], got \"oops\"");
}

static void test_expect_headers(void)
{
    /* names in any case, on both sides */
    EXPECT_OK("{\"headers\":{\"Content-Type\":\"text/plain\"}}");
    EXPECT_OK("{\"headers\":{\"CONTENT-TYPE\":{\"$regex\":\"^text/\"}}}");
    EXPECT_OK("{\"headers\":{\"x-mixed\":\"v\",\"X-MIXED\":{\"$exists\":true}}}");
    EXPECT_BAD("{\"headers\":{\"X-Other\":{\"$exists\":true}}}", 1,
               "/headers/x-other: missing (expected to exist)");
    EXPECT_OK("{\"headers\":{\"$exists\":true}}");
}

static void test_expect_members(void)
{
    EXPECT_OK("{}");
    EXPECT_OK(NULL);
    EXPECT_OK("{\"subprotocol\":null,\"body\":{\"$contains\":\"oo\"}}");
    EXPECT_BAD("{\"subprotocol\":\"chat\"}", 1,
               "/subprotocol: expected \"chat\", got null");
    EXPECT_BAD("{\"json\":{\"ok\":true}}", 1, "/json: missing (expected {\"ok\":true})");
    /* every mismatch is reported, in order */
    EXPECT_BAD("{\"status\":200,\"body\":\"fine\",\"headers\":{\"content-type\":\"x\"}}",
               3,
               "/status: expected 200, got 500; /body: expected \"fine\", got \"oops\"; "
               "/headers/content-type: expected \"x\", got \"text/plain\"");
}

static void test_expect_defaults(void)
{
    const char *below_400 = "{\"status\":{\"$lt\":400}}";
    expect_is(__LINE__, NULL, below_400, 1, "/status: expected < 400, got 500");
    expect_is(__LINE__, "{\"body\":\"oops\"}", below_400, 1,
              "/status: expected < 400, got 500");
    /* a member of expect replaces the default */
    expect_is(__LINE__, "{\"status\":500}", below_400, 0, NULL);
}

static void check_is(int line, const char *expect, const char *want)
{
    struct json_object *e = parse(line, expect);
    char *msg = wsc_expect_check(e);
    if (!want)
        report(msg == NULL, line, "%s should be well formed, got %s", str(expect),
               str(msg));
    else
        report(msg && strcmp(msg, want) == 0, line, "check\n#   want: %s\n#   got:  %s",
               want, str(msg));
    free(msg);
    json_object_put(e);
}

static void test_expect_check(void)
{
    check_is(__LINE__, NULL, NULL);
    check_is(__LINE__, "{\"status\":[200,{\"$gte\":500}],\"headers\":{\"A\":\"1\"}}",
             NULL);
    check_is(__LINE__, "[200]",
             "/: expected an object whose members name outputs, got [200]");
    check_is(__LINE__, "{\"status\":[]}",
             "/status: $in needs a non-empty array of values, got []");
    check_is(__LINE__, "{\"json\":{\"a\":{\"$nope\":1}}}",
             "/json/a: unknown operator $nope");
    check_is(__LINE__, "{\"$in\":[1]}",
             "/$in: expect's members name outputs; an operator goes inside a member");
    check_is(__LINE__, "{\"headers\":{\"X-A\":\"1\",\"x-a\":\"2\"}}",
             "/headers: 'X-A' and 'x-a' name the same header (header names are "
             "case-insensitive)");
}

static void test_expect_reported(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 0);
    struct json_object *e = parse(__LINE__, "{\"status\":[200,204],\"body\":\"x\"}");
    struct json_object *o = parse(__LINE__, outputs_text);
    CU_ASSERT_EQUAL(wsc_expect(ctx, e, NULL, o), 2);
    CU_ASSERT_EQUAL(ctx->status, WSC_FAILED);
    CU_ASSERT_STRING_EQUAL(str(ctx->message.data),
                           "/status: expected one of [200,204], got 500; "
                           "/body: expected \"x\", got \"oops\"");
    wsc_ctx_free(ctx);
    json_object_put(e);

    ctx = wsc_ctx_new(5, NULL, 0);
    e = parse(__LINE__, "{\"status\":{\"$lt\":\"x\"}}");
    CU_ASSERT_EQUAL(wsc_expect_valid(ctx, e), -1);
    CU_ASSERT_EQUAL(ctx->status, WSC_ERROR);
    CU_ASSERT_STRING_EQUAL(str(ctx->message.data),
                           "expect/status: $lt needs a number, got \"x\"");
    wsc_ctx_free(ctx);
    json_object_put(e);

    ctx = wsc_ctx_new(5, NULL, 0);
    e = parse(__LINE__, "\"x\"");
    CU_ASSERT_EQUAL(wsc_expect_valid(ctx, e), -1);
    CU_ASSERT_STRING_EQUAL(
        str(ctx->message.data),
        "expect: expected an object whose members name outputs, got \"x\"");
    wsc_ctx_free(ctx);
    json_object_put(e);

    ctx = wsc_ctx_new(5, NULL, 0);
    CU_ASSERT_EQUAL(wsc_expect_valid(ctx, NULL), 0);
    CU_ASSERT_EQUAL(wsc_expect(ctx, NULL, NULL, o), 0);
    CU_ASSERT_EQUAL(wsc_failed(ctx), 0);
    wsc_ctx_free(ctx);
    json_object_put(o);
}

static CU_TestInfo param_tests[] = {
    {"string, number, int, bool, object, array", test_param_getters},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo render_tests[] = {
    {"one escaping rule", test_render_escapes},
    {"cut on a boundary", test_render_cut},
    {"JSON values, and the matcher's messages", test_render_json},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo expect_tests[] = {
    {"codes: number, list, matcher", test_expect_codes},
    {"header names are case-insensitive", test_expect_headers},
    {"members, missing outputs, every mismatch", test_expect_members},
    {"defaults stand in for absent members", test_expect_defaults},
    {"malformed expect objects", test_expect_check},
    {"reported on the context", test_expect_reported},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"params", NULL, NULL, NULL, NULL, param_tests},
    {"render", NULL, NULL, NULL, NULL, render_tests},
    {"expect", NULL, NULL, NULL, NULL, expect_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
