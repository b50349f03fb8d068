/* Mechanics shared by the unit test programs: loopback ports, test peers
 * started as child processes, and scratch directories. */
#ifndef WSC_TEST_TESTUTIL_H
#define WSC_TEST_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A bound on how long a call that must give up by itself may take: it proves
 * the call did not hang, and is far from any limit a test sets, so a loaded
 * machine never trips it. Never an assertion on speed. */
#define HANG_GUARD_S 20.0

/* A loopback TCP port that was free a moment ago: bound with port 0, read
 * back with getsockname, then closed. Nothing listens on it, so a connect to
 * it is refused. Returns -1 when no port could be had. */
int wsc_test_closed_port(void);

/* The source tree: $top_srcdir when set (make check), else the default
 * compiled in. */
const char *wsc_test_srcdir(void);

/* $PYTHON_WS (the Python that has `websockets`), else /usr/bin/python3. */
const char *wsc_test_python(void);

/* $NODE, else node. */
const char *wsc_test_node(void);

/* Skips the whole program unless every test peer named in the
 * NULL-terminated list can run: "node-ws" (node with its ws package, which
 * scripts/install-deps installs), "node-mcp" (node with
 * @modelcontextprotocol/sdk and @modelcontextprotocol/server-everything,
 * installed the same way) and "python-websockets" (Python with websockets). A missing one prints the TAP plan "1..0 # SKIP missing peer:
 * NAME" and exits 0, as tests/integration/lib.sh's require_peers does;
 * scripts/test fails a run that has such a skip. */
void wsc_test_require_peers(const char *const *peers);

/* A test peer: a child process that prints its URL as its first line. */
struct wsc_test_peer {
    pid_t pid;
    char url[64];
};

#define WSC_TEST_PEER_INIT \
    {                      \
        -1, ""             \
    }

/* Starts INTERP tests/integration/SCRIPT ARGS... (ARGS NULL-terminated, may
 * be NULL) and reads its first line into p->url within wait_s seconds; the
 * line must start with one of the NULL-terminated schemes (e.g. "ws://").
 * Returns 0, or -1 with the peer stopped and a TAP diagnostic. */
int wsc_test_peer_start(struct wsc_test_peer *p, const char *interp, const char *script,
                        const char *const *args, const char *const *schemes,
                        double wait_s);

/* Stops a started peer by its pid (SIGTERM, then waits for it); a peer not
 * running is left as it is. */
void wsc_test_peer_stop(struct wsc_test_peer *p);

/* wscheck-mock ($WSCHECK_MOCK) on free loopback ports. */
struct wsc_test_mock {
    pid_t pid;
    int out;       /* its standard output, open while it runs */
    char ws[128];  /* the WebSocket port's URL, ws://127.0.0.1:PORT */
    char mcp[128]; /* the MCP endpoint, http://127.0.0.1:PORT/mcp */
};

#define WSC_TEST_MOCK_INIT \
    {                      \
        -1, -1, "", ""     \
    }

/* Starts the mock with `--host 127.0.0.1 --port 0 --mcp-host 127.0.0.1
 * --mcp-port 0` and the extra ARGS (NULL-terminated, may be NULL), and reads
 * both URLs from its output within wait_s seconds. Returns 0, or -1 (no
 * $WSCHECK_MOCK, or it did not start: stopped, with a TAP diagnostic). */
int wsc_test_mock_start(struct wsc_test_mock *m, const char *const *args, double wait_s);
/* Stops a started mock by its pid and closes its output. */
void wsc_test_mock_stop(struct wsc_test_mock *m);

/* Makes a new directory $TMPDIR/NAME.XXXXXX (TMPDIR defaults to /tmp) and
 * writes its path to dir. Returns 0, or -1. */
int wsc_test_mkdtemp(char *dir, size_t size, const char *name);

/* Removes dir and everything below it; says on stdout (as a TAP diagnostic)
 * what could not be removed. Returns 0 when all is gone, else -1. */
int wsc_test_rmtree(const char *dir);

/* s is not NULL and contains part. */
int wsc_test_contains(const char *s, const char *part);

#endif
