/* `wscheck load`: the tests of a scenario file under many connections, on
 * one event-driven engine (one process, non-blocking sockets, no thread or
 * fork per connection).
 *
 * The parts, each in its own files:
 *   load_stats.c      the figures of a run: constant-memory histograms and
 *                     counters per test (this header's wsc_load_stats)
 *   load_compile*.c   a scenario test -> a load script (what one session
 *                     does), or a refusal naming what cannot run under load
 *   load_engine*.c    sockets, timers, connections and TLS, the closed and
 *                     open models and their stages
 *   load_ws*.c        WebSocket handshake and frames on the engine, and the
 *                     protocols on top: ws-basic conversations, ping-pong,
 *                     MCP over WebSocket
 *   load_http*.c      HTTP/1.1 on the engine, and the protocols on top: http
 *                     requests, MCP over HTTP
 *   load_report*.c    live line, summary table, JSON report (mergeable
 *                     histograms), JUnit (one case per threshold)
 *   cmd_load.c        the command line
 *
 * A protocol is a state machine the engine drives (struct wsc_load_proto):
 * it never touches a socket. The engine connects, reads into its own
 * buffer and offers the bytes; the protocol answers with bytes to write, a
 * timer, figures, and the end of the session. That keeps per-connection
 * memory to what a protocol really holds (an idle connection owns no
 * buffer). */
#ifndef WSC_LOAD_H
#define WSC_LOAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <wscheck/histogram.h>

#include "scenario.h"
#include "shard.h"
#include "vars.h"

/* ---- the figures of a run ------------------------------------------------ */

/* Why a session failed; bounded set, so the report's counters are too. */
enum wsc_load_error {
    WSC_LOAD_ERR_CONNECT,   /* refused, unreachable, no address, no port left */
    WSC_LOAD_ERR_TLS,       /* TLS handshake or certificate */
    WSC_LOAD_ERR_HANDSHAKE, /* HTTP upgrade refused or malformed */
    WSC_LOAD_ERR_TIMEOUT,   /* a step or the session outlasted its time */
    WSC_LOAD_ERR_CLOSED,    /* the peer closed before the session ended */
    WSC_LOAD_ERR_PROTOCOL,  /* a frame, message or response that breaks the
                               protocol (RFC 6455, HTTP/1.1, JSON-RPC) */
    WSC_LOAD_ERR_EXPECT,    /* a message did not match the test's expect */
    WSC_LOAD_ERR_STATUS,    /* an HTTP status or MCP error the test refuses */
    WSC_LOAD_ERR_TOO_BIG,   /* a message over the size limit */
    WSC_LOAD_N_ERRORS
};

/* "connect", "tls", ... as reports name them. */
const char *wsc_load_error_name(enum wsc_load_error e);

/* A named histogram of one test: "session_ms", "connect_ms",
 * "handshake_ms", and one per step ("step 2 expect_text", named by
 * the protocol). */
struct wsc_load_hist {
    char *name;
    char *unit; /* "ms" */
    struct wsc_histogram *h;
};

#define WSC_LOAD_MAX_HISTS 64 /* per test; steps past the cap share one: */
#define WSC_LOAD_OTHER_STEPS "other steps"
#define WSC_LOAD_MAX_CLOSE_CODES 32

struct wsc_load_close_count {
    int code; /* 0: closed without a status code */
    uint64_t n;
};

/* The figures of one test under load. Every counter is a plain total of the
 * run; rates are computed by dividing by the run's duration. */
