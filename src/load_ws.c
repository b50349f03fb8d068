/* WebSocket on the load engine: the upgrade request and its answer, and the
 * frames (lib's encoder and header parser, masking), for every protocol on
 * top. Pings are answered, fragmented messages reassembled up to the plan's
 * max_message, the close handshake completed. A whole unfragmented message
 * is handed to the protocol straight from the engine's buffer: nothing is
 * copied per message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include <openssl/evp.h>

#include <wscheck/expect.h>
#include <wscheck/histogram.h>
#include <wscheck/ws.h>

#include "load_ws.h"
#include "utf8.h"
#include "util.h"

/* The answer's head may not be longer than this. */
#define HEAD_MAX 16384
/* Frames up to this size are encoded on the stack. */
#define STACK_FRAME 4096

static const struct lws_ops *ops_of(struct wsc_load_sess *s)
{
    return ((const struct lws_script *)wsc_load_script_of(s)->data)->ops;
}

void lws_record(struct wsc_load_sess *s, const char *name, double since)
{
    struct wsc_histogram *h = wsc_load_hist(wsc_load_test_of(s), name);
    if (h)
        wsc_hist_record(h, (wsc_load_now(s) - since) * 1000.0);
}

/* ---- sending ----------------------------------------------------------------- */

int lws_send(struct wsc_load_sess *s, unsigned opcode, const void *p, size_t n)
{
    unsigned char stack[STACK_FRAME], *out = stack;
    size_t cap = n + 14;
    if (cap > sizeof stack && !(out = malloc(cap))) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory sending %zu bytes", n);
        return -1;
    }
    uint64_t r = wsc_load_random(s);
    unsigned char mask[4];
    memcpy(mask, &r, sizeof mask);
    size_t len = wsc_ws_frame_encode(out, cap, 1, 0, opcode, mask, p, n);
    int rc = len ? wsc_load_write(s, out, len) : -1;
    if (out != stack)
        free(out);
    if (rc == 0 && opcode < 0x8) {
        struct wsc_load_test *t = wsc_load_test_of(s);
        t->messages_sent++;
        t->bytes_sent += n;
    }
    return rc;
}

int lws_send_close(struct wsc_load_sess *s, int code, const char *reason)
{
    struct lws_state *st = wsc_load_state(s);
    unsigned char body[125];
    size_t n = 0;
    if (st->close_sent)
        return 0;
    st->close_sent = 1;
    if (code > 0) {
        body[0] = (unsigned char)(code >> 8);
        body[1] = (unsigned char)code;
        n = 2;
        size_t rl = reason ? strlen(reason) : 0;
        if (rl > sizeof body - 2)
            rl = sizeof body - 2;
        if (rl)
            memcpy(body + 2, reason, rl);
        n += rl;
    }
    return lws_send(s, WSC_WS_OP_CLOSE, body, n);
}

/* ---- the upgrade ---------------------------------------------------------------- */

void lws_begin(struct wsc_load_sess *s)
{
    const struct lws_script *ws = wsc_load_script_of(s)->data;
    struct lws_state *st = wsc_load_state(s);
    unsigned char raw[16];
    uint64_t a = wsc_load_random(s), b = wsc_load_random(s);
    memcpy(raw, &a, 8);
    memcpy(raw + 8, &b, 8);
    st->since = wsc_load_now(s);
    if (EVP_EncodeBlock((unsigned char *)st->key, raw, sizeof raw) != 24) {
        wsc_load_fail(s, WSC_LOAD_ERR_HANDSHAKE, "cannot make a Sec-WebSocket-Key");
        return;
    }
    size_t hl = strlen(ws->head), tl = strlen(ws->tail);
    char *req = malloc(hl + 24 + tl);
    if (!req) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return;
    }
    memcpy(req, ws->head, hl);
    memcpy(req + hl, st->key, 24);
    memcpy(req + hl + 24, ws->tail, tl);
    wsc_load_timer(s, 0);
    if (wsc_load_write(s, req, hl + 24 + tl) == 0)
        st->phase = LWS_UPGRADING;
    free(req);
}

/* The value of header `name` in the head (not NUL-terminated); *len set. */
static const char *header(const char *head, size_t n, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    const char *p = memchr(head, '\n', n);
    while (p && (size_t)(p + 1 - head) < n) {
        const char *line = p + 1, *end = memchr(line, '\n', n - (size_t)(line - head));
        if (!end)
            return NULL;
        if ((size_t)(end - line) > nl && strncasecmp(line, name, nl) == 0 &&
            line[nl] == ':') {
            const char *v = line + nl + 1;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = end;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *len = (size_t)(ve - v);
            return v;
        }
        p = end;
    }
    return NULL;
}

