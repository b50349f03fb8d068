/* Unit tests of the stream engine (wscheck/stream.h): every rule passing
 * and failing with its exact message, fed with fixed times (no clock, no
 * network), the end-of-stream verdict and its metrics, the options and the
 * validate helper. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wscheck/stream.h>

#include "context.h"
#include <wscheck/schema.h>
#include "validation.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

#define T0 100.0

static struct json_object *parse(const char *text)
{
    struct json_object *v = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return v;
}

/* Options from params text; the test fails when they do not parse. */
static void options(struct wsc_stream_options *o, const char *params)
{
    struct json_object *p = parse(params);
    char *err = NULL;
    int rc = wsc_stream_options_parse(NULL, p, o, &err);
    report(rc == 0, __LINE__, "options parse: %s (%s)", params, err ? err : "");
    free(err);
    json_object_put(p);
}

/* A stream over params text, with ctx (may be NULL), starting at T0. */
static struct wsc_stream *stream(struct wsc_ctx *ctx, const char *params)
{
    struct wsc_stream_options o;
    options(&o, params);
    struct wsc_stream *s = wsc_stream_new(ctx, &o, T0);
    wsc_stream_options_free(&o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

static enum wsc_stream_verdict feed(struct wsc_stream *s, const char *json, double dt)
{
    struct json_object *v = parse(json);
    enum wsc_stream_verdict r = wsc_stream_feed(s, v, T0 + dt);
    json_object_put(v);
    return r;
}

#define EXPECT_ERROR(s, want)                                                           \
    do {                                                                                \
        const char *got_ = wsc_stream_error(s);                                         \
        report(strcmp(got_, (want)) == 0, __LINE__, "got: %s\nwant: %s", got_, (want)); \
    } while (0)

/* ---- Matchers ------------------------------------------------------------- */

static void test_terminal_pass(void)
{
    struct wsc_stream *s =
        stream(NULL, "{\"terminal\": {\"status\": \"done\"},"
                     " \"match\": {\"pct\": {\"$type\": \"integer\"}}}");
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"running\",\"pct\":10}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"running\",\"pct\":50}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"done\",\"pct\":100}", 0.3),
                    WSC_STREAM_TERMINAL);
    /* The verdict is sticky: later messages change nothing. */
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"bogus\"}", 0.4), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 3);
    CU_ASSERT_EQUAL(wsc_stream_received(s), 3);
    struct json_object *want = parse("{\"status\":\"done\",\"pct\":100}");
    CU_ASSERT(json_object_equal((struct json_object *)wsc_stream_last(s), want));
    json_object_put(want);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 0.5), WSC_STREAM_TERMINAL);
    EXPECT_ERROR(s, "");
    wsc_stream_free(s);
}

static void test_match_fails(void)
{
    struct wsc_stream *s = stream(NULL, "{\"match\": {\"type\": \"update\"}}");
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"update\"}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"x\"}", 0.4), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 2 at +0.4 s: /type: expected \"update\", got \"x\" (match)");
    /* Sticky, and the first failure is kept. */
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"y\"}", 0.5), WSC_STREAM_FAILED);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 2 at +0.4 s: /type: expected \"update\", got \"x\" (match)");
    wsc_stream_free(s);
}

static void test_first(void)
{
    /* The first counted message (ignored ones do not count) has its own
     * matcher; later messages need not match it. */
    struct wsc_stream *s = stream(NULL, "{\"first\": {\"type\": \"initial\"},"
                                        " \"ignore\": {\"type\": \"heartbeat\"}}");
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"heartbeat\"}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"initial\"}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"update\"}", 0.3), WSC_STREAM_MORE);
    wsc_stream_free(s);

    s = stream(NULL, "{\"first\": {\"type\": \"initial\"}}");
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"update\"}", 0.2), WSC_STREAM_FAILED);
    EXPECT_ERROR(
        s, "message 1 at +0.2 s: /type: expected \"initial\", got \"update\" (first)");
    wsc_stream_free(s);
}

