/* wscheck-mock: the simulated crackerjack workflow. */
#include "cj_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cj_jobs.h"
#include "cj_json.h"
#include "jsonout.h"
#include "log.h"
#include "server.h"
#include "timefmt.h"

#define MAX_SIMS 4096
#define MAX_ITER 100
/* Five set-up updates, three per iteration, cancelled and the final. */
#define MAX_UPDATES (5 + 3 * MAX_ITER + 2)
#define DEFAULT_MAX_ITER 5 /* crackerjack's default, and its fixed updates' */

enum backwards { BACK_NONE, BACK_PROGRESS, BACK_TIMESTAMP };

struct cj_update {
    const char *status, *stage;
    int iteration, max_iterations, overall, stage_progress;
    char message[160];
    int delay_ms;  /* after the previous update */
    bool in_loop;  /* heartbeats run before it */
    bool backdate; /* its timestamp an hour early (mock_backwards) */
};

struct cj_params {
    int max_iterations, iterations, fail_at, stall_after;
    int step_ms, iteration_ms, heartbeat_ms;
    bool fail, drop_socket;
    enum backwards backwards;
    char workdir[512];
};

struct cj_sim {
    struct cj_sim *next;
    struct cj_state *cj;
    char id[9];
    struct cj_params p;
    struct cj_update *updates;
    int n_updates, next_update, written;
    int last_overall; /* of the last sequence update */
    lws_sorted_usec_list_t step_sul, beat_sul;
    bool running;
    bool beating; /* heartbeat timer scheduled */
};

/* ---- kwargs ---- */

static bool int_member(json_object *kw, const char *name, int min, int max, int *out,
                       char *err, size_t errlen)
{
    json_object *v;

    if (!json_object_object_get_ex(kw, name, &v) || !v)
        return true;
    if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= min &&
        json_object_get_int64(v) <= max) {
        *out = (int)json_object_get_int64(v);
        return true;
    }
    snprintf(err, errlen, "Invalid kwargs: %s must be an integer from %d to %d", name,
             min, max);
    return false;
}

static bool bool_member(json_object *kw, const char *name, bool *out, char *err,
                        size_t errlen)
{
    json_object *v;

    if (!json_object_object_get_ex(kw, name, &v) || !v)
        return true;
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return true;
    }
    snprintf(err, errlen, "Invalid kwargs: %s must be true or false", name);
    return false;
}

static bool backwards_member(json_object *kw, enum backwards *out, char *err,
                             size_t errlen)
{
    json_object *v;
    const char *s;

    if (!json_object_object_get_ex(kw, "mock_backwards", &v) || !v)
        return true;
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v) ? BACK_PROGRESS : BACK_NONE;
        return true;
    }
    s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    if (strcmp(s, "progress") == 0 || strcmp(s, "timestamp") == 0) {
        *out = s[0] == 'p' ? BACK_PROGRESS : BACK_TIMESTAMP;
        return true;
    }
    snprintf(
        err, errlen,
        "Invalid kwargs: mock_backwards must be true, \"progress\" or \"timestamp\"");
    return false;
}

static int read_params(json_object *kw, struct cj_params *p, char *err, size_t errlen)
{
    json_object *v;

    memset(p, 0, sizeof(*p));
    p->max_iterations = DEFAULT_MAX_ITER;
    p->iterations = 1;
    p->step_ms = 200;
    p->iteration_ms = -1;
    p->heartbeat_ms = 60000;
    if (!int_member(kw, "max_iterations", 1, MAX_ITER, &p->max_iterations, err, errlen) ||
        !int_member(kw, "mock_iterations", 1, MAX_ITER, &p->iterations, err, errlen) ||
        !int_member(kw, "mock_fail_at_iteration", 1, MAX_ITER, &p->fail_at, err,
                    errlen) ||
        !int_member(kw, "mock_stall_after", 1, MAX_UPDATES, &p->stall_after, err,
                    errlen) ||
        !int_member(kw, "mock_step_ms", 0, 60000, &p->step_ms, err, errlen) ||
        !int_member(kw, "mock_iteration_ms", 0, 600000, &p->iteration_ms, err, errlen) ||
        !int_member(kw, "mock_heartbeat_ms", 10, 3600000, &p->heartbeat_ms, err,
                    errlen) ||
        !bool_member(kw, "mock_fail", &p->fail, err, errlen) ||
        !bool_member(kw, "mock_drop_socket", &p->drop_socket, err, errlen) ||
        !backwards_member(kw, &p->backwards, err, errlen))
        return -1;
    if (p->iteration_ms < 0)
        p->iteration_ms = p->step_ms;
    if (json_object_object_get_ex(kw, "working_directory", &v) &&
        json_object_is_type(v, json_type_string))
        snprintf(p->workdir, sizeof(p->workdir), "%s", json_object_get_string(v));
    return 0;
}

