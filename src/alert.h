/* Alerts of `wscheck monitor`: a test went down or recovered. Channels: a
 * command, a webhook, Alertmanager's API. Every send is bounded in time
 * and a failed send is only reported: monitoring goes on. */
#ifndef WSC_ALERT_H
#define WSC_ALERT_H

#include <json-c/json.h>

struct monitor_alert {
    const char *state;   /* "down" or "recovered" */
    const char *suite;   /* from the redacted results */
    const char *test;    /* idem */
    const char *message; /* down: the failure; recovered: "down for ..." */
    double since;        /* epoch seconds the test has been down since */
    double time;         /* epoch seconds of the result */
    double downtime;     /* recovered: seconds it was down; else 0 */
    unsigned long round;
};

/* The event as JSON (the --alert-cmd stdin and the webhook body). */
struct json_object *alert_event_json(const struct monitor_alert *a);

/* Runs cmd with /bin/sh -c in its own process group, the event JSON on its
 * standard input and WSCHECK_ALERT_* in its environment; kills the group
 * after timeout seconds. Returns 0 when it exited 0, else -1 with *err. */
int alert_command(const char *cmd, const struct monitor_alert *a, double timeout,
                  char **err);
/* POSTs body (JSON) to url, retrying with backoff on connection errors and
 * 5xx answers, for at most timeout seconds in all. 0 on a 2xx answer, else
 * -1 with *err. */
int alert_post(const char *url, const char *body, double timeout, char **err);
/* POSTs the alert to Alertmanager's /api/v2/alerts at base: firing
 * (startsAt) or, when resolved, with endsAt. Bounded as alert_post(). */
int alert_alertmanager(const char *base, const struct monitor_alert *a, int resolved,
                       double timeout, char **err);

/* Runs cmd with /bin/sh -c, input on its standard input, bounded as
 * alert_command(); what names it in *err ("mail command"). A command that
 * is not found (status 127) says so. 0, or -1 with *err. */
int alert_pipe(const char *cmd, const char *input, double timeout, const char *what,
               char **err);

/* ---- mail (alert_mail.c) ---- */
#define ALERT_MAIL_COMMAND "sendmail -t"
/* A usable recipient: not empty, no control characters. */
int alert_mail_address_ok(const char *to);
/* The message: To, Subject (control characters made spaces), plain text
 * UTF-8 headers, the body. Malloc'ed; NULL when out of memory. */
char *alert_mail_message(const char *to, const char *subject, const char *body);
/* Pipes the message to command (NULL: ALERT_MAIL_COMMAND). 0, or -1 with
 * *err (malloc'ed). */
int alert_mail_send(const char *command, const char *to, const char *subject,
                    const char *body, double timeout, char **err);

#endif