static void test_ignore(void)
{
    /* Ignored messages are not counted and no rule applies to them, but
     * they have an index (as in the trace) and reset the gap. */
    struct wsc_stream *s =
        stream(NULL, "{\"ignore\": {\"type\": \"heartbeat\"}, \"match\": {\"v\": 1},"
                     " \"max_gap\": 1, \"terminal\": {\"v\": 1, \"end\": true}}");
    CU_ASSERT_EQUAL(feed(s, "{\"v\":1}", 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"heartbeat\"}", 1.4), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"type\":\"heartbeat\",\"end\":true}", 2.3),
                    WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 1);
    CU_ASSERT_EQUAL(wsc_stream_received(s), 3);
    CU_ASSERT_EQUAL(feed(s, "{\"v\":2}", 3.0), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 4 at +3.0 s: /v: expected 1, got 2 (match)");
    wsc_stream_free(s);
}

/* ---- Value rules ---------------------------------------------------------- */

static void test_ranges(void)
{
    struct wsc_stream *s =
        stream(NULL, "{\"ranges\": {\"/p\": [0, 100], \"/a/b\": [-1, 1]}}");
    CU_ASSERT_EQUAL(feed(s, "{\"p\":0,\"a\":{\"b\":-1}}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"p\":100.0}", 0.2),
                    WSC_STREAM_MORE); /* missing: not judged */
    CU_ASSERT_EQUAL(feed(s, "{\"p\":100.5}", 0.3), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 3 at +0.3 s: /p is 100.5, outside [0, 100] (ranges)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"ranges\": {\"/p\": [0, 100]}}");
    CU_ASSERT_EQUAL(feed(s, "{\"p\":\"50\"}", 0.1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 1 at +0.1 s: /p is \"50\", not a number (ranges)");
    wsc_stream_free(s);
}

static void test_allowed_fail(void)
{
    struct wsc_stream *s = stream(
        NULL,
        "{\"allowed\": {\"/status\": [\"running\", \"done\", {\"$regex\": \"^x-\"}]}}");
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"running\"}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"x-custom\"}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"other\":1}", 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"status\":\"bogus\"}", 0.4), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 4 at +0.4 s: /status is \"bogus\", not one of "
                    "[\"running\",\"done\",{\"$regex\":\"^x-\"}] (allowed)");
    wsc_stream_free(s);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_allowed_note(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_stream *s =
        stream(ctx, "{\"allowed\": {\"/s\": [\"a\"]}, \"unknown_values\": \"note\"}");
    CU_ASSERT_EQUAL(feed(s, "{\"s\":\"b\"}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"s\":\"b\"}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"s\":\"c\"}", 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_MORE);
    const char *log = ctx->log.data ? ctx->log.data : "";
    report(count_of(log, "/s is \"b\"") == 1, __LINE__, "noted once: %s", log);
    report(strstr(log, "message 1 at +0.1 s: /s is \"b\", not one of [\"a\"] "
                       "(allowed; noted)") != NULL,
           __LINE__, "note text: %s", log);
    report(strstr(log, "message 3 at +0.3 s: /s is \"c\"") != NULL, __LINE__, "c: %s",
           log);
    CU_ASSERT_EQUAL(wsc_failed(ctx), 0);
    wsc_stream_free(s);
    wsc_ctx_free(ctx);
}

static void test_non_decreasing(void)
{
    struct wsc_stream *s =
        stream(NULL, "{\"non_decreasing\": [\"/overall_progress\", \"/timestamp\"]}");
    CU_ASSERT_EQUAL(
        feed(s, "{\"overall_progress\":0,\"timestamp\":\"2025-01-01T10:00:00\"}", 0.1),
        WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"overall_progress\":0}", 0.2), WSC_STREAM_MORE);
    /* An empty timestamp means none; a fraction sorts after the whole second. */
    CU_ASSERT_EQUAL(feed(s, "{\"overall_progress\":60,\"timestamp\":\"\"}", 0.3),
                    WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s,
                         "{\"overall_progress\":60.5,\"timestamp\":"
                         "\"2025-01-01T10:00:00.5\"}",
                         0.4),
                    WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"overall_progress\":40}", 3.2), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 5 at +3.2 s: /overall_progress went from 60.5 to 40 "
                    "(non_decreasing)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"non_decreasing\": [\"/ts\"]}");
    CU_ASSERT_EQUAL(feed(s, "{\"ts\":\"2025-01-01T10:00:01\"}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"ts\":\"2025-01-01T10:00:01\"}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"ts\":\"2025-01-01T10:00:00.9\"}", 0.3),
                    WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 3 at +0.3 s: /ts went from \"2025-01-01T10:00:01\" to "
                    "\"2025-01-01T10:00:00.9\" (non_decreasing)");
    wsc_stream_free(s);
}

