/* Tests of the HTTP helper (lib/http.c) against the test HTTP server
 * tests/integration/peer_http.py, started on a free loopback port. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "context.h"
#include "wscheck/http.h"
#include "../../plugins/http/checks.h"

static struct wsc_test_peer server = WSC_TEST_PEER_INIT;
static char url[256];

static const char *U(const char *path)
{
    snprintf(url, sizeof(url), "%s%s", server.url, path);
    return url;
}

/* Starts the server; it prints "http://127.0.0.1:PORT" within 10 s. */
static int start_server(void)
{
    static const char *const schemes[] = {"http://", NULL};
    return wsc_test_peer_start(&server, wsc_test_python(), "peer_http.py", NULL, schemes,
                               10);
}

static int stop_server(void)
{
    wsc_test_peer_stop(&server);
    return 0;
}

/* One request without a context; returns wsc_http_request()'s result. */
static int get(struct wsc_http_request *req, struct wsc_http_response *resp, char **err)
{
    if (req->timeout <= 0)
        req->timeout = 10;
    return wsc_http_request(NULL, req, resp, err);
}

static const char *header(const struct wsc_http_response *r, const char *name)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(r->headers, name, &v) ? json_object_get_string(v)
                                                           : NULL;
}

static const char *member(struct json_object *o, const char *name)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : NULL;
}

/* ---- Responses ------------------------------------------------------------ */

