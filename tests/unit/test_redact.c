/* The redaction engine: which names are secret, each text rule, raw bytes,
 * JSON values, and the check context storing only redacted text. */
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "context.h"
#include "redact.h"
#include "tap.h"

static struct wsc_redactor *red;

static int setup(void)
{
    red = wsc_redactor_new();
    return red ? 0 : 1;
}

static int teardown(void)
{
    wsc_redactor_free(red);
    return 0;
}

static int secret_name(const char *name)
{
    return wsc_redactor_secret_name(red, name, strlen(name), WSC_NAME_TEXT);
}

/* Asserts that redacting `in` gives `want`. */
static void expect_text(const char *in, const char *want)
{
    char *got = wsc_redactor_text(red, in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "# redact(%s)\n#   got  %s\n#   want %s\n", in, got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void test_names_match_whole(void)
{
    const char *secret[] = {"token",
                            "TOKEN",
                            "access_token",
                            "refresh_token",
                            "id_token",
                            "api_key",
                            "apiKey",
                            "APIKey",
                            "client_secret",
                            "password",
                            "passwd",
                            "auth",
                            "x-auth",
                            "session",
                            "signature",
                            "Authorization",
                            "proxy-authorization",
                            "Cookie",
                            "Set-Cookie",
                            "X-API-Key",
                            "x-session-token",
                            NULL};
    const char *not_secret[] = {"session_id",
                                "sessionId",
                                "sessionid",
                                "max_tokens",
                                "keyboard",
                                "monkey",
                                "tokens",
                                "keys",
                                "code",
                                "error_code",
                                "Sec-WebSocket-Key",
                                "Sec-WebSocket-Accept",
                                "author",
                                "oauth",
                                "passwordless",
                                "status",
                                "",
                                NULL};
    for (size_t i = 0; secret[i]; i++) {
        if (!secret_name(secret[i]))
            fprintf(stderr, "# should be secret: %s\n", secret[i]);
        CU_ASSERT(secret_name(secret[i]));
    }
    for (size_t i = 0; not_secret[i]; i++) {
        if (secret_name(not_secret[i]))
            fprintf(stderr, "# should not be secret: %s\n", not_secret[i]);
        CU_ASSERT(!secret_name(not_secret[i]));
    }
    /* "code" only in a URL query */
    CU_ASSERT(wsc_redactor_secret_name(red, "code", 4, WSC_NAME_QUERY));
    CU_ASSERT(wsc_redactor_secret_name(red, "auth_code", 9, WSC_NAME_QUERY));
}

static void test_added_names(void)
{
    struct wsc_redactor *r = wsc_redactor_copy(red);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(!wsc_redactor_secret_name(r, "pin", 3, WSC_NAME_TEXT));
    CU_ASSERT_EQUAL(wsc_redactor_add_name(r, "PIN"), 0);
    CU_ASSERT(wsc_redactor_secret_name(r, "pin", 3, WSC_NAME_TEXT));
    CU_ASSERT(wsc_redactor_secret_name(r, "card_pin", 8, WSC_NAME_TEXT));
    CU_ASSERT(!wsc_redactor_secret_name(r, "pinned", 6, WSC_NAME_TEXT));
    /* the copy is independent */
    CU_ASSERT(!secret_name("pin"));
    wsc_redactor_free(r);
}

static void test_urls(void)
{
    expect_text("ws://u:hunter2@host:8080/chat", "ws://u:***@host:8080/chat");
    expect_text("connect wss://tok3n@example.com/ failed",
                "connect wss://***@example.com/ failed");
    expect_text("ws://host/path?token=s3cret&room=1", "ws://host/path?token=***&room=1");
    expect_text("http://h/cb?code=abc123&state=x", "http://h/cb?code=***&state=x");
    expect_text("http://h/?access_token=abc#frag", "http://h/?access_token=***#frag");
    expect_text("http://h/?session_id=42", "http://h/?session_id=42");
    /* an email address is no userinfo */
    expect_text("mail bob@example.com", "mail bob@example.com");
}

static void test_free_text(void)
{
    expect_text("login password=hunter2 ok", "login password=*** ok");
    expect_text("apiKey='abc def' x", "apiKey='***' x");
    expect_text("code=4000 reason", "code=4000 reason"); /* not in a URL */
    expect_text("keyboard=qwerty", "keyboard=qwerty");
    expect_text("session_id=42", "session_id=42");
}

static void test_headers(void)
{
    expect_text("GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\nHost: h\r\n",
                "GET / HTTP/1.1\r\nAuthorization: ***\r\nHost: h\r\n");
    expect_text("Set-Cookie: sid=42; HttpOnly", "Set-Cookie: ***");
    expect_text("X-API-Key: k-123\nSec-WebSocket-Key: dGhlIHNhbXBsZQ==",
                "X-API-Key: ***\nSec-WebSocket-Key: dGhlIHNhbXBsZQ==");
    expect_text("refused (Cookie: a=b)", "refused (Cookie: ***");
    expect_text("sent X-Auth-Token: t1", "sent X-Auth-Token: ***");
    expect_text("token: t2\nok", "token: ***\nok");
    /* within a line, a secret word before ':' is a message, not a header */
    expect_text("capture session: nothing at /session/id",
                "capture session: nothing at /session/id");
}

static void test_json_text(void)
{
    expect_text("received {\"user\":\"bob\",\"password\":\"hunter2\"}",
                "received {\"user\":\"bob\",\"password\":\"***\"}");
    expect_text("{\"token\": 12345, \"n\": 1}", "{\"token\": \"***\", \"n\": 1}");
    expect_text("{\"auth\":{\"user\":\"u\",\"pw\":\"p\"},\"x\":1}",
                "{\"auth\":\"***\",\"x\":1}");
    expect_text("{\"error\":{\"code\":-32601,\"message\":\"no\"}}",
                "{\"error\":{\"code\":-32601,\"message\":\"no\"}}");
    expect_text("{\"session_id\":\"s-1\"}", "{\"session_id\":\"s-1\"}");
    /* JSON inside a JSON string */
    expect_text("{\"text\":\"{\\\"token\\\":\\\"abc\\\"}\"}",
                "{\"text\":\"{\\\"token\\\":\\\"***\\\"}\"}");
    /* quotes inside values do not throw the keys off */
    expect_text("{\"m\":\"say \\\"x\\\"\",\"secret\":\"s\"}",
                "{\"m\":\"say \\\"x\\\"\",\"secret\":\"***\"}");
}

static void test_literal_secrets(void)
{
    struct wsc_redactor *r = wsc_redactor_copy(red);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(wsc_redactor_add_secret(r, "abc"), 0);
    CU_ASSERT_EQUAL(wsc_redactor_add_secret(r, "abcdef"), 0);
    CU_ASSERT_EQUAL(wsc_redactor_add_secret(r, ""), 0);
    CU_ASSERT_EQUAL(wsc_redactor_n_secrets(r), 2);
    char *got = wsc_redactor_text(r, "x abcdef y abc z");
    CU_ASSERT_STRING_EQUAL(got, "x *** y *** z"); /* the longer one whole */
    free(got);
    /* hex forms, and the start of a secret a renderer cut */
    got = wsc_redactor_text(r, "binary: 61 62 63 64 65 66, hex 616263646566; "
                               "received \"xx abcd...\" and 61 62 63 64 ...");
    CU_ASSERT_STRING_EQUAL(got,
                           "binary: ***, hex ***; received \"xx ***...\" and ***...");
    free(got);
    got = wsc_redactor_text(r, "abc is short: 616263 stays");
    CU_ASSERT_STRING_EQUAL(got, "*** is short: 616263 stays");
    free(got);
    unsigned char bin[] = {0x00, 0x01, 'a', 'b', 'c', 0xff};
    size_t n = 0;
    unsigned char *b = wsc_redactor_bytes(r, bin, sizeof bin, &n);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT(b && memcmp(b, "\x00\x01***\xff", 6) == 0);
    free(b);
    wsc_redactor_free(r);
}

static void test_json_values(void)
{
    struct wsc_redactor *r = wsc_redactor_copy(red);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    wsc_redactor_add_secret(r, "s3cr3t");
    struct json_object *in =
        json_tokener_parse("{\"token\":{\"a\":1},\"list\":[\"x s3cr3t\",\"ws://u:p@h/\"],"
                           "\"code\":1000,\"n\":null,\"headers\":{\"Cookie\":\"a=b\"},"
                           "\"rooms\":{\"s3cr3t\":1}}");
    int failed = 0;
    struct json_object *out = wsc_redactor_json(r, in, &failed);
    CU_ASSERT_FALSE(failed);
    CU_ASSERT_STRING_EQUAL(
        json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
                                                JSON_C_TO_STRING_NOSLASHESCAPE),
        "{\"token\":\"***\",\"list\":[\"x ***\",\"ws://u:***@h/\"],"
        "\"code\":1000,\"n\":null,\"headers\":{\"Cookie\":\"***\"},"
        "\"rooms\":{\"***\":1}}");
    json_object_put(in);
    json_object_put(out);
    wsc_redactor_free(r);
}

/* The context keeps only redacted text, and cuts traces after redacting. */
static void test_context_stores_redacted(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    const char *jwt =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    wsc_secret(ctx, jwt);
    char frame[256];
    snprintf(frame, sizeof frame, "Bearer %s", jwt);
    wsc_trace(ctx, "send", "text", frame, strlen(frame));
    unsigned char bin[80] = {0};
    memcpy(bin + 3, jwt, 40); /* the head of the secret alone is no secret */
    wsc_secret(ctx, "BINSECRET");
    memcpy(bin + 50, "BINSECRET", 9);
    wsc_trace(ctx, "recv", "binary", bin, sizeof bin);
    wsc_note(ctx, "sent {\"password\":\"hunter2\"}");
    wsc_fail(ctx, "refused ws://h/?token=qtok1");
    struct json_object *e0 = json_object_array_get_idx(ctx->trace, 0), *d;
    CU_ASSERT_FATAL(json_object_object_get_ex(e0, "data", &d));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(d), "Bearer ***");
    CU_ASSERT_PTR_NULL(strstr(ctx->log.data, "hunter2"));
    CU_ASSERT_PTR_NULL(strstr(ctx->message.data, "qtok1"));
    struct json_object *report = wsc_ctx_to_json(ctx);
    const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN);
    /* 'BINSECRET' in hex: 42494e534543524554 */
    struct json_object *e1 = json_object_array_get_idx(ctx->trace, 1);
    CU_ASSERT_FATAL(json_object_object_get_ex(e1, "data", &d));
    CU_ASSERT_PTR_NULL(strstr(json_object_get_string(d), "42494e53"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "secrets")); /* for the runner only */
    json_object_put(report);
    wsc_ctx_free(ctx);
}

