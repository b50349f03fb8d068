/* The port plugin's connect engine: TCP connects to many ports of one host
 * at once (non-blocking connect + poll), each port trying every address the
 * host resolves to, all bounded by one time budget. Used by the listening,
 * closed and scan checks. */
#ifndef WSC_PORT_PROBE_H
#define WSC_PORT_PROBE_H

#include <stddef.h>
#include <stdint.h>

struct addrinfo;

enum probe_state {
    PROBE_NOT_RUN = 0, /* the budget ran out before this port was tried */
    PROBE_OPEN,        /* a connection was accepted */
    PROBE_REFUSED,     /* RST: nothing listens */
    PROBE_TIMEOUT,     /* no answer in time (filtered, or a full backlog) */
    PROBE_UNREACHABLE, /* no route to the host or network */
    PROBE_ERROR        /* anything else (see err) */
};

struct probe_result {
    uint16_t port;
    enum probe_state state;
    int err;           /* errno of the last failed attempt, 0 if none */
    double connect_ms; /* PROBE_OPEN: time the accepted connect took */
};

struct probe_opts {
    double budget;          /* seconds for the whole run */
    double attempt_timeout; /* seconds per connect attempt; <= 0: the budget */
    unsigned max_inflight;  /* concurrent connects; 0: PROBE_DEFAULT_INFLIGHT */
};

#define PROBE_DEFAULT_INFLIGHT 256u

/* Resolves host (a name, an IPv4 or an IPv6 literal, bare or in brackets as
 * in URLs: "::1", "[::1]") to its TCP addresses,
 * duplicates removed, in the resolver's order. Returns 0, or -1 with a
 * message in err. Free with probe_free_addrs(). */
int probe_resolve(const char *host, struct addrinfo **addrs, char *err, size_t errlen);
void probe_free_addrs(struct addrinfo *addrs);

/* Probes results[i].port for every i < n (the caller fills in the ports).
 * A port is open when any address accepts; otherwise its state is the
 * outcome of its last attempt. Returns 0, or -1 with a message in err when
 * the engine itself failed (no results are then meaningful). */
int probe_run(const struct addrinfo *addrs, struct probe_result *results, size_t n,
              const struct probe_opts *opts, char *err, size_t errlen);

/* "open", "refused", "timed out", "unreachable", "not tried", or the errno
 * text for PROBE_ERROR. */
const char *probe_describe(const struct probe_result *r);

/* Maps a connect() errno to a state. */
enum probe_state probe_state_from_errno(int err);

/* Formats an address as text, IPv6 in brackets: "127.0.0.1", "[::1]". */
void probe_addr_text(const struct addrinfo *ai, char *buf, size_t size);

#endif