static void test_get_json(void)
{
    struct wsc_http_request req = {.url = U("/json")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(header(&r, "content-type"), "application/json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.json);
    CU_ASSERT_STRING_EQUAL(member(r.json, "status"), "ok");
    CU_ASSERT_PTR_NULL(r.json_error);
    CU_ASSERT_EQUAL(r.body_len, strlen(r.body));
    CU_ASSERT(r.total_ms > 0);
    CU_ASSERT(r.ttfb_ms > 0 && r.ttfb_ms <= r.total_ms);
    CU_ASSERT(r.dns_ms >= 0 && r.connect_ms >= 0);
    CU_ASSERT_EQUAL(r.tls_ms, 0);
    CU_ASSERT_EQUAL(r.redirects, 0);
    CU_ASSERT_STRING_EQUAL(r.url, U("/json"));
    wsc_http_response_free(&r);
}

static void test_headers_lowercased_and_joined(void)
{
    struct wsc_http_request req = {.url = U("/headers")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_STRING_EQUAL(header(&r, "x-multi"), "one, two");
    CU_ASSERT_STRING_EQUAL(header(&r, "set-cookie"), "a=1, b=2");
    CU_ASSERT_STRING_EQUAL(header(&r, "x-single"), "Value With Case");
    CU_ASSERT_PTR_NULL(header(&r, "X-Single"));
    wsc_http_response_free(&r);
}

static void test_error_status_is_a_response(void)
{
    struct wsc_http_request req = {.url = U("/status/503")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.status, 503);
    CU_ASSERT_STRING_EQUAL(r.body, "status 503");
    CU_ASSERT_PTR_NULL(r.json);
    CU_ASSERT_PTR_NULL(r.json_error);
    wsc_http_response_free(&r);
}

static void test_bad_json_declared(void)
{
    struct wsc_http_request req = {.url = U("/badjson")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_PTR_NULL(r.json);
    CU_ASSERT_PTR_NOT_NULL(r.json_error);
    wsc_http_response_free(&r);
}

static void test_binary_body(void)
{
    struct wsc_http_request req = {.url = U("/binary")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL_FATAL(r.body_len, 9);
    CU_ASSERT(memcmp(r.body,
                     "ab\0c\xff\xfe"
                     "d\xc3\xa9",
                     9) == 0);
    struct json_object *t = wsc_http_body_text(r.body, r.body_len, 65536);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(t), "ab\xef\xbf\xbd"
                                                      "c\xef\xbf\xbd\xef\xbf\xbd"
                                                      "d\xc3\xa9");
    json_object_put(t);
    wsc_http_response_free(&r);
}

static void test_body_text_cut_on_boundary(void)
{
    struct json_object *t = wsc_http_body_text("a\xc3\xa9z", 4, 2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(t), "a");
    json_object_put(t);
    t = wsc_http_body_text("a\xc3\xa9z", 4, 3);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(t), "a\xc3\xa9");
    json_object_put(t);
    /* overlong and surrogate forms are not valid UTF-8 */
    t = wsc_http_body_text("\xc0\xaf\xed\xa0\x80", 5, 100);
    CU_ASSERT_EQUAL(strlen(json_object_get_string(t)), 5 * 3);
    json_object_put(t);
    t = wsc_http_body_text("", 0, 100);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(t), "");
    json_object_put(t);
}

static void test_head(void)
{
    struct wsc_http_request req = {.method = "HEAD", .url = U("/json")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_EQUAL(r.body_len, 0);
    CU_ASSERT_PTR_NOT_NULL(header(&r, "content-length"));
    wsc_http_response_free(&r);
}

/* ---- Requests -------------------------------------------------------------- */

static struct json_object *echo(struct wsc_http_request *req, struct wsc_http_response *r)
{
    char *err = NULL;
    if (get(req, r, &err) != 0) {
        fprintf(stderr, "# %s\n", err);
        free(err);
        return NULL;
    }
    return r->json;
}

static void test_post_json(void)
{
    struct json_object *body = json_tokener_parse("{\"a\":[1,\"x/y\"]}");
    struct wsc_http_request req = {.method = "POST", .url = U("/echo"), .json = body};
    struct wsc_http_response r;
    struct json_object *e = echo(&req, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(member(e, "method"), "POST");
    CU_ASSERT_STRING_EQUAL(member(e, "body"), "{\"a\":[1,\"x/y\"]}");
    struct json_object *h = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "headers", &h));
    CU_ASSERT_STRING_EQUAL(member(h, "content-type"), "application/json");
    CU_ASSERT(wsc_test_contains(member(h, "user-agent"), "wscheck/"));
    wsc_http_response_free(&r);
    json_object_put(body);
}

static void test_put_body_and_headers(void)
{
    struct json_object *hdrs = json_tokener_parse(
        "{\"X-Token\":\"abc\",\"X-Num\":42,\"Content-Type\":\"text/csv\",\"User-Agent\":null,"
        "\"X-Empty\":\"\"}");
    struct wsc_http_request req = {.method = "PUT",
                                   .url = U("/echo"),
                                   .headers = hdrs,
                                   .body = "a,b\n1,2\n",
                                   .body_len = 8};
    struct wsc_http_response r;
    struct json_object *e = echo(&req, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(member(e, "method"), "PUT");
    CU_ASSERT_STRING_EQUAL(member(e, "body"), "a,b\n1,2\n");
    struct json_object *h = NULL;
    CU_ASSERT_FATAL(json_object_object_get_ex(e, "headers", &h));
    CU_ASSERT_STRING_EQUAL(member(h, "x-token"), "abc");
    CU_ASSERT_STRING_EQUAL(member(h, "x-num"), "42");
    CU_ASSERT_STRING_EQUAL(member(h, "content-type"), "text/csv");
    CU_ASSERT_STRING_EQUAL(member(h, "x-empty"), "");
    CU_ASSERT_PTR_NULL(member(h, "user-agent"));
    wsc_http_response_free(&r);
    json_object_put(hdrs);
}

static void test_delete_without_body(void)
{
    struct wsc_http_request req = {.method = "DELETE", .url = U("/echo")};
    struct wsc_http_response r;
    struct json_object *e = echo(&req, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(member(e, "method"), "DELETE");
    CU_ASSERT_STRING_EQUAL(member(e, "body"), "");
    wsc_http_response_free(&r);
}

static void expect_error(struct wsc_http_request *req, const char *part)
{
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL(get(req, &r, &err), -1);
    CU_ASSERT_PTR_NULL(r.headers);
    CU_ASSERT_PTR_NULL(r.body);
    CU_ASSERT(wsc_test_contains(err, part));
    if (!wsc_test_contains(err, part))
        printf("# got \"%s\", expected a part \"%s\"\n", err ? err : "(null)", part);
    free(err);
}

static void test_bad_requests(void)
{
    struct json_object *inject = json_tokener_parse("{\"X-A\":\"1\\r\\nX-B: 2\"}");
    struct json_object *badname = json_tokener_parse("{\"X A\":\"1\"}");
    struct wsc_http_request r1 = {.url = U("/echo"), .headers = inject};
    expect_error(&r1, "header X-A: value contains a line break");
    struct wsc_http_request r2 = {.url = U("/echo"), .headers = badname};
    expect_error(&r2, "invalid header name 'X A'");
    struct wsc_http_request r3 = {.method = "get x", .url = U("/echo")};
    expect_error(&r3, "invalid method 'get x'");
    struct wsc_http_request r4 = {.url = "ftp://127.0.0.1/x"};
    expect_error(&r4, "only http:// and https:// URLs are supported");
    struct wsc_http_request r5 = {.url = ""};
    expect_error(&r5, "no URL given");
    struct wsc_http_request r6 = {.url = "http://[::1/x"};
    expect_error(&r6, "invalid URL");
    json_object_put(inject);
    json_object_put(badname);
}

/* ---- Redirects ------------------------------------------------------------- */

static void test_redirect_not_followed(void)
{
    struct wsc_http_request req = {.url = U("/redirect/3")};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.status, 302);
    CU_ASSERT_STRING_EQUAL(header(&r, "location"), "/redirect/2");
    wsc_http_response_free(&r);
}

static void test_redirect_followed(void)
{
    struct wsc_http_request req = {.url = U("/redirect/3"), .follow_redirects = 1};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "arrived");
    CU_ASSERT_EQUAL(r.redirects, 3);
    CU_ASSERT_STRING_EQUAL(r.url, U("/redirect/0"));
    CU_ASSERT_PTR_NULL(header(&r, "location"));
    wsc_http_response_free(&r);
}

static void test_redirect_loop(void)
{
    struct wsc_http_request req = {.url = U("/loop"), .follow_redirects = 1};
    expect_error(&req, "more than 10 redirects");
}

/* ---- Failures: connection, time, size ------------------------------------ */

static void test_connection_refused(void)
{
    int port = wsc_test_closed_port();
    CU_ASSERT_FATAL(port > 0);
    char where[64], want[128];
    snprintf(where, sizeof where, "http://127.0.0.1:%d/health", port);
    snprintf(want, sizeof want, "connect to 127.0.0.1:%d failed: Connection refused",
             port);
    struct wsc_http_request req = {.url = where};
    expect_error(&req, want);
}

static void test_slow_response_times_out(void)
{
    struct wsc_http_request req = {.url = U("/slow?s=5"), .timeout = 0.5};
    double t0 = wsc_now();
    expect_error(&req, "/slow?s=5: no response within 0.5 s");
    CU_ASSERT(wsc_now() - t0 < HANG_GUARD_S); /* returned, did not hang */
}

static void test_stalled_body_times_out(void)
{
    struct wsc_http_request req = {.url = U("/stall"), .timeout = 0.5};
    expect_error(&req, "/stall: response not complete within 0.5 s");
}

static void test_body_bound(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/big?n=%u", 4096u);
    struct wsc_http_request ok = {.url = U(path), .max_body = 4096};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&ok, &r, &err), 0);
    CU_ASSERT_EQUAL(r.body_len, 4096);
    wsc_http_response_free(&r);

    snprintf(path, sizeof(path), "/big?n=%u", 4097u);
    struct wsc_http_request big = {.url = U(path), .max_body = 4096};
    expect_error(&big, "response body larger than 4096 bytes");
    snprintf(path, sizeof(path), "/big?n=%u&chunked=1", 100000u);
    struct wsc_http_request chunked = {.url = U(path), .max_body = 4096};
    expect_error(&chunked, "response body larger than 4096 bytes");
}

