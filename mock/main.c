/* wscheck-mock: a WebSocket mock server with an MCP interface.
 * Reads the settings and hands over to the server. */
#include <stdio.h>

#include "log.h"
#include "server_options.h"
#include "grade_server.h"
#include "server.h"

int main(int argc, char **argv)
{
    struct mock_options opt;
    int rc;

    /* Scripts wait for the listener lines: never hold them in a buffer. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (options_init(&opt) != 0) {
        fputs("wscheck-mock: out of memory\n", stderr);
        return 1;
    }
    rc = options_parse(&opt, argc, argv);
    if (rc == 0) {
        mock_log_init(opt.verbose);
        rc = opt.grade_dir ? grade_server_run(&opt) : mock_server_run(&opt);
    } else {
        rc = rc == 1 ? 0 : 2;
    }
    options_free(&opt);
    return rc;
}
