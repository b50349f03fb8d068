/* The quick checks compatible with check_websocket.py (--check-port,
 * --check-http, --test-websocket, --test-endpoint, --ci-mode ...). Each
 * option adds tests to one scenario built in memory, which then runs exactly
 * like `wscheck run`; afterwards a short diagnosis is printed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config_file.h"
#include "load_plan.h"
#include "quick_crackerjack.h"
#include "quick_perf.h"
#include "quick_monitoring.h"
#include "quick_seed.h"
#include "report.h"
#include "util.h"

#define QUICK_CHECK_FILE "(command line)"
/* What the seed's "--check-http" and "--output-junit-xml" without a value
 * mean (crackerjack's progress server, the seed's default server). */
#define QUICK_DEFAULT_HTTP "http://localhost:8675/"
#define QUICK_DEFAULT_JUNIT "wscheck-junit.xml"

static const char quick_check_usage[] =
    "Usage: wscheck [QUICK CHECKS] [OPTIONS] [SCENARIO...]\n"
    "\n"
    "Quick checks (repeatable, combinable):\n"
    "  --check-port PORT        PORT accepts connections; print the owning process\n"
    "  --host HOST              host for --check-port (default 127.0.0.1)\n"
    "  --check-http URL         the HTTP endpoint answers 2xx (without URL:\n"
    "                           " QUICK_DEFAULT_HTTP ", crackerjack's server)\n"
    "  --test-websocket URL     handshake, echo (when the server echoes),\n"
    "                           ping/pong and a clean close\n"
    "  --test-endpoint URL      --test-websocket for ws:// and wss://, else --check-http;\n"
    "                           stdio:COMMAND is an MCP server (handshake)\n"
    "  --test-dev-toolkit       the MCP development toolkit server at\n"
    "                           ws://localhost:PORT: handshake\n"
    "  --port PORT              port for --test-dev-toolkit (default 8676)\n"
    "  --verify-tool-discovery  with --test-dev-toolkit: list and check every tool\n"
    "  --test-command-streaming with --test-dev-toolkit: call a tool that streams\n"
    "                           progress (--streaming-tool NAME, default run_command;\n"
    "                           --streaming-arguments JSON, default {\"command\":\"lint\"})\n"
    "  --validate-mcp-protocol  MCP protocol validation of the --test-dev-toolkit\n"
    "                           server, of --test-crackerjack-mcp's MCP endpoint and\n"
    "                           of --test-endpoint URL (then an MCP endpoint: ws,\n"
    "                           wss, http, https or stdio:COMMAND)\n"
    "  --test-crackerjack-mcp   crackerjack: its progress server at\n"
    "                           http://HOST:8675 (GET /) and its MCP server at\n"
    "                           http://HOST:8676/mcp (tools, a job started and its\n"
    "                           first progress frame)\n"
    "  --crackerjack-port PORT  progress server port (default 8675); --port sets\n"
    "                           the MCP port (default 8676)\n"
    "  --crackerjack-mcp URL    the MCP server instead: http(s)://, ws(s):// or\n"
    "                           stdio:COMMAND\n"
    "  --verify-progress-streaming  with --test-crackerjack-mcp: the echo of a\n"
    "                           progress socket, and a job followed to its end\n"
    "                           (real runs take minutes: raise --timeout)\n"
    "  --test-job-monitoring    with --test-crackerjack-mcp: /latest, the /monitor\n"
    "                           page, and a new job visible in / or /latest and on\n"
    "                           its progress socket\n"
    "  --test-monitoring        a monitoring server's WebSocket feeds at\n"
    "                           ws://localhost:8677: the live metrics snapshot and\n"
    "                           request_update, the historical stream\n"
    "  --monitoring-port PORT   port for --test-monitoring (default 8677)\n"
    "  --verify-metrics-streaming  with --test-monitoring: metrics updates every\n"
    "                           --metrics-interval S (default 30, as crackerjack)\n"
    "  --test-alert-delivery    with --test-monitoring: an alert raised through\n"
    "                           POST /alerts/trigger arrives on /ws/alerts/subscribe\n"
    "                           (a mock's extension: crackerjack never sends alerts)\n"
    "  --validate-dashboard-feeds  with --test-monitoring: the dashboard's panels\n"
    "                           and a refresh after --dashboard-interval S (default 11)\n"
    "  --test-all-mcp-servers   every endpoint of the configuration file's\n"
    "                           mcp_server_endpoints, with the suite of its kind:\n"
    "                           websocket (handshake, echo, ping/pong), http\n"
    "                           (health), mcp and development_toolkit (MCP\n"
    "                           handshake, tool discovery), crackerjack and\n"
    "                           monitoring (as --test-crackerjack-mcp and\n"
    "                           --test-monitoring on the endpoint's host and port)\n"
    "  --test-deployment-endpoints  the same, in CI mode (--ci-mode)\n"
    "  --include-performance-tests  then a short load stage (wscheck load) on every\n"
    "                           endpoint test that passed and can run under load:\n"
    "                           a test \"performance: NAME\" each, with the load\n"
    "                           metrics, failed when a session failed\n"
    "  --performance-connections N  connections per test (default 10)\n"
    "  --performance-duration D     how long (default 5s; s, m, h)\n"
    "  --config FILE            the configuration file (default ./wscheck.json,\n"
    "                           else $XDG_CONFIG_HOME/wscheck/config.json)\n"
    "  --test-endpoints --server NAME [--port P] [--include-health-checks]\n"
    "                           the endpoint NAME of the configuration (its port\n"
    "                           replaced by P), else a known server on P:\n"
    "                           crackerjack (--test-crackerjack-mcp, progress port),\n"
    "                           development_toolkit or dev-toolkit\n"
    "                           (--test-dev-toolkit), monitoring (--test-monitoring)\n"
    "  --include-health-checks  also GET /health (or the endpoint's \"health\" path)\n"
    "                           and a port check on the server's port\n"
    "  --test-configuration FILE  a scenario file (it has \"tests\"): run it; a\n"
    "                           configuration file (it has \"mcp_server_endpoints\"):\n"
    "                           check its endpoints as --test-all-mcp-servers\n"
    "\n"
    "Operations (after the checks, or instead of one run):\n"
    "  --generate-report[=FILE] the analytics of 'wscheck report' over this run,\n"
    "                           as text on the console (or in FILE)\n"
    "  --generate-detailed-report[=FILE]  the same as one self-contained HTML\n"
    "                           file (default " WSC_DETAILED_REPORT_FILE ")\n"
    "  --store-results FILE     append one JSON line per test to FILE (a results\n"
    "                           log for 'wscheck report'); --log-results FILE too\n"
    "  --integrate-analytics    after the run, the analytics over every run stored\n"
    "                           in the --store-results FILE\n"
    "  --alert-on-failure       alert on each failed test through the configuration\n"
    "                           file's alerts (command, webhook, alertmanager); with\n"
    "                           none there, an 'ALERT' line on stderr\n"
    "  --email-on-failure[=ADDRESS]\n"
    "                           mail the failures to ADDRESS (else alerts.email.to,\n"
    "                           else $LOGNAME) through alerts.email.command (default\n"
    "                           'sendmail -t'); a mail that cannot be sent is\n"
    "                           reported, the exit status stays the run's\n"
    "  --scheduled-check        one round for cron or a systemd timer: the run,\n"
    "                           --store-results, alerts as --alert-on-failure, the\n"
    "                           reports asked for; without checks, the configured\n"
    "                           endpoints\n"
    "  --continuous-monitoring  'wscheck monitor' over these checks (without checks,\n"
    "                           the configured endpoints): a round every --interval S\n"
    "                           (default: the configuration's, else 30), alerts on\n"
    "                           down and recovered transitions with\n"
    "                           --alert-on-failure and --email-on-failure, one log\n"
    "                           line per test per round with --log-results FILE;\n"
    "                           --count N stops after N rounds; SIGTERM stops it\n"
    "\n"
    "Options:\n"
    "  --header 'NAME: VALUE'   send this request header with the HTTP and WebSocket\n"
    "                           checks (repeatable; Authorization and Cookie values\n"
    "                           are kept out of every report)\n"
    "  --subprotocol NAME       offer this WebSocket subprotocol (repeatable)\n"
    "  --timeout S              timeout of each test (default 5)\n"
    "  --ci-mode                no colours; failures are reported, exit 0 unless\n"
    "                           --fail-on-error is also given\n"
    "  --fail-on-error          exit 1 when a test fails (the default outside --ci-mode)\n"
    "  --strict                 a test that passed with warnings fails\n"
    "  --output-junit-xml FILE  write a JUnit report (also --junit FILE); without\n"
    "                           FILE: " QUICK_DEFAULT_JUNIT "\n"
    "  --json FILE              write a JSON report\n"
    "  --tap FILE               write a TAP report ('-': stdout; the console and\n"
    "                           the diagnosis then go to stderr)\n"
    "  --plugin-path DIR        look for plugins in DIR first (repeatable)\n"
    "  --quiet, --verbose, --no-color\n"
    "  --color WHEN, --progress WHEN  auto, always or never (as for 'wscheck run')\n"
    "  -h, --help               this help\n"
    "\n"
    "SCENARIO files given too are run in the same invocation.\n";