static void test_default_bound_is_8_mib(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/big?n=%u&chunked=1", WSC_HTTP_MAX_BODY + 1);
    struct wsc_http_request req = {.url = U(path)};
    expect_error(&req, "response body larger than 8388608 bytes");
}

static void test_discard_body(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/big?n=%u&chunked=1", 3u * 1024 * 1024);
    struct wsc_http_request req = {.url = U(path), .max_body = 1024, .discard_body = 1};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(get(&req, &r, &err), 0);
    CU_ASSERT_EQUAL(r.body_len, 3u * 1024 * 1024);
    CU_ASSERT_STRING_EQUAL(r.body, "");
    wsc_http_response_free(&r);
}

/* ---- With a context: deadline, trace, secrets ---------------------------- */

/* A header block (kind "http") of that direction whose first line is
 * `first` and that holds the header line `header` (NULL: any). */
static int trace_has(const struct wsc_ctx *ctx, const char *dir, const char *first,
                     const char *header)
{
    size_t n = strlen(first);
    for (size_t i = 0; i < json_object_array_length(ctx->trace); i++) {
        struct json_object *e = json_object_array_get_idx(ctx->trace, i);
        const char *data = member(e, "data");
        if (strcmp(member(e, "dir"), dir) != 0 ||
            strcmp(member(e, "kind"), "http") != 0 || !data ||
            strncmp(data, first, n) != 0 || (data[n] && data[n] != '\r'))
            continue;
        if (!header)
            return 1;
        for (const char *p = strstr(data, "\r\n"); p; p = strstr(p + 2, "\r\n"))
            if (strncmp(p + 2, header, strlen(header)) == 0 &&
                (p[2 + strlen(header)] == '\0' || p[2 + strlen(header)] == '\r'))
                return 1;
    }
    return 0;
}

