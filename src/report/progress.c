/* The live part of the console (progress.h).
 *
 * One process draws: the sequential runner, or with --jobs the parent, to
 * which every worker reports "B PID NAME" when a test starts and
 * "E PID P F E S" (the counts the test adds) when it ends, over one pipe
 * (each line is one write shorter than PIPE_BUF, so lines of workers never
 * mix). Every other line on the console stream is written in one write that
 * begins by clearing the terminal line, so the status line is never
 * interleaved with result lines; it is redrawn at the next tick. */
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define CLEAR_LINE "\r\033[K"
#define SEPARATOR " \xe2\x80\xba " /* as on result lines */
/* Status line redraws, at most this often (seconds). */
#define REDRAW_PERIOD 0.25
/* A test running this long is named in a "still running" line, and again
 * every as long after (seconds). WSCHECK_STILL_RUNNING_PERIOD overrides it:
 * the test suite shortens it. */
#define STILL_RUNNING_PERIOD 30.0
/* Names sent by workers are cut to this many bytes: the line stays one
 * atomic write. */
#define EVENT_NAME_MAX 400

struct running {
    long slot; /* worker pid; 0 in the process that draws */
    char *name;
    double started;
    double noticed; /* when the last "still running" line was due */
};

struct wsc_progress {
    FILE *out;
    int live;         /* status line */
    int notices;      /* "still running" lines */
    double period;    /* of those */
    size_t counts[4]; /* by enum wsc_status */
    struct running *running;
    size_t n_running;
    char *label; /* this process's test */
    int drawn;
    double last_draw;
    double started;
    int event_rd, event_wr; /* --jobs; -1 when unused */
    int is_worker;
    struct wsc_buf events; /* a worker's line read only in part */
};

int wsc_when_parse(const char *s, enum wsc_when *out)
{
    static const char *const names[] = {"auto", "always", "never"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum wsc_when)i;
            return 0;
        }
    return -1;
}

static double still_running_period(void)
{
    const char *s = getenv("WSCHECK_STILL_RUNNING_PERIOD");
    char *end;
    double v = s ? strtod(s, &end) : 0;
    return s && end != s && !*end && v > 0 ? v : STILL_RUNNING_PERIOD;
}

struct wsc_progress *wsc_progress_new(FILE *out, enum wsc_when mode)
{
    struct wsc_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const char *term = getenv("TERM");
    int terminal = isatty(fileno(out)) && !(term && strcmp(term, "dumb") == 0);
    p->out = out;
    p->live = mode == WSC_WHEN_ALWAYS || (mode == WSC_WHEN_AUTO && terminal);
    p->notices = !p->live && mode != WSC_WHEN_NEVER;
    p->period = still_running_period();
    p->started = wsc_now();
    p->event_rd = p->event_wr = -1;
    return p;
}

void wsc_progress_free(struct wsc_progress *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_running; i++)
        free(p->running[i].name);
    free(p->running);
    free(p->label);
    if (p->event_rd >= 0)
        close(p->event_rd);
    if (p->event_wr >= 0)
        close(p->event_wr);
    wsc_buf_free(&p->events);
    free(p);
}

int wsc_progress_live(const struct wsc_progress *p)
{
    return p && p->live;
}

const char *wsc_progress_label(const struct wsc_progress *p)
{
    return p ? p->label : NULL;
}

/* ---- output -------------------------------------------------------------- */

/* One write of the text, behind what stdio holds for the stream. */
static void put(FILE *out, const char *s, size_t n)
{
    fflush(out);
    wsc_write_all(fileno(out), s, n);
}

void wsc_progress_print(struct wsc_progress *p, FILE *out, const char *text, size_t len)
{
    /* A worker cannot know whether the parent's line is drawn. */
    if (!p || !p->live || (!p->drawn && !p->is_worker) || ferror(out)) {
        fwrite(text, 1, len, out);
        fflush(out);
        return;
    }
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, CLEAR_LINE);
    wsc_buf_append(&b, text, len);
    if (!b.failed)
        put(out, b.data, b.len);
    wsc_buf_free(&b);
    p->drawn = 0;
}

