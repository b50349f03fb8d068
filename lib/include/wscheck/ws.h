/* The WebSocket client layer shared by every WebSocket check.
 *
 * Built on libcurl's WebSocket API (CURLOPT_CONNECT_ONLY=2, curl_ws_send,
 * curl_ws_recv), plus what libcurl leaves to the application: wscheck sends
 * its own Sec-WebSocket-Key and verifies the whole handshake itself (status,
 * Upgrade, Connection, Sec-WebSocket-Accept, the negotiated subprotocol and
 * extensions), every wait has its own deadline, fragmented messages are
 * reassembled up to max_message_size, and a close started by the peer is
 * echoed.
 *
 * A check is a page of code:
 *
 *   struct wsc_ws_options opt;
 *   char *err = NULL;
 *   if (wsc_ws_options_parse(ctx, params, &opt, &err) != 0) {
 *       wsc_error(ctx, "%s", err); free(err); return;
 *   }
 *   struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, 0);
 *   struct wsc_ws_msg m;
 *   if (wsc_ws_status(ws) != WSC_WS_OK
 *       || wsc_ws_send_text(ws, "hello", 5) != WSC_WS_OK
 *       || wsc_ws_recv(ws, &m, WSC_WS_DATA, wsc_ws_within(ctx, 2.0)) != WSC_WS_OK
 *       || wsc_ws_close(ws, 1000, "bye", 0) != WSC_WS_OK)
 *       wsc_fail(ctx, "%s", wsc_ws_error(ws));
 *   wsc_ws_free(ws);
 *   wsc_ws_options_free(&opt);
 *
 * Context: every function takes the check's context or NULL. With a context,
 * frames are traced with wsc_trace() (dir "send"/"recv", kind "text",
 * "binary", "ping", "pong", "close"; the upgrade request and answer, each
 * header block whole, as kind "http"), header
 * secrets are registered with wsc_secret(), and waits never go past
 * wsc_deadline(ctx). Without one (unit tests, benchmarks) nothing is traced
 * and deadlines come from the explicit arguments.
 *
 * Deadlines are absolute wsc_now() values. A deadline argument of 0 means
 * "the connection's deadline": the one given to wsc_ws_connect(), else the
 * context's. An explicit deadline is still capped by the context's. With no
 * deadline at all (no context, 0 everywhere) each wait ends after 30 s.
 *
 * Errors: functions return a wsc_ws_result; on anything but WSC_WS_OK,
 * wsc_ws_error() holds one precise sentence, e.g.
 *   "Sec-WebSocket-Accept is 'abc=', expected 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='"
 *   "no message within 2.000 s"
 *   "message larger than max_message_size 1048576"
 *   "connection closed by the peer in the middle of a frame"
 * Once a connection has failed (transport or protocol error), later calls
 * return WSC_WS_ERROR with the same message and never block.
 *
 * Event loops: wsc_ws_connect() blocks for the upgrade; wsc_ws_connect_start()
 * does not, and wsc_ws_connect_pollfds(), wsc_ws_connect_timeout_ms() and
 * wsc_ws_connect_perform() drive the upgrade from a poll() loop of many
 * connections. Once open, wsc_ws_socket() is the socket to poll and
 * wsc_ws_recv() with a deadline of wsc_now() drains without waiting.
 *
 * Growth (wscheck-plugin(7)): struct wsc_ws_options and struct wsc_ws_msg
 * may gain members at their end in a later release. The plugin's size of
 * each reaches the library from inline functions compiled into the plugin:
 * wsc_ws_options_init() and wsc_ws_options_parse() record it in
 * opt->struct_size, wsc_ws_recv() and wsc_ws_recv_json() pass sizeof *msg.
 * The library reads and writes only the members within that size; options
 * that set members it does not know are refused (WSC_WS_ERROR from
 * wsc_ws_connect()). Always initialise options with one of those two.
 */
#ifndef WSCHECK_WS_H
#define WSCHECK_WS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 6455 section 1.3 */
#define WSC_WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WSC_WS_DEFAULT_MAX_MESSAGE_SIZE (1024 * 1024)

