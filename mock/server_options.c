/* wscheck-mock: command line, environment and defaults. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "server_options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_file.h"
#include "mcp_sessions.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define DEFAULT_MAX_MESSAGE ((size_t)1 << 20) /* as Python websockets */
#define MAX_MAX_MESSAGE ((size_t)1 << 30)
#define DEFAULT_SESSIONS_PER_CLIENT 100
#define DEFAULT_SESSION_TIMEOUT 1800.0 /* s */
/* lws keeps a header's length in 16 bits: 64K is as far as it goes. */
#define DEFAULT_MAX_HEADER ((size_t)8 << 10)
#define MIN_MAX_HEADER ((size_t)1 << 10)
#define MAX_MAX_HEADER ((size_t)64 << 10)

static const char usage_text[] =
    "Usage: wscheck-mock [OPTION]...\n"
    "WebSocket mock server with an MCP interface (protocol of the WebSocket Mock\n"
    "MCP Server). Prints one line per listener once it listens, e.g.\n"
    "  ws://127.0.0.1:9004\n"
    "  http://127.0.0.1:8004/mcp\n"
    "and runs until SIGINT or SIGTERM, which close every client with 1001.\n"
    "\n"
    "WebSocket server (GET /health and GET /status on the same port):\n"
    "      --host HOST            listen address (env WEBSOCKET_HOST; localhost)\n"
    "      --port PORT            port, 0 for any free one\n"
    "                             (env WEBSOCKET_PORT; 9004)\n"
    "      --port-tries N         ports tried upwards while taken (3)\n"
    "      --ping-interval SECS   keepalive ping period, 0 disables (30)\n"
    "      --ping-timeout SECS    close a client whose pong is this late (10)\n"
    "      --max-message-size N   bytes per message, K/M/G suffixes (1M);\n"
    "                             larger messages close with 1009\n"
    "      --max-header-size N    bytes for an HTTP request line and headers,\n"
    "                             1K to 64K (8K); larger requests get 431\n"
    "      --subprotocol NAME     accept and select this subprotocol (repeatable)\n"
    "\n"
    "WebSocket port security (see SECURITY OPTIONS in wscheck-mock(1)):\n"
    "      --allowed-origin ORIG  given at least once, upgrades with any other\n"
    "                             Origin header get 403 (localhost origins pass)\n"
    "      --auth-token TOKEN     upgrades without it get 401 (or, with\n"
    "                             --auth-via message, a close 4001)\n"
    "      --auth-via WHERE       header (Authorization: Bearer TOKEN), query\n"
    "                             (?token=TOKEN), cookie (token=TOKEN), message\n"
    "                             (first message {\"type\":\"auth\",\"token\":TOKEN},\n"
    "                             answered {\"type\":\"auth_ok\"}) or subprotocol\n"
    "                             (offer \"bearer.TOKEN\" beside an accepted one)\n"
    "      --role NAME:TOKEN:TYPE[,TYPE]...\n"
    "                             a token for a role that may send only messages\n"
    "                             of these JSON types; others close with 4003\n"
    "                             (repeatable)\n"
    "      --max-connections-per-ip N\n"
    "                             more upgrades from one address get 503\n"
    "      --rate-limit N[/s]     more messages per second from a client close\n"
    "                             it with 1008 \"rate limit\"\n"
    "      --tls-cert FILE        PEM certificate (chain): wss and https\n"
    "      --tls-key FILE         its PEM private key (both or neither)\n"
    "\n"
    "MCP server (Streamable HTTP, JSON-RPC 2.0):\n"
    "      --mcp-host HOST        listen address (localhost)\n"
    "      --mcp-port PORT        port, 0 for any free one (8004)\n"
    "      --mcp-path PATH        endpoint path (/mcp)\n"
    "      --no-mcp               no MCP listener\n"
    "      --mcp-sessions-per-client N\n"
    "                             sessions one remote address may hold at once\n"
    "                             (100; the server holds 1024 in all)\n"
    "      --mcp-session-timeout SECS\n"
    "                             end a session unused this long (1800)\n"
    "      --allowed-origin ORIG  also accept this browser Origin, \"*\" for any\n"
    "                             (repeatable; localhost origins always pass;\n"
    "                             applies to the WebSocket port as well)\n"
    "\n"
    "Profiles:\n"
    "      --profile NAME[,NAME]  default: the WebSocket server above, with MCP\n"
    "                             over WebSocket (subprotocol \"mcp\", any path)\n"
    "                             beside the seed protocol, and the MCP server;\n"
    "                             dev-toolkit: one port (--port, 8676) serving MCP\n"
    "                             over Streamable HTTP (--mcp-path) and WebSocket\n"
    "                             with the toolkit tools run_command (simulated,\n"
    "                             streaming) and get_status;\n"
    "                             crackerjack: crackerjack's progress server\n"
    "                             (HTTP + WebSocket on --crackerjack-port) and its\n"
    "                             MCP tools on that MCP port (--port, 8676);\n"
    "                             monitoring: crackerjack's monitoring WebSockets\n"
    "                             (--monitoring-port, 8677) and the MCP tool\n"
    "                             trigger_alert on that MCP port.\n"
    "                             Profiles add up: a list, or the option repeated\n"
    "\n"
    "crackerjack profile:\n"
    "      --crackerjack-host HOST   listen address (127.0.0.1)\n"
    "      --crackerjack-port PORT   port, 0 for any free one (8675)\n"
    "      --progress-dir DIR        job files (TMPDIR or /tmp, then\n"
    "                                /crackerjack-mcp-progress)\n"
    "      --crackerjack-poll-interval SECS\n"
    "                                how often the directory is read (1)\n"
    "      --crackerjack-idle-timeout SECS\n"
    "                                close a silent progress socket with 1000\n"
    "                                after this long, 0 never (25)\n"
    "      --crackerjack-bug NAME    behave like a broken release (repeatable):\n"
    "                                route-spaces, prefix, no-push, stage-status,\n"
    "                                next-action, sanitize\n"
    "\n"
    "monitoring profile:\n"
    "      --monitoring-host HOST    listen address (127.0.0.1)\n"
    "      --monitoring-port PORT    port, 0 for any free one (8677)\n"
    "      --metrics-interval SECS   client silence before a metrics_update on\n"
    "                                /ws/metrics/live (30)\n"
    "      --dashboard-interval SECS time between dashboard_update frames (10)\n"
    "      --historical-per-day N    records per day of /ws/metrics/historical (24)\n"
    "      --series NAME=EXPR        a UnifiedMetrics member's values (repeatable):\n"
    "                                NUMBER, ramp:START,SLOPE[,MIN,MAX],\n"
    "                                sine:MID,AMPLITUDE,PERIOD, walk:START,STEP[,SEED]\n"
    "                                or counter:connections|connections_total|\n"
    "                                messages|errors|mcp_calls\n"
    "      --alert-threshold NAME<VALUE[:SEVERITY]  (or >)\n"
    "                                raise an alert when a series crosses VALUE\n"
    "                                (repeatable; severity warning by default)\n"
    "      --monitoring-fault NAME   misbehave on every socket (repeatable): stall,\n"
    "                                duplicate, out-of-order, missing-metric,\n"
    "                                alert-dropped, panel-missing\n"
    "\n"
    "Grading clients (see GRADING CLIENTS in wscheck-mock(1)):\n"
    "      --grade-clients DIR    serve Autobahn's fuzzingserver protocol instead\n"
    "                             (/getCaseCount, /runCase?case=N&agent=A,\n"
    "                             /getCaseInfo?case=N, /updateReports?agent=A) on\n"
    "                             the WebSocket port, grade each client's\n"
    "                             behaviour case by case and write DIR/AGENT.json\n"
    "                             and DIR/AGENT.xml (JUnit); no MCP listener\n"
    "      --grade-timeout SECS   time a client has for each case (5)\n"
    "\n"
    "General:\n"
    "      --config FILE          JSON object of these options, e.g.\n"
    "                             {\"port\": 9100, \"no-mcp\": true}\n"
    "      --ready-file FILE      write the listener URLs as JSON to FILE once\n"
    "                             listening (removed at exit)\n"
    "  -v, --verbose              log connections and more (repeat for more)\n"
    "  -h, --help                 show this help and exit\n"
    "  -V, --version              show the version and exit\n"
    "\n"
    "Settings apply in this order, later ones winning: defaults, --config file,\n"
    "environment, command line. Exit status: 0 after a signal, 1 if a listener\n"
    "cannot start, 2 on a usage error. See wscheck-mock(1).\n";