struct wsc_load_test {
    char *name;
    char *plugin, *check;
    struct json_object *expect_metrics; /* the test's thresholds (borrowed) */
    uint64_t sessions;                  /* started */
    uint64_t sessions_ok;               /* ended without error */
    uint64_t sessions_failed;           /* ended with an error (counted in errors[]) */
    uint64_t messages_sent, messages_received; /* WebSocket messages, HTTP
                                                  requests/responses */
    uint64_t bytes_sent, bytes_received;       /* payload bytes */
    uint64_t errors[WSC_LOAD_N_ERRORS];
    struct wsc_load_close_count close_codes[WSC_LOAD_MAX_CLOSE_CODES];
    size_t n_close_codes;
    struct wsc_load_hist hists[WSC_LOAD_MAX_HISTS];
    size_t n_hists;
    char *first_error; /* the first failure's message, for the summary */
};

struct wsc_load_stats {
    struct wsc_load_test *tests;
    size_t n_tests;
    double started;  /* wall clock, s since the epoch */
    double duration; /* s, measured */
    unsigned peak_connections;
    unsigned peak_connecting;  /* connections being set up at once, at most */
    unsigned connection_limit; /* what RLIMIT_NOFILE allowed */
    unsigned source_addresses; /* loopback source addresses used */
    uint64_t dropped_arrivals; /* open model: arrivals with no free VU */
    struct wsc_shard shard;    /* the part of the work this generator did */
};

/* Tests are created from the scenario's selected tests, names copied.
 * Returns 0, or -1 when out of memory. */
int wsc_load_stats_init(struct wsc_load_stats *s, size_t n_tests);
int wsc_load_test_init(struct wsc_load_test *t, const struct wsc_test *test);
void wsc_load_stats_clear(struct wsc_load_stats *s);

/* The histogram `name` of test t, created empty on first use (unit "ms").
 * Protocols look their histograms up once, when a script is compiled or a
 * session starts, and keep the pointer: this is not for the hot path.
 * NULL when out of memory. The engine's and the protocols' histograms
 * (session_ms, connect_ms, handshake_ms, upgrade_ms, rtt_ms, response_ms,
 * call_ms) always have a slot; step histograms past the cap share
 * WSC_LOAD_OTHER_STEPS. */
struct wsc_histogram *wsc_load_hist(struct wsc_load_test *t, const char *name);
/* Counts a close code (-1 stands for the codes past the cap). */
void wsc_load_close_code(struct wsc_load_test *t, int code);
/* Keeps the first failure's message (copied). */
void wsc_load_first_error(struct wsc_load_test *t, const char *message);
/* Adds every counter and histogram of `from` into `into` (same test).
 * 0, or -1 when out of memory. */
int wsc_load_test_merge(struct wsc_load_test *into, const struct wsc_load_test *from);

/* ---- the plan ------------------------------------------------------------- */

enum wsc_load_model {
    WSC_LOAD_CLOSED, /* `target` virtual users, each repeating its session */
    WSC_LOAD_OPEN,   /* `target` new sessions per second, whatever the
                        response times (no coordinated omission) */
};

/* One stage: the target moves linearly from the previous stage's (0 for
 * the first) to `target` over `duration` seconds, as k6's stages. */
struct wsc_load_stage {
    double duration;
    double target;
};

/* Sessions setting up at once by default: under the smallest listen
 * backlogs in common use (Python's asyncio: 100; node: 511), so that a
 * burst of connects does not overflow the server's accept queue, whose
 * dropped SYNs the client would retry only 1, 3, 7 s later. */
#define WSC_LOAD_DEFAULT_MAX_CONNECTING 100

struct wsc_load_plan {
    enum wsc_load_model model;
    struct wsc_load_stage *stages;
    size_t n_stages;
    unsigned max_vus;            /* open model: sessions at once at most */
    unsigned max_connecting;     /* sessions setting up at once at most (from
                                    connect() to the server's first bytes); the
                                    others wait their turn. 0: no limit */
    size_t max_message;          /* bytes; a bigger message fails the session */
    double timeout;              /* s, a session's limit unless its test says */
    volatile sig_atomic_t *stop; /* set by a signal: wind down now */
    uint64_t iterations;         /* sessions to start in all (--iterations N); 0:
                                    as many as the stages allow. With iterations,
                                    the run ends when they have all ended (stages
                                    still shape the VUs; duration becomes a limit). */
};

