/* The state behind the validate callback of a check (wsc_invalid() and
 * friends in <wscheck/plugin.h>). The runner fills one in per test and
 * passes it to the check's `validate`; plugins only see the opaque type. */
#ifndef WSC_VALIDATION_H
#define WSC_VALIDATION_H

#include "vars.h"
#include "wscheck/plugin.h"

/* Receives one problem: `pointer` is relative to the test's params. */
typedef void (*wsc_validation_report_fn)(void *arg, const char *pointer, const char *msg);

struct wsc_validation {
    double timeout;              /* the test's timeout, seconds */
    const struct wsc_vars *vars; /* what ${...} can reference at this test */
    wsc_validation_report_fn report;
    void *arg;
    int count; /* problems reported so far */
};

#endif
