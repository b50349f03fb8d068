/* The connect engine: up to `max_inflight` non-blocking TCP connects at a
 * time, polled together, so that a range of ports costs about one round trip
 * instead of one per port. Each port tries the host's addresses in order
 * until one accepts; nothing runs past the budget. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One connect in flight. */
struct attempt {
    size_t idx;                /* into results */
    const struct addrinfo *ai; /* the address being tried */
    double start;
    double deadline;
};

struct engine {
    const struct addrinfo *addrs;
    struct probe_result *res;
    size_t n;
    size_t next; /* next port to start */
    double end;  /* the budget's end */
    double attempt_timeout;
    size_t cap; /* slots */
    size_t inflight;
    struct attempt *att;
    struct pollfd *pfd; /* parallel to att */
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum probe_state probe_state_from_errno(int err)
{
    switch (err) {
    case 0:
        return PROBE_OPEN;
    case ECONNREFUSED:
        return PROBE_REFUSED;
    case ETIMEDOUT:
        return PROBE_TIMEOUT;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
        return PROBE_UNREACHABLE;
    default:
        return PROBE_ERROR;
    }
}

const char *probe_describe(const struct probe_result *r)
{
    switch (r->state) {
    case PROBE_NOT_RUN:
        return "not tried";
    case PROBE_OPEN:
        return "open";
    case PROBE_REFUSED:
        return "refused";
    case PROBE_TIMEOUT:
        return "timed out";
    case PROBE_UNREACHABLE:
        return "unreachable";
    case PROBE_ERROR:
        break;
    }
    return r->err ? strerror(r->err) : "error";
}

void probe_addr_text(const struct addrinfo *ai, char *buf, size_t size)
{
    char host[NI_MAXHOST];
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(host, sizeof host, "?");
    if (ai->ai_family == AF_INET6)
        snprintf(buf, size, "[%s]", host);
    else
        snprintf(buf, size, "%s", host);
}

/* ---- Resolution ----------------------------------------------------------- */

static int same_addr(const struct addrinfo *a, const struct addrinfo *b)
{
    return a->ai_family == b->ai_family && a->ai_addrlen == b->ai_addrlen &&
           memcmp(a->ai_addr, b->ai_addr, a->ai_addrlen) == 0;
}

/* Unlinks and frees later duplicates (POSIX lets freeaddrinfo() free any
 * sublist of a getaddrinfo() result). */
static void drop_duplicates(struct addrinfo *list)
{
    for (struct addrinfo *a = list; a; a = a->ai_next) {
        struct addrinfo *prev = a;
        while (prev->ai_next) {
            struct addrinfo *b = prev->ai_next;
            if (same_addr(a, b)) {
                prev->ai_next = b->ai_next;
                b->ai_next = NULL;
                freeaddrinfo(b);
            } else {
                prev = b;
            }
        }
    }
}

int probe_resolve(const char *host, struct addrinfo **addrs, char *err, size_t errlen)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    *addrs = NULL;
    if (!host || !*host) {
        snprintf(err, errlen, "host is empty");
        return -1;
    }
    /* "[::1]", as in URLs, is accepted for "::1" */
    const char *given = host;
    char unbracketed[256];
    size_t len = strlen(host);
    if (host[0] == '[' && len > 2 && len < sizeof unbracketed && host[len - 1] == ']') {
        memcpy(unbracketed, host + 1, len - 2);
        unbracketed[len - 2] = '\0';
        hints.ai_flags |= AI_NUMERICHOST;
        host = unbracketed;
    }
    int rc = getaddrinfo(host, NULL, &hints, addrs);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve host \"%.200s\": %s", given,
                 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        *addrs = NULL;
        return -1;
    }
    drop_duplicates(*addrs);
    return 0;
}

void probe_free_addrs(struct addrinfo *addrs)
{
    if (addrs)
        freeaddrinfo(addrs);
}

/* ---- The engine --------------------------------------------------------- */

/* Slots we can afford: leave half of the descriptor limit to the rest of
 * the process. */
