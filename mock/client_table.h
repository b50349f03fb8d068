/* wscheck-mock: the server's table of connected clients.
 *
 * It keeps clients in connection order (get_clients and broadcasts follow
 * it, as the reference's dict does) and finds them by id, through a hash
 * table, for targeted MCP sends. Adding a client gives it its id. */
#ifndef WSCHECK_MOCK_CLIENT_TABLE_H
#define WSCHECK_MOCK_CLIENT_TABLE_H

#include <stddef.h>

#include "clients.h"

struct mock_client_table {
    struct mock_client **buckets; /* by id hash, chained through hnext */
    size_t nbuckets;              /* a power of two */
    size_t count;
    struct mock_client *head, *tail; /* connection order */
};

int client_table_init(struct mock_client_table *t);
void client_table_free(struct mock_client_table *t);

/* Gives c a fresh unique id and appends it. Returns 0, or -1 (no memory). */
int client_table_add(struct mock_client_table *t, struct mock_client *c);
void client_table_remove(struct mock_client_table *t, struct mock_client *c);
struct mock_client *client_table_find(const struct mock_client_table *t, const char *id);

#endif
