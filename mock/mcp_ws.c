/* wscheck-mock: MCP WebSocket sessions. */
#include "mcp_ws.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "log.h"
#include "msg_queue.h"
#include "mcp_runs.h"
#include "server.h"

/* As on the HTTP endpoint: a tiny --max-message-size cannot break MCP. */
#define MIN_MESSAGE_LIMIT 65536
#define WRITE_BATCH 32

static void drop(struct mcp_ws_pss *p, int code, const char *why)
{
    if (p->closing)
        return;
    p->closing = true;
    lws_close_reason(p->wsi, (enum lws_close_status)code, (unsigned char *)(uintptr_t)why,
                     strlen(why));
    lws_callback_on_writable(p->wsi); /* -1 there sends the close */
}

static int queue_text(struct mcp_ws_pss *p, const char *text, size_t len)
{
    if (p->closing || !p->live)
        return -1;
    if (msg_queue_push(&p->out, text, len) != 0) {
        mock_log(MOCK_LOG_WARN, "MCP WebSocket %s does not read: closing it",
                 p->session.key);
        drop(p, LWS_CLOSE_STATUS_POLICY_VIOLATION, "send queue overflow");
        return -1;
    }
    lws_callback_on_writable(p->wsi);
    return 0;
}

static int sink_send(struct mcp_sink *s, json_object *msg)
{
    struct mcp_ws_pss *p = lws_container_of(s, struct mcp_ws_pss, sink);
    size_t len;
    const char *text = json_object_to_json_string_length(msg, MOCK_JSON_FLAGS, &len);

    return text ? queue_text(p, text, len) : -1;
}

static void async_finished(struct mcp_async *a, json_object *response)
{
    struct mcp_ws_pss *p = lws_container_of(a, struct mcp_ws_pss, async);

    if (response)
        sink_send(&p->sink, response);
    json_object_put(response);
}

static int on_established(struct mock_server *srv, struct lws *wsi, struct mcp_ws_pss *p)
{
    memset(p, 0, sizeof(*p));
    p->wsi = wsi;
    p->srv = srv;
    p->sink.send = sink_send;
    p->async.finished = async_finished;
    if (srv->stopping)
        return -1;
    snprintf(p->session.key, sizeof(p->session.key), "ws-%" PRIu64,
             ++srv->mcp_ws_sessions);
    p->live = true;
    p->next = srv->mcp_ws_head;
    if (p->next)
        p->next->prev = p;
    srv->mcp_ws_head = p;
    srv->mcp_ws_live++;
    mock_log(MOCK_LOG_INFO, "MCP WebSocket session %s connected", p->session.key);
    return 0;
}

static void on_closed(struct mcp_ws_pss *p)
{
    if (!p->live)
        return;
    p->live = false;
    if (p->prev)
        p->prev->next = p->next;
    else
        p->srv->mcp_ws_head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->srv->mcp_ws_live--;
    mcp_runs_detach(p->srv, &p->sink);
    if (p->async.active || p->async.rpc_id)
        mcp_async_cancel(&p->async);
    msg_queue_clear(&p->out);
    mock_reassembly_free(&p->partial);
    mock_log(MOCK_LOG_INFO, "MCP WebSocket session %s closed", p->session.key);
}

static void handle(struct mcp_ws_pss *p, const char *text, size_t len)
{
    json_object *reply =
        mcp_handle_ws(p->srv, &p->session, text, len, &p->sink, &p->async);

    if (reply)
        sink_send(&p->sink, reply);
    json_object_put(reply);
}

/* Messages come in pieces; MCP messages are text frames, and one bigger
 * than the limit closes the session (1003, 1009) once read. */
static int on_receive(struct mcp_ws_pss *p, const char *in, size_t len)
{
    struct lws *wsi = p->wsi;
    size_t max = p->srv->opt->max_message_size;
    bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);

    if (max < MIN_MESSAGE_LIMIT)
        max = MIN_MESSAGE_LIMIT;
    if (p->closing)
        return 0;
    if (first) {
        mock_reassembly_reset(&p->partial);
        p->discarding = lws_frame_is_binary(wsi);
    }
    if (!p->discarding &&
        p->partial.len + len + lws_remaining_packet_payload(wsi) > max) {
        p->discarding = true;
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                         (unsigned char *)"message too big", 15);
    }
    if (p->discarding) {
        if (final)
            drop(p,
                 lws_frame_is_binary(wsi) ? LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE
                                          : LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                 lws_frame_is_binary(wsi) ? "MCP messages are text frames"
                                          : "message too big");
        return 0;
    }
    if (first && final) {
        handle(p, in, len);
        return 0;
    }
    if (mock_reassembly_append(&p->partial, in, len) != 0)
        return -1;
    if (final) {
        handle(p, p->partial.data, p->partial.len);
        mock_reassembly_reset(&p->partial);
    }
    return 0;
}

static int on_writeable(struct mcp_ws_pss *p)
{
    if (p->closing)
        return -1;
    if (msg_queue_write(p->wsi, &p->out, WRITE_BATCH, LWS_WRITE_TEXT) < 0)
        return -1;
    if (p->out.head)
        lws_callback_on_writable(p->wsi);
    return 0;
}

void mcp_ws_shutdown_all(struct mock_server *srv)
{
    for (struct mcp_ws_pss *p = srv->mcp_ws_head; p; p = p->next)
        drop(p, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down");
}

int mcp_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                    void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);
    struct mcp_ws_pss *p = user;

    if (!srv || !p)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        return on_established(srv, wsi, p);
    case LWS_CALLBACK_RECEIVE:
        return p->live ? on_receive(p, in, len) : 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return p->live ? on_writeable(p) : 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        on_closed(p);
        return 0;
    default:
        return 0;
    }
}
