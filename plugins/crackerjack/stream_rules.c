/* The rules a crackerjack job's states must follow on every era-A version
 * (§4, §10), as options of the stream engine: progress within 0-100,
 * overall_progress and timestamp never going back, known status and stage
 * values (unknown ones noted, never failed), a bounded gap between new
 * states, and the terminal stages completed and failed. `iteration` goes
 * back upstream (heartbeats and the final update reset it): monotonic
 * only on request. */
#include <wscheck/params.h>

#include "checks.h"

static const char statuses[] =
    "[\"started\",\"starting\",\"websocket_ready\",\"websocket_warning\",\"ready\","
    "\"creating_orchestrator\",\"running\",\"retrying\",\"heartbeat\",\"cancelled\","
    "\"failed\",\"completed\",\"executing\",\"skipped\",\"completed_with_issues\"]";
static const char stages[] =
    "[\"initialization\",\"service_check\",\"setup\",\"iteration\",\"keep_alive\","
    "\"error\",\"coverage_improvement\",\"completed\",\"failed\"]";
static const char terminal[] = "{\"current_stage\":{\"$in\":[\"completed\",\"failed\"]}}";

static int add_allowed(struct wsc_stream_options *opt, const char *pointer,
                       const char *values)
{
    struct json_object *v = json_tokener_parse(values);
    int rc = v ? wsc_stream_options_add_allowed(opt, pointer, v) : -1;
    json_object_put(v);
    return rc;
}

int cj_stream_options(const struct json_object *params, struct wsc_stream_options *opt)
{
    wsc_stream_options_init(opt);
    opt->terminal = json_tokener_parse(terminal);
    opt->require_terminal = 0; /* the follower says what did not end */
    opt->unknown_values = WSC_STREAM_UNKNOWN_NOTE;
    opt->max_gap = wsc_param_number(params, "max_gap", 90);
    int rc = opt->terminal ? 0 : -1;
    rc |= wsc_stream_options_add_range(opt, "/overall_progress", 0, 100);
    rc |= wsc_stream_options_add_range(opt, "/stage_progress", 0, 100);
    rc |= wsc_stream_options_add_non_decreasing(opt, "/overall_progress");
    rc |= wsc_stream_options_add_non_decreasing(opt, "/timestamp");
    if (wsc_param_bool(params, "monotonic_iteration", 0))
        rc |= wsc_stream_options_add_non_decreasing(opt, "/iteration");
    rc |= add_allowed(opt, "/status", statuses);
    rc |= add_allowed(opt, "/current_stage", stages);
    if (rc != 0)
        wsc_stream_options_free(opt);
    return rc;
}