enum {
    OPT_CHECK_PORT = 300,
    OPT_HOST,
    OPT_CHECK_HTTP,
    OPT_TEST_WS,
    OPT_TEST_ENDPOINT,
    OPT_TIMEOUT,
    OPT_CI,
    OPT_FAIL_ON_ERROR,
    OPT_JUNIT,
    OPT_JSON,
    OPT_PLUGIN_PATH,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_NO_COLOR,
    OPT_TAP,
    OPT_COLOR,
    OPT_PROGRESS,
    OPT_STRICT,
    OPT_HEADER,
    OPT_SUBPROTOCOL,
    OPT_TEST_DEV_TOOLKIT,
    OPT_TOOLKIT_PORT,
    OPT_VERIFY_TOOLS,
    OPT_TEST_STREAMING,
    OPT_STREAMING_TOOL,
    OPT_STREAMING_ARGS,
    OPT_VALIDATE_MCP,
    OPT_TEST_CRACKERJACK,
    OPT_CRACKERJACK_PORT,
    OPT_CRACKERJACK_MCP,
    OPT_VERIFY_STREAMING,
    OPT_TEST_JOB_MONITORING,
    OPT_TEST_MONITORING,
    OPT_MONITORING_PORT,
    OPT_VERIFY_METRICS,
    OPT_TEST_ALERTS,
    OPT_VALIDATE_DASHBOARDS,
    OPT_METRICS_INTERVAL,
    OPT_DASHBOARD_INTERVAL,
    OPT_TEST_ALL_MCP,
    OPT_TEST_DEPLOYMENT,
    OPT_INCLUDE_PERF,
    OPT_PERF_CONNECTIONS,
    OPT_PERF_DURATION,
    OPT_CONFIG,
    OPT_GENERATE_REPORT,
    OPT_DETAILED_REPORT,
    OPT_CONTINUOUS,
    OPT_INTERVAL,
    OPT_COUNT,
    OPT_ALERT_ON_FAILURE,
    OPT_LOG_RESULTS,
    OPT_SCHEDULED,
    OPT_EMAIL,
    OPT_INTEGRATE,
    OPT_TEST_CONFIGURATION,
    OPT_TEST_ENDPOINTS,
    OPT_SERVER,
    OPT_INCLUDE_HEALTH
};

static const struct option quick_check_options[] = {
    {"check-port", required_argument, NULL, OPT_CHECK_PORT},
    {"host", required_argument, NULL, OPT_HOST},
    {"check-http", required_argument, NULL, OPT_CHECK_HTTP},
    {"test-websocket", required_argument, NULL, OPT_TEST_WS},
    {"test-endpoint", required_argument, NULL, OPT_TEST_ENDPOINT},
    {"test-dev-toolkit", no_argument, NULL, OPT_TEST_DEV_TOOLKIT},
    {"port", required_argument, NULL, OPT_TOOLKIT_PORT},
    {"verify-tool-discovery", no_argument, NULL, OPT_VERIFY_TOOLS},
    {"test-command-streaming", no_argument, NULL, OPT_TEST_STREAMING},
    {"streaming-tool", required_argument, NULL, OPT_STREAMING_TOOL},
    {"streaming-arguments", required_argument, NULL, OPT_STREAMING_ARGS},
    {"validate-mcp-protocol", no_argument, NULL, OPT_VALIDATE_MCP},
    {"test-crackerjack-mcp", no_argument, NULL, OPT_TEST_CRACKERJACK},
    {"crackerjack-port", required_argument, NULL, OPT_CRACKERJACK_PORT},
    {"crackerjack-mcp", required_argument, NULL, OPT_CRACKERJACK_MCP},
    {"verify-progress-streaming", no_argument, NULL, OPT_VERIFY_STREAMING},
    {"test-job-monitoring", no_argument, NULL, OPT_TEST_JOB_MONITORING},
    {"test-monitoring", no_argument, NULL, OPT_TEST_MONITORING},
    {"monitoring-port", required_argument, NULL, OPT_MONITORING_PORT},
    {"verify-metrics-streaming", no_argument, NULL, OPT_VERIFY_METRICS},
    {"test-alert-delivery", no_argument, NULL, OPT_TEST_ALERTS},
    {"validate-dashboard-feeds", no_argument, NULL, OPT_VALIDATE_DASHBOARDS},
    {"metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL},
    {"dashboard-interval", required_argument, NULL, OPT_DASHBOARD_INTERVAL},
    {"test-all-mcp-servers", no_argument, NULL, OPT_TEST_ALL_MCP},
    {"test-deployment-endpoints", no_argument, NULL, OPT_TEST_DEPLOYMENT},
    {"include-performance-tests", no_argument, NULL, OPT_INCLUDE_PERF},
    {"performance-connections", required_argument, NULL, OPT_PERF_CONNECTIONS},
    {"performance-duration", required_argument, NULL, OPT_PERF_DURATION},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"generate-report", optional_argument, NULL, OPT_GENERATE_REPORT},
    {"generate-detailed-report", optional_argument, NULL, OPT_DETAILED_REPORT},
    {"continuous-monitoring", no_argument, NULL, OPT_CONTINUOUS},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"count", required_argument, NULL, OPT_COUNT},
    {"alert-on-failure", no_argument, NULL, OPT_ALERT_ON_FAILURE},
    {"log-results", required_argument, NULL, OPT_LOG_RESULTS},
    {"store-results", required_argument, NULL, OPT_LOG_RESULTS},
    {"scheduled-check", no_argument, NULL, OPT_SCHEDULED},
    {"email-on-failure", optional_argument, NULL, OPT_EMAIL},
    {"integrate-analytics", no_argument, NULL, OPT_INTEGRATE},
    {"test-configuration", required_argument, NULL, OPT_TEST_CONFIGURATION},
    {"test-endpoints", no_argument, NULL, OPT_TEST_ENDPOINTS},
    {"server", required_argument, NULL, OPT_SERVER},
    {"include-health-checks", no_argument, NULL, OPT_INCLUDE_HEALTH},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"ci-mode", no_argument, NULL, OPT_CI},
    {"fail-on-error", no_argument, NULL, OPT_FAIL_ON_ERROR},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"header", required_argument, NULL, OPT_HEADER},
    {"subprotocol", required_argument, NULL, OPT_SUBPROTOCOL},
    {"output-junit-xml", required_argument, NULL, OPT_JUNIT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"json", required_argument, NULL, OPT_JSON},
    {"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"tap", required_argument, NULL, OPT_TAP},
    {"color", required_argument, NULL, OPT_COLOR},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int wsc_is_quick_check_option(const char *arg)
{
    for (const struct option *o = quick_check_options; o->name; o++) {
        size_t n = strlen(o->name);
        if (strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, o->name, n) == 0 &&
            (arg[2 + n] == '\0' || arg[2 + n] == '='))
            return 1;
    }
    return 0;
}

