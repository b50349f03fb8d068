/* compliance: the cases, numbered in the manner of the Autobahn testsuite
 * (sections 1 framing, 2 pings and pongs, 3 reserved bits, 4 opcodes,
 * 5 fragmentation, 6 UTF-8, 7 close handling, 8 masking). Each runs on a
 * fresh connection and grades the server through compliance_io.c. */
#include "compliance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds a fail-fast case waits for the server to notice invalid UTF-8 in
 * the first fragment before sending the rest of the message. */
#define FAIL_FAST_WAIT 0.5

/* A payload of n bytes: printable ASCII for text, every byte value for
 * binary. NULL when out of memory (graded). */
static unsigned char *pattern(struct cc *c, unsigned op, size_t n)
{
    unsigned char *p = malloc(n ? n : 1);
    if (!p) {
        cc_grade(c, CC_FAILED, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = op == WSC_WS_OP_TEXT ? (unsigned char)('a' + i % 26) : (unsigned char)i;
    return p;
}

static void echo_message(struct cc *c, const struct cc_case *k)
{
    unsigned char *p = pattern(c, k->op, k->n);
    if (!p)
        return;
    cc_send(c, 1, 0, k->op, p, k->n, 1);
    if (cc_expect_echo(c, k->op, p, k->n) == 0)
        cc_close(c);
    free(p);
}

/* k->n bytes in k->code fragments (the last takes the remainder). */
static void fragments(struct cc *c, const struct cc_case *k)
{
    unsigned char *p = pattern(c, k->op, k->n);
    if (!p)
        return;
    size_t count = (size_t)k->code, each = k->n / count, off = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = i + 1 == count ? k->n - off : each;
        if (cc_send(c, i + 1 == count, 0, i ? WSC_WS_OP_CONT : k->op, p + off, len, 1))
            break;
        off += len;
    }
    if (cc_expect_echo(c, k->op, p, k->n) == 0)
        cc_close(c);
    free(p);
}

/* A text message in three fragments with k->n control frames of opcode
 * k->op between fragments: pings must be answered at once (before the
 * echo), pongs ignored. */
static void interleaved(struct cc *c, const struct cc_case *k)
{
    static const char *const parts[] = {"fragment one, ", "two, ", "three"};
    static const char whole[] = "fragment one, two, three";
    for (size_t i = 0; i < 3; i++) {
        cc_send(c, i == 2, 0, i ? WSC_WS_OP_CONT : WSC_WS_OP_TEXT, parts[i],
                strlen(parts[i]), 1);
        for (size_t j = 0; i < 2 && j < k->n; j++)
            cc_send(c, 1, 0, k->op, "control", 7, 1);
    }
    for (size_t j = 0; k->op == WSC_WS_OP_PING && j < 2 * k->n; j++)
        if (cc_expect_pong(c, "control", 7) != 0)
            return;
    if (cc_expect_echo(c, WSC_WS_OP_TEXT, whole, strlen(whole)) == 0)
        cc_close(c);
}

static void ping(struct cc *c, const struct cc_case *k)
{
    unsigned char *p = pattern(c, k->op, k->n);
    if (!p)
        return;
    cc_send(c, 1, 0, WSC_WS_OP_PING, p, k->n, 1);
    if (cc_expect_pong(c, p, k->n) == 0)
        cc_close(c);
    free(p);
}

/* k->code pings in a row ("ping N"): the pong of the last must come, in
 * order after any others; answering only the most recent of pings not yet
 * answered is allowed (RFC 6455 5.5.3), and INFORMATIONAL. */
static void many_pings(struct cc *c, const struct cc_case *k)
{
    char payload[16];
    for (int i = 0; i < k->code; i++) {
        int len = snprintf(payload, sizeof payload, "ping %d", i);
        cc_send(c, 1, 0, WSC_WS_OP_PING, payload, (size_t)len, 1);
    }
    int next = 0, answered = 0;
    while (next < k->code) {
        unsigned op;
        const unsigned char *data;
        size_t len;
        int code = -1;
        int r = cc_next(c, &op, &data, &len, c->deadline - wsc_now(), &code);
        if (r != 1 || op != WSC_WS_OP_PONG) {
            cc_grade(c, CC_FAILED,
                     "after %d pongs, %s instead of the pong of ping %d of %d", answered,
                     r == 0    ? "nothing"
                     : r == -1 ? "the TCP connection ended"
                               : "another frame",
                     k->code, k->code);
            return;
        }
        int n = -1;
        char tail = 0;
        if (len < sizeof payload) {
            memcpy(payload, data, len);
            payload[len] = '\0';
            if (sscanf(payload, "ping %d%c", &n, &tail) != 1)
                n = -1;
        }
        if (n < next || n >= k->code) {
            cc_grade(c, CC_FAILED,
                     "a pong that answers none of the pings not yet answered");
            return;
        }
        next = n + 1;
        answered++;
    }
    if (answered < k->code)
        cc_grade(c, CC_INFORMATIONAL,
                 "%d of %d pings answered (the most recent one always)", answered,
                 k->code);
    cc_close(c);
}

static void ping_too_big(struct cc *c, const struct cc_case *k)
{
    unsigned char *p = pattern(c, WSC_WS_OP_BINARY, k->n);
    if (!p)
        return;
    cc_send(c, 1, 0, WSC_WS_OP_PING, p, k->n, 1);
    cc_expect_close(c, 1002);
    free(p);
}

static void unsolicited_pong(struct cc *c, const struct cc_case *k)
{
    (void)k;
    cc_send(c, 1, 0, WSC_WS_OP_PONG, "unsolicited", 11, 1);
    cc_send(c, 1, 0, WSC_WS_OP_TEXT, "after a pong", 12, 1);
    if (cc_expect_echo(c, WSC_WS_OP_TEXT, "after a pong", 12) == 0)
        cc_close(c);
}

/* A frame of opcode k->n with RSV bits k->op (or a reserved opcode k->op
 * when k->n is 0): the server must fail the connection. */
static void bad_frame(struct cc *c, const struct cc_case *k)
{
    unsigned op = k->n ? (unsigned)k->n : k->op, rsv = k->n ? k->op : 0;
    cc_send(c, 1, rsv, op, "reserved", 8, 1);
    cc_expect_close(c, 1002);
}

/* A valid message first (echoed), then the fault: the server must not fail
 * before the fault, and must fail after it. */
static void echo_then(struct cc *c, const char *what)
{
    cc_send(c, 1, 0, WSC_WS_OP_TEXT, what, strlen(what), 1);
    cc_expect_echo(c, WSC_WS_OP_TEXT, what, strlen(what));
}

static void rsv_on_continuation(struct cc *c, const struct cc_case *k)
{
    (void)k;
    echo_then(c, "valid first");
    cc_send(c, 0, 0, WSC_WS_OP_TEXT, "start", 5, 1);
    cc_send(c, 1, 4, WSC_WS_OP_CONT, "end", 3, 1);
    cc_expect_close(c, 1002);
}

/* Fragment sequences RFC 6455 5.4 forbids, as (fin, opcode) pairs in k->bytes:
 * "F0" is a final continuation, "f1" a non-final text frame, and so on. */
static void bad_fragments(struct cc *c, const struct cc_case *k)
{
    for (const char *s = k->bytes; s[0] && s[1]; s += 2) {
        unsigned op = (unsigned)strtoul((char[]){s[1], '\0'}, NULL, 16);
        cc_send(c, s[0] == 'F', 0, op, "fragment", 8, 1);
    }
    cc_expect_close(c, 1002);
}

static void continuation_after_end(struct cc *c, const struct cc_case *k)
{
    (void)k;
    echo_then(c, "complete");
    cc_send(c, 1, 0, WSC_WS_OP_CONT, "more", 4, 1);
    cc_expect_close(c, 1002);
}

/* Valid UTF-8 text in k->code fragments (0: one byte per fragment). */
static void utf8_valid(struct cc *c, const struct cc_case *k)
{
    size_t count = k->code ? (size_t)k->code : k->n, each = k->n / count, off = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = i + 1 == count ? k->n - off : each;
        cc_send(c, i + 1 == count, 0, i ? WSC_WS_OP_CONT : WSC_WS_OP_TEXT, k->bytes + off,
                len, 1);
        off += len;
    }
    if (cc_expect_echo(c, WSC_WS_OP_TEXT, k->bytes, k->n) == 0)
        cc_close(c);
}