/* ---- value parsers ---- */

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 86400 * 365)
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *s, size_t max, size_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    errno = 0;
    if (*s == '-')
        return -1;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default:
        break;
    }
    if (*end || v == 0 || v > (max >> shift))
        return -1;
    *out = (size_t)v << shift;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* RFC 7230 token characters: a subprotocol name must be one. */
static bool is_token(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s >= 127 || strchr("()<>@,;:\\\"/[]?={}", *s))
            return false;
    return true;
}

static int set_string(char **slot, const char *value)
{
    char *copy = strdup(value);

    if (!copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static int add_to_list(char **list, size_t *n, const char *value)
{
    if (*n >= MOCK_MAX_LIST)
        return -1;
    list[*n] = strdup(value);
    if (!list[*n])
        return -1;
    (*n)++;
    return 0;
}

/* A comma-separated list of names from table (n entries) or "default"
 * (none): the flags of the names are added to *flags. */
static int parse_flags(const char *value, const char *const *table, size_t n,
                       unsigned *flags)
{
    char copy[256], *save = NULL, *tok;
    unsigned add = 0;

    if (snprintf(copy, sizeof(copy), "%s", value) >= (int)sizeof(copy))
        return -1;
    for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        size_t i;

        for (i = 0; i < n && strcmp(tok, table[i]) != 0; i++)
            ;
        if (i == n)
            return -1;
        add |= 1u << i;
    }
    if (!add && strcmp(value, "default") != 0)
        return -1;
    *flags |= add;
    return 0;
}

/* Profiles add up ("dev-toolkit,crackerjack", or the option repeated);
 * "default" clears them. */
static int parse_profiles(const char *value, int *profile)
{
    static const char *const names[] = {"dev-toolkit", "crackerjack", "monitoring"};
    unsigned flags = (unsigned)*profile;

    if (strcmp(value, "default") == 0) {
        *profile = MOCK_PROFILE_DEFAULT;
        return 0;
    }
    if (parse_flags(value, names, sizeof(names) / sizeof(*names), &flags))
        return -1;
    *profile = (int)flags;
    return 0;
}

/* Bug names in the order of enum cj_bug. */
static int parse_bugs(const char *value, unsigned *bugs)
{
    static const char *const names[] = {"route-spaces", "prefix",      "no-push",
                                        "stage-status", "next-action", "sanitize"};

    return strcmp(value, "default") == 0
               ? -1
               : parse_flags(value, names, sizeof(names) / sizeof(*names), bugs);
}

/* "NAME:TOKEN:type1,type2": three non-empty parts, no blanks. */
static bool role_valid(const char *s)
{
    const char *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL;

    return a && b && a > s && b > a + 1 && b[1] && !strpbrk(s, " \t") && strlen(s) < 512;
}

static int parse_auth_via(const char *value, int *via)
{
    static const char *const names[] = {"header", "query", "cookie", "message",
                                        "subprotocol"};

    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (!strcmp(value, names[i])) {
            *via = (int)i;
            return 0;
        }
    return -1;
}

/* "N" or "N/s": messages per second. */
static int parse_rate(const char *value, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(value, &end);
    if (errno || end == value || (*end && strcmp(end, "/s") != 0) || !isfinite(v) ||
        v <= 0 || v > 1e6)
        return -1;
    *out = v;
    return 0;
}

/* A token goes into headers, URLs, cookies and subprotocol names: printable
 * ASCII without blanks, separators or quotes. */
static bool token_valid(const char *s)
{
    return is_token(s) && !strchr(s, ':');
}

static int set_security(struct mock_options *opt, const char *name, const char *value,
                        bool *known)
{
    long v;

    *known = true;
    if (!strcmp(name, "auth-token"))
        return token_valid(value) ? set_string(&opt->auth_token, value) : -1;
    if (!strcmp(name, "auth-via"))
        return parse_auth_via(value, &opt->auth_via);
    if (!strcmp(name, "role"))
        return role_valid(value) ? add_to_list(opt->roles, &opt->n_roles, value) : -1;
    if (!strcmp(name, "max-connections-per-ip")) {
        if (parse_int(value, 1, 1000000, &v))
            return -1;
        opt->max_conn_per_ip = (size_t)v;
        return 0;
    }
    if (!strcmp(name, "rate-limit"))
        return parse_rate(value, &opt->rate_limit);
    if (!strcmp(name, "tls-cert") || !strcmp(name, "tls-key"))
        return *value ? set_string(!strcmp(name, "tls-cert") ? &opt->tls_cert
                                                             : &opt->tls_key,
                                   value)
                      : -1;
    *known = false;
    return 0;
}

/* ---- options by name ---- */

/* "mcp_port" and "mcp-port" are the same option; the seed's config keys
 * websocket_host and websocket_port are accepted as well. */
static void canonical_name(const char *name, char *out, size_t outlen)
{
    size_t i;

    for (i = 0; name[i] && i + 1 < outlen; i++)
        out[i] = name[i] == '_' ? '-' : name[i];
    out[i] = '\0';
    if (!strcmp(out, "websocket-host"))
        snprintf(out, outlen, "host");
    else if (!strcmp(out, "websocket-port"))
        snprintf(out, outlen, "port");
    else if (!strcmp(out, "allowed-origins"))
        snprintf(out, outlen, "allowed-origin");
    else if (!strcmp(out, "subprotocols"))
        snprintf(out, outlen, "subprotocol");
}

static int set_number(struct mock_options *opt, const char *name, const char *value,
                      bool *known)
{
    long v;

    *known = true;
    if (!strcmp(name, "port") || !strcmp(name, "mcp-port")) {
        if (parse_int(value, 0, 65535, &v))
            return -1;
        *(!strcmp(name, "port") ? &opt->port : &opt->mcp_port) = (int)v;
        opt->port_set |= !strcmp(name, "port");
    } else if (!strcmp(name, "crackerjack-port")) {
        if (parse_int(value, 0, 65535, &v))
            return -1;
        opt->cj_port = (int)v;
    } else if (!strcmp(name, "crackerjack-poll-interval")) {
        if (parse_seconds(value, &opt->cj_poll_interval) ||
            opt->cj_poll_interval < 0.01 || opt->cj_poll_interval > 3600)
            return -1;
    } else if (!strcmp(name, "crackerjack-idle-timeout")) {
        return parse_seconds(value, &opt->cj_idle_timeout);
    } else if (!strcmp(name, "port-tries")) {
        if (parse_int(value, 1, 1000, &v))
            return -1;
        opt->port_tries = (int)v;
    } else if (!strcmp(name, "mcp-sessions-per-client")) {
        if (parse_int(value, 1, MCP_MAX_SESSIONS, &v))
            return -1;
        opt->mcp_sessions_per_client = (size_t)v;
    } else if (!strcmp(name, "mcp-session-timeout")) {
        if (parse_seconds(value, &opt->mcp_session_timeout) ||
            opt->mcp_session_timeout <= 0)
            return -1;
    } else if (!strcmp(name, "ping-interval")) {
        return parse_seconds(value, &opt->ping_interval);
    } else if (!strcmp(name, "grade-timeout")) {
        if (parse_seconds(value, &opt->grade_timeout) || opt->grade_timeout < 0.1 ||
            opt->grade_timeout > 3600)
            return -1;
    } else if (!strcmp(name, "ping-timeout")) {
        if (parse_seconds(value, &opt->ping_timeout) || opt->ping_timeout <= 0)
            return -1;
    } else if (!strcmp(name, "max-message-size")) {
        return parse_size(value, MAX_MAX_MESSAGE, &opt->max_message_size);
    } else if (!strcmp(name, "max-header-size")) {
        size_t v2;

        if (parse_size(value, MAX_MAX_HEADER, &v2) || v2 < MIN_MAX_HEADER)
            return -1;
        opt->max_header_size = v2;
    } else if (!strcmp(name, "verbose")) {
        bool b;

        if (parse_bool(value, &b) == 0)
            opt->verbose = b;
        else if (parse_int(value, 0, 9, &v) == 0)
            opt->verbose = (int)v;
        else
            return -1;
    } else {
        *known = false;
    }
    return 0;
}

static int set_text(struct mock_options *opt, const char *name, const char *value,
                    bool *known)
{
    *known = true;
    if (!strcmp(name, "host") || !strcmp(name, "mcp-host"))
        return *value ? set_string(!strcmp(name, "host") ? &opt->host : &opt->mcp_host,
                                   value)
                      : -1;
    if (!strcmp(name, "mcp-path"))
        return value[0] == '/' && !strpbrk(value, " ?#") && strlen(value) < 200
                   ? set_string(&opt->mcp_path, value)
                   : -1;
    if (!strcmp(name, "profile"))
        return parse_profiles(value, &opt->profile);
    if (!strcmp(name, "crackerjack-bug"))
        return parse_bugs(value, &opt->cj_bugs);
    if (!strcmp(name, "crackerjack-host"))
        return *value ? set_string(&opt->cj_host, value) : -1;
    if (!strcmp(name, "progress-dir"))
        return *value ? set_string(&opt->progress_dir, value) : -1;
    if (!strcmp(name, "no-mcp"))
        return parse_bool(value, &opt->no_mcp);
    if (!strcmp(name, "allowed-origin"))
        return *value ? add_to_list(opt->origins, &opt->n_origins, value) : -1;
    if (!strcmp(name, "subprotocol"))
        return is_token(value)
                   ? add_to_list(opt->subprotocols, &opt->n_subprotocols, value)
                   : -1;
    if (!strcmp(name, "grade-clients"))
        return *value ? set_string(&opt->grade_dir, value) : -1;
    if (!strcmp(name, "ready-file"))
        return *value ? set_string(&opt->ready_file, value) : -1;
    if (!strcmp(name, "config"))
        return set_string(&opt->config_file, value);
    *known = false;
    return 0;
}

int options_set(struct mock_options *opt, const char *name, const char *value, char *err,
                size_t errlen)
{
    char canon[64];
    bool known;
    int rc;

    canonical_name(name, canon, sizeof(canon));
    rc = set_number(opt, canon, value, &known);
    if (!known)
        rc = set_text(opt, canon, value, &known);
    if (!known)
        rc = set_security(opt, canon, value, &known);
    if (!known)
        rc = mon_options_set(&opt->mon, canon, value, &known);
    if (!known) {
        snprintf(err, errlen, "unknown option '%s'", name);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "invalid value for %s: '%s'", canon, value);
        return -1;
    }
    return 0;
}