void wsc_progress_clear(struct wsc_progress *p)
{
    if (p && p->drawn && !ferror(p->out))
        put(p->out, CLEAR_LINE, strlen(CLEAR_LINE));
    if (p)
        p->drawn = 0;
}

/* ---- the tests running ----------------------------------------------------- */

static void add_running(struct wsc_progress *p, long slot, const char *name)
{
    struct running *r = realloc(p->running, (p->n_running + 1) * sizeof *r);
    char *copy = wsc_term_safe(name);
    if (!r || !copy) {
        free(copy);
        if (r)
            p->running = r;
        return;
    }
    for (char *c = copy; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    p->running = r;
    double now = wsc_now();
    p->running[p->n_running++] = (struct running){slot, copy, now, now};
}

static void remove_running(struct wsc_progress *p, long slot)
{
    for (size_t i = 0; i < p->n_running; i++)
        if (p->running[i].slot == slot) {
            free(p->running[i].name);
            memmove(&p->running[i], &p->running[i + 1],
                    (p->n_running - i - 1) * sizeof *p->running);
            p->n_running--;
            return;
        }
}

/* What a result adds to the counts: its cases, and itself when it is a
 * test case of its own (as the summary counts). */
static void result_counts(const struct wsc_result *r, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    if (wsc_result_is_case(r) && (unsigned)r->status < 4)
        counts[r->status]++;
    for (size_t i = 0; i < r->n_cases; i++)
        if ((unsigned)r->cases[i].status < 4)
            counts[r->cases[i].status]++;
}

static void send_event(struct wsc_progress *p, const char *line)
{
    size_t n = strlen(line);
    if (n < 4096)
        wsc_write_all(p->event_wr, line, n);
}

void wsc_progress_begin(struct wsc_progress *p, const char *suite, const char *test)
{
    if (!p)
        return;
    free(p->label);
    p->label = wsc_strdup_printf("%s%s%s", suite ? suite : "",
                                 suite && *suite ? SEPARATOR : "", test ? test : "");
    if (!p->label)
        return;
    if (!p->is_worker) {
        add_running(p, 0, p->label);
        return;
    }
    char name[EVENT_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", p->label);
    for (char *c = name; *c; c++)
        if (*c == '\n')
            *c = ' ';
    char *line = wsc_strdup_printf("B %ld %s\n", (long)getpid(), name);
    if (line)
        send_event(p, line);
    free(line);
}

void wsc_progress_end(struct wsc_progress *p, const struct wsc_result *r)
{
    if (!p)
        return;
    free(p->label);
    p->label = NULL;
    size_t c[4];
    result_counts(r, c);
    if (!p->is_worker) {
        remove_running(p, 0);
        for (int i = 0; i < 4; i++)
            p->counts[i] += c[i];
        return;
    }
    char line[128];
    snprintf(line, sizeof line, "E %ld %zu %zu %zu %zu\n", (long)getpid(), c[0], c[1],
             c[2], c[3]);
    send_event(p, line);
}

/* ---- --jobs --------------------------------------------------------------- */

int wsc_progress_share(struct wsc_progress *p)
{
    int fds[2];
    if (!p || (!p->live && !p->notices) || p->event_rd >= 0)
        return 0;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        /* Workers would draw over each other: no live part at all. */
        p->live = p->notices = 0;
        return -1;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    p->event_rd = fds[0];
    p->event_wr = fds[1];
    return 0;
}

void wsc_progress_worker(struct wsc_progress *p)
{
    if (!p || p->event_wr < 0)
        return;
    close(p->event_rd);
    p->event_rd = -1;
    p->is_worker = 1;
}

static void take_event(struct wsc_progress *p, char *line)
{
    char *end;
    long slot = strtol(line + 1, &end, 10);
    if (line[0] == 'B' && *end == ' ') {
        add_running(p, slot, end + 1);
    } else if (line[0] == 'E') {
        remove_running(p, slot);
        for (int i = 0; i < 4; i++)
            p->counts[i] += (size_t)strtoul(end, &end, 10);
    }
}

static void read_events(struct wsc_progress *p)
{
    char chunk[4096];
    ssize_t n;
    while ((n = read(p->event_rd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            wsc_buf_append(&p->events, chunk, (size_t)n);
    char *nl, *line = p->events.data;
    while (line &&
           (nl = memchr(line, '\n', p->events.len - (size_t)(line - p->events.data)))) {
        *nl = '\0';
        take_event(p, line);
        line = nl + 1;
    }
    if (line && line != p->events.data) {
        size_t rest = p->events.len - (size_t)(line - p->events.data);
        memmove(p->events.data, line, rest);
        wsc_buf_truncate(&p->events, rest);
    }
}

/* ---- drawing --------------------------------------------------------------- */

/* "0.4 s", "12 s" */
static void format_elapsed(char *buf, size_t size, double s)
{
    snprintf(buf, size, s < 10 ? "%.1f s" : "%.0f s", s > 0 ? s : 0);
}

static size_t terminal_width(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Cuts text to `cols` characters (UTF-8 code points): a line longer than
 * the terminal would wrap, and "\r" would not get back to its start. */
static void cut_to_width(struct wsc_buf *b, size_t cols)
{
    size_t chars = 0;
    for (size_t i = 0; i < b->len; i++)
        if ((b->data[i] & 0xC0) != 0x80 && ++chars > cols) {
            wsc_buf_truncate(b, i);
            return;
        }
}

/* The oldest running test: the one worth naming. */
static const struct running *oldest(const struct wsc_progress *p)
{
    const struct running *o = NULL;
    for (size_t i = 0; i < p->n_running; i++)
        if (!o || p->running[i].started < o->started)
            o = &p->running[i];
    return o;
}

/* "3 passed, 1 failed · running: suite › test (4.2 s) · 12 s" */
static void status_text(const struct wsc_progress *p, struct wsc_buf *b, double now)
{
    static const char *const words[] = {"passed", "failed", "errors", "skipped"};
    char t[32];
    wsc_buf_printf(b, "%zu passed", p->counts[0]);
    for (int i = 1; i < 4; i++)
        if (p->counts[i])
            wsc_buf_printf(b, ", %zu %s", p->counts[i], words[i]);
    const struct running *r = oldest(p);
    if (r) {
        format_elapsed(t, sizeof t, now - r->started);
        if (p->n_running > 1)
            wsc_buf_printf(b, " \xc2\xb7 %zu running: %s (%s) and %zu more", p->n_running,
                           r->name, t, p->n_running - 1);
        else
            wsc_buf_printf(b, " \xc2\xb7 running: %s (%s)", r->name, t);
    }
    format_elapsed(t, sizeof t, now - p->started);
    wsc_buf_printf(b, " \xc2\xb7 %s", t);
}

static void draw(struct wsc_progress *p, double now)
{
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, CLEAR_LINE);
    status_text(p, &b, now);
    cut_to_width(&b, terminal_width(p->out) - 1 + strlen(CLEAR_LINE));
    if (!b.failed) {
        put(p->out, b.data, b.len);
        p->drawn = 1;
        p->last_draw = now;
    }
    wsc_buf_free(&b);
}

static void print_notices(struct wsc_progress *p, double now)
{
    for (size_t i = 0; i < p->n_running; i++) {
        struct running *r = &p->running[i];
        if (now - r->noticed < p->period)
            continue;
        r->noticed += p->period;
        char t[32];
        format_elapsed(t, sizeof t, now - r->started);
        char *line = wsc_strdup_printf("still running: %s (%s)\n", r->name, t);
        if (line)
            wsc_progress_print(p, p->out, line, strlen(line));
        free(line);
    }
}

void wsc_progress_tick(struct wsc_progress *p)
{
    if (!p || p->is_worker || ferror(p->out))
        return;
    if (p->event_rd >= 0)
        read_events(p);
    double now = wsc_now();
    if (p->live && now - p->last_draw >= REDRAW_PERIOD)
        draw(p, now);
    if (p->notices)
        print_notices(p, now);
}