/* Invalid UTF-8 in one frame (k->code 1) or at the end of two fragments. */
static void utf8_invalid(struct cc *c, const struct cc_case *k)
{
    if (k->code == 2) {
        cc_send(c, 0, 0, WSC_WS_OP_TEXT, "valid start ", 12, 1);
        cc_send(c, 1, 0, WSC_WS_OP_CONT, k->bytes, k->n, 1);
    } else {
        cc_send(c, 1, 0, WSC_WS_OP_TEXT, k->bytes, k->n, 1);
    }
    cc_expect_close(c, 1007);
}

/* Invalid UTF-8 early in the first fragment: a server that validates as
 * frames arrive fails the connection before the message ends (OK); one
 * that validates whole messages only after the last fragment (NON-STRICT). */
static void utf8_fail_fast(struct cc *c, const struct cc_case *k)
{
    cc_send(c, 0, 0, WSC_WS_OP_TEXT, k->bytes, k->n, 1);
    unsigned op;
    const unsigned char *data;
    size_t len;
    int code = -1;
    int r = cc_next(c, &op, &data, &len, FAIL_FAST_WAIT, &code);
    if (r == 1 && op == WSC_WS_OP_CLOSE) {
        unsigned char echo[2] = {(unsigned char)(code >> 8), (unsigned char)code};
        cc_send(c, 1, 0, WSC_WS_OP_CLOSE, echo, code == 1005 ? 0 : 2, 1);
        if (code != 1007)
            cc_grade(c, CC_NON_STRICT, "the server closed with %d (%s), expected 1007",
                     code, wsc_ws_close_code_name(code));
        return;
    }
    if (r == -1) {
        cc_grade(c, CC_NON_STRICT,
                 "the server dropped the TCP connection without a close "
                 "frame (expected a close 1007)");
        return;
    }
    if (r != 0) {
        cc_grade(c, CC_FAILED, "the server answered the first fragment with a %s frame",
                 op == WSC_WS_OP_PING ? "ping" : "data");
        return;
    }
    cc_send(c, 1, 0, WSC_WS_OP_CONT, "end", 3, 1);
    if (cc_expect_close(c, 1007) == 0 && c->behaviour == CC_OK)
        cc_grade(c, CC_NON_STRICT,
                 "invalid UTF-8 early in the first fragment was refused "
                 "only after the last one");
}