/* JSON Schema "properties" members (without the surrounding braces) for the
 * options every WebSocket check takes. A check's schema concatenates them:
 *
 *   "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
 *       WSC_WS_OPTION_PROPS ",\"count\":{\"type\":\"integer\"}}}"
 */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define WSC_WS_OPTION_PROPS                                                    \
    "\"url\":{\"type\":\"string\",\"description\":"                           \
    "\"The ws:// or wss:// URL to connect to\"},"                                  \
    "\"headers\":{\"type\":\"object\","                                         \
    "\"additionalProperties\":{\"type\":\"string\"},\"description\":"        \
    "\"Extra request headers (name: value); Authorization, "                  \
    "Proxy-Authorization and Cookie values are redacted\"},"                  \
    "\"origin\":{\"type\":\"string\",\"description\":\"Origin header to send\"},"       \
    "\"subprotocols\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"   \
    "\"description\":\"Subprotocols offered in Sec-WebSocket-Protocol\"},"    \
    "\"connect_timeout\":{\"type\":\"number\",\"minimum\":0,\"description\":" \
    "\"Seconds allowed for TCP, TLS and the upgrade (default: the test's "   \
    "timeout)\"},"                                                             \
    "\"ca_file\":{\"type\":\"string\",\"description\":"                       \
    "\"PEM file of CA certificates for wss://\"},"                             \
    "\"insecure\":{\"type\":\"boolean\",\"default\":false,\"description\":"   \
    "\"Do not verify the server's certificate\"},"                             \
    "\"client_cert\":{\"type\":\"string\",\"description\":"                   \
    "\"PEM client certificate for wss://\"},"                                  \
    "\"client_key\":{\"type\":\"string\",\"description\":"                    \
    "\"PEM private key of client_cert\"},"                                     \
    "\"max_message_size\":{\"type\":\"integer\",\"minimum\":1,"                \
    "\"default\":1048576,\"description\":"                                     \
    "\"Largest message accepted, in bytes (after reassembly)\"}"
/* clang-format on */

/* ---- Options ------------------------------------------------------------- */

struct wsc_ws_options {
    size_t struct_size; /* set by wsc_ws_options_init/parse: the size
                              * the plugin was built with */
    char *url;          /* ws:// or wss://, required */
    char **headers;     /* "Name: value" lines, n_headers of them */
    size_t n_headers;
    char *origin;        /* NULL: no Origin header */
    char **subprotocols; /* offered, in order; n_subprotocols of them */
    size_t n_subprotocols;
    double connect_timeout; /* seconds; <= 0: only the deadline applies */
    char *ca_file;          /* NULL: the system's CAs */
    int insecure;           /* skip certificate and host name checks */
    char *client_cert;
    char *client_key;
    size_t max_message_size; /* bytes after reassembly */
    int observe_pings;       /* 1: wsc_ws_recv() can return the server's
                              * pings (WSC_WS_PING); 0: they are never
                              * returned. Either way the layer answers them
                              * (the latest one when the peer pings faster
                              * than it reads: memory stays bounded) */
};

/* What the inline functions below call with the plugin's sizeof. */
WSC_EXPORT void wsc_ws_options_init_sized(struct wsc_ws_options *opt, size_t size);
WSC_EXPORT int wsc_ws_options_parse_sized(struct wsc_ctx *ctx,
                                          const struct json_object *params,
                                          struct wsc_ws_options *opt, size_t size,
                                          char **err);

/* Fills in the defaults (everything empty, max_message_size 1 MiB). */
static inline void wsc_ws_options_init(struct wsc_ws_options *opt)
{
    wsc_ws_options_init_sized(opt, sizeof *opt);
}
/* Initialises *opt from a check's params (the members named in
 * WSC_WS_OPTION_PROPS; other members are ignored). Registers Authorization,
 * Proxy-Authorization and Cookie header values, and a password in the URL,
 * as secrets of ctx. Returns 0, or -1 with *err set to a malloc'ed message
 * ("url: expected ws:// or wss://, got 'http://x'"); *opt is then freed. */
