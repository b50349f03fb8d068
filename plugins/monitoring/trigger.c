/* What raises the alert an alert_delivery check waits for: an HTTP request
 * (<wscheck/http.h>), an MCP tool call (<wscheck/mcp.h>) or a command run
 * by /bin/sh. Each reports its own failure; what it answered becomes the
 * check's `trigger` output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wscheck/http.h>
#include <wscheck/mcp.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

/* Bytes of a command's output kept. */
#define MAX_OUTPUT 65536

static int http_trigger(struct wsc_ctx *ctx, const struct json_object *t,
                        struct json_object **answer)
{
    struct wsc_http_request req;
    struct wsc_http_response resp;
    char *err = NULL;
    memset(&req, 0, sizeof req);
    const struct json_object *body = wsc_param(t, "body");
    req.url = wsc_param_string(t, "url", "");
    req.method = wsc_param_string(t, "method", body ? "POST" : "GET");
    req.headers = wsc_param_object(t, "headers");
    if (json_object_is_type(body, json_type_string)) {
        req.body = json_object_get_string((struct json_object *)body);
        req.body_len = (size_t)json_object_get_string_len(body);
    } else {
        req.json = body;
    }
    if (wsc_http_request(ctx, &req, &resp, &err) != 0) {
        wsc_fail(ctx, "trigger: %s", err ? err : "out of memory");
        free(err);
        return -1;
    }
    *answer = json_object_new_object();
    if (*answer) {
        json_object_object_add(*answer, "status", json_object_new_int64(resp.status));
        json_object_object_add(*answer, "body",
                               resp.json
                                   ? json_object_get(resp.json)
                                   : wsc_http_body_text(resp.body, resp.body_len, 4096));
    }
    int rc = 0;
    if (resp.status >= 400) {
        char text[WSC_RENDER_MAX + 8];
        wsc_render_text_buf(text, sizeof text, resp.body, resp.body_len);
        wsc_fail(ctx, "trigger: %s %s answered %ld%s%s", req.method, req.url, resp.status,
                 text[0] ? ": " : "", text);
        rc = -1;
    }
    wsc_http_response_free(&resp);
    return rc;
}

/* The MCP options of the trigger: its `mcp` as the url, its headers. */
static int mcp_options(struct wsc_ctx *ctx, const struct json_object *t,
                       struct wsc_mcp_options *opt)
{
    struct json_object *p = json_object_new_object();
    struct json_object *headers = wsc_param_object(t, "headers");
    char *err = NULL;
    int rc = -1;
    if (p &&
        json_object_object_add(
            p, "url", json_object_new_string(wsc_param_string(t, "mcp", ""))) == 0 &&
        (!headers || json_object_object_add(p, "headers", json_object_get(headers)) == 0))
        rc = wsc_mcp_options_parse(ctx, p, opt, &err);
    if (rc != 0)
        wsc_error(ctx, "trigger: %s", err ? err : "out of memory");
    free(err);
    json_object_put(p);
    return rc;
}

static int tool_failed(struct wsc_ctx *ctx, const char *tool, struct json_object *result)
{
    struct json_object *is_error = NULL;
    if (!json_object_object_get_ex(result, "isError", &is_error) ||
        !json_object_get_boolean(is_error))
        return 0;
    char text[WSC_RENDER_MAX + 8];
    wsc_fail(ctx, "trigger: tool %s answered isError: true: %s", tool,
             mon_render(text, sizeof text, json_object_object_get(result, "content")));
    return -1;
}

/* tools/call's params: {name, arguments}. NULL when out of memory. */
static struct json_object *call_params(const char *tool, const struct json_object *args)
{
    struct json_object *p = json_object_new_object();
    if (p && json_object_object_add(p, "name", json_object_new_string(tool)) == 0 &&
        json_object_object_add(p, "arguments",
                               args ? json_object_get((struct json_object *)args)
                                    : json_object_new_object()) == 0)
        return p;
    json_object_put(p);
    return NULL;
}

