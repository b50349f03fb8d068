/* MCP over stdio: the server is a child process; one JSON-RPC message per
 * line on its stdin and stdout, stderr kept (bounded) for the test's notes.
 * The child dies with the check's process (PR_SET_PDEATHSIG) and is ended
 * and reaped on close and on free. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mcp_internal.h"

#define READ_CHUNK 65536

struct stdio {
    pid_t pid;
    int in, out, err;           /* our ends: the child's stdin, stdout, stderr */
    struct wsc_buf pending_out; /* bytes not yet written to stdin */
    size_t written;
    struct wsc_buf line;   /* the stdout line being read */
    struct wsc_buf errbuf; /* what is kept of stderr */
    size_t err_dropped;
    int status; /* the child's wait status, once reaped */
    int reaped;
    int noted;
};

static struct stdio *st(struct wsc_mcp *m)
{
    return m->tp_state;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void reap(struct stdio *s, int wait)
{
    if (s->pid <= 0 || s->reaped)
        return;
    pid_t r;
    do
        r = waitpid(s->pid, &s->status, wait ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == s->pid || (r < 0 && errno == ECHILD))
        s->reaped = 1;
}

static void exit_text(const struct stdio *s, char *out, size_t size)
{
    if (!s->reaped)
        snprintf(out, size, "closed its stdout");
    else if (WIFEXITED(s->status))
        snprintf(out, size, "exited with status %d", WEXITSTATUS(s->status));
    else if (WIFSIGNALED(s->status))
        snprintf(out, size, "was killed by signal %d", WTERMSIG(s->status));
    else
        snprintf(out, size, "ended");
}

/* ---- writing --------------------------------------------------------------------- */

static int flush_out(struct wsc_mcp *m)
{
    struct stdio *s = st(m);
    while (s->written < s->pending_out.len) {
        ssize_t n = write(s->in, s->pending_out.data + s->written,
                          s->pending_out.len - s->written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0)
            return mcp_fail(m, "writing to the server's stdin: %s", strerror(errno));
        s->written += (size_t)n;
    }
    wsc_buf_truncate(&s->pending_out, 0);
    s->written = 0;
    return 0;
}

static int stdio_send(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    (void)req_id;
    struct stdio *s = st(m);
    if (s->in < 0)
        return mcp_fail(m, "the server's stdin is closed");
    wsc_buf_append(&s->pending_out, text, len);
    wsc_buf_append(&s->pending_out, "\n", 1);
    if (s->pending_out.failed)
        return mcp_fail(m, "out of memory");
    return flush_out(m);
}

/* ---- reading ------------------------------------------------------------------- */

static int take_lines(struct wsc_mcp *m, const char *data, size_t n)
{
    struct stdio *s = st(m);
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t part = nl ? (size_t)(nl - data) : n;
        if (s->line.len + part > m->opt.max_message_size)
            return mcp_fail(m,
                            "a line from the server is longer than max_message_size %zu",
                            m->opt.max_message_size);
        wsc_buf_append(&s->line, data, part);
        if (s->line.failed)
            return mcp_fail(m, "out of memory");
        if (!nl)
            break;
        size_t len = s->line.len;
        if (len > 0 && s->line.data[len - 1] == '\r')
            len--;
        if (len > 0)
            mcp_receive(m, s->line.data, len);
        wsc_buf_truncate(&s->line, 0);
        data += part + 1;
        n -= part + 1;
    }
    return 0;
}

static void keep_stderr(struct wsc_mcp *m, const char *data, size_t n)
{
    struct stdio *s = st(m);
    size_t room =
        m->opt.max_stderr > s->errbuf.len ? m->opt.max_stderr - s->errbuf.len : 0;
    size_t keep = n < room ? n : room;
    wsc_buf_append(&s->errbuf, data, keep);
    s->err_dropped += n - keep;
}

