/* What the files of the WebSocket layer share; not installed.
 *
 * ws_options.c parses and copies the options, ws_connect.c drives the
 * connection and the upgrade on a libcurl multi handle without blocking,
 * ws_handshake.c builds the upgrade request and verifies the answer, ws.c
 * carries frames over the open connection. They
 * share the connection's state and the helpers that set its status. */
#ifndef WSC_WS_INTERNAL_H
#define WSC_WS_INTERNAL_H

#include <stddef.h>

#include <wscheck/ws.h>

#include "http_status_line.h"
#include "util.h"

#define ERR_MAX 1024
#define CHUNK_SIZE 65536
#define CONTROL_MAX 125

enum conn_state { ST_NEW, ST_CONNECTING, ST_OPEN, ST_CLOSING, ST_CLOSED, ST_FAILED };

struct wsc_ws {
    struct wsc_ctx *ctx;
    CURL *curl;
    CURLM *multi; /* the easy handle's, for the connection's whole life */
    struct curl_slist *request_headers;
    struct wsc_ws_options opt;
    char key[32];
    char curl_err[CURL_ERROR_SIZE];

    enum conn_state state;
    enum wsc_ws_result status;
    char err[ERR_MAX];
    double deadline; /* of the whole connection, 0: the context's */
    int connect_flags;
    double connect_started, connect_deadline;
    double connect_limit; /* the wait a timeout of the upgrade names */
    curl_socket_t sock;

    long http_status;
    struct wsc_status_line status_line; /* the last one received */
    int status_lines;                   /* how many were received */
    int status_line_bad;                /* one of them was malformed */
    struct json_object *headers;
    struct wsc_buf body; /* of a refused upgrade, at most BODY_MAX bytes */
    struct wsc_buf head; /* the answer's header block so far, for the trace */
    char *subprotocol;
    double handshake_ms;

    char *chunk;         /* one curl_ws_recv() at a time */
    struct wsc_buf data; /* the data message being reassembled */
    enum wsc_ws_kind data_kind;
    int data_open; /* a fragmented message is in progress */
    char control[CONTROL_MAX + 1];
    size_t control_len;
    int in_frame;      /* part of a frame was read, more is expected */
    double chunk_at;   /* wsc_now() when the last chunk was read */
    int reset_pending; /* the last returned message may be dropped */

    /* Pongs answer the peer's pings without ever queueing more than one:
     * `pong` is the frame libcurl holds (part of it may be on the wire and
     * the rest must be passed again), `pong_next` the latest ping not
     * answered yet. A peer that pings and never reads costs no memory. */
    char pong[CONTROL_MAX];
    size_t pong_len, pong_off; /* pong_off: payload bytes libcurl took */
    int pong_busy;
    char pong_next[CONTROL_MAX];
    size_t pong_next_len;
    int pong_due;

    int close_sent;
    int peer_close_code;
    char peer_close_reason[CONTROL_MAX + 1];

    /* Raw mode (ws_raw.c): frames libcurl had already taken in with the
     * upgrade's answer, encoded again, served before the socket's bytes. */
    int raw;
    struct wsc_buf raw_pending;
    size_t raw_off;
};

/* ---- ws.c: status, deadlines, tracing ------------------------------------- */

/* The deadline of a wait: `deadline`, else the connection's, capped by the
 * context's; with none at all, FALLBACK_WAIT_S from now. */
double ws_effective_deadline(const struct wsc_ws *ws, double deadline);
/* Sets the status and its message (fmt NULL: none); returns r. */
enum wsc_ws_result ws_set_status(struct wsc_ws *ws, enum wsc_ws_result r, const char *fmt,
                                 ...) WSC_PRINTF(3, 4);
enum wsc_ws_result ws_ok(struct wsc_ws *ws);
/* A transport or protocol failure: the connection is dead from now on. */
enum wsc_ws_result ws_fail(struct wsc_ws *ws, const char *fmt, ...) WSC_PRINTF(2, 3);
/* wsc_trace() when the connection has a context. */
void ws_trace(struct wsc_ws *ws, const char *dir, const char *kind, const void *data,
              size_t len);

/* ---- ws_handshake.c -------------------------------------------------------- */

/* Sets the deadlines of the upgrade, the key, the request headers and the
 * easy handle's options. 0, or -1 with the connection failed. */
int ws_handshake_begin(struct wsc_ws *ws, int flags);
/* The transfer of the upgrade ended with rc: verifies the answer and opens
 * (ST_OPEN) or fails the connection; returns its status. */
enum wsc_ws_result ws_handshake_finish(struct wsc_ws *ws, CURLcode rc);

/* ---- ws_options.c ---------------------------------------------------------- */

/* Deep copy of src into dst (initialised first); -1 when out of memory,
 * dst then holds part of the copy and is freed by the caller. */
/* The members of the public structs this build knows (the growth rule). */
#define WS_OPTIONS_KNOWN WSC_END_OF(struct wsc_ws_options, observe_pings)
#define WS_MSG_KNOWN WSC_END_OF(struct wsc_ws_msg, at)

/* Why a plugin's options cannot be used (built for another release, or not
 * initialised with wsc_ws_options_init/parse), or NULL when they can. */
const char *ws_options_unusable(const struct wsc_ws_options *opt);
int ws_options_copy(struct wsc_ws_options *dst, const struct wsc_ws_options *src);
/* Does url start with ws:// or wss:// (any case)? */
int ws_is_url(const char *url);
/* Waits until sock is ready for `events` (POLLIN/POLLOUT) or the deadline
 * (wsc_now() seconds) passes. 1 ready, 0 deadline, -1 error (errno). */
int ws_wait_socket(curl_socket_t sock, short events, double deadline);

#endif