static int token_in(const char *v, size_t len, const char *token)
{
    size_t tl = strlen(token);
    for (size_t i = 0; i + tl <= len; i++)
        if (strncasecmp(v + i, token, tl) == 0 &&
            (i == 0 || v[i - 1] == ' ' || v[i - 1] == ',') &&
            (i + tl == len || v[i + tl] == ' ' || v[i + tl] == ','))
            return 1;
    return 0;
}

/* Checks the answer's head; NULL when it opens the connection, else why. */
static const char *judge_answer(struct wsc_load_sess *s, const char *h, size_t n,
                                char *why, size_t cap)
{
    const struct lws_script *ws = wsc_load_script_of(s)->data;
    struct lws_state *st = wsc_load_state(s);
    int code = 0;
    if (n < 12 || strncmp(h, "HTTP/1.1 ", 9) != 0 || sscanf(h + 9, "%3d", &code) != 1)
        return "the answer is not HTTP/1.1";
    if (code != 101) {
        snprintf(why, cap, "the upgrade was refused with HTTP status %d", code);
        return why;
    }
    size_t len = 0;
    const char *v = header(h, n, "upgrade", &len);
    if (!v || !token_in(v, len, "websocket"))
        return "the 101 answer lacks Upgrade: websocket";
    v = header(h, n, "connection", &len);
    if (!v || !token_in(v, len, "upgrade"))
        return "the 101 answer lacks Connection: Upgrade";
    char expected[29];
    v = header(h, n, "sec-websocket-accept", &len);
    if (wsc_ws_accept_for_key(st->key, expected) != 0 || !v || len != 28 ||
        memcmp(v, expected, 28) != 0)
        return "Sec-WebSocket-Accept does not match the key";
    v = header(h, n, "sec-websocket-protocol", &len);
    if (!v)
        return NULL;
    for (size_t i = 0; i < ws->n_subprotocols; i++)
        if (strlen(ws->subprotocols[i]) == len &&
            memcmp(v, ws->subprotocols[i], len) == 0)
            return NULL;
    return "the server chose a subprotocol the client did not offer";
}

/* The answer as ws-basic's outputs: status, headers (names in lower case),
 * subprotocol, and an empty body (bodies of refusals are not read). */
static struct json_object *answer_outputs(const char *h, size_t n, int code)
{
    struct json_object *o = json_object_new_object(), *hd = json_object_new_object();
    if (!o || !hd) {
        json_object_put(o);
        json_object_put(hd);
        return NULL;
    }
    const char *line = memchr(h, '\n', n);
    while (line && (size_t)(++line - h) < n) {
        const char *end = memchr(line, '\n', n - (size_t)(line - h));
        const char *colon = end ? memchr(line, ':', (size_t)(end - line)) : NULL;
        if (!end)
            break;
        if (colon && colon > line) {
            char name[128];
            size_t nl = (size_t)(colon - line) < sizeof name - 1 ? (size_t)(colon - line)
                                                                 : sizeof name - 1;
            for (size_t i = 0; i < nl; i++)
                name[i] = (char)tolower((unsigned char)line[i]);
            name[nl] = '\0';
            const char *v = colon + 1, *ve = end;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            json_object_object_add(hd, name,
                                   json_object_new_string_len(v, (int)(ve - v)));
        }
        line = end;
    }
    struct json_object *sub = NULL;
    json_object_object_get_ex(hd, "sec-websocket-protocol", &sub);
    json_object_object_add(o, "status", json_object_new_int(code));
    json_object_object_add(o, "subprotocol", json_object_get(sub));
    json_object_object_add(o, "headers", hd);
    json_object_object_add(o, "body", json_object_new_string(""));
    return o;
}

/* ws-basic.handshake's expect on the answer: 1 matched, 0 not (the
 * session failed), -1 out of memory (failed). */
