/* wscheck-mock: crackerjack's progress sockets. */
#include "cj_progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cj_jobs.h"
#include "cj_sim.h"
#include "header_limit.h"
#include "http_reply.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "msg_queue.h"
#include "server.h"
#include "ws_handshake.h"

#define PREFIX "/ws/progress/"
/* uvicorn's limit for one message; crackerjack ends a socket after this
 * many client messages. */
#define MAX_MESSAGE ((size_t)16 << 20)
#define MAX_MESSAGES 10000
#define WRITE_BATCH 16

/* ---- the handshake ---- */

/* Rejections happen before accept, which uvicorn turns into a 403 with
 * an empty body. Returns 1: answered, as http_refuse_upgrade. */
static int forbid(struct lws *wsi, const char *why)
{
    static const char head[] = "HTTP/1.1 403 Forbidden\r\n"
                               "content-length: 0\r\n"
                               "connection: close\r\n\r\n";
    unsigned char buf[LWS_PRE + sizeof(head)];

    mock_log(MOCK_LOG_INFO, "crackerjack: progress handshake refused: %s", why);
    memcpy(buf + LWS_PRE, head, sizeof(head) - 1);
    if (lws_write(wsi, buf + LWS_PRE, sizeof(head) - 1, LWS_WRITE_HTTP_HEADERS) !=
        (int)sizeof(head) - 1)
        return -1;
    header_limit_awaiting(wsi);
    return 1;
}

/* The job id of a progress path, or NULL when the path is another. */
static const char *path_id(const char *uri, int len)
{
    size_t n = strlen(PREFIX);

    if (len <= (int)n || strncmp(uri, PREFIX, n) != 0 || memchr(uri + n, '/', len - n))
        return NULL;
    return uri + n;
}

int cj_progress_confirm(struct mock_server *srv, struct lws *wsi)
{
    char *uri = NULL;
    int len = 0, status;
    const char *why, *id;

    status = ws_handshake_check(wsi, &why);
    if (status) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: %s", why);
        return http_refuse_upgrade(wsi, status, why);
    }
    /* crackerjack selects none; lws would drop the connection without a
     * word rather than accept one it does not know. */
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) > 0) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: a subprotocol was offered");
        return http_refuse_upgrade(wsi, HTTP_STATUS_BAD_REQUEST,
                                   "crackerjack's progress sockets take no subprotocol");
    }
    if (lws_http_get_uri_and_method(wsi, &uri, &len) < 0)
        uri = NULL;
    id = uri ? path_id(uri, len) : NULL;
    if (!id)
        return forbid(wsi, "no WebSocket route for this path");
    if (srv->cj->bugs & CJ_BUG_ROUTE_SPACES)
        return forbid(wsi, "route registered with spaces (bug route-spaces)");
    if (!cj_id_valid(id, (size_t)(uri + len - id), false))
        return forbid(wsi, "Invalid job ID");
    return 0;
}

/* ---- sending ---- */

static void close_with(struct cj_sock *s, int code, const char *why)
{
    if (s->closing)
        return;
    s->closing = true;
    lws_close_reason(s->wsi, (enum lws_close_status)code, (unsigned char *)(uintptr_t)why,
                     strlen(why));
    lws_callback_on_writable(s->wsi);
}

static void queue(struct cj_sock *s, const char *text)
{
    if (s->closing || !s->live)
        return;
    if (msg_queue_push(&s->out, text, strlen(text)) != 0) {
        close_with(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "send queue overflow");
        return;
    }
    lws_callback_on_writable(s->wsi);
}

static void queue_json(struct cj_sock *s, json_object *o)
{
    const char *text = o ? json_object_to_json_string_ext(o, MOCK_JSON_FLAGS) : NULL;

    if (text)
        queue(s, text);
    json_object_put(o);
}

static json_object *waiting(const char *id)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "job_id", json_object_new_string(id));
    mock_json_add(o, "status", json_object_new_string("waiting"));
    mock_json_add(o, "message", json_object_new_string("Waiting for job to start..."));
    mock_json_add(o, "overall_progress", json_object_new_int(0));
    mock_json_add(o, "iteration", json_object_new_int(0));
    mock_json_add(o, "max_iterations", json_object_new_int(10));
    mock_json_add(o, "current_stage", json_object_new_string("Initializing"));
    return o;
}

/* ---- the client's silence ---- */

static void idle_expired(lws_sorted_usec_list_t *sul)
{
    struct cj_sock *s = lws_container_of(sul, struct cj_sock, idle);

    mock_log(MOCK_LOG_INFO, "crackerjack: progress socket of %s silent, closing", s->id);
    close_with(s, LWS_CLOSE_STATUS_NORMAL, "");
}

static void idle_restart(struct cj_sock *s)
{
    double t = s->cj->srv->opt->cj_idle_timeout;

    if (t > 0)
        lws_sul_schedule(lws_get_context(s->wsi), 0, &s->idle, idle_expired,
                         (lws_usec_t)(t * 1e6));
}

/* ---- events ---- */

