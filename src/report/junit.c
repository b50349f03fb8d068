/* JUnit XML report.
 *
 * The file must validate against both the strict Ant schema and Jenkins'
 * junit-10 schema, which only agree on a narrow shape:
 *   - <testsuites> carries no attributes (Ant declares none; the run totals
 *     are the sums over the suites);
 *   - each <testsuite> has name, timestamp, hostname, tests, failures,
 *     errors, skipped, time, package and id, and its children come in the
 *     order <properties>, <testcase>*, <system-out>, <system-err>;
 *   - a <testcase> holds at most one of <failure>, <error>, <skipped> and no
 *     output of its own, so test notes and warnings go to the suite's
 *     <system-out>;
 *   - <skipped> takes only a message, <failure> and <error> need a type;
 *   - times are plain decimals with three places.
 * A test retried before it passed or failed for good has the outcome of
 * each attempt in the suite's <system-err>; with --junit-flaky=surefire its
 * test case carries Surefire's <flakyFailure>/<rerunFailure> elements too,
 * which Jenkins reads and its schema accepts but Ant's does not.
 * A test's cases are test cases of their own, named "TEST / CASE" with the
 * test's classname; the test itself is one too only when its outcome is
 * more than its cases say (wsc_result_is_case()).
 * Everything that comes from a scenario or a server goes through
 * wsc_xml_safe(): libxml2 escapes markup but would pass control characters
 * and broken UTF-8 through into a file no parser accepts. */
#include "report.h"
#include "trace_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

/* The message attribute is a one-line summary; the element text is whole. */
#define SUMMARY_MAX 1000

#define X(s) ((const xmlChar *)(s))

/* Writes an attribute whose value comes from outside. Returns 0 or -1. */
static int attr_safe(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *safe = wsc_xml_safe(value);
    if (!safe)
        return -1;
    int rc = xmlTextWriterWriteAttribute(w, X(name), X(safe));
    free(safe);
    return rc < 0 ? -1 : 0;
}

static int attr_count(xmlTextWriterPtr w, const char *name, size_t n)
{
    return xmlTextWriterWriteFormatAttribute(w, X(name), "%zu", n) < 0 ? -1 : 0;
}

/* Seconds with three decimals; negative or non-finite durations (a clock
 * step) are written as zero rather than breaking the schema. */
static int attr_seconds(xmlTextWriterPtr w, const char *name, double seconds)
{
    if (!(seconds >= 0) || !isfinite(seconds))
        seconds = 0;
    return xmlTextWriterWriteFormatAttribute(w, X(name), "%.3f", seconds) < 0 ? -1 : 0;
}

static int text_safe(xmlTextWriterPtr w, const char *text)
{
    char *safe = wsc_xml_safe(text);
    if (!safe)
        return -1;
    int rc = xmlTextWriterWriteString(w, X(safe));
    free(safe);
    return rc < 0 ? -1 : 0;
}

static int start(xmlTextWriterPtr w, const char *name)
{
    return xmlTextWriterStartElement(w, X(name)) < 0 ? -1 : 0;
}

