/* Trace lines as a person reads them in a JUnit failure: the exact text of
 * each kind of entry (frames, decoded close frames, header blocks, cut
 * payloads), from the structured entries libwscheck records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "trace_text.h"

/* The line of one entry given as JSON. */
static int line_is(const char *entry_json, const char *want)
{
    struct json_object *e = json_tokener_parse(entry_json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    char *got = wsc_trace_entry_text(e);
    json_object_put(e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    int same = strcmp(got, want) == 0;
    if (!same)
        printf("# expected [%s]\n# got      [%s]\n", want, got);
    free(got);
    return same;
}

static void test_text_frames(void)
{
    CU_ASSERT(line_is("{\"t_ms\": 12.345, \"dir\": \"send\", \"kind\": \"text\", "
                      "\"len\": 15, \"data\": \"{\\\"type\\\":\\\"ping\\\"}\"}",
                      "+12.345 ms  \xe2\x86\x92 text 15 B  {\"type\":\"ping\"}"));
    /* line breaks, tabs and backslashes are escaped: one line per frame */
    CU_ASSERT(line_is("{\"t_ms\": 0.5, \"dir\": \"recv\", \"kind\": \"text\", "
                      "\"len\": 9, \"data\": \"a\\nb\\tc\\\\d\\re\"}",
                      "+0.500 ms  \xe2\x86\x90 text 9 B  a\\nb\\tc\\\\d\\re"));
    /* cut to what the trace keeps: marked */
    CU_ASSERT(line_is("{\"t_ms\": 1, \"dir\": \"recv\", \"kind\": \"text\", "
                      "\"len\": 100, \"data\": \"xyz\"}",
                      "+1.000 ms  \xe2\x86\x90 text 100 B  xyz \xe2\x80\xa6"));
}

static void test_binary_as_hex(void)
{
    CU_ASSERT(line_is("{\"t_ms\": 2, \"dir\": \"recv\", \"kind\": \"binary\", "
                      "\"len\": 4, \"data\": \"deadbeef\", \"hex\": true}",
                      "+2.000 ms  \xe2\x86\x90 binary 4 B  de ad be ef"));
    /* printable binary is kept as text by the library, shown as hex */
    CU_ASSERT(line_is("{\"t_ms\": 2, \"dir\": \"send\", \"kind\": \"binary\", "
                      "\"len\": 2, \"data\": \"AB\"}",
                      "+2.000 ms  \xe2\x86\x92 binary 2 B  41 42"));
    /* a text frame that is not printable was kept as hex */
    CU_ASSERT(line_is("{\"t_ms\": 2, \"dir\": \"recv\", \"kind\": \"text\", "
                      "\"len\": 2, \"data\": \"0001\", \"hex\": true}",
                      "+2.000 ms  \xe2\x86\x90 text 2 B  00 01"));
}

static void test_close_decoded(void)
{
    /* 4000 "bad input" */
    CU_ASSERT(line_is("{\"t_ms\": 3.25, \"dir\": \"recv\", \"kind\": \"close\", "
                      "\"len\": 11, \"data\": \"0fa062616420696e707574\", \"hex\": true}",
                      "+3.250 ms  \xe2\x86\x90 close 11 B  4000 (private use) "
                      "\"bad input\""));
    CU_ASSERT(line_is("{\"t_ms\": 3, \"dir\": \"send\", \"kind\": \"close\", "
                      "\"len\": 2, \"data\": \"03e8\", \"hex\": true}",
                      "+3.000 ms  \xe2\x86\x92 close 2 B  1000 (Normal Closure)"));
    CU_ASSERT(line_is("{\"t_ms\": 3, \"dir\": \"recv\", \"kind\": \"close\", \"len\": 0}",
                      "+3.000 ms  \xe2\x86\x90 close 0 B  (no status code)"));
    CU_ASSERT(
        line_is("{\"t_ms\": 3, \"dir\": \"recv\", \"kind\": \"close\", "
                "\"len\": 1, \"data\": \"03\", \"hex\": true}",
                "+3.000 ms  \xe2\x86\x90 close 1 B  malformed: a 1-byte payload 03"));
}

static void test_pings(void)
{
    CU_ASSERT(line_is("{\"t_ms\": 4, \"dir\": \"send\", \"kind\": \"ping\", "
                      "\"len\": 9, \"data\": \"wscheck-1\"}",
                      "+4.000 ms  \xe2\x86\x92 ping 9 B  wscheck-1"));
    CU_ASSERT(line_is("{\"t_ms\": 4, \"dir\": \"recv\", \"kind\": \"pong\", \"len\": 0}",
                      "+4.000 ms  \xe2\x86\x90 pong 0 B"));
}

/* Header lines are aligned under the first; CRs dropped. */
static void test_header_block(void)
{
    CU_ASSERT(line_is("{\"t_ms\": 0.25, \"dir\": \"send\", \"kind\": \"http\", "
                      "\"len\": 40, \"data\": \"GET /chat HTTP/1.1\\r\\nHost: h\\r\\n"
                      "Authorization: ***\"}",
                      "+0.250 ms  \xe2\x86\x92 http 40 B  GET /chat HTTP/1.1\n"
                      "                        Host: h\n"
                      "                        Authorization: ***"));
}

static void test_whole_trace(void)
{
    struct json_object *t = json_tokener_parse(
        "[{\"t_ms\": 1, \"dir\": \"info\", \"kind\": \"reconnect\"},"
        " {\"t_ms\": 2, \"dir\": \"send\", \"kind\": \"text\", \"len\": 2, \"data\": \"hi\"}]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    char *text = wsc_trace_text(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "+1.000 ms  \xc2\xb7 reconnect\n"
                                 "+2.000 ms  \xe2\x86\x92 text 2 B  hi\n");
    free(text);
    json_object_put(t);
    /* entries that are not objects (not wsc_trace()'s) are shown as they are */
    t = json_tokener_parse("[\"free text\", 3]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    text = wsc_trace_text(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "free text\n3\n");
    free(text);
    json_object_put(t);
    text = wsc_trace_text(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "");
    free(text);
}

static CU_TestInfo trace_tests[] = {
    {"text frames, escaped and cut", test_text_frames},
    {"binary as hex", test_binary_as_hex},
    {"close frames decoded", test_close_decoded},
    {"pings and pongs", test_pings},
    {"header block one line each", test_header_block},
    {"a whole trace", test_whole_trace},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"trace text", NULL, NULL, NULL, NULL, trace_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
