/* JUnit writer: every file it writes must validate against both the Ant and
 * the Jenkins schema, whatever text the servers sent; the content must say
 * what happened; and a report that cannot be written leaves nothing behind. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "report.h"
#include "sample_results.h"
#include "tap.h"
#include "testutil.h"

static const char *const schema_names[] = {"ant-junit.xsd", "jenkins-junit-10.xsd"};
#define N_SCHEMAS (sizeof schema_names / sizeof schema_names[0])
static xmlSchemaPtr schemas[N_SCHEMAS];
static char tmpdir[256];

/* ---- fixtures ---------------------------------------------------------------- */

static struct wsc_suite_result *add_suite(struct wsc_run_result *run, const char *name,
                                          const char *file)
{
    return wsc_sample_suite(run, name, file);
}

static struct wsc_result *add_test(struct wsc_suite_result *s, const char *name,
                                   const char *plugin, enum wsc_status status,
                                   const char *message)
{
    return wsc_sample_result(s, name, plugin, "check", status, message);
}

static char *path_in_tmp(const char *name)
{
    return wsc_sample_path(tmpdir, name);
}

/* ---- checking a file ----------------------------------------------------------- */

/* Parses the file (NULL when not well-formed) and validates it against both
 * schemas, asserting each. */
static xmlDocPtr load_valid(const char *path)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL(doc);
    if (!doc)
        return NULL;
    for (size_t i = 0; i < N_SCHEMAS; i++) {
        xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schemas[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        int rc = xmlSchemaValidateDoc(v, doc);
        if (rc != 0)
            printf("# %s does not validate against %s\n", path, schema_names[i]);
        CU_ASSERT_EQUAL(rc, 0);
        xmlSchemaFreeValidCtxt(v);
    }
    return doc;
}

/* The string value of an XPath expression, malloc'ed ("" when nothing). */
static char *xpath(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    xmlChar *s = xmlXPathCastToString(obj);
    char *copy = wsc_sample_strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return copy;
}

static int xpath_is(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xpath(doc, expr);
    int same = strcmp(got, want) == 0;
    if (!same)
        printf("# %s: expected \"%s\", got \"%s\"\n", expr, want, got);
    free(got);
    return same;
}

/* Writes the run, checks it validates, returns the parsed document. */
static xmlDocPtr write_and_load(const struct wsc_run_result *run, const char *name)
{
    char *path = path_in_tmp(name);
    char *err = NULL;
    int rc = wsc_junit_write(path, run, &err);
    if (rc != 0)
        printf("# %s\n", err ? err : "(no message)");
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NULL(err);
    free(err);
    xmlDocPtr doc = rc == 0 ? load_valid(path) : NULL;
    free(path);
    return doc;
}

/* Parses the file and validates it against one schema; returns whether it
 * is valid (the document is freed). */
static int valid_on(const char *path, size_t schema)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schemas[schema]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    xmlSchemaSetValidErrors(v, NULL, NULL, NULL); /* an expected rejection is quiet */
    int rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* ---- suite set-up ---------------------------------------------------------------- */

static const char *xsd_dir(char *buf, size_t size)
{
    const char *dir = getenv("JUNIT_XSD_DIR");
    const char *top = getenv("top_srcdir");
    if (dir && *dir)
        return dir;
    if (top && *top)
        snprintf(buf, size, "%s/tests/junit", top);
    else { /* run by hand: next to this source file */
        char here[1024];
        snprintf(here, sizeof here, "%s", __FILE__);
        snprintf(buf, size, "%s/../junit", dirname(here));
    }
    return buf;
}

static int init(void)
{
    char buf[1024];
    const char *dir = xsd_dir(buf, sizeof buf);
    for (size_t i = 0; i < N_SCHEMAS; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, schema_names[i]);
        xmlSchemaParserCtxtPtr p = xmlSchemaNewParserCtxt(path);
        schemas[i] = p ? xmlSchemaParse(p) : NULL;
        xmlSchemaFreeParserCtxt(p);
        if (!schemas[i]) {
            printf("# cannot load schema %s\n", path);
            return 1;
        }
    }
    return wsc_test_mkdtemp(tmpdir, sizeof tmpdir, "wsc-junit") == 0 ? 0 : 1;
}

