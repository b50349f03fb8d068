/* wscheck-mock: lingering close of refused connections. */
#include "lingering_close.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "timefmt.h"

#define POLL_US 20000
/* Read per socket and tick, so a peer that keeps sending cannot hold the
 * event loop. */
#define DRAIN_PER_TICK (1 << 20)

/* Reads what has arrived; false once the socket is done with (end of
 * file or an error). */
static bool drain(int fd)
{
    char buf[16384];

    for (size_t total = 0; total < DRAIN_PER_TICK; total += sizeof(buf)) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return true;
        return false;
    }
    return true;
}

static void tick(lws_sorted_usec_list_t *sul)
{
    struct lingering_close *lc = lws_container_of(sul, struct lingering_close, sul);
    int64_t now = mock_mono_us();
    size_t i = 0;

    while (i < lc->n) {
        if (drain(lc->socks[i].fd) && now < lc->socks[i].deadline) {
            i++;
            continue;
        }
        close(lc->socks[i].fd);
        lc->socks[i] = lc->socks[--lc->n];
    }
    if (lc->n)
        lws_sul_schedule(lc->ctx, 0, &lc->sul, tick, POLL_US);
}

void lingering_close_start(struct lingering_close *lc, struct lws_context *ctx, int fd)
{
    int dup_fd;

    /* Our answer is out: the peer gets end of file after it. */
    shutdown(fd, SHUT_WR);
    if (lc->n >= LINGER_MAX)
        return;
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return;
    lc->ctx = ctx;
    lc->socks[lc->n].fd = dup_fd;
    lc->socks[lc->n].deadline = mock_mono_us() + (int64_t)LINGER_SECONDS * 1000000;
    lc->n++;
    if (lc->n == 1)
        lws_sul_schedule(ctx, 0, &lc->sul, tick, POLL_US);
}

void lingering_close_free(struct lingering_close *lc)
{
    if (lc->ctx)
        lws_sul_cancel(&lc->sul);
    for (size_t i = 0; i < lc->n; i++)
        close(lc->socks[i].fd);
    lc->n = 0;
}
