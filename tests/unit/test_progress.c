/* The console's live part: the status line drawn in place and cleared before
 * other lines, the counts it shows, "still running" lines, and what it does
 * with a hostile test name. Output goes to a temporary file (the progress
 * writes to the stream's descriptor). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "tap.h"

#define SEP " \xe2\x80\xba "
#define DOT " \xc2\xb7 "

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

static struct wsc_result result_of(enum wsc_status st)
{
    return (struct wsc_result){.name = "t", .status = st};
}

static void test_status_line_drawn_and_cleared(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct wsc_progress *p = wsc_progress_new(f, WSC_WHEN_ALWAYS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_TRUE(wsc_progress_live(p));
    wsc_progress_begin(p, "smoke", "first");
    CU_ASSERT_STRING_EQUAL(wsc_progress_label(p), "smoke" SEP "first");
    struct wsc_result failed = result_of(WSC_FAILED);
    wsc_progress_end(p, &failed);
    CU_ASSERT_PTR_NULL(wsc_progress_label(p));
    wsc_progress_begin(p, "smoke", "second");
    wsc_progress_tick(p);
    wsc_progress_print(p, f, "PASS   x\n", 9);
    wsc_progress_clear(p); /* nothing drawn since: nothing written */
    char *s = contents(f);
    const char *want = "\r\033[K0 passed, 1 failed" DOT "running: smoke" SEP "second (";
    CU_ASSERT_NSTRING_EQUAL(s, want, strlen(want));
    char *printed = strstr(s, "\r\033[KPASS   x\n");
    CU_ASSERT_PTR_NOT_NULL(printed);
    CU_ASSERT_STRING_EQUAL(printed ? printed : "", "\r\033[KPASS   x\n");
    free(s);
    wsc_progress_free(p);
    fclose(f);
}

static void test_never_and_not_a_terminal(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct wsc_progress *never = wsc_progress_new(f, WSC_WHEN_NEVER);
    struct wsc_progress *aut = wsc_progress_new(f, WSC_WHEN_AUTO);
    CU_ASSERT_PTR_NOT_NULL_FATAL(never);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aut);
    CU_ASSERT_FALSE(wsc_progress_live(never));
    CU_ASSERT_FALSE(wsc_progress_live(aut)); /* a file is not a terminal */
    wsc_progress_begin(never, "s", "t");
    wsc_progress_begin(aut, "s", "t");
    wsc_progress_tick(never);
    wsc_progress_tick(aut); /* not running long yet */
    wsc_progress_print(never, f, "line\n", 5);
    char *s = contents(f);
    CU_ASSERT_STRING_EQUAL(s, "line\n");
    free(s);
    wsc_progress_free(never);
    wsc_progress_free(aut);
    fclose(f);
}

static void test_still_running(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(setenv("WSCHECK_STILL_RUNNING_PERIOD", "0.01", 1), 0);
    struct wsc_progress *p = wsc_progress_new(f, WSC_WHEN_AUTO);
    CU_ASSERT_EQUAL(unsetenv("WSCHECK_STILL_RUNNING_PERIOD"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    wsc_progress_begin(p, "s", "slow");
    usleep(30000); /* past the period */
    wsc_progress_tick(p);
    char *s = contents(f);
    const char *want = "still running: s" SEP "slow (";
    CU_ASSERT_NSTRING_EQUAL(s, want, strlen(want));
    CU_ASSERT_PTR_NULL(strchr(s, '\r'));
    CU_ASSERT_EQUAL(s[strlen(s) - 1], '\n');
    free(s);
    wsc_progress_free(p);
    fclose(f);
}

/* An escape sequence in a name is shown, not obeyed; a long line is cut to
 * the width (80 when the stream is not a terminal) so it never wraps. */
static void test_hostile_and_long_names(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct wsc_progress *p = wsc_progress_new(f, WSC_WHEN_ALWAYS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    char name[300];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memcpy(name, "\033[2J", 4);
    wsc_progress_begin(p, "s", name);
    wsc_progress_tick(p);
    char *s = contents(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "running: s" SEP "\\x1b[2Jnnn"));
    CU_ASSERT_PTR_NULL(strchr(s + 4, '\033')); /* only the clear-line's */
    size_t chars = 0;
    for (const char *c = s + 4; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    CU_ASSERT_EQUAL(chars, 79);
    free(s);
    wsc_progress_free(p);
    fclose(f);
}

static void test_when_parse(void)
{
    enum wsc_when w;
    CU_ASSERT_EQUAL(wsc_when_parse("always", &w), 0);
    CU_ASSERT_EQUAL(w, WSC_WHEN_ALWAYS);
    CU_ASSERT_EQUAL(wsc_when_parse("never", &w), 0);
    CU_ASSERT_EQUAL(w, WSC_WHEN_NEVER);
    CU_ASSERT_EQUAL(wsc_when_parse("auto", &w), 0);
    CU_ASSERT_EQUAL(w, WSC_WHEN_AUTO);
    CU_ASSERT_EQUAL(wsc_when_parse("yes", &w), -1);
}

static CU_TestInfo progress_tests[] = {
    {"status line drawn, cleared before lines", test_status_line_drawn_and_cleared},
    {"never, and auto off a terminal", test_never_and_not_a_terminal},
    {"still running lines", test_still_running},
    {"hostile and long names", test_hostile_and_long_names},
    {"auto/always/never", test_when_parse},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"progress", NULL, NULL, NULL, NULL, progress_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
