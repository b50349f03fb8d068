/* The load engine's event loop and sessions (load.h): one epoll set, one
 * shared read buffer, one timer heap. Protocols see sessions through the
 * functions below and never touch a socket. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <wscheck/histogram.h>

#include "load_engine_internal.h"
#include "util.h"

#define READ_BUFFER (64u * 1024)
#define EVENTS 256
/* Bytes a frame header may add to a message a protocol keeps whole. */
#define HEADER_SLACK 64
/* Reads per readiness event: a fast peer cannot starve the others. */
#define READS_PER_EVENT 8

double load_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t load_random(struct load_engine *e)
{
    /* xorshift64*: WebSocket keys and masks need unpredictability against
     * caching proxies, not cryptographic strength; seeded from getrandom. */
    uint64_t x = e->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    e->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* ---- what load.h offers a protocol --------------------------------------- */

void *wsc_load_state(struct wsc_load_sess *s)
{
    return s + 1;
}

const struct wsc_load_script *wsc_load_script_of(struct wsc_load_sess *s)
{
    return s->sc;
}

struct wsc_load_test *wsc_load_test_of(struct wsc_load_sess *s)
{
    return s->test;
}

double wsc_load_now(struct wsc_load_sess *s)
{
    return s->eng->now;
}

size_t wsc_load_max_message(struct wsc_load_sess *s)
{
    return s->eng->plan->max_message;
}

uint64_t wsc_load_random(struct wsc_load_sess *s)
{
    return load_random(s->eng);
}

void wsc_load_timer(struct wsc_load_sess *s, double at)
{
    if (s->phase == PH_DONE)
        return;
    s->timer = at;
    load_heap_update(s->eng, s);
}

int load_epoll_set(struct wsc_load_sess *s, int want_out)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0u),
                             .data.ptr = s};
    if (epoll_ctl(s->eng->epfd, EPOLL_CTL_MOD, s->fd, &ev) != 0)
        return -1;
    s->polling_out = want_out != 0;
    return 0;
}

/* Writes what the socket takes now: bytes taken, or -1 (s failed). */
static long raw_write(struct wsc_load_sess *s, const void *p, size_t n)
{
    if (s->tls)
        return load_tls_write(s, p, n);
    ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w >= 0)
        return (long)w;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    load_session_error(s, WSC_LOAD_ERR_CLOSED, "writing: %s", strerror(errno));
    return -1;
}

static int queue_out(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    unsigned char *o = realloc(s->out, s->out_len + n);
    if (!o) {
        s->eng->out_of_memory = 1;
        load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "out of memory queueing %zu bytes",
                           n);
        return -1;
    }
    memcpy(o + s->out_len, p, n);
    s->out = o;
    s->out_len += n;
    if (!s->polling_out && load_epoll_set(s, 1) != 0) {
        load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "epoll: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int wsc_load_write(struct wsc_load_sess *s, const void *p, size_t n)
{
    if (s->phase != PH_OPEN)
        return s->phase == PH_DONE ? -1 : queue_out(s, p, n);
    if (s->out_len)
        return queue_out(s, p, n);
    long w = raw_write(s, p, n);
    if (w < 0)
        return -1;
    if ((size_t)w == n)
        return 0;
    return queue_out(s, (const unsigned char *)p + w, n - (size_t)w);
}

/* The socket is writable: sends the queue. */
static void flush_out(struct wsc_load_sess *s)
{
    if (!s->out_len) {
        if (load_epoll_set(s, 0) != 0)
            load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "epoll: %s", strerror(errno));
        return;
    }
    long w = raw_write(s, s->out, s->out_len);
    if (w <= 0)
        return;
    s->out_len -= (size_t)w;
    if (s->out_len) {
        memmove(s->out, s->out + w, s->out_len);
        return;
    }
    free(s->out);
    s->out = NULL;
    if (load_epoll_set(s, 0) != 0)
        load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "epoll: %s", strerror(errno));
}

/* ---- set-up slots (plan->max_connecting) ------------------------------------ */

/* The deadline, in seconds from now, of a closed-model session waiting for
 * a set-up slot: in effect none; it gets its own when it connects. */
#define NO_DEADLINE 1e9

