/* Unit tests of the ws-basic plugin's internals: base64, the conversation
 * steps parser and validator, and the helpers that word failure messages. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../lib/base64.h"
#include "../../plugins/ws-basic/compliance.h"
#include "../../plugins/ws-basic/conversation.h"
#include <wscheck/steps.h>
#include "../../plugins/ws-basic/ws_basic.h"
#include "validation.h"

/* ---- Helpers ----------------------------------------------------------------- */

/* A CUnit assertion at this file's LINE whose failure text shows what went
 * wrong. */
#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static struct json_object *parse(const char *text)
{
    struct json_object *v = json_tokener_parse(text);
    if (!v)
        report(0, __LINE__, "test JSON does not parse: %s", text);
    return v;
}

/* Parses one step; returns its action, or -1 with the message in *err. */
static int step_of(const char *text, enum wsc_step_parse_mode mode, struct wsc_step *s,
                   char **err, struct json_object **obj)
{
    *obj = parse(text);
    *err = NULL;
    return wsc_step_parse(*obj, mode, s, err) == 0 ? (int)s->action : -1;
}

/* The step parses (in `mode`) to `action`. */
static void step_ok(int line, const char *text, enum wsc_step_parse_mode mode,
                    enum wsc_step_action action)
{
    struct wsc_step s;
    struct json_object *obj;
    char *err;
    int got = step_of(text, mode, &s, &err, &obj);
    report(got == (int)action, line, "%s: expected %s, got %s", text,
           wsc_step_action_name(action), err ? err : wsc_step_action_name(s.action));
    free(err);
    wsc_step_clear(&s);
    json_object_put(obj);
}

/* The step is refused with a message containing `want`. */
static void step_bad(int line, const char *text, enum wsc_step_parse_mode mode,
                     const char *want)
{
    struct wsc_step s;
    struct json_object *obj;
    char *err;
    int got = step_of(text, mode, &s, &err, &obj);
    report(got < 0 && err && strstr(err, want), line,
           "%s: expected an error with '%s', got %s", text, want,
           got < 0 ? (err ? err : "(no message)") : "success");
    free(err);
    wsc_step_clear(&s);
    json_object_put(obj);
}

#define STEP_OK(text, action) step_ok(__LINE__, text, WSC_STEP_EXPANDED, action)
#define TEMPLATE_OK(text, action) step_ok(__LINE__, text, WSC_STEP_TEMPLATE, action)
#define STEP_BAD(text, want) step_bad(__LINE__, text, WSC_STEP_EXPANDED, want)
#define TEMPLATE_BAD(text, want) step_bad(__LINE__, text, WSC_STEP_TEMPLATE, want)

/* wsc_steps_validate: NULL for want == NULL, else a message equal to want. */
static void validate_is(int line, const char *steps, const char *want)
{
    struct json_object *obj = parse(steps);
    char *msg = wsc_steps_validate(obj);
    if (!want)
        report(msg == NULL, line, "%s: expected valid, got %s", steps, msg);
    else
        report(msg && strcmp(msg, want) == 0, line, "%s:\n  expected: %s\n  got:      %s",
               steps, want, msg ? msg : "(valid)");
    free(msg);
    json_object_put(obj);
}

#define VALIDATE(steps, want) validate_is(__LINE__, steps, want)

/* ---- base64 -------------------------------------------------------------------- */

static void decodes(int line, const char *text, const char *bytes, size_t n)
{
    size_t len = 0;
    const char *why = NULL;
    unsigned char *out = wsc_base64_decode(text, &len, &why);
    report(out && len == n && memcmp(out, bytes, n) == 0 && out[len] == '\0', line,
           "decode \"%s\": %s (length %zu, expected %zu)", text,
           out ? "wrong bytes" : why, len, n);
    free(out);
}

static void refuses(int line, const char *text, const char *want)
{
    size_t len = 0;
    const char *why = NULL;
    unsigned char *out = wsc_base64_decode(text, &len, &why);
    report(!out && why && strstr(why, want), line, "decode \"%s\": expected '%s', got %s",
           text, want, out ? "success" : why);
    free(out);
}

static void test_base64_vectors(void)
{
    /* RFC 4648 section 10 */
    decodes(__LINE__, "", "", 0);
    decodes(__LINE__, "Zg==", "f", 1);
    decodes(__LINE__, "Zm8=", "fo", 2);
    decodes(__LINE__, "Zm9v", "foo", 3);
    decodes(__LINE__, "Zm9vYg==", "foob", 4);
    decodes(__LINE__, "Zm9vYmE=", "fooba", 5);
    decodes(__LINE__, "Zm9vYmFy", "foobar", 6);
}

static void test_base64_unpadded_and_binary(void)
{
    decodes(__LINE__, "Zg", "f", 1);
    decodes(__LINE__, "Zm8", "fo", 2);
    decodes(__LINE__, "AAEC/w==", "\x00\x01\x02\xff", 4);
    decodes(__LINE__, "+/+/", "\xfb\xff\xbf", 3);
}