/* ---- the sequence ---- */

static struct cj_update *push(struct cj_sim *sim, const char *status, const char *stage,
                              int delay_ms)
{
    struct cj_update *u = &sim->updates[sim->n_updates++];

    memset(u, 0, sizeof(*u));
    u->status = status;
    u->stage = stage;
    u->iteration = 1;
    u->max_iterations = DEFAULT_MAX_ITER;
    u->delay_ms = delay_ms;
    return u;
}

static bool workdir_missing(const struct cj_params *p)
{
    struct stat st;

    return p->workdir[0] && (stat(p->workdir, &st) != 0 || !S_ISDIR(st.st_mode));
}

/* Iterations until one succeeds (mock_iterations), one raises
 * (mock_fail_at_iteration) or max_iterations have all failed. Returns
 * the iteration that raised, or 0. */
static int plan_iterations(struct cj_sim *sim, bool *unsuccessful)
{
    const struct cj_params *p = &sim->p;
    int last = p->iterations < p->max_iterations ? p->iterations : p->max_iterations;

    *unsuccessful = p->iterations > p->max_iterations || p->fail;
    for (int i = 1; i <= last; i++) {
        struct cj_update *u = push(sim, "running", "iteration", p->step_ms);

        u->iteration = i;
        u->max_iterations = p->max_iterations;
        u->in_loop = true;
        if (i == p->fail_at) {
            u = push(sim, "failed", "error", p->iteration_ms);
            u->iteration = i;
            u->in_loop = true;
            return i;
        }
        if (i < p->iterations && i < p->max_iterations) {
            u = push(sim, "retrying", "iteration", p->iteration_ms);
            u->iteration = i;
            u->in_loop = true;
            snprintf(u->message, sizeof(u->message),
                     "Issues found in iteration %d, retrying...", i);
        }
    }
    return 0;
}

static void plan_final(struct cj_sim *sim, int raised, bool unsuccessful)
{
    struct cj_update *u;

    if (raised) {
        u = push(sim, "failed", "failed", sim->p.step_ms);
        snprintf(u->message, sizeof(u->message),
                 "Execution failed: simulated failure in iteration %d", raised);
        return;
    }
    u = push(sim, unsuccessful ? "failed" : "completed", "completed", sim->p.step_ms);
    u->overall = u->stage_progress = 100;
    snprintf(u->message, sizeof(u->message), "%s",
             unsuccessful ? "Execution failed" : "Execution completed");
}

/* mock_backwards: the first iteration reports 60 %, every later update
 * before the final 40 % (or, "timestamp", the next one is an hour early). */
static void plan_backwards(struct cj_sim *sim)
{
    int first = -1;

    for (int i = 0; i < sim->n_updates - 1; i++) {
        if (first < 0 && strcmp(sim->updates[i].status, "running") == 0) {
            first = i;
            if (sim->p.backwards == BACK_PROGRESS)
                sim->updates[i].overall = 60;
        } else if (first >= 0 && sim->p.backwards == BACK_PROGRESS) {
            sim->updates[i].overall = 40;
        } else if (first >= 0 && i == first + 1) {
            sim->updates[i].backdate = true;
        }
    }
}

