/* The growth rule for the structs plugins allocate (wscheck-plugin(7)): a
 * plugin built against a later release has larger structs; the library
 * reads and writes only the members it knows, refuses ones it does not
 * know when they are set, and zeroes them when it fills the struct. No
 * network is needed: every case ends before a connection is tried. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wscheck/http.h"
#include "wscheck/ws.h"

#define EXTRA 32 /* bytes a later release might add */

/* A struct as a later release's header might declare it. */
struct later_options {
    struct wsc_ws_options known;
    unsigned char added[EXTRA];
};
struct later_msg {
    struct wsc_ws_msg known;
    unsigned char added[EXTRA];
};
struct later_request {
    struct wsc_http_request known;
    unsigned char added[EXTRA];
};
struct later_response {
    struct wsc_http_response known;
    unsigned char added[EXTRA];
};

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_ws_options(void)
{
    struct later_options o;
    memset(&o, 0xa5, sizeof o);
    wsc_ws_options_init_sized(&o.known, sizeof o);
    CU_ASSERT_EQUAL(o.known.struct_size, sizeof o);
    CU_ASSERT_EQUAL(o.known.max_message_size, WSC_WS_DEFAULT_MAX_MESSAGE_SIZE);
    CU_ASSERT(all_zero(o.added, EXTRA));

    /* a member this build does not know is set: refused before connecting */
    o.known.url = strdup("ws://127.0.0.1:1/");
    o.added[3] = 1;
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o.known, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(wsc_ws_error(ws), "sets members this wscheck"));
    wsc_ws_free(ws);
    o.added[3] = 0;
    wsc_ws_options_free(&o.known);
    CU_ASSERT_EQUAL(o.known.struct_size, sizeof o);
    CU_ASSERT_PTR_NULL(o.known.url);

    /* parsed into the larger struct: the known members are filled */
    struct json_object *p = json_tokener_parse("{\"url\":\"ws://h/x\",\"origin\":\"o\"}");
    char *err = NULL;
    memset(&o, 0xa5, sizeof o);
    CU_ASSERT_EQUAL(wsc_ws_options_parse_sized(NULL, p, &o.known, sizeof o, &err), 0);
    CU_ASSERT_STRING_EQUAL(o.known.url, "ws://h/x");
    CU_ASSERT_STRING_EQUAL(o.known.origin, "o");
    CU_ASSERT(all_zero(o.added, EXTRA));
    wsc_ws_options_free(&o.known);
    json_object_put(p);

    /* never initialised (or an older layout): refused, not read */
    struct wsc_ws_options bare;
    memset(&bare, 0, sizeof bare);
    ws = wsc_ws_connect(NULL, &bare, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_EQUAL(wsc_ws_status(ws), WSC_WS_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(wsc_ws_error(ws), "not initialised"));
    wsc_ws_free(ws);
    CU_ASSERT_EQUAL(wsc_ws_options_add_header(&bare, "X", "y"), -1);
}

static void test_ws_msg_too_small(void)
{
    struct wsc_ws_options o;
    wsc_ws_options_init(&o);
    o.url = strdup("http://not-a-ws-url/");
    struct wsc_ws *ws = wsc_ws_connect(NULL, &o, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    struct wsc_ws_msg m;
    CU_ASSERT_EQUAL(wsc_ws_recv_sized(ws, &m, offsetof(struct wsc_ws_msg, at), 0, 0),
                    WSC_WS_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(wsc_ws_error(ws), "struct wsc_ws_msg of"));
    wsc_ws_free(ws);
    wsc_ws_options_free(&o);
}

static void test_http_request(void)
{
    struct later_request req;
    struct later_response resp;
    memset(&req, 0, sizeof req);
    memset(&resp, 0xa5, sizeof resp);
    char *err = NULL;

    /* a member this build does not know is set: refused */
    req.known.url = "http://127.0.0.1:1/";
    req.added[0] = 1;
    CU_ASSERT_EQUAL(wsc_http_request_sized(NULL, &req.known, sizeof req, &resp.known,
                                           sizeof resp, &err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "sets members this wscheck"));
    CU_ASSERT(all_zero((const unsigned char *)&resp, sizeof resp));
    free(err);

    /* unset: accepted (and then judged on what it says) */
    req.added[0] = 0;
    req.known.url = NULL;
    CU_ASSERT_EQUAL(wsc_http_request_sized(NULL, &req.known, sizeof req, &resp.known,
                                           sizeof resp, &err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(err, "no URL given");
    free(err);

    /* smaller than ABI 2's: refused */
    CU_ASSERT_EQUAL(wsc_http_request_sized(NULL, &req.known, sizeof req, &resp.known,
                                           offsetof(struct wsc_http_response, total_ms),
                                           &err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "struct wsc_http_response of"));
    free(err);

    /* params fill the known members of a larger struct */
    struct json_object *p =
        json_tokener_parse("{\"url\":\"http://h/\",\"insecure\":true}");
    wsc_http_request_from_params_sized(&req.known, sizeof req, p);
    CU_ASSERT_STRING_EQUAL(req.known.url, "http://h/");
    CU_ASSERT_EQUAL(req.known.tls.insecure, 1);
    CU_ASSERT(all_zero(req.added, EXTRA));
    json_object_put(p);
    wsc_http_response_free_sized(&resp.known, sizeof resp);
}

static CU_TestInfo growth_tests[] = {
    {"ws options: larger structs, unknown members refused", test_ws_options},
    {"ws messages: a struct too small is refused", test_ws_msg_too_small},
    {"http request and response: larger structs", test_http_request},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"growth", NULL, NULL, NULL, NULL, growth_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
