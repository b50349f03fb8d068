/* wscheck-mock --grade-clients: the grading server. libwebsockets cannot
 * send the invalid frames the cases need (nor report empty pongs), so in
 * this mode the WebSocket port is a small server of its own, like
 * Autobahn's `wstest -m fuzzingserver`: one poll() loop over non-blocking
 * sockets. No MCP listener runs in this mode. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "grade_conn.h"
#include "grade_server.h"
#include "jsonout.h"
#include "log.h"

#define MAX_CONNS 256
#define TICK_MS 50 /* timeouts are checked this often */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* The reports' directory: created when missing (not its parents). */
static int prepare_dir(const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "wscheck-mock: --grade-clients %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "wscheck-mock: --grade-clients %s: not a writable directory\n",
                dir);
        return -1;
    }
    return 0;
}

static int bind_one(const struct addrinfo *ai, int port)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    if (fd < 0)
        return -1;
    struct sockaddr_storage sa;
    memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
    if (ai->ai_family == AF_INET)
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) != 0 || listen(fd, 64) != 0 ||
        nonblocking(fd) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Listens on host, from port upwards while ports are taken; fills url. */
static int listen_on(const struct mock_options *opt, char *url, size_t urllen, int *port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_ADDRCONFIG};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(opt->host, NULL, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "wscheck-mock: cannot resolve %s: %s\n", opt->host,
                gai_strerror(rc));
        return -1;
    }
    const struct addrinfo *ai = res;
    for (const struct addrinfo *a = res; a; a = a->ai_next)
        if (a->ai_family == AF_INET) { /* IPv4 first, as the other listeners */
            ai = a;
            break;
        }
    int fd = -1, tries = opt->port ? opt->port_tries : 1;
    for (int i = 0; i < tries && fd < 0 && opt->port + i <= 65535; i++)
        fd = bind_one(ai, opt->port ? opt->port + i : 0);
    if (fd < 0) {
        fprintf(stderr, "wscheck-mock: cannot listen on %s port %d: %s\n", opt->host,
                opt->port, strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    char host[64] = "", serv[16] = "";
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0 ||
        getnameinfo((struct sockaddr *)&sa, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        fprintf(stderr, "wscheck-mock: cannot read the listening address\n");
        close(fd);
        freeaddrinfo(res);
        return -1;
    }
    *port = atoi(serv);
    snprintf(url, urllen, ai->ai_family == AF_INET6 ? "ws://[%s]:%s" : "ws://%s:%s", host,
             serv);
    freeaddrinfo(res);
    return fd;
}

static int write_ready_file(const struct mock_options *opt, const char *url, int port)
{
    char tmp[4200];
    json_object *o = json_object_new_object();
    if (!o)
        return -1;
    mock_json_add(o, "pid", json_object_new_int((int)getpid()));
    mock_json_add(o, "ws_url", json_object_new_string(url));
    mock_json_add(o, "ws_port", json_object_new_int(port));
    mock_json_add(o, "grade_dir", json_object_new_string(opt->grade_dir));
    mock_json_add(o, "case_count", json_object_new_int((int)grade_case_count()));
    snprintf(tmp, sizeof tmp, "%s.tmp", opt->ready_file);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        int w = fprintf(f, "%s\n", json_object_to_json_string_ext(o, MOCK_JSON_FLAGS));
        if (fclose(f) == 0 && w > 0 && rename(tmp, opt->ready_file) == 0)
            rc = 0;
    }
    if (rc != 0) {
        mock_log(MOCK_LOG_ERR, "cannot write ready file %s: %s", opt->ready_file,
                 strerror(errno));
        unlink(tmp);
    }
    json_object_put(o);
    return rc;
}

struct loop {
    int lfd;
    struct gconn *conns[MAX_CONNS];
    size_t n;
    struct grade_config cfg;
};

static void accept_all(struct loop *l)
{
    for (;;) {
        int fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or an error the next poll reports again */
        struct gconn *c = l->n < MAX_CONNS ? gconn_new(fd, &l->cfg) : NULL;
        if (!c) {
            mock_log(MOCK_LOG_WARN, "grading: connection refused: %d connections open",
                     (int)l->n);
            close(fd);
            continue;
        }
        l->conns[l->n++] = c;
    }
}

/* One round: poll, then read, write, time out and free what ended. */
static void round_trip(struct loop *l)
{
    struct pollfd pfd[MAX_CONNS + 1];
    size_t n = l->n;
    pfd[0] = (struct pollfd){.fd = l->lfd, .events = POLLIN};
    for (size_t i = 0; i < n; i++)
        pfd[i + 1] = (struct pollfd){
            .fd = l->conns[i]->fd,
            .events = (short)(POLLIN | (gconn_wants_write(l->conns[i]) ? POLLOUT : 0))};
    if (poll(pfd, n + 1, TICK_MS) < 0 && errno != EINTR) {
        mock_log(MOCK_LOG_ERR, "grading: poll: %s", strerror(errno));
        stop_signal = -1;
        return;
    }
    double now = now_s();
    for (size_t i = 0; i < n; i++) {
        struct gconn *c = l->conns[i];
        short ev = pfd[i + 1].revents;
        if (ev & (POLLIN | POLLERR | POLLHUP))
            gconn_readable(c, now);
        if ((ev & POLLOUT) && c->state != GC_DONE)
            gconn_writable(c, now);
        if (c->state != GC_DONE)
            gconn_tick(c, now);
    }
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->conns[i]->state == GC_DONE)
            gconn_free(l->conns[i], now);
        else
            l->conns[kept++] = l->conns[i];
    }
    l->n = kept;
    if (pfd[0].revents & POLLIN)
        accept_all(l);
}

int grade_server_run(const struct mock_options *opt)
{
    char url[128];
    int port = 0;
    struct loop l = {.cfg = {.dir = opt->grade_dir, .timeout = opt->grade_timeout}};
    if (prepare_dir(opt->grade_dir) != 0 || install_signals() != 0)
        return 1;
    l.lfd = listen_on(opt, url, sizeof url, &port);
    if (l.lfd < 0)
        return 1;
    printf("%s\n", url);
    mock_log(MOCK_LOG_INFO, "grading clients: %zu cases, reports in %s",
             grade_case_count(), opt->grade_dir);
    if (opt->ready_file && write_ready_file(opt, url, port) != 0) {
        close(l.lfd);
        return 1;
    }
    while (!stop_signal)
        round_trip(&l);
    double now = now_s();
    for (size_t i = 0; i < l.n; i++)
        gconn_free(l.conns[i], now);
    close(l.lfd);
    grade_report_free_all();
    if (opt->ready_file)
        unlink(opt->ready_file);
    return stop_signal > 0 ? 0 : 1;
}
