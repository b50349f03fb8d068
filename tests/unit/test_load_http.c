/* HTTP/1.1 for wscheck load: the response parser fed as the engine feeds
 * it (bytes kept until used, offered again with what comes next) with
 * every split of the input, hostile responses, the request writer, and
 * the reading of MCP answers (JSON or an event stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_http.h"
#include "load_http_mcp.h"
#include "tap.h"

/* Feeds `text` as the engine would, in pieces cut at the offsets in cuts[]
 * (ascending), then the close when `eof`. Returns the final rc; *left is
 * what the parser did not take. */
static enum wsc_load_http_rc feed_cuts(struct wsc_load_http_resp *r, const char *text,
                                       size_t len, const size_t *cuts, size_t n_cuts,
                                       int eof, size_t *left)
{
    unsigned char *pending = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pending);
    size_t have = 0, from = 0;
    enum wsc_load_http_rc rc = WSC_LOAD_HTTP_MORE;
    for (size_t i = 0; i <= n_cuts && rc == WSC_LOAD_HTTP_MORE; i++) {
        size_t to = i < n_cuts ? cuts[i] : len;
        memcpy(pending + have, text + from, to - from);
        have += to - from;
        from = to;
        size_t used = 0;
        rc = wsc_load_http_resp_feed(r, pending, have, &used);
        CU_ASSERT(used <= have);
        memmove(pending, pending + used, have - used);
        have -= used;
    }
    if (rc == WSC_LOAD_HTTP_MORE && eof)
        rc = wsc_load_http_resp_eof(r);
    *left = have + (len - from);
    free(pending);
    return rc;
}

static enum wsc_load_http_rc feed_all(struct wsc_load_http_resp *r, const char *text,
                                      size_t max_body, int eof, size_t *left)
{
    wsc_load_http_resp_init(r, max_body, 0, 1);
    return feed_cuts(r, text, strlen(text), NULL, 0, eof, left);
}

/* Every split in two, and byte by byte: the same response each time. */
static void every_split(const char *text, int eof, int status, const char *body,
                        size_t trailing)
{
    size_t len = strlen(text);
    size_t *cuts = malloc(len * sizeof *cuts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cuts);
    for (size_t k = 0; k <= len; k++) {
        struct wsc_load_http_resp r;
        size_t left = 0, n = 0;
        wsc_load_http_resp_init(&r, 1024, 0, 1);
        if (k == len) { /* byte by byte */
            for (n = 0; n + 1 < len; n++)
                cuts[n] = n + 1;
        } else if (k > 0) {
            cuts[n++] = k;
        }
        enum wsc_load_http_rc rc = feed_cuts(&r, text, len, cuts, n, eof, &left);
        CU_ASSERT_EQUAL(rc, WSC_LOAD_HTTP_DONE);
        CU_ASSERT_EQUAL(r.status, status);
        CU_ASSERT_EQUAL(r.body_len, strlen(body));
        CU_ASSERT(r.body.len == strlen(body) &&
                  memcmp(r.body.data ? r.body.data : "", body, r.body.len) == 0);
        CU_ASSERT_EQUAL(left, trailing);
        wsc_load_http_resp_free(&r);
    }
    free(cuts);
}

static void test_content_length(void)
{
    every_split("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
                "hello",
                0, 200, "hello", 0);
    /* what follows the response is left for the next one */
    every_split("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokHTTP/1.1", 0, 201,
                "ok", 8);
    /* bare LF line ends are read too */
    every_split("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", 0, 200, "abc", 0);
}

static void test_chunked(void)
{
    every_split("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
                0, 200, "hello 0123456789", 0);
    /* Transfer-Encoding wins over Content-Length */
    every_split("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
                0, 200, "ab", 0);
}

static void test_until_close_and_no_body(void)
{
    every_split("HTTP/1.1 200 OK\r\n\r\nall of it", 1, 200, "all of it", 0);
    every_split("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", 0, 204, "", 0);
    every_split("HTTP/1.1 304 Not Modified\r\n\r\n", 0, 304, "", 0);
    every_split(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0,
        200, "x", 0);
    struct wsc_load_http_resp r;
    size_t left = 0;
    wsc_load_http_resp_init(&r, 100, 1, 0);
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
    CU_ASSERT_EQUAL(feed_cuts(&r, head, strlen(head), NULL, 0, 0, &left),
                    WSC_LOAD_HTTP_DONE);
    CU_ASSERT_EQUAL(r.body_len, 0);
    wsc_load_http_resp_free(&r);
}

