/* Console report: one line per test as it finishes, then a summary.
 *
 *   PASS   mock server smoke › WebSocket port listens  (12 ms)
 *   FAIL   mock server smoke › echo  (1.20 s, 3 attempts)
 *          /reply: expected "hello", got "hullo"
 *   PASS   mock server smoke › close  (3 ms)
 *          warning: the server sent no close reason
 *   FAIL   mock server smoke › compliance  (40 ms)
 *          PASS   1.1.1  (2 ms)
 *          FAIL   1.1.2  (3 ms)
 *                 expected a close, got text
 *   PASS   mock server smoke › login  (40 ms, flaky: 1 failed attempt)
 *          attempt 1 failed (12 ms): step 2 (expect_text): ...
 *   4 passed (1 flaky), 1 failed, 0 errors, 0 skipped in 1.42 s
 *
 * A test's cases are listed under it (with --quiet, only those that failed
 * or errored), and the summary counts each case as a test.
 *
 * A test's lines are written at once through the live part (progress.c),
 * which clears the status line first when one is drawn.
 *
 * Names and messages may carry server text, so they go through
 * wsc_term_safe(): an escape sequence in a server reply must not recolour,
 * move or clear the user's terminal. */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define INDENT "       "           /* lines under a test start below its name */
#define SEPARATOR " \xe2\x80\xba " /* U+203A between suite and test name */

#define GREEN "\033[32m"
#define RED "\033[31m"
#define BOLD_RED "\033[1;31m"
#define YELLOW "\033[33m"
#define GREY "\033[90m"
#define RESET "\033[0m"

struct status_look {
    const char *word; /* padded to the same width */
    const char *color;
};

static struct status_look look(enum wsc_status s)
{
    switch (s) {
    case WSC_PASSED:
        return (struct status_look){"PASS ", GREEN};
    case WSC_FAILED:
        return (struct status_look){"FAIL ", RED};
    case WSC_ERROR:
        return (struct status_look){"ERROR", BOLD_RED};
    case WSC_SKIPPED:
        return (struct status_look){"SKIP ", YELLOW};
    }
    return (struct status_look){"?    ", NULL};
}

static FILE *out_of(const struct wsc_console *c)
{
    return c->out ? c->out : stdout;
}

/* Colours are written only when enabled; a NULL colour means plain text. */
static void color_on(const struct wsc_console *c, const char *color)
{
    if (c->color && color)
        fputs(color, out_of(c));
}

static void color_off(const struct wsc_console *c, const char *color)
{
    if (c->color && color)
        fputs(RESET, out_of(c));
}

