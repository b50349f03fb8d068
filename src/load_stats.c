/* The figures of a load run: counters and constant-memory histograms per
 * test (load.h). Memory is bounded whatever the run's length: histograms
 * have a fixed size, and their names and the close codes are capped. */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"

static const char *const error_names[WSC_LOAD_N_ERRORS] = {
    [WSC_LOAD_ERR_CONNECT] = "connect",     [WSC_LOAD_ERR_TLS] = "tls",
    [WSC_LOAD_ERR_HANDSHAKE] = "handshake", [WSC_LOAD_ERR_TIMEOUT] = "timeout",
    [WSC_LOAD_ERR_CLOSED] = "closed",       [WSC_LOAD_ERR_PROTOCOL] = "protocol",
    [WSC_LOAD_ERR_EXPECT] = "expect",       [WSC_LOAD_ERR_STATUS] = "status",
    [WSC_LOAD_ERR_TOO_BIG] = "too_big",
};

const char *wsc_load_error_name(enum wsc_load_error e)
{
    return (unsigned)e < WSC_LOAD_N_ERRORS ? error_names[e] : "unknown";
}

int wsc_load_stats_init(struct wsc_load_stats *s, size_t n_tests)
{
    memset(s, 0, sizeof(*s));
    s->tests = calloc(n_tests ? n_tests : 1, sizeof(*s->tests));
    if (!s->tests)
        return -1;
    s->n_tests = n_tests;
    return 0;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

int wsc_load_test_init(struct wsc_load_test *t, const struct wsc_test *test)
{
    t->name = dup_or_empty(test->name);
    t->plugin = dup_or_empty(test->plugin);
    t->check = dup_or_empty(test->check);
    t->expect_metrics = test->expect_metrics;
    return t->name && t->plugin && t->check ? 0 : -1;
}

static void test_clear(struct wsc_load_test *t)
{
    free(t->name);
    free(t->plugin);
    free(t->check);
    free(t->first_error);
    for (size_t i = 0; i < t->n_hists; i++) {
        free(t->hists[i].name);
        free(t->hists[i].unit);
        wsc_hist_free(t->hists[i].h);
    }
    memset(t, 0, sizeof(*t));
}

void wsc_load_stats_clear(struct wsc_load_stats *s)
{
    for (size_t i = 0; s->tests && i < s->n_tests; i++)
        test_clear(&s->tests[i]);
    free(s->tests);
    memset(s, 0, sizeof(*s));
}

/* The histograms of the engine and the protocols: always given a slot of
 * their own, whatever the number of steps before them. */
static const char *const common_hists[] = {
    "session_ms",  "connect_ms", "handshake_ms",       "upgrade_ms", "rtt_ms",
    "response_ms", "call_ms",    WSC_LOAD_OTHER_STEPS, NULL};

static int is_common(const char *name)
{
    for (size_t i = 0; common_hists[i]; i++)
        if (strcmp(common_hists[i], name) == 0)
            return 1;
    return 0;
}

static struct wsc_histogram *find_hist(struct wsc_load_test *t, const char *name)
{
    for (size_t i = 0; i < t->n_hists; i++)
        if (strcmp(t->hists[i].name, name) == 0)
            return t->hists[i].h;
    return NULL;
}

struct wsc_histogram *wsc_load_hist(struct wsc_load_test *t, const char *name)
{
    struct wsc_histogram *found = find_hist(t, name);
    if (found)
        return found;
    /* Names come from the scenario (steps), never from the network, but a
     * long conversation could still have more steps than a report should
     * list: past the cap, the steps share one histogram, "other steps". */
    size_t reserved = sizeof common_hists / sizeof common_hists[0] - 1;
    size_t own = 0;
    for (size_t i = 0; i < t->n_hists; i++)
        own += !is_common(t->hists[i].name);
    if (!is_common(name) && own >= WSC_LOAD_MAX_HISTS - reserved)
        return wsc_load_hist(t, WSC_LOAD_OTHER_STEPS);
    if (t->n_hists == WSC_LOAD_MAX_HISTS)
        return NULL; /* cannot happen: the common ones have their slots */
    struct wsc_load_hist *e = &t->hists[t->n_hists];
    e->name = strdup(name);
    e->unit = strdup("ms");
    e->h = wsc_hist_new();
    if (!e->name || !e->unit || !e->h) {
        free(e->name);
        free(e->unit);
        wsc_hist_free(e->h);
        memset(e, 0, sizeof(*e));
        return NULL;
    }
    t->n_hists++;
    return e->h;
}

static void close_code_add(struct wsc_load_test *t, int code, uint64_t n)
{
    for (size_t i = 0; i < t->n_close_codes; i++)
        if (t->close_codes[i].code == code) {
            t->close_codes[i].n += n;
            return;
        }
    /* Close codes come from servers: past the cap, code -1 counts the
     * others, so that a server cannot grow the report. */
    if (t->n_close_codes == WSC_LOAD_MAX_CLOSE_CODES - 1 && code != -1) {
        close_code_add(t, -1, n);
        return;
    }
    t->close_codes[t->n_close_codes++] = (struct wsc_load_close_count){code, n};
}

void wsc_load_close_code(struct wsc_load_test *t, int code)
{
    close_code_add(t, code, 1);
}

void wsc_load_first_error(struct wsc_load_test *t, const char *message)
{
    if (!t->first_error && message)
        t->first_error = strdup(message);
}

static int merge_hists(struct wsc_load_test *into, const struct wsc_load_test *from)
{
    for (size_t i = 0; i < from->n_hists; i++) {
        struct wsc_histogram *h = wsc_load_hist(into, from->hists[i].name);
        if (!h)
            return -1;
        wsc_hist_merge(h, from->hists[i].h);
    }
    return 0;
}

int wsc_load_test_merge(struct wsc_load_test *into, const struct wsc_load_test *from)
{
    into->sessions += from->sessions;
    into->sessions_ok += from->sessions_ok;
    into->sessions_failed += from->sessions_failed;
    into->messages_sent += from->messages_sent;
    into->messages_received += from->messages_received;
    into->bytes_sent += from->bytes_sent;
    into->bytes_received += from->bytes_received;
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++)
        into->errors[e] += from->errors[e];
    for (size_t i = 0; i < from->n_close_codes; i++)
        close_code_add(into, from->close_codes[i].code, from->close_codes[i].n);
    wsc_load_first_error(into, from->first_error);
    return merge_hists(into, from);
}
