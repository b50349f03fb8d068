/* wscheck-mock: closing a connection whose request is still arriving.
 *
 * A socket closed with unread data is reset, and the reset can destroy
 * the answer we just wrote before the peer reads it. So a connection we
 * refuse mid-request (431) is kept a little longer on a duplicate of its
 * socket: our side is shut down for writing (the peer sees the answer,
 * then end of file) and what still arrives is read and discarded until
 * the peer closes or LINGER_SECONDS pass. */
#ifndef WSCHECK_MOCK_LINGERING_CLOSE_H
#define WSCHECK_MOCK_LINGERING_CLOSE_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#define LINGER_MAX 64 /* sockets lingering at once; more close at once */
#define LINGER_SECONDS 2

struct lingering_close {
    struct lws_context *ctx;
    lws_sorted_usec_list_t sul;
    struct {
        int fd;
        int64_t deadline; /* monotonic us */
    } socks[LINGER_MAX];
    size_t n;
};

/* Lingers on a duplicate of fd (the caller still closes fd itself). */
void lingering_close_start(struct lingering_close *lc, struct lws_context *ctx, int fd);

/* Closes every lingering socket (server exit). */
void lingering_close_free(struct lingering_close *lc);

#endif
