/* echo: the progress socket of a job answers 101 (an invalid id 403), sends
 * a first frame naming the job, and echoes a text frame as
 * {"type":"echo","message":"Received: TEXT","job_id":ID[,"message_count":N]}.
 * Pushed progress objects before the echo are skipped. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

/* An invalid id must be refused with 403 (§6): a server accepting it does
 * not check ids. */
static void invalid_refused(struct wsc_ctx *ctx, const struct json_object *params)
{
    const char *bad = wsc_param_string(params, "invalid_id", "bad@id");
    struct wsc_ws_options opt;
    wsc_ws_options_init(&opt);
    opt.url = cj_progress_url(params, bad);
    struct wsc_ws *ws =
        opt.url ? wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT) : NULL;
    if (!ws)
        wsc_error(ctx, "out of memory");
    else if (wsc_ws_status(ws) == WSC_WS_OK)
        wsc_fail(ctx,
                 "progress socket of the invalid job id \"%s\": accepted (101), "
                 "expected 403",
                 bad);
    else if (wsc_ws_http_status(ws) != 403)
        wsc_fail(
            ctx, "progress socket of the invalid job id \"%s\": %s%ld, expected 403", bad,
            wsc_ws_http_status(ws) ? "HTTP " : "no answer: ", wsc_ws_http_status(ws));
    if (ws && wsc_ws_status(ws) == WSC_WS_OK)
        wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
    wsc_ws_options_free(&opt);
}

/* The echo's members; a missing message_count is a note (v0.31). */
static void check_echo(struct wsc_ctx *ctx, const struct json_object *echo,
                       const char *job_id, const char *text)
{
    const char *message = cj_str(echo, "message"), *id = cj_str(echo, "job_id");
    size_t n = strlen(text);
    int64_t count = 0;
    if (!message || strncmp(message, "Received: ", 10) || strlen(message) != 10 + n ||
        memcmp(message + 10, text, n))
        wsc_fail(ctx, "echo: message is %.200s, expected \"Received: %.200s\"",
                 message ? message : "missing", text);
    if (!id || strcmp(id, job_id))
        wsc_fail(ctx, "echo: job_id is %s, expected \"%s\"", id ? id : "missing", job_id);
    if (!json_object_object_get_ex(echo, "message_count", NULL))
        wsc_note(ctx, "echo: no message_count (%s)",
                 cj_known_bug(CJ_BUG_NO_MESSAGE_COUNT));
    else if (!cj_int(echo, "message_count", &count) || count != 1)
        wsc_fail(
            ctx, "echo: message_count is %s, expected 1 for the first message",
            json_object_to_json_string(json_object_object_get(echo, "message_count")));
}

/* The first frame whose type is "echo", within the deadline. */
static struct json_object *await_echo(struct wsc_ctx *ctx, struct wsc_ws *ws,
                                      const char *job_id, double deadline)
{
    for (;;) {
        struct wsc_ws_msg msg;
        struct json_object *v = NULL;
        enum wsc_ws_result r = wsc_ws_recv_json(ws, &msg, &v, deadline);
        if (r != WSC_WS_OK || msg.kind == WSC_WS_CLOSE) {
            wsc_fail(ctx, "progress socket of job \"%s\": no echo: %s", job_id,
                     r == WSC_WS_OK ? "the server closed the connection"
                                    : wsc_ws_error(ws));
            json_object_put(v);
            return NULL;
        }
        const char *type = cj_str(v, "type");
        if (type && strcmp(type, "echo") == 0)
            return v;
        json_object_put(v);
    }
}

void cj_check_echo(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    const char *job_id = wsc_param_string(params, "job_id", "wscheck-echo");
    const char *text = wsc_param_string(params, "text", "wscheck echo probe");
    double within = wsc_param_number(params, "within", 2.0);
    struct wsc_ws *ws = cj_progress_open(ctx, params, job_id, 0);
    if (!ws)
        return;
    wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(ws), "ms");
    struct json_object *first =
        cj_first_frame(ctx, ws, job_id, wsc_ws_within(ctx, within));
    struct json_object *echo = NULL, *outputs = json_object_new_object();
    double t0 = wsc_now();
    if (first && outputs && wsc_ws_send_text(ws, text, strlen(text)) != WSC_WS_OK)
        wsc_fail(ctx, "progress socket of job \"%s\": sending: %s", job_id,
                 wsc_ws_error(ws));
    else if (first && outputs &&
             (echo = await_echo(ctx, ws, job_id, wsc_ws_within(ctx, within)))) {
        wsc_metric(ctx, "echo_ms", cj_ms(t0, wsc_now()), "ms");
        check_echo(ctx, echo, job_id, text);
    }
    if (first && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
    if (wsc_param_bool(params, "check_invalid_id", 1))
        invalid_refused(ctx, params);
    if (outputs && first) {
        json_object_object_add(outputs, "first", json_object_get(first));
        if (echo)
            json_object_object_add(outputs, "echo", json_object_get(echo));
        cj_publish(ctx, params, outputs);
    }
    json_object_put(outputs);
    json_object_put(first);
    json_object_put(echo);
}
