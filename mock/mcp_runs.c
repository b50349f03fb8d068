/* wscheck-mock: simulated commands of the development toolkit. */
#include "mcp_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "log.h"
#include "mcp_server.h"
#include "mcp_sink.h"
#include "server.h"
#include "timefmt.h"

struct run_command {
    const char *name;
    int default_lines;
    const char *work;         /* line i is "<work> <i>" */
    const char *ok_summary;   /* the last line */
    const char *fail_summary; /* the last line of a failing run */
};

static const struct run_command commands[] = {
    {"lint", 4, "lint: checking src/module", "lint: no problems found",
     "lint: 2 problems found"},
    {"test", 6, "test: ok test_case", "test: all tests passed", "test: 1 test failed"},
    {"build", 5, "build: compiling unit", "build: finished", "build: failed"},
};

#define N_COMMANDS (int)(sizeof(commands) / sizeof(*commands))

static const char *const level_names[] = {"debug", "info",     "notice", "warning",
                                          "error", "critical", "alert",  "emergency"};

#define LEVEL_INFO 1
#define LEVEL_ERROR 4

struct mcp_run {
    lws_sorted_usec_list_t sul;
    struct mock_server *srv;
    struct mcp_run *next;
    char session[MCP_RUN_KEY_LEN];
    json_object *rpc_id, *token, *output;
    struct mcp_sink *sink;
    struct mcp_run_spec spec;
    int step; /* lines sent so far */
    bool stalled;
};

struct mcp_stream {
    struct mcp_stream *next;
    char session[MCP_RUN_KEY_LEN];
    struct mcp_sink *sink;
    const int *level;
};

int mcp_log_level(const char *name)
{
    for (int i = 0; i < (int)(sizeof(level_names) / sizeof(*level_names)); i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

int mcp_run_command_index(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return i;
    return -1;
}

int mcp_run_default_lines(int command)
{
    return commands[command].default_lines;
}

json_object *mcp_run_command_names(void)
{
    json_object *a = json_object_new_array();

    for (int i = 0; a && i < N_COMMANDS; i++)
        mock_json_append(a, json_object_new_string(commands[i].name));
    return a;
}

/* ---- messages ---- */

static json_object *notification(const char *method, json_object *params)
{
    json_object *o = json_object_new_object();

    if (!o) {
        json_object_put(params);
        return NULL;
    }
    mock_json_add(o, "jsonrpc", json_object_new_string("2.0"));
    mock_json_add(o, "method", json_object_new_string(method));
    mock_json_add(o, "params", params);
    return o;
}

static json_object *log_message(int level, const char *logger, json_object *data)
{
    json_object *p = json_object_new_object();

    if (!p) {
        json_object_put(data);
        return NULL;
    }
    mock_json_add(p, "level", json_object_new_string(level_names[level]));
    mock_json_add(p, "logger", json_object_new_string(logger));
    mock_json_add(p, "data", data);
    return notification("notifications/message", p);
}

static void send_taken(struct mcp_sink *sink, json_object *msg)
{
    if (msg && sink->send(sink, msg) != 0)
        mock_log(MOCK_LOG_INFO, "MCP: a streamed message was not sent");
    json_object_put(msg);
}

/* A status update to the session's standing streams. */
static void status_update(struct mcp_run *r, const char *event)
{
    for (struct mcp_stream *s = r->srv->mcp_streams; s; s = s->next) {
        json_object *d = json_object_new_object();

        if (strcmp(s->session, r->session) != 0 || (s->level && *s->level > LEVEL_INFO) ||
            !d) {
            json_object_put(d);
            continue;
        }
        mock_json_add(d, "event", json_object_new_string(event));
        mock_json_add(d, "command",
                      json_object_new_string(commands[r->spec.command].name));
        mock_json_add(d, "request_id", json_object_get(r->rpc_id));
        if (strcmp(event, "command_finished") == 0)
            mock_json_add(d, "exit_code", json_object_new_int(r->spec.fail ? 1 : 0));
        mock_json_add(d, "timestamp", mock_json_now());
        send_taken(s->sink, log_message(LEVEL_INFO, "status", d));
    }
}

static void send_line(struct mcp_run *r, const char *text, int level)
{
    json_object *d = json_object_new_object();

    if (level < r->spec.min_level || !d) {
        json_object_put(d);
        return;
    }
    mock_json_add(d, "command", json_object_new_string(commands[r->spec.command].name));
    mock_json_add(d, "line", json_object_new_string(text));
    send_taken(r->sink, log_message(level, "run_command", d));
}

static void send_progress(struct mcp_run *r, int progress, const char *text)
{
    json_object *p = json_object_new_object();

    if (!r->token || !p) {
        json_object_put(p);
        return;
    }
    mock_json_add(p, "progressToken",
                  r->spec.misbehave == MCP_MIS_WRONG_TOKEN
                      ? json_object_new_string("not-the-token")
                      : json_object_get(r->token));
    mock_json_add(p, "progress", json_object_new_int(progress));
    mock_json_add(p, "total", json_object_new_int(r->spec.lines));
    mock_json_add(p, "message", json_object_new_string(text));
    send_taken(r->sink, notification("notifications/progress", p));
}

static json_object *result_object(const struct mcp_run *r)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "command", json_object_new_string(commands[r->spec.command].name));
    mock_json_add(o, "status",
                  json_object_new_string(r->spec.fail ? "failed" : "success"));
    mock_json_add(o, "exit_code", json_object_new_int(r->spec.fail ? 1 : 0));
    mock_json_add(o, "lines", json_object_new_int(r->spec.lines));
    mock_json_add(o, "output", json_object_get(r->output));
    return o;
}

