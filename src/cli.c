/* wscheck: entry point and subcommand dispatch. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

static const char usage[] =
    "Usage: wscheck COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A plugin-based test harness for WebSocket, HTTP and MCP services.\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO...        run scenario files (see 'wscheck run --help')\n"
    "  validate SCENARIO...   check scenario files, run nothing\n"
    "  monitor SCENARIO...    run scenario files in rounds, alert on changes\n"
    "                         (see 'wscheck monitor --help')\n"
    "  load SCENARIO          run its tests under load: many connections,\n"
    "                         thresholds (see 'wscheck load --help')\n"
    "  plugins [--json]       list plugins, their checks and params\n"
    "  merge REPORT.json...   merge the JSON reports of shards, of runs or of\n"
    "                         load runs (see\n"
    "                         'wscheck merge --help')\n"
    "  config                 print the effective configuration and where each\n"
    "                         value came from (see wscheck-config(5))\n"
    "  report RESULTS...      success rates, latency, error patterns and trends\n"
    "                         over results logs and JSON reports, as text, JSON\n"
    "                         or HTML (see 'wscheck report --help')\n"
    "\n"
    "Quick checks (compatible with check_websocket.py):\n"
    "  --check-port PORT      is PORT listening, and which process owns it\n"
    "  --check-http URL       does the HTTP endpoint answer 2xx\n"
    "  --test-websocket URL   handshake, echo, ping/pong and close\n"
    "  --test-endpoint URL    --check-http or --test-websocket, by URL scheme\n"
    "  --test-dev-toolkit [--port P] [--verify-tool-discovery] [--test-command-streaming]\n"
    "                         the MCP development toolkit server (ws://localhost:8676)\n"
    "  --test-crackerjack-mcp [--verify-progress-streaming] [--test-job-monitoring]\n"
    "                         crackerjack's progress server (8675) and MCP server (8676)\n"
    "  --test-monitoring [--verify-metrics-streaming] [--test-alert-delivery]\n"
    "    [--validate-dashboard-feeds]\n"
    "                         a monitoring server's feeds (ws://localhost:8677)\n"
    "  --validate-mcp-protocol  MCP protocol validation of those MCP endpoints\n"
    "  --ci-mode --fail-on-error --output-junit-xml FILE\n"
    "                         CI friendly output and a JUnit report\n"
    "  (see 'wscheck --check-port --help' for all options)\n"
    "\n"
    "  --version              print the version\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 all tests passed or were skipped, 1 a test failed or\n"
    "errored, 2 usage or scenario error, 3 internal error.\n"
    "Documentation: wscheck(1), wscheck-scenario(5), wscheck-config(5),\n"
    "wscheck-plugin(7).\n";

static void print_version(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    printf("wscheck %s (plugin ABI %u, libcurl %s)\n", PACKAGE_VERSION, WSC_ABI_VERSION,
           v ? v->version : "?");
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return WSC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return wsc_cmd_run(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "validate"))
        return wsc_cmd_run(argc - 1, argv + 1, 1);
    if (!strcmp(cmd, "config"))
        return wsc_cmd_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "monitor"))
        return wsc_cmd_monitor(argc - 1, argv + 1);
    if (!strcmp(cmd, "load"))
        return wsc_cmd_load(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return wsc_cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return wsc_cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "plugins"))
        return wsc_cmd_plugins(argc - 1, argv + 1);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        print_version();
        return WSC_EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return WSC_EXIT_OK;
    }
    if (wsc_is_quick_check_option(cmd))
        return wsc_cmd_quick_checks(argc, argv);
    /* One line: the whole help would bury the word that is wrong. */
    fprintf(stderr, "wscheck: unknown %s '%s'; see 'wscheck --help'\n",
            cmd[0] == '-' ? "option" : "command", cmd);
    return WSC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* Once, before any check is forked: not in every child, and not lazily
     * from a check (curl_global_init is not thread-safe). */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fputs("wscheck: cannot initialise libcurl\n", stderr);
        return WSC_EXIT_INTERNAL;
    }
    int status = dispatch(argc, argv);
    curl_global_cleanup();
    return status;
}
