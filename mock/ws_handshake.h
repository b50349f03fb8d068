/* wscheck-mock: the checks RFC 6455 (section 4.2.1) asks of an opening
 * handshake that libwebsockets 4.x does not make, or makes by dropping the
 * connection without a word: it upgrades any method, any
 * Sec-WebSocket-Version and any Sec-WebSocket-Key, and closes on a missing
 * key or Connection token. */
#ifndef WSCHECK_MOCK_WS_HANDSHAKE_H
#define WSCHECK_MOCK_WS_HANDSHAKE_H

#include <libwebsockets.h>

/* From LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 0 if the request may be
 * upgraded, or the HTTP status to refuse it with (400, or 426 for a
 * version other than 13), with the reason in *why. */
int ws_handshake_check(struct lws *wsi, const char **why);

#endif
