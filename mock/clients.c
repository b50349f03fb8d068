/* wscheck-mock: outgoing queues of the clients, and their end. */
#include "clients.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"

/* A client that does not read is dropped rather than buffered forever. */
#define OUTQ_MAX_BYTES ((size_t)16 << 20)
#define OUTQ_MAX_COUNT 65536

/* ---- outgoing ---- */

struct mock_outbuf *outbuf_new(const char *payload, size_t len)
{
    struct mock_outbuf *buf = malloc(sizeof(*buf) + LWS_PRE + len);

    if (!buf)
        return NULL;
    buf->refs = 1;
    buf->len = len;
    if (len) /* an empty message may have no buffer */
        memcpy(buf->bytes + LWS_PRE, payload, len);
    return buf;
}

void outbuf_unref(struct mock_outbuf *buf)
{
    if (buf && --buf->refs == 0)
        free(buf);
}

/* A peer that no longer reads may never make its socket writeable again:
 * it is cut off this long after the close was asked for. */
#define DROP_GRACE_S 5

void client_drop(struct mock_client *c, int code, const char *reason)
{
    if (c->closing)
        return;
    c->closing = true;
    c->dropping = true;
    lws_close_reason(c->wsi, (enum lws_close_status)code,
                     (unsigned char *)(uintptr_t)reason, strlen(reason));
    /* The close frame goes out from the writeable callback (returning -1
     * there is how lws sends a close with our reason). */
    lws_callback_on_writable(c->wsi);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, DROP_GRACE_S);
}

/* The fast path: a reply goes out in the callback that produced it rather
 * than one event loop turn later. Only when nothing is waiting (order) and
 * no earlier write is still partly buffered in lws: then lws keeps at most
 * the rest of this one message, sends it first, and later messages wait in
 * our queue, under its limits. */
static int try_direct(struct mock_client *c, struct mock_outbuf *buf)
{
    if (!c->direct_ok || c->out.count || c->ping_due || c->shutting_down ||
        lws_partial_buffered(c->wsi))
        return 1;
    if (lws_write(c->wsi, buf->bytes + LWS_PRE, buf->len, LWS_WRITE_TEXT) < 0) {
        c->closing = true; /* lws closes the connection */
        return -1;
    }
    return 0;
}

int client_send(struct mock_client *c, struct mock_outbuf *buf)
{
    struct mock_outnode *n;
    int rc;

    if (c->closing || !c->in_table)
        return -1;
    rc = try_direct(c, buf);
    if (rc <= 0)
        return rc;
    if (c->out.bytes + buf->len > OUTQ_MAX_BYTES || c->out.count >= OUTQ_MAX_COUNT) {
        mock_log(MOCK_LOG_WARN, "client %s does not read: closing it", c->id);
        client_drop(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "send queue overflow");
        return -1;
    }
    n = malloc(sizeof(*n));
    if (!n)
        return -1;
    buf->refs++;
    n->buf = buf;
    n->next = NULL;
    if (c->out.tail)
        c->out.tail->next = n;
    else
        c->out.head = n;
    c->out.tail = n;
    c->out.count++;
    c->out.bytes += buf->len;
    if (c->out.count == 1)
        lws_callback_on_writable(c->wsi);
    return 0;
}

int client_send_text(struct mock_client *c, const char *text, size_t len)
{
    struct mock_outbuf *buf = outbuf_new(text, len);
    int rc;

    if (!buf)
        return -1;
    rc = client_send(c, buf);
    outbuf_unref(buf);
    return rc;
}

struct mock_outbuf *client_next_out(struct mock_client *c)
{
    struct mock_outnode *n = c->out.head;
    struct mock_outbuf *buf;

    if (!n)
        return NULL;
    c->out.head = n->next;
    if (!c->out.head)
        c->out.tail = NULL;
    c->out.count--;
    c->out.bytes -= n->buf->len;
    buf = n->buf;
    free(n);
    return buf;
}

void client_release(struct mock_client *c)
{
    struct mock_outbuf *buf;
    struct mock_inmsg *m;

    lws_sul_cancel(&c->busy_sul);
    c->busy = MOCK_IDLE;
    json_object_put(c->busy_reply);
    c->busy_reply = NULL;
    while ((buf = client_next_out(c)))
        outbuf_unref(buf);
    while ((m = c->pending_head)) {
        c->pending_head = m->next;
        free(m);
    }
    c->pending_tail = NULL;
    c->pending_count = 0;
    mock_reassembly_free(&c->partial);
}
