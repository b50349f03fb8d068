/* wscheck-mock: a WebSocket message put back together from the fragments
 * libwebsockets hands over. The caller bounds it: every socket checks the
 * message's size against its limit before appending. */
#ifndef WSCHECK_MOCK_REASSEMBLY_H
#define WSCHECK_MOCK_REASSEMBLY_H

#include <stddef.h>

struct mock_reassembly {
    char *data; /* NUL-terminated after every append */
    size_t len, cap;
};

/* Appends len bytes (doubling the storage from 4 KiB). 0, or -1 when out
 * of memory (the message so far is kept). */
int mock_reassembly_append(struct mock_reassembly *r, const char *in, size_t len);
/* Starts a new message, keeping the storage unless it grew past 64 KiB. */
void mock_reassembly_reset(struct mock_reassembly *r);
void mock_reassembly_free(struct mock_reassembly *r);

#endif
