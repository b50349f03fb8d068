/* wscheck-mock --grade-clients: one connection - bounded buffers, the
 * opening handshake, the client's frames (parsed with libwscheck's
 * wsc_ws_frame_parse, each checked as RFC 6455 wants a server to), and the
 * end of the connection, where the server closes TCP first (7.1.1) by
 * shutting down its side once its last byte went out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wscheck/ws.h>

#include "grade_conn.h"
#include "grade_http.h"
#include "log.h"

#define FRAME_MAX ((size_t)16 << 20) /* a client frame or message larger: 1009 */
#define OUT_MAX ((size_t)32 << 20)   /* queued output: a client that stops reading */
#define READ_CHUNK 65536
#define LINGER 2.0         /* s: reading after our shutdown, for the client's EOF */
#define HANDSHAKE_MAX 10.0 /* s: for the whole upgrade request */

struct gconn *gconn_new(int fd, const struct grade_config *cfg)
{
    struct gconn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->cfg = cfg;
    c->state = GC_HANDSHAKE;
    return c;
}

int gconn_wants_write(const struct gconn *c)
{
    return c->out_off < c->out_len;
}

static int queue(struct gconn *c, const void *data, size_t len)
{
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    if (c->out_len + len > OUT_MAX)
        return -1;
    unsigned char *grown = realloc(c->out, c->out_len + len + 1);
    if (!grown)
        return -1;
    c->out = grown;
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 0;
}

static void drop(struct gconn *c)
{
    c->state = GC_DONE;
}

int gconn_send_raw(struct gconn *c, const void *data, size_t len)
{
    if (queue(c, data, len) != 0) {
        drop(c);
        return -1;
    }
    return 0;
}

int gconn_send(struct gconn *c, unsigned op, const void *data, size_t len)
{
    if (c->close_sent)
        return 0;
    unsigned char head[14 + 125];
    if (len <= 125) {
        size_t n = wsc_ws_frame_encode(head, sizeof head, 1, 0, op, NULL, data, len);
        return n && queue(c, head, n) == 0 ? 0 : (drop(c), -1);
    }
    size_t cap = len + 14;
    unsigned char *frame = malloc(cap);
    size_t n = frame ? wsc_ws_frame_encode(frame, cap, 1, 0, op, NULL, data, len) : 0;
    int rc = n && queue(c, frame, n) == 0 ? 0 : -1;
    free(frame);
    if (rc)
        drop(c);
    return rc;
}

int gconn_send_close(struct gconn *c, int code, const char *reason)
{
    if (c->close_sent)
        return 0;
    unsigned char body[125];
    size_t len = 0;
    if (code > 0) {
        size_t rlen = reason ? strlen(reason) : 0;
        if (rlen > sizeof body - 2)
            rlen = sizeof body - 2;
        body[0] = (unsigned char)(code >> 8);
        body[1] = (unsigned char)code;
        memcpy(body + 2, reason ? reason : "", rlen);
        len = 2 + rlen;
    }
    int rc = gconn_send(c, WSC_WS_OP_CLOSE, body, len);
    c->close_sent = 1;
    return rc;
}

/* ---- the end of the connection ---- */

/* Our side is done once the queue is empty: shut down writing, then read
 * until the client's EOF (or LINGER), so nothing it still sends resets the
 * connection before it read our close. */
static void end_when_flushed(struct gconn *c, double now)
{
    if (c->state != GC_OPEN && c->state != GC_HANDSHAKE)
        return;
    c->end_after_flush = 1;
    if (gconn_wants_write(c)) {
        if (c->flush_deadline == 0)
            c->flush_deadline = now + c->cfg->timeout + LINGER;
        return;
    }
    if (c->running)
        grade_run_end(&c->run, 0, now);
    shutdown(c->fd, SHUT_WR);
    c->state = GC_SHUTDOWN;
    c->deadline = now + LINGER;
}

static void client_gone(struct gconn *c, double now)
{
    if (c->running)
        grade_run_end(&c->run, c->state != GC_SHUTDOWN, now);
    drop(c);
}

/* The run says what comes next: our close, or the end of TCP. */
static void follow_run(struct gconn *c, double now)
{
    struct grade_run *r = &c->run;
    if (!c->running || c->state != GC_OPEN)
        return;
    if (r->plan.server_close)
        c->close_sent = 1; /* it was in the plan's frames */
    if (grade_run_wants_close(r) && !c->close_sent) {
        gconn_send_close(c, 1000, r->res.behavior == GRADE_FAILED ? "case failed" : NULL);
        r->server_close = 1;
    }
    if (grade_run_wants_end(r, now)) {
        if (!c->close_sent && c->close_rcvd) {
            int code = r->res.remote_close_code;
            gconn_send_close(c, wsc_ws_close_code_valid(code) ? code : 1002, NULL);
        }
        end_when_flushed(c, now);
    }
}