static int has_secret(const struct wsc_ctx *ctx, const char *s)
{
    return wsc_redactor_has_secret(ctx->redactor, s);
}

static void test_context_trace_and_secrets(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct json_object *hdrs = json_tokener_parse(
        "{\"Authorization\":\"Bearer s3cr3t-token\",\"Cookie\":\"sid=42abc\"}");
    struct wsc_http_request req = {
        .url = U("/redirect/1"), .headers = hdrs, .follow_redirects = 1};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_http_request(ctx, &req, &r, &err), 0);
    /* each request and answer whole: request or status line, every header,
     * the credential headers redacted where the trace stores them */
    CU_ASSERT(trace_has(ctx, "send", "GET /redirect/1 HTTP/1.1", "Cookie: ***"));
    CU_ASSERT(trace_has(ctx, "send", "GET /redirect/1 HTTP/1.1", "Authorization: ***"));
    const char *all = json_object_to_json_string(ctx->trace);
    CU_ASSERT_PTR_NULL(strstr(all, "42abc"));
    CU_ASSERT_PTR_NULL(strstr(all, "s3cr3t"));
    CU_ASSERT(trace_has(ctx, "recv", "HTTP/1.1 302 Found", "Location: /redirect/0"));
    CU_ASSERT(trace_has(ctx, "send", "GET /redirect/0 HTTP/1.1", NULL));
    CU_ASSERT(trace_has(ctx, "recv", "HTTP/1.1 200 OK", NULL));
    CU_ASSERT(has_secret(ctx, "Bearer s3cr3t-token"));
    CU_ASSERT(has_secret(ctx, "s3cr3t-token"));
    CU_ASSERT(has_secret(ctx, "sid=42abc"));
    wsc_http_response_free(&r);
    json_object_put(hdrs);
    wsc_ctx_free(ctx);
}

static void test_context_deadline(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(0.4, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_http_request req = {.url = U("/slow?s=5"), .timeout = 30};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_http_request(ctx, &req, &r, &err), -1);
    CU_ASSERT(wsc_test_contains(err, "no response within 0.4 s"));
    CU_ASSERT(wsc_now() - ctx->started < 3.0);
    free(err);
    /* the deadline has passed: the next request does not even start */
    CU_ASSERT_EQUAL(wsc_http_request(ctx, &req, &r, &err), -1);
    CU_ASSERT(wsc_test_contains(err, "no time left"));
    free(err);
    wsc_ctx_free(ctx);
}

static void test_url_password_is_secret(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    char u[128];
    snprintf(u, sizeof(u), "http://user:pa55word@%s/health",
             server.url + strlen("http://"));
    struct wsc_http_request req = {.url = u};
    struct wsc_http_response r;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_http_request(ctx, &req, &r, &err), 0);
    CU_ASSERT(has_secret(ctx, "pa55word"));
    wsc_http_response_free(&r);
    wsc_ctx_free(ctx);
}

static void test_request_from_params(void)
{
    struct json_object *p = json_tokener_parse(
        "{\"url\":\"https://h/x\",\"headers\":{\"A\":\"b\"},\"ca_file\":\"ca.pem\","
        "\"insecure\":true,\"client_cert\":\"c.pem\",\"client_key\":\"k.pem\",\"other\":1}");
    struct wsc_http_request req = {.method = "POST"};
    wsc_http_request_from_params(&req, p);
    CU_ASSERT_STRING_EQUAL(req.url, "https://h/x");
    CU_ASSERT_STRING_EQUAL(req.method, "POST");
    CU_ASSERT_PTR_NOT_NULL(req.headers);
    CU_ASSERT_STRING_EQUAL(req.tls.ca_file, "ca.pem");
    CU_ASSERT_EQUAL(req.tls.insecure, 1);
    CU_ASSERT_STRING_EQUAL(req.tls.client_cert, "c.pem");
    CU_ASSERT_STRING_EQUAL(req.tls.client_key, "k.pem");
    json_object_put(p);
}

