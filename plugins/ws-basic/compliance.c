/* compliance: runs the selected RFC 6455 cases against an echo endpoint,
 * each on a fresh connection so that a server that hangs or dies on one
 * case fails that case and the suite goes on. Every case is one test case
 * in the reports, named by its id, with its behaviour (OK, NON-STRICT,
 * INFORMATIONAL, FAILED) and duration; ids in expected_failures do not fail
 * the test. */
#include "compliance.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wscheck/params.h>

/* Does any pattern of the array (ids or globs) match id? An absent array
 * matches when `absent` says so. */
static int listed(const struct json_object *patterns, const char *id, int absent)
{
    if (!patterns)
        return absent;
    size_t n = json_object_array_length(patterns);
    for (size_t i = 0; i < n; i++) {
        const char *p = json_object_get_string(json_object_array_get_idx(patterns, i));
        if (p && fnmatch(p, id, 0) == 0)
            return 1;
    }
    return 0;
}

/* Drops the c->skip data messages a server sends on every new connection
 * (a welcome) before the case starts. */
static int skip_greeting(struct cc *c)
{
    for (int i = 0; i < c->skip; i++) {
        unsigned op;
        const unsigned char *data;
        size_t len;
        int code = -1;
        int r = cc_next(c, &op, &data, &len, c->case_wait, &code);
        if (r == 0)
            return cc_grade(c, CC_FAILED,
                            "message %d of skip_on_connect %d did not come "
                            "within %.3g s",
                            i + 1, c->skip, c->case_wait);
        if (r < 0 || op == WSC_WS_OP_CLOSE)
            return cc_grade(c, CC_FAILED,
                            "the connection ended before message %d of "
                            "skip_on_connect %d",
                            i + 1, c->skip);
        if (op == WSC_WS_OP_PING || op == WSC_WS_OP_PONG)
            i--; /* only data messages count */
    }
    return 0;
}

/* Runs one case on a fresh connection; fills c->behaviour and c->why. */
static void run_case(struct cc *c, const struct wsc_ws_options *opt,
                     const struct cc_case *k)
{
    c->ws = wsc_ws_connect(c->ctx, opt, c->deadline, 0);
    if (!c->ws) {
        cc_grade(c, CC_FAILED, "out of memory");
        return;
    }
    if (wsc_ws_status(c->ws) != WSC_WS_OK)
        cc_grade(c, CC_FAILED, "could not connect: %s", wsc_ws_error(c->ws));
    else if (skip_greeting(c) == 0)
        k->run(c, k);
    wsc_ws_free(c->ws);
    c->ws = NULL;
    c->in_len = c->msg_len = 0;
}

struct tally {
    int by[4];
    int expected; /* failures listed in expected_failures */
    struct json_object *behaviours;
};

/* Reports the graded case and counts it. */
static void report_case(struct wsc_ctx *ctx, const struct cc *c, const struct cc_case *k,
                        int expected_failure, double ms, struct tally *t)
{
    const char *name = cc_behaviour_name(c->behaviour);
    t->by[c->behaviour]++;
    json_object_object_add(t->behaviours, k->id, json_object_new_string(name));
    if (c->behaviour == CC_FAILED && expected_failure) {
        t->expected++;
        wsc_case(ctx, k->id, WSC_CASE_SKIPPED, ms, "expected failure (%s): FAILED: %s",
                 k->title, c->why);
    } else if (c->behaviour == CC_FAILED) {
        wsc_case(ctx, k->id, WSC_CASE_FAILED, ms, "%s: FAILED: %s", k->title, c->why);
    } else if (c->behaviour != CC_OK) {
        wsc_case(ctx, k->id, WSC_CASE_PASSED, ms, "%s: %s: %s", k->title, name, c->why);
    } else if (expected_failure) {
        wsc_case(ctx, k->id, WSC_CASE_PASSED, ms,
                 "%s: OK, though listed in "
                 "expected_failures",
                 k->title);
        wsc_warn(ctx, "case %s passed: remove it from expected_failures", k->id);
    } else {
        wsc_case(ctx, k->id, WSC_CASE_PASSED, ms, "%s: OK", k->title);
    }
}

static void publish(struct wsc_ctx *ctx, struct tally *t)
{
    struct json_object *counts = json_object_new_object();
    static const char *const keys[] = {"ok", "non_strict", "informational", "failed"};
    for (int i = 0; i < 4; i++)
        json_object_object_add(counts, keys[i], json_object_new_int(t->by[i]));
    json_object_object_add(counts, "expected_failures", json_object_new_int(t->expected));
    wsc_output(ctx, "counts", counts);
    wsc_output(ctx, "behaviours", t->behaviours);
    wsc_note(ctx,
             "%d OK, %d NON-STRICT, %d INFORMATIONAL, %d FAILED (%d of them expected)",
             t->by[CC_OK], t->by[CC_NON_STRICT], t->by[CC_INFORMATIONAL],
             t->by[CC_FAILED], t->expected);
}

void wsb_compliance(struct wsc_ctx *ctx, struct json_object *params)
{
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    const struct json_object *cases = wsc_param(params, "cases");
    const struct json_object *expected = wsc_param(params, "expected_failures");
    double wait = json_object_get_double(wsc_param(params, "case_timeout"));
    struct cc c = {.ctx = ctx,
                   .case_wait = wait,
                   .max_frame = opt.max_message_size,
                   .skip = json_object_get_int(wsc_param(params, "skip_on_connect"))};
    struct tally t = {.behaviours = json_object_new_object()};
    srand((unsigned)(wsc_now() * 1e6) ^ (unsigned)getpid());
    for (const struct cc_case *k = wsb_cc_cases; k->id; k++) {
        if (!listed(cases, k->id, 1))
            continue;
        double t0 = wsc_now(), end = wsc_deadline(ctx);
        if (end > 0 && t0 >= end) {
            wsc_case(ctx, k->id, WSC_CASE_SKIPPED, 0,
                     "%s: not run, the test's timeout "
                     "ran out",
                     k->title);
            continue;
        }
        c.behaviour = CC_OK;
        c.why[0] = '\0';
        c.traced = 0;
        wsc_trace(ctx, "info", "case", k->id, strlen(k->id));
        c.deadline = wsc_ws_within(ctx, wait);
        run_case(&c, &opt, k);
        report_case(ctx, &c, k, listed(expected, k->id, 0), (wsc_now() - t0) * 1e3, &t);
    }
    publish(ctx, &t);
    free(c.in);
    free(c.msg);
    wsc_ws_options_free(&opt);
}

/* Every pattern must select at least one case: a typo would otherwise run
 * nothing, or hide nothing, silently. */
static void validate_patterns(struct wsc_validation *v, const struct json_object *params,
                              const char *key)
{
    const struct json_object *patterns = wsc_param(params, key);
    size_t n = patterns ? json_object_array_length(patterns) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = json_object_get_string(json_object_array_get_idx(patterns, i));
        int found = 0;
        for (const struct cc_case *k = wsb_cc_cases; k->id && !found; k++)
            found = p && fnmatch(p, k->id, 0) == 0;
        char where[64];
        snprintf(where, sizeof where, "/%s/%zu", key, i);
        if (!found)
            wsc_invalid(v, where,
                        "'%s' matches no case id (ids such as 1.1.1, globs "
                        "such as 7.*)",
                        p ? p : "");
    }
}

void wsb_compliance_validate(struct wsc_validation *v, const struct json_object *params)
{
    validate_patterns(v, params, "cases");
    validate_patterns(v, params, "expected_failures");
}
