/* libFuzzer harness: what an MCP client reads from a server it does not
 * trust. Each input is fed to the SSE parser (lib/mcp_sse.c) whole and then
 * in pieces of every size the first byte picks, with a bounded event size
 * as the HTTP transport uses it; every event's data, and the input itself,
 * go through the JSON-RPC/MCP message rules (lib/mcp_rules.c), the
 * initialize-result rules and the session id rule. See tests/fuzz/README. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json_util.h"
#include "mcp_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Requests 1 and 2 are in flight, as in a session that sent two. */
static int pending(int64_t id, void *arg)
{
    (void)arg;
    return id == 1 || id == 2;
}

static void check(const char *text, size_t len)
{
    const char *why = NULL;
    struct json_object *msg = wsc_json_parse_report(text, len, &why);
    if (!msg)
        return;
    struct mcp_violation v;
    enum mcp_msg_kind kind;
    int64_t id = -1;
    memset(&v, 0, sizeof v);
    (void)mcp_check_message(msg, pending, NULL, &kind, &id, &v);
    struct json_object *result;
    if (json_object_object_get_ex(msg, "result", &result)) {
        memset(&v, 0, sizeof v);
        (void)mcp_check_initialize(result, &v);
    }
    json_object_put(msg);
}

static int on_event(void *arg, const char *event, const char *data, size_t len,
                    const char *id)
{
    (void)arg;
    (void)event;
    struct mcp_violation v;
    memset(&v, 0, sizeof v);
    if (id)
        (void)mcp_check_session_id(id, &v);
    check(data, len);
    return 0;
}

static void feed(const char *bytes, size_t size, size_t piece)
{
    struct mcp_sse p;
    mcp_sse_init(&p, 4096, on_event, NULL);
    for (size_t at = 0; at < size; at += piece) {
        size_t n = size - at < piece ? size - at : piece;
        if (mcp_sse_feed(&p, bytes + at, n) < 0)
            break;
    }
    mcp_sse_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    check(bytes, size); /* a WebSocket text frame or a JSON response body */
    feed(bytes, size, size ? size : 1);
    if (size > 1)
        feed(bytes + 1, size - 1, (size_t)(data[0] % 16) + 1);
    return 0;
}
