/* wscheck-mock: crackerjack job ids - which are valid (an invalid one
 * gets 400 on /monitor and 403 on the progress handshake), and new ones. */
#ifndef WSCHECK_MOCK_CJ_IDS_H
#define WSCHECK_MOCK_CJ_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define CJ_ID_MAX 128

/* The rules of v0.31.12+: anything Python's uuid.UUID() parses, or
 * [A-Za-z0-9_-]+; in both cases at most 128 characters, not only "-" and
 * "_", no "--", and no SQL or Python word (see cj_ids.c). With legacy
 * (v0.31.0-v0.31.10), only the pattern and at most 50 characters. */
bool cj_id_valid(const char *id, size_t len, bool legacy);

/* A new id: 8 lowercase hex digits, as the first 8 of a UUID4. */
void cj_id_new(char out[9]);

#endif