static void send_result(struct mcp_run *r)
{
    json_object *id = r->spec.misbehave == MCP_MIS_WRONG_ID
                          ? json_object_new_string("not-the-request-id")
                          : json_object_get(r->rpc_id);

    send_taken(r->sink, mcp_tool_response_ex(id, result_object(r), r->spec.fail));
    json_object_put(id);
}

/* ---- the run ---- */

static void run_unlink(struct mcp_run *r)
{
    for (struct mcp_run **p = &r->srv->mcp_runs; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
}

static void run_free(struct mcp_run *r)
{
    lws_sul_cancel(&r->sul);
    run_unlink(r);
    json_object_put(r->rpc_id);
    json_object_put(r->token);
    json_object_put(r->output);
    free(r);
}

static void finish(struct mcp_run *r)
{
    struct mcp_sink *sink = r->sink;
    char text[80];

    send_result(r);
    if (r->spec.misbehave == MCP_MIS_AFTER_RESULT) {
        snprintf(text, sizeof(text), "%s: one more line after the result",
                 commands[r->spec.command].name);
        send_line(r, text, LEVEL_INFO);
        send_progress(r, r->spec.lines + 1, text);
    }
    r->srv->mcp_counts.completed++;
    r->srv->mcp_counts.failed += r->spec.fail;
    status_update(r, "command_finished");
    run_free(r);
    if (sink->done)
        sink->done(sink, true);
}

static void line_text(const struct mcp_run *r, int i, char *out, size_t outlen)
{
    const struct run_command *c = &commands[r->spec.command];

    if (i < r->spec.lines)
        snprintf(out, outlen, "%s %d", c->work, i);
    else
        snprintf(out, outlen, "%s", r->spec.fail ? c->fail_summary : c->ok_summary);
}

static void step(lws_sorted_usec_list_t *sul)
{
    struct mcp_run *r = lws_container_of(sul, struct mcp_run, sul);
    int i = r->step + 1, progress = i;
    bool last = i == r->spec.lines;
    char text[96];

    line_text(r, i, text, sizeof(text));
    if (last && r->spec.misbehave == MCP_MIS_PROGRESS_BACKWARDS && i > 1)
        progress = 1;
    mock_json_append(r->output, json_object_new_string(text));
    send_line(r, text, last && r->spec.fail ? LEVEL_ERROR : LEVEL_INFO);
    send_progress(r, progress, text);
    r->step = i;
    if (!last) {
        lws_sul_schedule(r->srv->ctx, 0, &r->sul, step,
                         (lws_usec_t)r->spec.interval_ms * 1000);
        return;
    }
    if (r->spec.stall) {
        r->stalled = true; /* until cancelled or the peer goes */
        return;
    }
    finish(r);
}

int mcp_runs_start(struct mock_server *srv, const char *session, json_object *rpc_id,
                   json_object *token, const struct mcp_run_spec *spec,
                   struct mcp_sink *sink, char *err, size_t errlen)
{
    struct mcp_run *r;
    size_t n = 0;

    for (r = srv->mcp_runs; r; r = r->next)
        n++;
    if (n >= MCP_RUNS_MAX) {
        snprintf(err, errlen, "Too many commands running (%d); cancel some",
                 MCP_RUNS_MAX);
        return -1;
    }
    r = calloc(1, sizeof(*r));
    if (!r || !(r->output = json_object_new_array())) {
        free(r);
        snprintf(err, errlen, "Internal error");
        return -1;
    }
    r->srv = srv;
    snprintf(r->session, sizeof(r->session), "%s", session);
    r->rpc_id = json_object_get(rpc_id);
    r->token = json_object_get(token);
    r->sink = sink;
    r->spec = *spec;
    r->next = srv->mcp_runs;
    srv->mcp_runs = r;
    srv->mcp_counts.started++;
    status_update(r, "command_started");
    mock_log(MOCK_LOG_INFO, "MCP: run_command %s (%d lines, %d ms apart)",
             commands[spec->command].name, spec->lines, spec->interval_ms);
    /* The first line too comes from the timer, after the call returned. */
    lws_sul_schedule(srv->ctx, 0, &r->sul, step, (lws_usec_t)spec->interval_ms * 1000);
    return 0;
}

void mcp_runs_cancel(struct mock_server *srv, const char *session,
                     json_object *request_id)
{
    struct mcp_run *r;
    struct mcp_sink *sink;

    for (r = srv->mcp_runs; r; r = r->next)
        if (strcmp(r->session, session) == 0 && json_object_equal(r->rpc_id, request_id))
            break;
    if (!r)
        return; /* finished already, or never ours: the spec says ignore */
    mock_log(MOCK_LOG_INFO, "MCP: run_command %s cancelled",
             commands[r->spec.command].name);
    srv->mcp_counts.cancelled++;
    status_update(r, "command_cancelled");
    sink = r->sink;
    run_free(r);
    if (sink->done)
        sink->done(sink, false);
}

void mcp_runs_detach(struct mock_server *srv, struct mcp_sink *sink)
{
    struct mcp_run **p = &srv->mcp_runs;
    struct mcp_stream **s = &srv->mcp_streams;

    while (*p) {
        struct mcp_run *r = *p;

        if (r->sink != sink) {
            p = &r->next;
            continue;
        }
        srv->mcp_counts.cancelled++;
        run_free(r); /* unlinks r: *p is the next one */
    }
    while (*s) {
        struct mcp_stream *st = *s;

        if (st->sink != sink) {
            s = &st->next;
            continue;
        }
        *s = st->next;
        free(st);
    }
}

static json_object *running_entry(const struct mcp_run *r)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    mock_json_add(o, "request_id", json_object_get(r->rpc_id));
    mock_json_add(o, "command", json_object_new_string(commands[r->spec.command].name));
    mock_json_add(o, "state", json_object_new_string(r->stalled ? "stalled" : "running"));
    mock_json_add(o, "progress", json_object_new_int(r->step));
    mock_json_add(o, "total", json_object_new_int(r->spec.lines));
    return o;
}