static void wait_unlink(struct load_engine *e, struct wsc_load_sess *s)
{
    if (s->wait_prev)
        s->wait_prev->wait_next = s->wait_next;
    else
        e->wait_head = s->wait_next;
    if (s->wait_next)
        s->wait_next->wait_prev = s->wait_prev;
    else
        e->wait_tail = s->wait_prev;
    s->wait_prev = s->wait_next = NULL;
}

static void wait_append(struct load_engine *e, struct wsc_load_sess *s)
{
    s->phase = PH_WAITING;
    s->wait_prev = e->wait_tail;
    if (e->wait_tail)
        e->wait_tail->wait_next = s;
    else
        e->wait_head = s;
    e->wait_tail = s;
}

static int slot_free(const struct load_engine *e)
{
    return !e->plan->max_connecting || e->connecting < e->plan->max_connecting;
}

/* Takes a set-up slot and starts connect(). */
static void connect_begin(struct load_engine *e, struct wsc_load_sess *s)
{
    /* The closed model's VU was only waiting to begin: its session's
     * clock starts now. The open model's arrival keeps the time it was
     * due, so waiting counts in its figures and its timeout. */
    if (s->phase == PH_WAITING && e->plan->model == WSC_LOAD_CLOSED) {
        s->started = e->now;
        s->deadline = e->now + (s->sc->timeout > 0 ? s->sc->timeout : e->plan->timeout);
    }
    s->phase = PH_CONNECTING;
    s->setting_up = 1;
    if (++e->connecting > e->stats->peak_connecting)
        e->stats->peak_connecting = e->connecting;
    load_heap_update(e, s);
    if (load_connect(s) != 0)
        return;
    if (e->active > e->stats->peak_connections)
        e->stats->peak_connections = e->active;
}

/* Starts waiting sessions while slots are free. A session failing at
 * once frees its slot from inside this loop: the flag keeps that from
 * recursing, and the loop takes the next one. */
static void admit_waiting(struct load_engine *e)
{
    if (e->admitting)
        return;
    e->admitting = 1;
    while (e->wait_head && slot_free(e)) {
        struct wsc_load_sess *s = e->wait_head;
        wait_unlink(e, s);
        connect_begin(e, s);
    }
    e->admitting = 0;
}

/* The server answered (its first bytes, or TLS done): the connection
 * left its accept queue, the slot goes to the next session. */
static void setup_done(struct wsc_load_sess *s)
{
    if (!s->setting_up)
        return;
    s->setting_up = 0;
    s->eng->connecting--;
    admit_waiting(s->eng);
}

static void session_close(struct wsc_load_sess *s)
{
    struct load_engine *e = s->eng;
    load_heap_remove(e, s);
    if (s->phase == PH_WAITING)
        wait_unlink(e, s);
    if (s->sc->proto->release && s->phase == PH_OPEN)
        s->sc->proto->release(s);
    load_tls_free(s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
        e->active--;
    }
    free(s->in);
    free(s->out);
    s->in = s->out = NULL;
    s->in_len = s->out_len = 0;
    s->phase = PH_DONE;
    s->next_dead = e->dead;
    e->dead = s;
    e->ended++;
    load_sched_ended(e, s->vu);
    setup_done(s);
}

void wsc_load_end(struct wsc_load_sess *s, const enum wsc_load_error *error,
                  const char *message)
{
    if (s->phase == PH_DONE)
        return;
    struct wsc_load_test *t = s->test;
    if (error) {
        t->sessions_failed++;
        t->errors[*error < WSC_LOAD_N_ERRORS ? *error : WSC_LOAD_ERR_PROTOCOL]++;
        wsc_load_first_error(t, message);
    } else {
        t->sessions_ok++;
        struct wsc_histogram *h = wsc_load_hist(t, "session_ms");
        if (h)
            wsc_hist_record(h, (s->eng->now - s->begun) * 1000.0);
    }
    session_close(s);
}

static void vfail(struct wsc_load_sess *s, enum wsc_load_error e, const char *fmt,
                  va_list ap) WSC_PRINTF(3, 0);

