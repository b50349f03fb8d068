/* historical: a historical metrics stream (crackerjack's
 * /ws/metrics/historical/{days} by default): chunks numbered 0..n-1 in
 * order, each saying the same total_chunks and holding at most
 * max_chunk_size records, then a completion whose total_records is the sum
 * of the records; and a {days} out of range refused with 403. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json.h>
#include <wscheck/json_pointer.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

struct hist {
    struct mon_feed f;
    const char *type_ptr, *broadcast_type, *chunk_type, *complete_type, *data_ptr,
        *index_ptr, *total_ptr, *records_ptr, *record_order;
    const struct json_object *metrics;
    int64_t max_chunk, min_records;
    /* state */
    int64_t chunks, total_chunks, records;
    struct json_object *complete, *last_order;
    size_t last_order_index;
};

/* The integer at ptr, or -1 after failing the message. */
static int64_t int_at(struct hist *h, struct json_object *msg, const char *ptr)
{
    struct json_object *v = NULL;
    char buf[WSC_RENDER_MAX + 8];
    if (wsc_json_pointer_find(msg, ptr, &v) == 1 &&
        json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0)
        return json_object_get_int64(v);
    if (!v)
        mon_feed_fail(&h->f, "%s is missing", ptr);
    else
        mon_feed_fail(&h->f, "%s is %s, not a count", ptr,
                      mon_render(buf, sizeof buf, v));
    return -1;
}

static int compare(const struct json_object *a, const struct json_object *b)
{
    if (json_object_is_type(a, json_type_string) &&
        json_object_is_type(b, json_type_string))
        return strcmp(json_object_get_string((struct json_object *)a),
                      json_object_get_string((struct json_object *)b));
    double x = json_object_get_double(a), y = json_object_get_double(b);
    return (x > y) - (x < y);
}

/* One record: its metrics, and record_order never going back. */
static int record(struct hist *h, struct json_object *rec, size_t i)
{
    char *problem = mon_metrics_problem(h->metrics, "", rec);
    if (problem) {
        mon_feed_fail(&h->f, "record %zu of chunk %lld: %s", i, (long long)h->chunks,
                      problem);
        free(problem);
        return -1;
    }
    if (!h->record_order)
        return 0;
    struct json_object *v = wsc_json_pointer_get(rec, h->record_order);
    if (!v)
        return 0;
    if (h->last_order && compare(h->last_order, v) > 0) {
        char a[WSC_RENDER_MAX + 8], b[WSC_RENDER_MAX + 8];
        mon_feed_fail(&h->f,
                      "record %zu of chunk %lld: %s went back from %s to %s "
                      "(record_order)",
                      i, (long long)h->chunks, h->record_order,
                      mon_render(a, sizeof a, h->last_order), mon_render(b, sizeof b, v));
        return -1;
    }
    json_object_put(h->last_order);
    h->last_order = json_object_get(v);
    return 0;
}

