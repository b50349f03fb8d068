/* The state of one `conversation` and the pieces that run its steps. */
#ifndef WSB_CONVERSATION_H
#define WSB_CONVERSATION_H

#include <stddef.h>

#include "steps.h"
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

struct wsb_convo {
    struct wsc_ctx *ctx;
    struct wsc_ws *ws;
    struct wsb_inbox inbox;
    const char *error;            /* a failure of ours, else wsc_ws_error() */
    int closed;                   /* the close handshake is over */
    struct json_object *last;     /* the JSON of the last matched expect */
    struct json_object *captured; /* variables captured: name -> value */
    double sent_at;               /* the last send not yet answered; 0: none */
    double ping_at;               /* the last ping not yet answered; 0: none */
    struct wsc_histogram *rtt;
    size_t rtt_reported;
    long sent, received;
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
/* Why the last call on the connection failed. */
const char *wsb_convo_error(const struct wsb_convo *c);

/* Reports "step N (action): ..." and returns -1. */
int wsb_step_fail(struct wsb_convo *c, size_t index, const struct wsb_step *s,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The absolute deadline of a waiting step: its `within`, else `dflt`,
 * capped by the test's timeout. *within is the wait the step asked for. */
double wsb_step_deadline(const struct wsb_convo *c, const struct wsb_step *s, double dflt,
                         double *within);
/* Describes a timeout: "within 2.000 s", with " (cut short by the test's
 * timeout)" when the test's deadline came first. Static buffer. */
const char *wsb_waited(double within, double started, double deadline);

/* Records a round trip ending with a message that arrived at `at`. */
void wsb_record_rtt(struct wsb_convo *c, size_t index, double since, double at);

/* Each runs one step and returns 0, or -1 after reporting the failure. */
int wsb_run_expect(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_expect_none(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_capture(struct wsb_convo *c, size_t index, const struct wsb_step *s,
                    struct json_object *value);
int wsb_run_send(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_ping(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_expect_pong(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_close(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_expect_close(struct wsb_convo *c, size_t index, const struct wsb_step *s);
int wsb_run_sleep(struct wsb_convo *c, size_t index, const struct wsb_step *s);

#endif
