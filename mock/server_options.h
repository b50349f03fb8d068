/* wscheck-mock: settings, from defaults, a --config file, the environment
 * and the command line (later ones win). */
#ifndef WSCHECK_MOCK_SERVER_OPTIONS_H
#define WSCHECK_MOCK_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "mon_options.h"

#define MOCK_MAX_LIST 32

/* What the server serves: flags, several profiles can run at once.
 * dev-toolkit: one port (8676 unless --port says otherwise) with MCP over
 * Streamable HTTP and WebSocket and the development toolkit's tools, like
 * the seed's toolkit server. crackerjack: crackerjack's progress server
 * (HTTP and WebSocket, --crackerjack-port, 8675) and its MCP tools on that
 * same MCP port. monitoring: crackerjack's monitoring WebSockets on their
 * own port (--monitoring-port, 8677) and the MCP tool trigger_alert on that
 * same MCP port. None of them: the default profile. */
enum mock_profile {
    MOCK_PROFILE_DEFAULT = 0,
    MOCK_PROFILE_DEV_TOOLKIT = 1,
    MOCK_PROFILE_CRACKERJACK = 2,
    MOCK_PROFILE_MONITORING = 4,
};
#define MOCK_TOOLKIT_PORT 8676
#define MOCK_CRACKERJACK_PORT 8675

/* Known crackerjack bugs the profile can reproduce (--crackerjack-bug). */
enum cj_bug {
    CJ_BUG_ROUTE_SPACES = 1 << 0, /* v0.31.0-v0.31.10: progress handshakes 403 */
    CJ_BUG_PREFIX = 1 << 1,       /* v0.31.12+: no job list, no housekeeping */
    CJ_BUG_NO_PUSH = 1 << 2,      /* job files never pushed on sockets */
    CJ_BUG_STAGE_STATUS = 1 << 3, /* get_stage_status always an error */
    CJ_BUG_NEXT_ACTION = 1 << 4,  /* get_next_action always an error */
    CJ_BUG_SANITIZE = 1 << 5,     /* v0.31.12+: sanitised / and /latest */
};

/* Where a client carries the token of --auth-token or --role. */
enum mock_auth_via {
    MOCK_AUTH_HEADER = 0, /* Authorization: Bearer TOKEN */
    MOCK_AUTH_QUERY,      /* ?token=TOKEN */
    MOCK_AUTH_COOKIE,     /* Cookie: token=TOKEN */
    MOCK_AUTH_MESSAGE,    /* first message {"type":"auth","token":TOKEN} */
    MOCK_AUTH_SUBPROTOCOL /* offered subprotocol "bearer.TOKEN" */
};

struct mock_options {
    char *host;     /* WebSocket (and /health) listener */
    int port;       /* 0: any free port */
    bool port_set;  /* given by some source, not the default */
    int profile;    /* enum mock_profile flags */
    int port_tries; /* ports tried from port upwards */
    char *mcp_host;
    int mcp_port;
    char *mcp_path;
    bool no_mcp;
    size_t mcp_sessions_per_client; /* by remote address */
    double mcp_session_timeout;     /* s; an unused session ends */
    double ping_interval;           /* s; 0 disables keepalive pings */
    double ping_timeout;            /* s */
    size_t max_message_size;        /* bytes */
    size_t max_header_size;         /* bytes: request line and headers */
    char *origins[MOCK_MAX_LIST];   /* extra allowed MCP Origins */
    size_t n_origins;
    char *subprotocols[MOCK_MAX_LIST]; /* accepted WebSocket subprotocols */
    size_t n_subprotocols;
    /* WebSocket port security (ws_security.c) */
    char *auth_token;           /* NULL: no authentication unless roles */
    int auth_via;               /* enum mock_auth_via */
    char *roles[MOCK_MAX_LIST]; /* "NAME:TOKEN:type1,type2" */
    size_t n_roles;
    size_t max_conn_per_ip;   /* 0: no limit */
    double rate_limit;        /* messages per second per client, 0: none */
    char *tls_cert, *tls_key; /* PEM files: wss and https on the port */
    /* crackerjack profile */
    char *cj_host;
    int cj_port;
    char *progress_dir;      /* NULL: the system temp dir's crackerjack-mcp-progress */
    double cj_poll_interval; /* s, reading the progress directory */
    double cj_idle_timeout;  /* s without a client frame on a progress socket; 0: none */
    unsigned cj_bugs;        /* enum cj_bug flags */
    struct mon_options mon;  /* monitoring profile */
    char *grade_dir;         /* --grade-clients: grade clients, reports here */
    double grade_timeout;    /* s, per graded case */
    char *ready_file;
    char *config_file;
    int verbose;
};

/* Fills in the defaults. Returns 0, or -1 if out of memory. */
int options_init(struct mock_options *opt);
void options_free(struct mock_options *opt);

/* Sets one option by its long name ("port", "allowed-origin", ...; "_"
 * may stand for "-"). List options append. Returns 0, or -1 with a message
 * in err. */
int options_set(struct mock_options *opt, const char *name, const char *value, char *err,
                size_t errlen);

/* Empties a list option, so a later source replaces an earlier one. */
void options_clear_list(struct mock_options *opt, const char *name);

/* Reads the command line (with --config and the environment). Returns 0 to
 * run, 1 when --help/--version was served, 2 on a usage error (reported on
 * stderr). */
int options_parse(struct mock_options *opt, int argc, char **argv);

#endif
