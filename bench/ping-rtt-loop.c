/* The baseline for bench/ping-rtt: the least a client can do to measure ping
 * round trips with libcurl's WebSocket API. Connects, then N times sends a
 * ping "wscheck-I" and reads until its pong, timing send to pong with the
 * monotonic clock; prints "p50_ms P50 p99_ms P99 n N" (exact percentiles,
 * nearest rank, from the sorted samples).
 *
 *   cc -O2 -o ping-rtt-loop bench/ping-rtt-loop.c $(pkg-config --cflags --libs libcurl) -lm
 *   ./ping-rtt-loop ws://127.0.0.1:9004 2000
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_readable(curl_socket_t sock, int ms)
{
    struct pollfd p = {.fd = sock, .events = POLLIN, .revents = 0};
    return poll(&p, 1, ms);
}

/* Reads frames until the pong echoing `payload`; -1 on error or after 5 s. */
static int await_pong(CURL *curl, curl_socket_t sock, const char *payload, size_t len)
{
    char buf[256];
    double give_up = now_s() + 5;
    while (now_s() < give_up) {
        size_t n = 0;
        const struct curl_ws_frame *meta = NULL;
        CURLcode rc = curl_ws_recv(curl, buf, sizeof buf, &n, &meta);
        if (rc == CURLE_AGAIN) {
            if (wait_readable(sock, 100) < 0)
                return -1;
            continue;
        }
        if (rc != CURLE_OK)
            return -1;
        if ((meta->flags & CURLWS_PONG) && n == len && memcmp(buf, payload, len) == 0)
            return 0;
    }
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return sorted[rank > 0 ? rank - 1 : 0];
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s ws://HOST:PORT COUNT\n", argv[0]);
        return 2;
    }
    long count = strtol(argv[2], NULL, 10);
    if (count < 1)
        return 2;
    double *rtt = calloc((size_t)count, sizeof *rtt);
    CURL *curl = curl_easy_init();
    if (!rtt || !curl)
        return 1;
    curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 2L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    CURLcode rc = curl_easy_perform(curl);
    curl_socket_t sock = CURL_SOCKET_BAD;
    if (rc != CURLE_OK ||
        curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK) {
        fprintf(stderr, "connect: %s\n", curl_easy_strerror(rc));
        return 1;
    }
    for (long i = 0; i < count; i++) {
        char payload[32];
        size_t len = (size_t)snprintf(payload, sizeof payload, "wscheck-%ld", i + 1);
        size_t sent = 0;
        double t0 = now_s();
        if (curl_ws_send(curl, payload, len, &sent, 0, CURLWS_PING) != CURLE_OK ||
            await_pong(curl, sock, payload, len) != 0) {
            fprintf(stderr, "ping %ld failed\n", i + 1);
            return 1;
        }
        rtt[i] = (now_s() - t0) * 1000.0;
    }
    qsort(rtt, (size_t)count, sizeof *rtt, cmp_double);
    printf("p50_ms %.4f p99_ms %.4f n %ld\n", percentile(rtt, (size_t)count, 50),
           percentile(rtt, (size_t)count, 99), count);
    size_t sent = 0;
    curl_ws_send(curl, "\x03\xe8", 2, &sent, 0, CURLWS_CLOSE);
    curl_easy_cleanup(curl);
    free(rtt);
    return 0;
}
