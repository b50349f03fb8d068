/* The state of one `conversation` and the pieces that run its steps. */
#ifndef WSB_CONVERSATION_H
#define WSB_CONVERSATION_H

#include <stddef.h>

#include <wscheck/steps.h>
#include "ws_basic.h"

/* `within` when a step does not give one (capped by the test's timeout). */
#define WSB_DEFAULT_WITHIN 5.0
/* expect_none waits this long by default: a quiet period, not a limit. */
#define WSB_DEFAULT_NONE_WITHIN 1.0
/* Messages that arrived while a step waited for something else (a pong
 * while expecting data, data while expecting a pong) wait for a later step
 * in the inbox, up to these bounds. */
#define WSB_INBOX_MAX_MESSAGES 1024
#define WSB_INBOX_MAX_BYTES (64u * 1024 * 1024)
/* Round trips reported one metric per step, for the first steps. */
#define WSB_RTT_STEP_METRICS 32

/* A received message, owned (the layer's buffers only last one call). */
struct wsb_msg {
    enum wsc_ws_kind kind;
    char *data; /* NUL-terminated */
    size_t len;
    int close_code; /* WSC_WS_CLOSE only */
    double at;      /* wsc_now() at arrival */
};

struct wsb_inbox {
    struct wsb_msg *items; /* oldest first */
    size_t count, cap, bytes;
};

/* One connection of a conversation: the default one (steps without `conn`)
 * or one named in `connections`. */
struct wsb_conn {
    char *name;                 /* "default" for the default connection */
    struct json_object *params; /* its options: the conversation's, then its own */
    struct wsc_ws *ws;          /* NULL until opened */
    struct wsb_inbox inbox;
    const char *error; /* a failure of ours, else wsc_ws_error() */
    int closed;        /* the close handshake is over */
    int used;          /* a step names it */
    int lazy;          /* its first step is `connect`: not opened at the start */
    double sent_at;    /* the last send not yet answered; 0: none */
    double ping_at;    /* the last ping not yet answered; 0: none */
    long sent, received, ignored;
};

struct wsb_convo {
    struct wsc_ctx *ctx;
    struct wsb_conn *conns; /* the default connection first */
    size_t n_conns;
    int multi;                       /* `connections` given: messages name connections */
    struct wsb_conn *cur;            /* the connection of the running step */
    struct wsb_conn *traced;         /* the one the trace last said frames belong to */
    struct json_object *ignore;      /* the conversation's ignore matchers, or NULL */
    struct json_object *last;        /* the JSON of the last matched expect */
    struct json_object *captured;    /* variables captured: name -> value */
    struct json_object *captured_on; /* variable name -> connection (multi) */
    struct wsc_histogram *rtt;
    size_t rtt_reported;
};

void wsb_msg_free(struct wsb_msg *m);
void wsb_inbox_free(struct wsb_inbox *in);

/* The next message whose kind is in `want` (a mask of enum wsc_ws_kind),
 * from the inbox first, then from the connection until `deadline`; data
 * messages and pongs of other kinds are kept in the inbox for later steps.
 * A close from the peer is returned whatever `want` is (c->closed is set).
 * Returns WSC_WS_OK with *m filled (free it with wsb_msg_free), or
 * WSC_WS_TIMEOUT, WSC_WS_CLOSED or WSC_WS_ERROR (see wsb_convo_error()). */
enum wsc_ws_result wsb_next_message(struct wsb_convo *c, unsigned want, double deadline,
                                    struct wsb_msg *m);
/* Why the last call on the current connection failed. */
const char *wsb_convo_error(const struct wsb_convo *c);
/* Takes m into the current connection's inbox (after the messages already
 * there), for later steps. Returns 0, or -1 (c->cur->error set; m freed). */
int wsb_inbox_keep(struct wsb_convo *c, struct wsb_msg *m);
/* Like wsb_next_message() but only from the connection, not the inbox. */
enum wsc_ws_result wsb_recv_new(struct wsb_convo *c, unsigned want, double deadline,
                                struct wsb_msg *m);
/* Should a data message be dropped before the step judges it (it matches
 * one of the conversation's or the step's `ignore` matchers)? Counts it. */
int wsb_ignored(struct wsb_convo *c, const struct wsc_step *s, const struct wsb_msg *m);
/* Does a received message match the matcher? A text message is matched as
 * its JSON value when it parses, else as a string; other kinds never match.
 * `ignore` lists and expect_none's matcher use this. */
int wsb_matcher_hits(struct json_object *matcher, const struct wsb_msg *m);
/* Makes `conn` the current connection; with several connections, a trace
 * entry (dir "info", kind "conn", data its name) says whose frames follow. */
void wsb_use(struct wsb_convo *c, struct wsb_conn *conn);

/* Reports "step N (action): ..." and returns -1. */
int wsb_step_fail(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The absolute deadline of a waiting step: its `within`, else `dflt`,
 * capped by the test's timeout. *within is the wait the step asked for. */
double wsb_step_deadline(const struct wsb_convo *c, const struct wsc_step *s, double dflt,
                         double *within);
/* Describes a timeout: "within 2.000 s", with " (cut short by the test's
 * timeout)" when the test's deadline came first. Static buffer. */
const char *wsb_waited(double within, double started, double deadline);

/* Records a round trip ending with a message that arrived at `at`. */
void wsb_record_rtt(struct wsb_convo *c, size_t index, double since, double at);

/* Each runs one step and returns 0, or -1 after reporting the failure. */
int wsb_run_expect(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_expect_none(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_capture(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                    struct json_object *value);
int wsb_run_send(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_ping(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_expect_pong(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_close(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_expect_close(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_sleep(struct wsb_convo *c, size_t index, const struct wsc_step *s);
int wsb_run_connect(struct wsb_convo *c, size_t index, const struct wsc_step *s);

/* Connections (connections.c). */
/* Builds c->conns from params (the default connection, then `connections`
 * in the order written) and marks which the steps use. Returns 0, or -1
 * after reporting an error. */
int wsb_conns_setup(struct wsb_convo *c, struct json_object *params,
                    struct json_object *steps);
/* Opens the connection now; 0, or -1 after reporting the failure (step
 * index for a `connect` step's message, (size_t)-1 at the start). */
int wsb_conn_open(struct wsb_convo *c, struct wsb_conn *conn, size_t index,
                  const struct wsc_step *s);
/* The connection a step names (NULL name: the default one), or NULL. */
struct wsb_conn *wsb_conn_find(struct wsb_convo *c, const char *name);
/* Closes every open connection cleanly after the steps. */
void wsb_conns_close_all(struct wsb_convo *c);
void wsb_conns_free(struct wsb_convo *c);

#endif
