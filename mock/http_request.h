/* wscheck-mock: what the HTTP handlers read from a request's head that
 * libwebsockets takes too loosely. */
#ifndef WSCHECK_MOCK_HTTP_REQUEST_H
#define WSCHECK_MOCK_HTTP_REQUEST_H

#include <libwebsockets.h>

enum http_length {
    HTTP_LENGTH_NONE,    /* no Content-Length header */
    HTTP_LENGTH_OK,      /* *length holds it */
    HTTP_LENGTH_INVALID, /* not a decimal number we can frame a body with */
};

/* The request's Content-Length. lws reads it with atoll(), so "-1" means
 * no body, "1e20" one byte and "abc" none: a body then cannot be framed,
 * and the request must be refused (400, closing the connection) rather
 * than waited on. */
enum http_length http_content_length(struct lws *wsi, unsigned long long *length);

#endif
