/* JUnit XML of a load run (load_report.h): one <testsuite> per test, one
 * <testcase> per threshold (classname: the test's name). A breached
 * threshold is a <failure> with the value and the limit; one on a metric
 * the run did not measure is <skipped>. The shape is the one both schemas
 * accept (see report/junit.c): properties, test cases, system-out,
 * system-err, in this order, and three-decimal times. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "atomic_write.h"
#include "load_report.h"
#include "report.h"
#include "thresholds.h"
#include "util.h"

#define X(s) ((const xmlChar *)(s))

static int attr_safe(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *safe = wsc_xml_safe(value);
    int rc = safe ? xmlTextWriterWriteAttribute(w, X(name), X(safe)) : -1;
    free(safe);
    return rc < 0 ? -1 : 0;
}

static int attr_count(xmlTextWriterPtr w, const char *name, size_t n)
{
    return xmlTextWriterWriteFormatAttribute(w, X(name), "%zu", n) < 0 ? -1 : 0;
}

/* Seconds with three decimals; a clock step never breaks the schema. */
static int attr_seconds(xmlTextWriterPtr w, const char *name, double v)
{
    if (!isfinite(v) || v < 0)
        v = 0;
    return xmlTextWriterWriteFormatAttribute(w, X(name), "%.3f", v) < 0 ? -1 : 0;
}

static int start(xmlTextWriterPtr w, const char *name)
{
    return xmlTextWriterStartElement(w, X(name)) < 0 ? -1 : 0;
}

static int end(xmlTextWriterPtr w)
{
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static const char *member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static size_t count_status(const struct json_object *th, const char *status)
{
    size_t n = 0, len = th ? json_object_array_length(th) : 0;
    for (size_t i = 0; i < len; i++)
        n += strcmp(member(json_object_array_get_idx(th, i), "status"), status) == 0;
    return n;
}

/* "session_p99_ms $lt 100": the metric and its bound. */
static char *case_name(const struct json_object *t)
{
    struct json_object *expect = NULL;
    json_object_object_get_ex(t, "expect", &expect);
    char *bound = wsc_threshold_text(expect);
    char *name = wsc_strdup_printf("%s %s", member(t, "metric"), bound ? bound : "?");
    free(bound);
    return name;
}

static int outcome(xmlTextWriterPtr w, const struct json_object *t)
{
    const char *status = member(t, "status");
    if (strcmp(status, "skipped") == 0)
        return start(w, "skipped") || attr_safe(w, "message", member(t, "reason")) ||
                       end(w)
                   ? -1
                   : 0;
    if (strcmp(status, "fail") != 0)
        return 0;
    return start(w, "failure") || attr_safe(w, "message", member(t, "text")) ||
                   xmlTextWriterWriteAttribute(w, X("type"), X("threshold")) < 0 || end(w)
               ? -1
               : 0;
}

static int testcase(xmlTextWriterPtr w, const char *test, const struct json_object *t,
                    double seconds)
{
    char *name = case_name(t);
    int rc = !name || start(w, "testcase") || attr_safe(w, "name", name) ||
             attr_safe(w, "classname", test) || attr_seconds(w, "time", seconds) ||
             outcome(w, t) || end(w);
    free(name);
    return rc ? -1 : 0;
}

static int property(xmlTextWriterPtr w, const char *name, const char *value)
{
    return start(w, "property") || attr_safe(w, "name", name) ||
                   attr_safe(w, "value", value) || end(w)
               ? -1
               : 0;
}

/* The test's counters and metrics as properties ("sessions" = "100"). */
static int properties(xmlTextWriterPtr w, const struct wsc_load_report *r, size_t i)
{
    if (start(w, "properties"))
        return -1;
    if (r->metrics[i]) {
        json_object_object_foreach(r->metrics[i], name, val) {
            char text[64];
            snprintf(text, sizeof text, "%.10g", json_object_get_double(val));
            if (property(w, name, text))
                return -1;
        }
    }
    return end(w);
}

static int text_element(xmlTextWriterPtr w, const char *element, const char *text)
{
    char *safe = wsc_xml_safe(text);
    int rc = !safe || start(w, element) ||
             (*safe && xmlTextWriterWriteString(w, X(safe)) < 0) || end(w);
    free(safe);
    return rc ? -1 : 0;
}

/* The figures a reader of the CI page wants next to the outcome. */
static char *system_out(const struct wsc_load_test *t)
{
    struct wsc_buf b = {0};
    wsc_buf_printf(&b, "sessions %llu (ok %llu, failed %llu)\n",
                   (unsigned long long)t->sessions, (unsigned long long)t->sessions_ok,
                   (unsigned long long)t->sessions_failed);
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++)
        if (t->errors[e])
            wsc_buf_printf(&b, "errors %s: %llu\n", wsc_load_error_name(e),
                           (unsigned long long)t->errors[e]);
    char *text = wsc_buf_take(&b);
    wsc_buf_free(&b);
    return text;
}

static int testsuite(xmlTextWriterPtr w, const struct wsc_load_report *r, size_t i,
                     const char *host)
{
    const struct wsc_load_test *t = &r->stats.tests[i];
    const char *name = t->name && *t->name ? t->name : "unnamed";
    const struct json_object *th = r->thresholds[i];
    char timestamp[32];
    wsc_format_utc(timestamp, sizeof timestamp, r->stats.started, 0);
    size_t n = th ? json_object_array_length(th) : 0;
    char *out = system_out(t);
    int rc = !out || start(w, "testsuite") || attr_safe(w, "name", name) ||
             xmlTextWriterWriteAttribute(w, X("timestamp"), X(timestamp)) < 0 ||
             attr_safe(w, "hostname", host) || attr_count(w, "tests", n) ||
             attr_count(w, "failures", count_status(th, "fail")) ||
             attr_count(w, "errors", 0) ||
             attr_count(w, "skipped", count_status(th, "skipped")) ||
             attr_seconds(w, "time", r->stats.duration) ||
             attr_safe(w, "package", "wscheck.load") || attr_count(w, "id", i) ||
             properties(w, r, i);
    for (size_t k = 0; !rc && k < n; k++)
        rc = testcase(w, name, json_object_array_get_idx(th, k), r->stats.duration);
    rc = rc || text_element(w, "system-out", out) ||
         text_element(w, "system-err", t->first_error ? t->first_error : "") || end(w);
    free(out);
    return rc ? -1 : 0;
}

static int document(xmlTextWriterPtr w, const struct wsc_load_report *r)
{
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) < 0 || !*host)
        strcpy(host, "localhost");
    if (xmlTextWriterSetIndent(w, 1) < 0 ||
        xmlTextWriterSetIndentString(w, X("  ")) < 0 ||
        xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 || start(w, "testsuites"))
        return -1;
    for (size_t i = 0; i < r->stats.n_tests; i++)
        if (testsuite(w, r, i, host))
            return -1;
    return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int wsc_load_junit_write(const char *path, const struct wsc_load_report *r, char **err)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    int rc = w ? document(w, r) : -1;
    xmlFreeTextWriter(w); /* flushes into buf */
    if (rc == 0)
        rc = wsc_report_write_file(path, (const char *)xmlBufferContent(buf),
                                   (size_t)xmlBufferLength(buf), err);
    else
        rc = wsc_report_write_error(path, ENOMEM, err);
    xmlBufferFree(buf);
    return rc;
}
