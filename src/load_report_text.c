/* What a person reads of a load run (load_report.h): the live line while it
 * runs and the summary table at the end. Names and messages come from the
 * scenario and the servers: they go through wsc_term_safe(), so that no
 * control character reaches the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "load_report.h"
#include "report.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* prefix, text made safe, newline */
static void put_safe(FILE *out, const char *prefix, const char *text)
{
    char *safe = wsc_term_safe(text);
    fprintf(out, "%s%s\n", prefix, safe ? safe : "(not shown)");
    free(safe);
}

static double per_s(uint64_t n, double duration)
{
    return duration > 0 ? (double)n / duration : 0;
}

static void hist_table(FILE *out, const struct wsc_load_test *t)
{
    if (!t->n_hists)
        return;
    fprintf(out, "  %-28s %9s %9s %9s %9s %9s %9s\n", "latency (ms)", "count", "p50",
            "p90", "p99", "p99.9", "max");
    for (size_t i = 0; i < t->n_hists; i++) {
        const struct wsc_histogram *h = t->hists[i].h;
        char *name = wsc_term_safe(t->hists[i].name);
        fprintf(out, "  %-28s %9llu", name ? name : "?",
                (unsigned long long)wsc_hist_count(h));
        free(name);
        if (wsc_hist_count(h))
            fprintf(out, " %9.3f %9.3f %9.3f %9.3f %9.3f\n", wsc_hist_percentile(h, 50),
                    wsc_hist_percentile(h, 90), wsc_hist_percentile(h, 99),
                    wsc_hist_percentile(h, 99.9), wsc_hist_max(h));
        else
            fputs("         -         -         -         -         -\n", out);
    }
}

static void errors_line(FILE *out, const struct wsc_load_test *t)
{
    const char *sep = "  errors: ";
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++)
        if (t->errors[e]) {
            fprintf(out, "%s%s %llu", sep, wsc_load_error_name(e),
                    (unsigned long long)t->errors[e]);
            sep = ", ";
        }
    if (*sep == ',')
        fputc('\n', out);
    sep = "  close codes: ";
    for (size_t i = 0; i < t->n_close_codes; i++) {
        int code = t->close_codes[i].code;
        if (code > 0)
            fprintf(out, "%s%d x%llu", sep, code,
                    (unsigned long long)t->close_codes[i].n);
        else
            fprintf(out, "%s%s x%llu", sep, code ? "other" : "none",
                    (unsigned long long)t->close_codes[i].n);
        sep = ", ";
    }
    if (*sep == ',')
        fputc('\n', out);
    if (t->first_error)
        put_safe(out, "  first error: ", t->first_error);
}

static const char *member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static void thresholds(FILE *out, const struct json_object *th, int color)
{
    size_t n = th ? json_object_array_length(th) : 0;
    if (n)
        fputs("  thresholds:\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct json_object *t = json_object_array_get_idx(th, i);
        const char *st = member(t, "status");
        if (strcmp(st, "skipped") == 0) {
            char *m = wsc_term_safe(member(t, "metric"));
            fprintf(out, "    skip  %s: %s\n", m ? m : "?", member(t, "reason"));
            free(m);
            continue;
        }
        int fail = strcmp(st, "fail") == 0;
        fprintf(out, "    %s%s%s  ", color ? (fail ? RED : GREEN) : "",
                fail ? "FAIL" : "pass", color ? RESET : "");
        put_safe(out, "", member(t, "text"));
    }
}

static void test_summary(FILE *out, const struct wsc_load_report *r, size_t i, int color)
{
    const struct wsc_load_test *t = &r->stats.tests[i];
    double d = r->stats.duration;
    char *name = wsc_term_safe(t->name);
    fprintf(out, "\n%s%s%s (%s.%s)\n", color ? BOLD : "", name ? name : "?",
            color ? RESET : "", t->plugin, t->check);
    free(name);
    fprintf(
        out, "  sessions: %llu ok, %llu failed (%llu started); %.1f/s; messages %.1f/s\n",
        (unsigned long long)t->sessions_ok, (unsigned long long)t->sessions_failed,
        (unsigned long long)t->sessions, per_s(t->sessions_ok + t->sessions_failed, d),
        per_s(t->messages_sent + t->messages_received, d));
    hist_table(out, t);
    errors_line(out, t);
    thresholds(out, r->thresholds[i], color);
}

void wsc_load_summary(FILE *out, const struct wsc_load_report *r, int color)
{
    const struct wsc_load_stats *s = &r->stats;
    fprintf(out, "load run: %.2f s, peak %u connections", s->duration,
            s->peak_connections);
    if (s->shard.total)
        fprintf(out, ", shard %u/%u", s->shard.index, s->shard.total);
    if (s->dropped_arrivals)
        fprintf(out, ", %llu arrivals dropped (no free connection)",
                (unsigned long long)s->dropped_arrivals);
    fputs(r->interrupted ? " (interrupted)\n" : "\n", out);
    for (size_t i = 0; i < s->n_tests; i++)
        test_summary(out, r, i, color);
    fflush(out);
}

/* ---- the live line ------------------------------------------------------------ */

void wsc_load_live_format(char *buf, size_t size, const struct wsc_load_live *l,
                          const char *unit)
{
    snprintf(buf, size,
             "%6.0fs  active %u  target %.0f%s  %.1f sessions/s  %.1f msg/s  "
             "p99 %.3f ms  errors %llu",
             l->elapsed, l->active, l->target, unit ? unit : "", l->rate, l->messages,
             l->p99_ms, (unsigned long long)l->errors);
}

/* A line longer than the terminal wraps, and "\r" then only goes back to
 * the start of its last row: cut it to one column short of the width. */
void wsc_load_live_fit(char *line, unsigned columns)
{
    if (columns > 1 && strlen(line) >= columns)
        line[columns - 1] = '\0';
}

/* The terminal's width in columns, 0 when unknown. */
static unsigned terminal_columns(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) < 0)
        return 0;
    return ws.ws_col;
}

void wsc_load_live_tick(const struct wsc_load_live *live, void *arg)
{
    struct wsc_load_live_out *o = arg;
    char line[256];
    if (!o || !o->out)
        return;
    if (!o->tty && live->elapsed - o->last < o->every)
        return;
    o->last = live->elapsed;
    wsc_load_live_format(line, sizeof line, live, o->unit);
    if (o->tty) {
        wsc_load_live_fit(line, terminal_columns(o->out));
        fprintf(o->out, "\r\033[K%s", line);
        o->shown = 1;
    } else {
        fprintf(o->out, "%s\n", line);
    }
    fflush(o->out);
}

void wsc_load_live_end(struct wsc_load_live_out *o)
{
    if (o && o->out && o->shown) {
        fputc('\n', o->out);
        o->shown = 0;
    }
}
