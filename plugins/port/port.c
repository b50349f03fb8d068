/* The port plugin: is a TCP port listening, closed, who owns it, and which
 * ports of a range listen. The connect engine is in probe.c, the /proc
 * lookup in procnet.c, the port lists in portlist.c; this file turns params
 * into calls and results into reports. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/plugin.h>

#include "portlist.h"
#include "probe.h"
#include "procnet.h"

#define DEFAULT_HOST "127.0.0.1"
#define MAX_GROUPS 20 /* port groups named in one message */

/* ---- Params schemas ------------------------------------------------------- */

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define HOST_PARAM(DEFAULT_CLAUSE)                                             \
    "\"host\": {\"type\": \"string\", \"minLength\": 1," DEFAULT_CLAUSE        \
    " \"description\": \"Host name or IP address (IPv4, or IPv6 such as ::1) " \
    "to connect to; every address it resolves to is tried\"}"

#define PORT_PARAM                                                             \
    "\"port\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535,"    \
    " \"description\": \"One TCP port (give port or ports)\"}"

#define PORTS_PARAM(WHAT)                                                      \
    "\"ports\": {\"type\": \"array\", \"minItems\": 1,"                        \
    " \"items\": {\"type\": [\"integer\", \"string\"]},"                       \
    " \"description\": \"" WHAT ": numbers and ranges, e.g."                   \
    " [8675, \\\"8678-8680\\\"]\"}"


static const char listening_schema[] =
    "{\"type\": \"object\","
    " \"oneOf\": [{\"required\": [\"port\"]}, {\"required\": [\"ports\"]}],"
    " \"properties\": {"
    HOST_PARAM(" \"default\": \"" DEFAULT_HOST "\",") ", "
    PORT_PARAM ", "
    PORTS_PARAM("TCP ports (give port or ports)") ", "
    "\"connect_timeout\": {\"type\": \"number\", \"minimum\": 0.01,"
    " \"maximum\": 3600, \"description\": \"Seconds to wait for each connect"
    " (a port that does not answer in time is timed out); by default until the"
    " test's timeout\"}"
    "}}";

static const char scan_schema[] =
    "{\"type\": \"object\", \"required\": [\"ports\"], \"properties\": {"
    HOST_PARAM(" \"default\": \"" DEFAULT_HOST "\",") ", "
    PORTS_PARAM("TCP ports to scan") ", "
    "\"connect_timeout\": {\"type\": \"number\", \"default\": 1.0,"
    " \"minimum\": 0.01, \"maximum\": 3600,"
    " \"description\": \"Seconds to wait for each connect before counting the"
    " port as closed (filtered)\"}, "
    WSC_EXPECT_PARAM("What the scan must find",
                     WSC_EXPECT_OUTPUT("open", "The ports that accepted, e.g. [8675, 8678]") ","
                     WSC_EXPECT_OUTPUT("open_count", "How many accepted") ","
                     WSC_EXPECT_OUTPUT("closed_count", "How many did not") ","
                     WSC_EXPECT_OUTPUT("scanned", "How many were tried") ","
                     WSC_EXPECT_OUTPUT("host", "The host scanned"))
    "}}";

static const char owner_schema[] =
    "{\"type\": \"object\", \"required\": [\"port\"], \"properties\": {"
    "\"listen_host\": {\"type\": \"string\", \"minLength\": 1,"
    " \"description\": \"Only listeners that"
    " accept connections to this host's addresses (wildcard binds included);"
    " any local address when absent\"}, "
    "\"port\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535,"
    " \"description\": \"The TCP port whose listener is looked up\"}, "
    WSC_EXPECT_PARAM("What the owner must be",
                     WSC_EXPECT_OUTPUT("pid", "The process id (the lowest when several"
                                       " share the socket)") ","
                     WSC_EXPECT_OUTPUT("pids", "Every process holding the socket") ","
                     WSC_EXPECT_OUTPUT("command", "Its command name, e.g."
                                       " {\\\"$regex\\\": \\\"^python\\\"}") ","
                     WSC_EXPECT_OUTPUT("cmdline", "Its command line") ","
                     WSC_EXPECT_OUTPUT("user", "Its user name") ","
                     WSC_EXPECT_OUTPUT("uid", "Its user id") ","
                     WSC_EXPECT_OUTPUT("port", "The port") ","
                     WSC_EXPECT_OUTPUT("address", "The address it listens on"))
    "}}";
