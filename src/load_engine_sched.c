/* When sessions start: the closed model (a number of VUs, each starting its
 * next session when one ends) and the open model (arrivals at a rate,
 * whatever the response times), both following the plan's stages. Times
 * are computed from the stages, never accumulated from sleeps: arrival k
 * of the open model happens when the integral of the rate reaches k. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load_engine_internal.h"

/* The target at t seconds into the run; *end set when the stages are over. */
static double target_at(const struct wsc_load_plan *p, double t, int *end)
{
    double t0 = 0, prev = 0;
    *end = 0;
    for (size_t i = 0; i < p->n_stages; i++) {
        const struct wsc_load_stage *st = &p->stages[i];
        if (st->duration > 0 && t < t0 + st->duration)
            return prev + (st->target - prev) * (t - t0) / st->duration;
        t0 += st->duration > 0 ? st->duration : 0;
        prev = st->target;
    }
    *end = 1;
    return prev;
}

static double total_duration(const struct wsc_load_plan *p)
{
    double d = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        d += p->stages[i].duration > 0 ? p->stages[i].duration : 0;
    return d;
}

/* Closed model: when does the rounded target next change after t? */
static double next_change(const struct wsc_load_plan *p, double t, unsigned now_vus)
{
    double t0 = 0, prev = 0;
    for (size_t i = 0; i < p->n_stages; i++) {
        const struct wsc_load_stage *st = &p->stages[i];
        double d = st->duration > 0 ? st->duration : 0;
        if (d > 0 && t < t0 + d) {
            double a = prev, b = st->target, level;
            if (b > a)
                level = (double)now_vus + 0.5;
            else if (b < a)
                level = (double)now_vus - 0.5;
            else
                return t0 + d;
            double when = t0 + (level - a) / (b - a) * d;
            /* Rounding may leave the target a hair short at `when`:
             * look again a millisecond later rather than at the stage's end. */
            if (when <= t)
                when = t + 0.001;
            return when < t0 + d ? when : t0 + d;
        }
        t0 += d;
        prev = st->target;
    }
    return 0;
}

/* Open model: the time of arrival k (the rate's integral reaches k), or
 * -1 when the stages end first. */
static double arrival_time(const struct wsc_load_plan *p, uint64_t k)
{
    double t0 = 0, prev = 0, count = 0, want = (double)k;
    for (size_t i = 0; i < p->n_stages; i++) {
        const struct wsc_load_stage *st = &p->stages[i];
        double d = st->duration > 0 ? st->duration : 0;
        double a = prev, b = st->target;
        double in_stage = (a + b) / 2 * d;
        if (d > 0 && count + in_stage > want) {
            /* Solve a x + (b - a) / (2 d) x^2 = want - count; this form
             * stays exact when the rate is constant (b == a). */
            double x = want - count, s = (b - a) / d;
            double disc = a * a + 2 * s * x, denom = a + sqrt(disc > 0 ? disc : 0);
            /* x == 0: the arrival opens the stage (0/0 on a ramp from 0). */
            return x <= 0 || denom <= 0 ? t0 : t0 + 2 * x / denom;
        }
        count += in_stage;
        t0 += d;
        prev = b;
    }
    return -1;
}

int load_sched_init(struct load_engine *e)
{
    const struct wsc_load_plan *p = e->plan;
    double max = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        if (p->stages[i].target > max)
            max = p->stages[i].target;
    if (p->model == WSC_LOAD_CLOSED)
        e->n_vus = max < 1 ? 1 : (unsigned)llround(max);
    else
        e->n_vus = p->max_vus ? p->max_vus : 1;
    if (e->n_vus > e->limit)
        e->n_vus = e->limit;
    e->vu_busy = calloc(e->n_vus, 1);
    e->ready = calloc(e->n_vus, sizeof(*e->ready));
    e->ready_spare = calloc(e->n_vus, sizeof(*e->ready_spare));
    e->total_duration = total_duration(p);
    e->next_arrival_at = p->model == WSC_LOAD_OPEN ? arrival_time(p, 0) : 0;
    return e->vu_busy && e->ready && e->ready_spare ? 0 : -1;
}