static int end(xmlTextWriterPtr w)
{
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* Schema tokens (suite name, hostname) must not be empty once whitespace is
 * collapsed. */
static const char *non_blank(const char *s, const char *fallback)
{
    if (s)
        for (const char *p = s; *p; p++)
            if (!strchr(" \t\r\n", *p))
                return s;
    return fallback;
}

/* The first line of a message, cut to SUMMARY_MAX bytes on a character
 * boundary. Malloc'ed, already XML-safe. */
static char *summary_line(const char *message)
{
    char *safe = wsc_xml_safe(message);
    if (!safe)
        return NULL;
    size_t n = strcspn(safe, "\r\n");
    if (n > SUMMARY_MAX) {
        n = SUMMARY_MAX;
        while (n > 0 && ((unsigned char)safe[n] & 0xC0) == 0x80)
            n--; /* safe[n] is a continuation byte: back to its lead byte */
    }
    safe[n] = '\0';
    return safe;
}

/* The element text of a failure or error: the whole message, then the
 * trace of frames that led to it, one line each (trace_text.h). */
static int failure_text(xmlTextWriterPtr w, const char *message,
                        struct json_object *trace_json)
{
    if (message && text_safe(w, message))
        return -1;
    if (!trace_json || json_object_array_length(trace_json) == 0)
        return 0;
    char *trace = wsc_trace_text(trace_json);
    int rc = !trace || text_safe(w, message ? "\n\ntrace:\n" : "trace:\n") ||
             text_safe(w, trace);
    free(trace);
    return rc ? -1 : 0;
}

static int outcome(xmlTextWriterPtr w, enum wsc_status status, const char *message,
                   struct json_object *trace)
{
    const char *element = status == WSC_FAILED    ? "failure"
                          : status == WSC_ERROR   ? "error"
                          : status == WSC_SKIPPED ? "skipped"
                                                  : NULL;
    if (!element)
        return 0;
    if (start(w, element))
        return -1;
    if (message) {
        char *summary = summary_line(message);
        int rc = summary ? xmlTextWriterWriteAttribute(w, X("message"), X(summary)) : -1;
        free(summary);
        if (rc < 0)
            return -1;
    }
    if (status == WSC_SKIPPED)
        return end(w); /* Ant allows no type on <skipped> */
    if (xmlTextWriterWriteAttribute(w, X("type"), X(wsc_status_name(status))) < 0)
        return -1;
    if (failure_text(w, message, trace))
        return -1;
    return end(w);
}

/* Surefire's record of one earlier attempt: <flakyFailure> (or
 * flakyError) when the test passed in the end, <rerunFailure> (or
 * rerunError) when it did not; the message whole in <stackTrace>. */
static int rerun_element(xmlTextWriterPtr w, const struct wsc_attempt *a, int flaky)
{
    const char *element = flaky
                              ? (a->status == WSC_ERROR ? "flakyError" : "flakyFailure")
                              : (a->status == WSC_ERROR ? "rerunError" : "rerunFailure");
    if (start(w, element))
        return -1;
    if (a->message) {
        char *summary = summary_line(a->message);
        int rc = summary ? xmlTextWriterWriteAttribute(w, X("message"), X(summary)) : -1;
        free(summary);
        if (rc < 0)
            return -1;
    }
    if (xmlTextWriterWriteAttribute(w, X("type"), X(wsc_status_name(a->status))) < 0)
        return -1;
    if (a->message && (start(w, "stackTrace") || text_safe(w, a->message) || end(w)))
        return -1;
    return end(w);
}

/* With --junit-flaky=surefire, the attempts before the last that failed. */
static int reruns(xmlTextWriterPtr w, const struct wsc_result *t,
                  const struct wsc_junit_options *o)
{
    if (!o || o->flaky != WSC_JUNIT_FLAKY_SUREFIRE || t->status == WSC_SKIPPED)
        return 0;
    int flaky = t->status == WSC_PASSED;
    for (size_t i = 0; i + 1 < t->n_attempt_log; i++) {
        const struct wsc_attempt *a = &t->attempt_log[i];
        if ((a->status == WSC_FAILED || a->status == WSC_ERROR) &&
            rerun_element(w, a, flaky))
            return -1;
    }
    return 0;
}

/* Starts a <testcase> with its outcome; the caller ends it (after
 * Surefire's elements, when asked for). */
static int testcase_element(xmlTextWriterPtr w, const char *name, const char *classname,
                            double seconds, enum wsc_status status, const char *message,
                            struct json_object *trace)
{
    return start(w, "testcase") || attr_safe(w, "name", name) ||
                   attr_safe(w, "classname", classname) ||
                   attr_seconds(w, "time", seconds) || outcome(w, status, message, trace)
               ? -1
               : 0;
}

/* The test (when it is a test case of its own), then each of its cases. */
static int testcase(xmlTextWriterPtr w, const struct wsc_suite_result *s,
                    const struct wsc_result *t, const struct wsc_junit_options *o)
{
    const char *test = t->name ? t->name : "";
    char *classname = NULL;
    if (asprintf(&classname, "%s.%s", s->name ? s->name : "",
                 t->plugin ? t->plugin : "") < 0)
        return -1;
    int rc =
        wsc_result_is_case(t) && (testcase_element(w, test, classname, t->duration,
                                                   t->status, t->message, t->trace) ||
                                  reruns(w, t, o) || end(w));
    for (size_t i = 0; !rc && i < t->n_cases; i++) {
        const struct wsc_case *c = &t->cases[i];
        char *name = NULL;
        if (asprintf(&name, "%s / %s", test, c->name ? c->name : "") < 0) {
            rc = -1;
            break;
        }
        rc = testcase_element(w, name, classname, c->duration, c->status, c->message,
                              NULL) ||
             end(w);
        free(name);
    }
    free(classname);
    return rc ? -1 : 0;
}

static int property(xmlTextWriterPtr w, const char *name, const char *value)
{
    return start(w, "property") || attr_safe(w, "name", name) ||
                   attr_safe(w, "value", value) || end(w)
               ? -1
               : 0;
}

/* Properties named "<test>.<metric>" = "1.234 ms", and "<test>.attempts"
 * for tests that needed more than one. */
static int test_property(xmlTextWriterPtr w, const char *test, const char *suffix,
                         const char *number, const char *unit)
{
    char *name, *value;
    if (asprintf(&name, "%s.%s", test, suffix) < 0)
        return -1;
    if (asprintf(&value, "%s%s%s", number, unit && *unit ? " " : "", unit ? unit : "") <
        0) {
        free(name);
        return -1;
    }
    int rc = property(w, name, value);
    free(name);
    free(value);
    return rc;
}

static int test_properties(xmlTextWriterPtr w, const struct wsc_result *t)
{
    const char *test = t->name ? t->name : "";
    char number[64];

    for (size_t i = 0; i < t->n_metrics; i++) {
        const struct wsc_metric *m = &t->metrics[i];
        wsc_format_number(number, sizeof number, m->value);
        if (test_property(w, test, m->name ? m->name : "", number,
                          wsc_unit_is_count(m->unit) ? NULL : m->unit))
            return -1;
    }
    if (t->attempts > 1) {
        snprintf(number, sizeof number, "%d", t->attempts);
        if (test_property(w, test, "attempts", number, NULL))
            return -1;
    }
    size_t flaky = wsc_result_flaky(t);
    if (flaky) {
        snprintf(number, sizeof number, "%zu", flaky);
        if (test_property(w, test, "flaky", number,
                          flaky == 1 ? "failed attempt" : "failed attempts"))
            return -1;
    }
    return 0;
}

/* A sharded run's suites say which shard they are: "shard" = "I/N". */
static int properties(xmlTextWriterPtr w, const struct wsc_suite_result *s,
                      const struct wsc_run_result *r)
{
    char shard[48];
    snprintf(shard, sizeof shard, "%u/%u", r->shard_index, r->shard_total);
    if (start(w, "properties"))
        return -1;
    if (s->file && property(w, "file", s->file))
        return -1;
    if (r->shard_total && property(w, "shard", shard))
        return -1;
    for (size_t i = 0; i < s->n_tests; i++)
        if (test_properties(w, &s->tests[i]))
            return -1;
    return end(w);
}

/* An element of text the suite's tests make: fill() writes it to a memory
 * stream, which is written escaped (empty: an empty element). */
typedef void (*text_fill)(FILE *f, const struct wsc_suite_result *s);

static int text_element(xmlTextWriterPtr w, const char *element, text_fill fill,
                        const struct wsc_suite_result *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    fill(f, s);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        return -1;
    }
    int rc = start(w, element) || (len && text_safe(w, text)) || end(w);
    free(text);
    return rc ? -1 : 0;
}

