/* compliance: sending raw frames and grading what the server answers. The
 * server's frames are parsed here, bounded by max_frame; a server that
 * breaks the protocol itself (masked or reserved frames, a close code not
 * allowed on the wire) fails the case. */
#include "compliance.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_HEADER_MAX 14

static const char *behaviour_rank_name[] = {"OK", "NON-STRICT", "INFORMATIONAL",
                                            "FAILED"};

/* INFORMATIONAL sits between OK and FAILED only for the message it keeps:
 * NON-STRICT and FAILED are what the grade ranks. */
static int rank(enum cc_behaviour b)
{
    return b == CC_FAILED ? 3 : b == CC_NON_STRICT ? 2 : b == CC_INFORMATIONAL ? 1 : 0;
}

int cc_grade(struct cc *c, enum cc_behaviour b, const char *fmt, ...)
{
    if (rank(b) <= rank(c->behaviour))
        return -1;
    c->behaviour = b;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *op_name(unsigned op)
{
    static const char *names[] = {"continuation", "text", "binary", NULL,   NULL,  NULL,
                                  NULL,           NULL,   "close",  "ping", "pong"};
    return op < sizeof names / sizeof *names && names[op] ? names[op] : "reserved opcode";
}

static void trace_frame(struct cc *c, const char *dir, unsigned op, const void *p,
                        size_t len)
{
    if (c->traced++ >= CC_TRACE_FRAMES)
        return;
    const char *kind = op == WSC_WS_OP_TEXT     ? "text"
                       : op == WSC_WS_OP_BINARY ? "binary"
                       : op == WSC_WS_OP_PING   ? "ping"
                       : op == WSC_WS_OP_PONG   ? "pong"
                       : op == WSC_WS_OP_CLOSE  ? "close"
                                                : "frame";
    wsc_trace(c->ctx, dir, kind, p, len);
}

int cc_send(struct cc *c, int fin, unsigned rsv, unsigned op, const void *payload,
            size_t len, int masked)
{
    size_t cap = len + FRAME_HEADER_MAX;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        cc_grade(c, CC_FAILED, "out of memory");
        return -1;
    }
    unsigned char mask[4];
    for (int i = 0; i < 4; i++)
        mask[i] = (unsigned char)(rand() & 0xff);
    size_t n =
        wsc_ws_frame_encode(buf, cap, fin, rsv, op, masked ? mask : NULL, payload, len);
    trace_frame(c, "send", op, payload, len);
    enum wsc_ws_result r = n ? wsc_ws_raw_send(c->ws, buf, n, c->deadline) : WSC_WS_ERROR;
    free(buf);
    return r == WSC_WS_OK ? 0 : -1;
}