static void test_headers_and_connection(void)
{
    struct wsc_load_http_resp r;
    size_t left = 0;
    CU_ASSERT_EQUAL(feed_all(&r,
                             "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSET-COOKIE: b=2\r\n"
                             "Mcp-Session-Id:  abc \r\nContent-Length: 0\r\n\r\n",
                             10, 0, &left),
                    WSC_LOAD_HTTP_DONE);
    CU_ASSERT_STRING_EQUAL(wsc_load_http_header(&r, "set-cookie"), "a=1, b=2");
    CU_ASSERT_STRING_EQUAL(wsc_load_http_header(&r, "mcp-session-id"), "abc");
    CU_ASSERT_EQUAL(r.close, 0);
    wsc_load_http_resp_free(&r);
    CU_ASSERT_EQUAL(
        feed_all(&r, "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n",
                 10, 0, &left),
        WSC_LOAD_HTTP_DONE);
    CU_ASSERT_EQUAL(r.close, 1);
    wsc_load_http_resp_free(&r);
    CU_ASSERT_EQUAL(
        feed_all(&r, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 10, 0, &left),
        WSC_LOAD_HTTP_DONE);
    CU_ASSERT_EQUAL(r.close, 1);
    wsc_load_http_resp_free(&r);
}

/* A hostile response: the error kind and a message naming the problem. */
static void hostile(const char *text, int eof, size_t max_body, enum wsc_load_error kind,
                    const char *says)
{
    struct wsc_load_http_resp r;
    size_t left = 0;
    enum wsc_load_http_rc rc = feed_all(&r, text, max_body, eof, &left);
    CU_ASSERT_EQUAL(rc, WSC_LOAD_HTTP_ERROR);
    CU_ASSERT_EQUAL(r.error, kind);
    if (!strstr(r.message, says))
        wsc_tap_assert(0, __FILE__, __LINE__, "message \"%s\" lacks \"%s\"", r.message,
                       says);
    /* once failed, it stays failed */
    size_t used = 1;
    CU_ASSERT_EQUAL(wsc_load_http_resp_feed(&r, (const unsigned char *)"x", 1, &used),
                    WSC_LOAD_HTTP_ERROR);
    CU_ASSERT_EQUAL(used, 0);
    wsc_load_http_resp_free(&r);
}