struct quick_checks {
    struct json_object *tests;        /* the scenario's "tests" array */
    struct json_object *headers;      /* --header: name -> value, or NULL */
    struct json_object *subprotocols; /* --subprotocol: array, or NULL */
    const char *host;
    int host_given;
    /* MCP: --test-dev-toolkit and --validate-mcp-protocol */
    long toolkit_port;
    int verify_tools, test_streaming, validate_mcp;
    const char *streaming_tool;
    struct json_object *streaming_args;
    /* --test-crackerjack-mcp */
    long crackerjack_port;
    const char *crackerjack_mcp;
    int verify_streaming, test_job_monitoring;
    /* --test-monitoring */
    struct wsc_quick_monitoring monitoring;
    const char *config_path; /* --config, else the one found */
    /* --test-endpoints --server NAME --port P --include-health-checks */
    const char *server;
    int port_given, include_health;
    const char *test_configuration; /* --test-configuration FILE */
    const char *extra_scenario;     /* that FILE, when a scenario file */
    struct wsc_quick_seed seed;
    struct wsc_quick_perf perf; /* --include-performance-tests */
    double timeout;
    int ci_mode;
    int fail_on_error;
    int strict;
    int quiet, verbose, no_color;
    enum wsc_when color, progress;
    const char *junit, *json, *tap;
    char **plugin_paths;
    size_t n_plugin_paths;
};

/* ---- building the tests ---------------------------------------------------- */

/* The test is named "<label>: <arg>", e.g. "port owner: 8675". */
static void add_test(struct quick_checks *s, const char *plugin, const char *check,
                     struct json_object *params, const char *label, const char *arg)
{
    struct json_object *t = json_object_new_object();
    char *name = wsc_strdup_printf("%s: %s", label, arg);
    json_object_object_add(t, "name", json_object_new_string(name ? name : check));
    json_object_object_add(t, "plugin", json_object_new_string(plugin));
    json_object_object_add(t, "check", json_object_new_string(check));
    json_object_object_add(t, "params", params);
    json_object_array_add(s->tests, t);
    free(name);
}

/* A deep copy of v into p[key], when v is set. */
static void add_copy(struct json_object *p, const char *key, struct json_object *v)
{
    struct json_object *copy = NULL;
    if (v && json_object_deep_copy(v, &copy, NULL) == 0)
        json_object_object_add(p, key, copy);
}

/* The url, with the --header and (for WebSocket checks) --subprotocol
 * options. */
static struct json_object *url_params(const struct quick_checks *s, const char *url,
                                      int websocket)
{
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "url", json_object_new_string(url));
    add_copy(p, "headers", s->headers);
    if (websocket)
        add_copy(p, "subprotocols", s->subprotocols);
    return p;
}

static int add_port_checks(struct quick_checks *s, const char *arg)
{
    char *end;
    errno = 0;
    long port = strtol(arg, &end, 10);
    if (errno || *end || port < 1 || port > 65535) {
        fprintf(stderr, "wscheck: --check-port needs a port number 1-65535, got '%s'\n",
                arg);
        return -1;
    }
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "host", json_object_new_string(s->host));
    json_object_object_add(p, "port", json_object_new_int((int)port));
    add_test(s, "port", "listening", p, "port listening", arg);
    p = json_object_new_object();
    json_object_object_add(p, "port", json_object_new_int((int)port));
    add_test(s, "port", "owner", p, "port owner", arg);
    return 0;
}

/* The echo probe is JSON so that servers which answer JSON messages (such as
 * wscheck-mock's echo_response) echo it back inside their reply too. The
 * echo is awaited 2 s, or the whole timeout when that is shorter (a step may
 * not outlast its test). */
static struct json_object *echo_steps(double timeout)
{
    const char *text =
        "[{\"send\": {\"type\": \"echo\", \"probe\": \"wscheck-echo-probe\"}},"
        " {\"expect_text\": {\"$contains\": \"wscheck-echo-probe\"},"
        "  \"skip_until\": true},"
        " {\"close\": {\"code\": 1000, \"reason\": \"wscheck\"}}]";
    struct json_object *steps = json_tokener_parse(text);
    if (steps)
        json_object_object_add(json_object_array_get_idx(steps, 1), "within",
                               json_object_new_double(timeout < 2 ? timeout : 2));
    return steps;
}

static void add_websocket_checks(struct quick_checks *s, const char *url)
{
    add_test(s, "ws-basic", "handshake", url_params(s, url, 1), "WebSocket handshake",
             url);
    struct json_object *p = url_params(s, url, 1);
    json_object_object_add(p, "steps", echo_steps(s->timeout));
    add_test(s, "ws-basic", "conversation", p, "WebSocket echo", url);
    p = url_params(s, url, 1);
    json_object_object_add(p, "count", json_object_new_int(3));
    add_test(s, "ping-pong", "control", p, "WebSocket ping/pong", url);
}

/* ---- MCP endpoints ------------------------------------------------------------ */

static void add_mcp_test(struct quick_checks *s, const char *check, const char *url,
                         const char *label, struct json_object *extra)
{
    struct json_object *p = url_params(s, url, 0);
    if (extra) {
        json_object_object_foreach(extra, key, val)
            json_object_object_add(p, key, json_object_get(val));
        json_object_put(extra);
    }
    add_test(s, "dev-toolkit", check, p, label, url);
}

static void add_mcp_endpoint_checks(struct quick_checks *s, const char *url)
{
    add_mcp_test(s, "initialize", url, "MCP handshake", NULL);
    if (s->validate_mcp)
        add_mcp_test(s, "protocol", url, "MCP protocol", NULL);
}

static struct json_object *streaming_params(const struct quick_checks *s)
{
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "tool", json_object_new_string(s->streaming_tool));
    if (s->streaming_args)
        add_copy(p, "arguments", s->streaming_args);
    else
        json_object_object_add(p, "arguments",
                               json_tokener_parse("{\"command\":\"lint\"}"));
    return p;
}

/* The seed's development toolkit server: MCP over WebSocket on 8676. */
static void add_toolkit_checks(struct quick_checks *s)
{
    char *url = wsc_strdup_printf("ws://%s:%ld", s->host_given ? s->host : "localhost",
                                  s->toolkit_port);
    if (!url)
        return;
    add_mcp_endpoint_checks(s, url);
    if (s->verify_tools)
        add_mcp_test(s, "tool_discovery", url, "MCP tool discovery", NULL);
    if (s->test_streaming)
        add_mcp_test(s, "command_streaming", url, "MCP command streaming",
                     streaming_params(s));
    free(url);
}

static int parse_port(long *port, const char *option, const char *arg)
{
    char *end;
    errno = 0;
    *port = strtol(arg, &end, 10);
    if (errno || *end || *port < 1 || *port > 65535) {
        fprintf(stderr, "wscheck: --%s needs a port number 1-65535, got '%s'\n", option,
                arg);
        return -1;
    }
    return 0;
}

static int parse_streaming_args(struct quick_checks *s, const char *arg)
{
    json_object_put(s->streaming_args);
    s->streaming_args = json_tokener_parse(arg);
    if (!json_object_is_type(s->streaming_args, json_type_object)) {
        fprintf(stderr, "wscheck: --streaming-arguments needs a JSON object, got '%s'\n",
                arg);
        return -1;
    }
    return 0;
}

