/* mcp-calls-loop: tools/call round trips with wscheck's MCP client
 * (<wscheck/mcp.h>, no check context), one call in flight, for
 * bench/mcp-calls. Prints the calls per second.
 *   mcp-calls-loop URL TOOL CALLS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <json-c/json.h>
#include <wscheck/mcp.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_object *call_params(const char *tool)
{
    json_object *p = json_object_new_object();

    json_object_object_add(p, "name", json_object_new_string(tool));
    json_object_object_add(p, "arguments", json_object_new_object());
    return p;
}

int main(int argc, char **argv)
{
    struct wsc_mcp_options opt;
    struct wsc_mcp *m;
    long calls;
    double t0, t;
    int rc = 1;

    if (argc != 4 || (calls = strtol(argv[3], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: mcp-calls-loop URL TOOL CALLS\n");
        return 2;
    }
    wsc_mcp_options_init(&opt);
    opt.url = argv[1];
    m = wsc_mcp_open(NULL, &opt, 0);
    opt.url = NULL; /* not ours to free */
    wsc_mcp_options_free(&opt);
    if (!m || wsc_mcp_initialize(m, 0) != WSC_MCP_OK) {
        fprintf(stderr, "initialize: %s\n", m ? wsc_mcp_error(m) : "out of memory");
        goto out;
    }
    t0 = now();
    for (long i = 0; i < calls; i++) {
        json_object *resp = NULL;

        if (wsc_mcp_request(m, "tools/call", call_params(argv[2]), 0, &resp) !=
            WSC_MCP_OK) {
            fprintf(stderr, "call %ld: %s\n", i, wsc_mcp_error(m));
            json_object_put(resp);
            goto out;
        }
        json_object_put(resp);
    }
    t = now() - t0;
    printf("%.0f\n", (double)calls / t);
    rc = 0;
out:
    wsc_mcp_close(m, 0);
    wsc_mcp_free(m);
    return rc;
}
