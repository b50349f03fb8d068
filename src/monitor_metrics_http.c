/* The HTTP listener of the monitor's metrics: one thread, one poll() loop,
 * a few clients at once. It serves GET (and HEAD) /metrics, a page with a
 * link on /, 404 elsewhere; a request is read up to a bounded size, each
 * connection answers one request and is closed, and a client that sends
 * nothing is dropped after a while, so that no scraper can hold the slots.
 * monitor_metrics_free() wakes the thread through a pipe and joins it. */
#include "monitor_metrics_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define MM_CLIENTS 16
#define MM_REQUEST_MAX 8192
#define MM_IDLE_MS 10000

struct mm_client {
    int fd; /* -1: a free slot */
    char req[MM_REQUEST_MAX + 1];
    size_t len;
    char *out; /* the whole response, once the request is read */
    size_t out_len, out_off;
    long long since_ms;
};

struct mm_listener {
    struct monitor_metrics *m;
    int fd, port;
    int wake[2];
    pthread_t thread;
    struct mm_client c[MM_CLIENTS];
};

static const char content_type[] = "text/plain; version=0.0.4; charset=utf-8";
static const char index_page[] =
    "<!DOCTYPE html>\n<html><head><title>wscheck monitor</title></head>\n"
    "<body><h1>wscheck monitor</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void client_close(struct mm_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->out);
    c->out = NULL;
    c->fd = -1;
}

static void respond(struct mm_client *c, int code, const char *reason, const char *type,
                    const char *body, int head_only, const char *extra)
{
    size_t len = strlen(body);
    struct wsc_buf b = {0};
    wsc_buf_printf(&b,
                   "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
                   code, reason, type, len, extra ? extra : "");
    if (!head_only)
        wsc_buf_append(&b, body, len);
    c->out = wsc_buf_take(&b);
    c->out_len = c->out ? strlen(c->out) : 0;
    c->out_off = 0;
}

/* Answers the request line in c->req (complete: its headers have ended). */
static void answer(struct mm_listener *l, struct mm_client *c)
{
    char method[8], target[256];
    int head_only;
    if (sscanf(c->req, "%7s %255s HTTP/1.%*d", method, target) != 2) {
        respond(c, 400, "Bad Request", "text/plain", "bad request\n", 0, NULL);
        return;
    }
    head_only = strcmp(method, "HEAD") == 0;
    if (!head_only && strcmp(method, "GET") != 0) {
        respond(c, 405, "Method Not Allowed", "text/plain", "GET or HEAD only\n", 0,
                "Allow: GET, HEAD\r\n");
        return;
    }
    target[strcspn(target, "?")] = '\0';
    if (strcmp(target, "/metrics") == 0) {
        char *text = monitor_metrics_render(l->m);
        if (text)
            respond(c, 200, "OK", content_type, text, head_only, NULL);
        else
            respond(c, 500, "Internal Server Error", "text/plain", "out of memory\n", 0,
                    NULL);
        free(text);
    } else if (strcmp(target, "/") == 0) {
        respond(c, 200, "OK", "text/html; charset=utf-8", index_page, head_only, NULL);
    } else {
        respond(c, 404, "Not Found", "text/plain", "not found: try /metrics\n", head_only,
                NULL);
    }
}

static void client_read(struct mm_listener *l, struct mm_client *c)
{
    ssize_t n = recv(c->fd, c->req + c->len, MM_REQUEST_MAX - c->len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        client_close(c);
        return;
    }
    c->len += (size_t)n;
    c->req[c->len] = '\0';
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
        answer(l, c);
    else if (c->len == MM_REQUEST_MAX)
        respond(c, 431, "Request Header Fields Too Large", "text/plain",
                "request too large\n", 0, NULL);
    else
        return;
    if (!c->out)
        client_close(c); /* out of memory: nothing to say */
}

static void client_write(struct mm_client *c)
{
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 0 || (c->out_off += (size_t)n) == c->out_len)
        client_close(c);
}

static void accept_client(struct mm_listener *l)
{
    for (size_t i = 0; i < MM_CLIENTS; i++) {
        struct mm_client *c = &l->c[i];
        if (c->fd >= 0)
            continue;
        c->fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        c->len = 0;
        c->req[0] = '\0';
        c->since_ms = now_ms();
        return;
    }
}

/* One pass of the loop. Returns 0 to go on, 1 when woken to stop. */
static int serve_once(struct mm_listener *l)
{
    struct pollfd p[MM_CLIENTS + 2];
    size_t idx[MM_CLIENTS], n = 2, free_slots = 0;
    long long now = now_ms();
    p[0] = (struct pollfd){l->wake[0], POLLIN, 0};
    for (size_t i = 0; i < MM_CLIENTS; i++) {
        struct mm_client *c = &l->c[i];
        if (c->fd >= 0 && now - c->since_ms > MM_IDLE_MS)
            client_close(c);
        if (c->fd < 0) {
            free_slots++;
            continue;
        }
        idx[n - 2] = i;
        p[n++] = (struct pollfd){c->fd, c->out ? POLLOUT : POLLIN, 0};
    }
    /* With every slot taken, new clients wait in the backlog. */
    p[1] = (struct pollfd){free_slots ? l->fd : -1, POLLIN, 0};
    if (poll(p, (nfds_t)n, 1000) <= 0)
        return 0;
    if (p[0].revents)
        return 1;
    for (size_t k = 2; k < n; k++) {
        struct mm_client *c = &l->c[idx[k - 2]];
        if (!p[k].revents)
            continue;
        if (c->out)
            client_write(c);
        else
            client_read(l, c);
    }
    if (p[1].revents & POLLIN)
        accept_client(l);
    return 0;
}