/* crackerjack: the progress server on 8675 and its MCP server on 8676
 * (quick_crackerjack.c builds the tests). */
static int add_crackerjack_checks(struct quick_checks *s)
{
    struct wsc_quick_crackerjack q = {
        .host = s->host,
        .port = s->crackerjack_port,
        .mcp_port = s->toolkit_port,
        .mcp = s->crackerjack_mcp,
        .streaming = s->verify_streaming,
        .monitoring = s->test_job_monitoring,
        .validate_mcp = s->validate_mcp,
    };
    return wsc_quick_crackerjack(s->tests, &q);
}

/* A monitoring server's feeds on 8677 (quick_monitoring.c builds the
 * tests). */
static int add_monitoring_checks(struct quick_checks *s)
{
    s->monitoring.host = s->host_given ? s->host : "localhost";
    s->monitoring.timeout = s->timeout;
    return wsc_quick_monitoring(s->tests, &s->monitoring);
}

/* A positive number of seconds for --OPTION. */
static int parse_seconds(double *out, const char *option, const char *arg)
{
    char *end;
    errno = 0;
    *out = strtod(arg, &end);
    if (errno || *end || *out <= 0) {
        fprintf(stderr, "wscheck: --%s needs a positive number of seconds, got '%s'\n",
                option, arg);
        return -1;
    }
    return 0;
}

static int parse_monitoring_setting(struct quick_checks *s, int opt, const char *arg)
{
    struct wsc_quick_monitoring *q = &s->monitoring;
    char *end;
    switch (opt) {
    case OPT_MONITORING_PORT:
        errno = 0;
        q->port = strtol(arg, &end, 10);
        if (errno || *end || q->port < 1 || q->port > 65535) {
            fprintf(stderr,
                    "wscheck: --monitoring-port needs a port number 1-65535, got '%s'\n",
                    arg);
            return -1;
        }
        return 0;
    case OPT_METRICS_INTERVAL:
        return parse_seconds(&q->metrics_interval, "metrics-interval", arg);
    case OPT_DASHBOARD_INTERVAL:
        return parse_seconds(&q->dashboard_interval, "dashboard-interval", arg);
    case OPT_VERIFY_METRICS:
        q->streaming = 1;
        return 0;
    case OPT_TEST_ALERTS:
        q->alerts = 1;
        return 0;
    default:
        q->dashboards = 1;
        return 0;
    }
}

static void add_endpoint_checks(struct quick_checks *s, const char *url)
{
    if (strncmp(url, "ws://", 5) == 0 || strncmp(url, "wss://", 6) == 0)
        add_websocket_checks(s, url);
    else
        add_test(s, "http", "health", url_params(s, url, 0), "HTTP endpoint", url);
}

/* ---- the configured endpoints (--test-all-mcp-servers) ---------------------- */

/* host and port of "scheme://host:port/..." (IPv6 in brackets); the port
 * defaults to the scheme's. host is malloc'ed; -1 when unreadable. */
static int url_host_port(const char *url, char **host, long *port)
{
    const char *p = strstr(url, "://");
    if (!p)
        return -1;
    int secure = strncmp(url, "wss:", 4) == 0 || strncmp(url, "https:", 6) == 0;
    p += 3;
    const char *at = strpbrk(p, "@/");
    if (at && *at == '@')
        p = at + 1;
    const char *end = *p == '[' ? strchr(p, ']') : p + strcspn(p, ":/?#");
    if (!end || end == p)
        return -1;
    if (*p == '[')
        p++;
    *host = strndup(p, (size_t)(end - p));
    if (*end == ']')
        end++;
    *port = secure ? 443 : 80;
    if (*end == ':')
        *port = strtol(end + 1, NULL, 10);
    return *host && *port > 0 && *port <= 65535 ? 0 : -1;
}

/* The endpoint's configured headers under the --header ones (which win
 * for the same name): s->headers while its checks are built. Returns the
 * --header object to put back, or -1 cast when out of memory. */
static int push_endpoint_headers(struct quick_checks *s, const struct wsc_endpoint *e,
                                 struct json_object **saved)
{
    *saved = s->headers;
    if (!e->headers)
        return 0;
    struct json_object *merged = NULL;
    if (json_object_deep_copy((struct json_object *)e->headers, &merged, NULL) != 0)
        return -1;
    if (*saved) {
        json_object_object_foreach(*saved, k, v)
            json_object_object_add(merged, k, json_object_get(v));
    }
    s->headers = merged;
    return 0;
}

static void pop_endpoint_headers(struct quick_checks *s, struct json_object *saved)
{
    if (s->headers != saved)
        json_object_put(s->headers);
    s->headers = saved;
}

static int add_endpoint_suite(struct quick_checks *s, const struct wsc_endpoint *e);

/* One endpoint, with the suite of its kind and its headers. */
static int add_configured_endpoint(struct quick_checks *s, const struct wsc_endpoint *e)
{
    struct json_object *saved;
    if (push_endpoint_headers(s, e, &saved) < 0)
        return WSC_EXIT_INTERNAL;
    int rc = add_endpoint_suite(s, e);
    pop_endpoint_headers(s, saved);
    return rc;
}

static int add_endpoint_suite(struct quick_checks *s, const struct wsc_endpoint *e)
{
    char *host = NULL;
    long port = 0;
    int rc = 0;
    switch (e->kind) {
    case WSC_KIND_WEBSOCKET:
        add_websocket_checks(s, e->url);
        break;
    case WSC_KIND_HTTP:
        add_test(s, "http", "health", url_params(s, e->url, 0), "HTTP endpoint", e->url);
        break;
    case WSC_KIND_MCP:
    case WSC_KIND_DEVELOPMENT_TOOLKIT:
        add_mcp_endpoint_checks(s, e->url);
        add_mcp_test(s, "tool_discovery", e->url, "MCP tool discovery", NULL);
        break;
    case WSC_KIND_CRACKERJACK:
    case WSC_KIND_MONITORING:
        if (url_host_port(e->url, &host, &port) < 0) {
            fprintf(stderr, "wscheck: endpoint '%s': no host and port in its url\n",
                    e->name);
            free(host);
            return WSC_EXIT_USAGE;
        }
        if (e->kind == WSC_KIND_CRACKERJACK) {
            struct wsc_quick_crackerjack q = {.host = host,
                                              .port = port,
                                              .mcp_port = s->toolkit_port,
                                              .validate_mcp = s->validate_mcp};
            rc = wsc_quick_crackerjack(s->tests, &q);
        } else {
            struct wsc_quick_monitoring q = s->monitoring;
            q.host = host;
            q.port = port;
            q.timeout = s->timeout;
            rc = wsc_quick_monitoring(s->tests, &q);
        }
        break;
    }
    free(host);
    return rc ? WSC_EXIT_INTERNAL : 0;
}

/* Every endpoint of the configuration's mcp_server_endpoints. */
static int add_configured_endpoints(struct quick_checks *s)
{
    struct wsc_config cfg;
    struct wsc_diag diag = {0};
    int rc = wsc_config_load(&cfg, s->config_path, &diag);
    wsc_diag_clear(&diag);
    if (rc < 0)
        return WSC_EXIT_USAGE;
    if (!cfg.n_endpoints) {
        fprintf(stderr,
                "wscheck: --test-all-mcp-servers: no endpoints configured: add "
                "mcp_server_endpoints to %s (see wscheck-config(5))\n",
                cfg.doc.file ? cfg.doc.file : "wscheck.json");
        wsc_config_free(&cfg);
        return WSC_EXIT_USAGE;
    }
    int status = -1;
    for (size_t i = 0; status == -1 && i < cfg.n_endpoints; i++)
        if ((rc = add_configured_endpoint(s, &cfg.endpoints[i])) != 0)
            status = rc;
    wsc_config_free(&cfg);
    return status;
}