static size_t slot_count(unsigned wanted)
{
    size_t cap = wanted ? wanted : PROBE_DEFAULT_INFLIGHT;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t spare = rl.rlim_cur > 64 ? (rl.rlim_cur - 32) / 2 : 1;
        if ((rlim_t)cap > spare)
            cap = (size_t)spare;
    }
    return cap ? cap : 1;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
    else if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int open_nonblocking(int family)
{
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static void record_open(struct probe_result *r, double start)
{
    r->state = PROBE_OPEN;
    r->err = 0;
    r->connect_ms = (mono_now() - start) * 1000.0;
}

static void record_failure(struct probe_result *r, int err)
{
    r->state = probe_state_from_errno(err);
    r->err = err;
}

/* Starts connects for port `idx` from address `ai` on, in slot `slot` (the
 * next free one). Addresses that fail at once are skipped. Returns 1 when a
 * connect is now in flight in the slot, 0 when the port is settled. */
static int start_attempt(struct engine *e, size_t idx, const struct addrinfo *ai,
                         size_t slot)
{
    struct probe_result *r = &e->res[idx];
    for (; ai; ai = ai->ai_next) {
        double now = mono_now();
        if (now >= e->end)
            return 0; /* keeps the last attempt's outcome, or "not tried" */
        struct sockaddr_storage ss;
        if (ai->ai_addrlen > sizeof ss)
            continue;
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        set_port(&ss, r->port);
        int fd = open_nonblocking(ai->ai_family);
        if (fd < 0) {
            record_failure(r, errno);
            continue;
        }
        if (connect(fd, (struct sockaddr *)&ss, ai->ai_addrlen) == 0) {
            record_open(r, now);
            close(fd);
            return 0;
        }
        if (errno != EINPROGRESS) {
            record_failure(r, errno);
            close(fd);
            continue;
        }
        double deadline = e->attempt_timeout > 0 ? now + e->attempt_timeout : e->end;
        if (deadline > e->end)
            deadline = e->end;
        e->att[slot] = (struct attempt){idx, ai, now, deadline};
        e->pfd[slot] = (struct pollfd){.fd = fd, .events = POLLOUT};
        return 1;
    }
    return 0;
}

static void release_slot(struct engine *e, size_t slot)
{
    e->inflight--;
    if (slot != e->inflight) {
        e->att[slot] = e->att[e->inflight];
        e->pfd[slot] = e->pfd[e->inflight];
    }
}

/* Settles the connect in `slot` (ready, or timed out when !ready); on a
 * failure tries the port's next address in the same slot. Returns 1 when
 * the slot was freed (the caller must look at the same index again). */
static int finish_attempt(struct engine *e, size_t slot, int ready)
{
    struct attempt a = e->att[slot];
    struct probe_result *r = &e->res[a.idx];
    int fd = e->pfd[slot].fd;
    if (ready) {
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
            soerr = errno;
        if (soerr == 0)
            record_open(r, a.start);
        else
            record_failure(r, soerr);
    } else {
        r->state = PROBE_TIMEOUT;
        r->err = ETIMEDOUT;
    }
    close(fd);
    if (r->state != PROBE_OPEN && start_attempt(e, a.idx, a.ai->ai_next, slot))
        return 0;
    release_slot(e, slot);
    return 1;
}

static void fill_slots(struct engine *e)
{
    while (e->inflight < e->cap && e->next < e->n && mono_now() < e->end) {
        size_t idx = e->next++;
        if (start_attempt(e, idx, e->addrs, e->inflight))
            e->inflight++;
    }
}

static int poll_timeout_ms(const struct engine *e)
{
    double until = e->end;
    for (size_t i = 0; i < e->inflight; i++)
        if (e->att[i].deadline < until)
            until = e->att[i].deadline;
    double ms = ceil((until - mono_now()) * 1000.0);
    if (ms < 0)
        return 0;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int run_engine(struct engine *e, char *err, size_t errlen)
{
    for (;;) {
        fill_slots(e);
        if (e->inflight == 0)
            return 0; /* every port settled, or the budget ran out */
        int rc = poll(e->pfd, (nfds_t)e->inflight, poll_timeout_ms(e));
        if (rc < 0 && errno != EINTR) {
            snprintf(err, errlen, "poll: %s", strerror(errno));
            return -1;
        }
        double now = mono_now();
        for (size_t i = 0; i < e->inflight;) {
            short rev = rc > 0 ? e->pfd[i].revents : 0;
            e->pfd[i].revents = 0;
            int freed = 0;
            if (rev & (POLLOUT | POLLERR | POLLHUP))
                freed = finish_attempt(e, i, 1);
            else if (now >= e->att[i].deadline)
                freed = finish_attempt(e, i, 0);
            if (!freed)
                i++;
        }
    }
}

int probe_run(const struct addrinfo *addrs, struct probe_result *results, size_t n,
              const struct probe_opts *opts, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        results[i].state = PROBE_NOT_RUN;
        results[i].err = 0;
        results[i].connect_ms = 0;
    }
    if (n == 0)
        return 0;
    if (!addrs) {
        snprintf(err, errlen, "no address to connect to");
        return -1;
    }
    struct engine e = {
        .addrs = addrs,
        .res = results,
        .n = n,
        .end = mono_now() + (opts->budget > 0 ? opts->budget : 0),
        .attempt_timeout = opts->attempt_timeout,
        .cap = slot_count(opts->max_inflight),
    };
    if (e.cap > n)
        e.cap = n;
    e.att = calloc(e.cap, sizeof *e.att);
    e.pfd = calloc(e.cap, sizeof *e.pfd);
    int rc = -1;
    if (!e.att || !e.pfd)
        snprintf(err, errlen, "out of memory");
    else
        rc = run_engine(&e, err, errlen);
    for (size_t i = 0; i < e.inflight; i++)
        close(e.pfd[i].fd);
    free(e.att);
    free(e.pfd);
    return rc;
}