/* Reads what is there on fd; 1 at end of file, 0, or -1. */
static int drain(struct wsc_mcp *m, int fd, int is_err)
{
    char buf[READ_CHUNK];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0)
            return mcp_fail(m, "reading from the server: %s", strerror(errno));
        if (n == 0)
            return 1;
        if (is_err)
            keep_stderr(m, buf, (size_t)n);
        else if (take_lines(m, buf, (size_t)n) != 0)
            return -1;
    }
}

static int stdio_perform(struct wsc_mcp *m)
{
    struct stdio *s = st(m);
    if (s->err >= 0 && drain(m, s->err, 1) != 0)
        close_fd(&s->err);
    if (s->in >= 0 && s->pending_out.len && flush_out(m) != 0)
        return -1;
    if (s->out >= 0) {
        int r = drain(m, s->out, 0);
        if (r < 0)
            return -1;
        if (r == 1) {
            close_fd(&s->out);
            reap(s, 0);
            char how[64];
            exit_text(s, how, sizeof how);
            return mcp_fail(m, "the server process %s", how);
        }
    }
    return 0;
}

static size_t stdio_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max)
{
    struct stdio *s = st(m);
    size_t n = 0;
    int want[3] = {s->out, s->err, s->pending_out.len ? s->in : -1};
    short ev[3] = {POLLIN, POLLIN, POLLOUT};
    for (int i = 0; i < 3; i++) {
        if (want[i] < 0)
            continue;
        if (n < max) {
            fds[n].fd = want[i];
            fds[n].events = ev[i];
            fds[n].revents = 0;
        }
        n++;
    }
    return n;
}

static long stdio_timeout_ms(struct wsc_mcp *m)
{
    (void)m;
    return -1;
}

/* ---- ending ------------------------------------------------------------------- */

/* Waits until the child exits or `until`, reading what it still writes. */
static void wait_exit(struct wsc_mcp *m, double until)
{
    struct stdio *s = st(m);
    for (;;) {
        reap(s, 0);
        if (s->reaped || wsc_now() >= until)
            return;
        struct pollfd fds[3];
        size_t n = stdio_pollfds(m, fds, 3);
        int t = (int)((until - wsc_now()) * 1000.0);
        poll(fds, n, t < 20 ? (t > 0 ? t : 0) : 20);
        if (s->err >= 0 && drain(m, s->err, 1) != 0)
            close_fd(&s->err);
        if (s->out >= 0) {
            char buf[READ_CHUNK];
            if (read(s->out, buf, sizeof buf) == 0)
                close_fd(&s->out);
        }
    }
}

static void note_stderr(struct wsc_mcp *m)
{
    struct stdio *s = st(m);
    if (s->noted || !m->ctx || s->errbuf.len == 0)
        return;
    s->noted = 1;
    wsc_note(m->ctx, "server stderr%s:\n%s", s->err_dropped ? " (first part)" : "",
             s->errbuf.data);
}

static void end_child(struct wsc_mcp *m, double until)
{
    struct stdio *s = st(m);
    close_fd(&s->in);
    if (s->pid > 0 && !s->reaped) {
        wait_exit(m, until);
        if (!s->reaped) {
            kill(s->pid, SIGTERM);
            wait_exit(m, wsc_now() + 1.0);
        }
        if (!s->reaped) {
            kill(s->pid, SIGKILL);
            reap(s, 1);
        }
    }
    if (s->err >= 0 && drain(m, s->err, 1) != 0)
        close_fd(&s->err);
    note_stderr(m);
}

static void stdio_close(struct wsc_mcp *m, double deadline)
{
    end_child(m, deadline);
}

static void stdio_free(struct wsc_mcp *m)
{
    struct stdio *s = st(m);
    if (!s)
        return;
    end_child(m, wsc_now()); /* no grace: SIGTERM at once */
    close_fd(&s->out);
    close_fd(&s->err);
    wsc_buf_free(&s->pending_out);
    wsc_buf_free(&s->line);
    wsc_buf_free(&s->errbuf);
    free(s);
    m->tp_state = NULL;
}