static void free_list(char **list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free(list[i]);
    *n = 0;
}

void options_clear_list(struct mock_options *opt, const char *name)
{
    char canon[64];

    canonical_name(name, canon, sizeof(canon));
    if (!strcmp(canon, "allowed-origin"))
        free_list(opt->origins, &opt->n_origins);
    else if (!strcmp(canon, "subprotocol"))
        free_list(opt->subprotocols, &opt->n_subprotocols);
    else if (!strcmp(canon, "role"))
        free_list(opt->roles, &opt->n_roles);
    else if (!strcmp(canon, "series"))
        free_list(opt->mon.series, &opt->mon.n_series);
    else if (!strcmp(canon, "alert-threshold"))
        free_list(opt->mon.thresholds, &opt->mon.n_thresholds);
}

int options_init(struct mock_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->port = 9004;
    opt->port_tries = 3;
    opt->mcp_port = 8004;
    opt->ping_interval = 30;
    opt->ping_timeout = 10;
    opt->max_message_size = DEFAULT_MAX_MESSAGE;
    opt->max_header_size = DEFAULT_MAX_HEADER;
    opt->mcp_sessions_per_client = DEFAULT_SESSIONS_PER_CLIENT;
    opt->mcp_session_timeout = DEFAULT_SESSION_TIMEOUT;
    opt->cj_port = MOCK_CRACKERJACK_PORT;
    opt->cj_poll_interval = 1;
    opt->cj_idle_timeout = 25;
    opt->grade_timeout = 5;
    if (set_string(&opt->host, "localhost") || set_string(&opt->mcp_host, "localhost") ||
        set_string(&opt->mcp_path, "/mcp") || set_string(&opt->cj_host, "127.0.0.1") ||
        mon_options_init(&opt->mon)) {
        options_free(opt);
        return -1;
    }
    return 0;
}