/* ---- scripts: what one session of a test does ------------------------------ */

struct wsc_load_sess; /* one session on one connection (engine-owned) */

struct wsc_load_proto {
    const char *name;  /* "ws-conversation", "http-request", ... */
    size_t state_size; /* per session, zeroed before begin() */
    /* The connection is up (TCP connected, TLS done): start writing. */
    void (*begin)(struct wsc_load_sess *s);
    /* Bytes arrived. Returns how many were used; the rest is offered again
     * with what comes next (kept by the engine, up to max_message + a frame
     * header). A protocol that ends the session returns anything >= 0. */
    size_t (*input)(struct wsc_load_sess *s, const unsigned char *p, size_t n);
    /* The protocol's timer fired (wsc_load_timer). */
    void (*timer)(struct wsc_load_sess *s);
    /* The peer closed TCP (or reset it) before wsc_load_end. */
    void (*closed)(struct wsc_load_sess *s);
    /* Frees what the session's state owns (after end, or at shutdown). */
    void (*release)(struct wsc_load_sess *s);
};

/* A compiled test: the same for every session of it. */
struct wsc_load_script {
    const struct wsc_load_proto *proto;
    char *host;     /* to connect to (a name or an address) */
    char *port;     /* as a string, for getaddrinfo */
    int tls;        /* wss:// or https:// */
    char *sni;      /* host name for TLS and Host: headers */
    double timeout; /* s: the test's own, else the plan's */
    void *data;     /* the protocol's compiled form (steps, request, ...) */
    void (*free_data)(void *data);
    size_t test; /* index in wsc_load_stats.tests */
    /* TLS (wss://, https://): the certificate and its name are verified
     * unless `insecure` (the checks' `insecure` param, or `verify: false`);
     * ca_file replaces the system's CAs; client_cert/client_key present a
     * client certificate. All NULL when not given. */
    int insecure;
    char *ca_file, *client_cert, *client_key;
};

/* Compiles a selected test (variables already expanded into `params`) for
 * the engine; `timeout` is a session's limit (the command's --timeout, else
 * the test's own). Returns the script, or NULL with *why a malloc'ed message
 * naming what cannot run under load ("ws-basic.reconnect: not a
 * conversation that can repeat: ..."). load_compile.c dispatches by
 * plugin.check to the compilers below. */
struct wsc_load_script *wsc_load_compile(const struct wsc_test *test,
                                         struct json_object *params, double timeout,
                                         char **why);
void wsc_load_script_free(struct wsc_load_script *sc);
/* The TLS params of the checks (insecure, ca_file, client_cert,
 * client_key) into the script, for the engine. 0, or -1 (out of memory). */
int wsc_load_tls_params(struct wsc_load_script *sc, const struct json_object *params);

/* The compilers (each fills proto, data, free_data, host/port/tls/sni from
 * the URL; returns 0 or -1 with *why). */
int wsc_load_compile_conversation(struct wsc_load_script *sc, struct json_object *params,
                                  char **why); /* ws-basic.conversation,
                                                  .handshake, .echo */
int wsc_load_compile_ws_handshake(
    struct wsc_load_script *sc, struct json_object *params,
    char **why); /* ws-basic.handshake: upgrade, clean close */
int wsc_load_compile_ping(struct wsc_load_script *sc, struct json_object *params,
                          char **why); /* ping-pong.control */
int wsc_load_compile_http(struct wsc_load_script *sc, const char *check,
                          struct json_object *params,
                          char **why); /* http.request, http.health */
int wsc_load_compile_mcp(struct wsc_load_script *sc, const char *check,
                         struct json_object *params, char **why); /* dev-toolkit.* */
/* dev-toolkit.* with an http:// or https:// URL (Streamable HTTP);
 * wsc_load_compile_mcp hands those over. */