static void test_hostile(void)
{
    const enum wsc_load_error P = WSC_LOAD_ERR_PROTOCOL, B = WSC_LOAD_ERR_TOO_BIG,
                              C = WSC_LOAD_ERR_CLOSED;
    hostile("HTTP/1.1 2000 OK\r\n\r\n", 0, 10, P, "status line");
    hostile("HTTP/2 200\r\n\r\n", 0, 10, P, "status line");
    hostile("SSH-2.0-OpenSSH\r\n\r\n", 0, 10, P, "status line");
    hostile("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", 0, 10, P, "malformed header");
    hostile("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, 10, P, "malformed header");
    hostile("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", 0, 10, P, "folding");
    hostile("HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, 10, P, "101");
    hostile("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0, 10, P, "Content-Length");
    hostile("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", 0, 10, P,
            "Content-Length");
    hostile("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, 10,
            P, "Content-Length");
    hostile("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 0, 10, B, "over the limit");
    hostile("HTTP/1.1 200 OK\r\n\r\n0123456789A", 0, 10, B, "over the limit");
    hostile("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n",
            0, 10, B, "over the limit");
    hostile("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
            0, 10, P, "out of range");
    hostile("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 10, P,
            "chunk-size");
    hostile("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0, 10, P,
            "longer than its size");
    hostile("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 1, 10, C, "middle");
    hostile("", 1, 10, C, "before responding");
    /* an endless chunk-size line and an endless head are cut off */
    char *line = malloc(WSC_LOAD_HTTP_HEAD_MAX + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    int n = snprintf(line, 64, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    memset(line + n, '1', 2000);
    line[n + 2000] = '\0';
    hostile(line, 0, 10, P, "chunk-size line");
    n = snprintf(line, 64, "HTTP/1.1 200 OK\r\nX: ");
    memset(line + n, 'a', WSC_LOAD_HTTP_HEAD_MAX);
    line[n + WSC_LOAD_HTTP_HEAD_MAX] = '\0';
    hostile(line, 0, 10, B, "response head over");
    free(line);
}

/* ---- the request writer ------------------------------------------------------ */

static void test_request(void)
{
    struct json_object *h = json_tokener_parse(
        "{\"X-Trace\": \"t1\", \"accept\": \"text/plain\", \"User-Agent\": null,"
        " \"Content-Length\": \"99\", \"X-N\": 5}");
    struct wsc_load_http_req req = {.method = "POST",
                                    .path = "/api?q=1",
                                    .host = "example.test:8080",
                                    .headers = h,
                                    .content_type = "application/json",
                                    .body = "{}",
                                    .body_len = 2};
    char *out = NULL, *why = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(wsc_load_http_request_build(&req, &out, &len, &why), 0);
    CU_ASSERT_EQUAL(len, strlen(out));
    const char *start = "POST /api?q=1 HTTP/1.1\r\nHost: example.test:8080\r\n";
    CU_ASSERT(strncmp(out, start, strlen(start)) == 0);
    CU_ASSERT_PTR_NULL(strstr(out, "User-Agent"));
    CU_ASSERT_PTR_NULL(strstr(out, "Accept: */*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\naccept: text/plain\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nX-N: 5\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nContent-Type: application/json\r\n"));
    CU_ASSERT_PTR_NULL(strstr(out, "99"));
    const char *tail = "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    CU_ASSERT(len > strlen(tail) && strcmp(out + len - strlen(tail), tail) == 0);
    free(out);
    json_object_put(h);
    /* a value or a name that would split the head is refused */
    const char *bad[] = {"{\"X\": \"a\\r\\nInjected: 1\"}", "{\"Bad Name\": \"v\"}",
                         "{\"X\": [1]}", NULL};
    for (size_t i = 0; bad[i]; i++) {
        struct json_object *b = json_tokener_parse(bad[i]);
        struct wsc_load_http_req r2 = {
            .method = "GET", .path = "/", .host = "h", .headers = b};
        CU_ASSERT_EQUAL(wsc_load_http_request_build(&r2, &out, &len, &why), -1);
        CU_ASSERT_PTR_NOT_NULL(why);
        CU_ASSERT_PTR_NOT_NULL(strstr(why ? why : "", "headers"));
        free(why);
        why = NULL;
        json_object_put(b);
    }
    /* the protocol's fixed lines win over the test's headers of that name */
    struct json_object *h2 =
        json_tokener_parse("{\"accept\": \"text/html\", \"X\": \"1\"}");
    const char *fixed[] = {"Accept: application/json, text/event-stream", NULL};
    struct wsc_load_http_req r4 = {
        .method = "GET", .path = "/", .host = "h", .headers = h2, .fixed = fixed};
    CU_ASSERT_EQUAL_FATAL(wsc_load_http_request_build(&r4, &out, &len, &why), 0);
    CU_ASSERT_PTR_NULL(strstr(out, "text/html"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "\r\nAccept: application/json, text/event-stream\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\nX: 1\r\n"));
    free(out);
    json_object_put(h2);
    struct wsc_load_http_req r3 = {
        .method = "GET", .path = "/a b\r\n", .host = "h", .keep_alive = 1};
    CU_ASSERT_EQUAL(wsc_load_http_request_build(&r3, &out, &len, &why), -1);
    free(why);
}

static void test_host(void)
{
    struct wsc_load_script sc = {.host = "::1", .port = "8080"};
    char *h = wsc_load_http_host(&sc);
    CU_ASSERT_STRING_EQUAL(h, "[::1]:8080");
    free(h);
    struct wsc_load_script tls = {
        .host = "127.0.0.1", .sni = "example.test", .port = "443", .tls = 1};
    h = wsc_load_http_host(&tls);
    CU_ASSERT_STRING_EQUAL(h, "example.test");
    free(h);
}

/* ---- MCP answers ----------------------------------------------------------------- */

static void test_mcp_answer(void)
{
    char *why = NULL;
    const char *json =
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":"
        "[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}}";
    struct json_object *a = mh_answer(json, strlen(json), 0, 2, 1024, &why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    int rpc_error = 1;
    struct json_object *o = mh_outputs(a, "tools/call", &rpc_error);
    CU_ASSERT_EQUAL(rpc_error, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(o, "text")),
                           "a\nb");
    CU_ASSERT_EQUAL(json_object_get_boolean(json_object_object_get(o, "isError")), 0);
    json_object_put(o);
    json_object_put(a);
    /* the wrong id is not the answer */
    CU_ASSERT_PTR_NULL(mh_answer(json, strlen(json), 0, 3, 1024, &why));
    CU_ASSERT_PTR_NOT_NULL(why);
    free(why);
    /* an event stream: a notification, then the response */
    const char *sse = ": hi\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
                      "\"notifications/progress\",\"params\":{}}\n\n"
                      "data: {\"jsonrpc\":\"2.0\",\"id\":1,\r\ndata: \"error\":{\"code\":"
                      "-32601,\"message\":\"no\"}}\r\n\r\n";
    a = mh_answer(sse, strlen(sse), 1, 1, 1024, &why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    o = mh_outputs(a, "tools/call", &rpc_error);
    CU_ASSERT_EQUAL(rpc_error, 1);
    struct mh_script d = {0};
    enum wsc_load_error kind;
    char *msg = NULL;
    CU_ASSERT_EQUAL(mh_check_answer(&d, "tools/call", o, rpc_error, &kind, &msg), -1);
    CU_ASSERT_EQUAL(kind, WSC_LOAD_ERR_STATUS);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg ? msg : "", "-32601"));
    free(msg);
    d.expect = json_tokener_parse("{\"error\": {\"code\": -32601}}");
    CU_ASSERT_EQUAL(mh_check_answer(&d, "tools/call", o, rpc_error, &kind, &msg), 0);
    json_object_put(d.expect);
    json_object_put(o);
    json_object_put(a);
    /* a stream that ends without the response, and one over the cap */
    const char *none = "data: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n";
    CU_ASSERT_PTR_NULL(mh_answer(none, strlen(none), 1, 1, 1024, &why));
    CU_ASSERT_PTR_NOT_NULL(strstr(why ? why : "", "ended without"));
    free(why);
    CU_ASSERT_PTR_NULL(mh_answer(sse, strlen(sse), 1, 1, 16, &why));
    CU_ASSERT_PTR_NOT_NULL(why);
    free(why);
}

static void test_mcp_expect(void)
{
    struct mh_script d = {.expect =
                              json_tokener_parse("{\"text\": {\"$contains\": \"ok\"}}")};
    const char *json = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"isError\":true,"
                       "\"content\":[{\"type\":\"text\",\"text\":\"not ok\"}]}}";
    char *why = NULL, *msg = NULL;
    struct json_object *a = mh_answer(json, strlen(json), 0, 2, 1024, &why);
    int rpc_error = 0;
    struct json_object *o = mh_outputs(a, "tools/call", &rpc_error);
    enum wsc_load_error kind;
    CU_ASSERT_EQUAL(mh_check_answer(&d, "tools/call", o, rpc_error, &kind, &msg), -1);
    CU_ASSERT_EQUAL(kind, WSC_LOAD_ERR_EXPECT);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg ? msg : "", "isError"));
    free(msg);
    json_object_put(d.expect);
    d.expect = json_tokener_parse("{\"isError\": true, \"text\": \"yes\"}");
    CU_ASSERT_EQUAL(mh_check_answer(&d, "tools/call", o, rpc_error, &kind, &msg), -1);
    CU_ASSERT_EQUAL(kind, WSC_LOAD_ERR_EXPECT);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg ? msg : "", "/text"));
    free(msg);
    json_object_put(d.expect);
    json_object_put(o);
    json_object_put(a);
}

static CU_TestInfo parse_tests[] = {
    {"Content-Length, every split", test_content_length},
    {"chunked, every split", test_chunked},
    {"read to close, no body, interim", test_until_close_and_no_body},
    {"headers and Connection", test_headers_and_connection},
    {"hostile responses", test_hostile},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo request_tests[] = {
    {"request bytes", test_request},
    {"Host value", test_host},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo mcp_tests[] = {
    {"answers in JSON and event streams", test_mcp_answer},
    {"default rules and expect", test_mcp_expect},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"load http response", NULL, NULL, NULL, NULL, parse_tests},
    {"load http request", NULL, NULL, NULL, NULL, request_tests},
    {"load mcp over http", NULL, NULL, NULL, NULL, mcp_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