/* The suite's <system-out>: for each test with notes, warnings or retries,
 * a header line "[test name] (N attempts)" followed by its warnings
 * ("warning: ...") and notes. */
static void system_out_text(FILE *f, const struct wsc_suite_result *s)
{
    int first = 1;
    for (size_t i = 0; i < s->n_tests; i++) {
        const struct wsc_result *t = &s->tests[i];
        int has_log = t->log && *t->log;
        if (!has_log && !t->n_warnings && t->attempts <= 1)
            continue;
        fprintf(f, "%s[%s]", first ? "" : "\n", t->name ? t->name : "");
        first = 0;
        if (t->attempts > 1)
            fprintf(f, " (%d attempts)", t->attempts);
        fputc('\n', f);
        for (size_t k = 0; k < t->n_warnings; k++)
            fprintf(f, "warning: %s\n", t->warnings[k]);
        if (has_log)
            fprintf(f, "%s%s", t->log, t->log[strlen(t->log) - 1] == '\n' ? "" : "\n");
    }
}

/* The suite's <system-err>: for each test that ran more than once, how it
 * ended and the outcome of every attempt (valid on both schemas, unlike
 * Surefire's elements):
 *   [name] flaky: passed on attempt 3 after 2 failed attempts
 *   attempt 1 failed (0.012 s): ...
 */