static void test_increasing(void)
{
    struct wsc_stream *s = stream(NULL, "{\"increasing\": [\"/seq\"]}");
    CU_ASSERT_EQUAL(feed(s, "{\"seq\":1}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"seq\":2}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"seq\":2}", 0.3), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 3 at +0.3 s: /seq went from 2 to 2 (increasing)");
    wsc_stream_free(s);
}

/* ---- Text, gaps, time ---------------------------------------------------- */

static void test_non_json(void)
{
    struct wsc_stream *s = stream(NULL, "{}");
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, " {\"a\":1}\n", 9, T0 + 0.1),
                    WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "hello\n", 6, T0 + 0.9), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "message 2 at +0.9 s: not JSON: \"hello\\n\" (non_json)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"non_json\": \"ignore\", \"min_messages\": 1}");
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "{\"a\":1} x", 9, T0 + 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 0);
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "[1]", 3, T0 + 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 1);
    /* JSON null and numbers are JSON, at the very end of the text too. */
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "null ", 5, T0 + 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "null", 4, T0 + 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "12.5", 4, T0 + 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 4);
    CU_ASSERT_EQUAL(wsc_stream_feed_text(s, "[1", 2, T0 + 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_count(s), 4);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_MORE);
    wsc_stream_free(s);
}

