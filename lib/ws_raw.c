/* Raw frames for conformance tests: encoding and masking frames of any
 * shape (reserved bits, reserved opcodes, oversized control frames,
 * unmasked), parsing the peer's frame headers, and moving bytes over an
 * open connection without libcurl's framing. libcurl never sends such
 * frames itself, and it would answer pings and closes behind the caller's
 * back, which a conformance test must do (or deliberately not do) itself.
 *
 * Bytes go through curl_easy_send() and curl_easy_recv() (libcurl's
 * connection, TLS included, unframed). In libcurl 8.14 curl_ws_recv()
 * decodes frames even with CURLWS_RAW_MODE, so it is used only once, for
 * the frames libcurl read together with the upgrade's answer. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "ws_internal.h"

void wsc_ws_mask(void *data, size_t len, const unsigned char mask[4], uint64_t offset)
{
    unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        p[i] ^= mask[(offset + i) & 3];
}

/* Writes a frame header (at most 14 bytes) and returns its size. */
static size_t put_header(unsigned char *o, int fin, unsigned rsv, unsigned opcode,
                         const unsigned char *mask, uint64_t len)
{
    o[0] = (unsigned char)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf));
    o[1] = mask ? 0x80 : 0;
    size_t i = 2;
    if (len > 65535) {
        o[1] |= 127;
        for (int s = 56; s >= 0; s -= 8)
            o[i++] = (unsigned char)(len >> s);
    } else if (len > 125) {
        o[1] |= 126;
        o[i++] = (unsigned char)(len >> 8);
        o[i++] = (unsigned char)len;
    } else {
        o[1] |= (unsigned char)len;
    }
    if (mask) {
        memcpy(o + i, mask, 4);
        i += 4;
    }
    return i;
}

size_t wsc_ws_frame_encode(void *out, size_t cap, int fin, unsigned rsv, unsigned opcode,
                           const unsigned char *mask, const void *payload, size_t len)
{
    size_t h = 2 + (len > 65535 ? 8 : len > 125 ? 2 : 0) + (mask ? 4 : 0);
    if (!out || cap < h || cap - h < len)
        return 0;
    unsigned char *o = out;
    put_header(o, fin, rsv, opcode, mask, len);
    if (len)
        memcpy(o + h, payload, len);
    if (mask)
        wsc_ws_mask(o + h, len, mask, 0);
    return h + len;
}

long wsc_ws_frame_parse(const void *buf, size_t len, struct wsc_ws_frame *f)
{
    const unsigned char *b = buf;
    if (len < 2)
        return 0;
    memset(f, 0, sizeof *f);
    f->fin = (b[0] & 0x80) != 0;
    f->rsv = (b[0] >> 4) & 7;
    f->opcode = b[0] & 0xf;
    f->masked = (b[1] & 0x80) != 0;
    unsigned l7 = b[1] & 0x7f;
    size_t h = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + (f->masked ? 4 : 0);
    if (len < h)
        return 0;
    if (l7 == 126) {
        f->len = ((uint64_t)b[2] << 8) | b[3];
        if (f->len < 126)
            return -1;
    } else if (l7 == 127) {
        for (int i = 0; i < 8; i++)
            f->len = (f->len << 8) | b[2 + i];
        if (f->len < 65536 || (f->len >> 63))
            return -1;
    } else {
        f->len = l7;
    }
    if (f->masked)
        memcpy(f->mask, b + h - 4, 4);
    return (long)h;
}

/* The opcode of a frame libcurl decoded; `in_msg`: a fragmented message
 * was going on, so a data frame is a continuation. */
static unsigned decoded_opcode(int flags, int in_msg)
{
    if (flags & CURLWS_CLOSE)
        return WSC_WS_OP_CLOSE;
    if (flags & CURLWS_PING)
        return WSC_WS_OP_PING;
    if (flags & CURLWS_PONG)
        return WSC_WS_OP_PONG;
    if (in_msg)
        return WSC_WS_OP_CONT;
    return flags & CURLWS_BINARY ? WSC_WS_OP_BINARY : WSC_WS_OP_TEXT;
}

/* libcurl reads the first bytes after the upgrade's answer with the answer
 * (a server's welcome often comes in the same packet) and keeps them for
 * curl_ws_recv(). Takes every frame libcurl holds, whole, and encodes it
 * again (unmasked, as it came) for wsc_ws_raw_recv() to return first. */
