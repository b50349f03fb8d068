/* Mail on failure (--email-on-failure): a plain text message with To and
 * Subject headers, piped to a mail command (`sendmail -t` by default,
 * which takes the recipients from the headers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "util.h"

/* A header value on one line: control characters become spaces (a CR or
 * LF in a test name must not start a header of its own). */
static void header_line(struct wsc_buf *b, const char *name, const char *value)
{
    wsc_buf_printf(b, "%s: ", name);
    for (const char *p = value; *p; p++)
        wsc_buf_append(b, (unsigned char)*p < 0x20 || *p == 0x7f ? " " : p, 1);
    wsc_buf_puts(b, "\n");
}

/* The body with CR dropped and a line holding only "." changed to ". ":
 * some mail commands read that line as the end of the message. */
static void body_text(struct wsc_buf *b, const char *body)
{
    int line_start = 1;
    for (const char *p = body; *p; p++) {
        if (*p == '\r')
            continue;
        if (line_start && p[0] == '.' && (p[1] == '\n' || p[1] == '\0')) {
            wsc_buf_puts(b, ". ");
            line_start = 0;
            continue;
        }
        wsc_buf_append(b, p, 1);
        line_start = *p == '\n';
    }
    if (!line_start)
        wsc_buf_puts(b, "\n");
}

int alert_mail_address_ok(const char *to)
{
    if (!to || !*to)
        return 0;
    for (const char *p = to; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

char *alert_mail_message(const char *to, const char *subject, const char *body)
{
    struct wsc_buf b = {0};
    header_line(&b, "To", to);
    header_line(&b, "Subject", subject);
    wsc_buf_puts(&b, "MIME-Version: 1.0\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n"
                     "Auto-Submitted: auto-generated\n"
                     "\n");
    body_text(&b, body);
    if (b.failed) {
        wsc_buf_free(&b);
        return NULL;
    }
    return wsc_buf_take(&b);
}

int alert_mail_send(const char *command, const char *to, const char *subject,
                    const char *body, double timeout, char **err)
{
    char *msg = alert_mail_message(to, subject, body);
    if (!msg) {
        *err = strdup("out of memory");
        return -1;
    }
    int rc = alert_pipe(command ? command : ALERT_MAIL_COMMAND, msg, timeout,
                        "mail command", err);
    free(msg);
    return rc;
}