/* ---- the client's frames ---- */

static void protocol_error(struct gconn *c, int code, const char *what, double now)
{
    mock_log(MOCK_LOG_INFO, "grading: client %s", what);
    if (c->running)
        grade_run_client_error(&c->run, what, now);
    gconn_send_close(c, code, what);
    end_when_flushed(c, now);
}

static void on_message(struct gconn *c, double now)
{
    if (c->running)
        grade_run_message(&c->run, c->msg_op, c->msg, c->msg_len, now);
    c->msg_len = 0;
    c->msg_open = 0;
}

static int append_message(struct gconn *c, const unsigned char *p, size_t len)
{
    if (c->msg_len + len > FRAME_MAX)
        return -1;
    if (c->msg_len + len > c->msg_cap) {
        size_t cap = c->msg_cap ? c->msg_cap : 4096;
        while (cap < c->msg_len + len)
            cap *= 2;
        unsigned char *grown = realloc(c->msg, cap);
        if (!grown)
            return -1;
        c->msg = grown;
        c->msg_cap = cap;
    }
    if (len)
        memcpy(c->msg + c->msg_len, p, len);
    c->msg_len += len;
    return 0;
}

static void on_close_frame(struct gconn *c, const unsigned char *p, size_t len,
                           double now)
{
    int code = len == 0 ? 1005 : len == 1 ? -1 : (p[0] << 8) | p[1];
    c->close_rcvd = 1;
    if (c->running) {
        grade_run_close(&c->run, code, now);
        return;
    }
    gconn_send_close(c, 1000, NULL); /* sent first on every other route */
    end_when_flushed(c, now);
}

static void on_data(struct gconn *c, const struct wsc_ws_frame *f, const unsigned char *p,
                    double now)
{
    if (f->opcode == WSC_WS_OP_CONT && !c->msg_open) {
        protocol_error(c, 1002, "sent a continuation frame without a message", now);
        return;
    }
    if (f->opcode != WSC_WS_OP_CONT && c->msg_open) {
        protocol_error(c, 1002, "started a message inside a fragmented one", now);
        return;
    }
    if (f->opcode != WSC_WS_OP_CONT) {
        c->msg_op = f->opcode;
        c->msg_open = 1;
    }
    if (append_message(c, p, (size_t)f->len) != 0) {
        protocol_error(c, 1009, "sent a message larger than 16 MiB", now);
        return;
    }
    if (f->fin)
        on_message(c, now);
}

static void on_frame(struct gconn *c, const struct wsc_ws_frame *f, unsigned char *p,
                     double now)
{
    if (!f->masked) {
        protocol_error(c, 1002, "sent an unmasked frame", now);
        return;
    }
    wsc_ws_mask(p, (size_t)f->len, f->mask, 0);
    if (f->rsv) {
        protocol_error(c, 1002, "set reserved bits (no extension negotiated)", now);
        return;
    }
    if (c->close_rcvd)
        return; /* nothing counts after the client's close */
    switch (f->opcode) {
    case WSC_WS_OP_CONT:
    case WSC_WS_OP_TEXT:
    case WSC_WS_OP_BINARY:
        on_data(c, f, p, now);
        return;
    default:
        break;
    }
    if (f->opcode != WSC_WS_OP_PING && f->opcode != WSC_WS_OP_PONG &&
        f->opcode != WSC_WS_OP_CLOSE) {
        protocol_error(c, 1002, "sent a frame with a reserved opcode", now);
    } else if (!f->fin || f->len > 125) {
        protocol_error(c, 1002, "sent a fragmented or oversized control frame", now);
    } else if (f->opcode == WSC_WS_OP_PING) {
        gconn_send(c, WSC_WS_OP_PONG, p, (size_t)f->len);
    } else if (f->opcode == WSC_WS_OP_PONG) {
        if (c->running)
            grade_run_pong(&c->run, p, (size_t)f->len, now);
    } else {
        on_close_frame(c, p, (size_t)f->len, now);
    }
}

