/* The validate callback of the crackerjack checks: what their schemas
 * cannot say. */
#include <string.h>

#include <wscheck/params.h>

#include "checks.h"

static int literal(const char *s)
{
    return s && !strstr(s, "${");
}

void cj_validate(struct wsc_validation *v, const struct json_object *params)
{
    const char *base = wsc_param_string(params, "base", NULL);
    if (literal(base) && strncmp(base, "http://", 7) && strncmp(base, "https://", 8))
        wsc_invalid(v, "/base", "base must be an http:// or https:// URL, got '%s'",
                    base);
    const char *job_id = wsc_param_string(params, "job_id", NULL);
    if (literal(job_id) && !cj_job_id_valid(job_id))
        wsc_invalid(v, "/job_id",
                    "'%s' is not a job id crackerjack accepts (letters, digits, '-' and "
                    "'_', at most 50, no \"--\")",
                    job_id);
    const char *mcp = wsc_param_string(params, "mcp", NULL);
    if (literal(mcp) && strncmp(mcp, "http://", 7) && strncmp(mcp, "https://", 8) &&
        strncmp(mcp, "ws://", 5) && strncmp(mcp, "wss://", 6) &&
        strncmp(mcp, "stdio:", 6))
        wsc_invalid(
            v, "/mcp",
            "mcp must be an http(s)://, ws(s):// or stdio:COMMAND endpoint, got '%s'",
            mcp);
    double interval = wsc_param_number(params, "interval", 1);
    double keepalive = wsc_param_number(params, "keepalive", 20);
    if (keepalive >= 25)
        wsc_invalid(v, "/keepalive",
                    "keepalive %g s: crackerjack drops a client silent for 25 s",
                    keepalive);
    if (interval > wsc_validation_timeout(v))
        wsc_invalid(v, "/interval",
                    "interval %g s is longer than the test's timeout (%g s)", interval,
                    wsc_validation_timeout(v));
}
