/* alert_delivery: subscribe to an alert channel (crackerjack's
 * /ws/alerts/subscribe by default), see its first message, trigger an
 * alert, and expect the matching alert message once within `within`
 * seconds (delivery_ms), with the fields of a QualityAlert; optionally an
 * acknowledgement round trip. An alert that never comes, or comes twice
 * (within linger), fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json_pointer.h>
#include <wscheck/match.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

/* QualityAlert's members and types, in an alert message. */
static const char *const default_fields[][2] = {
    {"/data/severity", "string"},
    {"/data/message", "string"},
    {"/data/metric_name", "string"},
    {"/data/current_value", "number"},
    {"/data/threshold_value", "number"},
    {"/data/triggered_at", "string"},
    {NULL, NULL},
};

struct alerts {
    struct mon_feed f;
    const char *type_ptr, *initial_type, *alert_type;
    const struct json_object *match, *trigger, *ack, *ack_expect;
    struct json_object *fields; /* owned */
    double within, linger;
    /* state */
    struct json_object *first, *alert, *ack_answer, *trigger_answer;
    size_t alert_index;
    int trigger_failed; /* reported by the trigger */
};

static struct json_object *fields_of(const struct json_object *params)
{
    struct json_object *given = wsc_param_object(params, "fields");
    if (given)
        return json_object_get(given);
    struct json_object *o = json_object_new_object(), *t = json_object_new_array();
    if (!o || !t || json_object_array_add(t, json_object_new_string("string")) ||
        json_object_array_add(t, json_object_new_string("null")) ||
        json_object_object_add(o, "/data/git_hash", t)) {
        json_object_put(o);
        return NULL;
    }
    for (size_t i = 0; default_fields[i][0]; i++)
        if (json_object_object_add(o, default_fields[i][0],
                                   json_object_new_string(default_fields[i][1]))) {
            json_object_put(o);
            return NULL;
        }
    return o;
}

static int is_type(const struct alerts *a, struct json_object *msg, const char *type)
{
    const char *got = mon_string_at(msg, a->type_ptr);
    return got && strcmp(got, type) == 0;
}

/* An alert message that matches `alert`. */
static int is_alert(const struct alerts *a, struct json_object *msg)
{
    if (!is_type(a, msg, a->alert_type))
        return 0;
    return !a->match || wsc_match(a->match, msg, "", NULL) == 1;
}

/* Waits for a message the predicate accepts until `due`. 1 with *out (new
 * reference), 0 at `due`, -1 when the stream failed or ended. Matching
 * alerts after the first are duplicates. */
static int wait_for(struct alerts *a, double due,
                    int (*want)(const struct alerts *, struct json_object *),
                    struct json_object **out)
{
    *out = NULL;
    for (;;) {
        struct json_object *msg = NULL;
        enum mon_event e = mon_feed_next(&a->f, due, &msg);
        if (e == MON_DUE)
            return 0;
        if (e != MON_MESSAGE)
            return -1;
        if (a->alert && is_alert(a, msg)) {
            mon_feed_fail(&a->f, "the alert came again, as message %zu did (a duplicate)",
                          a->alert_index);
            json_object_put(msg);
            return -1;
        }
        if (want(a, msg)) {
            *out = msg;
            return 1;
        }
        if (is_type(a, msg, a->alert_type)) {
            char buf[WSC_RENDER_MAX + 8];
            wsc_note(a->f.ctx, "message %zu: an alert that does not match: %s",
                     a->f.index, mon_render(buf, sizeof buf, msg));
        }
        json_object_put(msg);
    }
}

static int is_first(const struct alerts *a, struct json_object *msg)
{
    (void)a;
    (void)msg;
    return 1;
}

static int first_message(struct alerts *a)
{
    if (!a->initial_type[0])
        return 0;
    int got = wait_for(a, a->f.start + a->within, is_first, &a->first);
    if (got == 0)
        mon_feed_fail_plain(&a->f, "no first message (%s) within %g s of subscribing",
                            a->initial_type, a->within);
    if (got != 1)
        return -1;
    if (!is_type(a, a->first, a->initial_type)) {
        char buf[WSC_RENDER_MAX + 8];
        mon_feed_fail(
            &a->f, "%s is %s, expected \"%s\"", a->type_ptr,
            mon_render(buf, sizeof buf, wsc_json_pointer_get(a->first, a->type_ptr)),
            a->initial_type);
        return -1;
    }
    return 0;
}

/* Why no alert came, for the failure: crackerjack's channel never sends
 * one. */
static const char *never_sent(const struct alerts *a)
{
    if (strcmp(a->alert_type, "alert") != 0 ||
        strcmp(a->initial_type, "active_alerts") != 0)
        return "";
    return "; crackerjack's alert channel never sends alert messages (broadcast_alert is "
           "never called in 0.33.1 to 0.46.4), so a real crackerjack server cannot pass "
           "this check";
}

static int await_alert(struct alerts *a, double triggered)
{
    int got = wait_for(a, triggered + a->within, is_alert, &a->alert);
    if (got == 0) {
        char buf[WSC_RENDER_MAX + 8];
        mon_feed_fail_plain(&a->f, "no %s message%s%s within %g s after the trigger%s",
                            a->alert_type, a->match ? " matching " : "",
                            a->match ? mon_render(buf, sizeof buf, a->match) : "",
                            a->within, never_sent(a));
    }
    if (got != 1)
        return -1;
    a->alert_index = a->f.index;
    wsc_metric(a->f.ctx, "delivery_ms", (a->f.t - triggered) * 1000.0, "ms");
    char *problem = mon_fields_problem(a->fields, a->alert);
    if (problem) {
        mon_feed_fail(&a->f, "%s", problem);
        free(problem);
        return -1;
    }
    return 0;
}

