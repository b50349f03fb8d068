/* Receiving for a conversation: messages that arrive while a step waits for
 * another kind are kept, in order, for the steps after it. */
#include "conversation.h"

#include <stdlib.h>
#include <string.h>

void wsb_msg_free(struct wsb_msg *m)
{
    free(m->data);
    m->data = NULL;
}

void wsb_inbox_free(struct wsb_inbox *in)
{
    for (size_t i = 0; i < in->count; i++)
        wsb_msg_free(&in->items[i]);
    free(in->items);
    memset(in, 0, sizeof(*in));
}

static int copy_msg(struct wsb_msg *dst, const struct wsc_ws_msg *src)
{
    dst->kind = src->kind;
    dst->len = src->data ? src->len : 0;
    dst->close_code = src->close_code;
    dst->at = src->at;
    dst->data = malloc(dst->len + 1);
    if (!dst->data)
        return -1;
    if (dst->len)
        memcpy(dst->data, src->data, dst->len);
    dst->data[dst->len] = '\0';
    return 0;
}

/* Room for one more message of `len` bytes; -1 (with the reason) when the
 * inbox is full or out of memory. */
static int inbox_room(struct wsb_conn *conn, size_t len)
{
    struct wsb_inbox *in = &conn->inbox;
    if (in->count >= WSB_INBOX_MAX_MESSAGES || in->bytes + len > WSB_INBOX_MAX_BYTES) {
        conn->error =
            "too many messages left unread by the steps (more than 1024 or 64 MiB)";
        return -1;
    }
    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        struct wsb_msg *items = realloc(in->items, cap * sizeof(*items));
        if (!items) {
            conn->error = "out of memory";
            return -1;
        }
        in->items = items;
        in->cap = cap;
    }
    return 0;
}

/* Keeps a message for later; -1 when the inbox is full. */
static int inbox_push(struct wsb_conn *conn, const struct wsc_ws_msg *src)
{
    struct wsb_inbox *in = &conn->inbox;
    if (inbox_room(conn, src->len) < 0)
        return -1;
    if (copy_msg(&in->items[in->count], src) < 0) {
        conn->error = "out of memory";
        return -1;
    }
    in->bytes += src->len;
    in->count++;
    return 0;
}

int wsb_inbox_keep(struct wsb_convo *c, struct wsb_msg *m)
{
    struct wsb_inbox *in = &c->cur->inbox;
    if (inbox_room(c->cur, m->len) < 0) {
        wsb_msg_free(m);
        return -1;
    }
    in->items[in->count++] = *m;
    in->bytes += m->len;
    m->data = NULL;
    return 0;
}

/* Moves the oldest kept message of a wanted kind to *m. */
static int inbox_take(struct wsb_inbox *in, unsigned want, struct wsb_msg *m)
{
    for (size_t i = 0; i < in->count; i++) {
        if (!(in->items[i].kind & want))
            continue;
        *m = in->items[i];
        in->bytes -= m->len;
        memmove(&in->items[i], &in->items[i + 1], (in->count - i - 1) * sizeof(*m));
        in->count--;
        return 1;
    }
    return 0;
}

const char *wsb_convo_error(const struct wsb_convo *c)
{
    return c->cur->error ? c->cur->error : wsc_ws_error(c->cur->ws);
}

enum wsc_ws_result wsb_recv_new(struct wsb_convo *c, unsigned want, double deadline,
                                struct wsb_msg *m)
{
    struct wsb_conn *conn = c->cur;
    conn->error = NULL;
    if (conn->closed) {
        conn->error = "the connection is closed";
        return WSC_WS_CLOSED;
    }
    for (;;) {
        struct wsc_ws_msg got;
        enum wsc_ws_result r =
            wsc_ws_recv(conn->ws, &got, want | WSC_WS_DATA | WSC_WS_PONG, deadline);
        if (r != WSC_WS_OK)
            return r;
        if (got.kind & WSC_WS_DATA)
            conn->received++;
        if (got.kind == WSC_WS_CLOSE)
            conn->closed = 1;
        if ((got.kind & want) || got.kind == WSC_WS_CLOSE) {
            if (copy_msg(m, &got) < 0) {
                conn->error = "out of memory";
                return WSC_WS_ERROR;
            }
            return WSC_WS_OK;
        }
        if (got.kind == WSC_WS_PING)
            continue;
        if (inbox_push(conn, &got) < 0)
            return WSC_WS_ERROR;
    }
}

enum wsc_ws_result wsb_next_message(struct wsb_convo *c, unsigned want, double deadline,
                                    struct wsb_msg *m)
{
    c->cur->error = NULL;
    if (inbox_take(&c->cur->inbox, want, m))
        return WSC_WS_OK;
    return wsb_recv_new(c, want, deadline, m);
}
