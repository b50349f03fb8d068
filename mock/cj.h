/* wscheck-mock: the crackerjack profile - crackerjack's progress server
 * (HTTP and WebSocket on its own port, 8675), its job files in a progress
 * directory, simulated jobs, and its MCP tools on the shared MCP port.
 * What it imitates is crackerjack's "era A" server (0.31-0.46), with the
 * intended behaviour by default and known bugs behind --crackerjack-bug. */
#ifndef WSCHECK_MOCK_CJ_H
#define WSCHECK_MOCK_CJ_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "cj_ids.h"

struct mock_server;
struct cj_sock;
struct cj_sim;

/* A job file the server side has seen in the progress directory. */
struct cj_job {
    char id[CJ_ID_MAX + 1];
    int64_t mtime_ns;
    int64_t size;
    json_object *doc; /* the parsed file, an object */
    char *text;       /* doc as compact JSON: what sockets are sent */
    bool seen;        /* in the latest scan */
};

/* The stages get_stage_status reports, moved by the simulated jobs. */
struct cj_session {
    bool active;
    const char *stages[4]; /* fast, comprehensive, tests, cleaning */
    int total_iterations, current_iteration;
};

struct cj_state {
    struct mock_server *srv;
    char dir[PATH_MAX]; /* the progress directory */
    unsigned bugs;      /* enum cj_bug */
    struct cj_job *jobs;
    size_t n_jobs, cap_jobs;
    struct cj_sock *socks; /* open progress sockets */
    size_t n_socks;
    struct cj_sim *sims; /* simulated jobs, running and done */
    size_t n_sims;
    struct cj_session session;
    lws_sorted_usec_list_t poll_sul;
    int64_t next_cleanup; /* monotonic us: deleting day-old files */
    bool polling;
};

/* Creates the state for srv (its options); -1 with a message logged if
 * the progress directory cannot be made. */
int cj_init(struct mock_server *srv);

/* Starts reading the directory (once srv->ctx exists). */
void cj_start(struct mock_server *srv);

/* Server exit: sockets close with 1001; cj_live() counts those open. */
void cj_shutdown(struct mock_server *srv);
size_t cj_live(const struct mock_server *srv);

/* Stops timers and frees the jobs (before the context goes, as the
 * timers live in it); cj_free_final() frees the rest after it went. */
void cj_free(struct mock_server *srv);
void cj_free_final(struct mock_server *srv);

/* Per-connection memory the port's protocol needs. */
extern const size_t cj_pss_size;

/* The lws protocol callback of the crackerjack port. */
int cj_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len);

#endif
