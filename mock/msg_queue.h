/* wscheck-mock: a bounded queue of outgoing messages for one connection
 * (an MCP WebSocket session or an SSE stream), written from its
 * writeable callbacks. */
#ifndef WSCHECK_MOCK_MSG_QUEUE_H
#define WSCHECK_MOCK_MSG_QUEUE_H

#include <stddef.h>

#include "clients.h"

/* A peer that stops reading is cut off rather than buffered forever. */
#define MSG_QUEUE_MAX_BYTES ((size_t)16 << 20)

/* Copies len bytes of text to the end of q. Returns 0, or -1 when out of
 * memory or when q would pass MSG_QUEUE_MAX_BYTES. */
int msg_queue_push(struct mock_outq *q, const char *text, size_t len);

/* The first message (the caller unrefs it), or NULL. */
struct mock_outbuf *msg_queue_pop(struct mock_outq *q);

void msg_queue_clear(struct mock_outq *q);

/* Writes up to `batch` queued messages as `protocol` frames (or HTTP body
 * bytes), stopping early while lws still holds part of one: at most a
 * batch per writeable callback, so one busy connection cannot starve the
 * others. Returns how many were written, or -1 when a write failed. */
int msg_queue_write(struct lws *wsi, struct mock_outq *q, int batch,
                    enum lws_write_protocol protocol);

#endif
