/* wscheck-mock: requests whose head does not fit libwebsockets' header
 * buffer (--max-header-size).
 *
 * lws 4.x closes such a connection without an answer, and shuts its
 * socket for writing before any callback could answer. What it does do is
 * log "Ran out of header data space" (at error level, always enabled)
 * while it reads the head, with nothing yet written. The connections that
 * wait for a request head are counted; when exactly one waits, the log
 * line can only be about it, and it gets its 431 right then. With several
 * waiting at once, which one overflowed is unknown and lws's silent close
 * stands. Every way a request of ours ends with the connection kept open
 * (http_reply, http_refuse_upgrade) counts it as waiting again. */
#ifndef WSCHECK_MOCK_HEADER_LIMIT_H
#define WSCHECK_MOCK_HEADER_LIMIT_H

#include <stdbool.h>

#include <libwebsockets.h>

/* The connection now waits for a request head: a new one, or one whose
 * last response is out and that stays open. */
void header_limit_awaiting(struct lws *wsi);

/* Its head arrived, or it closed. Harmless if it was not waiting. */
void header_limit_done(struct lws *wsi);

/* Both ports' protocol callbacks pass every reason through here: a new
 * connection waits for a head; the head's arrival (HTTP, upgrade) or
 * the connection's end stops the wait. */
void header_limit_track(struct lws *wsi, enum lws_callback_reasons reason);

/* The lws log hook (see mock_log_lws_hook): true for the overflow line,
 * which is then answered instead of printed. */
bool header_limit_lws_line(const char *line);

#endif
