/* wscheck-mock --grade-clients: the cases, and the frames each one sends.
 *
 * The same families and ids as ws-basic `compliance` where a case applies
 * to a client as well; 8.x are the client's own (a masked server frame).
 * A case that must make the client fail the connection sends a ping
 * ("probe") after the bad frames: a client that answers it went on reading
 * after them, so the case fails at once instead of waiting for a timeout. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/ws.h>

#include "grade.h"

#define KIB 1024
#define T WSC_WS_OP_TEXT
#define B WSC_WS_OP_BINARY
#define KOSME "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
#define PROBE "probe"

struct builder_args {
    size_t size;
    unsigned op; /* opcode, or a frame script's first opcode */
    unsigned rsv;
    int n; /* fragments, pings, a close code */
    const char *data;
};

typedef int (*build_fn)(const struct builder_args *a, struct grade_plan *p);

struct case_entry {
    struct grade_case pub;
    build_fn build;
    struct builder_args args;
};

/* ---- frame output ---- */

/* Appends one unmasked frame (or masked with mask) to the plan's output. */
static int put_frame(struct grade_plan *p, int fin, unsigned rsv, unsigned op,
                     const unsigned char *mask, const void *data, size_t len)
{
    size_t cap = len + 14;
    unsigned char *grown = realloc(p->out, p->out_len + cap);
    if (!grown)
        return -1;
    p->out = grown;
    size_t n =
        wsc_ws_frame_encode(p->out + p->out_len, cap, fin, rsv, op, mask, data, len);
    if (n == 0)
        return -1;
    p->out_len += n;
    return 0;
}

/* The payload of a message of `size` bytes: printable text, or every
 * byte value for binary. */
static unsigned char *payload(size_t size, unsigned op)
{
    static const char text[] = "wscheck-mock grades clients; ";
    unsigned char *b = malloc(size ? size : 1);
    if (!b)
        return NULL;
    for (size_t i = 0; i < size; i++)
        b[i] = op == T ? (unsigned char)text[i % (sizeof text - 1)]
                       : (unsigned char)((i * 7 + 3) & 0xff);
    return b;
}

static int expect_echo(struct grade_plan *p, unsigned op, unsigned char *msg, size_t len)
{
    p->echo_opcode = op;
    p->echo = msg;
    p->echo_len = len;
    return 0;
}

/* ---- builders ---- */

static int echo_message(const struct builder_args *a, struct grade_plan *p)
{
    unsigned char *msg = payload(a->size, a->op);
    if (!msg || put_frame(p, 1, 0, a->op, NULL, msg, a->size)) {
        free(msg);
        return -1;
    }
    return expect_echo(p, a->op, msg, a->size);
}

/* a->n fragments of (nearly) equal size; text splits inside characters. */
static int fragments(const struct builder_args *a, struct grade_plan *p)
{
    size_t size = a->data ? strlen(a->data) : a->size;
    unsigned char *msg =
        a->data ? (unsigned char *)strdup(a->data) : payload(size, a->op);
    if (!msg)
        return -1;
    size_t per = size / (size_t)a->n, off = 0;
    for (int i = 0; i < a->n; i++) {
        size_t len = i == a->n - 1 ? size - off : per;
        if (put_frame(p, i == a->n - 1, 0, i ? WSC_WS_OP_CONT : a->op, NULL, msg + off,
                      len)) {
            free(msg);
            return -1;
        }
        off += len;
    }
    return expect_echo(p, a->op, msg, size);
}

/* A text message in a->n + 1 fragments with a ping between each two. */
static int interleaved(const struct builder_args *a, struct grade_plan *p)
{
    static const char part[] = "fragment;";
    size_t plen = sizeof part - 1, size = plen * (size_t)(a->n + 1);
    unsigned char *msg = malloc(size);
    if (!msg)
        return -1;
    for (int i = 0; i <= a->n; i++) {
        memcpy(msg + plen * (size_t)i, part, plen);
        if (put_frame(p, i == a->n, 0, i ? WSC_WS_OP_CONT : T, NULL, part, plen) ||
            (i < a->n && put_frame(p, 1, 0, WSC_WS_OP_PING, NULL, "ping", 4))) {
            free(msg);
            return -1;
        }
    }
    memcpy(p->pong, "ping", 4);
    p->pong_len = 4;
    p->pongs = a->n;
    return expect_echo(p, T, msg, size);
}