static void test_base64_invalid(void)
{
    refuses(__LINE__, "Zm9v!", "alphabet");
    refuses(__LINE__, "Zm 9v", "alphabet");
    refuses(__LINE__, "Zm9v\n", "alphabet");
    refuses(__LINE__, "Z", "truncated");
    refuses(__LINE__, "Zg=", "padding");
    refuses(__LINE__, "Zg===", "padding");
    refuses(__LINE__, "Z=g=", "padding");
    refuses(__LINE__, "=", "padding");
    refuses(__LINE__, "Zh==", "canonical");
    refuses(__LINE__, "Zm9=", "canonical");
    refuses(__LINE__, "Zm9vYmFy-_", "alphabet"); /* base64url is not base64 */
}

static void test_base64_round_trip(void)
{
    unsigned char data[300];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t n = 0; n <= sizeof(data); n += 7) {
        char *text = wsc_base64_encode(data, n);
        size_t len = 0;
        const char *why = NULL;
        unsigned char *back = text ? wsc_base64_decode(text, &len, &why) : NULL;
        report(back && len == n && memcmp(back, data, n) == 0 &&
                   strlen(text) == (n + 2) / 3 * 4,
               __LINE__, "round trip of %zu bytes: %s", n, back ? "differs" : why);
        free(back);
        free(text);
    }
    char *e = wsc_base64_encode("foobar", 4);
    report(e && strcmp(e, "Zm9vYg==") == 0, __LINE__, "encode foob: %s", e);
    free(e);
}

/* ---- Steps: every action --------------------------------------------------------- */

static void test_actions(void)
{
    STEP_OK("{\"send\": {\"type\": \"ping\"}}", WSC_STEP_SEND);
    STEP_OK("{\"send\": \"plain text\"}", WSC_STEP_SEND);
    STEP_OK("{\"send\": 42}", WSC_STEP_SEND);
    STEP_OK("{\"send\": null}", WSC_STEP_SEND);
    STEP_OK("{\"send_binary\": \"AAEC\"}", WSC_STEP_SEND_BINARY);
    STEP_OK("{\"expect\": {\"type\": \"pong\"}, \"within\": 2}", WSC_STEP_EXPECT);
    STEP_OK("{\"expect\": {\"n\": {\"$gt\": 1}}, \"skip_until\": true, "
            "\"capture\": {\"cid\": \"/client_id\"}}",
            WSC_STEP_EXPECT);
    STEP_OK("{\"expect_text\": \"hello\"}", WSC_STEP_EXPECT_TEXT);
    STEP_OK("{\"expect_text\": {\"$regex\": \"^he\"}, \"within\": 0.5}",
            WSC_STEP_EXPECT_TEXT);
    STEP_OK("{\"expect_binary\": {\"len\": 16}}", WSC_STEP_EXPECT_BINARY);
    STEP_OK("{\"expect_binary\": {\"base64\": \"AAEC\"}}", WSC_STEP_EXPECT_BINARY);
    STEP_OK("{\"expect_none\": true, \"within\": 0.3}", WSC_STEP_EXPECT_NONE);
    STEP_OK("{\"capture\": {\"cid\": \"/client_id\", \"whole\": \"\"}}",
            WSC_STEP_CAPTURE);
    STEP_OK("{\"ping\": \"abc\"}", WSC_STEP_PING);
    STEP_OK("{\"ping\": \"\"}", WSC_STEP_PING);
    STEP_OK("{\"expect_pong\": \"abc\", \"within\": 1}", WSC_STEP_EXPECT_PONG);
    STEP_OK("{\"close\": {\"code\": 4001, \"reason\": \"bye\"}}", WSC_STEP_CLOSE);
    STEP_OK("{\"close\": {}}", WSC_STEP_CLOSE);
    STEP_OK("{\"close\": true, \"within\": 1}", WSC_STEP_CLOSE);
    STEP_OK("{\"close\": {\"code\": 0}}", WSC_STEP_CLOSE);
    STEP_OK("{\"expect_close\": {\"code\": 1000, \"reason\": {\"$regex\": \"bye\"}}}",
            WSC_STEP_EXPECT_CLOSE);
    STEP_OK("{\"expect_close\": {\"code\": {\"$gte\": 4000}}}", WSC_STEP_EXPECT_CLOSE);
    STEP_OK("{\"expect_close\": true}", WSC_STEP_EXPECT_CLOSE);
    /* 0: a close frame without a status code */
    STEP_OK("{\"expect_close\": {\"code\": 0}}", WSC_STEP_EXPECT_CLOSE);
    STEP_OK("{\"expect_close\": {\"code\": 4999}}", WSC_STEP_EXPECT_CLOSE);
    STEP_OK("{\"sleep\": 0.25}", WSC_STEP_SLEEP);
    STEP_OK("{\"sleep\": 0}", WSC_STEP_SLEEP);
}