static const struct mcp_transport stdio_transport = {
    stdio_send, stdio_pollfds, stdio_timeout_ms, stdio_perform, stdio_close, stdio_free,
};

/* ---- starting ------------------------------------------------------------------ */

/* The argv: opt.argv, or the URL's command split on blanks, or sh -c. */
static char **command(const struct wsc_mcp *m, size_t *n)
{
    char **argv = NULL;
    *n = 0;
    const char *cmd =
        m->opt.url && strncmp(m->opt.url, "stdio:", 6) == 0 ? m->opt.url + 6 : NULL;
    if (m->opt.n_argv > 0) {
        for (size_t i = 0; i < m->opt.n_argv; i++)
            if (wsc_strv_push(&argv, n, m->opt.argv[i]) != 0)
                goto oom;
    } else if (cmd && m->opt.shell) {
        if (wsc_strv_push(&argv, n, "/bin/sh") || wsc_strv_push(&argv, n, "-c") ||
            wsc_strv_push(&argv, n, cmd))
            goto oom;
    } else if (cmd) {
        char *copy = strdup(cmd), *save = NULL;
        if (!copy)
            goto oom;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
            if (wsc_strv_push(&argv, n, w) != 0) {
                free(copy);
                goto oom;
            }
        free(copy);
    }
    if (wsc_strv_push(&argv, n, "") != 0) /* room for the NULL */
        goto oom;
    free(argv[--*n]);
    argv[*n] = NULL;
    return argv;
oom:
    wsc_strv_free(argv, *n);
    return NULL;
}

/* In the child: wire the pipes, die with the parent, keep none of the
 * parent's other descriptors (other sessions' sockets and pipes), exec; on
 * failure report errno through the close-on-exec pipe. */
static void child(char **argv, int pin[2], int pout[2], int perr[2], int report)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(perr[1], 2) < 0)
        _exit(127);
    /* best effort: an older kernel without close_range leaves them open */
    (void)close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    execvp(argv[0], argv);
    int e = errno;
    if (write(report, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int spawn(struct wsc_mcp *m, char **argv)
{
    struct stdio *s = st(m);
    int pin[2], pout[2], perr[2], rep[2];
    if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC) ||
        pipe2(rep, O_CLOEXEC))
        return mcp_fail(m, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        return mcp_fail(m, "fork: %s", strerror(errno));
    if (pid == 0)
        child(argv, pin, pout, perr, rep[1]);
    s->pid = pid;
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    close(rep[1]);
    s->in = pin[1];
    s->out = pout[0];
    s->err = perr[0];
    int e = 0;
    ssize_t n;
    do
        n = read(rep[0], &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(rep[0]);
    if (n == (ssize_t)sizeof e) {
        reap(s, 1);
        return mcp_fail(m, "cannot run '%s': %s", argv[0], strerror(e));
    }
    if (set_nonblock(s->in) || set_nonblock(s->out) || set_nonblock(s->err))
        return mcp_fail(m, "fcntl: %s", strerror(errno));
    return 0;
}

int mcp_stdio_open(struct wsc_mcp *m)
{
    struct stdio *s = calloc(1, sizeof *s);
    if (!s)
        return mcp_fail(m, "out of memory");
    s->pid = -1;
    s->in = s->out = s->err = -1;
    m->tp = &stdio_transport;
    m->tp_state = s;
    signal(SIGPIPE, SIG_IGN); /* a server that exits must not kill the check */
    size_t n;
    char **argv = command(m, &n);
    if (!argv)
        return mcp_fail(m, "out of memory");
    int rc = n == 0 ? mcp_fail(m, "stdio: no command to run") : spawn(m, argv);
    wsc_strv_free(argv, n);
    return rc;
}

const char *wsc_mcp_stderr(const struct wsc_mcp *m)
{
    if (!m || m->kind != WSC_MCP_STDIO || !m->tp_state)
        return "";
    const struct stdio *s = m->tp_state;
    return s->errbuf.data ? s->errbuf.data : "";
}
