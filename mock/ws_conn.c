/* wscheck-mock: WebSocket connections. */
#include "ws_conn.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "header_limit.h"
#include "keepalive_pings.h"
#include "log.h"
#include "mcp_port.h"
#include "protocol.h"
#include "server.h"
#include "timefmt.h"
#include "ws_handshake.h"
#include "ws_security.h"

/* "ip:port" of the peer, as the reference shows remote_address. */
static void peer_address(struct lws *wsi, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[INET6_ADDRSTRLEN], serv[8];
    const char *h = host;

    snprintf(out, outlen, "unknown");
    if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&ss, &sl) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return;
    if (strncmp(h, "::ffff:", 7) == 0 && strchr(h + 7, '.'))
        h += 7; /* an IPv4 peer on a dual-stack socket */
    snprintf(out, outlen, "%s:%s", h, serv);
}

static int on_established(struct mock_server *srv, struct lws *wsi, struct mock_client *c)
{
    memset(c, 0, sizeof(*c));
    c->srv = srv;
    c->wsi = wsi;
    c->connected_at = mock_wall_us();
    peer_address(wsi, c->remote, sizeof(c->remote));
    if (srv->stopping) {
        c->closing = true;
        lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                         (unsigned char *)"server shutting down", 20);
        return -1;
    }
    if (client_table_add(&srv->clients, c) != 0)
        return -1;
    srv->stats.total_connections++;
    keepalive_client_init(srv, c);
    if (ws_security_client_init(srv, wsi, c))
        protocol_welcome(c); /* queued: no writing inside ESTABLISHED */
    c->direct_ok = true;
    mock_log(MOCK_LOG_INFO, "client %s connected from %s", c->id, c->remote);
    return 0;
}

/* The client is gone, or going: it leaves the list at once. */
static void on_gone(struct mock_client *c)
{
    if (!c->srv)
        return;
    c->closing = true;
    ws_security_client_gone(c);
    if (c->in_table) {
        client_table_remove(&c->srv->clients, c);
        mock_log(MOCK_LOG_INFO, "client %s disconnected", c->id);
    }
    client_release(c);
}

/* An oversize message is read to its end and dropped before the 1009
 * close goes out: closing while the peer is still sending would leave data
 * unread, and a socket closed with unread data is reset, so the peer might
 * never see the close. Past DISCARD_MAX the peer gets no more patience. */
#define DISCARD_MAX ((size_t)64 << 20)

static int discard(struct mock_client *c, size_t len, bool final)
{
    c->discarding += len;
    if (final || c->discarding > DISCARD_MAX) {
        mock_log(MOCK_LOG_INFO, "client %s: message over %zu bytes, closing", c->id,
                 c->srv->opt->max_message_size);
        client_drop(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
    }
    return 0;
}

/* A whole message: the security options' say first (login, role, rate). */
static void deliver(struct mock_client *c, const char *data, size_t len, bool binary)
{
    if (!ws_security_message(c, data, len, binary))
        protocol_deliver(c, data, len, binary);
}

/* lws hands over a message in pieces (frames, and chunks of a frame); a
 * message in one piece is handled in place, others are reassembled. The
 * size limit counts what is still to come in the current frame, so an
 * oversize frame is refused before any of it is stored. */
static int on_receive(struct mock_client *c, const char *in, size_t len)
{
    struct lws *wsi = c->wsi;
    size_t max = c->srv->opt->max_message_size;
    bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);

    if (c->closing)
        return 0;
    if (c->discarding)
        return discard(c, len, final);
    if (first) {
        mock_reassembly_reset(&c->partial);
        c->partial_binary = lws_frame_is_binary(wsi);
    }
    if (c->partial.len + len + lws_remaining_packet_payload(wsi) > max) {
        mock_reassembly_reset(&c->partial);
        return discard(c, len + 1, final); /* +1: never zero */
    }
    if (first && final) {
        deliver(c, in, len, c->partial_binary);
        return 0;
    }
    if (mock_reassembly_append(&c->partial, in, len) != 0) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
                         (unsigned char *)"out of memory", 13);
        return -1;
    }
    if (final) {
        deliver(c, c->partial.data, c->partial.len, c->partial_binary);
        mock_reassembly_reset(&c->partial);
    }
    return 0;
}

