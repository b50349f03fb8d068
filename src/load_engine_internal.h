/* What the files of the load engine share; not a public interface.
 *
 * load_engine.c         the event loop, sessions, what load.h offers a
 *                       protocol (write, timer, end)
 * load_engine_timer.c   the timer heap (one entry per session)
 * load_engine_net.c     addresses, non-blocking connect, loopback source
 *                       addresses, RLIMIT_NOFILE
 * load_engine_sched.c   the closed and open models over the stages
 * load_engine_tls.c     TLS with OpenSSL on the non-blocking sockets */
#ifndef WSC_LOAD_ENGINE_INTERNAL_H
#define WSC_LOAD_ENGINE_INTERNAL_H

#include <netdb.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "load.h"

enum sess_phase {
    PH_WAITING,    /* due, waiting for a set-up slot (plan->max_connecting) */
    PH_CONNECTING, /* TCP connect in progress */
    PH_TLS,        /* TLS handshake in progress */
    PH_OPEN,       /* the protocol runs */
    PH_DONE,       /* ended; freed at the end of the loop's turn */
};

/* One session on one connection. The protocol's state follows the struct
 * in the same allocation. An idle open session owns nothing else: input
 * is read into the engine's shared buffer and only bytes a protocol left
 * unconsumed are kept (`in`), writes only queue what the socket refused. */
struct wsc_load_sess {
    struct load_engine *eng;
    struct wsc_load_script *sc;
    struct wsc_load_test *test;
    struct wsc_load_sess *next_dead;
    struct wsc_load_sess *wait_prev, *wait_next; /* PH_WAITING: the queue */
    void *tls;                                   /* SSL *, or NULL */
    unsigned char *in, *out;
    size_t in_len, out_len;
    size_t heap_i;   /* position in the timer heap; SIZE_MAX: none */
    double at;       /* the heap's key: min(timer, deadline) */
    double timer;    /* the protocol's timer; 0: none */
    double deadline; /* the session's hard limit */
    double started;  /* connect() */
    double begun;    /* the protocol's begin() */
    unsigned vu;     /* the VU (closed) or slot (open) running it */
    int fd;
    unsigned char phase;
    unsigned char polling_out; /* EPOLLOUT registered */
    unsigned char setting_up;  /* counted in eng->connecting */
};

/* A script's resolved target, once per run. */
struct load_target {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int loopback;  /* IPv4 127/8: more source addresses may be used */
    void *ssl_ctx; /* SSL_CTX *, or NULL without TLS */
    char *why;     /* resolution or TLS setup failed: every session fails */
    enum wsc_load_error why_kind;
};

struct load_engine {
    const struct wsc_load_plan *plan;
    struct wsc_load_script *const *scripts;
    size_t n_scripts;
    struct load_target *targets;
    struct wsc_load_stats *stats;
    int epfd;
    double now;         /* monotonic, read once per turn */
    double t0;          /* monotonic start of the run */
    unsigned char *buf; /* the shared read buffer */
    size_t buf_size;
    struct wsc_load_sess **heap;
    size_t heap_len, heap_cap;
    struct wsc_load_sess *dead;
    unsigned active;     /* connections open */
    unsigned connecting; /* sessions setting up (connect to first bytes) */
    struct wsc_load_sess *wait_head, *wait_tail; /* due, no set-up slot yet */
    int admitting;      /* admit_waiting() is running: no recursion */
    unsigned limit;     /* connections the fd limit allows */
    unsigned src_extra; /* extra loopback source addresses in use (127.0.0.2 on) */
    uint64_t started;   /* sessions started */
    uint64_t ended;     /* sessions ended */
    uint64_t rng;       /* xorshift state: keys and masks */
    int out_of_memory;
    /* The scheduler (load_engine_sched.c). */
    unsigned char *vu_busy; /* per VU / slot: running a session */
    unsigned n_vus;
    unsigned desired; /* closed: VUs that should run now */
    unsigned free_hint;
    uint64_t next_arrival; /* open: index of the next arrival */
    double next_arrival_at;
    int winding_down; /* no new sessions */
    double total_duration;
    double target;   /* VUs or arrivals per second now */
    unsigned *ready; /* closed: VUs whose session ended, to restart */
    unsigned *ready_spare;
    size_t n_ready;
};

/* load_engine.c */
void load_session_start(struct load_engine *e, unsigned vu, size_t script);
void load_session_error(struct wsc_load_sess *s, enum wsc_load_error kind,
                        const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The connection is up (TCP, then TLS when asked): the protocol begins. */
void load_session_open(struct wsc_load_sess *s);
int load_epoll_set(struct wsc_load_sess *s, int want_out);
double load_mono(void);
uint64_t load_random(struct load_engine *e);

/* load_engine_timer.c */
void load_heap_update(struct load_engine *e, struct wsc_load_sess *s);
void load_heap_remove(struct load_engine *e, struct wsc_load_sess *s);
/* The session whose key is earliest, or NULL. */
struct wsc_load_sess *load_heap_top(const struct load_engine *e);

/* load_engine_net.c */
int load_targets_resolve(struct load_engine *e);
void load_targets_free(struct load_engine *e);
/* Opens the socket and starts connect(); 0, or -1 after failing s. */
int load_connect(struct wsc_load_sess *s);
/* The socket became writable while connecting. */
void load_connect_done(struct wsc_load_sess *s);

/* load_engine_tls.c */
/* SSL_CTX for a script (verification per its params); NULL with *why. */
void *load_tls_ctx(const struct wsc_load_script *sc, char **why);
void load_tls_ctx_free(void *ctx);
/* Starts TLS on the connected socket; 0, or -1 after failing s. */
int load_tls_start(struct wsc_load_sess *s, void *ctx);
/* The handshake made progress possible (socket readable or writable). */
void load_tls_step(struct wsc_load_sess *s);
/* Reads at most cap bytes: > 0 read, 0 nothing now, -1 closed or failed
 * (s ended or *closed set for a clean close). */
long load_tls_read(struct wsc_load_sess *s, unsigned char *buf, size_t cap, int *closed);
/* Writes: bytes taken (>= 0), or -1 on failure. */
long load_tls_write(struct wsc_load_sess *s, const void *p, size_t n);
void load_tls_free(struct wsc_load_sess *s);

/* load_engine_sched.c */
int load_sched_init(struct load_engine *e);
void load_sched_free(struct load_engine *e);
/* Starts what is due at e->now; returns the time of the next scheduling
 * event (0: none). */
double load_sched_run(struct load_engine *e);
/* A session of VU `vu` ended. */
void load_sched_ended(struct load_engine *e, unsigned vu);
/* Nothing more will start and nothing runs. */
int load_sched_finished(const struct load_engine *e);

#endif
