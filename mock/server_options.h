/* wscheck-mock: settings, from defaults, a --config file, the environment
 * and the command line (later ones win). */
#ifndef WSCHECK_MOCK_SERVER_OPTIONS_H
#define WSCHECK_MOCK_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define MOCK_MAX_LIST 32

/* What the server serves. dev-toolkit: one port (8676 unless --port says
 * otherwise) with MCP over Streamable HTTP and WebSocket and the
 * development toolkit's tools, like the seed's toolkit server. */
enum mock_profile { MOCK_PROFILE_DEFAULT, MOCK_PROFILE_DEV_TOOLKIT };
#define MOCK_TOOLKIT_PORT 8676

struct mock_options {
    char *host;     /* WebSocket (and /health) listener */
    int port;       /* 0: any free port */
    bool port_set;  /* given by some source, not the default */
    int profile;    /* enum mock_profile */
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