static int call_tool(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *tool,
                     const struct json_object *args, struct json_object **answer)
{
    struct json_object *p = call_params(tool, args), *resp = NULL;
    if (!p) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    if (wsc_mcp_initialize(m, 0) != WSC_MCP_OK) {
        json_object_put(p);
        wsc_fail(ctx, "trigger: %s", wsc_mcp_error(m));
        return -1;
    }
    /* The request takes p. */
    if (wsc_mcp_request(m, "tools/call", p, 0, &resp) != WSC_MCP_OK) {
        json_object_put(resp);
        wsc_fail(ctx, "trigger: tools/call %s: %s", tool, wsc_mcp_error(m));
        return -1;
    }
    struct json_object *result = json_object_object_get(resp, "result");
    int rc = tool_failed(ctx, tool, result);
    *answer = json_object_new_object();
    if (*answer && result)
        json_object_object_add(*answer, "result", json_object_get(result));
    json_object_put(resp);
    return rc;
}

static int mcp_trigger(struct wsc_ctx *ctx, const struct json_object *t,
                       struct json_object **answer)
{
    struct wsc_mcp_options opt;
    if (mcp_options(ctx, t, &opt) != 0)
        return -1;
    struct wsc_mcp *m = wsc_mcp_open(ctx, &opt, 0);
    wsc_mcp_options_free(&opt);
    if (!m) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    int rc = call_tool(ctx, m, wsc_param_string(t, "tool", ""),
                       wsc_param_object(t, "arguments"), answer);
    wsc_mcp_close(m, wsc_ws_within(ctx, 2.0));
    wsc_mcp_free(m);
    return rc;
}

/* Reads the child's output until EOF or the deadline; 0, or -1 at the
 * deadline. */
static int read_output(struct wsc_ctx *ctx, int fd, char *buf, size_t *len)
{
    for (;;) {
        double left = wsc_remaining(ctx);
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, (int)(left * 1000) + 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? -1 : 0;
        char tmp[4096];
        ssize_t got = read(fd, tmp, sizeof tmp);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 0;
        size_t keep = (size_t)got;
        if (*len + keep > MAX_OUTPUT)
            keep = MAX_OUTPUT - *len;
        memcpy(buf + *len, tmp, keep);
        *len += keep;
    }
}

static pid_t spawn(const char *command, int *out_fd)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(fds[1], 1) < 0 ||
            dup2(fds[1], 2) < 0)
            _exit(127);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    *out_fd = fds[0];
    return pid;
}

static int command_trigger(struct wsc_ctx *ctx, const struct json_object *t,
                           struct json_object **answer)
{
    const char *command = wsc_param_string(t, "command", "");
    int fd = -1, status = 0;
    pid_t pid = spawn(command, &fd);
    if (pid < 0) {
        wsc_error(ctx, "trigger: cannot run the command: %s", strerror(errno));
        return -1;
    }
    char *buf = malloc(MAX_OUTPUT + 1);
    size_t len = 0;
    int timed_out = buf ? read_output(ctx, fd, buf, &len) : -1;
    close(fd);
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!buf) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    buf[len] = '\0';
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    *answer = json_object_new_object();
    if (*answer) {
        json_object_object_add(*answer, "exit_status", json_object_new_int(code));
        json_object_object_add(*answer, "output", wsc_http_body_text(buf, len, 4096));
    }
    char text[WSC_RENDER_MAX + 8];
    wsc_render_text_buf(text, sizeof text, buf, len);
    free(buf);
    if (timed_out) {
        wsc_fail(ctx,
                 "trigger: the command was still running when the test's timeout of "
                 "%g s ran out",
                 wsc_timeout(ctx));
        return -1;
    }
    if (code != 0) {
        wsc_fail(ctx, "trigger: the command exited with status %d%s%s", code,
                 text[0] ? ": " : "", text);
        return -1;
    }
    return 0;
}

int mon_trigger(struct wsc_ctx *ctx, const struct json_object *trigger,
                struct json_object **answer)
{
    *answer = NULL;
    if (wsc_param(trigger, "mcp"))
        return mcp_trigger(ctx, trigger, answer);
    if (wsc_param(trigger, "command"))
        return command_trigger(ctx, trigger, answer);
    return http_trigger(ctx, trigger, answer);
}