/* Queued messages, as many as the socket takes in one go (lws allows more
 * than one write per callback while none of them was partly buffered), but
 * no more than a batch, so one busy client cannot starve the others. */
#define WRITE_BATCH 32

static int write_queued(struct mock_client *c)
{
    struct mock_outbuf *buf;

    for (int i = 0; i < WRITE_BATCH && !lws_partial_buffered(c->wsi) &&
                    (buf = client_next_out(c)) != NULL;
         i++) {
        int n = lws_write(c->wsi, buf->bytes + LWS_PRE, buf->len, LWS_WRITE_TEXT);

        outbuf_unref(buf);
        if (n < 0)
            return -1;
    }
    return 0;
}

/* A due keepalive ping first, then the queue, then (at server exit) the
 * close. */
static int on_writeable(struct mock_client *c)
{
    struct lws *wsi = c->wsi;

    if (c->dropping)
        return -1; /* sends the close reason set by client_drop() */
    if (c->closing)
        return 0;
    if (c->ping_due) {
        /* A payload, because lws 4.1 reports no empty pong to us. */
        unsigned char frame[LWS_PRE + 8];

        memcpy(frame + LWS_PRE, "keepaliv", 8);
        c->ping_due = false;
        if (lws_write(wsi, frame + LWS_PRE, 8, LWS_WRITE_PING) < 0)
            return -1;
    } else if (c->out.head) {
        if (write_queued(c) != 0)
            return -1;
    } else if (c->shutting_down) {
        c->closing = true;
        lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                         (unsigned char *)"server shutting down", 20);
        return -1;
    }
    if (c->out.head || c->ping_due || c->shutting_down)
        lws_callback_on_writable(wsi);
    return 0;
}

void ws_conn_shutdown_all(struct mock_server *srv)
{
    for (struct mock_client *c = srv->clients.head; c; c = c->next) {
        if (c->closing)
            continue;
        c->shutting_down = true;
        lws_callback_on_writable(c->wsi);
    }
}

/* The handshake as RFC 6455 asks, then subprotocols: lws drops a
 * connection that offers only names it does not know without a word;
 * answer 400 instead, naming what we accept. */
static int confirm_upgrade(struct mock_server *srv, struct lws *wsi)
{
    char offered[256], *save = NULL, *tok;
    const char *why;
    int status = ws_handshake_check(wsi, &why);

    if (status) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: %s", why);
        return http_refuse_upgrade(wsi, status, why);
    }
    status = ws_security_upgrade(srv, wsi);
    if (status)
        return status;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0)
        return 0;
    if (lws_hdr_copy(wsi, offered, sizeof(offered), WSI_TOKEN_PROTOCOL) < 0)
        offered[0] = '\0';
    for (tok = strtok_r(offered, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (strcmp(tok, MCP_WS_SUBPROTOCOL) == 0)
            return mcp_ws_check_origin(wsi); /* lws picks "mcp" too */
        if (lws_vhost_name_to_protocol(srv->ws_vhost, tok))
            return 0;
    }
    mock_log(MOCK_LOG_INFO, "refused upgrade: no supported subprotocol offered");
    return http_refuse_upgrade(wsi, HTTP_STATUS_BAD_REQUEST,
                               "Unsupported WebSocket subprotocol");
}

static int http_callback(struct mock_server *srv, struct lws *wsi,
                         enum lws_callback_reasons reason, union ws_conn_pss *pss)
{
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return pss ? ws_port_http_request(srv, wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return pss ? ws_port_http_body_done(wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return pss ? http_reply_writeable(wsi, &pss->http.reply) : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        if (pss)
            http_reply_free(&pss->http.reply);
        return 0;
    default:
        return 0;
    }
}

int ws_conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);
    union ws_conn_pss *pss = user;

    if (!srv)
        return 0;
    header_limit_track(wsi, reason);
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return confirm_upgrade(srv, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        return on_established(srv, wsi, &pss->client);
    case LWS_CALLBACK_RECEIVE:
        return on_receive(&pss->client, in, len);
    case LWS_CALLBACK_RECEIVE_PONG:
        keepalive_pong(srv, &pss->client);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writeable(&pss->client);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        if (pss)
            on_gone(&pss->client);
        return 0;
    default:
        return http_callback(srv, wsi, reason, pss);
    }
}
