/* `expect_metrics`: thresholds on the metrics a check recorded, evaluated
 * by the runner after the check returns, whatever plugin it comes from. */
#ifndef WSC_THRESHOLDS_H
#define WSC_THRESHOLDS_H

#include <json-c/json.h>

#include "result.h"

/* Matches each metric named in expect_metrics (an object: metric name ->
 * matcher, see wscheck/match.h) against the last value r recorded for it,
 * and records every outcome in r->thresholds. A miss, or a metric the check
 * never recorded, fails a passed test; a failed test keeps its message and
 * gets the misses appended ("; "). Tests that errored or were skipped are
 * left alone: their metrics say nothing. Returns 0, or -1 when out of
 * memory (the test is then an error). */
int wsc_thresholds_apply(const struct json_object *expect_metrics, struct wsc_result *r);

/* The matcher as a person reads it: "$lt 5", "$gte 1, $lt 5", or the JSON
 * text of a plain value. Malloc'ed; NULL when out of memory. */
char *wsc_threshold_text(const struct json_object *matcher);

#endif