static int answer_matches(struct wsc_load_sess *s, const char *h, size_t n, int code)
{
    const struct lws_script *ws = wsc_load_script_of(s)->data;
    struct json_object *o = answer_outputs(h, n, code),
                       *defaults = json_tokener_parse("{\"status\": 101}");
    char *why = NULL;
    int ok = o && defaults ? wsc_expect_match(ws->expect, defaults, o, &why) == 0 : -1;
    json_object_put(o);
    json_object_put(defaults);
    if (ok < 0) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return -1;
    }
    if (!ok) {
        /* What was expected, not what came: values of headers stay out of
         * the report. */
        char *got = why ? strstr(why, ", got") : NULL;
        if (got)
            *got = '\0';
        wsc_load_fail(s, code == 101 ? WSC_LOAD_ERR_EXPECT : WSC_LOAD_ERR_HANDSHAKE,
                      "the upgrade answer (HTTP status %d): %s", code,
                      why ? why : "does not match expect");
    }
    free(why);
    return ok;
}

static size_t upgrade_input(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    const char *h = (const char *)p;
    const char *end = NULL;
    for (size_t i = 3; i < n && i < HEAD_MAX; i++)
        if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r') {
            end = h + i + 1;
            break;
        }
    if (!end) {
        if (n >= HEAD_MAX)
            wsc_load_fail(s, WSC_LOAD_ERR_HANDSHAKE,
                          "the upgrade answer's head is over %d bytes", HEAD_MAX);
        return 0;
    }
    char why[128];
    const char *bad = judge_answer(s, h, (size_t)(end - h), why, sizeof why);
    const struct lws_script *wsc = wsc_load_script_of(s)->data;
    int code = 0;
    if (wsc->match_answer && sscanf(h, "HTTP/1.1 %3d", &code) == 1 && code != 101) {
        /* A refusal the test asks for is its success. */
        if (answer_matches(s, h, (size_t)(end - h), code) == 1)
            wsc_load_end(s, NULL, NULL);
        return (size_t)(end - h);
    }
    if (!bad && wsc->match_answer && answer_matches(s, h, (size_t)(end - h), 101) != 1)
        return (size_t)(end - h);
    if (bad) {
        wsc_load_fail(s, WSC_LOAD_ERR_HANDSHAKE, "%s", bad);
        return (size_t)(end - h);
    }
    struct lws_state *st = wsc_load_state(s);
    st->phase = LWS_OPEN;
    const struct lws_script *ws = wsc_load_script_of(s)->data;
    lws_record(s, ws->upgrade_hist ? ws->upgrade_hist : "handshake_ms", st->since);
    ops_of(s)->open(s);
    return (size_t)(end - h);
}

/* ---- frames -------------------------------------------------------------------- */

static void on_control(struct wsc_load_sess *s, unsigned op, const unsigned char *p,
                       size_t n)
{
    struct lws_state *st = wsc_load_state(s);
    if (op == WSC_WS_OP_PING) {
        lws_send(s, WSC_WS_OP_PONG, p, n);
        return;
    }
    if (op == WSC_WS_OP_PONG) {
        if (ops_of(s)->pong)
            ops_of(s)->pong(s, p, n);
        return;
    }
    int code = n >= 2 ? (p[0] << 8) | p[1] : 0;
    if (n == 1 || (n >= 2 && !wsc_ws_close_code_valid(code))) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "a close frame with an invalid status code");
        return;
    }
    st->close_received = 1;
    wsc_load_close_code(wsc_load_test_of(s), code);
    if (!st->close_sent && lws_send_close(s, code ? 1000 : 0, NULL) != 0)
        return;
    st->phase = LWS_CLOSED;
    ops_of(s)->close(s, code, n > 2 ? p + 2 : p, n > 2 ? n - 2 : 0);
}

static void deliver_message(struct wsc_load_sess *s, int binary, const unsigned char *p,
                            size_t n)
{
    struct wsc_load_test *t = wsc_load_test_of(s);
    t->messages_received++;
    t->bytes_received += n;
    size_t at = 0;
    if (!binary && wsc_utf8_check(p, n, &at) != 1) {
        /* RFC 6455 8.1: a text message that is not UTF-8 fails the connection. */
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "a text message that is not UTF-8 (at byte %zu)", at);
        return;
    }
    ops_of(s)->message(s, binary, p, n);
}

