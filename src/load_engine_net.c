/* The load engine's connections: each script's address resolved once per
 * run (not per session), non-blocking connect(), more loopback source
 * addresses when the ephemeral ports of one run out, and the file
 * descriptor limit. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load_engine_internal.h"
#include "util.h"

/* Descriptors the process keeps for itself (stdio, reports, plugins). */
#define FD_RESERVE 32u
/* Loopback source addresses tried: 127.0.0.1 (the kernel's choice) and
 * 127.0.0.2 up to 127.0.0.(1 + MAX_SOURCES). */
#define MAX_SOURCES 250u

unsigned wsc_load_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024 - FD_RESERVE;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = {rl.rlim_max, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            rl.rlim_cur = rl.rlim_max;
    }
    rlim_t n = rl.rlim_cur;
    if (n == RLIM_INFINITY || n > 1000000u)
        n = 1000000u;
    /* epoll itself, the listener of a live dashboard... */
    return n > FD_RESERVE ? (unsigned)(n - FD_RESERVE) : 1;
}

static int resolve(struct load_target *t, const struct wsc_load_script *sc)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM},
                    *res = NULL;
    int rc = getaddrinfo(sc->host, sc->port, &hints, &res);
    if (rc != 0 || !res) {
        t->why = wsc_strdup_printf("cannot resolve %s: %s", sc->host,
                                   rc ? gai_strerror(rc) : "no address");
        t->why_kind = WSC_LOAD_ERR_CONNECT;
        return t->why ? 0 : -1;
    }
    memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
    t->addr_len = res->ai_addrlen;
    if (res->ai_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)res->ai_addr;
        t->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    freeaddrinfo(res);
    return 0;
}

int load_targets_resolve(struct load_engine *e)
{
    e->targets = calloc(e->n_scripts, sizeof(*e->targets));
    if (!e->targets)
        return -1;
    for (size_t i = 0; i < e->n_scripts; i++) {
        struct load_target *t = &e->targets[i];
        if (resolve(t, e->scripts[i]) != 0)
            return -1;
        if (!t->why && e->scripts[i]->tls) {
            t->ssl_ctx = load_tls_ctx(e->scripts[i], &t->why);
            t->why_kind = WSC_LOAD_ERR_TLS;
            if (!t->ssl_ctx && !t->why)
                return -1;
        }
    }
    return 0;
}

void load_targets_free(struct load_engine *e)
{
    for (size_t i = 0; e->targets && i < e->n_scripts; i++) {
        free(e->targets[i].why);
        load_tls_ctx_free(e->targets[i].ssl_ctx);
    }
    free(e->targets);
    e->targets = NULL;
}

static struct load_target *target_of(struct wsc_load_sess *s)
{
    struct load_engine *e = s->eng;
    for (size_t i = 0; i < e->n_scripts; i++)
        if (e->scripts[i] == s->sc)
            return &e->targets[i];
    return &e->targets[0];
}

/* Binds 127.0.0.(1 + k) as the source; the port is left to connect(). */
static int bind_source(int fd, unsigned k)
{
#ifdef IP_BIND_ADDRESS_NO_PORT
    int one = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) != 0)
        return -1;
#endif
    struct sockaddr_in src = {.sin_family = AF_INET};
    src.sin_addr.s_addr = htonl(0x7f000001u + k);
    return bind(fd, (struct sockaddr *)&src, sizeof src);
}

/* One connect() attempt: 0 started (or done), else errno. */
static int try_connect(struct wsc_load_sess *s, const struct load_target *t, unsigned src)
{
    int fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int one = 1;
    /* Small messages go out now: latency is what the run measures. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (src && bind_source(fd, src) != 0) {
        int err = errno;
        close(fd);
        return err;
    }
    if (connect(fd, (const struct sockaddr *)&t->addr, t->addr_len) != 0 &&
        errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        return err;
    }
    s->fd = fd;
    return 0;
}

static int connect_fail(struct wsc_load_sess *s, int err)
{
    load_session_error(s, WSC_LOAD_ERR_CONNECT, "connect to %s:%s: %s", s->sc->host,
                       s->sc->port, strerror(err));
    return -1;
}

int load_connect(struct wsc_load_sess *s)
{
    struct load_engine *e = s->eng;
    struct load_target *t = target_of(s);
    if (t->why) {
        load_session_error(s, t->why_kind, "%s", t->why);
        return -1;
    }
    if (e->active >= e->limit)
        return connect_fail(s, EMFILE);
    int err = try_connect(s, t, t->loopback ? e->src_extra : 0);
    /* Out of ephemeral ports towards this address from this source: the
     * next loopback address has a fresh range. */
    while (err == EADDRNOTAVAIL && t->loopback && e->src_extra < MAX_SOURCES) {
        e->src_extra++;
        e->stats->source_addresses = e->src_extra + 1;
        err = try_connect(s, t, e->src_extra);
    }
    if (err)
        return connect_fail(s, err);
    e->active++;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = s};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0)
        return connect_fail(s, errno);
    s->polling_out = 1;
    return 0;
}

void load_connect_done(struct wsc_load_sess *s)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err) {
        connect_fail(s, err);
        return;
    }
    if (load_epoll_set(s, 0) != 0) {
        connect_fail(s, errno);
        return;
    }
    void *ctx = target_of(s)->ssl_ctx;
    if (s->sc->tls && ctx) {
        s->phase = PH_TLS;
        if (load_tls_start(s, ctx) != 0)
            return;
        load_tls_step(s);
        return;
    }
    load_session_open(s);
}
