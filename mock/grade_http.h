/* wscheck-mock --grade-clients: the server side of the RFC 6455 4.2
 * opening handshake, on the grading server's own sockets. */
#ifndef WSCHECK_MOCK_GRADE_HTTP_H
#define WSCHECK_MOCK_GRADE_HTTP_H

#include <stddef.h>

#define GRADE_HTTP_MAX 8192 /* request line and headers */

struct grade_request {
    char path[256];  /* without the query */
    char query[512]; /* after '?', or empty */
    char accept[29]; /* Sec-WebSocket-Accept for the key */
    int status;      /* 101, or the refusal: 400, 426 */
    char error[160]; /* why it was refused */
};

/* Parses the request in buf (len bytes). Returns 0 while the header block
 * is incomplete, else the number of bytes it took, with req filled in;
 * -1 when it is larger than GRADE_HTTP_MAX. */
long grade_http_parse(const char *buf, size_t len, struct grade_request *req);

/* The answer to req (101, or the refusal with a text body) in out.
 * Returns its length, or 0 if it does not fit. */
size_t grade_http_answer(const struct grade_request *req, char *out, size_t cap);

/* The value of query parameter name, percent-decoded, into out. Returns 1
 * when present, 0 when absent, -1 when malformed or too long. */
int grade_query_param(const char *query, const char *name, char *out, size_t outlen);

#endif
