/* wscheck-mock: crackerjack jobs simulated for execute_crackerjack. A job
 * writes its file through the sequence of crackerjack's workflow
 * (started ... creating_orchestrator, the iterations with retries and
 * heartbeats, cancelled, the final update) at a pace and with faults the
 * call's kwargs choose (the mock_* members, see wscheck-mock(1)). */
#ifndef WSCHECK_MOCK_CJ_SIM_H
#define WSCHECK_MOCK_CJ_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cj.h"

/* Starts a job from kwargs (an object, not taken); writes its first
 * update before returning. Returns 0 with the id in id_out, or -1 with
 * a message in err (the tool's error text). */
int cj_sim_start(struct cj_state *cj, json_object *kwargs, char id_out[9], char *err,
                 size_t errlen);

/* True if id's progress sockets are to be cut (mock_drop_socket). */
bool cj_sim_drops_socket(const struct cj_state *cj, const char *id);

/* Stops every job's timers and frees them. */
void cj_sim_free_all(struct cj_state *cj);

#endif
