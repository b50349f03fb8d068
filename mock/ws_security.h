/* wscheck-mock: the security options of the WebSocket port - allowed
 * Origins, an auth token (header, query, cookie, first message or
 * subprotocol), roles with permitted message types, connections per
 * address and a message rate limit - for exercising a client's or a
 * checker's security tests against a server that enforces them. */
#ifndef WSCHECK_MOCK_WS_SECURITY_H
#define WSCHECK_MOCK_WS_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

struct mock_server;
struct mock_client;

/* Close codes of refusals after the upgrade. */
#define MOCK_CLOSE_AUTH_FAILED 4001 /* first-message login wrong or missing */
#define MOCK_CLOSE_FORBIDDEN 4003   /* a message type the role may not send */

/* From LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, after the RFC 6455 checks:
 * 0 to go on, or the value of http_refuse_upgrade() for a refusal (403
 * Origin, 503 connections per address, 401 token). */
int ws_security_upgrade(struct mock_server *srv, struct lws *wsi);

/* From LWS_CALLBACK_ESTABLISHED, with the request headers still there:
 * the client's role, login state and rate bucket. Returns true when the
 * welcome may go out now (false: after the first-message login). */
bool ws_security_client_init(struct mock_server *srv, struct lws *wsi,
                             struct mock_client *c);

/* Before a message is handled: true when it was consumed here (the login
 * message, or a refusal that closes the client). */
bool ws_security_message(struct mock_client *c, const char *data, size_t len,
                         bool binary);

/* The client is gone: its timer goes too. */
void ws_security_client_gone(struct mock_client *c);

#endif