/* ---- --test-endpoints --server NAME ------------------------------------------ */

/* url with its port replaced by port ("ws://h:1/p" -> "ws://h:port/p").
 * Malloc'ed; NULL when the url has no host. */
static char *url_with_port(const char *url, long port)
{
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    p += 3;
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    const char *host = at ? at + 1 : p;
    const char *bracket = *host == '[' ? memchr(host, ']', (size_t)(end - host)) : NULL;
    const char *colon =
        memchr(bracket ? bracket : host, ':', (size_t)(end - (bracket ? bracket : host)));
    const char *host_end = colon ? colon : end;
    if (host_end == host)
        return NULL;
    return wsc_strdup_printf("%.*s:%ld%s", (int)(host_end - url), url, port, end);
}

/* --include-health-checks: GET /health (or the endpoint's health path) on
 * the server's host and port, and the port check. */
static int add_health_checks(struct quick_checks *s, const char *url, const char *path)
{
    char *host = NULL, *health = NULL, *port_text = NULL;
    long port = 0;
    int rc = WSC_EXIT_INTERNAL;
    if (url_host_port(url, &host, &port) == 0) {
        int tls = strncmp(url, "wss:", 4) == 0 || strncmp(url, "https:", 6) == 0;
        int v6 = strchr(host, ':') != NULL;
        health =
            wsc_strdup_printf("%s://%s%s%s:%ld%s", tls ? "https" : "http", v6 ? "[" : "",
                              host, v6 ? "]" : "", port, path ? path : "/health");
        port_text = wsc_strdup_printf("%ld", port);
    }
    if (health && port_text) {
        add_test(s, "http", "health", url_params(s, health, 0), "HTTP health", health);
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "host", json_object_new_string(host));
        json_object_object_add(p, "port", json_object_new_int((int)port));
        add_test(s, "port", "listening", p, "port listening", port_text);
        rc = -1;
    } else {
        fprintf(stderr, "wscheck: --include-health-checks: no host and port in '%s'\n",
                url);
        rc = WSC_EXIT_USAGE;
    }
    free(host);
    free(health);
    free(port_text);
    return rc;
}

/* A configured endpoint named NAME, its port replaced by --port. */
static int add_named_endpoint(struct quick_checks *s, const struct wsc_endpoint *e)
{
    struct wsc_endpoint copy = *e;
    char *url = s->port_given ? url_with_port(e->url, s->toolkit_port) : NULL;
    if (s->port_given && !url) {
        fprintf(stderr, "wscheck: endpoint '%s': no host in its url\n", e->name);
        return WSC_EXIT_USAGE;
    }
    if (url)
        copy.url = url;
    int rc = add_configured_endpoint(s, &copy);
    if (!rc && s->include_health)
        rc = add_health_checks(s, copy.url, e->health);
    free(url);
    return rc ? rc : -1;
}

static const char *const known_servers[] = {"crackerjack", "development_toolkit",
                                            "dev-toolkit", "monitoring", NULL};

/* A known server of the seed on --port (else its default port). */
static int add_known_server(struct quick_checks *s, const char *name)
{
    const char *host = s->host_given ? s->host : "localhost";
    long port;
    int rc = 0;
    if (!strcmp(name, "crackerjack")) {
        port = s->port_given ? s->toolkit_port : 8675;
        struct wsc_quick_crackerjack q = {.host = s->host,
                                          .port = port,
                                          .mcp_port = 8676,
                                          .mcp = s->crackerjack_mcp,
                                          .streaming = s->verify_streaming,
                                          .monitoring = s->test_job_monitoring,
                                          .validate_mcp = s->validate_mcp};
        rc = wsc_quick_crackerjack(s->tests, &q);
    } else if (!strcmp(name, "monitoring")) {
        port = s->port_given ? s->toolkit_port : 8677;
        s->monitoring.port = port;
        rc = add_monitoring_checks(s);
    } else {
        port = s->port_given ? s->toolkit_port : 8676;
        s->toolkit_port = port;
        add_toolkit_checks(s);
    }
    if (rc)
        return WSC_EXIT_INTERNAL;
    char *url = wsc_strdup_printf("http://%s:%ld/", host, port);
    rc = !url                ? WSC_EXIT_INTERNAL
         : s->include_health ? add_health_checks(s, url, NULL)
                             : -1;
    free(url);
    return rc;
}

static void unknown_server(const char *name, const struct wsc_config *cfg)
{
    struct wsc_buf b = {0};
    for (size_t i = 0; known_servers[i]; i++)
        wsc_buf_printf(&b, "%s%s", i ? ", " : "", known_servers[i]);
    for (size_t i = 0; i < cfg->n_endpoints; i++)
        wsc_buf_printf(&b, "%s%s", i ? ", " : "; configured: ", cfg->endpoints[i].name);
    char *safe = wsc_term_safe(name);
    fprintf(stderr, "wscheck: --test-endpoints: unknown server '%s' (known: %s)\n",
            safe ? safe : "?", b.data ? b.data : "");
    free(safe);
    wsc_buf_free(&b);
}

/* --test-endpoints --server NAME: a configured endpoint of that name, else
 * a known server of the seed. */
static int add_server_checks(struct quick_checks *s)
{
    if (!s->server) {
        fputs("wscheck: --test-endpoints needs --server NAME\n", stderr);
        return WSC_EXIT_USAGE;
    }
    struct wsc_config cfg;
    struct wsc_diag diag = {0};
    int rc = wsc_config_load(&cfg, s->config_path, &diag);
    wsc_diag_clear(&diag);
    if (rc < 0)
        return WSC_EXIT_USAGE;
    const struct wsc_endpoint *e = wsc_config_endpoint(&cfg, s->server);
    if (e)
        rc = add_named_endpoint(s, e);
    else if (wsc_str_in_list(known_servers, s->server))
        rc = add_known_server(s, s->server);
    else {
        unknown_server(s->server, &cfg);
        rc = WSC_EXIT_USAGE;
    }
    wsc_config_free(&cfg);
    return rc;
}

/* ---- options --------------------------------------------------------------- */

static int push_path(struct quick_checks *s, const char *dir)
{
    char **more = realloc(s->plugin_paths, (s->n_plugin_paths + 1) * sizeof(*more));
    if (!more)
        return -1;
    s->plugin_paths = more;
    s->plugin_paths[s->n_plugin_paths++] = (char *)dir;
    return 0;
}

static int parse_timeout(struct quick_checks *s, const char *arg)
{
    char *end;
    errno = 0;
    s->timeout = strtod(arg, &end);
    if (errno || *end || s->timeout <= 0) {
        fprintf(stderr,
                "wscheck: --timeout needs a positive number of seconds, got '%s'\n", arg);
        return -1;
    }
    return 0;
}

/* --header 'Name: value': the name as given, the value without the blanks
 * around it. */
static int add_header(struct quick_checks *s, const char *arg)
{
    const char *colon = strchr(arg, ':');
    size_t n = colon ? (size_t)(colon - arg) : 0;
    /* The argument is not echoed: a malformed credential header
     * ("Authorization Bearer ...") would print the credential. */
    const char *why = !colon                    ? "no ':' after the name"
                      : n == 0                  ? "no name before ':'"
                      : strcspn(arg, " \t") < n ? "a space in the name"
                                                : NULL;
    if (why) {
        fprintf(stderr, "wscheck: --header needs 'Name: value': %s\n", why);
        return WSC_EXIT_USAGE;
    }
    const char *value = colon + 1 + strspn(colon + 1, " \t");
    size_t vn = strlen(value);
    while (vn > 0 && (value[vn - 1] == ' ' || value[vn - 1] == '\t'))
        vn--;
    char *name = strndup(arg, n);
    if (!s->headers)
        s->headers = json_object_new_object();
    int rc = name && s->headers
                 ? json_object_object_add(s->headers, name,
                                          json_object_new_string_len(value, (int)vn))
                 : -1;
    free(name);
    return rc == 0 ? -1 : WSC_EXIT_INTERNAL;
}

