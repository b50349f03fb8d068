/* wscheck-mock --grade-clients: judging one run of a case from what the
 * client does (no I/O here: the server feeds in the client's frames, the
 * end of its connection and the passing of time, and reads back what to
 * do next). */
#ifndef WSCHECK_MOCK_GRADE_RUN_H
#define WSCHECK_MOCK_GRADE_RUN_H

#include <stddef.h>

#include "grade.h"

struct grade_run {
    const struct grade_case *c;
    struct grade_plan plan;
    double timeout;      /* s, the case timeout */
    double started;      /* when the plan was queued */
    double deadline;     /* of what is awaited now */
    int pongs;           /* expected pongs received */
    int echoed;          /* the expected message came back */
    int judged;          /* res.behavior and reason are final */
    int server_close;    /* the server's close frame is queued or sent */
    int client_close;    /* the client's close frame arrived */
    int ended;           /* the TCP connection is over */
    int expired;         /* the closing handshake timed out: the server ends it */
    double linger_until; /* GX_CLOSE_ORDER: waiting for the client's EOF */
    struct grade_result res;
};

/* Starts case n (from 1) at `now`. Returns 0, or -1 (no such case, or out
 * of memory). */
int grade_run_start(struct grade_run *r, size_t n, double timeout, double now);
void grade_run_free(struct grade_run *r);

/* A complete data message from the client (opcode text or binary). */
void grade_run_message(struct grade_run *r, unsigned op, const unsigned char *data,
                       size_t len, double now);
void grade_run_pong(struct grade_run *r, const unsigned char *data, size_t len,
                    double now);
/* The client's close frame: code 1005 when it had none, -1 when its payload
 * was malformed (1 byte). */
void grade_run_close(struct grade_run *r, int code, double now);
/* The TCP connection ended; by_client: the client closed it (EOF, reset). */
void grade_run_end(struct grade_run *r, int by_client, double now);
/* The client broke the protocol itself (what: "sent an unmasked frame"):
 * the case fails unless it was judged already. */
void grade_run_client_error(struct grade_run *r, const char *what, double now);
/* Time passed: judges a case whose deadline passed. */
void grade_run_tick(struct grade_run *r, double now);

/* The server should queue its close (1000) now: the case is judged and the
 * client has not closed. */
int grade_run_wants_close(const struct grade_run *r);
/* The server should close the TCP connection now. */
int grade_run_wants_end(const struct grade_run *r, double now);

#endif
