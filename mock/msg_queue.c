/* wscheck-mock: outgoing message queues. */
#include "msg_queue.h"

#include <stdlib.h>

int msg_queue_push(struct mock_outq *q, const char *text, size_t len)
{
    struct mock_outnode *n;

    if (q->bytes + len > MSG_QUEUE_MAX_BYTES)
        return -1;
    n = malloc(sizeof(*n));
    if (!n)
        return -1;
    n->buf = outbuf_new(text, len);
    if (!n->buf) {
        free(n);
        return -1;
    }
    n->next = NULL;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    q->count++;
    q->bytes += len;
    return 0;
}

struct mock_outbuf *msg_queue_pop(struct mock_outq *q)
{
    struct mock_outnode *n = q->head;
    struct mock_outbuf *buf;

    if (!n)
        return NULL;
    q->head = n->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    q->bytes -= n->buf->len;
    buf = n->buf;
    free(n);
    return buf;
}

void msg_queue_clear(struct mock_outq *q)
{
    struct mock_outbuf *buf;

    while ((buf = msg_queue_pop(q)))
        outbuf_unref(buf);
}

int msg_queue_write(struct lws *wsi, struct mock_outq *q, int batch,
                    enum lws_write_protocol protocol)
{
    struct mock_outbuf *buf;
    int written = 0;

    while (written < batch && !lws_partial_buffered(wsi) &&
           (buf = msg_queue_pop(q)) != NULL) {
        int n = lws_write(wsi, buf->bytes + LWS_PRE, buf->len, protocol);

        outbuf_unref(buf);
        if (n < 0)
            return -1;
        written++;
    }
    return written;
}
