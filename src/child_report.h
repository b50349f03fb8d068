/* Reading the report of the forked child that ran a check (written by
 * wsc_ctx_to_json()) into the test's result. */
#ifndef WSC_CHILD_REPORT_H
#define WSC_CHILD_REPORT_H

#include <json-c/json.h>

#include "result.h"

/* Fills status, message, log, metrics, outputs, trace, warnings and cases
 * of r from a child's report; variables the check set are returned in *vars
 * (borrowed from j). Returns 0, or -1 when the report is malformed. */
int wsc_ctx_report_to_result(const struct json_object *j, struct wsc_result *r,
                             struct json_object **vars);

#endif
