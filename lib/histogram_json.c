/* The JSON form of a histogram (see histogram_internal.h): what a check's
 * report carries to the runner and the JSON report keeps, so that the
 * histograms of several runs add up exactly. Buckets are listed sparsely,
 * [index, count], since a latency histogram fills a few dozen of its
 * thousands. */
#include "histogram_internal.h"

#include <math.h>
#include <string.h>

#include "json_util.h"

static int put_double(struct json_object *o, const char *key, double v)
{
    return wsc_json_put(o, key, json_object_new_double(isfinite(v) ? v : 0), 0);
}

static struct json_object *buckets_to_json(const struct wsc_histogram *h)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < BUCKETS; i++) {
        if (!h->counts[i])
            continue;
        struct json_object *pair = json_object_new_array_ext(2);
        if (!pair || json_object_array_add(pair, json_object_new_int64((int64_t)i)) ||
            json_object_array_add(pair, json_object_new_int64((int64_t)h->counts[i])) ||
            json_object_array_add(arr, pair)) {
            json_object_put(pair);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

struct json_object *wsc_hist_to_json(const struct wsc_histogram *h)
{
    struct json_object *o = json_object_new_object();
    if (!o || wsc_json_put(o, "layout", json_object_new_string(WSC_HIST_LAYOUT), 0) ||
        wsc_json_put(o, "count", json_object_new_int64((int64_t)h->count), 0) ||
        put_double(o, "min", wsc_hist_min(h)) || put_double(o, "max", wsc_hist_max(h)) ||
        put_double(o, "sum", h->sum + h->sum_error) ||
        wsc_json_put(o, "buckets", buckets_to_json(h), 0)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static int get_number(const struct json_object *j, const char *key, double *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(j, key, &v) ||
        !(json_object_is_type(v, json_type_double) ||
          json_object_is_type(v, json_type_int)))
        return -1;
    *out = json_object_get_double(v);
    return isfinite(*out) ? 0 : -1;
}

static int get_count(const struct json_object *v, uint64_t *out)
{
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return -1;
    *out = (uint64_t)json_object_get_int64(v);
    return 0;
}

/* The buckets must account for every value counted. */
static int read_buckets(struct wsc_histogram *h, const struct json_object *arr)
{
    uint64_t total = 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *pair = json_object_array_get_idx(arr, i);
        uint64_t index, count;
        if (!json_object_is_type(pair, json_type_array) ||
            json_object_array_length(pair) != 2 ||
            get_count(json_object_array_get_idx(pair, 0), &index) ||
            get_count(json_object_array_get_idx(pair, 1), &count) || index >= BUCKETS ||
            count > UINT64_MAX - total)
            return -1;
        h->counts[index] += count;
        total += count;
    }
    return total == h->count ? 0 : -1;
}

int wsc_hist_from_json(struct wsc_histogram *h, const struct json_object *j,
                       const char **why)
{
    struct json_object *layout, *count, *buckets;
    wsc_hist_reset(h);
    *why = "not a histogram (layout, count, min, max, sum, buckets)";
    if (!json_object_is_type(j, json_type_object) ||
        !json_object_object_get_ex(j, "layout", &layout) ||
        !json_object_is_type(layout, json_type_string))
        return -1;
    if (strcmp(json_object_get_string(layout), WSC_HIST_LAYOUT) != 0) {
        *why = "another bucket layout than this wscheck's (" WSC_HIST_LAYOUT ")";
        return -1;
    }
    if (!json_object_object_get_ex(j, "count", &count) || get_count(count, &h->count) ||
        get_number(j, "min", &h->min) || get_number(j, "max", &h->max) ||
        get_number(j, "sum", &h->sum) ||
        !json_object_object_get_ex(j, "buckets", &buckets) ||
        !json_object_is_type(buckets, json_type_array) || read_buckets(h, buckets) < 0) {
        wsc_hist_reset(h);
        return -1;
    }
    return 0;
}