static inline int wsc_ws_options_parse(struct wsc_ctx *ctx,
                                       const struct json_object *params,
                                       struct wsc_ws_options *opt, char **err)
{
    return wsc_ws_options_parse_sized(ctx, params, opt, sizeof *opt, err);
}
/* Adds one request header (copied). Returns 0 or -1 (out of memory). */
WSC_EXPORT int wsc_ws_options_add_header(struct wsc_ws_options *opt, const char *name,
                                         const char *value);
/* Frees what *opt holds and re-initialises it. */
WSC_EXPORT void wsc_ws_options_free(struct wsc_ws_options *opt);

/* ---- Connection ---------------------------------------------------------- */

struct wsc_ws;

enum wsc_ws_result {
    WSC_WS_OK = 0,
    WSC_WS_TIMEOUT = -1,  /* the deadline passed; the connection is usable */
    WSC_WS_CLOSED = -2,   /* the close handshake is over (either side began
                           * it): nothing more can be sent or received */
    WSC_WS_ERROR = -3,    /* transport or protocol error; the connection is
                           * dead */
    WSC_WS_REJECTED = -4, /* the server answered the upgrade with another
                           * status than 101 (only with WSC_WS_ALLOW_REJECT) */
    WSC_WS_PENDING = 1,   /* wsc_ws_connect_start(): the upgrade is still in
                           * progress */
};

/* Flags for wsc_ws_connect() */
#define WSC_WS_ALLOW_REJECT \
    1 /* a non-101 answer is WSC_WS_REJECTED, with
                               * status and headers available, not an error */

/* Connects and upgrades; verifies the handshake. Never returns NULL unless
 * out of memory: check wsc_ws_status(ws), and free the handle in any case.
 * `deadline` bounds the whole connection's life (0: the context's);
 * opt->connect_timeout further bounds this call. *opt is copied. */
WSC_EXPORT struct wsc_ws *wsc_ws_connect(struct wsc_ctx *ctx,
                                         const struct wsc_ws_options *opt,
                                         double deadline, int flags);
/* The same connection without blocking, for event loops that drive many at
 * once: starts the TCP/TLS connection and the upgrade on a libcurl multi
 * handle of the connection's own and returns at once (NULL only when out of
 * memory). wsc_ws_status() is WSC_WS_PENDING until the upgrade is over;
 * wsc_ws_connect_pollfds() and wsc_ws_connect_timeout_ms() say what to wait
 * for, wsc_ws_connect_perform() moves the upgrade on. When it is over the
 * connection is exactly what wsc_ws_connect() returns (same verification,
 * tracing, messages; wsc_ws_connect() is this loop). Other calls on a
 * connection still connecting return WSC_WS_PENDING. The deadlines are
 * computed at the start. */
WSC_EXPORT struct wsc_ws *wsc_ws_connect_start(struct wsc_ctx *ctx,
                                               const struct wsc_ws_options *opt,
                                               double deadline, int flags);
/* Fills at most `max` pollfds with the sockets the upgrade waits on and
 * returns how many it needs (0 when none yet, or when not connecting: rely
 * on the timeout then). */
WSC_EXPORT size_t wsc_ws_connect_pollfds(struct wsc_ws *ws, struct pollfd *fds,
                                         size_t max);
/* Milliseconds until wsc_ws_connect_perform() is due anyway (at most 100
 * while connecting); -1 when the connection is not connecting. */
WSC_EXPORT long wsc_ws_connect_timeout_ms(struct wsc_ws *ws);
/* Processes whatever is ready, never waiting: WSC_WS_PENDING while the
 * upgrade goes on, then the result of the connect (WSC_WS_OK,
 * WSC_WS_REJECTED or WSC_WS_ERROR, with wsc_ws_error() as for
 * wsc_ws_connect()); on a connection that is not connecting, its status. */
WSC_EXPORT enum wsc_ws_result wsc_ws_connect_perform(struct wsc_ws *ws);
/* Closes the socket without a close handshake (use wsc_ws_close() first for
 * a clean close) and frees everything. NULL is fine. */
WSC_EXPORT void wsc_ws_free(struct wsc_ws *ws);