static int ping(const struct builder_args *a, struct grade_plan *p)
{
    unsigned char *data = payload(a->size, a->op);
    int rc = data ? put_frame(p, 1, 0, WSC_WS_OP_PING, NULL, data, a->size) : -1;
    if (rc == 0) {
        memcpy(p->pong, data, a->size);
        p->pong_len = a->size;
        p->pongs = 1;
    }
    free(data);
    return rc;
}

static int unsolicited_pong(const struct builder_args *a, struct grade_plan *p)
{
    (void)a;
    unsigned char *msg = (unsigned char *)strdup("after an unsolicited pong");
    if (!msg || put_frame(p, 1, 0, WSC_WS_OP_PONG, NULL, "unsolicited", 11) ||
        put_frame(p, 1, 0, T, NULL, msg, strlen((char *)msg))) {
        free(msg);
        return -1;
    }
    return expect_echo(p, T, msg, strlen((char *)msg));
}

static int probe(struct grade_plan *p)
{
    return put_frame(p, 1, 0, WSC_WS_OP_PING, NULL, PROBE, sizeof PROBE - 1);
}

/* One frame the client must refuse: a->op with RSV bits a->rsv and a->size
 * bytes of payload (a->data, else text), masked when a->n is 1. */
static int bad_frame(const struct builder_args *a, struct grade_plan *p)
{
    static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    unsigned char *data = a->data ? NULL : payload(a->size, T);
    const void *d = a->data ? (const void *)a->data : data;
    int rc = d ? put_frame(p, 1, a->rsv, a->op, a->n == 1 ? mask : NULL, d, a->size) : -1;
    free(data);
    return rc || probe(p);
}

/* A frame script: "f1F0" is a non-final text frame, then a final
 * continuation (f: FIN clear, F: FIN set; then the opcode in hex). */
static int bad_fragments(const struct builder_args *a, struct grade_plan *p)
{
    for (const char *s = a->data; s[0] && s[1]; s += 2) {
        unsigned op = (unsigned)strtoul((char[]){s[1], 0}, NULL, 16);
        if (put_frame(p, s[0] == 'F', 0, op, NULL, "part", 4))
            return -1;
    }
    return probe(p);
}

/* Text whose bytes are not UTF-8: in one frame, or (a->n 2) the valid
 * first half, then the rest with the invalid bytes. */
static int utf8_invalid(const struct builder_args *a, struct grade_plan *p)
{
    size_t half = a->n == 2 ? a->size / 2 : a->size;
    if (put_frame(p, a->n != 2, 0, T, NULL, a->data, half) ||
        (a->n == 2 &&
         put_frame(p, 1, 0, WSC_WS_OP_CONT, NULL, a->data + half, a->size - half)))
        return -1;
    return probe(p);
}

/* The server's close with code a->n (none when 0) and a->size bytes of
 * reason from a->data, or the raw payload a->data when a->rsv is 1. */
static int server_close(const struct builder_args *a, struct grade_plan *p)
{
    unsigned char body[2 + 125];
    size_t len = 0;
    if (a->rsv == 1) {
        memcpy(body, a->data, a->size);
        len = a->size;
    } else if (a->n >= 0) {
        body[0] = (unsigned char)(a->n >> 8);
        body[1] = (unsigned char)a->n;
        memcpy(body + 2, a->data ? a->data : "", a->size);
        len = 2 + a->size;
    }
    p->server_close = 1;
    p->close_code = a->n;
    return put_frame(p, 1, 0, WSC_WS_OP_CLOSE, NULL, body, len);
}

/* ---- the table ---- */

#define ECHO(id, d, fn, size, op, n, data) \
    {                                      \
        {id, d, GX_ECHO, 0}, fn,           \
        {                                  \
            size, op, 0, n, data           \
        }                                  \
    }
#define FAIL(id, d, code, fn, size, op, rsv, n, data) \
    {                                                 \
        {id, d, GX_FAIL, code}, fn,                   \
        {                                             \
            size, op, rsv, n, data                    \
        }                                             \
    }
#define CLOSE_OK(id, d, code)                    \
    {                                            \
        {id, d, GX_CLOSE_ECHO, 0}, server_close, \
        {                                        \
            0, 0, 0, code, NULL                  \
        }                                        \
    }