static void plan(struct cj_sim *sim)
{
    const struct cj_params *p = &sim->p;
    struct cj_update *u;
    bool unsuccessful = false;
    int raised = 0;

    u = push(sim, "started", "initialization", 0);
    snprintf(u->message, sizeof(u->message), "Crackerjack execution started");
    u = push(sim, "starting", "initialization", p->step_ms);
    snprintf(u->message, sizeof(u->message), "Initializing crackerjack execution...");
    u = push(sim, "websocket_ready", "service_check", p->step_ms);
    snprintf(u->message, sizeof(u->message), "WebSocket server is running on port %d",
             sim->cj->srv->cj_port);
    push(sim, "ready", "initialization", p->step_ms);
    if (workdir_missing(p)) {
        u = push(sim, "failed", "failed", p->step_ms);
        snprintf(u->message, sizeof(u->message),
                 "Execution failed: Working directory does not exist: %.100s",
                 p->workdir);
        return;
    }
    u = push(sim, "creating_orchestrator", "setup", p->step_ms);
    snprintf(u->message, sizeof(u->message), "Setting up workflow orchestrator...");
    raised = plan_iterations(sim, &unsuccessful);
    push(sim, "cancelled", "keep_alive", raised ? p->step_ms : p->iteration_ms);
    plan_final(sim, raised, unsuccessful);
    if (p->backwards != BACK_NONE)
        plan_backwards(sim);
}

/* ---- running ---- */

static void write_update(struct cj_sim *sim, const struct cj_update *u)
{
    json_object *o = json_object_new_object();
    char iso[CJ_ISO_LEN];
    int64_t now = mock_wall_us() - (u->backdate ? (int64_t)3600 * 1000000 : 0);

    if (!o)
        return;
    mock_json_add(o, "job_id", json_object_new_string(sim->id));
    mock_json_add(o, "status", json_object_new_string(u->status));
    mock_json_add(o, "iteration", json_object_new_int(u->iteration));
    mock_json_add(o, "max_iterations", json_object_new_int(u->max_iterations));
    mock_json_add(o, "overall_progress", json_object_new_int(u->overall));
    mock_json_add(o, "current_stage", json_object_new_string(u->stage));
    mock_json_add(o, "stage_progress", json_object_new_int(u->stage_progress));
    mock_json_add(o, "message", json_object_new_string(u->message));
    mock_json_add(o, "timestamp", json_object_new_string(cj_iso(now, iso)));
    cj_job_write(sim->cj, sim->id, o);
    json_object_put(o);
    sim->written++;
}

static void session_follow(struct cj_sim *sim, const struct cj_update *u)
{
    struct cj_session *s = &sim->cj->session;
    static const char *const done[] = {"completed", "completed", "completed",
                                       "completed"};

    s->current_iteration = u->iteration;
    if (strcmp(u->status, "running") == 0) {
        s->total_iterations++;
        s->stages[0] = "running";
    } else if (strcmp(u->stage, "completed") == 0 &&
               strcmp(u->status, "completed") == 0) {
        memcpy(s->stages, done, sizeof(done));
    } else if (strcmp(u->status, "failed") == 0 &&
               u == &sim->updates[sim->n_updates - 1]) {
        s->stages[0] = "failed";
    }
}

static void stop(struct cj_sim *sim)
{
    sim->running = false;
    lws_sul_cancel(&sim->step_sul);
    lws_sul_cancel(&sim->beat_sul);
    free(sim->updates);
    sim->updates = NULL;
}

static bool stalled(struct cj_sim *sim)
{
    if (!sim->p.stall_after || sim->written < sim->p.stall_after)
        return false;
    mock_log(MOCK_LOG_INFO, "crackerjack: job %s stalls after update %d", sim->id,
             sim->written);
    stop(sim);
    return true;
}

static void schedule_step(struct cj_sim *sim);