static int on_established(struct mock_server *srv, struct lws *wsi, struct cj_sock *s)
{
    char *uri = NULL;
    int len = 0;
    const char *id;
    json_object *doc = NULL;

    memset(s, 0, sizeof(*s));
    s->wsi = wsi;
    s->cj = srv->cj;
    if (lws_http_get_uri_and_method(wsi, &uri, &len) < 0)
        uri = NULL;
    id = uri ? path_id(uri, len) : NULL;
    if (!id || srv->stopping)
        return -1;
    snprintf(s->id, sizeof(s->id), "%.*s", (int)(uri + len - id), id);
    s->live = true;
    s->drop = cj_sim_drops_socket(srv->cj, s->id);
    s->next = srv->cj->socks;
    if (s->next)
        s->next->prev = s;
    srv->cj->socks = s;
    srv->cj->n_socks++;
    metrics_connection_opened("crackerjack");
    mock_log(MOCK_LOG_INFO, "crackerjack: progress socket for %s", s->id);
    queue_json(s, cj_job_read(srv->cj, s->id, &doc) == 0 ? doc : waiting(s->id));
    idle_restart(s);
    return 0;
}

static void on_closed(struct cj_sock *s)
{
    if (!s->live)
        return;
    s->live = false;
    lws_sul_cancel(&s->idle);
    if (s->prev)
        s->prev->next = s->next;
    else
        s->cj->socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->cj->n_socks--;
    msg_queue_clear(&s->out);
    mock_reassembly_free(&s->partial);
}

static void echo(struct cj_sock *s, const char *text, size_t len)
{
    json_object *o = json_object_new_object();
    struct printbuf *pb = printbuf_new();

    if (!o || !pb) {
        json_object_put(o);
        printbuf_free(pb);
        return;
    }
    printbuf_strappend(pb, "Received: ");
    printbuf_memappend(pb, text, (int)len);
    s->count++;
    mock_json_add(o, "type", json_object_new_string("echo"));
    mock_json_add(o, "message", json_object_new_string_len(pb->buf, pb->bpos));
    mock_json_add(o, "job_id", json_object_new_string(s->id));
    mock_json_add(o, "message_count", json_object_new_int64((int64_t)s->count));
    printbuf_free(pb);
    queue_json(s, o);
    if (s->count >= MAX_MESSAGES)
        s->close_after = true;
}

/* Any client frame counts as life. A binary one ends the server's
 * receive loop: close 1000, no echo. */
static int on_receive(struct cj_sock *s, const char *in, size_t len)
{
    struct lws *wsi = s->wsi;
    bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);

    if (s->closing || s->close_after)
        return 0; /* the server's loop has ended */
    idle_restart(s);
    if (first) {
        mock_reassembly_reset(&s->partial);
        s->binary = lws_frame_is_binary(wsi);
    }
    if (s->binary) {
        if (final)
            close_with(s, LWS_CLOSE_STATUS_NORMAL, "");
        return 0;
    }
    if (s->partial.len + len + lws_remaining_packet_payload(wsi) > MAX_MESSAGE) {
        close_with(s, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "");
        return 0;
    }
    if (first && final) {
        echo(s, in, len);
        return 0;
    }
    if (mock_reassembly_append(&s->partial, in, len) != 0)
        return -1;
    if (final)
        echo(s, s->partial.data, s->partial.len);
    return 0;
}

/* mock_drop_socket: gone without a close frame, as a crashed server. */
static int cut(struct cj_sock *s)
{
    mock_log(MOCK_LOG_INFO, "crackerjack: dropping the progress socket of %s", s->id);
    shutdown(lws_get_socket_fd(s->wsi), SHUT_RDWR);
    return -1;
}

static int on_writeable(struct cj_sock *s)
{
    if (s->closing)
        return -1;
    /* a job told to drop its sockets sends one frame, then goes */
    int written =
        msg_queue_write(s->wsi, &s->out, s->drop ? 1 : WRITE_BATCH, LWS_WRITE_TEXT);
    if (written < 0)
        return -1;
    if (s->drop && written > 0)
        return cut(s);
    if (s->out.head) {
        lws_callback_on_writable(s->wsi);
    } else if (s->close_after) {
        s->closing = true;
        lws_close_reason(s->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
    }
    return 0;
}

int cj_progress_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         struct cj_sock *s, void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);

    if (!srv || !s)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        return on_established(srv, wsi, s);
    case LWS_CALLBACK_RECEIVE:
        return s->live ? on_receive(s, in, len) : 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return s->live ? on_writeable(s) : 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        on_closed(s);
        return 0;
    default:
        return 0;
    }
}

/* ---- the server side ---- */

size_t cj_progress_active_jobs(const struct cj_state *cj)
{
    size_t n = 0;

    for (const struct cj_sock *s = cj->socks; s; s = s->next) {
        const struct cj_sock *t = cj->socks;

        while (t != s && strcmp(t->id, s->id) != 0)
            t = t->next;
        n += t == s; /* the first socket of its job */
    }
    return n;
}

void cj_progress_push(struct cj_state *cj, const char *id, const char *text)
{
    for (struct cj_sock *s = cj->socks; s; s = s->next)
        if (strcmp(s->id, id) == 0)
            queue(s, text);
}

void cj_progress_shutdown(struct cj_state *cj)
{
    for (struct cj_sock *s = cj->socks; s; s = s->next)
        close_with(s, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down");
}