static void test_max_gap(void)
{
    struct wsc_stream *s = stream(NULL, "{\"max_gap\": 2}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{}", 1.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_tick(s, T0 + 3.0), WSC_STREAM_MORE);
    CU_ASSERT_DOUBLE_EQUAL(wsc_stream_next_due(s), T0 + 3.1, 1e-9);
    CU_ASSERT_EQUAL(wsc_stream_tick(s, T0 + 3.2), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "no message for 2.0 s after message 2 at +1.1 s (max_gap 2.0 s)");
    wsc_stream_free(s);

    /* A message that comes too late fails too; from the start as well. */
    s = stream(NULL, "{\"max_gap\": 0.5}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.7), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "no message for 0.5 s after the start (max_gap 0.5 s)");
    wsc_stream_free(s);

    /* The silence at the end counts at finish. */
    s = stream(NULL, "{\"max_gap\": 1}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1.5), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "no message for 1.0 s after message 1 at +0.2 s (max_gap 1.0 s)");
    wsc_stream_free(s);
}

static void test_keepalive_and_due(void)
{
    struct wsc_stream *s = stream(
        NULL, "{\"keepalive\": {\"every\": 20, \"message\": \"ping\"}, \"max_gap\": 30,"
              " \"duration\": 50}");
    CU_ASSERT_DOUBLE_EQUAL(wsc_stream_next_due(s), T0 + 20, 1e-9);
    CU_ASSERT_FALSE(wsc_stream_keepalive_due(s, T0 + 19.9));
    CU_ASSERT_TRUE(wsc_stream_keepalive_due(s, T0 + 20));
    wsc_stream_keepalive_sent(s, T0 + 20.5);
    CU_ASSERT_FALSE(wsc_stream_keepalive_due(s, T0 + 40));
    CU_ASSERT_TRUE(wsc_stream_keepalive_due(s, T0 + 40.5));
    CU_ASSERT_DOUBLE_EQUAL(wsc_stream_next_due(s), T0 + 30, 1e-9); /* the gap limit */
    CU_ASSERT_EQUAL(feed(s, "{}", 29), WSC_STREAM_MORE);
    CU_ASSERT_DOUBLE_EQUAL(wsc_stream_next_due(s), T0 + 40.5, 1e-9);
    wsc_stream_keepalive_sent(s, T0 + 45);
    CU_ASSERT_DOUBLE_EQUAL(wsc_stream_next_due(s), T0 + 50, 1e-9); /* duration */
    CU_ASSERT_FALSE(wsc_stream_duration_over(s, T0 + 49.9));
    CU_ASSERT_TRUE(wsc_stream_duration_over(s, T0 + 50));
    wsc_stream_free(s);

    s = stream(NULL, "{}");
    CU_ASSERT_EQUAL(wsc_stream_next_due(s), 0.0);
    CU_ASSERT_FALSE(wsc_stream_keepalive_due(s, T0 + 1000));
    CU_ASSERT_FALSE(wsc_stream_duration_over(s, T0 + 1000));
    wsc_stream_free(s);
}

/* ---- The end ----------------------------------------------------------------- */

static void test_require_terminal(void)
{
    struct wsc_stream *s = stream(NULL, "{\"terminal\": {\"done\": true}}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.4), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{}", 1.2), WSC_STREAM_MORE);
    wsc_stream_end_cause(s, 1, "the server closed the connection with %d", 1000);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 2), WSC_STREAM_FAILED);
    EXPECT_ERROR(s,
                 "the server closed the connection with 1000 after message 2 at +1.2 s, "
                 "before a terminal message (require_terminal)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"terminal\": {\"done\": true}}");
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 2), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "the stream ended before any message (require_terminal)");
    wsc_stream_free(s);

    /* require_terminal false: the deadline ends a stream that passes. */
    s = stream(NULL, "{\"terminal\": {\"done\": true}, \"require_terminal\": false}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.4), WSC_STREAM_MORE);
    wsc_stream_end_cause(s, 0, "the test's timeout of 5 s ran out");
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 5), WSC_STREAM_MORE);
    EXPECT_ERROR(s, "");
    wsc_stream_free(s);

    /* require_terminal without a terminal: any end fails. */
    s = stream(NULL, "{\"require_terminal\": true}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.4), WSC_STREAM_MORE);
    wsc_stream_end_cause(s, 0, "duration %.1f s ended", 3.0);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 3), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "duration 3.0 s ended after message 1 at +0.4 s, before a terminal "
                    "message (require_terminal)");
    wsc_stream_free(s);
}

static void test_closed_early(void)
{
    struct wsc_stream *s = stream(NULL, "{\"duration\": 10}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.4), WSC_STREAM_MORE);
    wsc_stream_end_cause(s, 1, "the connection failed: reset");
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s,
                 "the connection failed: reset after message 1 at +0.4 s, before the end "
                 "of duration 10.0 s (allow_close)");
    wsc_stream_free(s);

    s = stream(NULL, "{}");
    wsc_stream_end_cause(s, 1, "the server closed the connection");
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "the server closed the connection before any message (allow_close)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"allow_close\": true, \"duration\": 10}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.4), WSC_STREAM_MORE);
    wsc_stream_end_cause(s, 1, "the server closed the connection");
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_MORE);
    wsc_stream_free(s);
}