static int adopt_buffered(struct wsc_ws *ws)
{
    char chunk[4096];
    int in_msg = 0, frame_open = 0;
    double d = ws_effective_deadline(ws, 0);
    for (;;) {
        size_t n = 0;
        const struct curl_ws_frame *meta = NULL;
        CURLcode rc = curl_ws_recv(ws->curl, chunk, sizeof chunk, &n, &meta);
        if (rc == CURLE_AGAIN && !frame_open)
            return 0;
        if (rc == CURLE_AGAIN) {
            if (ws_wait_socket(ws->sock, POLLIN, d) <= 0)
                return -1;
            continue;
        }
        /* a connection that ended is for the next raw read to report */
        if (rc != CURLE_OK || !meta)
            return frame_open ? -1 : 0;
        if (meta->offset == 0) {
            unsigned char head[14];
            unsigned op = decoded_opcode(meta->flags, in_msg);
            int fin = op >= 8 || !(meta->flags & CURLWS_CONT);
            size_t h = put_header(head, fin, 0, op, NULL, n + (uint64_t)meta->bytesleft);
            wsc_buf_append(&ws->raw_pending, (const char *)head, h);
            if (op < 8)
                in_msg = !fin;
        }
        wsc_buf_append(&ws->raw_pending, chunk, n);
        frame_open = meta->bytesleft > 0;
        if (ws->raw_pending.failed)
            return -1;
    }
}

/* Before the first raw call: libcurl must neither frame nor answer
 * anything from now on, and gives up what it had read. */
static int raw_ready(struct wsc_ws *ws)
{
    if (ws->state == ST_FAILED)
        return -1; /* its status and message stay */
    if (ws->state != ST_OPEN && ws->state != ST_CLOSING) {
        ws_set_status(ws, WSC_WS_ERROR, "the connection is not open");
        return -1;
    }
    if (ws->raw)
        return 0;
    ws->raw = 1;
    curl_easy_setopt(ws->curl, CURLOPT_WS_OPTIONS,
                     (long)(CURLWS_RAW_MODE | CURLWS_NOAUTOPONG));
    if (adopt_buffered(ws) < 0) {
        ws_fail(ws, "the frames received with the upgrade's answer could not be read");
        return -1;
    }
    return 0;
}

enum wsc_ws_result wsc_ws_raw_send(struct wsc_ws *ws, const void *data, size_t len,
                                   double deadline)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (raw_ready(ws) < 0)
        return ws->status;
    double d = ws_effective_deadline(ws, deadline);
    const char *p = data;
    while (len > 0) {
        size_t sent = 0;
        CURLcode rc = curl_easy_send(ws->curl, p, len, &sent);
        if (rc == CURLE_AGAIN) {
            int w = ws_wait_socket(ws->sock, POLLOUT, d);
            if (w == 0)
                return ws_set_status(ws, WSC_WS_TIMEOUT,
                                     "the peer stopped reading: %zu bytes not sent", len);
            if (w < 0)
                return ws_fail(ws, "poll: %s", strerror(errno));
            continue;
        }
        if (rc != CURLE_OK)
            return ws_fail(ws, "sending: %s", curl_easy_strerror(rc));
        p += sent;
        len -= sent;
    }
    return ws_ok(ws);
}

enum wsc_ws_result wsc_ws_raw_recv(struct wsc_ws *ws, void *buf, size_t cap, size_t *n,
                                   double deadline)
{
    *n = 0;
    if (!ws)
        return WSC_WS_ERROR;
    if (raw_ready(ws) < 0)
        return ws->status;
    if (ws->raw_off < ws->raw_pending.len) {
        size_t k = ws->raw_pending.len - ws->raw_off;
        *n = k < cap ? k : cap;
        memcpy(buf, ws->raw_pending.data + ws->raw_off, *n);
        ws->raw_off += *n;
        return ws_ok(ws);
    }
    double d = ws_effective_deadline(ws, deadline);
    for (;;) {
        CURLcode rc = curl_easy_recv(ws->curl, buf, cap, n);
        if (rc == CURLE_OK && *n == 0)
            return ws_set_status(ws, WSC_WS_CLOSED, "the peer closed the TCP connection");
        if (rc == CURLE_OK)
            return ws_ok(ws);
        if (rc != CURLE_AGAIN)
            return ws_set_status(ws, WSC_WS_CLOSED, "the connection broke: %s",
                                 curl_easy_strerror(rc));
        int w = ws_wait_socket(ws->sock, POLLIN, d);
        if (w == 0)
            return ws_set_status(ws, WSC_WS_TIMEOUT, "nothing received");
        if (w < 0)
            return ws_fail(ws, "poll: %s", strerror(errno));
    }
}
