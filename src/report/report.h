/* Reports: console lines, JUnit XML, JSON. */
#ifndef WSC_REPORT_H
#define WSC_REPORT_H

#include <stdio.h>
#include "result.h"
#include "atomic_write.h" /* wsc_report_write_file(), which both use */

struct wsc_console {
    FILE *out;
    int color;   /* ANSI colours (TTY and NO_COLOR unset) */
    int quiet;   /* only failures and the summary */
    int verbose; /* also notes, metrics */
};

/* One line per test: status, suite and test name, duration, and on failure
 * the message; a test that passed after failed attempts says "flaky: N
 * failed attempts", with why each failed under it. */
void wsc_console_test(const struct wsc_console *c, const struct wsc_suite_result *s,
                      const struct wsc_result *r);
/* "N passed, N failed, N errors, N skipped in T s"; "N passed (M flaky)"
 * when tests passed only after retries. */
void wsc_console_summary(const struct wsc_console *c, const struct wsc_run_result *r);

/* Both write to PATH.tmp.XXXXXX and rename; never leave a half-written file.
 * Return 0, or -1 with *err (malloc'ed) naming the path and the reason. */
int wsc_junit_write(const char *path, const struct wsc_run_result *r, char **err);
/* How JUnit shows the attempts of a retried test: in the suite's
 * <system-err> only (valid on the Ant and Jenkins schemas), or there and as
 * Surefire's flakyFailure/rerunFailure elements (Jenkins' schema only). */
enum wsc_junit_flaky { WSC_JUNIT_FLAKY_PORTABLE, WSC_JUNIT_FLAKY_SUREFIRE };
struct wsc_junit_options {
    enum wsc_junit_flaky flaky;
};
/* wsc_junit_write() with options (NULL: the defaults). */
int wsc_junit_write_with(const char *path, const struct wsc_run_result *r,
                         const struct wsc_junit_options *o, char **err);
int wsc_json_report_write(const char *path, const struct wsc_run_result *r, char **err);

/* Makes text safe for XML 1.0: invalid UTF-8 bytes (and U+FFFE, U+FFFF)
 * become U+FFFD, control characters other than tab/newline/CR become "\xNN"
 * text (C1 controls "\u00NN"). Malloc'ed; NULL input gives "". */
char *wsc_xml_safe(const char *s);
/* Only repairs the encoding (invalid UTF-8 -> U+FFFD): for JSON, which
 * escapes control characters itself. Malloc'ed; NULL input gives "". */
char *wsc_utf8_safe(const char *s);
/* As wsc_xml_safe(), and CR becomes "\r" too: for the terminal, where it
 * would overwrite the line. Malloc'ed; NULL input gives "". */
char *wsc_term_safe(const char *s);

#endif