/* The result of the last call on ws (of wsc_ws_connect() right after it). */
WSC_EXPORT enum wsc_ws_result wsc_ws_status(const struct wsc_ws *ws);
/* The message of the last failing call, or "" when the last call succeeded.
 * Valid until the next call on ws. */
WSC_EXPORT const char *wsc_ws_error(const struct wsc_ws *ws);
/* An absolute deadline `seconds` from now, capped by the context's. */
WSC_EXPORT double wsc_ws_within(const struct wsc_ctx *ctx, double seconds);

/* ---- Handshake ----------------------------------------------------------- */

/* HTTP status of the upgrade answer (101 on success; 0: none received). */
WSC_EXPORT long wsc_ws_http_status(const struct wsc_ws *ws);
/* Response headers of the upgrade answer (the 101's, or the rejection's) as
 * an object: lower-cased name -> value (repeated headers joined by ", ").
 * Borrowed; empty object when nothing was received. */
WSC_EXPORT struct json_object *wsc_ws_response_headers(const struct wsc_ws *ws);
/* One response header, case-insensitive name; NULL when absent. */
WSC_EXPORT const char *wsc_ws_response_header(const struct wsc_ws *ws, const char *name);
/* The body of a rejection as far as libcurl delivered it (at most 64 KiB,
 * NUL-terminated; often "" since libcurl stops at a refused upgrade's
 * headers). */
WSC_EXPORT const char *wsc_ws_response_body(const struct wsc_ws *ws);
/* The negotiated subprotocol, NULL when none. */
WSC_EXPORT const char *wsc_ws_subprotocol(const struct wsc_ws *ws);
/* Milliseconds from the start of wsc_ws_connect() to a verified upgrade. */
WSC_EXPORT double wsc_ws_handshake_ms(const struct wsc_ws *ws);

/* ---- Sending ------------------------------------------------------------- */
/* Each waits for the socket at most until the connection's deadline. */

WSC_EXPORT enum wsc_ws_result wsc_ws_send_text(struct wsc_ws *ws, const char *text,
                                               size_t len);
WSC_EXPORT enum wsc_ws_result wsc_ws_send_binary(struct wsc_ws *ws, const void *data,
                                                 size_t len);
/* Sends a JSON value as a text message (its compact text). */
WSC_EXPORT enum wsc_ws_result wsc_ws_send_json(struct wsc_ws *ws,
                                               const struct json_object *value);
/* A ping; payload at most 125 bytes. */
WSC_EXPORT enum wsc_ws_result wsc_ws_send_ping(struct wsc_ws *ws, const void *payload,
                                               size_t len);
WSC_EXPORT enum wsc_ws_result wsc_ws_send_pong(struct wsc_ws *ws, const void *payload,
                                               size_t len);

/* ---- Receiving ----------------------------------------------------------- */

enum wsc_ws_kind {
    WSC_WS_TEXT = 1,
    WSC_WS_BINARY = 2,
    WSC_WS_PING = 4, /* only seen with opt.observe_pings (already answered) */
    WSC_WS_PONG = 8,
    WSC_WS_CLOSE = 16,
};
#define WSC_WS_DATA (WSC_WS_TEXT | WSC_WS_BINARY)
#define WSC_WS_ANY (WSC_WS_TEXT | WSC_WS_BINARY | WSC_WS_PING | WSC_WS_PONG)

struct wsc_ws_msg {
    enum wsc_ws_kind kind;
    const char *data; /* the whole (reassembled) payload, NUL-terminated
                           * for convenience; for CLOSE the reason. Owned by
                           * the connection, valid until its next call. */
    size_t len;
    int close_code; /* CLOSE only: the peer's code, 1005 when absent */
    double at;      /* wsc_now() when the last frame arrived */
};

/* What the inline functions below call with the plugin's sizeof *msg. */
WSC_EXPORT enum wsc_ws_result wsc_ws_recv_sized(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                                size_t msg_size, unsigned want,
                                                double deadline);
