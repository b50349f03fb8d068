/* wscheck-mock: logging, and libwebsockets' own log lines routed through it. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

static int log_verbose;
static mock_lws_line_hook lws_hook;

void mock_log_lws_hook(mock_lws_line_hook hook)
{
    lws_hook = hook;
}

/* lws hands over complete lines that already end in '\n' and carry its own
 * timestamp prefix; strip neither, only label them. */
static void lws_emit(int level, const char *line)
{
    (void)level;
    if (lws_hook && lws_hook(line))
        return;
    fprintf(stderr, "wscheck-mock: lws: %s", line);
    if (line[0] && line[strlen(line) - 1] != '\n')
        fputc('\n', stderr);
}

void mock_log_init(int verbose)
{
    int lws_levels = LLL_ERR;

    log_verbose = verbose;
    /* lws warnings are mostly about misbehaving peers, which a mock server
     * meets on purpose: only show them when asked. */
    if (verbose >= 1)
        lws_levels |= LLL_WARN | LLL_NOTICE;
    if (verbose >= 3)
        lws_levels |= LLL_INFO;
    lws_set_log_level(lws_levels, lws_emit);
}

void mock_log(enum mock_log_level level, const char *fmt, ...)
{
    va_list ap;

    if ((int)level > log_verbose + 1)
        return;
    fputs("wscheck-mock: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
