/* wscheck-mock --grade-clients: Autobahn's fuzzingserver URL protocol.
 *   /getCaseCount                   the number of cases, as a text message
 *   /getCaseInfo?case=N             {"id":..., "description":...}
 *   /runCase?case=N&agent=A         runs case N (from 1) on this connection
 *   /updateReports?agent=A          writes DIR/<A>.json and DIR/<A>.xml
 * (casetuple=ID may stand for case=N). Every route but /runCase ends with
 * the server's close 1000; a request it cannot serve gets a close 1008
 * whose reason says why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <wscheck/ws.h>

#include "grade_conn.h"
#include "grade_http.h"
#include "jsonout.h"
#include "log.h"

static void finish(struct gconn *c, int code, const char *reason, double now)
{
    gconn_send_close(c, code, reason);
    c->deadline = now + c->cfg->timeout; /* for the client's close */
}

static void refuse(struct gconn *c, const char *reason, double now)
{
    mock_log(MOCK_LOG_INFO, "grading: %s", reason);
    finish(c, 1008, reason, now);
}

/* The case a query names (case=N or casetuple=ID): its number, or 0 with
 * the reason in why. */
static size_t case_of(const char *query, char *why, size_t whylen)
{
    char v[32];
    size_t count = grade_case_count();
    int has = grade_query_param(query, "case", v, sizeof v);
    if (has == 1) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (*v && !*end && n >= 1 && n <= count)
            return (size_t)n;
        snprintf(why, whylen, "unknown case '%.12s': cases are 1 to %zu", v, count);
        return 0;
    }
    if (has == 0 && grade_query_param(query, "casetuple", v, sizeof v) == 1) {
        for (size_t n = 1; n <= count; n++)
            if (strcmp(grade_case_get(n)->id, v) == 0)
                return n;
        snprintf(why, whylen, "unknown case id '%.12s'", v);
        return 0;
    }
    snprintf(why, whylen, "missing case: ?case=N with N from 1 to %zu", count);
    return 0;
}

/* agent=NAME: 1 to 100 printable ASCII characters. Returns 0, or -1 with
 * the reason in why. */
static int agent_of(struct gconn *c, const char *query, const char *route, char *why,
                    size_t whylen)
{
    int has = grade_query_param(query, "agent", c->agent, sizeof c->agent);
    if (has != 1 || !c->agent[0]) {
        snprintf(why, whylen, "missing agent: %s needs ?agent=NAME", route);
        return -1;
    }
    for (const char *p = c->agent; *p; p++)
        if (*p < 0x20 || *p > 0x7e) {
            snprintf(why, whylen, "agent name must be printable ASCII");
            return -1;
        }
    return 0;
}

static void case_info(struct gconn *c, const char *query, double now)
{
    char why[120];
    size_t n = case_of(query, why, sizeof why);
    if (!n) {
        refuse(c, why, now);
        return;
    }
    const struct grade_case *gc = grade_case_get(n);
    json_object *o = json_object_new_object();
    if (o) {
        mock_json_add(o, "id", json_object_new_string(gc->id));
        mock_json_add(o, "description", json_object_new_string(gc->description));
        const char *s = json_object_to_json_string_ext(o, MOCK_JSON_FLAGS);
        gconn_send(c, WSC_WS_OP_TEXT, s, strlen(s));
        json_object_put(o);
    }
    finish(c, o ? 1000 : 1011, o ? NULL : "out of memory", now);
}

static void run_case(struct gconn *c, const char *query, double now)
{
    char why[120];
    size_t n = case_of(query, why, sizeof why);
    if (!n || agent_of(c, query, "/runCase", why, sizeof why) != 0) {
        refuse(c, why, now);
        return;
    }
    if (grade_run_start(&c->run, n, c->cfg->timeout, now) != 0) {
        finish(c, 1011, "out of memory", now);
        return;
    }
    mock_log(MOCK_LOG_INFO, "grading: agent %s, case %zu (%s)", c->agent, n,
             grade_case_get(n)->id);
    c->running = 1;
    c->case_n = n;
    const struct grade_plan *p = &c->run.plan;
    /* the plan's frames go out as they are: invalid ones included */
    if (p->out_len && gconn_send_raw(c, p->out, p->out_len) != 0)
        return;
}

static void update_reports(struct gconn *c, const char *query, double now)
{
    char why[120], err[512];
    if (agent_of(c, query, "/updateReports", why, sizeof why) != 0) {
        refuse(c, why, now);
        return;
    }
    if (grade_report_write(c->cfg->dir, c->agent, err, sizeof err) != 0) {
        mock_log(MOCK_LOG_ERR, "grading: %s", err);
        finish(c, 1011, "cannot write the reports", now);
        return;
    }
    finish(c, 1000, NULL, now);
}

void grade_route_open(struct gconn *c, const char *path, const char *query, double now)
{
    char reason[160];
    if (strcmp(path, "/getCaseCount") == 0) {
        char count[24];
        int n = snprintf(count, sizeof count, "%zu", grade_case_count());
        gconn_send(c, WSC_WS_OP_TEXT, count, (size_t)n);
        finish(c, 1000, NULL, now);
    } else if (strcmp(path, "/getCaseInfo") == 0) {
        case_info(c, query, now);
    } else if (strcmp(path, "/runCase") == 0) {
        run_case(c, query, now);
    } else if (strcmp(path, "/updateReports") == 0) {
        update_reports(c, query, now);
    } else {
        snprintf(reason, sizeof reason,
                 "unknown path %.40s: use /getCaseCount, /runCase, /getCaseInfo or "
                 "/updateReports",
                 path);
        refuse(c, reason, now);
    }
}

void grade_route_finished(struct gconn *c)
{
    char err[512];
    if (grade_report_record(c->agent, c->case_n, &c->run.res) != 0) {
        mock_log(MOCK_LOG_ERR, "grading: cannot record case %zu of agent %s", c->case_n,
                 c->agent);
        return;
    }
    mock_log(MOCK_LOG_INFO, "grading: agent %s, case %s: %s, %s", c->agent, c->run.c->id,
             grade_behavior_name(c->run.res.behavior), c->run.res.reason);
    if (c->case_n == grade_case_count() &&
        grade_report_write(c->cfg->dir, c->agent, err, sizeof err) != 0)
        mock_log(MOCK_LOG_ERR, "grading: %s", err);
}