/* Makes room for `need` bytes in a buffer bounded by the largest frame. */
static int reserve(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n *= 2;
    unsigned char *p = realloc(*buf, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* Reads until one whole frame is in c->in: 1 (header in *f, its size in
 * *h), 0 deadline, -1 TCP ended, -2 graded FAILED. */
static int read_frame(struct cc *c, struct wsc_ws_frame *f, size_t *h, double deadline)
{
    for (;;) {
        long hl = wsc_ws_frame_parse(c->in, c->in_len, f);
        if (hl < 0) {
            cc_grade(c, CC_FAILED,
                     "the server sent a frame length not in its shortest "
                     "encoding");
            return -2;
        }
        if (hl > 0 && f->len > c->max_frame) {
            cc_grade(c, CC_FAILED,
                     "the server sent a frame of %llu bytes, more than "
                     "max_message_size %zu",
                     (unsigned long long)f->len, c->max_frame);
            return -2;
        }
        if (hl > 0 && c->in_len - (size_t)hl >= f->len) {
            *h = (size_t)hl;
            return 1;
        }
        size_t want = hl > 0 ? (size_t)hl + (size_t)f->len : FRAME_HEADER_MAX;
        if (reserve(&c->in, &c->in_cap,
                    want > c->in_len + 65536 ? want : c->in_len + 65536)) {
            cc_grade(c, CC_FAILED, "out of memory");
            return -2;
        }
        size_t n = 0;
        enum wsc_ws_result r = wsc_ws_raw_recv(c->ws, c->in + c->in_len,
                                               c->in_cap - c->in_len, &n, deadline);
        if (r == WSC_WS_TIMEOUT)
            return 0;
        if (r != WSC_WS_OK)
            return -1;
        c->in_len += n;
    }
}

/* What the server must never send (RFC 6455 5.1-5.5). NULL when fine. */
static const char *server_fault(const struct wsc_ws_frame *f, int data_open)
{
    if (f->masked)
        return "the server masked a frame";
    if (f->rsv)
        return "the server set reserved bits";
    if ((f->opcode > 2 && f->opcode < 8) || f->opcode > 10)
        return "the server used a reserved opcode";
    if (f->opcode >= 8 && (!f->fin || f->len > 125))
        return "the server fragmented or oversized a control frame";
    if (f->opcode == 0 && !data_open)
        return "the server sent a continuation frame outside a message";
    if ((f->opcode == 1 || f->opcode == 2) && data_open)
        return "the server started a message inside another";
    return NULL;
}

/* Is p well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF)? */
static int utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = p[i];
        size_t k = b < 0x80                 ? 0
                   : b >= 0xC2 && b <= 0xDF ? 1
                   : (b & 0xF0) == 0xE0     ? 2
                   : b >= 0xF0 && b <= 0xF4 ? 3
                                            : 4;
        if (k == 4 || n - i - 1 < k)
            return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
        else if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
        for (size_t j = 1; j <= k; j++) {
            unsigned c = p[i + j];
            if (c < (j == 1 ? lo : 0x80) || c > (j == 1 ? hi : 0xBF))
                return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* The code of a close frame's payload: 1005 when empty, -1 when the payload
 * is not a valid close (graded). */
static int close_code_of(struct cc *c, const unsigned char *p, size_t len)
{
    if (len == 0)
        return 1005;
    int code = len >= 2 ? (p[0] << 8) | p[1] : -1;
    if (code < 0 || !wsc_ws_close_code_valid(code)) {
        cc_grade(c, CC_FAILED, "the server sent a close frame with %s",
                 code < 0 ? "a one-byte payload" : "a code not allowed on the wire");
        return -1;
    }
    if (!utf8_valid(p + 2, len - 2)) {
        cc_grade(c, CC_FAILED, "the server sent a close reason that is not valid UTF-8");
        return -1;
    }
    return code;
}

int cc_next(struct cc *c, unsigned *op, const unsigned char **data, size_t *len,
            double seconds, int *close_code)
{
    double deadline = wsc_ws_within(c->ctx, seconds);
    if (deadline > c->deadline)
        deadline = c->deadline;
    int data_open = 0;
    unsigned data_op = 0;
    c->msg_len = 0;
    for (;;) {
        struct wsc_ws_frame f;
        size_t h = 0;
        int r = read_frame(c, &f, &h, deadline);
        if (r <= 0)
            return r;
        const char *fault = server_fault(&f, data_open);
        if (fault) {
            cc_grade(c, CC_FAILED, "%s (%s frame)", fault, op_name(f.opcode));
            return -2;
        }
        const unsigned char *p = c->in + h;
        size_t n = (size_t)f.len;
        trace_frame(c, "recv", f.opcode, p, n);
        if (f.opcode >= 8) {
            memcpy(c->ctl, p, n);
            c->ctl_len = n;
        } else {
            if (reserve(&c->msg, &c->msg_cap, c->msg_len + n + 1) ||
                c->msg_len + n > c->max_frame) {
                cc_grade(c, CC_FAILED,
                         "the server's message is larger than "
                         "max_message_size %zu",
                         c->max_frame);
                return -2;
            }
            memcpy(c->msg + c->msg_len, p, n);
            c->msg_len += n;
            if (f.opcode)
                data_op = f.opcode;
            data_open = !f.fin;
        }
        c->in_len -= h + n;
        memmove(c->in, c->in + h + n, c->in_len);
        if (f.opcode >= 8) {
            *op = f.opcode;
            *data = (const unsigned char *)c->ctl;
            *len = c->ctl_len;
            if (f.opcode == WSC_WS_OP_CLOSE &&
                (*close_code = close_code_of(c, *data, *len)) < 0)
                return -2;
            return 1;
        }
        if (!data_open) {
            *op = data_op;
            *data = c->msg;
            *len = c->msg_len;
            return 1;
        }
    }
}

static double left(const struct cc *c)
{
    return c->deadline - wsc_now();
}

/* A message that is not the one expected, for a failure message. */
static void describe(char *out, size_t cap, unsigned op, size_t len, int code)
{
    if (op == WSC_WS_OP_CLOSE)
        snprintf(out, cap, "a close %d (%s)", code, wsc_ws_close_code_name(code));
    else
        snprintf(out, cap, "a %s message of %zu bytes", op_name(op), len);
}

/* cc_next within the case's time left, answering the pings a server may
 * send in the middle of a case on the way, as an endpoint must. */
static int next_answering_pings(struct cc *c, unsigned *op, const unsigned char **data,
                                size_t *len, int *code)
{
    for (;;) {
        int r = cc_next(c, op, data, len, left(c), code);
        if (r <= 0 || *op != WSC_WS_OP_PING)
            return r;
        cc_send(c, 1, 0, WSC_WS_OP_PONG, *data, *len, 1);
    }
}

int cc_expect_echo(struct cc *c, unsigned op, const void *payload, size_t len)
{
    unsigned got;
    const unsigned char *data;
    size_t n;
    int code = -1;
    int r = next_answering_pings(c, &got, &data, &n, &code);
    if (r == 0)
        return cc_grade(c, CC_FAILED,
                        "no echo of the %s message (%zu bytes) within %.3g s",
                        op_name(op), len, c->case_wait);
    if (r == -1)
        return cc_grade(c, CC_FAILED,
                        "the server closed the TCP connection instead "
                        "of echoing the %s message",
                        op_name(op));
    if (r < 0)
        return -1;
    if (got == op && n == len && (len == 0 || memcmp(data, payload, len) == 0))
        return 0;
    char what[128];
    describe(what, sizeof what, got, n, code);
    if (got == op && n == len) {
        size_t i = 0;
        while (data[i] == ((const unsigned char *)payload)[i])
            i++;
        return cc_grade(c, CC_FAILED,
                        "the echo differs from the %s message sent "
                        "(%zu bytes) at byte %zu",
                        op_name(op), len, i);
    }
    return cc_grade(c, CC_FAILED,
                    "expected the echo of a %s message of %zu bytes, "
                    "got %s",
                    op_name(op), len, what);
}

int cc_expect_pong(struct cc *c, const void *payload, size_t len)
{
    unsigned got;
    const unsigned char *data;
    size_t n;
    int code = -1;
    int r = cc_next(c, &got, &data, &n, left(c), &code);
    if (r == 0)
        return cc_grade(c, CC_FAILED, "no pong for the ping of %zu bytes within %.3g s",
                        len, c->case_wait);
    if (r == -1)
        return cc_grade(c, CC_FAILED,
                        "the server closed the TCP connection instead of "
                        "answering the ping");
    if (r < 0)
        return -1;
    if (got == WSC_WS_OP_PONG && n == len &&
        (len == 0 || memcmp(data, payload, len) == 0))
        return 0;
    char what[128];
    describe(what, sizeof what, got, n, code);
    if (got == WSC_WS_OP_PONG)
        return cc_grade(c, CC_FAILED,
                        "the pong's payload (%zu bytes) is not the ping's "
                        "(%zu bytes)",
                        n, len);
    return cc_grade(c, CC_FAILED, "expected a pong with the ping's %zu bytes, got %s",
                    len, what);
}

int cc_expect_close(struct cc *c, int want)
{
    char expected[96];
    if (want)
        snprintf(expected, sizeof expected, "a close %d (%s)", want,
                 wsc_ws_close_code_name(want));
    else
        snprintf(expected, sizeof expected, "a close");
    unsigned got;
    const unsigned char *data;
    size_t n;
    int code = -1;
    int r = next_answering_pings(c, &got, &data, &n, &code);
    if (r == 0)
        return cc_grade(c, CC_FAILED, "no close within %.3g s (expected %s)",
                        c->case_wait, expected);
    if (r == -1)
        return cc_grade(c, CC_NON_STRICT,
                        "the server dropped the TCP connection "
                        "without a close frame (expected %s)",
                        expected);
    if (r < 0)
        return -1;
    if (got != WSC_WS_OP_CLOSE) {
        char what[128];
        describe(what, sizeof what, got, n, code);
        return cc_grade(c, CC_FAILED, "the server answered with %s (expected %s)", what,
                        expected);
    }
    /* our half of the close handshake, as an endpoint must */
    unsigned char echo[2] = {(unsigned char)(code >> 8), (unsigned char)code};
    cc_send(c, 1, 0, WSC_WS_OP_CLOSE, echo, code == 1005 ? 0 : 2, 1);
    if (want && code != want && !(want == 1005 && code == 1000))
        return cc_grade(c, CC_NON_STRICT,
                        "the server closed with %d (%s), expected %d (%s)", code,
                        wsc_ws_close_code_name(code), want, wsc_ws_close_code_name(want));
    return 0;
}

int cc_close(struct cc *c)
{
    if (c->behaviour == CC_FAILED)
        return -1;
    static const unsigned char normal[2] = {0x03, 0xe8};
    if (cc_send(c, 1, 0, WSC_WS_OP_CLOSE, normal, 2, 1) != 0)
        return cc_grade(c, CC_NON_STRICT,
                        "the connection broke before the closing handshake");
    for (;;) {
        unsigned got;
        const unsigned char *data;
        size_t n;
        int code = -1;
        int r = cc_next(c, &got, &data, &n, left(c), &code);
        if (r == 0)
            return cc_grade(c, CC_NON_STRICT, "no answer to a close 1000 within %.3g s",
                            c->case_wait);
        if (r == -1)
            return cc_grade(c, CC_NON_STRICT,
                            "the server dropped the TCP connection "
                            "without answering a close 1000");
        if (r < 0)
            return -1;
        if (got == WSC_WS_OP_CLOSE)
            return 0;
        /* pings and late messages before the close's answer are allowed */
    }
}

const char *cc_behaviour_name(enum cc_behaviour b)
{
    return behaviour_rank_name[b];
}
