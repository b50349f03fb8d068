/* wscheck-mock: crackerjack job files. The MCP side (simulated jobs)
 * writes job-<id>.json, indented, on every update; the server side reads
 * the directory on a timer, as crackerjack's progress server does, so a
 * file written by anyone is listed (GET /, /latest) and pushed to the
 * job's progress sockets when it changes. With the prefix bug the server
 * side sees no file at all; reading one id's file still works. */
#ifndef WSCHECK_MOCK_CJ_JOBS_H
#define WSCHECK_MOCK_CJ_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cj.h"

/* Reads <dir>/job-<id>.json: 0 with the object in *doc (taken by the
 * caller), or -1 if it is missing or not a JSON object. */
int cj_job_read(const struct cj_state *cj, const char *id, json_object **doc);

/* Writes doc (not taken) as <dir>/job-<id>.json and lets the server side
 * see it at once. Returns 0, or -1 (logged). */
int cj_job_write(struct cj_state *cj, const char *id, json_object *doc);

/* Reads the directory: new, changed and vanished files; housekeeping. */
void cj_jobs_scan(struct cj_state *cj);

/* GET /'s "jobs": at most 10, by id descending. */
json_object *cj_jobs_list(const struct cj_state *cj);

/* The job with the newest file, or NULL. */
const struct cj_job *cj_jobs_latest(const struct cj_state *cj);

/* Counts of jobs by state, for get_comprehensive_status. */
void cj_jobs_counts(const struct cj_state *cj, int *active, int *completed, int *failed);

/* A job file's status and stage mean it has ended. */
bool cj_job_terminal(json_object *doc);

#endif