/* Terminal-safe text on one line: line breaks and tabs become spaces. */
static char *one_line(const char *s)
{
    char *safe = wsc_term_safe(s);
    if (safe)
        for (char *p = safe; *p; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
    return safe;
}

/* Prints text under the test line (or a case line: `indent`), each of its
 * lines indented. */
static void print_block_at(const struct wsc_console *c, const char *indent,
                           const char *text, const char *color)
{
    char *safe = wsc_term_safe(text);
    if (!safe)
        return;
    FILE *f = out_of(c);
    char *line = safe;
    size_t len = strlen(safe);
    while (len && safe[len - 1] == '\n')
        safe[--len] = '\0'; /* no blank line after the block */
    for (;;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        fputs(indent, f);
        color_on(c, color);
        fputs(line, f);
        color_off(c, color);
        fputc('\n', f);
        if (!nl)
            break;
        line = nl + 1;
    }
    free(safe);
}

static void print_block(const struct wsc_console *c, const char *text, const char *color)
{
    print_block_at(c, INDENT, text, color);
}

/* "0.4 ms", "12 ms", "1.20 s" */
static void format_duration(char *buf, size_t size, double seconds)
{
    if (!(seconds >= 0))
        seconds = 0;
    double ms = seconds * 1000.0;
    if (ms < 10)
        snprintf(buf, size, "%.1f ms", ms);
    else if (ms < 999.5)
        snprintf(buf, size, "%.0f ms", ms);
    else
        snprintf(buf, size, "%.2f s", seconds);
}

static void print_verbose(const struct wsc_console *c, const struct wsc_result *r)
{
    for (size_t i = 0; i < r->n_metrics; i++) {
        const struct wsc_metric *m = &r->metrics[i];
        char number[64];
        wsc_format_number(number, sizeof number, m->value);
        char *name = one_line(m->name);
        /* a count reads "lost: 0", not "lost: 0 count" */
        char *unit = one_line(wsc_unit_is_count(m->unit) ? "" : m->unit);
        if (name && unit) {
            fprintf(out_of(c), INDENT "%s: %s%s%s\n", name, number, *unit ? " " : "",
                    unit);
        }
        free(name);
        free(unit);
    }
    if (r->log && *r->log)
        print_block(c, r->log, GREY);
}

static int is_bad(enum wsc_status st)
{
    return st == WSC_FAILED || st == WSC_ERROR;
}

static void print_warnings(const struct wsc_console *c, const struct wsc_result *r)
{
    for (size_t i = 0; i < r->n_warnings; i++) {
        char *text = wsc_strdup_printf("warning: %s", r->warnings[i]);
        if (text)
            print_block(c, text, YELLOW);
        free(text);
    }
}

/* Under a flaky test, why each attempt before the last failed:
 * "attempt 1 failed (12 ms): ..." */
static void print_failed_attempts(const struct wsc_console *c, const struct wsc_result *r)
{
    for (size_t i = 0; i < r->n_attempt_log; i++) {
        const struct wsc_attempt *a = &r->attempt_log[i];
        if (!is_bad(a->status))
            continue;
        char when[32];
        format_duration(when, sizeof when, a->duration);
        char *text =
            wsc_strdup_printf("attempt %zu %s (%s)%s%s", i + 1,
                              a->status == WSC_ERROR ? "errored" : "failed", when,
                              a->message ? ": " : "", a->message ? a->message : "");
        if (text)
            print_block(c, text, YELLOW);
        free(text);
    }
}

/* "PASS   name  (2 ms)" under the test, and the case's message under it. */
static void print_case(const struct wsc_console *c, const struct wsc_case *k)
{
    FILE *f = out_of(c);
    struct status_look lk = look(k->status);
    char *name = one_line(k->name ? k->name : "");
    if (!name)
        return;
    fputs(INDENT, f);
    color_on(c, lk.color);
    fputs(lk.word, f);
    color_off(c, lk.color);
    fprintf(f, "  %s", name);
    if (k->duration >= 0) {
        char when[32];
        format_duration(when, sizeof when, k->duration);
        color_on(c, GREY);
        fprintf(f, "  (%s)", when);
        color_off(c, GREY);
    }
    fputc('\n', f);
    if (k->message && *k->message && k->status != WSC_PASSED)
        print_block_at(c, INDENT INDENT, k->message, is_bad(k->status) ? lk.color : NULL);
    free(name);
}

static void print_test(const struct wsc_console *c, const struct wsc_suite_result *s,
                       const struct wsc_result *r)
{
    int bad = is_bad(r->status);
    FILE *f = out_of(c);
    struct status_look lk = look(r->status);
    char *suite = one_line(s && s->name ? s->name : "");
    char *test = one_line(r->name ? r->name : "");
    if (!suite || !test) {
        free(suite);
        free(test);
        return;
    }

    color_on(c, lk.color);
    fputs(lk.word, f);
    color_off(c, lk.color);
    fprintf(f, "  %s%s%s", suite, *suite ? SEPARATOR : "", test);

    /* "(12 ms)", "(1.20 s, 3 attempts)", "(1.20 s, flaky: 2 failed
     * attempts)"; nothing for a test never run */
    char when[32], details[96] = "";
    size_t flaky = wsc_result_flaky(r);
    format_duration(when, sizeof when, r->duration);
    if (flaky)
        snprintf(details, sizeof details, "  (%s, flaky: %zu failed attempt%s)", when,
                 flaky, flaky == 1 ? "" : "s");
    else if (r->attempts > 1)
        snprintf(details, sizeof details, "  (%s, %d attempts)", when, r->attempts);
    else if (r->status != WSC_SKIPPED || r->attempts > 0)
        snprintf(details, sizeof details, "  (%s)", when);
    if (*details) {
        color_on(c, GREY);
        fputs(details, f);
        color_off(c, GREY);
    }
    fputc('\n', f);

    if (r->message && *r->message && r->status != WSC_PASSED)
        print_block(c, r->message, bad ? lk.color : NULL);
    if (flaky)
        print_failed_attempts(c, r);
    print_warnings(c, r);
    for (size_t i = 0; i < r->n_cases; i++)
        if (!c->quiet || is_bad(r->cases[i].status))
            print_case(c, &r->cases[i]);
    if (c->verbose && !c->quiet)
        print_verbose(c, r);
    free(suite);
    free(test);
}

void wsc_console_test(const struct wsc_console *c, const struct wsc_suite_result *s,
                      const struct wsc_result *r)
{
    /* A stream that failed (EPIPE: `| head -1` has gone) is not written
     * again; the run and its report files go on. */
    if ((c->quiet && !is_bad(r->status)) || ferror(out_of(c)))
        return;
    /* The test's lines are made in memory and written at once, replacing
     * the status line: they never mix with it or with another worker's. */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        wsc_progress_clear(c->progress);
        print_test(c, s, r);
        fflush(out_of(c));
        return;
    }
    struct wsc_console in_memory = *c;
    in_memory.out = mem;
    print_test(&in_memory, s, r);
    if (fclose(mem) == 0)
        wsc_progress_print(c->progress, out_of(c), text, len);
    free(text);
}

void wsc_console_summary(const struct wsc_console *c, const struct wsc_run_result *r)
{
    FILE *f = out_of(c);
    if (ferror(f))
        return;
    wsc_progress_clear(c->progress);
    size_t failed = wsc_run_count(r, WSC_FAILED);
    size_t errors = wsc_run_count(r, WSC_ERROR);
    double seconds = r->duration >= 0 ? r->duration : 0;

    const char *color = failed || errors ? BOLD_RED : GREEN;

    size_t flaky = wsc_run_flaky(r);
    char flaky_note[48] = "";
    if (flaky)
        snprintf(flaky_note, sizeof flaky_note, " (%zu flaky)", flaky);
    color_on(c, color);
    fprintf(f, "%zu passed%s, %zu failed, %zu errors, %zu skipped in %.2f s",
            wsc_run_count(r, WSC_PASSED), flaky_note, failed, errors,
            wsc_run_count(r, WSC_SKIPPED), seconds);
    color_off(c, color);
    fputc('\n', f);
    fflush(f);
}