static void vfail(struct wsc_load_sess *s, enum wsc_load_error e, const char *fmt,
                  va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    wsc_load_end(s, &e, msg);
}

void wsc_load_fail(struct wsc_load_sess *s, enum wsc_load_error e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(s, e, fmt, ap);
    va_end(ap);
}

void load_session_error(struct wsc_load_sess *s, enum wsc_load_error kind,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(s, kind, fmt, ap);
    va_end(ap);
}

/* ---- sessions ------------------------------------------------------------- */

void load_session_start(struct load_engine *e, unsigned vu, size_t script)
{
    struct wsc_load_script *sc = e->scripts[script];
    struct wsc_load_sess *s = calloc(1, sizeof(*s) + sc->proto->state_size);
    struct wsc_load_test *t = &e->stats->tests[sc->test];
    e->started++;
    t->sessions++;
    if (!s) {
        e->out_of_memory = 1;
        e->ended++;
        t->sessions_failed++;
        t->errors[WSC_LOAD_ERR_PROTOCOL]++;
        wsc_load_first_error(t, "out of memory starting a session");
        load_sched_ended(e, vu);
        return;
    }
    s->eng = e;
    s->sc = sc;
    s->test = t;
    s->vu = vu;
    s->fd = -1;
    s->heap_i = SIZE_MAX;
    s->started = e->now;
    s->deadline = e->now + (sc->timeout > 0 ? sc->timeout : e->plan->timeout);
    if (slot_free(e)) {
        connect_begin(e, s);
        return;
    }
    wait_append(e, s);
    if (e->plan->model == WSC_LOAD_CLOSED)
        s->deadline = e->now + NO_DEADLINE;
    load_heap_update(e, s);
}

void load_session_open(struct wsc_load_sess *s)
{
    struct wsc_histogram *h = wsc_load_hist(s->test, "connect_ms");
    if (h)
        wsc_hist_record(h, (s->eng->now - s->started) * 1000.0);
    if (s->tls)
        setup_done(s);
    s->phase = PH_OPEN;
    s->begun = s->eng->now;
    s->sc->proto->begin(s);
    if (s->phase == PH_OPEN && s->out_len && !s->polling_out)
        flush_out(s);
}

/* Offers bytes to the protocol until it takes no more; keeps the rest. */
static void offer(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    const struct wsc_load_proto *pr = s->sc->proto;
    size_t off = 0;
    while (off < n && s->phase == PH_OPEN) {
        size_t used = pr->input(s, p + off, n - off);
        if (used == 0 || s->phase != PH_OPEN)
            break;
        off += used < n - off ? used : n - off;
    }
    if (s->phase != PH_OPEN || off == n) {
        if (s->phase == PH_OPEN && s->in) {
            free(s->in);
            s->in = NULL;
            s->in_len = 0;
        }
        return;
    }
    size_t rest = n - off;
    if (rest > s->eng->plan->max_message + HEADER_SLACK) {
        load_session_error(s, WSC_LOAD_ERR_TOO_BIG, "a message over %zu bytes",
                           s->eng->plan->max_message);
        return;
    }
    /* p may point into s->in itself: copy before freeing. */
    unsigned char *keep = malloc(rest);
    if (!keep) {
        s->eng->out_of_memory = 1;
        load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "out of memory keeping %zu bytes",
                           rest);
        return;
    }
    memcpy(keep, p + off, rest);
    free(s->in);
    s->in = keep;
    s->in_len = rest;
}

static void deliver(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    if (!s->in_len) {
        offer(s, p, n);
        return;
    }
    unsigned char *all = realloc(s->in, s->in_len + n);
    if (!all) {
        s->eng->out_of_memory = 1;
        load_session_error(s, WSC_LOAD_ERR_PROTOCOL, "out of memory reading");
        return;
    }
    memcpy(all + s->in_len, p, n);
    s->in = all;
    size_t total = s->in_len + n;
    s->in_len = total;
    offer(s, all, total);
}

static void peer_closed(struct wsc_load_sess *s)
{
    if (s->sc->proto->closed)
        s->sc->proto->closed(s);
    if (s->phase != PH_DONE)
        load_session_error(s, WSC_LOAD_ERR_CLOSED, "the peer closed the connection");
}