/* A data frame's payload (unmasked): whole, or part of a fragmented one. */
static void on_data(struct wsc_load_sess *s, const struct wsc_ws_frame *f,
                    const unsigned char *p, size_t n)
{
    struct lws_state *st = wsc_load_state(s);
    if ((f->opcode == WSC_WS_OP_CONT) != (st->frag_open != 0)) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s",
                      st->frag_open
                          ? "a new message began inside a fragmented one"
                          : "a continuation frame without a message to continue");
        return;
    }
    if (f->fin && !st->frag_open) {
        deliver_message(s, f->opcode == WSC_WS_OP_BINARY, p, n);
        return;
    }
    size_t max = wsc_load_max_message(s);
    if (st->frag_len + n > max) {
        wsc_load_fail(s, WSC_LOAD_ERR_TOO_BIG, "a message over %zu bytes", max);
        return;
    }
    if (!st->frag_open) {
        st->frag_open = 1;
        st->frag_binary = f->opcode == WSC_WS_OP_BINARY;
    }
    if (n) {
        unsigned char *b = realloc(st->frag, st->frag_len + n);
        if (!b) {
            wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                          "out of memory reassembling a message");
            return;
        }
        memcpy(b + st->frag_len, p, n);
        st->frag = b;
        st->frag_len += n;
    }
    if (!f->fin)
        return;
    unsigned char *msg = st->frag;
    size_t len = st->frag_len;
    st->frag = NULL;
    st->frag_len = 0;
    st->frag_open = 0;
    deliver_message(s, st->frag_binary, msg, len);
    free(msg);
}

static size_t frame_input(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    struct wsc_ws_frame f;
    long hl = wsc_ws_frame_parse(p, n, &f);
    if (hl == 0)
        return 0;
    if (hl < 0 || f.masked || f.rsv) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "%s",
                      hl < 0     ? "a malformed frame header"
                      : f.masked ? "a masked frame from the server"
                                 : "a frame with reserved bits set");
        return 0;
    }
    int control = f.opcode >= 0x8;
    if ((control && (f.len > 125 || !f.fin)) ||
        (f.opcode > 0x2 && f.opcode != 0x8 && f.opcode != 0x9 && f.opcode != 0xA)) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL,
                      "a frame with opcode 0x%x breaks RFC 6455", f.opcode);
        return 0;
    }
    if (f.len > wsc_load_max_message(s)) {
        wsc_load_fail(s, WSC_LOAD_ERR_TOO_BIG, "a message over %zu bytes",
                      wsc_load_max_message(s));
        return 0;
    }
    if (n - (size_t)hl < f.len)
        return 0;
    if (control)
        on_control(s, f.opcode, p + hl, (size_t)f.len);
    else
        on_data(s, &f, p + hl, (size_t)f.len);
    return (size_t)hl + (size_t)f.len;
}

size_t lws_input(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    struct lws_state *st = wsc_load_state(s);
    if (st->phase == LWS_UPGRADING)
        return upgrade_input(s, p, n);
    if (st->phase == LWS_CLOSED)
        return n; /* after the close frame: nothing more counts */
    return frame_input(s, p, n);
}

void lws_timer(struct wsc_load_sess *s)
{
    if (ops_of(s)->timer)
        ops_of(s)->timer(s);
}

void lws_closed(struct wsc_load_sess *s)
{
    struct lws_state *st = wsc_load_state(s);
    if (st->phase == LWS_UPGRADING) {
        wsc_load_fail(s, WSC_LOAD_ERR_HANDSHAKE,
                      "the server closed the connection during the "
                      "upgrade");
        return;
    }
    if ((st->close_received && st->close_sent) || (st->finished && st->close_sent)) {
        /* The close handshake was over: the server closing TCP ends it. */
        wsc_load_end(s, NULL, NULL);
        return;
    }
    wsc_load_close_code(wsc_load_test_of(s), 1006);
    wsc_load_fail(s, WSC_LOAD_ERR_CLOSED,
                  "the server closed the connection without a close "
                  "frame");
}

void lws_release(struct wsc_load_sess *s)
{
    struct lws_state *st = wsc_load_state(s);
    if (ops_of(s)->release)
        ops_of(s)->release(s);
    free(st->frag);
    st->frag = NULL;
}

/* ---- the compiled upgrade ---------------------------------------------------------- */

static int add_line(struct wsc_buf *b, const char *name, const char *value)
{
    for (const char *c = value; *c; c++)
        if (*c == '\r' || *c == '\n')
            return -1;
    wsc_buf_printf(b, "%s: %s\r\n", name, value);
    return 0;
}

