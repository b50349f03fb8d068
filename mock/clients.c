/* wscheck-mock: client registry and outgoing queues. */
#include "clients.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"

/* A client that does not read is dropped rather than buffered forever. */
#define OUTQ_MAX_BYTES ((size_t)16 << 20)
#define OUTQ_MAX_COUNT 65536
#define REGISTRY_MIN_BUCKETS 1024

/* ---- ids ---- */

static uint64_t rng_state;

/* xorshift64*: ids only need to be unpredictable enough not to collide
 * across runs; the registry checks uniqueness anyway. */
static uint32_t next_random(void)
{
    if (rng_state == 0) {
        if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state))
            rng_state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        if (rng_state == 0)
            rng_state = 0x9E3779B97F4A7C15ull;
    }
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static size_t hash_id(const char *id, size_t nbuckets)
{
    uint32_t h = 2166136261u;

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h & (nbuckets - 1);
}

/* ---- registry ---- */

int registry_init(struct mock_registry *reg)
{
    memset(reg, 0, sizeof(*reg));
    reg->buckets = calloc(REGISTRY_MIN_BUCKETS, sizeof(*reg->buckets));
    if (!reg->buckets)
        return -1;
    reg->nbuckets = REGISTRY_MIN_BUCKETS;
    return 0;
}

void registry_free(struct mock_registry *reg)
{
    free(reg->buckets);
    memset(reg, 0, sizeof(*reg));
}

/* Doubles the hash table; on failure the old one keeps working, only with
 * longer chains. */
static void registry_grow(struct mock_registry *reg)
{
    size_t n = reg->nbuckets * 2;
    struct mock_client **b = calloc(n, sizeof(*b));

    if (!b)
        return;
    for (struct mock_client *c = reg->head; c; c = c->next) {
        size_t h = hash_id(c->id, n);

        c->hnext = b[h];
        b[h] = c;
    }
    free(reg->buckets);
    reg->buckets = b;
    reg->nbuckets = n;
}

struct mock_client *registry_find(const struct mock_registry *reg, const char *id)
{
    struct mock_client *c;

    if (!id || strlen(id) != MOCK_CLIENT_ID_LEN)
        return NULL;
    for (c = reg->buckets[hash_id(id, reg->nbuckets)]; c; c = c->hnext)
        if (strcmp(c->id, id) == 0)
            return c;
    return NULL;
}

int registry_add(struct mock_registry *reg, struct mock_client *c)
{
    size_t h;

    if (reg->count >= reg->nbuckets)
        registry_grow(reg);
    do {
        snprintf(c->id, sizeof(c->id), "%08x", next_random());
    } while (registry_find(reg, c->id));
    h = hash_id(c->id, reg->nbuckets);
    c->hnext = reg->buckets[h];
    reg->buckets[h] = c;
    c->next = NULL;
    c->prev = reg->tail;
    if (reg->tail)
        reg->tail->next = c;
    else
        reg->head = c;
    reg->tail = c;
    reg->count++;
    c->registered = true;
    return 0;
}

void registry_remove(struct mock_registry *reg, struct mock_client *c)
{
    struct mock_client **pp;

    if (!c->registered)
        return;
    for (pp = &reg->buckets[hash_id(c->id, reg->nbuckets)]; *pp; pp = &(*pp)->hnext) {
        if (*pp == c) {
            *pp = c->hnext;
            break;
        }
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        reg->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        reg->tail = c->prev;
    c->prev = c->next = c->hnext = NULL;
    c->registered = false;
    reg->count--;
}

/* ---- outgoing ---- */

struct mock_outbuf *outbuf_new(const char *payload, size_t len)
{
    struct mock_outbuf *buf = malloc(sizeof(*buf) + LWS_PRE + len);

    if (!buf)
        return NULL;
    buf->refs = 1;
    buf->len = len;
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

    if (c->closing || !c->registered)
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
    free(c->partial);
    c->partial = NULL;
    c->partial_len = c->partial_cap = 0;
}