void load_sched_free(struct load_engine *e)
{
    free(e->vu_busy);
    free(e->ready);
    free(e->ready_spare);
    e->vu_busy = NULL;
    e->ready = e->ready_spare = NULL;
}

static int budget_left(const struct load_engine *e)
{
    return !e->plan->iterations || e->started < e->plan->iterations;
}

static void start(struct load_engine *e, unsigned vu, size_t script)
{
    e->vu_busy[vu] = 1;
    load_session_start(e, vu, script);
}

void load_sched_ended(struct load_engine *e, unsigned vu)
{
    if (vu >= e->n_vus || !e->vu_busy)
        return;
    e->vu_busy[vu] = 0;
    if (e->plan->model == WSC_LOAD_CLOSED && vu < e->desired)
        e->ready[e->n_ready++] = vu;
    if (vu < e->free_hint)
        e->free_hint = vu;
}

static double closed_run(struct load_engine *e, double t, int end)
{
    double target = target_at(e->plan, t, &end);
    unsigned rounded = (unsigned)llround(target), desired = rounded;
    e->target = target;
    if (desired > e->n_vus)
        desired = e->n_vus;
    if (end || e->winding_down) {
        e->desired = 0;
        e->n_ready = 0;
        return 0;
    }
    /* Ramping up: the VUs not running yet start; ramping down: VUs past
     * the target finish their session and stop (load_sched_ended). */
    for (unsigned vu = e->desired; vu < desired && budget_left(e); vu++)
        if (!e->vu_busy[vu])
            start(e, vu, vu % e->n_scripts);
    e->desired = desired;
    /* VUs whose session ended start their next one. Sessions that end
     * while these start are restarted on the next turn, not here: a
     * refused connection must not loop without returning to epoll. */
    unsigned *list = e->ready;
    size_t n = e->n_ready;
    e->ready = e->ready_spare;
    e->ready_spare = list;
    e->n_ready = 0;
    for (size_t i = 0; i < n && budget_left(e); i++) {
        unsigned vu = list[i];
        if (vu < e->desired && !e->vu_busy[vu])
            start(e, vu, vu % e->n_scripts);
    }
    return next_change(e->plan, t, rounded) + e->t0;
}

static unsigned free_slot(struct load_engine *e)
{
    for (unsigned i = e->free_hint; i < e->n_vus; i++)
        if (!e->vu_busy[i]) {
            e->free_hint = i + 1;
            return i;
        }
    return e->n_vus;
}

static double open_run(struct load_engine *e)
{
    while (!e->winding_down && e->next_arrival_at >= 0 && budget_left(e) &&
           e->t0 + e->next_arrival_at <= e->now) {
        unsigned slot = free_slot(e);
        size_t script = (size_t)(e->next_arrival % e->n_scripts);
        if (slot < e->n_vus)
            start(e, slot, script);
        else
            e->stats->dropped_arrivals++;
        e->next_arrival++;
        e->next_arrival_at = arrival_time(e->plan, e->next_arrival);
    }
    if (e->winding_down || e->next_arrival_at < 0 || !budget_left(e))
        return 0;
    return e->t0 + e->next_arrival_at;
}

double load_sched_run(struct load_engine *e)
{
    double t = e->now - e->t0;
    int end = 0;
    e->target = target_at(e->plan, t, &end);
    if (end)
        e->winding_down = 1;
    if (e->plan->model == WSC_LOAD_CLOSED)
        return closed_run(e, t, end);
    double next = open_run(e);
    if (e->next_arrival_at < 0 || !budget_left(e))
        e->winding_down = 1;
    return next;
}

int load_sched_finished(const struct load_engine *e)
{
    if (e->active || e->heap_len)
        return 0;
    if (e->winding_down)
        return 1;
    return e->plan->iterations && e->started >= e->plan->iterations &&
           e->ended == e->started;
}
