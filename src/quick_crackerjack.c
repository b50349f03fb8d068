/* --test-crackerjack-mcp: crackerjack's progress server (GET /) and its
 * MCP server (tools, get_job_progress of an unknown job, a job started and
 * its first progress frame), with --verify-progress-streaming (the echo
 * of a progress socket, a job followed to its end), --test-job-monitoring
 * (/latest, the /monitor page, a new job discovered) and
 * --validate-mcp-protocol (the dev-toolkit protocol check on the MCP
 * endpoint). Each becomes a test of the crackerjack plugin, named
 * "<label>: <URL>". */
#include <stdlib.h>
#include <string.h>

#include "quick_crackerjack.h"
#include "util.h"

struct builder {
    struct json_object *tests;
    const char *base, *mcp;
    int failed;
};

/* A test of `plugin`.`check` with base and mcp (crackerjack checks, as
 * each takes them) or url (the MCP endpoint, for dev-toolkit), and the
 * params in `extra` (JSON text, may be NULL). */
static void add(struct builder *b, const char *plugin, const char *check,
                const char *label, const char *arg, const char *extra)
{
    struct json_object *t = json_object_new_object();
    struct json_object *p = extra ? json_tokener_parse(extra) : json_object_new_object();
    char *name = wsc_strdup_printf("%s: %s", label, arg);
    if (!t || !p || !name) {
        b->failed = 1;
        json_object_put(t);
        json_object_put(p);
        free(name);
        return;
    }
    if (strcmp(plugin, "crackerjack") == 0) {
        json_object_object_add(p, "base", json_object_new_string(b->base));
        /* the checks that start jobs take the MCP endpoint too */
        if (!strcmp(check, "mcp") || !strcmp(check, "progress_stream") ||
            !strcmp(check, "job_discovery"))
            json_object_object_add(p, "mcp", json_object_new_string(b->mcp));
    } else {
        json_object_object_add(p, "url", json_object_new_string(b->mcp));
    }
    json_object_object_add(t, "name", json_object_new_string(name));
    json_object_object_add(t, "plugin", json_object_new_string(plugin));
    json_object_object_add(t, "check", json_object_new_string(check));
    json_object_object_add(t, "params", p);
    if (json_object_array_add(b->tests, t) != 0) {
        json_object_put(t);
        b->failed = 1;
    }
    free(name);
}

int wsc_quick_crackerjack(struct json_object *tests,
                          const struct wsc_quick_crackerjack *q)
{
    char *base = wsc_strdup_printf("http://%s:%ld", q->host, q->port);
    char *mcp =
        q->mcp ? NULL : wsc_strdup_printf("http://%s:%ld/mcp", q->host, q->mcp_port);
    struct builder b = {.tests = tests, .base = base, .mcp = q->mcp ? q->mcp : mcp};
    if (!base || !b.mcp) {
        free(base);
        free(mcp);
        return -1;
    }
    const char *cj = "crackerjack";
    add(&b, cj, "server", "crackerjack server", base, NULL);
    add(&b, cj, "mcp", "crackerjack MCP", b.mcp, "{\"end_to_end\":\"first_frame\"}");
    if (q->validate_mcp)
        add(&b, "dev-toolkit", "protocol", "MCP protocol", b.mcp, NULL);
    if (q->streaming) {
        add(&b, cj, "echo", "crackerjack progress echo", base, NULL);
        add(&b, cj, "progress_stream", "crackerjack progress stream", base, NULL);
    }
    if (q->monitoring) {
        add(&b, cj, "latest_job", "crackerjack latest job", base, NULL);
        add(&b, cj, "job_monitor", "crackerjack job monitor", base, NULL);
        add(&b, cj, "job_discovery", "crackerjack job discovery", base, NULL);
    }
    free(base);
    free(mcp);
    return b.failed ? -1 : 0;
}
