/* TAP report (version 13; also read by TAP 14 consumers such as prove).
 *
 * One test point per test case, as the JUnit report counts them (each case
 * of a test is one). The description is "SUITE: TEST"; a test that failed
 * or errored gets a YAML block with its message, the status and its
 * duration; a skipped one "# SKIP reason". Text is made safe first: a
 * description may not hold a newline or an unescaped '#', and the YAML
 * values are JSON strings, which YAML reads as double-quoted scalars. */
#include "report.h"
#include "atomic_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* The description: control characters as in the terminal, '#' and '\'
 * escaped as TAP wants. */
static void put_description(FILE *f, const char *suite, const char *test)
{
    char *safe[2] = {wsc_term_safe(suite), wsc_term_safe(test)};
    for (int k = 0; k < 2; k++) {
        if (k == 1)
            fputs(": ", f);
        for (const char *p = safe[k] ? safe[k] : ""; *p; p++) {
            if (*p == '#' || *p == '\\')
                fputc('\\', f);
            fputc(*p == '\n' ? ' ' : *p, f);
        }
        free(safe[k]);
    }
}

/* A one-line skip reason (TAP ends a directive at the end of the line). */
static void put_skip_reason(FILE *f, const char *message)
{
    char *safe = wsc_term_safe(message ? message : "");
    for (const char *p = safe ? safe : ""; *p && *p != '\n'; p++)
        fputc(*p, f);
    free(safe);
}

static void put_yaml_string(FILE *f, const char *key, const char *value)
{
    char *safe = wsc_utf8_safe(value);
    struct json_object *s = json_object_new_string(safe ? safe : "");
    const char *quoted =
        s ? json_object_to_json_string_ext(s, JSON_C_TO_STRING_NOSLASHESCAPE) : "\"\"";
    fprintf(f, "  %s: %s\n", key, quoted);
    json_object_put(s);
    free(safe);
}

static void test_point(FILE *f, size_t *n, const char *suite, const char *name,
                       enum wsc_status status, const char *message, double duration)
{
    int bad = status == WSC_FAILED || status == WSC_ERROR;
    fprintf(f, "%sok %zu - ", bad ? "not " : "", ++*n);
    put_description(f, suite, name);
    if (status == WSC_SKIPPED) {
        fputs(" # SKIP ", f);
        put_skip_reason(f, message);
    }
    fputc('\n', f);
    if (!bad)
        return;
    fputs("  ---\n", f);
    put_yaml_string(f, "message", message ? message : wsc_status_name(status));
    fprintf(f, "  severity: %s\n", status == WSC_FAILED ? "fail" : "error");
    if (duration >= 0)
        fprintf(f, "  duration_ms: %.3f\n", duration * 1e3);
    fputs("  ...\n", f);
}

static void suite_points(FILE *f, size_t *n, const struct wsc_suite_result *s)
{
    const char *suite = s->name ? s->name : (s->file ? s->file : "");
    for (size_t i = 0; i < s->n_tests; i++) {
        const struct wsc_result *t = &s->tests[i];
        const char *test = t->name ? t->name : "";
        if (wsc_result_is_case(t))
            test_point(f, n, suite, test, t->status, t->message, t->duration);
        for (size_t k = 0; k < t->n_cases; k++) {
            const struct wsc_case *c = &t->cases[k];
            char *name = NULL;
            if (asprintf(&name, "%s / %s", test, c->name ? c->name : "") < 0)
                name = NULL; /* then the test's name alone */
            test_point(f, n, suite, name ? name : test, c->status, c->message,
                       c->duration);
            free(name);
        }
    }
}

int wsc_tap_write(const char *path, const struct wsc_run_result *r, char **err)
{
    char *text = NULL;
    size_t len = 0, total = 0, n = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return wsc_report_write_error(path, errno, err);
    for (size_t i = 0; i < r->n_suites; i++)
        total += wsc_suite_total(&r->suites[i]);
    /* An empty plan says why, as TAP wants (an empty shard, say). */
    fprintf(f, "TAP version 13\n1..%zu%s\n", total,
            total ? "" : " # SKIP no test was run");
    for (size_t i = 0; i < r->n_suites; i++)
        suite_points(f, &n, &r->suites[i]);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        return wsc_report_write_error(path, ENOMEM, err);
    }
    int rc = wsc_report_write_file(path, text, len, err);
    free(text);
    return rc;
}