/* clang-format on */

/* ---- Helpers ----------------------------------------------------------------- */

/* Hands every member of `outputs` to the context, then drops the object. */
static void publish_outputs(struct wsc_ctx *ctx, struct json_object *outputs)
{
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
    json_object_put(outputs);
}

/* Time for probing: all the test has left (the runner allows a short grace
 * after the deadline for the report itself). */
static double probe_budget(const struct wsc_ctx *ctx)
{
    return wsc_remaining(ctx);
}

/* ---- Probing a port list ------------------------------------------------------ */

struct probe_job {
    const char *host;
    struct portlist ports;
    struct probe_result *results;
    double elapsed_ms;
};

static void job_free(struct probe_job *job)
{
    portlist_free(&job->ports);
    free(job->results);
}

/* Parses the port params, resolves the host and probes every port. Returns
 * 0, or -1 after reporting an error (the job is then released). */
static int run_job(struct wsc_ctx *ctx, struct json_object *params,
                   struct json_object *ports_only, double attempt_timeout,
                   struct probe_job *job)
{
    char err[512];
    memset(job, 0, sizeof *job);
    job->host = wsc_param_string(params, "host", DEFAULT_HOST);
    int rc = ports_only ? portlist_from_array(ports_only, &job->ports, err, sizeof err)
                        : portlist_from_params(params, &job->ports, err, sizeof err);
    if (rc != 0) {
        wsc_error(ctx, "%s", err);
        return -1;
    }
    struct addrinfo *addrs = NULL;
    if (probe_resolve(job->host, &addrs, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        job_free(job);
        return -1;
    }
    job->results = calloc(job->ports.count, sizeof *job->results);
    if (!job->results) {
        wsc_error(ctx, "out of memory");
        probe_free_addrs(addrs);
        job_free(job);
        return -1;
    }
    for (size_t i = 0; i < job->ports.count; i++)
        job->results[i].port = job->ports.ports[i];
    struct probe_opts opts = {probe_budget(ctx), attempt_timeout, 0};
    double start = wsc_now();
    rc = probe_run(addrs, job->results, job->ports.count, &opts, err, sizeof err);
    job->elapsed_ms = (wsc_now() - start) * 1000.0;
    probe_free_addrs(addrs);
    if (rc != 0) {
        wsc_error(ctx, "%s", err);
        job_free(job);
        return -1;
    }
    return 0;
}

/* Outputs "host", "open" and "closed" (everything that did not accept). */
static struct json_object *job_outputs(const struct probe_job *job, int with_closed)
{
    struct json_object *out = json_object_new_object();
    struct json_object *open = json_object_new_array();
    struct json_object *closed = with_closed ? json_object_new_array() : NULL;
    for (size_t i = 0; i < job->ports.count; i++) {
        const struct probe_result *r = &job->results[i];
        if (r->state == PROBE_OPEN)
            json_object_array_add(open, json_object_new_int(r->port));
        else if (closed)
            json_object_array_add(closed, json_object_new_int(r->port));
    }
    json_object_object_add(out, "host", json_object_new_string(job->host));
    json_object_object_add(out, "open", open);
    if (closed)
        json_object_object_add(out, "closed", closed);
    return out;
}

static const char *not_open_label(const struct probe_result *r)
{
    return r->state == PROBE_NOT_RUN ? "not tried before the timeout" : probe_describe(r);
}

/* ---- listening ------------------------------------------------------------------- */

static void check_listening(struct wsc_ctx *ctx, struct json_object *params)
{
    struct probe_job job;
    double attempt = wsc_param_number(params, "connect_timeout", 0);
    if (run_job(ctx, params, NULL, attempt, &job) != 0)
        return;
    char list[1024];
    struct portgroup_writer w;
    portgroup_init(&w, list, sizeof list, MAX_GROUPS);
    size_t bad = 0;
    for (size_t i = 0; i < job.ports.count; i++) {
        const struct probe_result *r = &job.results[i];
        if (r->state == PROBE_OPEN) {
            char name[32];
            if (job.ports.count == 1)
                snprintf(name, sizeof name, "connect_ms");
            else
                snprintf(name, sizeof name, "connect_%u_ms", (unsigned)r->port);
            wsc_metric(ctx, name, r->connect_ms, "ms");
        } else {
            bad++;
            portgroup_add(&w, r->port, not_open_label(r));
        }
    }
    portgroup_end(&w);
    if (bad && job.ports.count == 1)
        wsc_fail(ctx, "port %u on %s did not accept a connection: %s",
                 (unsigned)job.results[0].port, job.host,
                 not_open_label(&job.results[0]));
    else if (bad)
        wsc_fail(ctx, "%zu of %zu ports on %s did not accept a connection: %s", bad,
                 job.ports.count, job.host, list);
    publish_outputs(ctx, job_outputs(&job, 1));
    job_free(&job);
}

/* ---- closed ---------------------------------------------------------------------- */

static void check_closed(struct wsc_ctx *ctx, struct json_object *params)
{
    struct probe_job job;
    double attempt = wsc_param_number(params, "connect_timeout", 0);
    if (run_job(ctx, params, NULL, attempt, &job) != 0)
        return;
    char open_list[1024], untried_list[1024];
    struct portgroup_writer open_w, untried_w;
    portgroup_init(&open_w, open_list, sizeof open_list, MAX_GROUPS);
    portgroup_init(&untried_w, untried_list, sizeof untried_list, MAX_GROUPS);
    size_t open = 0, untried = 0;
    for (size_t i = 0; i < job.ports.count; i++) {
        const struct probe_result *r = &job.results[i];
        if (r->state == PROBE_OPEN) {
            open++;
            portgroup_add(&open_w, r->port, NULL);
        } else if (r->state == PROBE_NOT_RUN) {
            untried++;
            portgroup_add(&untried_w, r->port, NULL);
        }
    }
    portgroup_end(&open_w);
    portgroup_end(&untried_w);
    if (open == 1 && job.ports.count == 1)
        wsc_fail(ctx, "port %s on %s accepts connections", open_list, job.host);
    else if (open)
        wsc_fail(ctx, "%zu of %zu ports on %s accept connections: %s", open,
                 job.ports.count, job.host, open_list);
    if (untried)
        wsc_fail(ctx, "%zu ports on %s could not be checked before the timeout: %s",
                 untried, job.host, untried_list);
    publish_outputs(ctx, job_outputs(&job, 1));
    job_free(&job);
}

/* ---- scan ------------------------------------------------------------------------ */

static void check_scan(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *expect = wsc_param(params, "expect");
    struct json_object *ports = wsc_param_array(params, "ports");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    if (!ports) {
        wsc_error(ctx, "ports is required");
        return;
    }
    struct probe_job job;
    if (run_job(ctx, params, ports, wsc_param_number(params, "connect_timeout", 1.0),
                &job) != 0)
        return;
    size_t open = 0, untried = 0;
    for (size_t i = 0; i < job.ports.count; i++) {
        open += job.results[i].state == PROBE_OPEN;
        untried += job.results[i].state == PROBE_NOT_RUN;
    }
    size_t scanned = job.ports.count - untried;
    struct json_object *out = job_outputs(&job, 0);
    json_object_object_add(out, "open_count", json_object_new_int64((int64_t)open));
    json_object_object_add(out, "closed_count",
                           json_object_new_int64((int64_t)(scanned - open)));
    json_object_object_add(out, "scanned", json_object_new_int64((int64_t)scanned));
    wsc_metric(ctx, "scan_ms", job.elapsed_ms, "ms");
    if (untried)
        wsc_fail(ctx,
                 "scan of %s incomplete: %zu of %zu ports not tried before "
                 "the timeout (raise the timeout or narrow the range)",
                 job.host, untried, job.ports.count);
    else
        wsc_expect(ctx, expect, NULL, out);
    publish_outputs(ctx, out);
    job_free(&job);
}

/* ---- owner ----------------------------------------------------------------------- */

#ifdef __linux__
static struct json_object *owner_outputs(const struct proc_owner *o)
{
    struct json_object *out = json_object_new_object();
    struct json_object *pids = json_object_new_array();
    for (size_t i = 0; i < o->npids; i++)
        json_object_array_add(pids, json_object_new_int(o->pids[i]));
    json_object_object_add(out, "pid", json_object_new_int(o->pid));
    json_object_object_add(out, "pids", pids);
    json_object_object_add(out, "command", json_object_new_string(o->command));
    json_object_object_add(out, "cmdline", json_object_new_string(o->cmdline));
    json_object_object_add(out, "user", json_object_new_string(o->user));
    json_object_object_add(out, "uid", json_object_new_int64(o->uid));
    json_object_object_add(out, "port", json_object_new_int((int)o->port));
    json_object_object_add(out, "address", json_object_new_string(o->address));
    return out;
}

/* A socket listens but we cannot see its process: say why as best we can. */
static void report_hidden(struct wsc_ctx *ctx, const struct proc_owner *o)
{
    char owner[64], me[64];
    procnet_user_name(o->socket_uid, owner, sizeof owner);
    procnet_user_name((unsigned)geteuid(), me, sizeof me);
    if (o->unreadable > 0 && o->socket_uid != (unsigned)geteuid())
        wsc_error(ctx,
                  "a process of user %s listens on port %u (%s), but "
                  "user %s may not inspect that user's processes; run wscheck "
                  "as %s%s to identify it",
                  owner, o->port, o->address, me, owner,
                  o->socket_uid == 0 ? "" : " or as root");
    else
        wsc_error(ctx,
                  "a socket of user %s listens on port %u (%s), but no "
                  "visible process holds it (another PID namespace, or /proc "
                  "mounted with hidepid)",
                  owner, o->port, o->address);
}

static void check_owner(struct wsc_ctx *ctx, struct json_object *params)
{
    char err[512];
    struct portlist list;
    struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    if (portlist_from_params(params, &list, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        return;
    }
    unsigned port = list.ports[0];
    portlist_free(&list);
    const char *host = wsc_param_string(params, "listen_host", NULL);
    struct addrinfo *addrs = NULL;
    if (host && probe_resolve(host, &addrs, err, sizeof err) != 0) {
        wsc_error(ctx, "%s", err);
        return;
    }
    struct proc_owner o;
    enum owner_status st = procnet_find_owner("/proc", port, addrs, &o, err, sizeof err);
    probe_free_addrs(addrs);
    switch (st) {
    case OWNER_NO_LISTENER:
        wsc_fail(ctx, "no process listens on port %u%s%s", port, host ? " on " : "",
                 host ? host : "");
        break;
    case OWNER_HIDDEN:
        report_hidden(ctx, &o);
        break;
    case OWNER_FAILED:
        wsc_error(ctx, "%s", err);
        break;
    case OWNER_FOUND: {
        struct json_object *out = owner_outputs(&o);
        wsc_note(ctx, "port %u (%s) is owned by pid %d (%s, user %s): %s", port,
                 o.address, o.pid, o.command, o.user, o.cmdline);
        wsc_expect(ctx, expect, NULL, out);
        publish_outputs(ctx, out);
        break;
    }
    }
    procnet_owner_free(&o);
}
#else
static void check_owner(struct wsc_ctx *ctx, struct json_object *params)
{
    (void)params;
    wsc_error(ctx, "port owner lookup is not supported on this system (needs /proc)");
}
#endif

static const struct wsc_check checks[] = {
    {.name = "listening",
     .summary = "every given TCP port accepts a connection",
     .params_schema = listening_schema,
     .run = check_listening},
    {.name = "closed",
     .summary = "no given TCP port accepts a connection",
     .params_schema = listening_schema,
     .run = check_closed},
    {.name = "owner",
     .summary = "the process listening on a TCP port (Linux /proc)",
     .params_schema = owner_schema,
     .run = check_owner},
    {.name = "scan",
     .summary = "which TCP ports of a range accept connections",
     .params_schema = scan_schema,
     .run = check_scan},
    {.name = NULL},
};

WSC_PLUGIN("port", "1.0.0", "TCP ports: listening, closed, owner, scan", checks);