/* A large frame is redacted in a bounded window: a value running past it
 * is redacted to its end, never shown in part. */
static void test_large_frame_window(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'a', n);
    memcpy(big, "{\"password\":\"", 13);
    memcpy(big + n - 2, "\"}", 2);
    big[n] = '\0';
    wsc_trace(ctx, "send", "text", big, n);
    struct json_object *e = json_object_array_get_idx(ctx->trace, 0), *d, *len;
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "data", &d));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(d), "{\"password\":\"***\"");
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "len", &len));
    CU_ASSERT_EQUAL(json_object_get_int64(len), (int64_t)n);
    free(big);
    wsc_ctx_free(ctx);
}

static CU_TestInfo redact_tests[] = {
    {"names match whole, not as substrings", test_names_match_whole},
    {"names can be added", test_added_names},
    {"URL userinfo and query parameters", test_urls},
    {"name=value in free text", test_free_text},
    {"header lines", test_headers},
    {"JSON members in text", test_json_text},
    {"literal secrets, longest first, in raw bytes", test_literal_secrets},
    {"JSON values", test_json_values},
    {"the context stores redacted text", test_context_stores_redacted},
    {"large frames: a bounded window, nothing shown in part", test_large_frame_window},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"redact", setup, teardown, NULL, NULL, redact_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