static void on_readable(struct wsc_load_sess *s)
{
    struct load_engine *e = s->eng;
    for (int i = 0; i < READS_PER_EVENT && s->phase == PH_OPEN; i++) {
        long r;
        int closed = 0;
        if (s->tls) {
            r = load_tls_read(s, e->buf, e->buf_size, &closed);
            if (r < 0 && !closed)
                return;
        } else {
            ssize_t got = recv(s->fd, e->buf, e->buf_size, MSG_DONTWAIT);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            if (got < 0 && errno != ECONNRESET) {
                load_session_error(s, WSC_LOAD_ERR_CLOSED, "reading: %s",
                                   strerror(errno));
                return;
            }
            closed = got <= 0;
            r = got;
        }
        if (closed) {
            peer_closed(s);
            return;
        }
        if (r == 0)
            return;
        setup_done(s);
        deliver(s, e->buf, (size_t)r);
        if ((size_t)r < e->buf_size && !s->tls)
            return;
    }
}

static void on_event(struct wsc_load_sess *s, uint32_t events)
{
    if (s->phase == PH_DONE)
        return;
    if (s->phase == PH_CONNECTING) {
        load_connect_done(s);
        return;
    }
    if (s->phase == PH_TLS) {
        load_tls_step(s);
        return;
    }
    if (events & EPOLLOUT)
        flush_out(s);
    if (s->phase == PH_OPEN && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        on_readable(s);
}

static void fire_timers(struct load_engine *e)
{
    struct wsc_load_sess *s;
    while ((s = load_heap_top(e)) && s->at <= e->now) {
        if (s->deadline <= e->now) {
            double limit = s->sc->timeout > 0 ? s->sc->timeout : e->plan->timeout;
            if (s->phase == PH_WAITING)
                load_session_error(s, WSC_LOAD_ERR_TIMEOUT,
                                   "waited over %g s for its turn to connect "
                                   "(--max-connecting %u)",
                                   limit, e->plan->max_connecting);
            else
                load_session_error(s, WSC_LOAD_ERR_TIMEOUT, "the session took over %g s",
                                   limit);
            continue;
        }
        s->timer = 0;
        load_heap_update(e, s);
        if (s->phase == PH_OPEN && s->sc->proto->timer)
            s->sc->proto->timer(s);
    }
}

static void free_dead(struct load_engine *e)
{
    while (e->dead) {
        struct wsc_load_sess *s = e->dead;
        e->dead = s->next_dead;
        free(s);
    }
}

/* ---- the live line ---------------------------------------------------------- */

struct live_prev {
    double next, at;
    uint64_t ended, messages;
};

static uint64_t messages_total(const struct wsc_load_stats *st)
{
    uint64_t n = 0;
    for (size_t i = 0; i < st->n_tests; i++)
        n += st->tests[i].messages_sent + st->tests[i].messages_received;
    return n;
}

static void live_tick(struct load_engine *e, struct live_prev *p, wsc_load_tick_fn tick,
                      void *arg)
{
    if (!tick || e->now < p->next)
        return;
    struct wsc_load_stats *st = e->stats;
    double span = e->now - p->at > 0 ? e->now - p->at : 1;
    uint64_t msgs = messages_total(st), errors = 0;
    struct wsc_histogram *all = wsc_hist_new();
    for (size_t i = 0; i < st->n_tests; i++) {
        for (size_t k = 0; k < WSC_LOAD_N_ERRORS; k++)
            errors += st->tests[i].errors[k];
        for (size_t k = 0; all && k < st->tests[i].n_hists; k++)
            if (strcmp(st->tests[i].hists[k].name, "session_ms") == 0)
                wsc_hist_merge(all, st->tests[i].hists[k].h);
    }
    struct wsc_load_live live = {
        .elapsed = e->now - e->t0,
        .active = e->active,
        .target = e->target,
        .rate = (double)(e->ended - p->ended) / span,
        .messages = (double)(msgs - p->messages) / span,
        .p99_ms = all ? wsc_hist_percentile(all, 99) : 0,
        .errors = errors,
    };
    wsc_hist_free(all);
    tick(&live, arg);
    p->at = e->now;
    p->ended = e->ended;
    p->messages = msgs;
    p->next = e->now + 1.0;
}

/* ---- the run ------------------------------------------------------------------ */

static int engine_init(struct load_engine *e, const struct wsc_load_plan *plan,
                       struct wsc_load_script *const *scripts, size_t n_scripts,
                       struct wsc_load_stats *stats, char **err)
{
    memset(e, 0, sizeof(*e));
    e->plan = plan;
    e->scripts = scripts;
    e->n_scripts = n_scripts;
    e->stats = stats;
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    e->buf_size = READ_BUFFER;
    e->buf = malloc(e->buf_size);
    if (getrandom(&e->rng, sizeof e->rng, 0) != (ssize_t)sizeof e->rng || !e->rng)
        e->rng = (uint64_t)time(NULL) * 2654435761u + 1;
    if (e->epfd < 0 || !e->buf) {
        *err = wsc_strdup_printf("cannot start the engine: %s",
                                 e->epfd < 0 ? strerror(errno) : "out of memory");
        return -1;
    }
    e->limit = wsc_load_raise_fd_limit();
    stats->connection_limit = e->limit;
    stats->source_addresses = 1;
    e->now = e->t0 = load_mono();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    stats->started = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9;
    if (load_targets_resolve(e) != 0 || load_sched_init(e) != 0) {
        *err = wsc_strdup_printf("cannot start the engine: out of memory");
        return -1;
    }
    return 0;
}

static void engine_free(struct load_engine *e)
{
    /* Sessions still open (out of memory, or a stop): closed uncounted,
     * and none waiting is let in meanwhile. */
    e->admitting = 1;
    while (e->heap_len) {
        static const enum wsc_load_error kind = WSC_LOAD_ERR_TIMEOUT;
        wsc_load_end(e->heap[0], &kind, "the run ended before the session");
    }
    free_dead(e);
    load_sched_free(e);
    load_targets_free(e);
    free(e->heap);
    free(e->buf);
    if (e->epfd >= 0)
        close(e->epfd);
}

static int wait_ms(const struct load_engine *e, double next_sched, double next_tick)
{
    double next = e->now + 0.25;
    struct wsc_load_sess *top = load_heap_top(e);
    if (top && top->at < next)
        next = top->at;
    if (next_sched > 0 && next_sched < next)
        next = next_sched;
    if (next_tick > 0 && next_tick < next)
        next = next_tick;
    double ms = ceil((next - e->now) * 1000.0);
    return ms < 0 ? 0 : (int)ms;
}

static void loop_turn(struct load_engine *e, struct epoll_event *ev, double next_sched,
                      double next_tick)
{
    int n = epoll_wait(e->epfd, ev, EVENTS, wait_ms(e, next_sched, next_tick));
    e->now = load_mono();
    for (int i = 0; i < n; i++)
        on_event(ev[i].data.ptr, ev[i].events);
    fire_timers(e);
    free_dead(e);
}

int wsc_load_run(const struct wsc_load_plan *plan, struct wsc_load_script *const *scripts,
                 size_t n_scripts, struct wsc_load_stats *stats, wsc_load_tick_fn tick,
                 void *tick_arg, char **err)
{
    struct load_engine e;
    *err = NULL;
    if (n_scripts == 0) {
        *err = wsc_strdup_printf("no test to run");
        return -1;
    }
    int rc = engine_init(&e, plan, scripts, n_scripts, stats, err);
    struct epoll_event ev[EVENTS];
    struct live_prev prev = {.next = e.t0 + 1.0, .at = e.t0};
    while (rc == 0) {
        if (plan->stop && *plan->stop)
            e.winding_down = 1;
        double next_sched = load_sched_run(&e);
        free_dead(&e);
        if (load_sched_finished(&e))
            break;
        if (e.out_of_memory) {
            *err = wsc_strdup_printf("the engine ran out of memory");
            rc = -1;
            break;
        }
        loop_turn(&e, ev, next_sched, tick ? prev.next : 0);
        live_tick(&e, &prev, tick, tick_arg);
    }
    stats->duration = (e.now > e.t0 ? e.now - e.t0 : 0);
    engine_free(&e);
    return rc;
}