json_object *mcp_runs_status(const struct mock_server *srv)
{
    json_object *o = json_object_new_object(), *running = json_object_new_array();
    const struct mcp_counts *n = &srv->mcp_counts;

    if (!o || !running) {
        json_object_put(o);
        json_object_put(running);
        return NULL;
    }
    for (const struct mcp_run *r = srv->mcp_runs; r; r = r->next)
        mock_json_append(running, running_entry(r));
    mock_json_add(o, "available", mcp_run_command_names());
    mock_json_add(o, "running", running);
    mock_json_add(o, "started", json_object_new_int64((int64_t)n->started));
    mock_json_add(o, "completed", json_object_new_int64((int64_t)n->completed));
    mock_json_add(o, "failed", json_object_new_int64((int64_t)n->failed));
    mock_json_add(o, "cancelled", json_object_new_int64((int64_t)n->cancelled));
    return o;
}

void mcp_runs_free_all(struct mock_server *srv)
{
    struct mcp_stream *s;

    while (srv->mcp_runs)
        run_free(srv->mcp_runs);
    while ((s = srv->mcp_streams)) {
        srv->mcp_streams = s->next;
        free(s);
    }
}

#define MCP_STREAMS_MAX 1024

int mcp_streams_add(struct mock_server *srv, const char *session, struct mcp_sink *sink,
                    const int *level)
{
    struct mcp_stream *s;
    size_t n = 0;

    for (s = srv->mcp_streams; s; s = s->next)
        n++;
    if (n >= MCP_STREAMS_MAX || !(s = calloc(1, sizeof(*s))))
        return -1;
    snprintf(s->session, sizeof(s->session), "%s", session);
    s->sink = sink;
    s->level = level;
    s->next = srv->mcp_streams;
    srv->mcp_streams = s;
    return 0;
}

bool mcp_streams_has(const struct mock_server *srv, const char *session)
{
    for (const struct mcp_stream *s = srv->mcp_streams; s; s = s->next)
        if (strcmp(s->session, session) == 0)
            return true;
    return false;
}
