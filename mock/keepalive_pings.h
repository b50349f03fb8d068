/* wscheck-mock: keepalive pings. Every client is pinged ping_interval
 * seconds after its last pong (or its connection) and closed with 1011 if
 * no pong comes within ping_timeout, as the reference's websockets server
 * does. One periodic timer walks all clients, which stays cheap at 10,000
 * clients where a timer per client would not (lws keeps timers in a sorted
 * list). */
#ifndef WSCHECK_MOCK_KEEPALIVE_PINGS_H
#define WSCHECK_MOCK_KEEPALIVE_PINGS_H

struct mock_server;
struct mock_client;

void keepalive_start(struct mock_server *srv);
void keepalive_stop(struct mock_server *srv);
void keepalive_client_init(struct mock_server *srv, struct mock_client *c);
void keepalive_pong(struct mock_server *srv, struct mock_client *c);

#endif
