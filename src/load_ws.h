/* The WebSocket layer of `wscheck load` (load_ws.c): the upgrade and the
 * frames of one session on the engine, and what the protocols on top
 * (conversations, ping-pong, MCP over WebSocket) plug into it. Not a
 * public interface. */
#ifndef WSC_LOAD_WS_H
#define WSC_LOAD_WS_H

#include <stddef.h>

#include "load.h"

/* What a protocol on top of WebSocket does with the layer's events. */
struct lws_ops {
    /* The upgrade succeeded. */
    void (*open)(struct wsc_load_sess *s);
    /* A whole data message (reassembled). */
    void (*message)(struct wsc_load_sess *s, int binary, const unsigned char *p,
                    size_t n);
    /* A pong (may be NULL: pongs are then counted and dropped). */
    void (*pong)(struct wsc_load_sess *s, const unsigned char *p, size_t n);
    /* The peer's close frame (code 0: none; the reason, not NUL-terminated),
     * after the layer answered it. */
    void (*close)(struct wsc_load_sess *s, int code, const unsigned char *reason,
                  size_t len);
    /* The protocol's timer. */
    void (*timer)(struct wsc_load_sess *s);
    /* Frees what the protocol's state owns (may be NULL). */
    void (*release)(struct wsc_load_sess *s);
};

/* The compiled upgrade: the start of every protocol's script data. */
struct lws_script {
    const struct lws_ops *ops;
    char *head;          /* the request up to "Sec-WebSocket-Key: " */
    char *tail;          /* after the key, through the empty line */
    char **subprotocols; /* offered; the answer must pick one of them */
    size_t n_subprotocols;
    const char *upgrade_hist; /* the upgrade's histogram: NULL, "handshake_ms" */
    /* ws-basic.handshake: the answer (status, headers, subprotocol) is
     * matched against this `expect` (owned), 101 by default; a refusal it
     * asks for ends the session successfully. */
    int match_answer;
    struct json_object *expect;
};

/* The layer's per-session state: the start of every protocol's state. */
struct lws_state {
    unsigned char phase; /* LWS_* */
    unsigned char frag_binary, frag_open, close_sent, close_received;
    unsigned char finished; /* the protocol is done: a TCP close now is fine */
    char key[25];
    double since;        /* the upgrade's start */
    unsigned char *frag; /* a fragmented message so far (owned) */
    size_t frag_len;
};

enum { LWS_UPGRADING, LWS_OPEN, LWS_CLOSED };

/* Fills the upgrade of a script from the check's params (url, headers,
 * origin, subprotocols, TLS options) and the URL's target; 0, or -1 with
 * *why. `extra_protocol` is offered when the params offer none ("mcp"). */
int lws_script_init(struct lws_script *ws, struct wsc_load_script *sc,
                    struct json_object *params, const struct lws_ops *ops,
                    const char *extra_protocol, char **why);
void lws_script_clear(struct lws_script *ws);
/* Makes the upgrade's answer a thing the test judges (ws-basic.handshake);
 * 0, or -1 with *why (a malformed expect, or one on the body). */
int lws_script_expect_answer(struct lws_script *ws, struct json_object *params,
                             char **why);

/* The engine's protocol callbacks of every WebSocket protocol. */
void lws_begin(struct wsc_load_sess *s);
size_t lws_input(struct wsc_load_sess *s, const unsigned char *p, size_t n);
void lws_timer(struct wsc_load_sess *s);
void lws_closed(struct wsc_load_sess *s);
void lws_release(struct wsc_load_sess *s);

/* Sends one message or control frame (masked); 0, or -1 (session ended). */
int lws_send(struct wsc_load_sess *s, unsigned opcode, const void *p, size_t n);
/* Sends a close frame (code 0: none). */
int lws_send_close(struct wsc_load_sess *s, int code, const char *reason);

/* A finished handshake's or step's time into histogram `name`. */
void lws_record(struct wsc_load_sess *s, const char *name, double since);

#endif
