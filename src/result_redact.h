/* The result boundary of redaction: what a test's result holds is redacted
 * before any reporter (console, JUnit, JSON, ...) sees it. */
#ifndef WSC_RESULT_REDACT_H
#define WSC_RESULT_REDACT_H

#include "redact.h"
#include "result.h"

/* Redacts every string of r (name, message, log, warnings, cases) and its
 * outputs and trace. Fails closed: when out of memory, r becomes an error
 * whose message says its contents were withheld, and -1 is returned. */
int wsc_result_redact(struct wsc_result *r, const struct wsc_redactor *red);

/* Adds the "secrets" a check's report carries (wsc_ctx_to_json()) to red.
 * 0, or -1 when out of memory. */
int wsc_redactor_add_report_secrets(struct wsc_redactor *red,
                                    const struct json_object *report);

#endif
