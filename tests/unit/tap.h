/* Runs CUnit suites and reports every test case as a TAP line, so the
 * automake TAP driver counts test cases (not programs). */
#ifndef WSC_TEST_TAP_H
#define WSC_TEST_TAP_H

#include <CUnit/CUnit.h>

/* Registers the suites, runs them, prints "1..N" and one "ok"/"not ok" line
 * per test with its failed assertions as TAP diagnostics. Returns the exit
 * status for main(): 0 when all passed. */
int wsc_tap_run(CU_SuiteInfo *suites);

/* Records a CUnit assertion at FILE:LINE that passed or not; a failure's
 * text is the printf-formatted message, so it can show what went wrong. */
void wsc_tap_assert(int passed, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