static int add_subprotocol(struct quick_checks *s, const char *arg)
{
    if (!s->subprotocols)
        s->subprotocols = json_object_new_array();
    if (!s->subprotocols ||
        json_object_array_add(s->subprotocols, json_object_new_string(arg)) != 0)
        return WSC_EXIT_INTERNAL;
    return -1;
}

/* The seed's operations options (quick_seed.h). Returns -1 to go on, else
 * an exit status. */
static int parse_seed_setting(struct quick_checks *s, int opt, const char *arg)
{
    struct wsc_quick_seed *q = &s->seed;
    double v;
    switch (opt) {
    case OPT_GENERATE_REPORT:
    case OPT_DETAILED_REPORT:
        if (arg && !*arg) {
            fprintf(stderr, "wscheck: --%s=FILE needs a file name\n",
                    opt == OPT_GENERATE_REPORT ? "generate-report"
                                               : "generate-detailed-report");
            return WSC_EXIT_USAGE;
        }
        *(opt == OPT_GENERATE_REPORT ? &q->report : &q->detailed) = 1;
        *(opt == OPT_GENERATE_REPORT ? &q->report_file : &q->detailed_file) = arg;
        return -1;
    case OPT_INTERVAL:
        if (parse_seconds(&q->interval, "interval", arg) < 0)
            return WSC_EXIT_USAGE;
        return -1;
    case OPT_COUNT:
        if (parse_seconds(&v, "count", arg) < 0 || v != (double)(unsigned long)v) {
            fprintf(stderr, "wscheck: --count needs a whole number of rounds >= 1\n");
            return WSC_EXIT_USAGE;
        }
        q->count = (unsigned long)v;
        return -1;
    case OPT_LOG_RESULTS:
        if (!*arg) {
            fprintf(stderr, "wscheck: --log-results and --store-results need a file\n");
            return WSC_EXIT_USAGE;
        }
        q->store = arg;
        return -1;
    case OPT_EMAIL:
        q->email = 1;
        q->email_to = arg;
        return -1;
    case OPT_CONTINUOUS:
        q->continuous = 1;
        return -1;
    case OPT_ALERT_ON_FAILURE:
        q->alert_on_failure = 1;
        return -1;
    case OPT_SCHEDULED:
        q->scheduled = 1;
        return -1;
    default: /* OPT_INTEGRATE */
        q->integrate = 1;
        return -1;
    }
}

/* --test-configuration FILE: a scenario file is run, a configuration
 * file's endpoints are checked (told apart by content). */
static int parse_test_configuration(struct quick_checks *s, const char *arg)
{
    int kind = wsc_seed_file_kind(arg);
    if (kind < 0)
        return WSC_EXIT_USAGE;
    s->test_configuration = arg;
    if (kind == 1)
        s->extra_scenario = arg;
    else
        s->config_path = arg;
    return -1;
}

/* --include-performance-tests and its two settings. */
static int parse_perf_setting(struct wsc_quick_perf *p, int opt, const char *arg)
{
    char *end;
    if (opt == OPT_INCLUDE_PERF) {
        p->enabled = 1;
        return 0;
    }
    if (opt == OPT_PERF_DURATION) {
        if (wsc_load_parse_duration(arg, &p->duration) == 0 && p->duration > 0)
            return 0;
        fprintf(stderr,
                "wscheck: --performance-duration needs a duration (5s, 1m), got '%s'\n",
                arg);
        return -1;
    }
    errno = 0;
    unsigned long n = strtoul(arg, &end, 10);
    if (errno || *end || n < 1 || n > 100000 || *arg == '-') {
        fprintf(stderr,
                "wscheck: --performance-connections needs a number 1-100000, got '%s'\n",
                arg);
        return -1;
    }
    p->connections = (unsigned)n;
    return 0;
}

/* Two passes: --host, --timeout, --header and --subprotocol may come after
 * the checks they affect. */
