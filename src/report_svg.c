/* `wscheck report --html`: the inline SVG charts of a test, drawn from
 * the window's time buckets (at most REP_MAX_BUCKETS points, whatever the
 * number of results): the latency chart (p50 and p99 of the durations per
 * bucket) and the availability timeline (one coloured segment per bucket).
 * No xmlns attribute: inline SVG in HTML needs none, and the report holds
 * no URL at all. */
#include "report_svg.h"

#include <math.h>

#define W 720.0
#define H 180.0
#define LEFT 64.0
#define RIGHT 12.0
#define TOP 12.0
#define BOTTOM 28.0

/* The middle of the bucket's segment in the availability timeline below,
 * so that both line up. */
static double bucket_x(const struct rep_agg *a, size_t i)
{
    return LEFT + (W - LEFT - RIGHT) * ((double)i + 0.5) / (double)a->n_buckets;
}

static double value_y(double v, double top)
{
    return TOP + (H - TOP - BOTTOM) * (1 - v / top);
}

/* One polyline per run of buckets with values (a bucket without results
 * breaks the line), and a dot on each point when there are few of them or
 * the point stands alone. */
static void polyline(struct wsc_buf *b, const struct rep_agg *a, const double *p,
                     double top, const char *cls)
{
    size_t points = 0, n = a->n_buckets;
    for (size_t i = 0; i < n; i++)
        points += !isnan(p[i]);
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i]))
            continue;
        int alone = (i == 0 || isnan(p[i - 1])) && (i + 1 == n || isnan(p[i + 1]));
        if (alone || points <= 60)
            wsc_buf_printf(b,
                           "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n",
                           cls, bucket_x(a, i), value_y(p[i], top));
        if (i + 1 < n && !isnan(p[i + 1]) && (i == 0 || isnan(p[i - 1]))) {
            wsc_buf_printf(b, "<polyline class=\"%s\" points=\"", cls);
            for (size_t k = i; k < n && !isnan(p[k]); k++)
                wsc_buf_printf(b, "%s%.1f,%.1f", k == i ? "" : " ", bucket_x(a, k),
                               value_y(p[k], top));
            wsc_buf_puts(b, "\"/>\n");
        }
    }
}

static void axes(struct wsc_buf *b, const struct rep_agg *a, double top)
{
    char from[40], until[40];
    rep_format_time(from, sizeof from, a->first_bucket);
    rep_format_time(until, sizeof until,
                    a->first_bucket + (double)(a->n_buckets - 1) * a->bucket_s);
    wsc_buf_printf(
        b,
        "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n"
        "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n",
        LEFT, TOP, LEFT, H - BOTTOM, LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
    wsc_buf_printf(b,
                   "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.1f ms</text>\n"
                   "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n",
                   LEFT - 4, TOP + 8, top, LEFT - 4, H - BOTTOM);
    wsc_buf_printf(b,
                   "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n"
                   "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>\n",
                   LEFT, H - 8, from, W - RIGHT, H - 8, until);
}

void rep_svg_latency(struct wsc_buf *b, const struct rep_agg *a, struct rep_test *t)
{
    double *p50 = calloc(a->n_buckets, sizeof *p50),
           *p99 = calloc(a->n_buckets, sizeof *p99);
    double top = 0;
    if (!p50 || !p99) {
        b->failed = 1;
        free(p50);
        free(p99);
        return;
    }
    for (size_t i = 0; i < a->n_buckets; i++) {
        p50[i] = rep_percentile(&t->buckets[i].dur, 50);
        p99[i] = rep_percentile(&t->buckets[i].dur, 99);
        if (!isnan(p99[i]) && p99[i] > top)
            top = p99[i];
    }
    top = top > 0 ? top * 1.1 : 1;
    wsc_buf_printf(
        b,
        "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
        "height=\"%.0f\" role=\"img\"><title>Latency per %s: p50 and p99 of the "
        "durations</title>\n",
        W, H, W, H,
        a->bucket_s == 3600    ? "hour"
        : a->bucket_s == 86400 ? "day"
                               : "bucket");
    axes(b, a, top);
    /* p99 dashed over p50: visible where both are the same */
    polyline(b, a, p50, top, "p50");
    polyline(b, a, p99, top, "p99");
    wsc_buf_puts(b, "</svg>\n<p class=\"legend\"><span class=\"k50\">&#9632; p50</span> "
                    "<span class=\"k99\">&#9632; p99</span> duration per bucket</p>\n");
    free(p50);
    free(p99);
}

static const char *bucket_class(const struct rep_counts *c)
{
    size_t ran = rep_counts_total(c) - c->skipped;
    if (!ran)
        return rep_counts_total(c) ? "skip" : "none";
    if (c->passed == ran)
        return "up";
    return c->passed ? "part" : "down";
}

void rep_svg_availability(struct wsc_buf *b, const struct rep_agg *a,
                          const struct rep_test *t)
{
    double span = W - LEFT - RIGHT, w = span / (double)a->n_buckets;
    wsc_buf_printf(b,
                   "<svg class=\"timeline\" viewBox=\"0 0 %.0f 30\" width=\"%.0f\" "
                   "height=\"30\" role=\"img\"><title>Availability per bucket</title>\n"
                   "<text x=\"%.0f\" y=\"19\" text-anchor=\"end\">up</text>\n",
                   W, W, LEFT - 4);
    for (size_t i = 0; i < a->n_buckets; i++) {
        const struct rep_counts *c = &t->buckets[i].c;
        char start[40];
        rep_format_time(start, sizeof start, a->first_bucket + (double)i * a->bucket_s);
        wsc_buf_printf(
            b,
            "<rect class=\"%s\" x=\"%.2f\" y=\"4\" width=\"%.2f\" height=\"20\">"
            "<title>%s: %zu passed of %zu</title></rect>\n",
            bucket_class(c), LEFT + w * (double)i, w, start, c->passed,
            rep_counts_total(c));
    }
    wsc_buf_puts(b, "</svg>\n");
}