void options_free(struct mock_options *opt)
{
    free(opt->host);
    free(opt->mcp_host);
    free(opt->mcp_path);
    free(opt->cj_host);
    free(opt->progress_dir);
    free(opt->ready_file);
    free(opt->config_file);
    free(opt->grade_dir);
    free_list(opt->origins, &opt->n_origins);
    free_list(opt->subprotocols, &opt->n_subprotocols);
    free_list(opt->roles, &opt->n_roles);
    free(opt->auth_token);
    free(opt->tls_cert);
    free(opt->tls_key);
    mon_options_free(&opt->mon);
    memset(opt, 0, sizeof(*opt));
}

/* ---- command line ---- */

static const struct option long_options[] = {
    {"host", required_argument, NULL, 0},
    {"port", required_argument, NULL, 0},
    {"port-tries", required_argument, NULL, 0},
    {"profile", required_argument, NULL, 0},
    {"mcp-host", required_argument, NULL, 0},
    {"mcp-port", required_argument, NULL, 0},
    {"mcp-path", required_argument, NULL, 0},
    {"no-mcp", no_argument, NULL, 0},
    {"ping-interval", required_argument, NULL, 0},
    {"ping-timeout", required_argument, NULL, 0},
    {"max-message-size", required_argument, NULL, 0},
    {"max-header-size", required_argument, NULL, 0},
    {"mcp-sessions-per-client", required_argument, NULL, 0},
    {"mcp-session-timeout", required_argument, NULL, 0},
    {"allowed-origin", required_argument, NULL, 0},
    {"subprotocol", required_argument, NULL, 0},
    {"auth-token", required_argument, NULL, 0},
    {"auth-via", required_argument, NULL, 0},
    {"role", required_argument, NULL, 0},
    {"max-connections-per-ip", required_argument, NULL, 0},
    {"rate-limit", required_argument, NULL, 0},
    {"tls-cert", required_argument, NULL, 0},
    {"tls-key", required_argument, NULL, 0},
    {"crackerjack-host", required_argument, NULL, 0},
    {"crackerjack-port", required_argument, NULL, 0},
    {"crackerjack-poll-interval", required_argument, NULL, 0},
    {"crackerjack-idle-timeout", required_argument, NULL, 0},
    {"crackerjack-bug", required_argument, NULL, 0},
    {"monitoring-host", required_argument, NULL, 0},
    {"monitoring-port", required_argument, NULL, 0},
    {"metrics-interval", required_argument, NULL, 0},
    {"dashboard-interval", required_argument, NULL, 0},
    {"historical-per-day", required_argument, NULL, 0},
    {"series", required_argument, NULL, 0},
    {"alert-threshold", required_argument, NULL, 0},
    {"monitoring-fault", required_argument, NULL, 0},
    {"progress-dir", required_argument, NULL, 0},
    {"grade-clients", required_argument, NULL, 0},
    {"grade-timeout", required_argument, NULL, 0},
    {"ready-file", required_argument, NULL, 0},
    {"config", required_argument, NULL, 0},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* First pass: --help, --version and --config, which decide what the
 * other settings apply on top of. */
static int first_pass(struct mock_options *opt, int argc, char **argv)
{
    int c, idx;

    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "vhV", long_options, &idx)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return 1;
        }
        if (c == 'V') {
            printf("wscheck-mock %s (WebSocket Mock Server protocol %s)\n",
                   PACKAGE_VERSION, "1.0.0");
            return 1;
        }
        if (c == 0 && !strcmp(long_options[idx].name, "config") &&
            set_string(&opt->config_file, optarg) != 0)
            return 2;
    }
    return 0;
}

