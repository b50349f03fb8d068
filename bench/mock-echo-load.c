/* Load client for bench/mock-echo: a minimal WebSocket client on raw
 * sockets and epoll, so that the client costs far less CPU than the server
 * it measures (a node client saturates before either server does).
 *
 *   mock-echo-load PORT CLIENTS SECONDS   closed-loop echo on 127.0.0.1:
 *       each client sends {"type":"echo",...} and sends again when a reply
 *       arrives; after a 1 s warm-up, round trips are counted for SECONDS and
 *       one JSON line gives the rate and the p50/p99 latency.
 *   mock-echo-load PORT CLIENTS idle      connects CLIENTS clients, prints
 *       "ready" once every welcome is in, and holds them until killed.
 *
 * Every server frame is one whole message here (small, unfragmented); a
 * frame that is not text ends the run with an error. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 200       /* handshakes in flight */
#define BUF 4096        /* replies here are a few hundred bytes */
#define HIST_US 1000000 /* latency histogram: 1 us buckets up to 1 s */

struct conn {
    int fd;
    bool upgraded, ready;
    unsigned char frame[128];
    size_t frame_len;
    unsigned char in[BUF];
    size_t in_len;
    double sent_at;
};

static uint32_t hist[HIST_US + 1];
static uint64_t samples;
static bool measuring;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "mock-echo-load: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void send_all(int fd, const void *p, size_t n)
{
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

    /* One small message in flight per connection: the socket buffer
	 * always has room, so a short write means something is wrong. */
    if (w != (ssize_t)n)
        die("send");
}

/* A masked text frame; the zero mask leaves the payload as it is. */
static void build_frame(struct conn *c, int index)
{
    char payload[100];
    int n = snprintf(
        payload, sizeof(payload),
        "{\"type\":\"echo\",\"client\":%d,\"data\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
        index);

    c->frame[0] = 0x81;
    c->frame[1] = (unsigned char)(0x80 | n);
    memset(c->frame + 2, 0, 4);
    memcpy(c->frame + 6, payload, (size_t)n);
    c->frame_len = 6 + (size_t)n;
}

static void send_echo(struct conn *c)
{
    c->sent_at = now();
    send_all(c->fd, c->frame, c->frame_len);
}

static void connect_one(struct conn *c, int port, int epfd, int index)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    char req[256];
    int one = 1, n;

    /* A server that has just printed its URL may still be a moment away
	 * from accepting: retry a refused connect for up to 2 s. */
    for (int attempt = 0;; attempt++) {
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c->fd < 0)
            die("socket");
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
            break;
        if (errno != ECONNREFUSED || attempt >= 40)
            die("connect");
        close(c->fd);
        usleep(50000);
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    n = snprintf(req, sizeof(req),
                 "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n",
                 port);
    send_all(c->fd, req, (size_t)n);
    build_frame(c, index);
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        die("epoll_ctl");
}

static void record(double seconds)
{
    long us = (long)(seconds * 1e6);

    hist[us > HIST_US ? HIST_US : us]++;
    samples++;
}

/* Consumes complete frames from c->in; returns how many messages. */
static int take_frames(struct conn *c)
{
    size_t off = 0;
    int messages = 0;

    for (;;) {
        unsigned char *p = c->in + off;
        size_t avail = c->in_len - off, hl = 2;
        uint64_t len;

        if (avail < 2)
            break;
        len = p[1] & 0x7F;
        if (len == 126) {
            if (avail < 4)
                break;
            len = ((uint64_t)p[2] << 8) | p[3];
            hl = 4;
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = (len << 8) | p[2 + i];
            hl = 10;
        }
        if (hl + len > BUF) {
            fprintf(stderr, "mock-echo-load: frame too large\n");
            exit(1);
        }
        if (avail < hl + len)
            break;
        if ((p[0] & 0x0F) != 1) {
            fprintf(stderr, "mock-echo-load: unexpected frame opcode %d\n", p[0] & 0x0F);
            exit(1);
        }
        off += hl + len;
        messages++;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return messages;
}

/* Reads what is there; returns 1 when the connection became ready (its
 * welcome arrived). */
static int on_readable(struct conn *c, bool echo)
{
    ssize_t r = recv(c->fd, c->in + c->in_len, BUF - c->in_len, 0);
    int became_ready = 0, messages;

    if (r <= 0)
        die("recv (connection closed)");
    c->in_len += (size_t)r;
    if (!c->upgraded) {
        unsigned char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);

        if (!end)
            return 0;
        if (memcmp(c->in, "HTTP/1.1 101", 12) != 0) {
            fprintf(stderr, "mock-echo-load: handshake refused: %.40s\n", c->in);
            exit(1);
        }
        c->upgraded = true;
        c->in_len -= (size_t)(end + 4 - c->in);
        memmove(c->in, end + 4, c->in_len);
    }
    messages = take_frames(c);
    if (messages && !c->ready) {
        c->ready = true; /* the first message is the welcome */
        became_ready = 1;
        messages--;
        if (echo)
            send_echo(c);
    }
    if (messages && echo) {
        if (measuring)
            record(now() - c->sent_at);
        send_echo(c);
    }
    return became_ready;
}

static void pump(int epfd, double until, bool echo, int *ready, int want)
{
    struct epoll_event evs[256];

    while (now() < until && (!ready || *ready < want)) {
        int n = epoll_wait(epfd, evs, 256, 100);

        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int r = on_readable(evs[i].data.ptr, echo);

            if (ready)
                *ready += r;
        }
    }
}

static double percentile(double p)
{
    uint64_t want = (uint64_t)(p * (double)samples), seen = 0;

    for (long us = 0; us <= HIST_US; us++) {
        seen += hist[us];
        if (seen > want)
            return us / 1000.0 + 0.0005;
    }
    return HIST_US / 1000.0;
}

int main(int argc, char **argv)
{
    int port, clients, epfd, ready = 0;
    bool idle;
    struct conn *conns;
    double seconds, t0;

    if (argc != 4) {
        fprintf(stderr, "usage: mock-echo-load PORT CLIENTS SECONDS|idle\n");
        return 2;
    }
    port = atoi(argv[1]);
    clients = atoi(argv[2]);
    idle = strcmp(argv[3], "idle") == 0;
    seconds = idle ? 0 : atof(argv[3]);
    conns = calloc((size_t)clients, sizeof(*conns));
    epfd = epoll_create1(0);
    if (!conns || epfd < 0)
        die("setup");
    for (int i = 0; i < clients; i += BATCH) {
        int end = i + BATCH < clients ? i + BATCH : clients;

        for (int k = i; k < end; k++)
            connect_one(&conns[k], port, epfd, k);
        pump(epfd, now() + 30, !idle, &ready, end);
        if (ready < end) {
            fprintf(stderr, "mock-echo-load: only %d of %d clients ready\n", ready, end);
            return 1;
        }
    }
    if (idle) {
        printf("ready\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    pump(epfd, now() + 1.0, true, NULL, 0); /* warm-up */
    measuring = true;
    t0 = now();
    pump(epfd, t0 + seconds, true, NULL, 0);
    measuring = false;
    seconds = now() - t0;
    printf("{\"clients\":%d,\"round_trips\":%llu,\"seconds\":%.3f,\"rate\":%.0f,"
           "\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
           clients, (unsigned long long)samples, seconds, (double)samples / seconds,
           percentile(0.50), percentile(0.99));
    return 0;
}
