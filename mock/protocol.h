/* wscheck-mock: the message protocol of mock-server.md - the welcome, the
 * seven request types and the errors - with strict per-client order. */
#ifndef WSCHECK_MOCK_PROTOCOL_H
#define WSCHECK_MOCK_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct mock_client;

/* Queues the welcome frame for a client that has just connected. */
void protocol_welcome(struct mock_client *c);

/* One complete message from c (a text frame, or binary holding JSON). It is
 * handled now, or after the messages and delays queued before it. */
void protocol_deliver(struct mock_client *c, const char *data, size_t len, bool binary);

/* Serialises obj and queues it for c. Returns 0, or -1 if not queued. */
int protocol_send_json(struct mock_client *c, json_object *obj);

#endif