static int cleanup(void)
{
    for (size_t i = 0; i < N_SCHEMAS; i++)
        xmlSchemaFree(schemas[i]);
    wsc_test_rmtree(tmpdir);
    xmlCleanupParser();
    return 0;
}

/* ---- the schemas themselves ------------------------------------------------------ */

static void ignore_error(void *data, xmlErrorPtr error)
{
    (void)data;
    (void)error;
}

/* The validation must be able to fail: the shapes the schemas disagree on
 * are each rejected by one of them. */
static void test_schemas_reject(void)
{
    static const char *const invalid[] = {
        /* Ant: <testsuites> has no attributes */
        "<testsuites name='x'/>",
        /* Ant: properties, system-out and system-err are required */
        "<testsuites><testsuite name='s' timestamp='2024-01-01T00:00:00' "
        "hostname='h' tests='0' failures='0' errors='0' time='0' package='s' "
        "id='0'/></testsuites>",
        /* Jenkins: a time with more than three decimals */
        "<testsuites><testsuite name='s' timestamp='2024-01-01T00:00:00' "
        "hostname='h' tests='0' failures='0' errors='0' time='0.0001' package='s' "
        "id='0'><properties/><system-out/><system-err/></testsuite></testsuites>",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        xmlDocPtr doc = xmlReadMemory(invalid[i], (int)strlen(invalid[i]), "x.xml", NULL,
                                      XML_PARSE_NONET);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        int rejected = 0;
        for (size_t s = 0; s < N_SCHEMAS; s++) {
            xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schemas[s]);
            CU_ASSERT_PTR_NOT_NULL_FATAL(v);
            xmlSchemaSetValidStructuredErrors(v, ignore_error, NULL);
            rejected += xmlSchemaValidateDoc(v, doc) != 0;
            xmlSchemaFreeValidCtxt(v);
        }
        CU_ASSERT(rejected >= 1);
        xmlFreeDoc(doc);
    }
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_all_statuses(void)
{
    struct wsc_run_result run = {.started = 1700000000, .duration = 2};
    struct wsc_suite_result *s = add_suite(&run, "mock smoke", "scenarios/mock.json");
    add_test(s, "port listens", "port", WSC_PASSED, NULL);
    add_test(s, "echo", "ws-basic", WSC_FAILED,
             "/reply: expected \"hello\", got \"hullo\"\nsecond line");
    add_test(s, "crashes", "ws-basic", WSC_ERROR, "check crashed: signal 11 (SIGSEGV)");
    add_test(s, "later", "http", WSC_SKIPPED, "not ready yet");
    s->tests[1].duration = 1.5;

    xmlDocPtr doc = write_and_load(&run, "statuses.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "count(/testsuites/testsuite)", "1"));
    CU_ASSERT(xpath_is(doc, "count(/testsuites/@*)", "0"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@name", "mock smoke"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@tests", "4"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@failures", "1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@errors", "1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@skipped", "1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@time", "1.250"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@timestamp", "2023-11-14T22:13:20"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@hostname", "ci-runner-1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@id", "0"));
    CU_ASSERT(xpath_is(doc, "//property[@name='file']/@value", "scenarios/mock.json"));
    CU_ASSERT(xpath_is(doc, "count(//testcase)", "4"));

    CU_ASSERT(xpath_is(doc, "//testcase[1]/@name", "port listens"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@classname", "mock smoke.port"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@time", "0.012"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[1]/*)", "0"));

    CU_ASSERT(xpath_is(doc, "//testcase[2]/@classname", "mock smoke.ws-basic"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/@time", "1.500"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/failure/@type", "failed"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/failure/@message",
                       "/reply: expected \"hello\", got \"hullo\""));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/failure",
                       "/reply: expected \"hello\", got \"hullo\"\nsecond line"));

    CU_ASSERT(xpath_is(doc, "//testcase[3]/error/@type", "error"));
    CU_ASSERT(xpath_is(doc, "//testcase[3]/error/@message",
                       "check crashed: signal 11 (SIGSEGV)"));
    CU_ASSERT(xpath_is(doc, "//testcase[3]/error", "check crashed: signal 11 (SIGSEGV)"));

    CU_ASSERT(xpath_is(doc, "//testcase[4]/skipped/@message", "not ready yet"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[4]/skipped/@type)", "0"));
    CU_ASSERT(xpath_is(doc, "//testcase[4]/@classname", "mock smoke.http"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

static void test_metrics_attempts_notes(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "perf", "perf.json");
    struct wsc_result *a = add_test(s, "rtt", "ping-pong", WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_metric(a, "rtt_ms", 1.2344, "ms"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_metric(a, "frames", 12, NULL), 0);
    a->log = wsc_sample_strdup("connected to 127.0.0.1:9004\nsent 12 pings");
    struct wsc_result *b = add_test(s, "flaky", "port", WSC_PASSED, NULL);
    b->attempts = 3;
    add_test(s, "quiet", "port", WSC_PASSED, NULL);

    xmlDocPtr doc = write_and_load(&run, "metrics.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "//property[@name='rtt.rtt_ms']/@value", "1.234 ms"));
    CU_ASSERT(xpath_is(doc, "//property[@name='rtt.frames']/@value", "12"));
    CU_ASSERT(xpath_is(doc, "//property[@name='flaky.attempts']/@value", "3"));
    CU_ASSERT(xpath_is(doc, "count(//property)", "4")); /* with "file" */
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/system-out",
                       "[rtt]\nconnected to 127.0.0.1:9004\nsent 12 pings\n"
                       "\n[flaky] (3 attempts)\n"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/system-err", ""));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* A test that passed on its third attempt, and one that failed all two. */
static void add_retried(struct wsc_suite_result *s)
{
    struct wsc_result *f = add_test(s, "login", "ws-basic", WSC_PASSED, NULL);
    f->attempts = 3;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_FAILED, 0.021, "close 4000 \"bad\""),
                    0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_ERROR, 0.5, "crashed <here>"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(f, WSC_PASSED, 0.01, NULL), 0);
    struct wsc_result *b = add_test(s, "echo", "ws-basic", WSC_FAILED, "no reply");
    b->attempts = 2;
    CU_ASSERT_EQUAL(wsc_result_add_attempt(b, WSC_FAILED, 1, "timed out"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_attempt(b, WSC_FAILED, 1, "no reply"), 0);
}

/* By default the attempts are in the suite's <system-err> and a property,
 * and the file is valid on both schemas. */
static void test_flaky_portable(void)
{
    struct wsc_run_result run = {0};
    add_retried(add_suite(&run, "retried", "r.json"));
    xmlDocPtr doc = write_and_load(&run, "flaky.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(
        xpath_is(doc, "//property[@name='login.flaky']/@value", "2 failed attempts"));
    CU_ASSERT(xpath_is(doc, "count(//property[@name='echo.flaky'])", "0"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='login']/*)", "0")); /* passed */
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/system-err",
                       "[login] flaky: passed on attempt 3 after 2 failed attempts\n"
                       "attempt 1 failed (0.021 s): close 4000 \"bad\"\n"
                       "attempt 2 error (0.500 s): crashed <here>\n"
                       "attempt 3 passed (0.010 s)\n"
                       "\n[echo] failed after 2 attempts\n"
                       "attempt 1 failed (1.000 s): timed out\n"
                       "attempt 2 failed (1.000 s): no reply\n"));
    CU_ASSERT(xpath_is(doc, "count(//flakyFailure | //rerunFailure)", "0"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* --junit-flaky=surefire: Surefire's elements, valid on Jenkins' schema
 * (and, as documented, not on Ant's). */
static void test_flaky_surefire(void)
{
    struct wsc_run_result run = {0};
    add_retried(add_suite(&run, "retried", "r.json"));
    char *path = path_in_tmp("surefire.xml");
    char *err = NULL;
    struct wsc_junit_options o = {WSC_JUNIT_FLAKY_SUREFIRE};
    CU_ASSERT_EQUAL_FATAL(wsc_junit_write_with(path, &run, &o, &err), 0);
    CU_ASSERT(valid_on(path, 1));  /* jenkins-junit-10.xsd */
    CU_ASSERT(!valid_on(path, 0)); /* ant-junit.xsd */
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='login']/flakyFailure)", "1"));
    CU_ASSERT(xpath_is(doc, "//testcase[@name='login']/flakyFailure/@message",
                       "close 4000 \"bad\""));
    CU_ASSERT(xpath_is(doc, "//testcase[@name='login']/flakyFailure/@type", "failed"));
    CU_ASSERT(xpath_is(doc, "//testcase[@name='login']/flakyFailure/stackTrace",
                       "close 4000 \"bad\""));
    CU_ASSERT(
        xpath_is(doc, "//testcase[@name='login']/flakyError/@message", "crashed <here>"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='login']/failure)", "0"));
    /* failed for good: the last attempt is the failure, the earlier reruns */
    CU_ASSERT(xpath_is(doc, "//testcase[@name='echo']/failure/@message", "no reply"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='echo']/rerunFailure)", "1"));
    CU_ASSERT(
        xpath_is(doc, "//testcase[@name='echo']/rerunFailure/@message", "timed out"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='echo']/flakyFailure)", "0"));
    /* the portable record is there too */
    CU_ASSERT(xpath_is(
        doc, "starts-with(/testsuites/testsuite/system-err, '[login] flaky')", "true"));
    xmlFreeDoc(doc);
    free(path);
    wsc_run_result_clear(&run);
}

/* Cases are test cases "TEST / CASE" of the test's class; the test itself
 * is one only when its outcome is more than its cases; warnings are in
 * <system-out> under the test; both schemas still accept the file. */
static void test_cases_and_warnings(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "suite", "suite.json");
    struct wsc_result *c = add_test(s, "compliance", "ws-basic", WSC_FAILED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_case(c, "1.1.1", WSC_PASSED, 0.002, NULL), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(c, "1.1.2", WSC_FAILED, 0.25, "no close"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_case(c, "1.1.3", WSC_SKIPPED, -1, "n/a"), 0);
    struct wsc_result *k =
        add_test(s, "crashed", "testkit", WSC_ERROR, "check crashed: signal 11");
    CU_ASSERT_EQUAL(wsc_result_add_case(k, "first", WSC_PASSED, 0.001, NULL), 0);
    struct wsc_result *w = add_test(s, "close", "ws-basic", WSC_PASSED, NULL);
    CU_ASSERT_EQUAL(wsc_result_add_warning(w, "no close reason"), 0);
    CU_ASSERT_EQUAL(wsc_result_add_warning(w, "odd <header> & co"), 0);

    xmlDocPtr doc = write_and_load(&run, "cases.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@tests", "6"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@failures", "1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@errors", "1"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@skipped", "1"));
    CU_ASSERT(xpath_is(doc, "count(//testcase)", "6"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[@name='compliance'])", "0"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@name", "compliance / 1.1.1"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@classname", "suite.ws-basic"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@time", "0.002"));
    CU_ASSERT(xpath_is(doc, "count(//testcase[1]/*)", "0"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/@name", "compliance / 1.1.2"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/failure/@message", "no close"));
    CU_ASSERT(xpath_is(doc, "//testcase[2]/@time", "0.250"));
    CU_ASSERT(xpath_is(doc, "//testcase[3]/skipped/@message", "n/a"));
    CU_ASSERT(xpath_is(doc, "//testcase[3]/@time", "0.000"));
    CU_ASSERT(xpath_is(doc, "//testcase[4]/@name", "crashed"));
    CU_ASSERT(xpath_is(doc, "//testcase[4]/error/@message", "check crashed: signal 11"));
    CU_ASSERT(xpath_is(doc, "//testcase[5]/@name", "crashed / first"));
    CU_ASSERT(xpath_is(doc, "//testcase[5]/@classname", "suite.testkit"));
    CU_ASSERT(xpath_is(doc, "//testcase[6]/@name", "close"));
    CU_ASSERT(
        xpath_is(doc, "/testsuites/testsuite/system-out",
                 "[close]\nwarning: no close reason\nwarning: odd <header> & co\n"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* The trace of a failed test is in the failure text, after the message. */
static void test_failure_trace(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "ws", "ws.json");
    struct wsc_result *t = add_test(s, "echo", "ws-basic", WSC_FAILED, "no reply");
    t->trace = json_tokener_parse("[{\"t_ms\":1.25,\"dir\":\"send\",\"kind\":\"text\","
                                  "\"len\":13,\"data\":\"<ping & \\u0001 ]]>\"},"
                                  "{\"t_ms\":2.5,\"dir\":\"recv\",\"kind\":\"close\","
                                  "\"len\":5,\"data\":\"0fa0626164\",\"hex\":true}]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->trace);
    xmlDocPtr doc = write_and_load(&run, "trace.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    char *text = xpath(doc, "//failure");
    /* plain lines, not JSON: the XML-unsafe byte shown as "\x01" */
    CU_ASSERT_STRING_EQUAL(text, "no reply\n\ntrace:\n"
                                 "+1.250 ms  \xe2\x86\x92 text 13 B  <ping & \\x01 ]]>\n"
                                 "+2.500 ms  \xe2\x86\x90 close 5 B  4000 (private use) "
                                 "\"bad\"\n");
    free(text);
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* Each kind of hostile text, in every place a string goes. */
static const char *const hostile[] = {
    "a<b>c",
    "fish & chips &amp; &#0; &bogus;",
    "end of cdata ]]> and <![CDATA[ start",
    "quotes \" and ' and `",
    "bell \x07 escape \x1b[31mred\x1b[0m vt \x0b ff \x0c del \x7f",
    "bytes \x01\x02\x03\x1f",
    "invalid utf-8 \xff\xfe and lone \x80 and truncated \xc3",
    "overlong \xc0\xaf slash and \xe0\x80\xaf",
    "surrogate \xed\xa0\x80 half",
    "non-characters \xef\xbf\xbe \xef\xbf\xbf",
    "beyond unicode \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80",
    "c1 control \xc2\x85 next line \xc2\x9b csi",
    "tab\tnewline\ncarriage\rreturn",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>&e;",
    "   ",
    "",
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

static void test_hostile_text(void)
{
    for (size_t i = 0; i < N_HOSTILE; i++) {
        const char *h = hostile[i];
        struct wsc_run_result run = {0};
        struct wsc_suite_result *s = add_suite(&run, h, h);
        free(s->hostname);
        s->hostname = wsc_sample_strdup(h);
        enum wsc_status st[] = {WSC_PASSED, WSC_FAILED, WSC_ERROR, WSC_SKIPPED};
        for (size_t k = 0; k < 4; k++) {
            struct wsc_result *t = add_test(s, h, h, st[k], h);
            t->log = wsc_sample_strdup(h);
            t->attempts = 2;
            CU_ASSERT_EQUAL(wsc_result_add_metric(t, h, 1.5, h), 0);
            t->trace = json_object_new_array();
            json_object_array_add(t->trace, json_object_new_string(h));
        }
        char name[32];
        snprintf(name, sizeof name, "hostile-%zu.xml", i);
        xmlDocPtr doc = write_and_load(&run, name);
        if (!doc)
            printf("# hostile string %zu broke the file\n", i);
        CU_ASSERT_PTR_NOT_NULL(doc);
        if (doc) {
            /* the text arrives as wsc_xml_safe() made it */
            char *safe = wsc_xml_safe(h);
            char *msg = xpath(doc, "//testcase[2]/failure");
            CU_ASSERT(strncmp(msg, safe, strlen(safe)) == 0);
            free(msg);
            CU_ASSERT(xpath_is(doc, "count(//testcase)", "4"));
            free(safe);
            xmlFreeDoc(doc);
        }
        wsc_run_result_clear(&run);
    }
}

/* Markup survives as text; control bytes and broken UTF-8 become visible. */
static void test_hostile_content(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "s", "s.json");
    add_test(s, "t", "p", WSC_FAILED, "a<b & ]]> \x1b[2J \xff end");
    xmlDocPtr doc = write_and_load(&run, "content.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "//failure", "a<b & ]]> \\x1b[2J \xef\xbf\xbd end"));
    CU_ASSERT(xpath_is(doc, "//failure/@message", "a<b & ]]> \\x1b[2J \xef\xbf\xbd end"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

static void test_xml_safe(void)
{
    static const struct {
        const char *in, *xml, *term, *utf8;
    } cases[] = {
        {"plain", "plain", "plain", "plain"},
        {"<&>\"'", "<&>\"'", "<&>\"'", "<&>\"'"},
        {"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
         "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
         "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
         "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"},
        {"\x01\x1f\x7f", "\\x01\\x1f\\x7f", "\\x01\\x1f\\x7f", "\x01\x1f\x7f"},
        {"t\tn\nr\r", "t\tn\nr\r", "t\tn\nr\\r", "t\tn\nr\r"},
        {"\x1b[31m", "\\x1b[31m", "\\x1b[31m", "\x1b[31m"},
        {"\xc2\x85\xc2\x9f\xc2\xa0", "\\u0085\\u009f\xc2\xa0", "\\u0085\\u009f\xc2\xa0",
         "\xc2\x85\xc2\x9f\xc2\xa0"},
        {"\xff", "\xef\xbf\xbd", "\xef\xbf\xbd", "\xef\xbf\xbd"},
        {"a\xc3", "a\xef\xbf\xbd", "a\xef\xbf\xbd", "a\xef\xbf\xbd"},
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xef\xbf\xbe|\xef\xbf\xbf", "\xef\xbf\xbd|\xef\xbf\xbd",
         "\xef\xbf\xbd|\xef\xbf\xbd", "\xef\xbf\xbd|\xef\xbf\xbd"},
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"", "", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *x = wsc_xml_safe(cases[i].in);
        char *t = wsc_term_safe(cases[i].in);
        char *u = wsc_utf8_safe(cases[i].in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        CU_ASSERT_STRING_EQUAL(x, cases[i].xml);
        CU_ASSERT_STRING_EQUAL(t, cases[i].term);
        CU_ASSERT_STRING_EQUAL(u, cases[i].utf8);
        if (strcmp(x, cases[i].xml) != 0)
            printf("# case %zu: xml gave \"%s\"\n", i, x);
        free(x);
        free(t);
        free(u);
    }
    char *n = wsc_xml_safe(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_STRING_EQUAL(n, "");
    free(n);
}

/* Every byte value, after every other, in a message: the file stays valid. */
static void test_every_byte(void)
{
    char in[2 * 255 * 255 + 1];
    size_t n = 0;
    for (int a = 1; a < 256; a++)
        for (int b = 1; b < 256; b++) {
            in[n++] = (char)a;
            in[n++] = (char)b;
        }
    in[n] = '\0';
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, in, in);
    add_test(s, in, in, WSC_FAILED, in)->log = wsc_sample_strdup(in);
    xmlDocPtr doc = write_and_load(&run, "every-byte.xml");
    CU_ASSERT_PTR_NOT_NULL(doc);
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

static void test_empty(void)
{
    struct wsc_run_result run = {0};
    xmlDocPtr doc = write_and_load(&run, "no-suites.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "count(/testsuites/*)", "0"));
    xmlFreeDoc(doc);

    add_suite(&run, "nothing here", "empty.json");
    doc = write_and_load(&run, "empty-suite.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@tests", "0"));
    CU_ASSERT(xpath_is(doc, "count(//testcase)", "0"));
    CU_ASSERT(xpath_is(doc, "count(/testsuites/testsuite/properties)", "1"));
    CU_ASSERT(xpath_is(doc, "count(/testsuites/testsuite/system-out)", "1"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* Members the schemas require are filled in when the run lacks them. */
static void test_missing_members(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, NULL, NULL);
    free(s->hostname);
    s->hostname = NULL;
    s->started = -1;
    s->duration = NAN;
    struct wsc_result *t = add_test(s, NULL, NULL, WSC_FAILED, NULL);
    t->duration = -0.5;
    add_test(s, NULL, NULL, WSC_ERROR, NULL);
    add_test(s, NULL, NULL, WSC_SKIPPED, NULL);

    xmlDocPtr doc = write_and_load(&run, "missing.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@name", "unnamed"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@hostname", "localhost"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@time", "0.000"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@timestamp", "1970-01-01T00:00:00"));
    CU_ASSERT(xpath_is(doc, "//testcase[1]/@time", "0.000"));
    CU_ASSERT(xpath_is(doc, "count(//failure/@message)", "0"));
    xmlFreeDoc(doc);

    /* a blank suite name falls back to the file name */
    free(s->name);
    s->name = wsc_sample_strdup(" \t ");
    s->file = wsc_sample_strdup("blank.json");
    doc = write_and_load(&run, "blank.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite/@name", "blank.json"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* A long message: the attribute is its first line, cut; the text is whole. */
static void test_long_message(void)
{
    char msg[3000];
    for (size_t i = 0; i < sizeof msg - 1; i++)
        msg[i] = "\xc3\xa9-"[i % 3]; /* "é-é-..." so a cut may split a character */
    msg[sizeof msg - 1] = '\0';
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "s", "s.json");
    add_test(s, "t", "p", WSC_FAILED, msg);
    xmlDocPtr doc = write_and_load(&run, "long.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    char *attr = xpath(doc, "//failure/@message");
    char *text = xpath(doc, "//failure");
    CU_ASSERT(strlen(attr) <= 1000 && strlen(attr) >= 997);
    CU_ASSERT(strncmp(attr, msg, strlen(attr)) == 0);
    CU_ASSERT_STRING_EQUAL(text, msg);
    free(attr);
    free(text);
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

static void test_many_suites(void)
{
    struct wsc_run_result run = {0};
    for (int i = 0; i < 40; i++) {
        char name[32], file[32];
        snprintf(name, sizeof name, "suite %d", i);
        snprintf(file, sizeof file, "s%d.json", i);
        struct wsc_suite_result *s = add_suite(&run, name, file);
        for (int k = 0; k < 25; k++) {
            char t[32];
            snprintf(t, sizeof t, "test %d", k);
            add_test(s, t, "port", (enum wsc_status)(k % 4), k % 4 ? "why" : NULL);
        }
    }
    xmlDocPtr doc = write_and_load(&run, "many.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(xpath_is(doc, "count(/testsuites/testsuite)", "40"));
    CU_ASSERT(xpath_is(doc, "count(//testcase)", "1000"));
    CU_ASSERT(xpath_is(doc, "count(//failure)", "240"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite[40]/@id", "39"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite[40]/@name", "suite 39"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite[40]/@package", "suite 39"));
    CU_ASSERT(xpath_is(doc, "/testsuites/testsuite[7]/testcase[25]/@classname",
                       "suite 6.port"));
    xmlFreeDoc(doc);
    wsc_run_result_clear(&run);
}

/* A report path that cannot be written: -1, a message naming the path and
 * the reason, and no temporary file left. */
static void expect_unwritable(const char *path, const char *dir, const char *prefix,
                              const char *reason)
{
    struct wsc_run_result run = {0};
    add_test(add_suite(&run, "s", "s.json"), "t", "p", WSC_PASSED, NULL);
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_junit_write(path, &run, &err), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    char *want = NULL;
    CU_ASSERT_FATAL(asprintf(&want, "cannot write %s: %s", path, reason) > 0);
    CU_ASSERT_STRING_EQUAL(err, want);
    if (strcmp(err, want) != 0)
        printf("# got \"%s\"\n", err);
    free(want);
    free(err);
    if (dir)
        CU_ASSERT_EQUAL(wsc_sample_count_entries(dir, prefix), 0);
    wsc_run_result_clear(&run);
}

static void test_unwritable_missing_dir(void)
{
    char *path = path_in_tmp("no-such-dir/report.xml");
    expect_unwritable(path, NULL, NULL, strerror(ENOENT));
    free(path);
}

static void test_unwritable_parent_is_file(void)
{
    char *file = path_in_tmp("plain-file");
    FILE *f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    char *path = NULL;
    CU_ASSERT_FATAL(asprintf(&path, "%s/report.xml", file) > 0);
    expect_unwritable(path, NULL, NULL, strerror(ENOTDIR));
    free(path);
    free(file);
}

/* The rename is what fails here, after the temporary file was written. */
static void test_unwritable_target_is_dir(void)
{
    char *path = path_in_tmp("a-directory.xml");
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
    expect_unwritable(path, tmpdir, "a-directory.xml.tmp.", strerror(EISDIR));
    CU_ASSERT_EQUAL(rmdir(path), 0);
    free(path);
}

/* Writes into dir and returns whether it failed with "Permission denied"
 * and the path in the message. */
static int write_denied(const char *path)
{
    struct wsc_run_result run = {0};
    add_test(add_suite(&run, "s", "s.json"), "t", "p", WSC_PASSED, NULL);
    char *err = NULL, *want = NULL;
    int rc = wsc_junit_write(path, &run, &err);
    int ok = rc == -1 && err &&
             asprintf(&want, "cannot write %s: %s", path, strerror(EACCES)) > 0 &&
             strcmp(err, want) == 0;
    if (!ok)
        printf("# got rc %d, \"%s\"\n", rc, err ? err : "(no message)");
    free(err);
    free(want);
    wsc_run_result_clear(&run);
    return ok;
}

/* Root is never denied, so as root the write runs in a child that has
 * dropped to the "nobody" ids. */
static void test_unwritable_permission(void)
{
    char *dir = path_in_tmp("read-only");
    char *path = NULL;
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0555), 0);
    CU_ASSERT_FATAL(asprintf(&path, "%s/report.xml", dir) > 0);
    if (geteuid() != 0) {
        CU_ASSERT(write_denied(path));
    } else {
        CU_ASSERT_EQUAL_FATAL(chmod(tmpdir, 0755), 0); /* let nobody reach dir */
        fflush(stdout);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
            if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(2);
            _exit(write_denied(path) ? 0 : 1);
        }
        int status = 0;
        CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CU_ASSERT_EQUAL(chmod(tmpdir, 0700), 0);
    }
    CU_ASSERT_EQUAL(wsc_sample_count_entries(dir, "report.xml"), 0);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
    free(path);
    free(dir);
}

/* Writing again replaces the file whole; the mode follows the umask. */
static void test_replaces_atomically(void)
{
    struct wsc_run_result run = {0};
    struct wsc_suite_result *s = add_suite(&run, "first", "f.json");
    char *path = path_in_tmp("replace.xml");
    char *err = NULL;
    mode_t old = umask(022);
    CU_ASSERT_EQUAL(wsc_junit_write(path, &run, &err), 0);
    free(s->name);
    s->name = wsc_sample_strdup("second");
    CU_ASSERT_EQUAL(wsc_junit_write(path, &run, &err), 0);
    umask(old);
    CU_ASSERT_PTR_NULL(err);

    char *text = wsc_sample_read(path);
    CU_ASSERT_PTR_NULL(strstr(text, "first"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "name=\"second\""));
    CU_ASSERT(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n  <testsuite ")); /* indented */
    free(text);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
    CU_ASSERT_EQUAL(wsc_sample_count_entries(tmpdir, "replace.xml.tmp."), 0);
    free(path);
    wsc_run_result_clear(&run);
}

static CU_TestInfo junit_tests[] = {
    {"cases are test cases, warnings in system-out", test_cases_and_warnings},
    {"the schemas can reject", test_schemas_reject},
    {"all statuses", test_all_statuses},
    {"metrics, attempts and notes", test_metrics_attempts_notes},
    {"failure text holds the trace", test_failure_trace},
    {"flaky tests: attempts in system-err, both schemas", test_flaky_portable},
    {"flaky tests: Surefire elements on request", test_flaky_surefire},
    {"hostile text everywhere stays valid", test_hostile_text},
    {"hostile text arrives readable", test_hostile_content},
    {"xml_safe, term_safe, utf8_safe", test_xml_safe},
    {"every byte pair in every string", test_every_byte},
    {"no suites and an empty suite", test_empty},
    {"missing names, odd times", test_missing_members},
    {"long message", test_long_message},
    {"many suites", test_many_suites},
    {"unwritable: missing directory", test_unwritable_missing_dir},
    {"unwritable: parent is a file", test_unwritable_parent_is_file},
    {"unwritable: target is a directory", test_unwritable_target_is_dir},
    {"unwritable: permission denied", test_unwritable_permission},
    {"rewrite replaces the file", test_replaces_atomically},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"junit", init, cleanup, NULL, NULL, junit_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