static void attempts_text(FILE *f, const struct wsc_result *t)
{
    size_t flaky = wsc_result_flaky(t);
    fprintf(f, "[%s] ", t->name ? t->name : "");
    if (flaky)
        fprintf(f, "flaky: passed on attempt %zu after %zu failed attempt%s\n",
                t->n_attempt_log, flaky, flaky == 1 ? "" : "s");
    else
        fprintf(f, "%s after %zu attempts\n", wsc_status_name(t->status),
                t->n_attempt_log);
    for (size_t i = 0; i < t->n_attempt_log; i++) {
        const struct wsc_attempt *a = &t->attempt_log[i];
        fprintf(f, "attempt %zu %s (%.3f s)%s%s\n", i + 1, wsc_status_name(a->status),
                a->duration >= 0 ? a->duration : 0, a->message ? ": " : "",
                a->message ? a->message : "");
    }
}

static void system_err_text(FILE *f, const struct wsc_suite_result *s)
{
    int first = 1;
    for (size_t i = 0; i < s->n_tests; i++) {
        if (s->tests[i].n_attempt_log < 2)
            continue;
        if (!first)
            fputc('\n', f);
        first = 0;
        attempts_text(f, &s->tests[i]);
    }
}

static int testsuite(xmlTextWriterPtr w, const struct wsc_suite_result *s, size_t id,
                     const struct wsc_run_result *r, const struct wsc_junit_options *o)
{
    char timestamp[32];
    wsc_format_utc(timestamp, sizeof timestamp, s->started, 0);
    const char *name = non_blank(s->name, non_blank(s->file, "unnamed"));

    if (start(w, "testsuite") || attr_safe(w, "name", name) ||
        xmlTextWriterWriteAttribute(w, X("timestamp"), X(timestamp)) < 0 ||
        attr_safe(w, "hostname", non_blank(s->hostname, "localhost")) ||
        attr_count(w, "tests", wsc_suite_total(s)) ||
        attr_count(w, "failures", wsc_suite_count(s, WSC_FAILED)) ||
        attr_count(w, "errors", wsc_suite_count(s, WSC_ERROR)) ||
        attr_count(w, "skipped", wsc_suite_count(s, WSC_SKIPPED)) ||
        attr_seconds(w, "time", s->duration) || attr_safe(w, "package", name) ||
        attr_count(w, "id", id) || properties(w, s, r))
        return -1;
    for (size_t i = 0; i < s->n_tests; i++)
        if (testcase(w, s, &s->tests[i], o))
            return -1;
    if (text_element(w, "system-out", system_out_text, s) ||
        text_element(w, "system-err", system_err_text, s))
        return -1;
    return end(w);
}

static int document(xmlTextWriterPtr w, const struct wsc_run_result *r,
                    const struct wsc_junit_options *o)
{
    if (xmlTextWriterSetIndent(w, 1) < 0 ||
        xmlTextWriterSetIndentString(w, X("  ")) < 0 ||
        xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 || start(w, "testsuites"))
        return -1;
    for (size_t i = 0; i < r->n_suites; i++)
        if (testsuite(w, &r->suites[i], i, r, o))
            return -1;
    return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int wsc_junit_write(const char *path, const struct wsc_run_result *r, char **err)
{
    return wsc_junit_write_with(path, r, NULL, err);
}

int wsc_junit_write_with(const char *path, const struct wsc_run_result *r,
                         const struct wsc_junit_options *o, char **err)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    int rc = w ? document(w, r, o) : -1;
    xmlFreeTextWriter(w); /* flushes into buf */

    if (rc == 0)
        rc = wsc_report_write_file(path, (const char *)xmlBufferContent(buf),
                                   (size_t)xmlBufferLength(buf), err);
    else if (err && asprintf(err, "cannot write %s: %s", path,
                             "out of memory while building the XML") < 0)
        *err = NULL;
    xmlBufferFree(buf);
    return rc;
}
