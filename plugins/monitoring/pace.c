/* Periodic messages (metrics updates, dashboard refreshes): each must come
 * within the interval the user set, give or take the tolerance; neither
 * stalls nor bursts. The intervals feed interval_p50_ms/interval_p99_ms. */
#include <wscheck/params.h>

#include "checks.h"

int mon_pace_init(struct mon_pace *p, struct wsc_ctx *ctx,
                  const struct json_object *params, const char *what)
{
    p->interval = wsc_param_number(params, "interval", 30);
    p->tolerance = wsc_param_number(params, "tolerance", p->interval / 2);
    p->what = what;
    p->last = 0;
    p->last_index = 0;
    p->h = wsc_hist_new();
    if (p->h)
        return 0;
    wsc_error(ctx, "out of memory");
    return -1;
}

void mon_pace_free(struct mon_pace *p)
{
    wsc_hist_free(p->h);
    p->h = NULL;
}

double mon_pace_due(const struct mon_pace *p)
{
    return p->last + p->interval + p->tolerance;
}

void mon_pace_restart(struct mon_pace *p, const struct mon_feed *f)
{
    p->last = f->t;
    p->last_index = f->index;
}

int mon_pace_message(struct mon_pace *p, struct mon_feed *f)
{
    double gap = f->t - p->last;
    wsc_hist_record(p->h, gap * 1000.0);
    size_t prev = p->last_index;
    mon_pace_restart(p, f);
    if (gap >= p->interval - p->tolerance)
        return 0;
    mon_feed_fail(f,
                  "this %s came %.2f s after message %zu, sooner than interval %g s - "
                  "tolerance %g s",
                  p->what, gap, prev, p->interval, p->tolerance);
    return -1;
}

void mon_pace_stalled(struct mon_pace *p, struct mon_feed *f)
{
    mon_feed_fail_plain(f,
                        "no %s for %g s after message %zu at +%.1f s: the stream "
                        "stalled (interval %g s, tolerance %g s)",
                        p->what, p->interval + p->tolerance, p->last_index,
                        p->last - f->start, p->interval, p->tolerance);
}