static void beat(lws_sorted_usec_list_t *sul)
{
    struct cj_sim *sim = lws_container_of(sul, struct cj_sim, beat_sul);
    struct cj_update hb;

    if (!sim->running)
        return;
    memset(&hb, 0, sizeof(hb));
    hb.status = "heartbeat";
    hb.stage = "keep_alive";
    hb.iteration = 1;
    hb.max_iterations = DEFAULT_MAX_ITER;
    /* With mock_backwards the drop comes from the sequence alone. */
    hb.overall = sim->p.backwards == BACK_PROGRESS ? sim->last_overall : 0;
    snprintf(hb.message, sizeof(hb.message),
             "Keep-alive heartbeat to prevent connection timeout");
    write_update(sim, &hb);
    if (stalled(sim))
        return;
    lws_sul_schedule(sim->cj->srv->ctx, 0, &sim->beat_sul, beat,
                     (lws_usec_t)sim->p.heartbeat_ms * 1000);
}

static void step(lws_sorted_usec_list_t *sul)
{
    struct cj_sim *sim = lws_container_of(sul, struct cj_sim, step_sul);
    const struct cj_update *u = &sim->updates[sim->next_update++];

    write_update(sim, u);
    sim->last_overall = u->overall;
    session_follow(sim, u);
    if (stalled(sim))
        return;
    if (sim->next_update >= sim->n_updates) {
        mock_log(MOCK_LOG_INFO, "crackerjack: job %s ended: %s", sim->id, u->status);
        stop(sim);
        return;
    }
    /* Heartbeats run while the iterations do: from the first running
     * update to cancelled. */
    if (!u->in_loop) {
        lws_sul_cancel(&sim->beat_sul);
        sim->beating = false;
    } else if (!sim->beating) {
        sim->beating = true;
        lws_sul_schedule(sim->cj->srv->ctx, 0, &sim->beat_sul, beat,
                         (lws_usec_t)sim->p.heartbeat_ms * 1000);
    }
    schedule_step(sim);
}

static void schedule_step(struct cj_sim *sim)
{
    lws_sul_schedule(sim->cj->srv->ctx, 0, &sim->step_sul, step,
                     (lws_usec_t)sim->updates[sim->next_update].delay_ms * 1000);
}

static bool id_taken(const struct cj_state *cj, const char *id)
{
    json_object *doc;

    for (const struct cj_sim *s = cj->sims; s; s = s->next)
        if (strcmp(s->id, id) == 0)
            return true;
    if (cj_job_read(cj, id, &doc) != 0)
        return false;
    json_object_put(doc);
    return true;
}

int cj_sim_start(struct cj_state *cj, json_object *kwargs, char id_out[9], char *err,
                 size_t errlen)
{
    struct cj_sim *sim;

    if (cj->n_sims >= MAX_SIMS) {
        snprintf(err, errlen, "Rate limit exceeded: %d jobs in this mock", MAX_SIMS);
        return -1;
    }
    sim = calloc(1, sizeof(*sim));
    if (!sim || !(sim->updates = calloc(MAX_UPDATES, sizeof(*sim->updates)))) {
        free(sim);
        snprintf(err, errlen, "Execution failed: out of memory");
        return -1;
    }
    if (read_params(kwargs, &sim->p, err, errlen) != 0) {
        free(sim->updates);
        free(sim);
        return -1;
    }
    sim->cj = cj;
    do
        cj_id_new(sim->id);
    while (id_taken(cj, sim->id));
    plan(sim);
    sim->next = cj->sims;
    cj->sims = sim;
    cj->n_sims++;
    sim->running = true;
    cj->session.active = true;
    mock_log(MOCK_LOG_INFO, "crackerjack: job %s started (%d updates)", sim->id,
             sim->n_updates);
    step(&sim->step_sul); /* the first update is there before the tool returns */
    snprintf(id_out, 9, "%s", sim->id);
    return 0;
}

bool cj_sim_drops_socket(const struct cj_state *cj, const char *id)
{
    for (const struct cj_sim *s = cj->sims; s; s = s->next)
        if (strcmp(s->id, id) == 0)
            return s->p.drop_socket;
    return false;
}

void cj_sim_free_all(struct cj_state *cj)
{
    while (cj->sims) {
        struct cj_sim *s = cj->sims;

        cj->sims = s->next;
        stop(s);
        free(s);
    }
    cj->n_sims = 0;
}
