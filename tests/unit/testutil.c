#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef WSC_SRCDIR
#define WSC_SRCDIR "."
#endif

#define MAX_PEER_ARGS 24

int wsc_test_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sin = {.sin_family = AF_INET};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
        getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
        port = ntohs(sin.sin_port);
    close(fd);
    return port;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

const char *wsc_test_srcdir(void)
{
    return env_or("top_srcdir", WSC_SRCDIR);
}

const char *wsc_test_python(void)
{
    return env_or("PYTHON_WS", "/usr/bin/python3");
}

const char *wsc_test_node(void)
{
    return env_or("NODE", "node");
}

/* Runs ARGV with its output discarded; 1 when it exits 0. */
static int runs_ok(const char *const *argv)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The MCP peers: the SDK and the "everything" server, both from npm. */
#define NODE_MCP_PROBE                                          \
    "require('@modelcontextprotocol/sdk/server/mcp.js');"       \
    "require.resolve('@modelcontextprotocol/server-everything/" \
    "package.json')"

/* The peer's name as a skip reason says it, or NULL when it can run. */
static const char *peer_missing(const char *peer)
{
    if (strcmp(peer, "node-ws") == 0) {
        const char *argv[] = {wsc_test_node(), "-e", "require('ws')", NULL};
        return runs_ok(argv) ? NULL : "node ws";
    }
    if (strcmp(peer, "node-mcp") == 0) {
        const char *argv[] = {wsc_test_node(), "-e", NODE_MCP_PROBE, NULL};
        return runs_ok(argv) ? NULL
                             : "node @modelcontextprotocol/sdk and server-everything";
    }
    if (strcmp(peer, "python-websockets") == 0) {
        const char *argv[] = {wsc_test_python(), "-c", "import websockets", NULL};
        return runs_ok(argv) ? NULL : "python3 websockets";
    }
    return peer; /* a name this file does not know can never run */
}

void wsc_test_require_peers(const char *const *peers)
{
    char missing[256] = "";
    for (size_t i = 0; peers[i]; i++) {
        const char *name = peer_missing(peers[i]);
        if (name) {
            size_t len = strlen(missing);
            snprintf(missing + len, sizeof missing - len, "%s%s", len ? ", " : "", name);
        }
    }
    if (missing[0]) {
        printf(
            "1..0 # SKIP missing peer: %s (scripts/install-deps installs the test peers)\n",
            missing);
        exit(0);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int has_scheme(const char *url, const char *const *schemes)
{
    for (size_t i = 0; schemes[i]; i++)
        if (strncmp(url, schemes[i], strlen(schemes[i])) == 0)
            return 1;
    return 0;
}

/* Reads the first line from fd into url within wait_s seconds; it must
 * start with one of the schemes. */
static int read_url(int fd, char *url, size_t size, const char *const *schemes,
                    double wait_s)
{
    size_t n = 0;
    double until = now_s() + wait_s;
    while (n < size - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        int ms = (int)((until - now_s()) * 1000);
        if (ms <= 0 || poll(&p, 1, ms) <= 0)
            return -1;
        ssize_t r = read(fd, url + n, 1);
        if (r <= 0)
            return -1;
        if (url[n] == '\n') {
            url[n] = '\0';
            return has_scheme(url, schemes) ? 0 : -1;
        }
        n++;
    }
    return -1;
}

void wsc_test_peer_stop(struct wsc_test_peer *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
        p->pid = -1;
    }
}

int wsc_test_peer_start(struct wsc_test_peer *p, const char *interp, const char *script,
                        const char *const *args, const char *const *schemes,
                        double wait_s)
{
    char path[1024];
    const char *argv[MAX_PEER_ARGS];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/tests/integration/%s", wsc_test_srcdir(), script);
    argv[n++] = interp;
    argv[n++] = path;
    for (size_t i = 0; args && args[i] && n < MAX_PEER_ARGS - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (p->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(interp, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    int rc = read_url(fds[0], p->url, sizeof p->url, schemes, wait_s);
    close(fds[0]);
    if (rc != 0) {
        printf("# peer %s did not start (is %s usable?)\n", script, interp);
        wsc_test_peer_stop(p);
    }
    return rc;
}

/* Reads the mock's output until both of its URLs are there. */
static int read_mock_urls(struct wsc_test_mock *m, double wait_s)
{
    char buf[512];
    size_t len = 0;
    double until = now_s() + wait_s;
    while (now_s() < until && len + 1 < sizeof buf) {
        struct pollfd p = {m->out, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(m->out, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *u = strstr(buf, "http://"), *end = u ? strstr(u, "/mcp") : NULL;
        char *w = strstr(buf, "ws://"), *wend = w ? strchr(w, '\n') : NULL;
        if (end && wend) {
            snprintf(m->mcp, sizeof m->mcp, "%.*s", (int)(end + 4 - u), u);
            snprintf(m->ws, sizeof m->ws, "%.*s", (int)(wend - w), w);
            return 0;
        }
    }
    return -1;
}

int wsc_test_mock_start(struct wsc_test_mock *m, const char *const *args, double wait_s)
{
    const char *mock = getenv("WSCHECK_MOCK");
    const char *argv[MAX_PEER_ARGS] = {mock,        "--host",     "127.0.0.1",
                                       "--port",    "0",          "--mcp-host",
                                       "127.0.0.1", "--mcp-port", "0"};
    size_t n = 9;
    for (size_t i = 0; args && args[i] && n < MAX_PEER_ARGS - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int fds[2];
    if (!mock || !*mock || pipe(fds) != 0)
        return -1;
    m->pid = fork();
    if (m->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(mock, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    m->out = fds[0];
    if (m->pid > 0 && read_mock_urls(m, wait_s) == 0)
        return 0;
    printf("# wscheck-mock did not print its URLs\n");
    wsc_test_mock_stop(m);
    return -1;
}

void wsc_test_mock_stop(struct wsc_test_mock *m)
{
    if (m->pid > 0) {
        kill(m->pid, SIGTERM);
        waitpid(m->pid, NULL, 0);
    }
    if (m->out >= 0)
        close(m->out);
    m->pid = -1;
    m->out = -1;
}

int wsc_test_mkdtemp(char *dir, size_t size, const char *name)
{
    int n = snprintf(dir, size, "%s/%s.XXXXXX", env_or("TMPDIR", "/tmp"), name);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        printf("# cannot remove %s: %s\n", path, strerror(errno));
    return 0; /* go on: remove what can be removed */
}

int wsc_test_rmtree(const char *dir)
{
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        printf("# cannot walk %s: %s\n", dir, strerror(errno));
    return access(dir, F_OK) == 0 ? -1 : 0;
}

int wsc_test_contains(const char *s, const char *part)
{
    return s && strstr(s, part) != NULL;
}
