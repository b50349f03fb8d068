/* The progress socket /ws/progress/{job_id}: opening it (a 403 for a valid
 * id is the known route bug), its first frame, and the shape of a progress
 * object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

static void rejected(struct wsc_ctx *ctx, struct wsc_ws *ws, const char *job_id)
{
    long status = wsc_ws_http_status(ws);
    if (status == 403 && cj_job_id_valid(job_id))
        wsc_fail(ctx, "progress socket of job \"%s\": HTTP 403 for a valid job id; %s",
                 job_id, cj_known_bug(CJ_BUG_ROUTE_SPACES));
    else if (status)
        wsc_fail(ctx, "progress socket of job \"%s\": HTTP %ld, expected 101", job_id,
                 status);
    else
        wsc_fail(ctx, "progress socket of job \"%s\": %s", job_id, wsc_ws_error(ws));
}

struct wsc_ws *cj_progress_open(struct wsc_ctx *ctx, const struct json_object *params,
                                const char *job_id, double deadline)
{
    struct wsc_ws_options opt;
    wsc_ws_options_init(&opt);
    opt.url = cj_progress_url(params, job_id);
    if (!opt.url) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, deadline, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&opt);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    if (wsc_ws_status(ws) != WSC_WS_OK) {
        rejected(ctx, ws, job_id);
        wsc_ws_free(ws);
        return NULL;
    }
    return ws;
}

/* A close or a drop where a frame was due. */
static void ended(struct wsc_ctx *ctx, struct wsc_ws *ws, const char *job_id,
                  const char *what)
{
    int code = wsc_ws_peer_close_code(ws);
    if (code == 0 || code == 1011)
        wsc_fail(ctx, "progress socket of job \"%s\": %s: %s; %s", job_id, what,
                 code ? "closed with 1011" : wsc_ws_error(ws),
                 cj_known_bug(CJ_BUG_SOCKET_DROP));
    else
        wsc_fail(ctx, "progress socket of job \"%s\": %s: closed with %d %s", job_id,
                 what, code, wsc_ws_peer_close_reason(ws));
}

struct json_object *cj_first_frame(struct wsc_ctx *ctx, struct wsc_ws *ws,
                                   const char *job_id, double deadline)
{
    struct wsc_ws_msg msg;
    struct json_object *v = NULL;
    enum wsc_ws_result r = wsc_ws_recv_json(ws, &msg, &v, deadline);
    if (r == WSC_WS_TIMEOUT) {
        wsc_fail(ctx, "progress socket of job \"%s\": no first frame: %s", job_id,
                 wsc_ws_error(ws));
        return NULL;
    }
    if (r != WSC_WS_OK || msg.kind == WSC_WS_CLOSE) {
        ended(ctx, ws, job_id, "no first frame");
        json_object_put(v);
        return NULL;
    }
    const char *id = cj_str(v, "job_id");
    if (!json_object_is_type(v, json_type_object) || !id || !cj_str(v, "status")) {
        wsc_fail(ctx,
                 "progress socket of job \"%s\": the first frame is not an object "
                 "with job_id and status strings: %.200s",
                 job_id, msg.data);
    } else if (strcmp(id, job_id) != 0) {
        wsc_fail(ctx, "progress socket of job \"%s\": the first frame names job \"%s\"",
                 job_id, id);
    } else {
        return v;
    }
    json_object_put(v);
    return NULL;
}

int cj_is_waiting(const struct json_object *frame)
{
    const char *status = cj_str(frame, "status");
    return status && strcmp(status, "waiting") == 0;
}

int cj_is_other_frame(const struct json_object *frame)
{
    return json_object_object_get_ex(frame, "type", NULL) ||
           json_object_object_get_ex(frame, "event_type", NULL);
}

char *cj_progress_shape(const struct json_object *frame, const char *job_id)
{
    static const struct {
        const char *key;
        enum json_type type;
    } members[] = {
        {"job_id", json_type_string},        {"status", json_type_string},
        {"iteration", json_type_int},        {"max_iterations", json_type_int},
        {"overall_progress", json_type_int}, {"current_stage", json_type_string},
        {"stage_progress", json_type_int},   {"message", json_type_string},
        {"timestamp", json_type_string},
    };
    char buf[256];
    buf[0] = '\0';
    if (!json_object_is_type(frame, json_type_object))
        snprintf(buf, sizeof buf, "not a JSON object");
    for (size_t i = 0; !buf[0] && i < sizeof members / sizeof members[0]; i++) {
        struct json_object *v = NULL;
        if (!json_object_object_get_ex(frame, members[i].key, &v))
            snprintf(buf, sizeof buf, "/%s: missing", members[i].key);
        else if (!json_object_is_type(v, members[i].type))
            snprintf(buf, sizeof buf, "/%s: expected %s, got %.60s", members[i].key,
                     members[i].type == json_type_int ? "an integer" : "a string",
                     json_object_to_json_string(v));
    }
    if (!buf[0] && strcmp(cj_str(frame, "job_id"), job_id) != 0)
        snprintf(buf, sizeof buf, "/job_id: \"%.60s\", not \"%.60s\"",
                 cj_str(frame, "job_id"), job_id);
    return buf[0] ? strdup(buf) : NULL;
}