static int offer_subprotocols(struct lws_script *ws, struct json_object *list,
                              const char *extra, struct wsc_buf *b)
{
    size_t n = list ? json_object_array_length(list) : 0;
    ws->subprotocols = calloc(n + 1, sizeof(char *));
    if (!ws->subprotocols)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(list, i));
        if (!(ws->subprotocols[ws->n_subprotocols++] = strdup(v ? v : "")))
            return -1;
    }
    if (!n && extra && !(ws->subprotocols[ws->n_subprotocols++] = strdup(extra)))
        return -1;
    if (!ws->n_subprotocols)
        return 0;
    wsc_buf_printf(b, "Sec-WebSocket-Protocol: ");
    for (size_t i = 0; i < ws->n_subprotocols; i++)
        wsc_buf_printf(b, "%s%s", i ? ", " : "", ws->subprotocols[i]);
    wsc_buf_printf(b, "\r\n");
    return 0;
}

static int build_request(struct lws_script *ws, const struct wsc_load_script *sc,
                         struct json_object *params, const char *path, const char *extra,
                         char **why)
{
    struct wsc_buf b = {0};
    struct json_object *v;
    int default_port = strcmp(sc->port, sc->tls ? "443" : "80") == 0;
    int v6 = strchr(sc->host, ':') != NULL;
    wsc_buf_printf(&b, "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n", path, v6 ? "[" : "",
                   sc->host, v6 ? "]" : "", default_port ? "" : ":",
                   default_port ? "" : sc->port);
    wsc_buf_printf(&b, "Upgrade: websocket\r\nConnection: Upgrade\r\n");
    int bad = 0;
    if (json_object_object_get_ex(params, "origin", &v))
        bad |= add_line(&b, "Origin", json_object_get_string(v));
    json_object_object_get_ex(params, "subprotocols", &v);
    if (offer_subprotocols(ws, json_object_is_type(v, json_type_array) ? v : NULL, extra,
                           &b))
        bad = 1;
    if (json_object_object_get_ex(params, "headers", &v) &&
        json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, name, value)
            bad |= strpbrk(name, ": \r\n") != NULL ||
                   add_line(&b, name, json_object_get_string(value));
    }
    wsc_buf_printf(&b, "Sec-WebSocket-Key: ");
    if (bad || b.failed || !(ws->head = wsc_buf_take(&b))) {
        wsc_buf_free(&b);
        *why = wsc_strdup_printf("headers: a name or value that cannot be sent");
        return -1;
    }
    ws->tail = strdup("\r\nSec-WebSocket-Version: 13\r\n\r\n");
    return ws->tail ? 0 : -1;
}

int lws_script_init(struct lws_script *ws, struct wsc_load_script *sc,
                    struct json_object *params, const struct lws_ops *ops,
                    const char *extra_protocol, char **why)
{
    struct json_object *u;
    char *path = NULL;
    memset(ws, 0, sizeof(*ws));
    ws->ops = ops;
    const char *url =
        json_object_object_get_ex(params, "url", &u) ? json_object_get_string(u) : NULL;
    if (!url) {
        *why = wsc_strdup_printf("url: missing");
        return -1;
    }
    if (strncasecmp(url, "ws://", 5) != 0 && strncasecmp(url, "wss://", 6) != 0) {
        *why = wsc_strdup_printf("url: expected ws:// or wss://");
        return -1;
    }
    if (wsc_load_script_target(sc, url, &path, why) != 0)
        return -1;
    int rc = build_request(ws, sc, params, path, extra_protocol, why);
    free(path);
    if (rc == 0 && wsc_load_tls_params(sc, params) != 0)
        rc = -1;
    if (rc != 0 && !*why)
        *why = wsc_strdup_printf("out of memory");
    return rc;
}

int lws_script_expect_answer(struct lws_script *ws, struct json_object *params,
                             char **why)
{
    struct json_object *expect = NULL;
    ws->match_answer = 1;
    if (!json_object_object_get_ex(params, "expect", &expect) || !expect)
        return 0;
    char *bad = wsc_expect_check(expect);
    if (bad) {
        *why = wsc_strdup_printf("expect%s", bad);
        free(bad);
        return -1;
    }
    if (json_object_object_get_ex(expect, "body", NULL)) {
        *why = wsc_strdup_printf("expect/body: the answer's body is not read under load");
        return -1;
    }
    ws->expect = json_object_get(expect);
    return 0;
}

void lws_script_clear(struct lws_script *ws)
{
    json_object_put(ws->expect);
    free(ws->head);
    free(ws->tail);
    for (size_t i = 0; i < ws->n_subprotocols; i++)
        free(ws->subprotocols[i]);
    free(ws->subprotocols);
    memset(ws, 0, sizeof(*ws));
}