static int apply_env(struct mock_options *opt)
{
    static const char *const env[][2] = {
        {"WEBSOCKET_HOST", "host"},
        {"WEBSOCKET_PORT", "port"},
    };
    char err[256];

    for (size_t i = 0; i < sizeof(env) / sizeof(*env); i++) {
        const char *v = getenv(env[i][0]);

        if (v && *v && options_set(opt, env[i][1], v, err, sizeof(err)) != 0) {
            fprintf(stderr, "wscheck-mock: %s: %s\n", env[i][0], err);
            return 2;
        }
    }
    return 0;
}

static int second_pass(struct mock_options *opt, int argc, char **argv)
{
    int c, idx;
    char err[256];

    opterr = 1;
    optind = 0;
    while ((c = getopt_long(argc, argv, "vhV", long_options, &idx)) != -1) {
        if (c == 'v') {
            opt->verbose++;
        } else if (c == 0) {
            const char *name = long_options[idx].name;

            if (!strcmp(name, "config"))
                continue;
            if (options_set(opt, name, optarg ? optarg : "true", err, sizeof(err)) != 0) {
                fprintf(stderr, "wscheck-mock: %s\n", err);
                return 2;
            }
        } else if (c != 'h' && c != 'V') {
            fputs("Try 'wscheck-mock --help' for more information.\n", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "wscheck-mock: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    return 0;
}

int options_parse(struct mock_options *opt, int argc, char **argv)
{
    char err[512];
    int rc = first_pass(opt, argc, argv);

    if (rc != 0)
        return rc;
    if (opt->config_file && config_load(opt, opt->config_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "wscheck-mock: %s\n", err);
        return 2;
    }
    rc = apply_env(opt);
    if (rc == 0)
        rc = second_pass(opt, argc, argv);
    if (rc == 0 && opt->profile != MOCK_PROFILE_DEFAULT && !opt->port_set)
        opt->port = MOCK_TOOLKIT_PORT;
    if (rc == 0 && !opt->tls_cert != !opt->tls_key) {
        fprintf(stderr, "wscheck-mock: --tls-cert and --tls-key go together\n");
        rc = 2;
    }
    return rc;
}