static void test_decoded_values(void)
{
    struct wsc_step s;
    struct json_object *obj;
    char *err;

    step_of("{\"send_binary\": \"AAEC/w==\"}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.bytes && s.n_bytes == 4 && s.bytes[3] == 0xff, __LINE__,
           "send_binary bytes");
    wsc_step_clear(&s);
    report(s.bytes == NULL, __LINE__, "cleared");
    json_object_put(obj);

    step_of("{\"close\": {\"code\": 4001, \"reason\": \"bye\"}, \"within\": 2}",
            WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.code == 4001 && strcmp(s.reason, "bye") == 0 && s.within == 2, __LINE__,
           "close code %d reason %s within %g", s.code, s.reason, s.within);
    json_object_put(obj);

    step_of("{\"close\": true}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.code == 1000 && strcmp(s.reason, "") == 0 && s.within < 0, __LINE__,
           "close defaults: code %d within %g", s.code, s.within);
    json_object_put(obj);

    step_of("{\"expect_binary\": {\"len\": 5}}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.len == 5 && s.bytes == NULL, __LINE__, "expect_binary len %lld", s.len);
    json_object_put(obj);

    step_of("{\"expect\": {\"a\": 1}, \"skip_until\": true}", WSC_STEP_EXPANDED, &s, &err,
            &obj);
    report(s.skip_until == 1 && json_object_is_type(s.value, json_type_object) &&
               s.capture == NULL,
           __LINE__, "expect modifiers");
    json_object_put(obj);

    step_of("{\"ping\": \"p1\"}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.text && strcmp(s.text, "p1") == 0 && s.text_len == 2, __LINE__,
           "ping payload");
    json_object_put(obj);

    step_of("{\"send\": \"a\\u0000b\"}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.text && s.text_len == 3, __LINE__, "send text keeps its length: %zu",
           s.text_len);
    json_object_put(obj);

    step_of("{\"expect_none\": {\"type\": \"error\"}, \"conn\": \"bob\","
            " \"ignore\": [{\"type\": \"hb\"}]}",
            WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.action == WSC_STEP_EXPECT_NONE && s.none_matcher && s.conn &&
               strcmp(s.conn, "bob") == 0 && json_object_array_length(s.ignore) == 1,
           __LINE__, "expect_none with a matcher, on bob, ignoring heartbeats");
    json_object_put(obj);

    step_of("{\"expect_none\": true}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.none_matcher == NULL && s.conn == NULL, __LINE__,
           "expect_none true: no matcher, the default connection");
    json_object_put(obj);

    step_of("{\"connect\": true, \"conn\": \"carol\"}", WSC_STEP_EXPANDED, &s, &err,
            &obj);
    report(s.action == WSC_STEP_CONNECT && strcmp(s.conn, "carol") == 0, __LINE__,
           "connect on carol");
    json_object_put(obj);

    step_of("{\"sleep\": \"0.5\"}", WSC_STEP_EXPANDED, &s, &err, &obj);
    report(s.seconds == 0.5, __LINE__, "numeric string after expansion: %g", s.seconds);
    json_object_put(obj);
}

/* ---- Steps: refusals ------------------------------------------------------------------ */

static void test_shape_errors(void)
{
    STEP_BAD("[1]", "expected an object with one action, got [1]");
    STEP_BAD("\"send\"", "expected an object with one action");
    STEP_BAD("{}", "no action (expected one of send, send_binary,");
    STEP_BAD("{\"within\": 1}", "no action");
    STEP_BAD("{\"sned\": \"x\"}", "unknown action 'sned'");
    STEP_BAD("{\"send\": 1, \"expect\": 2}",
             "two actions 'send' and 'expect' (one per step)");
    STEP_BAD("{\"send\": 1, \"colour\": 2}", "unknown key 'colour'");
    STEP_BAD("{\"send\": 1, \"within\": 2}", "'within' does not apply to send");
    STEP_BAD("{\"expect_none\": true, \"skip_until\": true}",
             "'skip_until' does not apply to expect_none");
    STEP_BAD("{\"expect_text\": \"x\", \"capture\": {\"a\": \"/a\"}}",
             "'capture' does not apply to expect_text");
}

static void test_type_errors(void)
{
    STEP_BAD("{\"expect\": {}, \"within\": -1}",
             "within: expected a number >= 0, got -1");
    STEP_BAD("{\"expect\": {}, \"within\": \"soon\"}",
             "within: expected a number >= 0, got \"soon\"");
    STEP_BAD("{\"expect\": {}, \"within\": \"1x\"}", "within: expected a number");
    STEP_BAD("{\"expect\": {}, \"skip_until\": 1}",
             "skip_until: expected true or false, got 1");
    STEP_BAD("{\"send_binary\": 5}", "send_binary: expected a string, got 5");
    STEP_BAD("{\"send_binary\": \"Zm9v!\"}",
             "send_binary: not base64: a character outside");
    STEP_BAD("{\"expect\": {\"a\": {\"$foo\": 1}}}", "expect: /a: unknown operator $foo");
    STEP_BAD("{\"expect_text\": {\"$regex\": \"(\"}}", "expect_text:");
    STEP_BAD("{\"expect_binary\": 3}",
             "expected {\"len\": N} or {\"base64\": \"...\"}, got 3");
    STEP_BAD("{\"expect_binary\": {}}", "expected exactly one of len and base64");
    STEP_BAD("{\"expect_binary\": {\"len\": 1, \"base64\": \"AA==\"}}", "exactly one");
    STEP_BAD("{\"expect_binary\": {\"size\": 1}}",
             "unknown key 'size' (expected len or base64)");
    STEP_BAD("{\"expect_binary\": {\"len\": 1.5}}",
             "len: expected an integer >= 0, got 1.5");
    STEP_BAD("{\"expect_binary\": {\"base64\": \"Z\"}}", "base64: not base64: truncated");
    STEP_BAD("{\"expect_none\": false}",
             "expect_none: expected true or a matcher, got false");
    STEP_BAD("{\"expect_none\": {\"type\": {\"$nope\": 1}}}",
             "expect_none: /type: unknown operator $nope");
    STEP_BAD("{\"connect\": false}", "connect: expected true, got false");
    STEP_BAD("{\"send\": 1, \"conn\": 5}",
             "conn: expected the name of a connection, got 5");
    STEP_BAD("{\"send\": 1, \"conn\": \"\"}", "conn: expected the name of a connection");
    STEP_BAD("{\"send\": 1, \"conn\": \"${who}\"}",
             "conn: a connection's name is written out, not a variable");
    STEP_BAD("{\"expect\": 1, \"ignore\": {\"type\": \"hb\"}}",
             "ignore: expected an array of matchers, got {\"type\":\"hb\"}");
    STEP_BAD("{\"expect\": 1, \"ignore\": [{\"type\": \"hb\"}, {\"$gt\": \"x\"}]}",
             "ignore: matcher 1: /: $gt needs a number, got \"x\"");
    STEP_BAD("{\"send\": 1, \"ignore\": []}", "'ignore' does not apply to send");
    STEP_BAD("{\"capture\": \"/a\"}", "capture: expected an object");
    STEP_BAD("{\"capture\": {}}", "capture: expected an object");
    STEP_BAD("{\"capture\": {\"a\": \"b\"}}",
             "capture: a: a JSON pointer is \"\" or starts with '/'");
    STEP_BAD("{\"capture\": {\"a\": 1}}",
             "capture: a: expected a JSON pointer string, got 1");
    STEP_BAD("{\"capture\": {\"a b\": \"/x\"}}", "capture: 'a b' is not a variable name");
    STEP_BAD("{\"ping\": 1}", "ping: expected a string, got 1");
    STEP_BAD("{\"expect_pong\": true}", "expect_pong: expected a string, got true");
    STEP_BAD("{\"close\": {\"code\": 1005}}", "code: 1005 cannot be sent");
    STEP_BAD("{\"close\": {\"code\": 999}}", "code: 999 cannot be sent");
    STEP_BAD("{\"close\": {\"code\": 5000}}", "code: 5000 cannot be sent");
    STEP_BAD("{\"close\": {\"code\": \"abc\"}}", "code: expected an integer >= 0");
    STEP_BAD("{\"close\": {\"code\": 0, \"reason\": \"x\"}}", "a reason needs a code");
    STEP_BAD("{\"close\": {\"why\": 1}}", "unknown key 'why' (expected code or reason)");
    STEP_BAD("{\"close\": false}", "expected true or {\"code\": N");
    STEP_BAD("{\"expect_close\": {\"code\": 1.5}}",
             "code: expected an integer >= 0, got 1.5");
    STEP_BAD("{\"expect_close\": {\"reason\": null}}",
             "reason: expected a string or a matcher");
    STEP_BAD("{\"expect_close\": {\"reason\": {\"$len\": -1}}}", "reason:");
    STEP_BAD("{\"expect_close\": {\"codes\": 1}}", "unknown key 'codes'");
    /* codes that never appear in a close frame can never be expected */
    STEP_BAD("{\"expect_close\": {\"code\": 1005}}",
             "code: 1005 never appears in a close frame (No Status Rcvd; valid: "
             "1000-1003, 1007-1014, 3000-4999, or 0 for a close without a status code)");
    STEP_BAD("{\"expect_close\": {\"code\": 1006}}",
             "code: 1006 never appears in a close frame (Abnormal Closure;");
    STEP_BAD("{\"expect_close\": {\"code\": 1015}}", "code: 1015 never appears");
    STEP_BAD("{\"expect_close\": {\"code\": 999}}", "code: 999 never appears");
    STEP_BAD("{\"expect_close\": {\"code\": 5000}}", "code: 5000 never appears");
    STEP_BAD("{\"expect_close\": {\"code\": 100000}}", "code: 100000 never appears");
    STEP_BAD("{\"close\": {\"code\": 1015}}", "code: 1015 cannot be sent");
    STEP_BAD("{\"close\": {\"code\": 2999}}", "code: 2999 cannot be sent");
    STEP_BAD("{\"sleep\": -0.5}", "sleep: expected a number >= 0, got -0.5");
    STEP_BAD("{\"sleep\": true}", "sleep: expected a number >= 0, got true");
}

static void test_control_frame_limits(void)
{
    char step[400];
    char payload[200];
    memset(payload, 'p', 126);
    payload[126] = '\0';
    snprintf(step, sizeof(step), "{\"ping\": \"%s\"}", payload);
    STEP_BAD(step, "ping: at most 125 bytes, got 126");
    payload[125] = '\0';
    snprintf(step, sizeof(step), "{\"ping\": \"%s\"}", payload);
    STEP_OK(step, WSC_STEP_PING);
    memset(payload, 'r', 124);
    payload[124] = '\0';
    snprintf(step, sizeof(step), "{\"close\": {\"code\": 1000, \"reason\": \"%s\"}}",
             payload);
    STEP_BAD(step, "reason: at most 123 bytes, got 124");
}

/* ---- Templates and expansion ------------------------------------------------------------ */

static void test_template_leniency(void)
{
    /* A variable may stand for a value of any type until the step runs. */
    TEMPLATE_OK("{\"expect\": {}, \"within\": \"${wait}\"}", WSC_STEP_EXPECT);
    TEMPLATE_OK("{\"sleep\": \"${pause}\"}", WSC_STEP_SLEEP);
    TEMPLATE_OK("{\"send_binary\": \"${blob}\"}", WSC_STEP_SEND_BINARY);
    TEMPLATE_OK("{\"close\": {\"code\": \"${code}\"}}", WSC_STEP_CLOSE);
    TEMPLATE_OK("{\"expect_none\": \"${quiet}\"}", WSC_STEP_EXPECT_NONE);
    TEMPLATE_OK("{\"expect\": {\"name\": {\"$regex\": \"${pattern}\"}}}",
                WSC_STEP_EXPECT);
    TEMPLATE_OK("{\"expect\": {\"client_id\": \"${cid}\"}, \"skip_until\": \"${skip}\"}",
                WSC_STEP_EXPECT);
    /* ... but not where a string is never acceptable, nor without "${". */
    TEMPLATE_BAD("{\"sleep\": \"0.5\"}", "sleep: expected a number >= 0, got \"0.5\"");
    TEMPLATE_BAD("{\"ping\": 5}", "ping: expected a string");
    TEMPLATE_BAD("{\"expect\": {\"a\": {\"$foo\": 1}}}", "unknown operator $foo");
    /* After expansion the same text is a type error. */
    STEP_BAD("{\"sleep\": \"${pause}\"}",
             "sleep: expected a number >= 0, got \"${pause}\"");
    /* Expanded booleans may arrive as strings. */
    STEP_OK("{\"expect\": {}, \"skip_until\": \"true\"}", WSC_STEP_EXPECT);
    STEP_OK("{\"expect_none\": \"true\"}", WSC_STEP_EXPECT_NONE);
}

static void test_has_var_ref(void)
{
    struct json_object *a = parse("{\"x\": [1, {\"y\": \"id ${cid}\"}]}");
    struct json_object *b = parse("{\"x\": [1, {\"y\": \"$ {cid}\"}], \"${k}\": 1}");
    report(wsc_step_has_var_ref(a) == 1, __LINE__, "nested reference found");
    report(wsc_step_has_var_ref(b) == 0, __LINE__,
           "no reference (keys are not expanded)");
    report(wsc_step_has_var_ref(NULL) == 0, __LINE__, "null");
    json_object_put(a);
    json_object_put(b);
}

/* ---- The whole array ------------------------------------------------------------------------ */

static void test_validate(void)
{
    VALIDATE("[]", NULL);
    VALIDATE("[{\"send\": {\"type\": \"ping\"}}, {\"expect\": {\"type\": \"pong\"}},"
             " {\"capture\": {\"cid\": \"/client_id\"}}, {\"close\": {}}]",
             NULL);
    VALIDATE("{\"send\": 1}", "steps: expected an array of steps");
    VALIDATE("[{\"send\": 1}, {\"sleep\": 1}, {\"expect\": {}, \"within\": -2}]",
             "step 2 (expect): within: expected a number >= 0, got -2");
    VALIDATE(
        "[{\"send\": 1}, {\"sned\": 1}]",
        "step 1: unknown action 'sned' (expected one of send, send_binary, expect, "
        "expect_text, expect_binary, expect_none, capture, ping, expect_pong, close, "
        "expect_close, sleep, connect)");
    VALIDATE("[{\"send\": 1, \"expect\": {}}]",
             "step 0: two actions 'send' and 'expect' (one per step)");
    VALIDATE("[{\"send\": 1}, {\"capture\": {\"a\": \"/a\"}}]",
             "step 1 (capture): no earlier expect step to capture from");
    VALIDATE("[{\"expect_text\": \"a\"}, {\"capture\": {\"a\": \"/a\"}}]",
             "step 1 (capture): no earlier expect step to capture from");
    VALIDATE("[{\"expect\": {}}, {\"send\": 1}, {\"capture\": {\"a\": \"/a\"}}]", NULL);
    VALIDATE("[{\"send\": 1}, 7]", "step 1: expected an object with one action, got 7");
    VALIDATE("[{\"sleep\": \"${later}\"}, {\"expect\": {\"id\": \"${cid}\"}, \"within\": "
             "\"${w}\"}]",
             NULL);
}

/* ---- Helpers shared by the checks ---------------------------------------------------------- */

static void describes(int line, enum wsc_ws_kind kind, const char *data, size_t len,
                      int code, const char *want)
{
    char *d = wsb_describe(kind, data, len, code);
    report(d && strcmp(d, want) == 0, line, "describe: expected '%s', got '%s'", want, d);
    free(d);
}

/* ---- The validate callback -------------------------------------------------- */

static void collect(void *arg, const char *pointer, const char *msg)
{
    char *all = arg;
    size_t n = strlen(all);
    snprintf(all + n, 4096 - n, "%s|%s\n", pointer, msg);
}

/* What wsb_conversation_validate() reports for these params with this
 * timeout, one "POINTER|MESSAGE" line per problem. Static buffer. */
static const char *validated(const char *params, double timeout)
{
    static char all[4096];
    struct json_object *p = parse(params);
    struct wsc_vars *vars = wsc_vars_new();
    struct wsc_validation v = {
        .timeout = timeout, .vars = vars, .report = collect, .arg = all};
    all[0] = '\0';
    wsb_conversation_validate(&v, p);
    json_object_put(p);
    wsc_vars_free(vars);
    return all;
}

#define VALIDATED(params, timeout, want)                                                \
    do {                                                                                \
        const char *got_ = validated((params), (timeout));                              \
        report(strcmp(got_, (want)) == 0, __LINE__, "got:\n%swant:\n%s", got_, (want)); \
    } while (0)

static void test_validate_callback(void)
{
    /* Every step is checked, each problem at the member at fault. */
    VALIDATED("{\"steps\": [{\"sned\": \"x\"}, {\"expect\": {}, \"within\": \"2s\"},"
              " {\"expect_txt\": \"a\"}, {\"send\": \"a\", \"wihtin\": 1},"
              " {\"xyzzy\": 1}]}",
              5,
              "/steps/0/sned|unknown step action 'sned' (did you mean 'send'?)\n"
              "/steps/1/within|expected a number >= 0, got \"2s\"\n"
              "/steps/2/expect_txt|unknown step action 'expect_txt' (did you mean "
              "'expect_text'?)\n"
              "/steps/3/wihtin|unknown step action 'wihtin' (did you mean 'within'?)\n"
              "/steps/4/xyzzy|unknown step action 'xyzzy' (expected one of send, "
              "send_binary, expect, expect_text, expect_binary, expect_none, capture, "
              "ping, expect_pong, close, expect_close, sleep, connect; modifiers "
              "within, skip_until, capture, conn, ignore)\n");
    /* Capture names follow the one rule; a capture needs an earlier expect. */
    VALIDATED("{\"steps\": [{\"capture\": {\"ok\": \"/a\"}},"
              " {\"expect\": 1, \"capture\": {\"a.b\": \"/a\"}},"
              " {\"capture\": {\"fine_name-2\": \"/b\"}}]}",
              5,
              "/steps/0/capture|no earlier expect step to capture from\n"
              "/steps/1/capture|'a.b' is not a variable name, so ${...} could never use "
              "it (letters, digits, '_' and '-', not starting with a digit or '-')\n");
    /* within: longer than the timeout; deferred values are left for the run. */
    VALIDATED(
        "{\"steps\": [{\"expect\": 1, \"within\": 10}, {\"close\": true, \"within\": 2},"
        " {\"expect\": 1, \"within\": \"${wait}\"}]}",
        2.5,
        "/steps/0/within|within 10 s is longer than the test's timeout (2.5 s): "
        "raise the test's timeout\n");
    /* Values inside an action's object are placed there. */
    VALIDATED("{\"steps\": [{\"close\": {\"code\": 1005}}, {\"ping\": 5}]}", 5,
              "/steps/0/close/code|1005 cannot be sent (0, 1000-1003, 1007-1014 or "
              "3000-4999)\n"
              "/steps/1/ping|expected a string, got 5\n");
    /* expect_close with 1005: refused before anything runs */
    VALIDATED("{\"steps\": [{\"expect_close\": {\"code\": 1005}}]}", 5,
              "/steps/0/expect_close/code|1005 never appears in a close frame (No Status "
              "Rcvd; valid: 1000-1003, 1007-1014, 3000-4999, or 0 for a close without a "
              "status code)\n");
    /* conn names a connection: "default" or one of `connections`. */
    VALIDATED("{\"connections\": {\"alice\": {}, \"bob\": {}}, \"steps\": ["
              " {\"send\": 1, \"conn\": \"alice\"}, {\"send\": 1, \"conn\": \"default\"},"
              " {\"send\": 1, \"conn\": \"bbo\"}, {\"send\": 1, \"conn\": \"zed\"},"
              " {\"expect\": 1, \"con\": \"bob\"}]}",
              5,
              "/steps/2/conn|unknown connection 'bbo' (did you mean 'bob'?)\n"
              "/steps/3/conn|unknown connection 'zed' (known: default, alice, bob)\n"
              "/steps/4/con|unknown step action 'con' (did you mean 'conn'?)\n");
    VALIDATED("{\"steps\": [{\"send\": 1, \"conn\": \"bob\"}]}", 5,
              "/steps/0/conn|unknown connection 'bob' (the conversation declares no "
              "connections)\n");
    /* ignore and expect_none matchers are checked; a bad one is placed there */
    VALIDATED("{\"steps\": [{\"expect\": 1, \"ignore\": [{\"$len\": -1}]},"
              " {\"expect_none\": {\"$regex\": 5}}]}",
              5,
              "/steps/0/ignore|matcher 0: /: $len needs a non-negative integer, got -1\n"
              "/steps/1/expect_none|/: $regex needs a string, got 5\n");
    /* What the schema reports is left to it. */
    VALIDATED("{\"steps\": 3}", 5, "");
    VALIDATED("{}", 5, "");
    VALIDATED("{\"steps\": [7, {\"send\": \"ok\"}]}", 5, "");
}

static void test_describe(void)
{
    describes(__LINE__, WSC_WS_TEXT, "{\"type\":\"welcome\"}", 18, 0,
              "{\"type\":\"welcome\"}");
    describes(__LINE__, WSC_WS_TEXT, "", 0, 0, "an empty text message");
    describes(__LINE__, WSC_WS_TEXT, "a\nb\x01", 4, 0, "a\\nb\\x01");
    /* valid UTF-8 is kept, other bytes escaped (the library's one rule) */
    describes(__LINE__, WSC_WS_TEXT, "\xc3\xa9\xff", 3, 0, "\xc3\xa9\\xff");
    describes(__LINE__, WSC_WS_BINARY, "\x00\x01\xff", 3, 0, "binary, 3 bytes: 00 01 ff");
    describes(__LINE__, WSC_WS_BINARY, "", 0, 0, "binary, 0 bytes");
    describes(__LINE__, WSC_WS_PONG, "p", 1, 0, "pong \"p\"");
    describes(__LINE__, WSC_WS_CLOSE, "bye", 3, 4001, "close 4001 \"bye\"");
    describes(__LINE__, WSC_WS_CLOSE, "", 0, 1005, "close 1005");

    /* Long texts are cut at a character boundary. */
    char text[400];
    memset(text, 'a', 199);
    memcpy(text + 199, "\xc3\xa9", 2); /* é across the 200-byte limit */
    memset(text + 201, 'b', 50);
    char *d = wsb_describe(WSC_WS_TEXT, text, 251, 0);
    report(d && strlen(d) == 199 + 3 && strcmp(d + 199, "...") == 0, __LINE__,
           "cut before the split character: %zu bytes", d ? strlen(d) : 0);
    free(d);
    unsigned char bin[64];
    memset(bin, 0xab, sizeof(bin));
    d = wsb_describe(WSC_WS_BINARY, (const char *)bin, sizeof(bin), 0);
    report(d && strncmp(d, "binary, 64 bytes: ab ab", 23) == 0 && strstr(d, " ...") &&
               strlen(d) == strlen("binary, 64 bytes: ") + 32 * 3 - 1 + 4,
           __LINE__, "binary is cut after 32 bytes: %s", d);
    free(d);
}

/* ---- Matchers on received messages (ignore, expect_none) ---------------------------- */

static void hits(int line, const char *matcher, enum wsc_ws_kind kind, const char *data,
                 int want)
{
    struct json_object *mt = parse(matcher);
    struct wsb_msg m = {.kind = kind, .data = (char *)data, .len = strlen(data)};
    int got = wsb_matcher_hits(mt, &m);
    report(got == want, line, "%s on %s: expected %d, got %d", matcher, data, want, got);
    json_object_put(mt);
}

static void test_matcher_hits(void)
{
    /* JSON text is matched as its value */
    hits(__LINE__, "{\"type\": \"heartbeat\"}", WSC_WS_TEXT,
         "{\"type\":\"heartbeat\",\"n\":3}", 1);
    hits(__LINE__, "{\"type\": \"heartbeat\"}", WSC_WS_TEXT, "{\"type\":\"news\"}", 0);
    hits(__LINE__, "5", WSC_WS_TEXT, " 5 ", 1);
    /* other text as a string */
    hits(__LINE__, "{\"$regex\": \"^keepalive\"}", WSC_WS_TEXT, "keepalive 17", 1);
    hits(__LINE__, "\"ping\"", WSC_WS_TEXT, "ping", 1);
    hits(__LINE__, "{\"type\": \"heartbeat\"}", WSC_WS_TEXT, "heartbeat", 0);
    /* binary messages and control frames never match */
    hits(__LINE__, "{\"$regex\": \"\"}", WSC_WS_BINARY, "abc", 0);
    hits(__LINE__, "{\"$any\": true}", WSC_WS_PONG, "p", 0);
}

/* ---- Raw frames (libwscheck) and the compliance case table -------------------- */

static void test_frame_encode_lengths(void)
{
    static unsigned char out[70000], payload[65536];
    static const struct {
        size_t len, header;
        unsigned char len7;
    } sizes[] = {
        {0, 2, 0}, {125, 2, 125}, {126, 4, 126}, {65535, 4, 126}, {65536, 10, 127}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = wsc_ws_frame_encode(out, sizeof out, 1, 0, WSC_WS_OP_BINARY, NULL,
                                       payload, sizes[i].len);
        report(n == sizes[i].header + sizes[i].len && (out[1] & 0x7f) == sizes[i].len7,
               __LINE__, "%zu bytes: frame of %zu, length byte %u", sizes[i].len, n,
               out[1] & 0x7fu);
        struct wsc_ws_frame f;
        long h = wsc_ws_frame_parse(out, n, &f);
        report(h == (long)sizes[i].header && f.len == sizes[i].len && f.fin &&
                   f.opcode == WSC_WS_OP_BINARY && !f.masked,
               __LINE__, "%zu bytes parsed back: header %ld, len %llu", sizes[i].len, h,
               (unsigned long long)f.len);
    }
    report(wsc_ws_frame_encode(out, 5, 1, 0, 1, NULL, "abcd", 4) == 0, __LINE__,
           "a frame larger than the buffer is refused");
}

static void test_frame_bits_and_mask(void)
{
    unsigned char out[32];
    static const unsigned char mask[4] = {1, 2, 3, 4};
    size_t n = wsc_ws_frame_encode(out, sizeof out, 0, 5, 0xB, mask, "abcdef", 6);
    struct wsc_ws_frame f;
    long h = wsc_ws_frame_parse(out, n, &f);
    report(n == 12 && h == 6 && !f.fin && f.rsv == 5 && f.opcode == 0xB && f.masked &&
               memcmp(f.mask, mask, 4) == 0,
           __LINE__, "fin, RSV bits, opcode and mask round trip (n %zu, h %ld)", n, h);
    report(out[6] == ('a' ^ 1) && out[9] == ('d' ^ 4) && out[10] == ('e' ^ 1), __LINE__,
           "the payload is masked");
    wsc_ws_mask(out + 6, 6, mask, 0);
    report(memcmp(out + 6, "abcdef", 6) == 0, __LINE__, "masking twice restores it");
    char part[3] = {'c' ^ 3, 'd' ^ 4, 'e' ^ 1};
    wsc_ws_mask(part, 3, mask, 2);
    report(memcmp(part, "cde", 3) == 0, __LINE__, "masking from an offset");
}

static void test_frame_parse_incomplete_and_bad(void)
{
    struct wsc_ws_frame f;
    static const unsigned char short16[] = {0x81, 126, 0x00};
    static const unsigned char nonminimal16[] = {0x81, 126, 0x00, 0x05};
    static const unsigned char nonminimal64[] = {0x82, 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char top_bit[] = {0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0};
    report(wsc_ws_frame_parse(short16, 1, &f) == 0 &&
               wsc_ws_frame_parse(short16, 3, &f) == 0,
           __LINE__, "an incomplete header asks for more");
    report(wsc_ws_frame_parse(nonminimal16, 4, &f) == -1, __LINE__,
           "a 16-bit length under 126 is malformed");
    report(wsc_ws_frame_parse(nonminimal64, 10, &f) == -1, __LINE__,
           "a 64-bit length under 65536 is malformed");
    report(wsc_ws_frame_parse(top_bit, 10, &f) == -1, __LINE__,
           "a 64-bit length with its top bit set is malformed");
}

static void test_case_table(void)
{
    size_t n = 0;
    for (const struct cc_case *k = wsb_cc_cases; k->id; k++, n++) {
        for (const struct cc_case *j = wsb_cc_cases; j < k; j++)
            report(strcmp(j->id, k->id) != 0, __LINE__, "case id %s twice", k->id);
        report(k->title && *k->title && k->run, __LINE__, "case %s has a title and a run",
               k->id);
        /* 7.2 closes are valid codes, 7.3 invalid ones: the library's table says */
        if (strncmp(k->id, "7.2.", 4) == 0 || strncmp(k->id, "7.3.", 4) == 0)
            report(wsc_ws_close_code_valid(k->code) == (k->id[2] == '2'), __LINE__,
                   "case %s: close %d agrees with the table", k->id, k->code);
    }
    report(n >= 90, __LINE__, "%zu cases", n);
}

static void test_compliance_validate(void)
{
    static char all[4096];
    struct json_object *p =
        parse("{\"url\": \"ws://x/\", \"cases\": [\"1.1.*\", \"9.*\"], "
              "\"expected_failures\": [\"8.1\", \"7.3.99\"]}");
    struct wsc_vars *vars = wsc_vars_new();
    struct wsc_validation v = {.timeout = 5, .vars = vars, .report = collect, .arg = all};
    all[0] = '\0';
    wsb_compliance_validate(&v, p);
    static const char want[] =
        "/cases/1|'9.*' matches no case id (ids such as 1.1.1, globs such as 7.*)\n"
        "/expected_failures/1|'7.3.99' matches no case id (ids such as 1.1.1, globs such "
        "as 7.*)\n";
    report(strcmp(all, want) == 0, __LINE__, "got:\n%swant:\n%s", all, want);
    wsc_vars_free(vars);
    json_object_put(p);
}

static CU_TestInfo base64_tests[] = {
    {"RFC 4648 vectors", test_base64_vectors},
    {"unpadded and binary", test_base64_unpadded_and_binary},
    {"invalid input", test_base64_invalid},
    {"round trip", test_base64_round_trip},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo step_tests[] = {
    {"every action", test_actions},
    {"decoded values", test_decoded_values},
    {"shape errors", test_shape_errors},
    {"type errors", test_type_errors},
    {"control frame limits", test_control_frame_limits},
    {"templates", test_template_leniency},
    {"variable references", test_has_var_ref},
    {"validation of the array", test_validate},
    {"the validate callback", test_validate_callback},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo helper_tests[] = {
    {"describing messages", test_describe},
    {"matchers on received messages", test_matcher_hits},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo raw_tests[] = {
    {"frame lengths", test_frame_encode_lengths},
    {"bits and masking", test_frame_bits_and_mask},
    {"incomplete and malformed headers", test_frame_parse_incomplete_and_bad},
    {"the compliance case table", test_case_table},
    {"compliance params validation", test_compliance_validate},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ws-basic base64", NULL, NULL, NULL, NULL, base64_tests},
    {"ws-basic steps", NULL, NULL, NULL, NULL, step_tests},
    {"ws-basic helpers", NULL, NULL, NULL, NULL, helper_tests},
    {"raw frames and compliance", NULL, NULL, NULL, NULL, raw_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
