/* The monitor's state of each test: up, down after N consecutive
 * failures, up again ("recovered") after M consecutive passes. Alerts are
 * sent on the transitions only. */
#ifndef WSC_MONITOR_STATE_H
#define WSC_MONITOR_STATE_H

#include <stddef.h>
#include "status.h"

enum monitor_health { MONITOR_UNKNOWN, MONITOR_UP, MONITOR_DOWN };
enum monitor_event { MONITOR_NO_EVENT, MONITOR_WENT_DOWN, MONITOR_RECOVERED };

struct monitor_test_state {
    char *key; /* "suite\ttest" */
    enum monitor_health health;
    unsigned fails;    /* consecutive failed or errored results */
    unsigned passes;   /* consecutive passes */
    double down_since; /* epoch seconds of the first failure of the run of
                          failures that took it down */
    double fail_since; /* epoch seconds of the first of the current failures */
};

struct monitor_states {
    struct monitor_test_state *v;
    size_t n, cap;
    unsigned down_after, recover_after; /* >= 1 */
};

/* The state of SUITE/TEST, added as unknown when new; NULL when out of
 * memory. */
struct monitor_test_state *monitor_state_get(struct monitor_states *s, const char *suite,
                                             const char *test);
/* Applies one result finished at `when` (epoch seconds). A skipped test
 * changes nothing. An unknown test's first results set its state without
 * an event, except failures reaching down_after (down). */
enum monitor_event monitor_state_apply(const struct monitor_states *s,
                                       struct monitor_test_state *t, enum wsc_status st,
                                       double when);
/* After a reload: forgets every test not in keep ("suite\ttest", n). */
void monitor_states_retain(struct monitor_states *s, char *const *keep, size_t n);
void monitor_states_free(struct monitor_states *s);

/* "2m10s", "1h02m", "3d04h", "12s": a duration for people. */
void monitor_format_duration(char *buf, size_t size, double seconds);

#endif