int wsc_load_compile_mcp_http(struct wsc_load_script *sc, const char *check,
                              struct json_object *params, const char *url, char **why);

/* Fills the script's target from a ws://, wss://, http:// or https:// URL;
 * *path gets the path and query ("/" when none), malloc'ed. */
int wsc_load_script_target(struct wsc_load_script *sc, const char *url, char **path,
                           char **why);

/* ---- what the engine offers a protocol -------------------------------------- */

/* The session's protocol state (state_size bytes) and its script. */
void *wsc_load_state(struct wsc_load_sess *s);
const struct wsc_load_script *wsc_load_script_of(struct wsc_load_sess *s);
struct wsc_load_test *wsc_load_test_of(struct wsc_load_sess *s);
/* Monotonic seconds, read once per event-loop turn. */
double wsc_load_now(struct wsc_load_sess *s);
/* The plan's max_message: a protocol fails a bigger message with
 * WSC_LOAD_ERR_TOO_BIG. */
size_t wsc_load_max_message(struct wsc_load_sess *s);
/* 64 random bits (not cryptographic): WebSocket keys and masks. */
uint64_t wsc_load_random(struct wsc_load_sess *s);
/* Queues bytes to write (copied when the socket cannot take them at
 * once). 0, or -1 when out of memory (the session is then ended). */
int wsc_load_write(struct wsc_load_sess *s, const void *p, size_t n);
/* One timer per session: at monotonic time `at`; 0 cancels it. */
void wsc_load_timer(struct wsc_load_sess *s, double at);
/* The session is over: error NULL for success, else its kind and a message
 * (kept for the summary's first error). The connection is closed; a
 * closed-model VU starts its next session on a new connection. */
void wsc_load_end(struct wsc_load_sess *s, const enum wsc_load_error *error,
                  const char *message);
/* Convenience: ends the session with error `e` and a printf message. */
void wsc_load_fail(struct wsc_load_sess *s, enum wsc_load_error e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- running ------------------------------------------------------------------ */

/* What the live line shows, every second. */
struct wsc_load_live {
    double elapsed;  /* s */
    unsigned active; /* connections open */
    double target;   /* VUs or arrivals/s now */
    double rate;     /* sessions ended per second, last second */
    double messages; /* messages per second, last second */
    double p99_ms;   /* session_ms p99 so far, all tests */
    uint64_t errors; /* so far */
};
typedef void (*wsc_load_tick_fn)(const struct wsc_load_live *live, void *arg);

/* Raises RLIMIT_NOFILE as far as allowed; returns how many connections the
 * engine can hold (the limit minus what the process keeps for itself). */
unsigned wsc_load_raise_fd_limit(void);

/* Runs the plan: sessions of the scripts in turn (VU i runs script i mod
 * n), until the stages end or *plan->stop is set; sessions still running
 * then get `timeout` to finish. Figures go into stats (already
 * initialised for the scripts' tests). Returns 0, or -1 with *err when the
 * engine itself cannot run (no epoll, out of memory). */
int wsc_load_run(const struct wsc_load_plan *plan, struct wsc_load_script *const *scripts,
                 size_t n_scripts, struct wsc_load_stats *stats, wsc_load_tick_fn tick,
                 void *tick_arg, char **err);

/* ---- verification aid: raw samples (load_raw.c) -------------------------------- */

/* --raw-samples FILE: from now on, every value a histogram records is also
 * written to FILE as "TEST<TAB>HISTOGRAM<TAB>VALUE" (the test's index in
 * stats), so that exact percentiles can be checked against the report's.
 * Slows a run down; for verification only. 0, or -1 with *err. */
int wsc_load_raw_samples_open(const char *path, const struct wsc_load_stats *stats,
                              char **err);
/* Stops writing and closes FILE; -1 with *err when it could not be written
 * whole. */
int wsc_load_raw_samples_close(const char *path, char **err);

#endif
