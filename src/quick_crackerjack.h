/* The tests of the quick check --test-crackerjack-mcp. */
#ifndef WSC_QUICK_CRACKERJACK_H
#define WSC_QUICK_CRACKERJACK_H

#include <json-c/json.h>

struct wsc_quick_crackerjack {
    const char *host; /* of both servers */
    long port;        /* the progress server (HTTP + WebSocket), 8675 */
    long mcp_port;    /* the MCP server's Streamable HTTP port, 8676 */
    const char *mcp;  /* the MCP endpoint instead (URL or stdio:COMMAND) */
    int streaming;    /* --verify-progress-streaming */
    int monitoring;   /* --test-job-monitoring */
    int validate_mcp; /* --validate-mcp-protocol */
};

/* Appends the tests to `tests` (a scenario's "tests" array). 0, or -1
 * when out of memory. */
int wsc_quick_crackerjack(struct json_object *tests,
                          const struct wsc_quick_crackerjack *q);

#endif
