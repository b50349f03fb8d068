/* Sentences for libcurl transfer failures shared by the HTTP helper
 * (http.c) and the WebSocket layer (ws_handshake.c), so that both name a
 * failed connection the same way. */
#ifndef WSC_CURL_ERRORS_H
#define WSC_CURL_ERRORS_H

#include <curl/curl.h>

/* "HOST:PORT" (with_port; the scheme's default port when the URL has none)
 * or "HOST" of the URL c last tried, else of `url`; `url` itself when it
 * cannot be parsed. Malloc'ed; NULL when out of memory. */
char *wsc_curl_url_host(CURL *c, const char *url, int with_port);

/* For CURLE_COULDNT_CONNECT: "connect to HOST:PORT failed: REASON", REASON
 * being strerror() of the connect's errno (e.g. "Connection refused"), or
 * `detail` (libcurl's words) when libcurl kept no errno. Malloc'ed; NULL
 * when out of memory. */
char *wsc_curl_connect_error(CURL *c, const char *url, const char *detail);

#endif
