/* wscheck-mock --grade-clients: one client connection of the grading
 * server - its buffers, the opening handshake, the client's frames, and
 * the Autobahn fuzzingserver URL it asked for. */
#ifndef WSCHECK_MOCK_GRADE_CONN_H
#define WSCHECK_MOCK_GRADE_CONN_H

#include <stddef.h>

#include "grade_run.h"

struct grade_config {
    const char *dir; /* where reports go */
    double timeout;  /* s, per case */
};

enum gconn_state {
    GC_HANDSHAKE, /* reading the upgrade request */
    GC_OPEN,      /* WebSocket frames both ways */
    GC_SHUTDOWN,  /* our side closed (after the last byte went out) */
    GC_DONE,      /* to be freed */
};

struct gconn {
    int fd;
    enum gconn_state state;
    const struct grade_config *cfg;
    unsigned char *in;
    size_t in_len, in_cap;
    unsigned char *out;
    size_t out_len, out_off;
    /* the client's fragmented message so far */
    unsigned char *msg;
    size_t msg_len, msg_cap;
    unsigned msg_op;
    int msg_open;
    /* closing */
    int close_sent, close_rcvd, end_after_flush;
    double deadline;       /* of the close handshake (routes) or the lingering close */
    double flush_deadline; /* a client that stops reading is dropped then */
    /* the route */
    int running; /* /runCase: run holds the case */
    struct grade_run run;
    size_t case_n;
    char agent[101];
};

/* A connection on an accepted, non-blocking socket. NULL out of memory. */
struct gconn *gconn_new(int fd, const struct grade_config *cfg);
/* Reads what the socket has and acts on it. */
void gconn_readable(struct gconn *c, double now);
/* Writes what is queued. */
void gconn_writable(struct gconn *c, double now);
/* Timeouts. */
void gconn_tick(struct gconn *c, double now);
/* Has queued output. */
int gconn_wants_write(const struct gconn *c);
/* Queues one unmasked frame (nothing after our close). Returns 0, or -1
 * (out of memory: the connection ends). */
int gconn_send(struct gconn *c, unsigned op, const void *data, size_t len);
/* Queues bytes as they are (a case's frames). Returns 0, or -1 (the
 * connection ends). */
int gconn_send_raw(struct gconn *c, const void *data, size_t len);
/* Queues our close with code (none when 0) and reason, at most once. */
int gconn_send_close(struct gconn *c, int code, const char *reason);

/* grade_routes.c: acts on the URL of an upgraded connection
 * (/getCaseCount, /runCase, ...), path and query as requested. */
void grade_route_open(struct gconn *c, const char *path, const char *query, double now);
/* After a run ended: writes the agent's reports when its last case ran. */
void grade_route_finished(struct gconn *c);

/* Records a run's result, closes the socket, frees c. */
void gconn_free(struct gconn *c, double now);

#endif