static int parse_settings(int argc, char **argv, struct quick_checks *s)
{
    int opt, rc;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", quick_check_options, NULL)) != -1) {
        switch (opt) {
        case OPT_HEADER:
            if ((rc = add_header(s, optarg)) != -1)
                return rc;
            break;
        case OPT_SUBPROTOCOL:
            if ((rc = add_subprotocol(s, optarg)) != -1)
                return rc;
            break;
        case OPT_HOST:
            s->host = optarg;
            s->host_given = 1;
            break;
        case OPT_TOOLKIT_PORT:
            if (parse_port(&s->toolkit_port, "port", optarg) < 0)
                return WSC_EXIT_USAGE;
            s->port_given = 1;
            break;
        case OPT_GENERATE_REPORT:
        case OPT_DETAILED_REPORT:
        case OPT_CONTINUOUS:
        case OPT_INTERVAL:
        case OPT_COUNT:
        case OPT_ALERT_ON_FAILURE:
        case OPT_LOG_RESULTS:
        case OPT_SCHEDULED:
        case OPT_EMAIL:
        case OPT_INTEGRATE:
            if ((rc = parse_seed_setting(s, opt, optarg)) != -1)
                return rc;
            break;
        case OPT_TEST_CONFIGURATION:
            if ((rc = parse_test_configuration(s, optarg)) != -1)
                return rc;
            break;
        case OPT_SERVER:
            s->server = optarg;
            break;
        case OPT_INCLUDE_HEALTH:
            s->include_health = 1;
            break;
        case OPT_CRACKERJACK_PORT:
            if (parse_port(&s->crackerjack_port, "crackerjack-port", optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_CRACKERJACK_MCP:
            s->crackerjack_mcp = optarg;
            break;
        case OPT_VERIFY_STREAMING:
            s->verify_streaming = 1;
            break;
        case OPT_TEST_JOB_MONITORING:
            s->test_job_monitoring = 1;
            break;
        case OPT_VERIFY_TOOLS:
            s->verify_tools = 1;
            break;
        case OPT_TEST_STREAMING:
            s->test_streaming = 1;
            break;
        case OPT_STREAMING_TOOL:
            s->streaming_tool = optarg;
            break;
        case OPT_STREAMING_ARGS:
            if (parse_streaming_args(s, optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_VALIDATE_MCP:
            s->validate_mcp = 1;
            break;
        case OPT_MONITORING_PORT:
        case OPT_VERIFY_METRICS:
        case OPT_TEST_ALERTS:
        case OPT_VALIDATE_DASHBOARDS:
        case OPT_METRICS_INTERVAL:
        case OPT_DASHBOARD_INTERVAL:
            if (parse_monitoring_setting(s, opt, optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (parse_timeout(s, optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_INCLUDE_PERF:
        case OPT_PERF_CONNECTIONS:
        case OPT_PERF_DURATION:
            if (parse_perf_setting(&s->perf, opt, optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_CI:
        case OPT_TEST_DEPLOYMENT: /* the configured endpoints, in CI mode */
            s->ci_mode = 1;
            break;
        case OPT_CONFIG:
            if (!s->test_configuration || s->extra_scenario)
                s->config_path = optarg;
            break;
        case OPT_FAIL_ON_ERROR:
            s->fail_on_error = 1;
            break;
        case OPT_JUNIT:
            s->junit = optarg;
            break;
        case OPT_JSON:
            s->json = optarg;
            break;
        case OPT_PLUGIN_PATH:
            if (push_path(s, optarg) < 0)
                return WSC_EXIT_INTERNAL;
            break;
        case OPT_STRICT:
            s->strict = 1;
            break;
        case OPT_QUIET:
            s->quiet = 1;
            break;
        case OPT_VERBOSE:
            s->verbose = 1;
            break;
        case OPT_NO_COLOR:
            s->no_color = 1;
            break;
        case OPT_TAP:
            s->tap = optarg;
            break;
        case OPT_COLOR:
        case OPT_PROGRESS:
            if (wsc_when_parse(optarg, opt == OPT_COLOR ? &s->color : &s->progress) < 0) {
                fprintf(stderr, "wscheck: --%s must be auto, always or never, got '%s'\n",
                        opt == OPT_COLOR ? "color" : "progress", optarg);
                return WSC_EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(quick_check_usage, stdout);
            return WSC_EXIT_OK;
        case '?':
        case ':':
            return wsc_option_error("", opt, argv, quick_check_options);
        default:
            break;
        }
    }
    return -1;
}

static int parse_checks(int argc, char **argv, struct quick_checks *s)
{
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", quick_check_options, NULL)) != -1) {
        switch (opt) {
        case OPT_CHECK_PORT:
            if (add_port_checks(s, optarg) < 0)
                return WSC_EXIT_USAGE;
            break;
        case OPT_CHECK_HTTP:
            add_endpoint_checks(s, optarg);
            break;
        case OPT_TEST_WS:
            add_websocket_checks(s, optarg);
            break;
        case OPT_TEST_ENDPOINT:
            if (strncmp(optarg, "stdio:", 6) == 0 || s->validate_mcp)
                add_mcp_endpoint_checks(s, optarg);
            else
                add_endpoint_checks(s, optarg);
            break;
        case OPT_TEST_DEV_TOOLKIT:
            add_toolkit_checks(s);
            break;
        case OPT_TEST_CRACKERJACK:
            if (add_crackerjack_checks(s) != 0)
                return WSC_EXIT_INTERNAL;
            break;
        case OPT_TEST_MONITORING:
            if (add_monitoring_checks(s) != 0)
                return WSC_EXIT_INTERNAL;
            break;
        case OPT_TEST_ALL_MCP:
        case OPT_TEST_DEPLOYMENT: {
            int rc = add_configured_endpoints(s);
            if (rc != -1)
                return rc;
            break;
        }
        case OPT_TEST_CONFIGURATION:
            if (!s->extra_scenario) {
                int rc = add_configured_endpoints(s);
                if (rc != -1)
                    return rc;
            }
            break;
        case OPT_TEST_ENDPOINTS: {
            int rc = add_server_checks(s);
            if (rc != -1)
                return rc;
            break;
        }
        default:
            break;
        }
    }
    return -1;
}

/* ---- the diagnosis --------------------------------------------------------- */

static const struct wsc_metric *find_metric(const struct wsc_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_metrics; i++)
        if (strcmp(r->metrics[i].name, name) == 0)
            return &r->metrics[i];
    return NULL;
}

static const char *output_string(const struct wsc_result *r, const char *key)
{
    struct json_object *v;
    if (!r->outputs || !json_object_object_get_ex(r->outputs, key, &v) || !v)
        return NULL;
    return json_object_get_string(v);
}

/* A server that does not echo is not broken: when the probe's expect step
 * (step 1) saw no echo, the test becomes a skip that says so. Any other
 * failure (no connection, a bad handshake) stays a failure. */
static void soften_echo(const struct wsc_test *t, struct wsc_result *r, void *arg)
{
    const struct wsc_scenario *quick = arg; /* only the quick checks' own tests */
    static const char no_echo[] = "step 1 (expect_text)";
    if (!quick || t < quick->tests || t >= quick->tests + quick->n_tests ||
        strcmp(r->check, "conversation") != 0 || r->status != WSC_FAILED || !r->message ||
        strncmp(r->message, no_echo, sizeof(no_echo) - 1) != 0)
        return;
    char *why = wsc_strdup_printf("the server did not echo the probe (%s)", r->message);
    if (!why)
        return;
    free(r->message);
    r->message = why;
    r->status = WSC_SKIPPED;
}

/* What a result adds to the lines above it: the owning process, the
 * handshake's time and subprotocol, the round trip. A bare "ok" or a failure
 * message would only repeat the result line, so they are left out. */
static void diagnose(struct wsc_buf *b, const struct wsc_result *r)
{
    const struct wsc_metric *m;
    const char *sub = output_string(r, "subprotocol");
    if (r->status != WSC_PASSED)
        return;
    if (!strcmp(r->check, "owner"))
        wsc_buf_printf(b, "  %s: pid %s (%s) %s\n", r->name, output_string(r, "pid"),
                       output_string(r, "command"), output_string(r, "cmdline"));
    else if (!strcmp(r->check, "handshake") && (m = find_metric(r, "handshake_ms")))
        wsc_buf_printf(b, "  %s: handshake in %.1f ms, subprotocol %s\n", r->name,
                       m->value, sub ? sub : "none");
    else if (!strcmp(r->check, "control") && (m = find_metric(r, "rtt_p50_ms")))
        wsc_buf_printf(b, "  %s: rtt p50 %.2f ms\n", r->name, m->value);
    else if (!strcmp(r->check, "progress_stream") &&
             (m = find_metric(r, "time_to_completion_ms")))
        wsc_buf_printf(b, "  %s: job %s ended in %.0f ms after %s updates\n", r->name,
                       output_string(r, "job_id"), m->value, output_string(r, "updates"));
    else if (!strcmp(r->check, "alert_delivery") && (m = find_metric(r, "delivery_ms")))
        wsc_buf_printf(b, "  %s: alert delivered in %.1f ms\n", r->name, m->value);
    else if (!strcmp(r->check, "initialize") && (m = find_metric(r, "initialize_ms")))
        wsc_buf_printf(b, "  %s: MCP %s over %s in %.1f ms\n", r->name,
                       output_string(r, "protocolVersion"), output_string(r, "transport"),
                       m->value);
}

struct suite_sink {
    const struct wsc_console *console; /* the diagnosis shares its stream */
    struct wsc_quick_seed *seed;       /* keeps the failures */
};

/* arg: a suite_sink; the console's stream is stderr when a report takes
 * stdout. */
static void on_suite(const struct wsc_suite_result *s, void *arg)
{
    const struct suite_sink *sink = arg;
    const struct wsc_console *console = sink->console;
    struct wsc_buf b = {0};
    wsc_seed_collect(sink->seed, s);
    if (strcmp(s->file, QUICK_CHECK_FILE) != 0)
        return;
    for (size_t i = 0; i < s->n_tests; i++)
        diagnose(&b, &s->tests[i]);
    if (b.len && !b.failed)
        fprintf(console->out ? console->out : stdout, "\nDiagnosis:\n%s\n", b.data);
    wsc_buf_free(&b);
}

/* ---- running --------------------------------------------------------------- */

static struct wsc_scenario *build_scenario(const struct quick_checks *s)
{
    struct json_object *root = json_object_new_object(),
                       *defaults = json_object_new_object();
    json_object_object_add(root, "name", json_object_new_string("wscheck quick checks"));
    json_object_object_add(defaults, "timeout", json_object_new_double(s->timeout));
    json_object_object_add(root, "defaults", defaults);
    json_object_object_add(root, "tests", json_object_get(s->tests));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
    struct wsc_diag diag = {0};
    struct wsc_scenario *sc =
        wsc_scenario_parse(QUICK_CHECK_FILE, text, strlen(text), &diag);
    wsc_diag_clear(&diag);
    json_object_put(root);
    return sc;
}

/* --continuous-monitoring: the monitor's loop takes the scenarios over. */
static int monitor_quick_checks(struct quick_checks *s, const struct wsc_registry *reg,
                                struct wsc_scenario ***scs, char **files, size_t *n)
{
    size_t quick = json_object_array_length(s->tests) > 0;
    char **names = calloc(*n ? *n : 1, sizeof(*names));
    if (!names)
        return WSC_EXIT_INTERNAL;
    for (size_t i = 0; i < *n; i++)
        names[i] = i < quick ? (char *)QUICK_CHECK_FILE : files[i - quick];
    int status = wsc_seed_monitor(&s->seed, reg, *scs, names, *n, s->verbose, s->strict);
    *scs = NULL;
    *n = 0;
    free(names);
    return status;
}

static int run_quick_checks(struct quick_checks *s, char **files, size_t n_files)
{
    struct wsc_registry reg = {0};
    int status = wsc_load_plugins(&reg, s->plugin_paths, s->n_plugin_paths);
    size_t n = 0;
    struct wsc_scenario **scs = calloc(n_files + 1, sizeof(*scs));
    struct wsc_diag diag = {0};
    if (!scs)
        status = WSC_EXIT_INTERNAL;
    if (!status && json_object_array_length(s->tests) > 0 &&
        !(scs[n++] = build_scenario(s)))
        status = WSC_EXIT_USAGE;
    for (size_t i = 0; !status && i < n_files; i++)
        if (!(scs[n++] = wsc_scenario_load(files[i], &diag)))
            status = WSC_EXIT_USAGE;
    wsc_diag_clear(&diag);
    if (!status && s->seed.continuous) {
        status = monitor_quick_checks(s, &reg, &scs, files, &n);
    } else if (!status) {
        struct wsc_run_config cfg;
        memset(&cfg, 0, sizeof(cfg));
        cfg.opts.retries = -1;
        cfg.opts.verbose = s->verbose;
        cfg.opts.strict = s->strict;
        cfg.jobs = 1;
        cfg.junit_path = s->junit;
        cfg.json_path = s->json;
        cfg.tap_path = s->tap;
        cfg.cli_vars = wsc_vars_new();
        struct suite_sink sink = {&cfg.console, &s->seed};
        cfg.on_suite = on_suite;
        cfg.on_suite_arg = &sink;
        cfg.opts.on_result = soften_echo;
        cfg.opts.on_result_arg = json_object_array_length(s->tests) > 0 ? scs[0] : NULL;
        wsc_console_setup(&cfg.console, s->no_color || s->ci_mode, s->quiet, s->verbose);
        if (s->color != WSC_WHEN_AUTO)
            cfg.console.color_mode = s->color;
        cfg.console.progress_mode = s->progress;
        s->perf.scenario = json_object_array_length(s->tests) > 0 ? scs[0] : NULL;
        s->perf.reg = &reg;
        s->perf.cfg = &cfg;
        cfg.after_run = wsc_quick_perf_after_run;
        cfg.after_run_arg = &s->perf;
        status = cfg.cli_vars ? wsc_seed_prepare(&s->seed, &cfg) : WSC_EXIT_INTERNAL;
        if (status == -1) {
            status = wsc_execute(scs, n, &reg, &cfg);
            /* the console's stream, as the diagnosis */
            status = wsc_seed_finish(&s->seed, &cfg,
                                     cfg.console.out ? cfg.console.out : stdout, status);
        }
        if (cfg.cli_vars)
            wsc_vars_free(cfg.cli_vars);
    }
    for (size_t i = 0; scs && i < n; i++)
        wsc_scenario_free(scs[i]);
    free(scs);
    wsc_registry_free(&reg);
    if (status == WSC_EXIT_FAILED && s->ci_mode && !s->fail_on_error)
        status = WSC_EXIT_OK;
    return status;
}

/* The seed writes two options without their value: "--check-http" (then
 * crackerjack's progress server) and "--output-junit-xml" (then
 * wscheck-junit.xml). Such an option, last or followed by another option
 * ("-" is a value), gets its default. A new argv (the strings borrowed); NULL when out of
 * memory. */
static char **seed_defaults(int argc, char **argv)
{
    static const char *const given[][2] = {
        {"--check-http", "--check-http=" QUICK_DEFAULT_HTTP},
        {"--output-junit-xml", "--output-junit-xml=" QUICK_DEFAULT_JUNIT},
    };
    char **out = calloc((size_t)argc + 1, sizeof(*out));
    int options = 1; /* not after "--" */
    for (int i = 0; out && i < argc; i++) {
        out[i] = argv[i];
        options = options && strcmp(argv[i], "--") != 0;
        /* "-" is a value (standard output), not an option */
        int bare = options && i > 0 &&
                   (i + 1 == argc || (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0'));
        for (size_t k = 0; bare && k < sizeof(given) / sizeof(given[0]); k++)
            if (!strcmp(argv[i], given[k][0]))
                out[i] = (char *)given[k][1];
    }
    return out;
}

/* The scenario files: the arguments, and --test-configuration's when it is
 * one. */
static int run_with_files(struct quick_checks *s, char **args, size_t n)
{
    if (!s->extra_scenario)
        return run_quick_checks(s, args, n);
    char **files = calloc(n + 1, sizeof(*files));
    if (!files)
        return WSC_EXIT_INTERNAL;
    memcpy(files, args, n * sizeof(*files));
    files[n] = (char *)s->extra_scenario;
    int status = run_quick_checks(s, files, n + 1);
    free(files);
    return status;
}

int wsc_cmd_quick_checks(int argc, char **argv_in)
{
    struct quick_checks s;
    memset(&s, 0, sizeof(s));
    s.host = "127.0.0.1";
    s.timeout = 5.0;
    s.toolkit_port = 8676;
    s.crackerjack_port = 8675;
    s.streaming_tool = "run_command";
    s.monitoring.port = 8677;
    s.monitoring.metrics_interval = 30;
    s.monitoring.dashboard_interval = 11;
    s.seed.interval = -1;
    s.perf.connections = WSC_QUICK_PERF_CONNECTIONS;
    s.perf.duration = WSC_QUICK_PERF_DURATION;
    s.tests = json_object_new_array();
    char **argv = seed_defaults(argc, argv_in);
    if (!s.tests || !argv) {
        json_object_put(s.tests);
        free(argv);
        return WSC_EXIT_INTERNAL;
    }
    int status = -1;
    for (int i = 1; i < argc && status == -1; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            status = (fputs(quick_check_usage, stdout), WSC_EXIT_OK);
    if (status == -1)
        status = parse_settings(argc, argv, &s);
    s.seed.config_path = s.config_path;
    if (status == -1 && s.perf.enabled && s.seed.continuous) {
        fprintf(stderr,
                "wscheck: --include-performance-tests is a stage of one run, not of "
                "--continuous-monitoring: run it with --scheduled-check, or use "
                "'wscheck load'\n");
        status = WSC_EXIT_USAGE;
    }
    if (status == -1)
        status = wsc_seed_check(&s.seed);
    if (status == -1)
        status = parse_checks(argc, argv, &s);
    int none =
        json_object_array_length(s.tests) == 0 && optind >= argc && !s.extra_scenario;
    /* the seed's monitoring and scheduled lines name no check: the
     * configured endpoints */
    if (status == -1 && none && (s.seed.continuous || s.seed.scheduled)) {
        status = add_configured_endpoints(&s);
        none = 0;
    }
    if (status == -1 && none) {
        fprintf(stderr, "wscheck: nothing to check\nTry 'wscheck --help'.\n");
        status = WSC_EXIT_USAGE;
    }
    if (status == -1)
        status = run_with_files(&s, argv + optind, (size_t)(argc - optind));
    json_object_put(s.tests);
    json_object_put(s.headers);
    json_object_put(s.subprotocols);
    json_object_put(s.streaming_args);
    wsc_seed_free(&s.seed);
    free(s.plugin_paths);
    free(argv);
    return status;
}
