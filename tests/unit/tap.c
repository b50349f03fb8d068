#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <CUnit/TestRun.h>

static unsigned tap_number;
static unsigned tap_failed;

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
                             const CU_pFailureRecord failures)
{
    tap_number++;
    if (!failures) {
        printf("ok %u - %s: %s\n", tap_number, suite->pName, test->pName);
    } else {
        tap_failed++;
        printf("not ok %u - %s: %s\n", tap_number, suite->pName, test->pName);
        for (CU_pFailureRecord f = failures; f; f = f->pNext)
            printf("# %s:%u: %s\n", f->strFileName ? f->strFileName : "?",
                   f->uiLineNumber, f->strCondition ? f->strCondition : "");
    }
    fflush(stdout);
}

static unsigned count_tests(void)
{
    unsigned n = 0;
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        n += s->uiNumberOfTests;
    return n;
}

int wsc_tap_run(CU_SuiteInfo *suites)
{
    if (CU_initialize_registry() != CUE_SUCCESS) {
        printf("Bail out! CUnit registry: %s\n", CU_get_error_msg());
        return 99;
    }
    if (CU_register_suites(suites) != CUE_SUCCESS) {
        printf("Bail out! CUnit suites: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 99;
    }
    printf("1..%u\n", count_tests());
    fflush(stdout);
    CU_set_test_complete_handler(on_test_complete);
    CU_run_all_tests();
    unsigned failed_suites = CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    if (failed_suites)
        printf("# %u suite(s) failed to initialise\n", failed_suites);
    return (tap_failed || failed_suites) ? 1 : 0;
}

void wsc_tap_assert(int passed, const char *file, int line, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    CU_assertImplementation(passed ? CU_TRUE : CU_FALSE, (unsigned)line,
                            text ? text : "(out of memory)", file, "", CU_FALSE);
    free(text);
}