/* A copy of v where strings "$alert/POINTER" are the alert's values. */
static struct json_object *substitute(const struct json_object *v,
                                      struct json_object *alert)
{
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string((struct json_object *)v);
        if (strncmp(s, "$alert", 6) == 0 && (s[6] == '\0' || s[6] == '/')) {
            struct json_object *found = wsc_json_pointer_get(alert, s + 6);
            return json_object_get(found);
        }
    }
    struct json_object *copy = NULL;
    if (json_object_deep_copy((struct json_object *)v, &copy, NULL) != 0)
        return NULL;
    if (json_object_is_type(copy, json_type_object)) {
        json_object_object_foreach(copy, key, member)
            json_object_object_add(copy, key, substitute(member, alert));
    } else if (json_object_is_type(copy, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(copy); i++)
            json_object_array_put_idx(
                copy, i, substitute(json_object_array_get_idx(copy, i), alert));
    }
    return copy;
}

static int is_ack(const struct alerts *a, struct json_object *msg)
{
    return !a->ack_expect || wsc_match(a->ack_expect, msg, "", NULL) == 1;
}

static int acknowledge(struct alerts *a)
{
    if (!a->ack)
        return 0;
    struct json_object *send = substitute(wsc_param(a->ack, "send"), a->alert);
    double within = wsc_param_number(a->ack, "within", 2);
    enum wsc_ws_result r = send ? wsc_stream_send(a->f.ws, send) : WSC_WS_ERROR;
    json_object_put(send);
    if (r != WSC_WS_OK) {
        mon_feed_fail_plain(&a->f, "sending the acknowledgement: %s",
                            wsc_ws_error(a->f.ws));
        return -1;
    }
    double sent = wsc_now();
    const struct json_object *ack_expect = a->ack_expect = wsc_param(a->ack, "expect");
    int got = wait_for(a, sent + within, is_ack, &a->ack_answer);
    if (got == 0) {
        char buf[WSC_RENDER_MAX + 8];
        mon_feed_fail_plain(&a->f, "no answer%s%s to the acknowledgement within %g s",
                            ack_expect ? " matching " : "",
                            ack_expect ? mon_render(buf, sizeof buf, ack_expect) : "",
                            within);
    }
    if (got != 1)
        return -1;
    wsc_metric(a->f.ctx, "ack_ms", (a->f.t - sent) * 1000.0, "ms");
    return 0;
}

static int never(const struct alerts *a, struct json_object *msg)
{
    (void)a;
    (void)msg;
    return 0;
}

static void deliver(struct alerts *a)
{
    if (first_message(a) != 0)
        return;
    double triggered = wsc_now();
    if (a->trigger && mon_trigger(a->f.ctx, a->trigger, &a->trigger_answer) != 0) {
        a->trigger_failed = 1;
        return;
    }
    if (await_alert(a, triggered) != 0 || acknowledge(a) != 0)
        return;
    /* Anything matching from now on is the same alert again. */
    struct json_object *none = NULL;
    if (a->linger > 0)
        wait_for(a, wsc_now() + a->linger, never, &none);
}

static struct json_object *outputs_of(const struct alerts *a)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    if (a->first)
        json_object_object_add(o, "first", json_object_get(a->first));
    if (a->alert)
        json_object_object_add(o, "alert", json_object_get(a->alert));
    if (a->ack_answer)
        json_object_object_add(o, "ack", json_object_get(a->ack_answer));
    if (a->trigger_answer)
        json_object_object_add(o, "trigger", json_object_get(a->trigger_answer));
    return o;
}

static void configure(struct json_object *params, struct alerts *a)
{
    a->type_ptr = wsc_param_string(params, "type_pointer", "/type");
    a->initial_type = wsc_param_string(params, "initial_type", "active_alerts");
    a->alert_type = wsc_param_string(params, "alert_type", "alert");
    a->match = wsc_param(params, "alert");
    a->trigger = wsc_param_object(params, "trigger");
    a->ack = wsc_param_object(params, "ack");
    a->within = wsc_param_number(params, "within", 3);
    a->linger = wsc_param_number(params, "linger", 1);
    a->fields = fields_of(params);
}

void mon_alert_delivery(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct alerts a;
    memset(&a, 0, sizeof a);
    configure(params, &a);
    struct wsc_stream_options so;
    wsc_stream_options_init(&so);
    if (!a.fields) {
        wsc_error(ctx, "out of memory");
    } else if (mon_feed_open(&a.f, ctx, params, &so, MON_ALERTS) == 0) {
        deliver(&a);
        int failed = mon_feed_finish(&a.f) != 0 || a.trigger_failed;
        struct json_object *outputs = outputs_of(&a);
        if (!outputs)
            wsc_error(ctx, "out of memory");
        else
            mon_publish(ctx, failed ? NULL : expect, outputs);
    }
    mon_feed_free(&a.f);
    json_object_put(a.fields);
    json_object_put(a.first);
    json_object_put(a.alert);
    json_object_put(a.ack_answer);
    json_object_put(a.trigger_answer);
}