static void test_counts(void)
{
    struct wsc_stream *s = stream(NULL, "{\"min_messages\": 3, \"ignore\": {\"hb\": 1}}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"hb\":1}", 0.2), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{}", 0.3), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "2 messages, expected at least 3 (min_messages)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"min_rate\": 2}");
    for (int i = 1; i <= 7; i++)
        CU_ASSERT_EQUAL(feed(s, "{}", i * 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 4), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "7 messages: fewer than 2 per second over the stream (min_rate)");
    wsc_stream_free(s);

    s = stream(NULL, "{\"min_rate\": 2}");
    for (int i = 1; i <= 8; i++)
        CU_ASSERT_EQUAL(feed(s, "{}", i * 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 4), WSC_STREAM_MORE);
    wsc_stream_free(s);

    /* Counts are judged after a terminal message too. */
    s = stream(NULL, "{\"min_messages\": 2, \"terminal\": {}}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.1), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "1 message, expected at least 2 (min_messages)");
    wsc_stream_free(s);
}

static double metric(const struct wsc_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(ctx->metrics); i++) {
        struct json_object *m = json_object_array_get_idx(ctx->metrics, i), *n, *v;
        if (json_object_object_get_ex(m, "name", &n) &&
            strcmp(json_object_get_string(n), name) == 0 &&
            json_object_object_get_ex(m, "value", &v))
            return json_object_get_double(v);
    }
    return -1;
}

static void test_metrics(void)
{
    struct wsc_ctx *ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    struct wsc_stream *s =
        stream(ctx, "{\"terminal\": {\"end\": 1}, \"ignore\": {\"hb\": 1}}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.25), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"hb\":1}", 0.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{}", 1.5), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(feed(s, "{\"end\":1}", 1.75), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 2), WSC_STREAM_TERMINAL);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 3), WSC_STREAM_TERMINAL); /* once */
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "messages"), 3, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "ignored_messages"), 1, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "max_gap_ms"), 1000, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "gap_p50_ms"), 250, 250 * 0.01);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "gap_p99_ms"), 1000, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "time_to_terminal_ms"), 1750, 1e-6);
    CU_ASSERT_EQUAL(json_object_array_length(ctx->metrics), 6);
    CU_ASSERT_PTR_NOT_NULL(ctx->histograms);
    wsc_stream_free(s);
    wsc_ctx_free(ctx);

    /* No gap, no terminal: only the counts. */
    ctx = wsc_ctx_new(10, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    s = stream(ctx, "{}");
    CU_ASSERT_EQUAL(feed(s, "{}", 0.25), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_MORE);
    CU_ASSERT_EQUAL(json_object_array_length(ctx->metrics), 2);
    CU_ASSERT_DOUBLE_EQUAL(metric(ctx, "max_gap_ms"), -1, 1e-9);
    wsc_stream_free(s);
    wsc_ctx_free(ctx);
}

/* ---- Options ---------------------------------------------------------------- */

