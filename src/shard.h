/* --shard I/N: the part of a run's selected tests one of N CI jobs runs. */
#ifndef WSC_SHARD_H
#define WSC_SHARD_H

#include <stddef.h>

#include "runner.h"
#include "scenario.h"

struct wsc_shard {
    unsigned index; /* 1-based, as GitLab's CI_NODE_INDEX */
    unsigned total; /* 0: no sharding */
};

/* Parses "I/N" (1 <= I <= N). Returns 0, or -1 when malformed. */
int wsc_shard_parse(const char *text, struct wsc_shard *out);

/* The shard (0-based) a group of tests belongs to: a hash of the scenario
 * name and the name of the group's first test, so adding or removing other
 * tests never moves a group. */
unsigned wsc_shard_of(const char *scenario, const char *group, unsigned total);

/* Marks every test of the scenarios that belongs to another shard
 * (wsc_test.other_shard), keeping tests that share a captured variable in
 * one group: a test that uses a variable another test captures goes where
 * that test goes. Counts the selected tests (by o) in *selected and those
 * this shard keeps in *kept. Returns 0, or -1 when out of memory. */
int wsc_shard_apply(struct wsc_scenario *const *scs, size_t n, const struct wsc_shard *sh,
                    const struct wsc_run_options *o, size_t *selected, size_t *kept);

#endif
