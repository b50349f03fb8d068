/* Runs CUnit suites and reports every test case as a TAP line, so the
 * automake TAP driver counts test cases (not programs). */
#ifndef WSC_TEST_TAP_H
#define WSC_TEST_TAP_H

#include <CUnit/CUnit.h>

/* Registers the suites, runs them, prints "1..N" and one "ok"/"not ok" line
 * per test with its failed assertions as TAP diagnostics. Returns the exit
 * status for main(): 0 when all passed. */
int wsc_tap_run(CU_SuiteInfo *suites);

#endif