/* A close with code k->code (k->op 0: no payload) and reason k->bytes (n bytes):
 * a code the library's table allows must be echoed, any other refused with
 * 1002. */
static void close_code(struct cc *c, const struct cc_case *k)
{
    unsigned char p[125];
    size_t len = 0;
    if (k->n > sizeof p - 2) {
        cc_grade(c, CC_FAILED, "a close reason of %zu bytes cannot be sent", k->n);
        return;
    }
    if (k->op) {
        p[0] = (unsigned char)(k->code >> 8);
        p[1] = (unsigned char)k->code;
        memcpy(p + 2, k->bytes ? k->bytes : "", k->n);
        len = 2 + k->n;
    }
    cc_send(c, 1, 0, WSC_WS_OP_CLOSE, p, len, 1);
    if (!k->op)
        cc_expect_close(c, 0);
    else
        cc_expect_close(c, wsc_ws_close_code_valid(k->code) ? k->code : 1002);
}

static void close_fault(struct cc *c, const struct cc_case *k)
{
    cc_send(c, 1, 0, WSC_WS_OP_CLOSE, k->bytes, k->n, 1);
    cc_expect_close(c, k->op == 7 ? 1007 : 1002);
}

static void data_after_close(struct cc *c, const struct cc_case *k)
{
    (void)k;
    static const unsigned char normal[2] = {0x03, 0xe8};
    cc_send(c, 1, 0, WSC_WS_OP_CLOSE, normal, 2, 1);
    cc_send(c, 1, 0, WSC_WS_OP_TEXT, "after close", 11, 1);
    cc_expect_close(c, 1000);
}