WSC_EXPORT enum wsc_ws_result wsc_ws_recv_json_sized(struct wsc_ws *ws,
                                                     struct wsc_ws_msg *msg,
                                                     size_t msg_size,
                                                     struct json_object **value,
                                                     double deadline);

/* Waits until `deadline` for the next message whose kind is in `want` (a
 * mask of wsc_ws_kind; 0 = WSC_WS_ANY). Messages of other kinds are consumed
 * (and traced). A close from the peer always ends the wait: it is echoed
 * (same code) and returned as a WSC_WS_CLOSE message with WSC_WS_OK; any
 * later call returns WSC_WS_CLOSED. msg may be NULL.
 * Returns WSC_WS_OK, WSC_WS_TIMEOUT ("no message within 2.000 s"),
 * WSC_WS_CLOSED or WSC_WS_ERROR. */
static inline enum wsc_ws_result wsc_ws_recv(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                             unsigned want, double deadline)
{
    return wsc_ws_recv_sized(ws, msg, sizeof *msg, want, deadline);
}
/* Like wsc_ws_recv(ws, msg, WSC_WS_DATA, deadline), then parses a text
 * message as JSON: *value is a new reference (the caller puts it), or NULL
 * when the message is binary or its text is not JSON (still WSC_WS_OK: the
 * caller decides; msg holds the data). */
static inline enum wsc_ws_result wsc_ws_recv_json(struct wsc_ws *ws,
                                                  struct wsc_ws_msg *msg,
                                                  struct json_object **value,
                                                  double deadline)
{
    return wsc_ws_recv_json_sized(ws, msg, sizeof *msg, value, deadline);
}

/* ---- Close handshake ----------------------------------------------------- */

/* Sends a close (code 0: no status code; reason at most 123 bytes) unless
 * the peer's close already arrived, then waits until `deadline` for the
 * peer's close, discarding data messages. WSC_WS_OK when both closes were
 * exchanged; WSC_WS_TIMEOUT ("no close frame from the peer within 2.000 s")
 * or WSC_WS_ERROR (e.g. "connection closed without a close frame"). */
WSC_EXPORT enum wsc_ws_result wsc_ws_close(struct wsc_ws *ws, int code,
                                           const char *reason, double deadline);
/* The peer's close: its code (1005 when it sent none, 0 when none arrived)
 * and reason ("" when none). */
WSC_EXPORT int wsc_ws_peer_close_code(const struct wsc_ws *ws);
WSC_EXPORT const char *wsc_ws_peer_close_reason(const struct wsc_ws *ws);
/* 1 once the connection can no longer carry messages (closed or failed). */
WSC_EXPORT int wsc_ws_is_closed(const struct wsc_ws *ws);

/* ---- Close status codes ---------------------------------------------------- */

/* The one table of close codes (RFC 6455 section 7.4, IANA registry) every
 * check uses. 1 when `code` may appear in a close frame on the wire:
 * 1000-1003, 1007-1014 and 3000-4999. Everything else is invalid: below
 * 1000, 1004-1006 and 1015 (reserved, never sent: 1005 and 1006 only say
 * locally that no code or no close frame arrived), 1016-2999 and 5000 up.
 * A close frame from the peer with an invalid code fails the connection. */
WSC_EXPORT int wsc_ws_close_code_valid(int code);
/* The code's registered name ("Normal Closure", "No Status Rcvd") or its
 * range ("private use" for 4000-4999); never NULL. */
WSC_EXPORT const char *wsc_ws_close_code_name(int code);

/* ---- Round trips --------------------------------------------------------- */

/* Sends a ping with `payload` and waits until `deadline` for the pong that
 * echoes it, skipping other messages (pongs with another payload are noted
 * as stale). Pongs already received before the ping is sent are
 * unsolicited (RFC 6455 5.5.3): consumed, never taken as the answer.
 * *rtt_ms: send to pong. WSC_WS_TIMEOUT: "no pong within ...". */
WSC_EXPORT enum wsc_ws_result wsc_ws_ping_rtt(struct wsc_ws *ws, const void *payload,
                                              size_t len, double deadline,
                                              double *rtt_ms);

/* ---- Lower level --------------------------------------------------------- */

