/* The report a forked check sends back, read into the test's result. */
#include "child_report.h"

/* Moves what one attempt produced from `from` into `to`; `from` keeps the
 * rest, for wsc_result_clear(). */
static void move_attempt(struct wsc_result *to, struct wsc_result *from)
{
    wsc_result_clear_attempt(to);
    to->status = from->status;
    to->message = from->message;
    to->log = from->log;
    to->metrics = from->metrics;
    to->n_metrics = from->n_metrics;
    to->outputs = from->outputs;
    to->trace = from->trace;
    to->warnings = from->warnings;
    to->n_warnings = from->n_warnings;
    to->cases = from->cases;
    to->n_cases = from->n_cases;
    to->histograms = from->histograms;
    from->histograms = NULL;
    from->warnings = NULL;
    from->n_warnings = 0;
    from->cases = NULL;
    from->n_cases = 0;
    from->message = from->log = NULL;
    from->metrics = NULL;
    from->n_metrics = 0;
    from->outputs = from->trace = NULL;
}

/* The child's report has the member names of a serialised result, so the
 * result parser (which checks every type) reads it; the attempt's fields
 * are then moved into r, whose name, plugin, timing and attempts stay. */
int wsc_ctx_report_to_result(const struct json_object *j, struct wsc_result *r,
                             struct json_object **vars)
{
    struct wsc_result got;
    if (wsc_result_from_json(&got, j) < 0)
        return -1;
    move_attempt(r, &got);
    wsc_result_clear(&got);
    if (vars) {
        struct json_object *v;
        *vars = json_object_object_get_ex(j, "vars", &v) ? v : NULL;
    }
    return 0;
}
