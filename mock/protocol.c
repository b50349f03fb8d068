/* wscheck-mock: message handling.
 *
 * A message is parsed as Python's json.loads() would, counted, and passed
 * to its handler. Handlers answer at once except simulate_delay and the
 * "timeout" error test, which hold the client busy on a timer; whatever the
 * client sends meanwhile waits in its queue, so replies keep request order
 * and no other client waits. */
#include "protocol.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "pyjson.h"
#include "server.h"
#include "server_status.h"
#include "timefmt.h"

/* Held messages beyond PENDING_PAUSE stop reading from the socket, so TCP
 * pushes back on a client that floods while blocked. */
#define PENDING_PAUSE 256
#define PENDING_RESUME 64
#define BLOCK_US (15 * 1000000) /* error_test "timeout" */
#define MAX_DELAY 10

typedef void handler_fn(struct mock_client *c, json_object *msg);

static void process_message(struct mock_client *c, const char *data, size_t len,
                            bool binary);

int protocol_send_json(struct mock_client *c, json_object *obj)
{
    const char *text;
    size_t len;

    if (!obj)
        return -1;
    text = json_object_to_json_string_length(obj, MOCK_JSON_FLAGS, &len);
    if (!text)
        return -1;
    return client_send_text(c, text, len);
}

/* Sends obj to c and releases it. */
static void reply(struct mock_client *c, json_object *obj)
{
    if (protocol_send_json(c, obj) != 0 && !c->closing)
        mock_log(MOCK_LOG_WARN, "client %s: reply not queued", c->id);
    json_object_put(obj);
}

static json_object *message_new(const char *type)
{
    json_object *o = json_object_new_object();

    if (o)
        mock_json_add(o, "type", json_object_new_string(type));
    return o;
}

/* A new reply {"type": type, "client_id": id}. */
static json_object *reply_new(const char *type, const struct mock_client *c)
{
    json_object *o = message_new(type);

    if (o)
        mock_json_add(o, "client_id", json_object_new_string(c->id));
    return o;
}

static json_object *with_timestamp(json_object *o)
{
    if (o)
        mock_json_add(o, "timestamp", mock_json_now());
    return o;
}

void protocol_welcome(struct mock_client *c)
{
    json_object *msg = reply_new("welcome", c), *info = json_object_new_object();

    if (!msg || !info) {
        json_object_put(msg);
        json_object_put(info);
        return;
    }
    mock_json_add(info, "name", json_object_new_string(MOCK_SERVER_NAME));
    mock_json_add(info, "version", json_object_new_string(MOCK_SERVER_VERSION));
    mock_json_add(info, "capabilities", status_capabilities());
    mock_json_add(msg, "server_info", info);
    reply(c, with_timestamp(msg));
}

/* ---- handlers ---- */

static void handle_ping(struct mock_client *c, json_object *msg)
{
    json_object *r = reply_new("pong", c);
    int64_t now = mock_wall_us();

    (void)msg;
    if (!r)
        return;
    mock_json_add(r, "timestamp", mock_json_epoch(now));
    mock_json_add(r, "server_time", mock_json_iso(now));
    reply(c, r);
}

static void handle_echo(struct mock_client *c, json_object *msg)
{
    json_object *r = reply_new("echo_response", c);

    if (!r)
        return;
    mock_json_add(r, "original_message", json_object_get(msg));
    reply(c, with_timestamp(r));
}

/* Queues one shared copy of text for every open client but the sender;
 * returns how many took it. */
static int broadcast_text(struct mock_client *sender, const char *text, size_t len)
{
    struct mock_outbuf *buf = outbuf_new(text, len);
    int n = 0;

    if (!buf)
        return 0;
    for (struct mock_client *o = sender->srv->clients.head; o; o = o->next)
        if (o != sender && !o->closing && client_send(o, buf) == 0)
            n++;
    outbuf_unref(buf);
    return n;
}

