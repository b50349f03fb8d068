/* compliance: an Autobahn-style RFC 6455 case suite against an echo
 * endpoint, on raw frames (wscheck/ws.h "Raw frames"). compliance.c runs
 * the selected cases, each on a fresh connection, and reports one case per
 * id; compliance_io.c sends and reads frames and grades what the server
 * does; compliance_cases.c is the table of cases. */
#ifndef WSB_COMPLIANCE_H
#define WSB_COMPLIANCE_H

#include <stddef.h>

#include "ws_basic.h"

/* Frames traced per case: the test's trace holds 1000 entries (each case
 * adds its id and the upgrade's two header blocks too), and every
 * case, the last ones included, must show how it began. */
#define CC_TRACE_FRAMES 6

/* Autobahn's behaviours. */
enum cc_behaviour { CC_OK, CC_NON_STRICT, CC_INFORMATIONAL, CC_FAILED };

/* One case on one connection. */
struct cc {
    struct wsc_ctx *ctx;
    struct wsc_ws *ws;
    double deadline;   /* of the case */
    double case_wait;  /* its timeout in seconds, for messages */
    size_t max_frame;  /* largest payload accepted from the server */
    int skip;          /* data messages to drop after connecting */
    unsigned char *in; /* bytes received and not parsed yet */
    size_t in_len, in_cap;
    unsigned char *msg; /* the message being reassembled */
    size_t msg_len, msg_cap;
    unsigned char ctl[125]; /* the last control frame's payload */
    size_t ctl_len;
    int traced; /* frames traced in this case */
    enum cc_behaviour behaviour;
    char why[512];
};

struct cc_case;
typedef void (*cc_run_fn)(struct cc *c, const struct cc_case *k);

struct cc_case {
    const char *id; /* "1.1.1" */
    const char *title;
    cc_run_fn run;
    size_t n;          /* a size, a count */
    unsigned op;       /* an opcode, RSV bits */
    int code;          /* a close code */
    const char *bytes; /* a payload (with its length in n) */
};

extern const struct cc_case wsb_cc_cases[]; /* ended by a NULL id */

/* ---- compliance_io.c ------------------------------------------------------- */

/* Sets the behaviour when it is worse than the current one (the first
 * reason of the worst behaviour is kept). Returns -1. */
int cc_grade(struct cc *c, enum cc_behaviour b, const char *fmt, ...) WSC_PRINTF(3, 4);
/* Sends one masked frame (unmasked when masked is 0). A failure to send is
 * not graded: the server may rightly have closed; what it sent says. */
int cc_send(struct cc *c, int fin, unsigned rsv, unsigned op, const void *payload,
            size_t len, int masked);
/* The next whole message from the server within `seconds` (capped by the
 * case's deadline): fragments reassembled, control frames returned as they
 * come (a close's code in *close_code, 1005 when it has none). 1: a
 * message, 0: none in time, -1: the TCP connection ended, -2: the server
 * broke the protocol itself (graded FAILED here). */
int cc_next(struct cc *c, unsigned *op, const unsigned char **data, size_t *len,
            double seconds, int *close_code);
/* The cc_expect_*() and cc_close() return 0 when the server did what the
 * case expects (graded otherwise, -1). */
/* Expects the echo of a message (op, payload) with nothing else before it. */
int cc_expect_echo(struct cc *c, unsigned op, const void *payload, size_t len);
/* Expects a pong with that payload. */
int cc_expect_pong(struct cc *c, const void *payload, size_t len);
/* Expects the server to fail the connection with `code`: a close with that
 * code is OK, another code or a TCP drop without a close NON-STRICT, an
 * echo or silence FAILED. */
int cc_expect_close(struct cc *c, int code);
/* The clean end of a passing case: a close 1000 and its answer. */
int cc_close(struct cc *c);
const char *cc_behaviour_name(enum cc_behaviour b);

#endif
