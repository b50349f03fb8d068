/* Errors that point at the cause: an "undefined variable 'x'" message gets
 * where x should have come from, e.g. "(captured by test 'login', which
 * failed)", "(captured by test 'login' later in the file)" or "(no test
 * captures it; did you mean 'sid'?)". */
#ifndef WSC_VAR_ORIGIN_H
#define WSC_VAR_ORIGIN_H

#include "result.h"
#include "scenario.h"

/* What became of a test that captures the variable, at run time: 0 when it
 * was not selected, 1 with *st when it ran (or was skipped), -1 when it has
 * not run yet. */
typedef int (*wsc_origin_fn)(const struct wsc_test *capturer, void *arg,
                             enum wsc_status *st);

/* A copy of msg, the first "undefined variable 'NAME'" in it followed by
 * the cause, for test t of sc; NULL when msg names no undefined variable,
 * when t itself captures it (a later step of the same test) or when out of
 * memory (then msg is best kept as it is). fn may be NULL (validation: every
 * earlier test's captures are defined then). */
char *wsc_explain_undefined(const struct wsc_scenario *sc, const struct wsc_test *t,
                            const char *msg, wsc_origin_fn fn, void *arg);

#endif