static void handle_broadcast(struct mock_client *c, json_object *msg)
{
    json_object *b = message_new("broadcast"), *m, *r;
    const char *text;
    size_t len;
    int n = 0;

    if (!b)
        return;
    mock_json_add(b, "from_client", json_object_new_string(c->id));
    if (json_object_object_get_ex(msg, "message", &m))
        mock_json_add(b, "message", json_object_get(m));
    else
        mock_json_add(b, "message", json_object_new_string(""));
    with_timestamp(b);
    text = json_object_to_json_string_length(b, MOCK_JSON_FLAGS, &len);
    if (text)
        n = broadcast_text(c, text, len);
    json_object_put(b);
    r = reply_new("broadcast_sent", c);
    if (!r)
        return;
    mock_json_add(r, "recipients", json_object_new_int(n));
    reply(c, with_timestamp(r));
}

static void handle_get_clients(struct mock_client *c, json_object *msg)
{
    json_object *r = reply_new("clients_list", c), *list = json_object_new_array();
    const struct mock_client_table *table = &c->srv->clients;

    (void)msg;
    if (!r || !list) {
        json_object_put(r);
        json_object_put(list);
        return;
    }
    for (const struct mock_client *o = table->head; o; o = o->next)
        if (mock_json_append(list, status_client(o, false)) != 0)
            break;
    mock_json_add(r, "clients", list);
    mock_json_add(r, "total_clients", json_object_new_int64((int64_t)table->count));
    reply(c, with_timestamp(r));
}

static void handle_get_stats(struct mock_client *c, json_object *msg)
{
    json_object *r = reply_new("server_stats", c);

    (void)msg;
    if (!r)
        return;
    mock_json_add(r, "stats", status_stats(c->srv));
    reply(c, with_timestamp(r));
}

/* ---- holding a client busy ---- */

static void drain_pending(struct mock_client *c)
{
    struct mock_inmsg *m;

    while (c->busy == MOCK_IDLE && (m = c->pending_head)) {
        c->pending_head = m->next;
        if (!c->pending_head)
            c->pending_tail = NULL;
        c->pending_count--;
        process_message(c, m->data, m->len, m->binary);
        free(m);
    }
    if (c->rx_paused && c->pending_count <= PENDING_RESUME &&
        lws_rx_flow_control(c->wsi, 1) == 0) {
        c->rx_paused = false;
        mock_log(MOCK_LOG_DEBUG, "client %s: reading resumed", c->id);
    }
}

static void busy_done(lws_sorted_usec_list_t *sul)
{
    struct mock_client *c = lws_container_of(sul, struct mock_client, busy_sul);
    json_object *r = c->busy_reply;

    c->busy_reply = NULL;
    c->busy = MOCK_IDLE;
    if (r)
        reply(c, with_timestamp(r));
    drain_pending(c);
}

/* Holds c busy for us microseconds, then sends r (if any) stamped with the
 * time the wait ended. Takes r. */
static void hold_busy(struct mock_client *c, enum mock_busy kind, int64_t us,
                      json_object *r)
{
    c->busy = kind;
    c->busy_reply = r;
    lws_sul_schedule(c->srv->ctx, 0, &c->busy_sul, busy_done, us);
}

/* Python: delay = max(0, min(D, 10)). min() keeps D unless 10 is smaller,
 * max() keeps that unless it is not above 0, so an integer stays an
 * integer, a float inside the range stays that float, and a clamped value
 * is the integer 0 or 10. Returns false where Python raises TypeError. */
static bool clamp_delay(json_object *d, bool present, json_object **shown,
                        double *seconds)
{
    double v;

    if (!present) {
        *shown = pyjson_new_float(1.0);
        *seconds = 1.0;
        return true;
    }
    switch (json_object_get_type(d)) {
    case json_type_int:
    case json_type_double:
    case json_type_boolean:
        break;
    default:
        return false;
    }
    v = json_object_get_double(d);
    if (10 < v) {
        *shown = json_object_new_int(MAX_DELAY);
        *seconds = MAX_DELAY;
    } else if (v > 0) {
        *shown = json_object_get(d);
        *seconds = v;
    } else {
        *shown = json_object_new_int(0); /* NaN lands here too */
        *seconds = 0;
    }
    return true;
}

