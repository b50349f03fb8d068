/* wscheck-mock: 431 for a request head over --max-header-size. */
#include "header_limit.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lingering_close.h"
#include "log.h"
#include "server.h"

#define OVERFLOW_LINE "Ran out of header data space"

/* The waiting connections are marked with this (lws's opaque user data,
 * which nothing else here uses) so that adding and removing stay
 * balanced; the XOR of their addresses is the one when only one waits. */
static char waiting_mark;
static size_t n_waiting;
static uintptr_t waiting_xor;

void header_limit_awaiting(struct lws *wsi)
{
    if (lws_get_opaque_user_data(wsi) == &waiting_mark)
        return;
    lws_set_opaque_user_data(wsi, &waiting_mark);
    n_waiting++;
    waiting_xor ^= (uintptr_t)wsi;
}

void header_limit_done(struct lws *wsi)
{
    if (lws_get_opaque_user_data(wsi) != &waiting_mark)
        return;
    lws_set_opaque_user_data(wsi, NULL);
    n_waiting--;
    waiting_xor ^= (uintptr_t)wsi;
}

void header_limit_track(struct lws *wsi, enum lws_callback_reasons reason)
{
    switch (reason) {
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
        header_limit_awaiting(wsi);
        break;
    case LWS_CALLBACK_HTTP:
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_WSI_DESTROY:
        header_limit_done(wsi);
        break;
    default:
        break;
    }
}

static void refuse(struct lws *wsi)
{
    struct mock_server *srv = mock_server_of(wsi);
    char body[200], msg[600];
    int blen, n, fd = lws_get_socket_fd(wsi);

    if (!srv || fd < 0 || lws_partial_buffered(wsi))
        return; /* never into the middle of an answer */
    mock_log(MOCK_LOG_INFO, "refused a request: head over %zu bytes (431)",
             srv->opt->max_header_size);
    blen = snprintf(body, sizeof(body),
                    "{\"error\":\"Request Header Fields Too Large: the request line and "
                    "headers must fit in %zu bytes (--max-header-size)\"}",
                    srv->opt->max_header_size);
    n = snprintf(msg, sizeof(msg),
                 "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                 "content-type: application/json\r\n"
                 "content-length: %d\r\n"
                 "connection: close\r\n\r\n%s",
                 blen, body);
    if (blen < 0 || (size_t)blen >= sizeof(body) || n < 0 || (size_t)n >= sizeof(msg))
        return;
    /* A few hundred bytes into a send buffer lws is not using. */
    if (send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
        return;
    lingering_close_start(&srv->linger, srv->ctx, fd);
}

bool header_limit_lws_line(const char *line)
{
    struct lws *wsi;

    if (!strstr(line, OVERFLOW_LINE))
        return false;
    if (n_waiting != 1) {
        mock_log(MOCK_LOG_INFO, "a request head over --max-header-size: closed");
        return true;
    }
    wsi = (struct lws *)waiting_xor;
    header_limit_done(wsi);
    refuse(wsi);
    return true;
}