/* Acts on every complete frame in the input buffer. */
static void read_frames(struct gconn *c, double now)
{
    size_t off = 0;
    while (c->state == GC_OPEN && !c->end_after_flush) {
        struct wsc_ws_frame f;
        long h = wsc_ws_frame_parse(c->in + off, c->in_len - off, &f);
        if (h < 0) {
            protocol_error(c, 1002, "sent a frame length not in its shortest encoding",
                           now);
            break;
        }
        if (h == 0)
            break;
        if (f.len > FRAME_MAX) {
            protocol_error(c, 1009, "sent a frame larger than 16 MiB", now);
            break;
        }
        if (c->in_len - off - (size_t)h < f.len)
            break;
        on_frame(c, &f, c->in + off + h, now);
        off += (size_t)h + (size_t)f.len;
        follow_run(c, now);
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
}

/* ---- the handshake ---- */

static void read_handshake(struct gconn *c, double now)
{
    struct grade_request req;
    long used = grade_http_parse((const char *)c->in, c->in_len, &req);
    if (used == 0)
        return;
    if (used < 0) {
        req.status = 400;
        snprintf(req.error, sizeof req.error, "request header larger than %d bytes",
                 GRADE_HTTP_MAX);
    }
    char answer[1024];
    size_t n = grade_http_answer(&req, answer, sizeof answer);
    if (n == 0 || queue(c, answer, n) != 0) {
        drop(c);
        return;
    }
    if (req.status != 101) {
        mock_log(MOCK_LOG_INFO, "grading: refused a request with %d: %s", req.status,
                 req.error);
        end_when_flushed(c, now);
        return;
    }
    memmove(c->in, c->in + used, c->in_len - (size_t)used);
    c->in_len -= (size_t)used;
    c->state = GC_OPEN;
    c->deadline = 0;
    grade_route_open(c, req.path, req.query, now);
    follow_run(c, now);
    read_frames(c, now);
}

/* ---- socket events ---- */

static int fill(struct gconn *c)
{
    size_t limit = c->state == GC_HANDSHAKE ? GRADE_HTTP_MAX + 1 : FRAME_MAX + 14;
    if (c->in_len >= limit)
        return 0; /* the parser decides with what it has */
    size_t want = READ_CHUNK;
    if (c->in_cap - c->in_len < want) {
        /* doubling: a 16 MiB frame is read in few reallocations */
        size_t cap = c->in_cap * 2 > c->in_len + want ? c->in_cap * 2 : c->in_len + want;
        if (cap > limit + want)
            cap = limit + want;
        unsigned char *grown = realloc(c->in, cap);
        if (!grown)
            return -1;
        c->in = grown;
        c->in_cap = cap;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, want, 0);
    if (n > 0) {
        c->in_len += (size_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1; /* EOF or reset */
}

void gconn_readable(struct gconn *c, double now)
{
    int r = fill(c);
    if (r < 0) {
        client_gone(c, now);
        return;
    }
    if (c->state == GC_SHUTDOWN || c->end_after_flush) {
        c->in_len = 0; /* only the EOF matters now */
        return;
    }
    if (r == 0)
        return;
    if (c->state == GC_HANDSHAKE)
        read_handshake(c, now);
    else if (c->state == GC_OPEN)
        read_frames(c, now);
}

void gconn_writable(struct gconn *c, double now)
{
    while (gconn_wants_write(c)) {
        ssize_t n =
            send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (n <= 0) {
            client_gone(c, now);
            return;
        }
        c->out_off += (size_t)n;
    }
    if (c->end_after_flush)
        end_when_flushed(c, now);
}

void gconn_tick(struct gconn *c, double now)
{
    if (c->state == GC_HANDSHAKE) {
        if (c->deadline == 0)
            c->deadline = now + HANDSHAKE_MAX;
        else if (now >= c->deadline)
            drop(c);
        return;
    }
    if (c->state == GC_SHUTDOWN) {
        if (now >= c->deadline)
            drop(c);
        return;
    }
    if (c->flush_deadline > 0 && now >= c->flush_deadline) {
        drop(c); /* it stopped reading what we still had to send */
        return;
    }
    if (c->running) {
        grade_run_tick(&c->run, now);
        follow_run(c, now);
    } else if (c->state == GC_OPEN && c->deadline > 0 && now >= c->deadline) {
        end_when_flushed(c, now); /* the client never answered our close */
    }
}

void gconn_free(struct gconn *c, double now)
{
    if (c->running) {
        grade_run_end(&c->run, 1, now);
        grade_route_finished(c);
        grade_run_free(&c->run);
    }
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c->msg);
    free(c);
}