static void handle_simulate_delay(struct mock_client *c, json_object *msg)
{
    json_object *d = NULL, *shown = NULL, *r;
    bool present = json_object_object_get_ex(msg, "delay_seconds", &d);
    double seconds;

    if (!clamp_delay(d, present, &shown, &seconds)) {
        c->srv->stats.errors++;
        return;
    }
    r = reply_new("delay_completed", c);
    if (!r) {
        json_object_put(shown);
        return;
    }
    mock_json_add(r, "delay_seconds", shown);
    hold_busy(c, MOCK_BUSY_DELAY, (int64_t)llround(seconds * 1e6), r);
}

static bool is_string(json_object *v, const char *s)
{
    return json_object_is_type(v, json_type_string) &&
           strcmp(json_object_get_string(v), s) == 0 &&
           (size_t)json_object_get_string_len(v) == strlen(s);
}

static void handle_error_test(struct mock_client *c, json_object *msg)
{
    json_object *e = NULL, *r;
    struct printbuf *pb;

    if (!json_object_object_get_ex(msg, "error_type", &e))
        e = json_object_new_string("generic");
    else
        json_object_get(e);
    if (is_string(e, "exception")) {
        c->srv->stats.errors++; /* the reference raises */
    } else if (is_string(e, "timeout")) {
        hold_busy(c, MOCK_BUSY_BLOCKED, BLOCK_US, NULL);
    } else if (is_string(e, "invalid_json")) {
        r = message_new("error_test_response");
        if (r) {
            mock_json_add(r, "error_type", json_object_get(e));
            mock_json_add(r, "message",
                          json_object_new_string("Simulated invalid JSON error"));
            reply(c, with_timestamp(r));
        }
    } else if ((r = reply_new("error_test_response", c)) != NULL &&
               (pb = printbuf_new()) != NULL) {
        printbuf_strappend(pb, "Simulated error of type: ");
        pyjson_append_str(pb, e);
        mock_json_add(r, "error_type", json_object_get(e));
        mock_json_add(r, "message", json_object_new_string_len(pb->buf, pb->bpos));
        printbuf_free(pb);
        reply(c, with_timestamp(r));
    } else {
        json_object_put(r);
    }
    json_object_put(e);
}

/* ---- dispatch ---- */

static const struct {
    const char *name;
    handler_fn *fn;
} handlers[] = {
    {"ping", handle_ping},
    {"echo", handle_echo},
    {"broadcast", handle_broadcast},
    {"get_clients", handle_get_clients},
    {"get_stats", handle_get_stats},
    {"simulate_delay", handle_simulate_delay},
    {"error_test", handle_error_test},
};

static handler_fn *find_handler(json_object *type)
{
    if (!json_object_is_type(type, json_type_string))
        return NULL;
    for (size_t i = 0; i < sizeof(handlers) / sizeof(*handlers); i++)
        if (is_string(type, handlers[i].name))
            return handlers[i].fn;
    return NULL;
}

/* The type as a metric label: one of the handlers' names, or "unknown";
 * never the client's own text, so the label set stays bounded. */
static const char *type_label(json_object *type)
{
    if (json_object_is_type(type, json_type_string))
        for (size_t i = 0; i < sizeof(handlers) / sizeof(*handlers); i++)
            if (is_string(type, handlers[i].name))
                return handlers[i].name;
    return "unknown";
}

