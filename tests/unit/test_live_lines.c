/* What a check's process prints as it runs with --verbose: debug lines and
 * (-vv) trace entries, labelled with their test, redacted, shown rather than
 * obeyed by the terminal, and clearing a status line first when one may be
 * drawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "tap.h"

/* Everything written to f so far (malloc'ed). */
static char *contents(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *s = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    rewind(f);
    if (n > 0)
        CU_ASSERT_EQUAL(fread(s, 1, (size_t)n, f), (size_t)n);
    return s;
}

static void test_debug_lines(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    wsc_ctx_set_live(ctx, f, "chat \xe2\x80\xba login", 0);
    wsc_secret(ctx, "hunter2");
    wsc_debug(ctx, "sent password hunter2 \033[2J\xc2\x9b\xff");
    wsc_trace(ctx, "send", "text", "x", 1); /* frames only at -vv */
    char *s = contents(f);
    CU_ASSERT_STRING_EQUAL(s, "  [chat \xe2\x80\xba login] debug: sent password *** "
                              "\\x1b[2J\\u009b\\xff\n");
    free(s);
    wsc_ctx_free(ctx);
    fclose(f);
}

static void test_frame_lines(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    wsc_ctx_set_live(ctx, f, "t", 1);
    wsc_secret(ctx, "s3cret");
    wsc_trace(ctx, "send", "text", "{\"pw\":\"s3cret\"}", 15);
    wsc_trace(ctx, "recv", "binary", "\x01\x02", 2);
    wsc_trace(ctx, "info", "closed", NULL, 0);
    char *s = contents(f);
    CU_ASSERT_STRING_EQUAL(s, "\r\033[K  [t] \xe2\x86\x92 text 15 B {\"pw\":\"***\"}\n"
                              "\r\033[K  [t] \xe2\x86\x90 binary 2 B 0102\n"
                              "\r\033[K  [t] \xc2\xb7 closed 0 B\n");
    free(s);
    wsc_ctx_free(ctx);
    fclose(f);
}

static CU_TestInfo live_tests[] = {
    {"debug lines: labelled, redacted, visible", test_debug_lines},
    {"frame lines at -vv, clearing the status line", test_frame_lines},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"live lines", NULL, NULL, NULL, NULL, live_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
