/* libFuzzer harness: the stream engine (lib/stream*.c) on messages from a
 * server it does not trust, and on options as a scenario may write them.
 * The first byte picks one of the rule sets below and the step between
 * message times; the rest, split at newlines, is fed as text messages, then
 * the stream is ticked and finished. The whole input, when it is JSON, is
 * also parsed and validated as stream options. See tests/fuzz/README. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "validation.h"
#include "wscheck/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rule_sets[] = {
    "{\"match\": {\"type\": {\"$type\": \"string\"}}, \"ignore\": {\"type\": \"heartbeat\"},"
    " \"first\": {\"overall_progress\": {\"$lte\": 100}},"
    " \"terminal\": {\"current_stage\": {\"$in\": [\"completed\", \"failed\"]}},"
    " \"non_decreasing\": [\"/overall_progress\", \"/timestamp\"],"
    " \"increasing\": [\"/seq\"], \"ranges\": {\"/overall_progress\": [0, 100]},"
    " \"allowed\": {\"/status\": [\"running\", {\"$regex\": \"^x\"}]},"
    " \"max_gap\": 2, \"min_messages\": 2, \"min_rate\": 1}",
    "{\"allowed\": {\"/status\": [\"a\"], \"/a/0\": [1, 2]}, \"unknown_values\": \"note\","
    " \"non_json\": \"ignore\", \"non_decreasing\": [\"\", \"/~0/~1\"],"
    " \"require_terminal\": true, \"duration\": 5, \"allow_close\": true,"
    " \"keepalive\": {\"every\": 0.5, \"message\": \"ping\"}}",
};

static void report(void *arg, const char *pointer, const char *msg)
{
    (void)arg;
    (void)pointer;
    (void)msg;
}

/* The input as options written in a scenario. */
static void options(const char *bytes, size_t size)
{
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return;
    struct json_object *params = json_tokener_parse_ex(tok, bytes, (int)size);
    json_tokener_free(tok);
    if (!params)
        return;
    struct wsc_validation v = {.timeout = 10, .report = report};
    wsc_stream_validate(&v, params);
    struct wsc_stream_options o;
    char *err = NULL;
    if (wsc_stream_options_parse(NULL, params, &o, &err) == 0) {
        struct wsc_stream *s = wsc_stream_new(NULL, &o, 0);
        if (s) {
            wsc_stream_feed_text(s, bytes, size, 0.5);
            wsc_stream_finish(s, 1);
        }
        wsc_stream_free(s);
        wsc_stream_options_free(&o);
    }
    free(err);
    json_object_put(params);
}

static void stream(const uint8_t *data, size_t size)
{
    struct json_object *params = json_tokener_parse(rule_sets[data[0] % 2]);
    struct wsc_stream_options o;
    char *err = NULL;
    if (!params || wsc_stream_options_parse(NULL, params, &o, &err) != 0)
        abort(); /* the rule sets are valid */
    json_object_put(params);
    struct wsc_stream *s = wsc_stream_new(NULL, &o, 0);
    wsc_stream_options_free(&o);
    if (!s)
        return;
    double step = (data[0] >> 1) / 32.0, t = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (p < end && wsc_stream_verdict(s) == WSC_STREAM_MORE) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        t += step;
        wsc_stream_tick(s, t);
        if (wsc_stream_keepalive_due(s, t))
            wsc_stream_keepalive_sent(s, t);
        (void)wsc_stream_next_due(s);
        wsc_stream_feed_text(s, p, len, t);
        p += len + 1;
    }
    wsc_stream_end_cause(s, 1, "the connection was closed");
    wsc_stream_finish(s, t + step);
    (void)wsc_stream_error(s);
    (void)wsc_stream_last(s);
    wsc_stream_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1 << 20)
        return 0;
    options((const char *)data, size);
    stream(data, size);
    return 0;
}