static void reply_error(struct mock_client *c, const char *prefix, json_object *value,
                        const char *detail, bool with_types)
{
    json_object *r = message_new("error");
    struct printbuf *pb = printbuf_new();

    if (!r || !pb) {
        json_object_put(r);
        if (pb)
            printbuf_free(pb);
        return;
    }
    printbuf_memappend(pb, prefix, (int)strlen(prefix));
    if (detail)
        printbuf_memappend(pb, detail, (int)strlen(detail));
    else
        pyjson_append_str(pb, value);
    mock_json_add(r, "error", json_object_new_string_len(pb->buf, pb->bpos));
    printbuf_free(pb);
    if (with_types)
        mock_json_add(r, "available_types", status_capabilities());
    reply(c, with_timestamp(r));
}

/* Text as json.loads() sees it: a str for text frames, bytes (decoded
 * first) for binary ones. */
static enum pyjson_status decode(const char *data, size_t len, bool binary,
                                 json_object **msg, char *err, size_t errlen)
{
    const char *text;
    size_t textlen;
    char *owned = NULL;
    enum pyjson_status st;

    if (!binary)
        return pyjson_parse(data, len, true, msg, err, errlen);
    /* Bytes that do not decode raise UnicodeDecodeError, which the
     * reference counts as an error without replying. */
    if (pyjson_decode_bytes(data, len, &text, &textlen, &owned) != 0)
        return PYJSON_TOO_DEEP;
    st = pyjson_parse(text, textlen, false, msg, err, errlen);
    free(owned);
    return st;
}

static void process_message(struct mock_client *c, const char *data, size_t len,
                            bool binary)
{
    struct mock_server *srv = c->srv;
    json_object *msg = NULL, *type = NULL;
    handler_fn *fn;
    char err[200];
    bool has_type;

    switch (decode(data, len, binary, &msg, err, sizeof(err))) {
    case PYJSON_OK:
        break;
    case PYJSON_SYNTAX:
        metrics_message_received("websocket", "invalid");
        reply_error(c, "Invalid JSON: ", NULL, err, false);
        return;
    default:
        srv->stats.errors++;
        return;
    }
    srv->stats.total_messages++;
    if (!json_object_is_type(msg, json_type_object)) {
        metrics_message_received("websocket", "invalid");
        srv->stats.errors++; /* data.get() on a list or str */
        json_object_put(msg);
        return;
    }
    has_type = json_object_object_get_ex(msg, "type", &type);
    c->last_ping = mock_wall_us();
    metrics_message_received("websocket", type_label(type));
    if (json_object_is_type(type, json_type_array) ||
        json_object_is_type(type, json_type_object)) {
        srv->stats.errors++; /* unhashable: dict lookup raises */
    } else if ((fn = find_handler(type)) != NULL) {
        fn(c, msg);
    } else if (!has_type) {
        reply_error(c, "Unknown message type: ", NULL, "unknown", true);
    } else {
        reply_error(c, "Unknown message type: ", type, NULL, true);
    }
    json_object_put(msg);
}

static void hold_message(struct mock_client *c, const char *data, size_t len, bool binary)
{
    struct mock_inmsg *m = malloc(sizeof(*m) + len);

    if (!m) {
        mock_log(MOCK_LOG_ERR, "client %s: out of memory, closing it", c->id);
        client_drop(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
        return;
    }
    m->next = NULL;
    m->len = len;
    m->binary = binary;
    if (len)
        memcpy(m->data, data, len);
    if (c->pending_tail)
        c->pending_tail->next = m;
    else
        c->pending_head = m;
    c->pending_tail = m;
    c->pending_count++;
    if (!c->rx_paused && c->pending_count >= PENDING_PAUSE &&
        lws_rx_flow_control(c->wsi, 0) == 0) {
        c->rx_paused = true;
        mock_log(MOCK_LOG_DEBUG, "client %s: %zu messages waiting, reading paused", c->id,
                 c->pending_count);
    }
}

void protocol_deliver(struct mock_client *c, const char *data, size_t len, bool binary)
{
    if (c->closing)
        return;
    if (c->busy == MOCK_IDLE && !c->pending_head)
        process_message(c, data, len, binary);
    else
        hold_message(c, data, len, binary);
}
