/* --alert-cmd: a shell command per alert, the event JSON on its standard
 * input and in WSCHECK_ALERT_* variables. It runs in its own process
 * group, killed whole when it outlives its time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wscheck/plugin.h>

#include "alert.h"
#include "report.h"
#include "util.h"

static void child_env(const struct monitor_alert *a)
{
    char since[32];
    wsc_format_utc(since, sizeof(since), a->since, 1);
    setenv("WSCHECK_ALERT_STATE", a->state, 1);
    setenv("WSCHECK_ALERT_SUITE", a->suite, 1);
    setenv("WSCHECK_ALERT_TEST", a->test, 1);
    setenv("WSCHECK_ALERT_MESSAGE", a->message ? a->message : "", 1);
    setenv("WSCHECK_ALERT_SINCE", since, 1);
}

/* a: the alert whose WSCHECK_ALERT_* variables the command gets; NULL:
 * none (the mail command). */
static void child_main(int in, const char *cmd, const struct monitor_alert *a)
{
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, STDIN_FILENO) < 0)
        _exit(126);
    if (a)
        child_env(a);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

/* Feeds the event to the command's stdin without ever blocking past the
 * deadline (a command that does not read must not hold the monitor). */
static void feed(int fd, const char *text, double deadline)
{
    size_t left = strlen(text);
    while (left > 0 && wsc_now() < deadline) {
        ssize_t w = write(fd, text, left);
        if (w > 0) {
            text += w;
            left -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {fd, POLLOUT, 0};
            poll(&p, 1, 50);
        } else if (w < 0 && errno != EINTR) {
            return; /* EPIPE: it did not want its input */
        }
    }
}

/* Waits for the command until the deadline; then kills its group. */
static int reap(pid_t pid, double deadline, int *st)
{
    for (;;) {
        pid_t w = waitpid(pid, st, WNOHANG);
        if (w == pid)
            return 0;
        if (w < 0 && errno != EINTR)
            return -1;
        if (wsc_now() >= deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, st, 0) < 0 && errno == EINTR)
                ;
            return 1;
        }
        poll(NULL, 0, 10);
    }
}

/* Runs cmd with input on its standard input; what names it in *err. */
static int run_with_input(const char *cmd, const char *input,
                          const struct monitor_alert *a, double timeout, const char *what,
                          char **err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        *err = wsc_strdup_printf("cannot start the %s: %s", what, strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[1]);
        child_main(fds[0], cmd, a);
    }
    close(fds[0]);
    if (pid < 0) {
        close(fds[1]);
        *err = wsc_strdup_printf("cannot start the %s: %s", what, strerror(errno));
        return -1;
    }
    setpgid(pid, pid);
    double deadline = wsc_now() + timeout;
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    feed(fds[1], input, deadline);
    close(fds[1]);
    int st = 0, how = reap(pid, deadline, &st);
    if (how == 1)
        *err = wsc_strdup_printf("the %s was killed after %g s", what, timeout);
    else if (how < 0)
        *err = wsc_strdup_printf("the %s was lost: %s", what, strerror(errno));
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        *err =
            wsc_strdup_printf("the %s '%s' was not found (exit status 127)", what, cmd);
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        *err = wsc_strdup_printf("the %s exited with status %d", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        *err = wsc_strdup_printf("the %s was killed by signal %d", what, WTERMSIG(st));
    else
        return 0;
    return -1;
}

int alert_command(const char *cmd, const struct monitor_alert *a, double timeout,
                  char **err)
{
    struct json_object *ev = alert_event_json(a);
    /* one line: a command appending events to a file keeps one per line */
    char *line =
        ev ? wsc_strdup_printf("%s\n",
                               json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN))
           : NULL;
    json_object_put(ev);
    if (!line) {
        *err = strdup("cannot start the alert command: out of memory");
        return -1;
    }
    int rc = run_with_input(cmd, line, a, timeout, "alert command", err);
    free(line);
    return rc;
}

int alert_pipe(const char *cmd, const char *input, double timeout, const char *what,
               char **err)
{
    return run_with_input(cmd, input, NULL, timeout, what, err);
}
