/* Per-test monitor states (monitor_state.h). Tests are few (a suite's
 * worth): a linear table keeps it simple and its size bounded by the
 * loaded scenarios. */
#include "monitor_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct monitor_test_state *monitor_state_get(struct monitor_states *s, const char *suite,
                                             const char *test)
{
    char *key = wsc_strdup_printf("%s\t%s", suite, test);
    if (!key)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].key, key) == 0) {
            free(key);
            return &s->v[i];
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct monitor_test_state *v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            free(key);
            return NULL;
        }
        s->v = v;
        s->cap = cap;
    }
    struct monitor_test_state *t = &s->v[s->n++];
    memset(t, 0, sizeof(*t));
    t->key = key;
    return t;
}

static enum monitor_event on_failure(const struct monitor_states *s,
                                     struct monitor_test_state *t, double when)
{
    t->passes = 0;
    if (t->fails++ == 0)
        t->fail_since = when;
    if (t->health != MONITOR_DOWN && t->fails >= s->down_after) {
        t->health = MONITOR_DOWN;
        t->down_since = t->fail_since;
        return MONITOR_WENT_DOWN;
    }
    return MONITOR_NO_EVENT;
}

static enum monitor_event on_pass(const struct monitor_states *s,
                                  struct monitor_test_state *t)
{
    t->fails = 0;
    t->passes++;
    if (t->health == MONITOR_UNKNOWN) {
        t->health = MONITOR_UP;
        return MONITOR_NO_EVENT;
    }
    if (t->health == MONITOR_DOWN && t->passes >= s->recover_after) {
        t->health = MONITOR_UP;
        return MONITOR_RECOVERED;
    }
    return MONITOR_NO_EVENT;
}

enum monitor_event monitor_state_apply(const struct monitor_states *s,
                                       struct monitor_test_state *t, enum wsc_status st,
                                       double when)
{
    if (st == WSC_SKIPPED)
        return MONITOR_NO_EVENT;
    if (st == WSC_PASSED)
        return on_pass(s, t);
    return on_failure(s, t, when);
}

void monitor_states_retain(struct monitor_states *s, char *const *keep, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < s->n; i++) {
        int kept = 0;
        for (size_t k = 0; k < n && !kept; k++)
            kept = strcmp(s->v[i].key, keep[k]) == 0;
        if (kept)
            s->v[out++] = s->v[i];
        else
            free(s->v[i].key);
    }
    s->n = out;
}

void monitor_states_free(struct monitor_states *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].key);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void monitor_format_duration(char *buf, size_t size, double seconds)
{
    long long s = seconds > 0 ? (long long)(seconds + 0.5) : 0;
    if (s < 60)
        snprintf(buf, size, "%llds", s);
    else if (s < 3600)
        snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, size, "%lldh%02lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, size, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}