static void test_options_parse(void)
{
    struct wsc_stream_options o;
    options(&o,
            "{\"subscribe\": {\"op\": \"sub\"}, \"terminal\": {\"s\": \"done\"},"
            " \"first\": {\"s\": \"start\"},"
            " \"non_decreasing\": [\"/a\", \"/a~1b\"], \"increasing\": [\"\"],"
            " \"ranges\": {\"/p\": [0, 100]}, \"allowed\": {\"/s\": [\"x\"]},"
            " \"unknown_values\": \"note\", \"non_json\": \"ignore\", \"max_gap\": 2.5,"
            " \"min_messages\": 4, \"min_rate\": 0.5, \"duration\": 9,"
            " \"keepalive\": {\"every\": 20, \"message\": \"ping\"},"
            " \"allow_close\": true, \"url\": \"ignored\"}");
    CU_ASSERT_PTR_NOT_NULL(o.subscribe);
    CU_ASSERT_PTR_NOT_NULL(o.terminal);
    CU_ASSERT_PTR_NULL(o.match);
    CU_ASSERT_PTR_NOT_NULL(o.first);
    CU_ASSERT_EQUAL(o.require_terminal, -1);
    CU_ASSERT_EQUAL(o.n_non_decreasing, 2);
    CU_ASSERT_STRING_EQUAL(o.non_decreasing[1], "/a~1b");
    CU_ASSERT_EQUAL(o.n_increasing, 1);
    CU_ASSERT_EQUAL(o.n_ranges, 1);
    CU_ASSERT_DOUBLE_EQUAL(o.ranges[0].max, 100, 1e-9);
    CU_ASSERT_EQUAL(o.n_allowed, 1);
    CU_ASSERT_EQUAL(o.unknown_values, WSC_STREAM_UNKNOWN_NOTE);
    CU_ASSERT_EQUAL(o.non_json_ignore, 1);
    CU_ASSERT_DOUBLE_EQUAL(o.max_gap, 2.5, 1e-9);
    CU_ASSERT_EQUAL(o.min_messages, 4);
    CU_ASSERT_DOUBLE_EQUAL(o.min_rate, 0.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(o.duration, 9, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(o.keepalive_every, 20, 1e-9);
    CU_ASSERT_STRING_EQUAL(json_object_get_string(o.keepalive_message), "ping");
    CU_ASSERT_EQUAL(o.allow_close, 1);

    /* A check's defaults do not replace what the user wrote. */
    struct json_object *vals = parse("[\"y\"]");
    CU_ASSERT_EQUAL(wsc_stream_options_add_range(&o, "/p", 5, 6), 0);
    CU_ASSERT_EQUAL(wsc_stream_options_add_range(&o, "/q", 5, 6), 0);
    CU_ASSERT_EQUAL(wsc_stream_options_add_allowed(&o, "/s", vals), 0);
    CU_ASSERT_EQUAL(wsc_stream_options_add_non_decreasing(&o, "/a"), 0);
    CU_ASSERT_EQUAL(wsc_stream_options_add_non_decreasing(&o, "bad"), -1);
    CU_ASSERT_EQUAL(o.n_ranges, 2);
    CU_ASSERT_DOUBLE_EQUAL(o.ranges[0].max, 100, 1e-9);
    CU_ASSERT_EQUAL(o.n_allowed, 1);
    CU_ASSERT_EQUAL(o.n_non_decreasing, 2);
    json_object_put(vals);
    wsc_stream_options_free(&o);
    CU_ASSERT_EQUAL(o.n_ranges, 0);

    /* The resolved default of require_terminal. */
    options(&o, "{\"terminal\": {\"s\": \"done\"}}");
    struct wsc_stream *s = wsc_stream_new(NULL, &o, T0);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    wsc_stream_free(s);
    wsc_stream_options_free(&o);
}

static void parse_error(int line, const char *params, const char *want)
{
    struct json_object *p = parse(params);
    struct wsc_stream_options o;
    char *err = NULL;
    int rc = wsc_stream_options_parse(NULL, p, &o, &err);
    report(rc == -1 && err && strcmp(err, want) == 0, line, "%s: got %s, want %s", params,
           err ? err : "(none)", want);
    free(err);
    json_object_put(p);
}

static void test_options_errors(void)
{
    parse_error(__LINE__, "{\"non_decreasing\": [\"/a\", \"a\"]}",
                "non_decreasing/1: 'a' is not a JSON Pointer");
    parse_error(__LINE__, "{\"increasing\": \"/a\"}",
                "increasing: expected an array of JSON Pointers");
    parse_error(__LINE__, "{\"ranges\": {\"/p\": [5, 1]}}",
                "ranges /p: expected [min, max] with min <= max");
    parse_error(__LINE__, "{\"ranges\": {\"p\": [0, 1]}}",
                "ranges: 'p' is not a JSON Pointer");
    parse_error(__LINE__, "{\"ranges\": {\"/p\": {}}}",
                "ranges /p: expected [min, max] with min <= max");
    parse_error(__LINE__, "{\"allowed\": {\"/s\": []}}",
                "allowed /s: expected a non-empty array of values");
    parse_error(__LINE__, "{\"allowed\": {\"/s\": [{\"$nope\": 1}]}}",
                "allowed /s/0: /: unknown operator $nope");
    parse_error(__LINE__, "{\"match\": {\"a\": {\"$regex\": 5}}}",
                "match: /a: $regex needs a string, got 5");
    parse_error(__LINE__, "{\"unknown_values\": \"warn\"}",
                "unknown_values: expected \"fail\" or \"note\"");
    parse_error(__LINE__, "{\"max_gap\": -1}",
                "max_gap: expected a number of seconds >= 0");
    parse_error(__LINE__, "{\"min_messages\": 1.5}",
                "min_messages: expected an integer >= 0");
    parse_error(
        __LINE__, "{\"keepalive\": {\"every\": 0, \"message\": \"x\"}}",
        "keepalive: expected {\"every\": seconds > 0, \"message\": a string or JSON "
        "value}");
    parse_error(__LINE__, "{\"require_terminal\": 1}",
                "require_terminal: expected true or false");
}

static void test_schema(void)
{
    struct json_object *schema = json_tokener_parse(
        "{\"type\":\"object\",\"properties\":{" WSC_STREAM_OPTION_PROPS "}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
    char *err = wsc_schema_check(schema);
    report(err == NULL, __LINE__, "schema: %s", err ? err : "");
    free(err);
    struct json_object *p =
        parse("{\"allowed\": {\"/s\": [\"a\", {\"$regex\": \"^b\"}]},"
              " \"keepalive\": {\"every\": 20, \"message\": {\"type\": \"ping\"}},"
              " \"ranges\": {\"/p\": [0, 100]}, \"match\": {\"$type\": \"object\"}}");
    err = wsc_schema_validate(schema, p, 0, NULL);
    report(err == NULL, __LINE__, "valid params: %s", err ? err : "");
    free(err);
    json_object_put(p);
    p = parse("{\"ranges\": {\"/p\": [0]}}");
    err = wsc_schema_validate(schema, p, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    json_object_put(p);
    json_object_put(schema);
    static const struct wsc_metric_decl decls[] = {WSC_STREAM_METRIC_DECLS,
                                                   {NULL, NULL, NULL}};
    CU_ASSERT_STRING_EQUAL(decls[5].name, "time_to_terminal_ms");
}

static void collect(void *arg, const char *pointer, const char *msg)
{
    char *all = arg;
    size_t n = strlen(all);
    snprintf(all + n, 4096 - n, "%s|%s\n", pointer, msg);
}

static const char *validated(const char *params, double timeout)
{
    static char all[4096];
    struct json_object *p = parse(params);
    struct wsc_vars *vars = wsc_vars_new();
    struct wsc_validation v = {
        .timeout = timeout, .vars = vars, .report = collect, .arg = all};
    all[0] = '\0';
    wsc_stream_validate(&v, p);
    json_object_put(p);
    wsc_vars_free(vars);
    return all;
}

#define VALIDATED(params, timeout, want)                                                \
    do {                                                                                \
        const char *got_ = validated((params), (timeout));                              \
        report(strcmp(got_, (want)) == 0, __LINE__, "got:\n%swant:\n%s", got_, (want)); \
    } while (0)

static void test_validate(void)
{
    VALIDATED("{\"non_decreasing\": [\"/ok\", \"bad\", \"${ptr}\", \"/x~2\"],"
              " \"ranges\": {\"/p\": [100, 0], \"q\": [0, 1]},"
              " \"allowed\": {\"s\": [1]}, \"duration\": 30}",
              10,
              "/non_decreasing/1|'bad' is not a JSON Pointer (\"/a/b\")\n"
              "/non_decreasing/3|'/x~2' is not a JSON Pointer (\"/a/b\")\n"
              "/ranges/~1p|min 100 is above max 0\n"
              "/ranges/q|'q' is not a JSON Pointer (\"/a/b\")\n"
              "/allowed/s|'s' is not a JSON Pointer (\"/a/b\")\n"
              "/duration|30 s does not fit in the test's timeout of 10 s\n");
    VALIDATED("{\"duration\": \"${d}\", \"increasing\": [\"/t\"], \"max_gap\": 99}", 10,
              "");
    /* Wrong types are the schema's to report; validate must not trip on them. */
    VALIDATED("{\"ranges\": {\"/p\": {}, \"/q\": [1]}, \"allowed\": [1],"
              " \"non_decreasing\": {}, \"duration\": \"x\"}",
              10, "");
}

/* The growth rule: options from a later release's header (larger, with
 * unknown members zero) work; set unknown members, or a struct never
 * initialised, make a stream that fails at once, saying why. */
struct later_options {
    struct wsc_stream_options known;
    unsigned char added[32];
};

static void test_growth(void)
{
    struct later_options lo;
    struct json_object *p = parse("{\"min_messages\": 1}");
    char *err = NULL;
    CU_ASSERT_EQUAL(wsc_stream_options_parse_sized(NULL, p, &lo.known, sizeof lo, &err),
                    0);
    CU_ASSERT_EQUAL(lo.known.struct_size, sizeof lo);
    struct wsc_stream *s = wsc_stream_new(NULL, &lo.known, T0);
    CU_ASSERT_EQUAL(wsc_stream_finish(s, T0 + 1), WSC_STREAM_FAILED);
    EXPECT_ERROR(s, "0 messages, expected at least 1 (min_messages)");
    wsc_stream_free(s);
    lo.added[3] = 1;
    s = wsc_stream_new(NULL, &lo.known, T0);
    CU_ASSERT_EQUAL(wsc_stream_verdict(s), WSC_STREAM_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(wsc_stream_error(s), "does not know"));
    CU_ASSERT_EQUAL(feed(s, "{}", 0.1), WSC_STREAM_FAILED);
    wsc_stream_free(s);
    lo.added[3] = 0;
    wsc_stream_options_free(&lo.known);

    struct wsc_stream_options small;
    CU_ASSERT_EQUAL(wsc_stream_options_parse_sized(NULL, p, &small, 8, &err), -1);
    CU_ASSERT(err != NULL && strstr(err, "was not initialised") != NULL);
    free(err);
    json_object_put(p);
}

static CU_TestInfo matcher_tests[] = {
    {"progress to a terminal message", test_terminal_pass},
    {"match names the message, its time and the mismatch", test_match_fails},
    {"ignored messages are indexed, not counted", test_ignore},
    {"first: the first counted message", test_first},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo value_tests[] = {
    {"ranges", test_ranges},
    {"allowed values that fail", test_allowed_fail},
    {"unknown values noted once each", test_allowed_note},
    {"non_decreasing numbers and timestamps", test_non_decreasing},
    {"increasing allows no repeat", test_increasing},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo time_tests[] = {
    {"text that is not JSON", test_non_json},
    {"max_gap: after a message, from the start, at the end", test_max_gap},
    {"keep-alive and next due time", test_keepalive_and_due},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo end_tests[] = {
    {"require_terminal and the end's cause", test_require_terminal},
    {"a peer ending the stream early", test_closed_early},
    {"min_messages and min_rate", test_counts},
    {"metrics", test_metrics},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo option_tests[] = {
    {"parsing and a check's defaults", test_options_parse},
    {"parse errors", test_options_errors},
    {"the schema fragment and metric declarations", test_schema},
    {"the validate helper", test_validate},
    {"the growth rule", test_growth},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"matchers", NULL, NULL, NULL, NULL, matcher_tests},
    {"value rules", NULL, NULL, NULL, NULL, value_tests},
    {"text and time", NULL, NULL, NULL, NULL, time_tests},
    {"end of stream", NULL, NULL, NULL, NULL, end_tests},
    {"options", NULL, NULL, NULL, NULL, option_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
