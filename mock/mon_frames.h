/* wscheck-mock: the monitoring profile's message shapes (crackerjack's
 * UnifiedMetrics, QualityAlert, DashboardState and their frames). */
#ifndef WSCHECK_MOCK_MON_FRAMES_H
#define WSCHECK_MOCK_MON_FRAMES_H

#include <stdint.h>

#include <json-c/json.h>

struct mon_state;

/* UnifiedMetrics at wall time wall_us (a past one for history). */
json_object *mon_metrics_at(struct mon_state *mon, int64_t wall_us);

/* DashboardState now. */
json_object *mon_dashboard(struct mon_state *mon);

/* {"type": type, "data": data (taken, may be NULL: no member),
 * "timestamp": local ISO of wall_us}. */
json_object *mon_frame(const char *type, json_object *data, int64_t wall_us);

#endif