/* The socket, for callers that poll many connections; -1 when not connected.
 * Do not read from it: libcurl buffers frames (call wsc_ws_recv() with a
 * deadline of wsc_now() to drain without waiting). */
WSC_EXPORT int wsc_ws_socket(const struct wsc_ws *ws);
/* The libcurl easy handle (e.g. for CURLWS_RAW_MODE conformance tests). */
WSC_EXPORT CURL *wsc_ws_curl(const struct wsc_ws *ws);

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)). Writes at most
 * 29 bytes with the NUL into out; returns 0, or -1 on failure. */
WSC_EXPORT int wsc_ws_accept_for_key(const char *key, char out[29]);

/* ---- Raw frames (conformance tests) ---------------------------------------- */

/* Frames of any shape, for checks that test how a peer handles frames this
 * layer would never send (reserved bits and opcodes, oversized or fragmented
 * control frames, unmasked client frames). After the first raw call on a
 * connection, libcurl neither frames, answers pings nor echoes closes
 * (CURLWS_RAW_MODE | CURLWS_NOAUTOPONG): the caller encodes, masks and
 * answers everything itself, and must not mix raw calls with
 * wsc_ws_send_*() and wsc_ws_recv() on that connection. */
#define WSC_WS_OP_CONT 0x0u
#define WSC_WS_OP_TEXT 0x1u
#define WSC_WS_OP_BINARY 0x2u
#define WSC_WS_OP_CLOSE 0x8u
#define WSC_WS_OP_PING 0x9u
#define WSC_WS_OP_PONG 0xAu

/* A frame header as parsed by wsc_ws_frame_parse(). */
struct wsc_ws_frame {
    int fin;
    unsigned rsv;    /* RSV1..RSV3 as bits 2..0 (RSV1 = 4) */
    unsigned opcode; /* 0x0-0xF, reserved ones included */
    int masked;
    unsigned char mask[4];
    uint64_t len; /* payload length */
};

/* XORs len bytes with mask, the first byte being byte `offset` of the
 * payload (masking and unmasking are the same operation). */
WSC_EXPORT void wsc_ws_mask(void *data, size_t len, const unsigned char mask[4],
                            uint64_t offset);
/* Writes one frame into out (cap bytes): FIN, RSV bits (rsv & 7, RSV1 = 4),
 * opcode (& 0xF), the shortest length encoding, and the payload masked with
 * `mask` (4 bytes) or unmasked when mask is NULL. Returns the frame's size,
 * 0 when it does not fit in cap. */
WSC_EXPORT size_t wsc_ws_frame_encode(void *out, size_t cap, int fin, unsigned rsv,
                                      unsigned opcode, const unsigned char *mask,
                                      const void *payload, size_t len);
/* Parses the frame header at the start of buf (len bytes available): returns
 * the header's size (payload starts there), 0 when more bytes are needed, -1
 * when the header is malformed (a length not in its shortest encoding, or a
 * 64-bit length with its top bit set). */
WSC_EXPORT long wsc_ws_frame_parse(const void *buf, size_t len, struct wsc_ws_frame *f);
/* Sends bytes as they are over the open connection (TLS included), waiting
 * for the socket until `deadline` (as for wsc_ws_recv()). WSC_WS_OK,
 * WSC_WS_TIMEOUT ("the peer stopped reading: N bytes not sent") or
 * WSC_WS_ERROR. */
WSC_EXPORT enum wsc_ws_result wsc_ws_raw_send(struct wsc_ws *ws, const void *data,
                                              size_t len, double deadline);
/* Receives at most cap bytes as they arrive, *n set to how many: WSC_WS_OK
 * (*n > 0), WSC_WS_TIMEOUT ("nothing received"), WSC_WS_CLOSED (the peer
 * closed or reset the TCP connection: "the peer closed the TCP connection")
 * or WSC_WS_ERROR. */
WSC_EXPORT enum wsc_ws_result wsc_ws_raw_recv(struct wsc_ws *ws, void *buf, size_t cap,
                                              size_t *n, double deadline);

#ifdef __cplusplus
}
#endif

#endif