static void unmasked(struct cc *c, const struct cc_case *k)
{
    (void)k;
    cc_send(c, 1, 0, WSC_WS_OP_TEXT, "unmasked", 8, 0);
    cc_expect_close(c, 1002);
}

#define KIB 1024
#define T WSC_WS_OP_TEXT
#define B WSC_WS_OP_BINARY
#define REASON123                                                               \
    "a close reason of one hundred and twenty-three bytes, the longest that a " \
    "close frame can carry after its code: xxxxxxxxxxxx"
/* U+03BA U+1F79 U+03C3 U+03BC U+03B5, and U+1D11E U+1F600 (4 bytes each) */
#define KOSME "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
#define ASTRAL "\xf0\x9d\x84\x9e\xf0\x9f\x98\x80"

/* clang-format off */
const struct cc_case wsb_cc_cases[] = {
    {"1.1.1", "text message of 0 bytes", echo_message, 0, T, 0, NULL},
    {"1.1.2", "text message of 125 bytes", echo_message, 125, T, 0, NULL},
    {"1.1.3", "text message of 126 bytes", echo_message, 126, T, 0, NULL},
    {"1.1.4", "text message of 127 bytes", echo_message, 127, T, 0, NULL},
    {"1.1.5", "text message of 128 bytes", echo_message, 128, T, 0, NULL},
    {"1.1.6", "text message of 65535 bytes", echo_message, 65535, T, 0, NULL},
    {"1.1.7", "text message of 65536 bytes", echo_message, 65536, T, 0, NULL},
    {"1.1.8", "text message of 1 MiB - 16 bytes", echo_message, KIB * KIB - 16, T, 0, NULL},
    {"1.2.1", "binary message of 0 bytes", echo_message, 0, B, 0, NULL},
    {"1.2.2", "binary message of 125 bytes", echo_message, 125, B, 0, NULL},
    {"1.2.3", "binary message of 126 bytes", echo_message, 126, B, 0, NULL},
    {"1.2.4", "binary message of 127 bytes", echo_message, 127, B, 0, NULL},
    {"1.2.5", "binary message of 128 bytes", echo_message, 128, B, 0, NULL},
    {"1.2.6", "binary message of 65535 bytes", echo_message, 65535, B, 0, NULL},
    {"1.2.7", "binary message of 65536 bytes", echo_message, 65536, B, 0, NULL},
    {"1.2.8", "binary message of 1 MiB - 16 bytes", echo_message, KIB * KIB - 16, B, 0, NULL},
    {"1.3.1", "text message in 2 fragments", fragments, 10, T, 2, NULL},
    {"1.3.2", "text message in 1000 fragments of 1 byte", fragments, 1000, T, 1000, NULL},
    {"1.3.3", "binary message of 64 KiB in 16 fragments", fragments, 64 * KIB, B, 16, NULL},
    {"1.3.4", "text message in 4 fragments, 3 of them empty", fragments, 3, T, 4, NULL},
    {"1.3.5", "binary message of 0 bytes in 3 fragments", fragments, 0, B, 3, NULL},
    {"1.4.1", "a ping between fragments answered at once", interleaved, 1, WSC_WS_OP_PING, 0, NULL},
    {"1.4.2", "3 pings between fragments answered at once", interleaved, 3, WSC_WS_OP_PING, 0, NULL},
    {"1.4.3", "a pong between fragments ignored", interleaved, 1, WSC_WS_OP_PONG, 0, NULL},
    {"2.1", "ping without payload", ping, 0, T, 0, NULL},
    {"2.2", "ping with 125 bytes of text", ping, 125, T, 0, NULL},
    {"2.3", "ping with 125 bytes of binary", ping, 125, B, 0, NULL},
    {"2.4", "ping with 126 bytes refused with 1002", ping_too_big, 126, B, 0, NULL},
    {"2.5", "unsolicited pong ignored", unsolicited_pong, 0, 0, 0, NULL},
    {"2.6", "10 pings in a row answered, the last one at least", many_pings, 0, 0, 10, NULL},
    {"3.1", "text frame with RSV1 (no extension negotiated)", bad_frame, T, 4, 0, NULL},
    {"3.2", "text frame with RSV2", bad_frame, T, 2, 0, NULL},
    {"3.3", "text frame with RSV3", bad_frame, T, 1, 0, NULL},
    {"3.4", "binary frame with all RSV bits", bad_frame, B, 7, 0, NULL},
    {"3.5", "ping with RSV1", bad_frame, WSC_WS_OP_PING, 4, 0, NULL},
    {"3.6", "continuation with RSV1 after a valid message", rsv_on_continuation, 0, 0, 0, NULL},
    {"4.1.1", "reserved data opcode 3", bad_frame, 0, 3, 0, NULL},
    {"4.1.2", "reserved data opcode 4", bad_frame, 0, 4, 0, NULL},
    {"4.1.3", "reserved data opcode 5", bad_frame, 0, 5, 0, NULL},
    {"4.1.4", "reserved data opcode 6", bad_frame, 0, 6, 0, NULL},
    {"4.1.5", "reserved data opcode 7", bad_frame, 0, 7, 0, NULL},
    {"4.2.1", "reserved control opcode 0xB", bad_frame, 0, 0xB, 0, NULL},
    {"4.2.2", "reserved control opcode 0xC", bad_frame, 0, 0xC, 0, NULL},
    {"4.2.3", "reserved control opcode 0xD", bad_frame, 0, 0xD, 0, NULL},
    {"4.2.4", "reserved control opcode 0xE", bad_frame, 0, 0xE, 0, NULL},
    {"4.2.5", "reserved control opcode 0xF", bad_frame, 0, 0xF, 0, NULL},
    {"5.1", "continuation without a start", bad_fragments, 0, 0, 0, "F0"},
    {"5.2", "non-final continuation without a start", bad_fragments, 0, 0, 0, "f0F0"},
    {"5.3", "a new text start inside a message", bad_fragments, 0, 0, 0, "f1F1"},
    {"5.4", "a binary start inside a text message", bad_fragments, 0, 0, 0, "f1f2F0"},
    {"5.5", "fragmented ping", bad_fragments, 0, 0, 0, "f9F0"},
    {"5.6", "fragmented close", bad_fragments, 0, 0, 0, "f8F0"},
    {"5.7", "continuation after a complete message", continuation_after_end, 0, 0, 0, NULL},
    {"6.1.1", "valid multi-byte text in one frame", utf8_valid, sizeof KOSME - 1, 0, 1, KOSME},
    {"6.1.2", "valid text split inside a character", utf8_valid, sizeof KOSME - 1, 0, 2, KOSME},
    {"6.1.3", "valid text one byte per fragment", utf8_valid, sizeof KOSME - 1, 0, 0, KOSME},
    {"6.1.4", "4-byte characters one byte per fragment", utf8_valid, sizeof ASTRAL - 1, 0, 0, ASTRAL},
    {"6.2.1", "invalid bytes FF FE FD refused with 1007", utf8_invalid, 6, 0, 1, "ok \xff\xfe\xfd"},
    {"6.2.2", "UTF-16 surrogate ED A0 80 refused with 1007", utf8_invalid, 6, 0, 1, "ok \xed\xa0\x80"},
    {"6.2.3", "overlong C0 AF refused with 1007", utf8_invalid, 5, 0, 1, "ok \xc0\xaf"},
    {"6.2.4", "code point above U+10FFFF refused with 1007", utf8_invalid, 7, 0, 1, "ok \xf4\x90\x80\x80"},
    {"6.2.5", "character truncated at the end of a message refused with 1007", utf8_invalid, 2, 0, 2, "\xe2\x82"},
    {"6.2.6", "lone continuation byte refused with 1007", utf8_invalid, 4, 0, 1, "ok \x80"},
    {"6.3.1", "invalid UTF-8 at the start of a first fragment: fail fast", utf8_fail_fast, 4, 0, 0, "\xff ok"},
    {"7.1.1", "close 1000 echoed", close_code, 0, 1, 1000, NULL},
    {"7.1.2", "close without payload answered", close_code, 0, 0, 0, NULL},
    {"7.1.3", "close 1000 with a 123-byte reason echoed", close_code, sizeof REASON123 - 1, 1, 1000, REASON123},
    {"7.1.4", "data after close ignored", data_after_close, 0, 0, 0, NULL},
    {"7.1.5", "close with a 1-byte payload refused with 1002", close_fault, 1, 2, 0, "\x03"},
    {"7.1.6", "close reason with invalid UTF-8 refused with 1007", close_fault, 4, 7, 0, "\x03\xe8\xff\xfe"},
    {"7.2.1", "close 1001 echoed", close_code, 0, 1, 1001, NULL},
    {"7.2.2", "close 1002 echoed", close_code, 0, 1, 1002, NULL},
    {"7.2.3", "close 1003 echoed", close_code, 0, 1, 1003, NULL},
    {"7.2.4", "close 1007 echoed", close_code, 0, 1, 1007, NULL},
    {"7.2.5", "close 1008 echoed", close_code, 0, 1, 1008, NULL},
    {"7.2.6", "close 1009 echoed", close_code, 0, 1, 1009, NULL},
    {"7.2.7", "close 1010 echoed", close_code, 0, 1, 1010, NULL},
    {"7.2.8", "close 1011 echoed", close_code, 0, 1, 1011, NULL},
    {"7.2.9", "close 3000 echoed", close_code, 0, 1, 3000, NULL},
    {"7.2.10", "close 3999 echoed", close_code, 0, 1, 3999, NULL},
    {"7.2.11", "close 4000 echoed", close_code, 0, 1, 4000, NULL},
    {"7.2.12", "close 4999 echoed", close_code, 0, 1, 4999, NULL},
    {"7.3.1", "close 0 refused with 1002", close_code, 0, 1, 0, NULL},
    {"7.3.2", "close 999 refused with 1002", close_code, 0, 1, 999, NULL},
    {"7.3.3", "close 1004 refused with 1002", close_code, 0, 1, 1004, NULL},
    {"7.3.4", "close 1005 refused with 1002", close_code, 0, 1, 1005, NULL},
    {"7.3.5", "close 1006 refused with 1002", close_code, 0, 1, 1006, NULL},
    {"7.3.6", "close 1015 refused with 1002", close_code, 0, 1, 1015, NULL},
    {"7.3.7", "close 1016 refused with 1002", close_code, 0, 1, 1016, NULL},
    {"7.3.8", "close 2000 refused with 1002", close_code, 0, 1, 2000, NULL},
    {"7.3.9", "close 2999 refused with 1002", close_code, 0, 1, 2999, NULL},
    {"7.3.10", "close 5000 refused with 1002", close_code, 0, 1, 5000, NULL},
    {"7.3.11", "close 65535 refused with 1002", close_code, 0, 1, 65535, NULL},
    {"8.1", "unmasked text frame refused with 1002", unmasked, 0, 0, 0, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL},
};
/* clang-format on */
