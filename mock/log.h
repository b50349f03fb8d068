/* wscheck-mock: diagnostics on stderr, one line each, prefixed with the
 * program name so they stand apart from the listener lines on stdout. */
#ifndef WSCHECK_MOCK_LOG_H
#define WSCHECK_MOCK_LOG_H

#include <stdbool.h>

enum mock_log_level {
    MOCK_LOG_ERR = 0,  /* always shown */
    MOCK_LOG_WARN = 1, /* always shown */
    MOCK_LOG_INFO = 2, /* --verbose */
    MOCK_LOG_DEBUG = 3 /* --verbose --verbose */
};

/* verbose: how many times --verbose was given. */
void mock_log_init(int verbose);

/* Sees every libwebsockets log line first; returning true swallows it. */
typedef bool (*mock_lws_line_hook)(const char *line);
void mock_log_lws_hook(mock_lws_line_hook hook);

void mock_log(enum mock_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