#define CLOSE_BAD(id, d, code)                \
    {                                         \
        {id, d, GX_FAIL, 1002}, server_close, \
        {                                     \
            0, 0, 0, code, NULL               \
        }                                     \
    }

/* One line per case, as in ws-basic's table. */
/* clang-format off */
static const struct case_entry table[] = {
    ECHO("1.1.1", "text message of 0 bytes", echo_message, 0, T, 0, NULL),
    ECHO("1.1.2", "text message of 125 bytes", echo_message, 125, T, 0, NULL),
    ECHO("1.1.3", "text message of 126 bytes", echo_message, 126, T, 0, NULL),
    ECHO("1.1.4", "text message of 127 bytes", echo_message, 127, T, 0, NULL),
    ECHO("1.1.6", "text message of 65535 bytes", echo_message, 65535, T, 0, NULL),
    ECHO("1.1.7", "text message of 65536 bytes", echo_message, 65536, T, 0, NULL),
    ECHO("1.1.8", "text message of 1 MiB", echo_message, KIB * KIB, T, 0, NULL),
    ECHO("1.2.1", "binary message of 0 bytes", echo_message, 0, B, 0, NULL),
    ECHO("1.2.2", "binary message of 125 bytes", echo_message, 125, B, 0, NULL),
    ECHO("1.2.3", "binary message of 126 bytes", echo_message, 126, B, 0, NULL),
    ECHO("1.2.4", "binary message of 127 bytes", echo_message, 127, B, 0, NULL),
    ECHO("1.2.6", "binary message of 65535 bytes", echo_message, 65535, B, 0, NULL),
    ECHO("1.2.7", "binary message of 65536 bytes", echo_message, 65536, B, 0, NULL),
    ECHO("1.2.8", "binary message of 1 MiB", echo_message, KIB * KIB, B, 0, NULL),
    ECHO("1.3.1", "text message in 2 fragments", fragments, 10, T, 2, NULL),
    ECHO("1.3.2", "text message in 1000 fragments of 1 byte", fragments, 1000, T, 1000, NULL),
    ECHO("1.3.3", "binary message of 64 KiB in 16 fragments", fragments, 64 * KIB, B, 16, NULL),
    ECHO("1.3.4", "valid multi-byte text split inside characters", fragments, 0, T, 3, KOSME),
    ECHO("1.4.1", "a ping between fragments answered", interleaved, 0, 0, 1, NULL),
    ECHO("1.4.2", "3 pings between fragments answered", interleaved, 0, 0, 3, NULL),
    {{"2.1", "ping without payload", GX_PONG, 0}, ping, {0, B, 0, 0, NULL}},
    {{"2.2", "ping with 125 bytes of text", GX_PONG, 0}, ping, {125, T, 0, 0, NULL}},
    {{"2.3", "ping with 125 bytes of binary", GX_PONG, 0}, ping, {125, B, 0, 0, NULL}},
    FAIL("2.4", "ping with 126 bytes refused with 1002", 1002, bad_frame, 126, WSC_WS_OP_PING, 0, 0, NULL),
    ECHO("2.5", "unsolicited pong ignored", unsolicited_pong, 0, 0, 0, NULL),
    FAIL("3.1", "text frame with RSV1 (no extension negotiated)", 1002, bad_frame, 5, T, 4, 0, NULL),
    FAIL("3.2", "text frame with RSV2", 1002, bad_frame, 5, T, 2, 0, NULL),
    FAIL("3.3", "text frame with RSV3", 1002, bad_frame, 5, T, 1, 0, NULL),
    FAIL("3.4", "binary frame with all RSV bits", 1002, bad_frame, 5, B, 7, 0, NULL),
    FAIL("3.5", "ping with RSV1", 1002, bad_frame, 5, WSC_WS_OP_PING, 4, 0, NULL),
    FAIL("4.1.1", "reserved data opcode 3", 1002, bad_frame, 5, 3, 0, 0, NULL),
    FAIL("4.1.5", "reserved data opcode 7", 1002, bad_frame, 5, 7, 0, 0, NULL),
    FAIL("4.2.1", "reserved control opcode 0xB", 1002, bad_frame, 5, 0xB, 0, 0, NULL),
    FAIL("4.2.5", "reserved control opcode 0xF", 1002, bad_frame, 5, 0xF, 0, 0, NULL),
    FAIL("5.1", "continuation without a start", 1002, bad_fragments, 0, 0, 0, 0, "F0"),
    FAIL("5.3", "a new text start inside a message", 1002, bad_fragments, 0, 0, 0, 0, "f1F1"),
    FAIL("5.4", "a binary start inside a text message", 1002, bad_fragments, 0, 0, 0, 0, "f1f2F0"),
    FAIL("5.5", "fragmented ping", 1002, bad_fragments, 0, 0, 0, 0, "f9F0"),
    FAIL("6.2.1", "invalid bytes FF FE FD refused with 1007", 1007, utf8_invalid, 6, 0, 0, 1, "ok \xff\xfe\xfd"),
    FAIL("6.2.2", "UTF-16 surrogate ED A0 80 refused with 1007", 1007, utf8_invalid, 6, 0, 0, 1, "ok \xed\xa0\x80"),
    FAIL("6.2.7", "invalid UTF-8 in the second fragment refused with 1007", 1007, utf8_invalid, 12, 0, 0, 2, "valid ok \xc0\xaf!"),
    {{"7.1.1", "close 1000 echoed", GX_CLOSE_ECHO, 0}, server_close, {0, 0, 0, 1000, NULL}},
    {{"7.1.2", "close without payload answered", GX_CLOSE_ECHO, 0}, server_close, {0, 0, 0, -1, NULL}},
    {{"7.1.3", "close 1000 with a reason echoed", GX_CLOSE_ECHO, 0}, server_close, {6, 0, 0, 1000, "bye \xce\xba"}},
    {{"7.1.5", "close with a 1-byte payload refused with 1002", GX_FAIL, 1002}, server_close, {1, 0, 1, 0, "\x03"}},
    {{"7.1.6", "close reason with invalid UTF-8 refused with 1007", GX_FAIL, 1007}, server_close, {4, 0, 1, 0, "\x03\xe8\xff\xfe"}},
    CLOSE_OK("7.2.1", "close 1001 echoed", 1001),
    CLOSE_OK("7.2.3", "close 1003 echoed", 1003),
    CLOSE_OK("7.2.8", "close 1011 echoed", 1011),
    CLOSE_OK("7.2.9", "close 3000 echoed", 3000),
    CLOSE_OK("7.2.12", "close 4999 echoed", 4999),
    CLOSE_BAD("7.3.1", "close 0 refused with 1002", 0),
    CLOSE_BAD("7.3.2", "close 999 refused with 1002", 999),
    CLOSE_BAD("7.3.3", "close 1004 refused with 1002", 1004),
    CLOSE_BAD("7.3.4", "close 1005 refused with 1002", 1005),
    CLOSE_BAD("7.3.5", "close 1006 refused with 1002", 1006),
    CLOSE_BAD("7.3.6", "close 1015 refused with 1002", 1015),
    CLOSE_BAD("7.3.9", "close 2999 refused with 1002", 2999),
    CLOSE_BAD("7.3.10", "close 5000 refused with 1002", 5000),
    {{"7.4.1", "close answered, the server closes TCP first", GX_CLOSE_ORDER, 0}, server_close, {0, 0, 0, 1000, NULL}},
    FAIL("8.1", "masked server frame refused with 1002", 1002, bad_frame, 5, T, 0, 1, NULL),
};
/* clang-format on */

size_t grade_case_count(void)
{
    return sizeof table / sizeof table[0];
}

const struct grade_case *grade_case_get(size_t n)
{
    return n >= 1 && n <= grade_case_count() ? &table[n - 1].pub : NULL;
}

int grade_plan_build(size_t n, struct grade_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (!grade_case_get(n))
        return -1;
    if (table[n - 1].build(&table[n - 1].args, plan) != 0) {
        grade_plan_free(plan);
        return -1;
    }
    return 0;
}

void grade_plan_free(struct grade_plan *plan)
{
    free(plan->out);
    free(plan->echo);
    memset(plan, 0, sizeof *plan);
}

const char *grade_behavior_name(enum grade_behavior b)
{
    static const char *const names[] = {"OK", "NON-STRICT", "INFORMATIONAL", "FAILED"};
    return (unsigned)b < sizeof names / sizeof names[0] ? names[b] : "FAILED";
}
