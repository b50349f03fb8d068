/* wscheck-mock: one growable buffer for fragmented messages, shared by the
 * sockets of every profile. */
#include <stdlib.h>
#include <string.h>

#include "reassembly.h"

#define FIRST_CAP 4096

int mock_reassembly_append(struct mock_reassembly *r, const char *in, size_t len)
{
    size_t need = r->len + len + 1; /* the NUL kept after the bytes */

    if (need > r->cap) {
        size_t cap = r->cap ? r->cap : FIRST_CAP;
        char *p;

        while (cap < need)
            cap *= 2;
        p = realloc(r->data, cap);
        if (!p)
            return -1;
        r->data = p;
        r->cap = cap;
    }
    if (len) /* an empty frame may come with no buffer */
        memcpy(r->data + r->len, in, len);
    r->len += len;
    r->data[r->len] = '\0';
    return 0;
}

/* Storage over this is freed between messages, so idle clients do not
 * keep the memory of their largest message. */
#define KEEP_CAP 65536

void mock_reassembly_reset(struct mock_reassembly *r)
{
    r->len = 0;
    if (r->cap > KEEP_CAP) {
        free(r->data);
        r->data = NULL;
        r->cap = 0;
    }
}

void mock_reassembly_free(struct mock_reassembly *r)
{
    free(r->data);
    r->data = NULL;
    r->len = r->cap = 0;
}