static void test_schema_fragment_is_json(void)
{
    struct json_object *s = json_tokener_parse("{" WSC_HTTP_SCHEMA_PROPS "}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(json_object_object_length(s), 6);
    json_object_put(s);
}

static void test_tls_against_plain_server(void)
{
    /* https:// to a plain HTTP port fails the TLS handshake, quickly. */
    char u[128];
    snprintf(u, sizeof(u), "https://%s/health", server.url + strlen("http://"));
    struct wsc_http_request req = {.url = u, .timeout = 5};
    expect_error(&req, "TLS: ");
}

/* ---- The plugin's expectations (plugins/http/expect.c) -------------------- */

/* A response as the helper would return it. */
static void fake_response(struct wsc_http_response *r, long status, const char *headers,
                          const char *body)
{
    memset(r, 0, sizeof(*r));
    r->status = status;
    r->headers = json_tokener_parse(headers);
    r->body = strdup(body);
    r->body_len = strlen(body);
    r->json = json_tokener_parse(body);
    r->url = strdup("http://h/x");
}

/* Runs http_expect_response(); returns the failure message ("" if none). */
static char msg[1024];
static int run_expect(const char *expect, long status, const char *body,
                      enum http_status_rule rule)
{
    struct wsc_ctx *ctx = wsc_ctx_new(5, NULL, 0);
    struct json_object *e = expect ? json_tokener_parse(expect) : NULL;
    struct wsc_http_response r;
    fake_response(&r, status,
                  "{\"content-type\":\"application/json\",\"x-multi\":\"one, two\"}",
                  body);
    struct json_object *outputs = http_response_outputs(&r);
    int bad = http_expect_response(ctx, e, outputs, &r, rule);
    json_object_put(outputs);
    snprintf(msg, sizeof(msg), "%s", ctx->message.data ? ctx->message.data : "");
    wsc_http_response_free(&r);
    json_object_put(e);
    wsc_ctx_free(ctx);
    return bad;
}

static void test_expect_status(void)
{
    CU_ASSERT_EQUAL(run_expect("{\"status\":200}", 200, "{}", HTTP_STATUS_BELOW_400), 0);
    CU_ASSERT_EQUAL(run_expect("{\"status\":200}", 404, "{}", HTTP_STATUS_BELOW_400), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected 200, got 404");
    CU_ASSERT_EQUAL(
        run_expect("{\"status\":[200,204]}", 204, "{}", HTTP_STATUS_BELOW_400), 0);
    CU_ASSERT_EQUAL(
        run_expect("{\"status\":[200,204]}", 500, "{}", HTTP_STATUS_BELOW_400), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected one of [200,204], got 500");
    CU_ASSERT_EQUAL(run_expect("{\"status\":{\"$gte\":500}}", 503, "{}", HTTP_STATUS_2XX),
                    0);
    CU_ASSERT_EQUAL(run_expect("{\"status\":{\"$lt\":300}}", 503, "{}", HTTP_STATUS_2XX),
                    1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected < 300, got 503");
}

static void test_expect_default_rules(void)
{
    CU_ASSERT_EQUAL(run_expect(NULL, 302, "{}", HTTP_STATUS_BELOW_400), 0);
    CU_ASSERT_EQUAL(run_expect(NULL, 404, "{}", HTTP_STATUS_BELOW_400), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected < 400, got 404");
    CU_ASSERT_EQUAL(run_expect("{}", 204, "{}", HTTP_STATUS_2XX), 0);
    CU_ASSERT_EQUAL(run_expect("{\"json\":{}}", 302, "{}", HTTP_STATUS_2XX), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected < 300, got 302");
    CU_ASSERT_EQUAL(run_expect(NULL, 199, "{}", HTTP_STATUS_2XX), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/status: expected >= 200, got 199");
}

static void test_expect_json_headers_body(void)
{
    const char *body = "{\"status\":\"ok\",\"items\":[1,2]}";
    CU_ASSERT_EQUAL(
        run_expect("{\"json\":{\"status\":\"ok\"}}", 200, body, HTTP_STATUS_2XX), 0);
    CU_ASSERT_EQUAL(
        run_expect("{\"json\":{\"status\":\"down\"}}", 200, body, HTTP_STATUS_2XX), 1);
    CU_ASSERT_STRING_EQUAL(msg, "/json/status: expected \"down\", got \"ok\"");
    CU_ASSERT_EQUAL(run_expect("{\"headers\":{\"X-Multi\":{\"$contains\":\"two\"}}}", 200,
                               body, HTTP_STATUS_2XX),
                    0);
    CU_ASSERT_EQUAL(run_expect("{\"headers\":{\"X-Other\":{\"$exists\":true}}}", 200,
                               body, HTTP_STATUS_2XX),
                    1);
    CU_ASSERT_STRING_EQUAL(msg, "/headers/x-other: missing (expected to exist)");
    CU_ASSERT_EQUAL(
        run_expect("{\"body\":{\"$regex\":\"\\\"ok\\\"\"}}", 200, body, HTTP_STATUS_2XX),
        0);
    CU_ASSERT_EQUAL(
        run_expect("{\"body\":{\"$contains\":\"down\"}}", 200, body, HTTP_STATUS_2XX), 1);
    CU_ASSERT(wsc_test_contains(msg, "/body: expected to contain \"down\""));
    CU_ASSERT_EQUAL(run_expect("{\"url\":\"http://h/x\"}", 200, body, HTTP_STATUS_2XX),
                    0);
    /* every mismatch is reported, not only the first */
    CU_ASSERT_EQUAL(run_expect("{\"status\":201,\"json\":{\"items\":[1]}}", 200, body,
                               HTTP_STATUS_2XX),
                    2);
    CU_ASSERT(wsc_test_contains(msg, "/status: expected 201, got 200"));
    CU_ASSERT(wsc_test_contains(msg, "; /json/items: expected 1 element, got 2"));
}

static void test_expect_json_of_text(void)
{
    CU_ASSERT_EQUAL(
        run_expect("{\"json\":{\"a\":1}}", 200, "plain words", HTTP_STATUS_2XX), 1);
    CU_ASSERT_STRING_EQUAL(msg,
                           "/json: the body is not JSON (content-type: application/json, "
                           "11 bytes)");
    /* the other members are still matched */
    CU_ASSERT_EQUAL(run_expect("{\"json\":{\"a\":1},\"status\":201}", 200, "plain words",
                               HTTP_STATUS_2XX),
                    2);
    CU_ASSERT_STRING_EQUAL(msg,
                           "/status: expected 201, got 200; /json: the body is not JSON "
                           "(content-type: application/json, 11 bytes)");
}

static CU_TestInfo response_tests[] = {
    {"GET JSON: status, headers, parsed body, timings", test_get_json},
    {"headers lower-cased, repeats joined", test_headers_lowercased_and_joined},
    {"an error status is still a response", test_error_status_is_a_response},
    {"a body declared JSON that does not parse", test_bad_json_declared},
    {"binary body kept whole, text made safe", test_binary_body},
    {"body text cut on a character boundary", test_body_text_cut_on_boundary},
    {"HEAD reads no body", test_head},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo request_tests[] = {
    {"POST json sets Content-Type", test_post_json},
    {"PUT body with headers, null removes one", test_put_body_and_headers},
    {"DELETE without body", test_delete_without_body},
    {"bad headers, method and URLs are refused", test_bad_requests},
    {"params fill url, headers and TLS", test_request_from_params},
    {"the schema fragment is JSON", test_schema_fragment_is_json},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo redirect_tests[] = {
    {"not followed by default", test_redirect_not_followed},
    {"followed on request", test_redirect_followed},
    {"a loop ends with an error", test_redirect_loop},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo failure_tests[] = {
    {"connection refused", test_connection_refused},
    {"no response within the timeout", test_slow_response_times_out},
    {"body stalls past the timeout", test_stalled_body_times_out},
    {"body larger than max_body_size", test_body_bound},
    {"default bound is 8 MiB", test_default_bound_is_8_mib},
    {"discarded body is counted, not kept", test_discard_body},
    {"TLS handshake with a plain server fails", test_tls_against_plain_server},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo context_tests[] = {
    {"trace of request and answer header blocks, header secrets",
     test_context_trace_and_secrets},
    {"the context's deadline bounds the request", test_context_deadline},
    {"a password in the URL is a secret", test_url_password_is_secret},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo expect_tests[] = {
    {"status: number, list, matcher", test_expect_status},
    {"status defaults: below 400, 2xx", test_expect_default_rules},
    {"json, headers and body matchers", test_expect_json_headers_body},
    {"json expected of a text body", test_expect_json_of_text},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"http plugin expectations", NULL, NULL, NULL, NULL, expect_tests},
    {"http responses", start_server, NULL, NULL, NULL, response_tests},
    {"http requests", NULL, NULL, NULL, NULL, request_tests},
    {"http redirects", NULL, NULL, NULL, NULL, redirect_tests},
    {"http failures", NULL, NULL, NULL, NULL, failure_tests},
    {"http context", NULL, stop_server, NULL, NULL, context_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    return wsc_tap_run(suites);
}