static void *serve(void *arg)
{
    struct mm_listener *l = arg;
    while (serve_once(l) == 0)
        ;
    return NULL;
}

/* Splits "HOST:PORT", "[V6]:PORT" or ":PORT"; host NULL for every interface. */
static int split_addr(const char *addr, char *host, size_t size, const char **port)
{
    const char *colon;
    if (addr[0] == '[') {
        const char *end = strchr(addr, ']');
        if (!end || end[1] != ':' || (size_t)(end - addr - 1) >= size)
            return -1;
        snprintf(host, size, "%.*s", (int)(end - addr - 1), addr + 1);
        colon = end + 1;
    } else {
        if (!(colon = strrchr(addr, ':')) || (size_t)(colon - addr) >= size ||
            memchr(addr, ':', (size_t)(colon - addr)))
            return -1;
        snprintf(host, size, "%.*s", (int)(colon - addr), addr);
    }
    *port = colon + 1;
    size_t digits = strspn(*port, "0123456789");
    if (digits == 0 || digits > 5 || (*port)[digits] || atoi(*port) > 65535)
        return -1;
    return 0;
}

static int bind_one(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1, off = 0;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    /* ":PORT" binds "::", which then takes IPv4 clients too. */
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* A listening socket on addr, or -1 with *err. */
static int open_socket(const char *addr, int *port, char **err)
{
    char host[256];
    const char *service;
    if (split_addr(addr, host, sizeof(host), &service) < 0) {
        *err = wsc_strdup_printf("invalid listen address '%s': expected HOST:PORT, "
                                 "[IPV6]:PORT or :PORT",
                                 addr);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = host[0] ? AF_UNSPEC : AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host[0] ? host : NULL, service, &hints, &res);
    if (gai != 0 && !host[0]) { /* no IPv6 here: every IPv4 interface */
        hints.ai_family = AF_INET;
        gai = getaddrinfo(NULL, service, &hints, &res);
    }
    if (gai != 0) {
        *err = wsc_strdup_printf("cannot listen on %s: %s", addr, gai_strerror(gai));
        return -1;
    }
    int fd = -1, e = 0;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        if ((fd = bind_one(ai)) < 0)
            e = errno;
    freeaddrinfo(res);
    if (fd < 0) {
        *err = wsc_strdup_printf("cannot listen on %s: %s", addr, strerror(e));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    *port = getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ? -1
            : ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void listener_free(struct mm_listener *l)
{
    for (size_t i = 0; i < MM_CLIENTS; i++)
        client_close(&l->c[i]);
    if (l->fd >= 0)
        close(l->fd);
    if (l->wake[0] >= 0)
        close(l->wake[0]);
    if (l->wake[1] >= 0)
        close(l->wake[1]);
    free(l);
}

/* The thread takes no signal: they are the monitor loop's. */
static int start_thread(struct mm_listener *l)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&l->thread, NULL, serve, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

int monitor_metrics_listen(struct monitor_metrics *m, const char *addr, char **err)
{
    char *why = NULL;
    struct mm_listener *l = calloc(1, sizeof(*l));
    if (!l) {
        if (err)
            *err = wsc_strdup_printf("cannot listen on %s: out of memory", addr);
        return -1;
    }
    l->fd = l->wake[0] = l->wake[1] = -1;
    for (size_t i = 0; i < MM_CLIENTS; i++)
        l->c[i].fd = -1;
    if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) < 0)
        why = wsc_strdup_printf("cannot listen on %s: %s", addr, strerror(errno));
    if (!why && (l->fd = open_socket(addr, &l->port, &why)) >= 0) {
        l->m = m;
        pthread_mutex_lock(&m->lock);
        if (m->listener)
            why = wsc_strdup_printf("cannot listen on %s: already listening", addr);
        else if (start_thread(l) != 0)
            why = wsc_strdup_printf("cannot listen on %s: no thread", addr);
        else
            m->listener = l;
        pthread_mutex_unlock(&m->lock);
    }
    if (!why)
        return 0;
    listener_free(l);
    if (err)
        *err = why;
    else
        free(why);
    return -1;
}

void mm_listener_stop(struct mm_listener *l)
{
    char c = 'q';
    while (write(l->wake[1], &c, 1) < 0 && errno == EINTR)
        ;
    pthread_join(l->thread, NULL);
    listener_free(l);
}

int mm_listener_port(const struct mm_listener *l)
{
    return l->port;
}