static int chunk(struct hist *h, struct json_object *msg)
{
    int64_t index = int_at(h, msg, h->index_ptr);
    int64_t total = index < 0 ? -1 : int_at(h, msg, h->total_ptr);
    if (total < 0)
        return -1;
    if (index != h->chunks) {
        mon_feed_fail(&h->f, "%s is %lld, expected %lld (a chunk %s)", h->index_ptr,
                      (long long)index, (long long)h->chunks,
                      index < h->chunks ? "repeated or out of order"
                                        : "missing or out of order");
        return -1;
    }
    if (h->chunks > 0 && total != h->total_chunks) {
        mon_feed_fail(&h->f, "%s is %lld, chunk 0 said %lld", h->total_ptr,
                      (long long)total, (long long)h->total_chunks);
        return -1;
    }
    if (index >= total) {
        mon_feed_fail(&h->f, "%s %lld is not below %s %lld", h->index_ptr,
                      (long long)index, h->total_ptr, (long long)total);
        return -1;
    }
    h->total_chunks = total;
    struct json_object *data = wsc_json_pointer_get(msg, h->data_ptr);
    if (!json_object_is_type(data, json_type_array)) {
        mon_feed_fail(&h->f, "%s is %s, not an array of records", h->data_ptr,
                      data ? wsc_json_type_name(data) : "missing");
        return -1;
    }
    size_t n = json_object_array_length(data);
    if ((int64_t)n > h->max_chunk) {
        mon_feed_fail(&h->f,
                      "chunk %lld holds %zu records, more than max_chunk_size %lld",
                      (long long)index, n, (long long)h->max_chunk);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (record(h, json_object_array_get_idx(data, i), i) != 0)
            return -1;
    h->records += (int64_t)n;
    h->chunks++;
    return 0;
}

static int completion(struct hist *h, struct json_object *msg)
{
    int64_t total = int_at(h, msg, h->records_ptr);
    if (total < 0)
        return -1;
    if (h->chunks != h->total_chunks)
        mon_feed_fail(&h->f, "%s after %lld of %lld chunks", h->complete_type,
                      (long long)h->chunks, (long long)h->total_chunks);
    else if (total != h->records)
        mon_feed_fail(&h->f, "%s is %lld, the chunks held %lld records", h->records_ptr,
                      (long long)total, (long long)h->records);
    else if (h->records < h->min_records)
        mon_feed_fail(&h->f, "%lld records, fewer than min_records %lld",
                      (long long)h->records, (long long)h->min_records);
    h->complete = json_object_get(msg);
    return h->f.error ? -1 : 1;
}

static int on_message(struct hist *h, struct json_object *msg)
{
    const char *type = mon_string_at(msg, h->type_ptr);
    if (type && h->broadcast_type[0] && strcmp(type, h->broadcast_type) == 0)
        return 0;
    if (type && strcmp(type, h->chunk_type) == 0)
        return chunk(h, msg);
    if (type && strcmp(type, h->complete_type) == 0)
        return completion(h, msg);
    char buf[WSC_RENDER_MAX + 8];
    mon_feed_fail(&h->f, "%s is %s, expected \"%s\" or \"%s\"", h->type_ptr,
                  mon_render(buf, sizeof buf, wsc_json_pointer_get(msg, h->type_ptr)),
                  h->chunk_type, h->complete_type);
    return -1;
}

static void follow(struct hist *h)
{
    for (;;) {
        struct json_object *msg = NULL;
        enum mon_event e = mon_feed_next(&h->f, 0, &msg);
        int done = e == MON_MESSAGE ? on_message(h, msg) : 0;
        json_object_put(msg);
        if (e == MON_END && !h->f.error) {
            char *end = mon_feed_end_text(&h->f, h->f.cause);
            mon_feed_fail_plain(&h->f, "%s, before %s (%lld chunks received)",
                                end ? end : "the stream ended", h->complete_type,
                                (long long)h->chunks);
            free(end);
        }
        if (e != MON_MESSAGE || done != 0)
            return;
    }
}

/* A {days} out of range must be refused with 403. */
static void invalid_days(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *bad = wsc_param(params, "invalid_days");
    const char *path = wsc_param_string(params, "url", NULL);
    path = path ? path : wsc_param_string(params, "path", "");
    if (!bad || !strstr(path, "{days}") || wsc_failed(ctx))
        return;
    const char *days = json_object_get_string(bad);
    char *url = mon_feed_url(params, days);
    struct json_object *copy = NULL;
    struct wsc_ws_options wo;
    char *err = NULL;
    if (!url || json_object_deep_copy(params, &copy, NULL) != 0 ||
        json_object_object_add(copy, "url", json_object_new_string(url)) != 0 ||
        wsc_ws_options_parse(ctx, copy, &wo, &err) != 0) {
        wsc_error(ctx, "%s", err ? err : "out of memory");
    } else {
        struct wsc_ws *ws = wsc_ws_connect(ctx, &wo, 0, WSC_WS_ALLOW_REJECT);
        long status = ws ? wsc_ws_http_status(ws) : 0;
        if (!ws)
            wsc_error(ctx, "out of memory");
        else if (wsc_ws_status(ws) != WSC_WS_REJECTED && wsc_ws_status(ws) != WSC_WS_OK)
            wsc_fail(ctx, "days %s (invalid_days): %s", days, wsc_ws_error(ws));
        else if (status != 403)
            wsc_fail(ctx,
                     "days %s (invalid_days): the upgrade was answered with %ld, "
                     "expected 403 (days must be an integer up to 365)",
                     days, status);
        if (ws && wsc_ws_status(ws) == WSC_WS_OK)
            wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 2.0));
        wsc_ws_free(ws);
        wsc_ws_options_free(&wo);
    }
    free(err);
    free(url);
    json_object_put(copy);
}

static void configure(struct json_object *params, struct hist *h)
{
    h->type_ptr = wsc_param_string(params, "type_pointer", "/type");
    h->broadcast_type = wsc_param_string(params, "broadcast_type", "metrics_update");
    h->chunk_type = wsc_param_string(params, "chunk_type", "historical_chunk");
    h->complete_type = wsc_param_string(params, "complete_type", "historical_complete");
    h->data_ptr = wsc_param_string(params, "data_pointer", "/data");
    h->index_ptr = wsc_param_string(params, "index_pointer", "/chunk_index");
    h->total_ptr = wsc_param_string(params, "total_pointer", "/total_chunks");
    h->records_ptr = wsc_param_string(params, "records_pointer", "/total_records");
    h->record_order = wsc_param_string(params, "record_order", NULL);
    h->metrics = wsc_param_array(params, "metrics");
    h->max_chunk = wsc_param_int(params, "max_chunk_size", 100);
    h->min_records = wsc_param_int(params, "min_records", 0);
}

static struct json_object *outputs_of(const struct hist *h)
{
    struct json_object *o = json_object_new_object();
    if (o) {
        json_object_object_add(o, "chunks", json_object_new_int64(h->chunks));
        json_object_object_add(o, "total_records", json_object_new_int64(h->records));
        if (h->complete)
            json_object_object_add(o, "complete", json_object_get(h->complete));
    }
    return o;
}

void mon_historical(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct hist h;
    memset(&h, 0, sizeof h);
    configure(params, &h);
    struct wsc_stream_options so;
    wsc_stream_options_init(&so);
    so.max_gap = wsc_param_number(params, "max_gap", 5);
    if (mon_feed_open(&h.f, ctx, params, &so, MON_HISTORICAL) == 0) {
        double start = h.f.start;
        follow(&h);
        int failed = mon_feed_finish(&h.f);
        wsc_metric(ctx, "chunks", (double)h.chunks, "count");
        wsc_metric(ctx, "records", (double)h.records, "count");
        if (h.complete)
            wsc_metric(ctx, "complete_ms", (h.f.t - start) * 1000.0, "ms");
        invalid_days(ctx, params);
        struct json_object *outputs = outputs_of(&h);
        if (!outputs)
            wsc_error(ctx, "out of memory");
        else
            mon_publish(ctx, failed || wsc_failed(ctx) ? NULL : expect, outputs);
    }
    mon_feed_free(&h.f);
    wsc_stream_options_free(&so);
    json_object_put(h.complete);
    json_object_put(h.last_order);
}
