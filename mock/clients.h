/* wscheck-mock: the connected WebSocket clients.
 *
 * A client lives in the per-connection memory libwebsockets gives us, so it
 * needs no allocation of its own; the server's client table (client_table.h)
 * holds every connected one. */
#ifndef WSCHECK_MOCK_CLIENTS_H
#define WSCHECK_MOCK_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "reassembly.h"

#define MOCK_CLIENT_ID_LEN 8

/* A message on its way out. One buffer is shared by every client a
 * broadcast goes to; the LWS_PRE bytes in front are lws' frame header room. */
struct mock_outbuf {
    unsigned refs;
    size_t len;
    unsigned char bytes[]; /* LWS_PRE + len */
};

struct mock_outnode {
    struct mock_outbuf *buf;
    struct mock_outnode *next;
};

struct mock_outq {
    struct mock_outnode *head, *tail;
    size_t count, bytes;
};

/* A received message held back while the client is busy. */
struct mock_inmsg {
    struct mock_inmsg *next;
    size_t len;
    bool binary;
    char data[];
};

enum mock_busy {
    MOCK_IDLE = 0,
    MOCK_BUSY_DELAY,  /* simulate_delay: reply when the timer fires */
    MOCK_BUSY_BLOCKED /* error_test "timeout": no reply, just wait */
};

struct mock_server;

struct mock_client {
    struct mock_server *srv;
    struct lws *wsi;
    char id[MOCK_CLIENT_ID_LEN + 1];
    char remote[64];      /* "ip:port" */
    int64_t connected_at; /* wall clock, us */
    int64_t last_ping;    /* wall clock, us; 0 = never */
    bool in_table;        /* in the server's client table: has an id */
    bool direct_ok;       /* may write outside its writeable callback */
    bool closing;         /* a close is under way: send nothing */
    bool dropping;        /* close at the next writeable callback */
    bool shutting_down;   /* server exit: close with 1001 */

    struct mock_client *prev, *next; /* connection order */
    struct mock_client *hnext;       /* id hash chain */

    struct mock_outq out;

    /* A message arriving in several frames or callbacks. */
    struct mock_reassembly partial;
    bool partial_binary;
    size_t discarding; /* oversize: bytes of it dropped so far */

    /* Strict per-client order: while busy, messages wait here. */
    enum mock_busy busy;
    lws_sorted_usec_list_t busy_sul;
    struct json_object *busy_reply;
    struct mock_inmsg *pending_head, *pending_tail;
    size_t pending_count;
    bool rx_paused;

    /* Security options (ws_security.c). */
    int role;           /* index in --role, -1: every message type */
    bool awaiting_auth; /* --auth-via message: no login yet */
    double rate_tokens; /* --rate-limit bucket */
    int64_t rate_at;    /* monotonic us of its last refill */
    bool rate_closing;  /* over the limit: close once the flood pauses */
    size_t rate_ignored;
    lws_sorted_usec_list_t rate_sul;

    /* Keepalive (monotonic us). */
    int64_t next_ping_at, ping_deadline;
    bool ping_due, ping_outstanding;
};

/* Shared outgoing buffers. */
struct mock_outbuf *outbuf_new(const char *payload, size_t len);
void outbuf_unref(struct mock_outbuf *buf);

/* Sends buf to c: written at once when nothing is queued before it and the
 * socket takes it, else queued for the writeable callback. A client that
 * lets too much pile up is dropped (1008) instead of eating all memory.
 * Returns 0 if sent or queued, -1 if the client is closing or was dropped. */
int client_send(struct mock_client *c, struct mock_outbuf *buf);

/* Copies text into a new buffer and queues it. */
int client_send_text(struct mock_client *c, const char *text, size_t len);

/* The next queued buffer, or NULL; the caller unrefs it. */
struct mock_outbuf *client_next_out(struct mock_client *c);

/* Closes c soon with code and reason, whatever it is doing. */
void client_drop(struct mock_client *c, int code, const char *reason);

/* Frees everything c holds (queues, buffers); cancels its timer. */
void client_release(struct mock_client *c);

#endif
