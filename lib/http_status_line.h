/* Strict reading of an HTTP/1.x status line, for the HTTP and WebSocket
 * clients: libcurl reads "HTTP/1.1 2000 OK" as status 200, and a client of
 * a test harness must not. Not installed. */
#ifndef WSC_HTTP_STATUS_LINE_H
#define WSC_HTTP_STATUS_LINE_H

#include <stddef.h>

/* The size kept of a status line for messages (longer ones are cut). */
#define WSC_STATUS_LINE_MAX 160

struct wsc_status_line {
    char text[WSC_STATUS_LINE_MAX]; /* the line as received, without CRLF */
    int major, minor;               /* HTTP version; minor -1 for "HTTP/2" */
    int code;                       /* the three-digit status code */
};

/* Is data[0..len) a status line ("HTTP/" at its start)? */
int wsc_is_status_line(const char *data, size_t len);
/* Reads a status line: HTTP-version SP 3DIGIT [SP reason-phrase] (RFC 9112
 * section 4; the SP before an empty reason may be missing). Fills *out
 * (its text in any case) and returns 0, or -1 when the line is malformed. */
int wsc_status_line_parse(const char *data, size_t len, struct wsc_status_line *out);

#endif
