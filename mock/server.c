/* wscheck-mock: setting up, running and stopping the server. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cj.h"
#include "mon.h"
#include "jsonout.h"
#include "header_limit.h"
#include "keepalive_pings.h"
#include "listen.h"
#include "log.h"
#include "mcp_server.h"
#include "mcp_http.h"
#include "mcp_port.h"
#include "mcp_runs.h"
#include "mcp_ws.h"
#include "timefmt.h"
#include "ws_conn.h"

#define WS_RX_BUFFER 1024

/* Clients get this long to take their 1001 close at exit. */
#define SHUTDOWN_GRACE_US (3 * 1000000)
/* No process needs more descriptors than this; a hard limit of "unlimited"
 * must not make lws allocate tables for billions of them. */
#define FD_LIMIT_CAP ((rlim_t)1 << 20)

static volatile sig_atomic_t stop_signal;
static struct lws_context *signal_context;

struct mock_server *mock_server_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

static void on_signal(int sig)
{
    stop_signal = sig;
    /* Wakes lws_service() from poll(); it only writes to an eventfd. */
    if (signal_context)
        lws_cancel_service(signal_context);
}

static int install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN; /* a vanished peer must not kill us */
    return sigaction(SIGPIPE, &sa, NULL);
}

/* 10,000 clients need 10,000 descriptors: take all the hard limit allows.
 * lws sizes its tables from the soft limit when the context is made. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    rlim_t want;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > FD_LIMIT_CAP ? FD_LIMIT_CAP
                                                                      : rl.rlim_max;
    if (rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        mock_log(MOCK_LOG_WARN, "cannot raise the open file limit: %s", strerror(errno));
}

/* ---- protocols ---- */

static struct lws_protocols ws_protocols[MOCK_MAX_LIST + 3];
static struct lws_protocols mcp_protocols[2];
static struct lws_protocols toolkit_protocols[2];
static struct lws_protocols cj_protocols[2];
static struct lws_protocols mon_protocols[2];

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Every name accepted as a subprotocol is an alias of the one handler; the
 * first entry also takes connections that ask for none. */
static void setup_protocols(const struct mock_options *opt)
{
    struct lws_protocols p;
    size_t n = 0;

    memset(&p, 0, sizeof(p));
    p.callback = ws_conn_callback;
    /* Room for an MCP session too, whether or not lws reallocates it when
     * a connection moves to the "mcp" protocol. */
    p.per_session_data_size = MAX(sizeof(union ws_conn_pss), sizeof(struct mcp_ws_pss));
    /* lws gives every connection a receive buffer this big: small keeps
     * 10,000 idle clients cheap; larger messages come in more pieces. */
    p.rx_buffer_size = WS_RX_BUFFER;
    p.name = "wscheck-mock";
    ws_protocols[n++] = p;
    p.name = MCP_WS_SUBPROTOCOL;
    p.callback = mcp_ws_callback;
    ws_protocols[n++] = p;
    p.callback = ws_conn_callback;
    for (size_t i = 0; i < opt->n_subprotocols && n < MOCK_MAX_LIST + 2; i++) {
        if (strcmp(opt->subprotocols[i], MCP_WS_SUBPROTOCOL) == 0)
            continue; /* MCP's already */
        p.name = opt->subprotocols[i];
        ws_protocols[n++] = p;
    }
    memset(&ws_protocols[n], 0, sizeof(ws_protocols[n]));
    memset(mcp_protocols, 0, sizeof(mcp_protocols));
    mcp_protocols[0].name = "mcp-http";
    mcp_protocols[0].callback = mcp_http_callback;
    mcp_protocols[0].per_session_data_size = sizeof(struct mcp_pss);
    memset(toolkit_protocols, 0, sizeof(toolkit_protocols));
    toolkit_protocols[0].name = MCP_WS_SUBPROTOCOL;
    toolkit_protocols[0].callback = mcp_port_callback;
    toolkit_protocols[0].per_session_data_size = sizeof(union mcp_port_pss);
    toolkit_protocols[0].rx_buffer_size = WS_RX_BUFFER;
    memset(cj_protocols, 0, sizeof(cj_protocols));
    cj_protocols[0].name = "crackerjack";
    cj_protocols[0].callback = cj_port_callback;
    cj_protocols[0].per_session_data_size = cj_pss_size;
    cj_protocols[0].rx_buffer_size = WS_RX_BUFFER;
    memset(mon_protocols, 0, sizeof(mon_protocols));
    mon_protocols[0].name = "monitoring";
    mon_protocols[0].callback = mon_port_callback;
    mon_protocols[0].per_session_data_size = mon_pss_size;
    mon_protocols[0].rx_buffer_size = WS_RX_BUFFER;
}

/* ---- start ---- */

static int create_context(struct mock_server *srv, bool ipv4_only)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_VALIDATE_UTF8 |
                   LWS_SERVER_OPTION_SKIP_SERVER_CANONICAL_NAME;
    if (ipv4_only)
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    if (srv->opt->tls_cert)
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.user = srv;
    info.timeout_secs = 10;
    /* Header tables for handshakes in flight: a burst of clients should
     * not queue behind the default of a few dozen. */
    info.max_http_header_pool = 1024;
    /* Request line and headers: a larger head gets 431 (header_limit.c). */
    info.max_http_header_data2 = (unsigned int)srv->opt->max_header_size;
    srv->ctx = lws_create_context(&info);
    if (!srv->ctx) {
        mock_log(MOCK_LOG_ERR, "cannot create the libwebsockets context");
        return -1;
    }
    return 0;
}

static int write_ready_file(const struct mock_server *srv, const char *ws_url,
                            const char *http_base, const char *mcp_url)
{
    const char *path = srv->opt->ready_file;
    char tmp[4096], url[400];
    json_object *o = json_object_new_object();
    FILE *f;
    int rc = -1;

    if (!o)
        return -1;
    mock_json_add(o, "pid", json_object_new_int((int)getpid()));
    mock_json_add(o, "ws_url", json_object_new_string(ws_url));
    mock_json_add(o, "ws_port", json_object_new_int(srv->ws_port));
    snprintf(url, sizeof(url), "%s/health", http_base);
    mock_json_add(o, "health_url", json_object_new_string(url));
    snprintf(url, sizeof(url), "%s/status", http_base);
    mock_json_add(o, "status_url", json_object_new_string(url));
    mock_json_add(o, "mcp_url", mcp_url ? json_object_new_string(mcp_url) : NULL);
    mock_json_add(o, "mcp_port", mcp_url ? json_object_new_int(srv->mcp_port) : NULL);
    if (srv->cj_vhost) {
        snprintf(url, sizeof(url), "http://%s:%d/", srv->cj_url_host, srv->cj_port);
        mock_json_add(o, "crackerjack_url", json_object_new_string(url));
        mock_json_add(o, "crackerjack_port", json_object_new_int(srv->cj_port));
    }
    if (srv->mon_vhost) {
        snprintf(url, sizeof(url), "ws://%s:%d", srv->mon_url_host, srv->mon_port);
        mock_json_add(o, "monitoring_url", json_object_new_string(url));
        mock_json_add(o, "monitoring_port", json_object_new_int(srv->mon_port));
    }
    /* Written aside and renamed: a reader never sees half a file. */
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f) {
        int w = fprintf(f, "%s\n", json_object_to_json_string_ext(o, MOCK_JSON_FLAGS));

        if (fclose(f) == 0 && w > 0 && rename(tmp, path) == 0)
            rc = 0;
    }
    if (rc != 0) {
        mock_log(MOCK_LOG_ERR, "cannot write ready file %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    json_object_put(o);
    return rc;
}

/* One line per listener on stdout for scripts to wait for, then the ready
 * file, which appears only once everything listens. */
static int announce(const struct mock_server *srv, const struct listen_spec *ws,
                    const struct listen_spec *mcp)
{
    char host[80], ws_url[128], http_base[128], mcp_url[512];
    bool tls = ws->tls_cert != NULL;

    /* crackerjack's server first: once the ws:// line is there, so is
     * its line. */
    if (srv->cj_vhost)
        printf("http://%s:%d/\n", srv->cj_url_host, srv->cj_port);
    if (srv->mon_vhost)
        printf("http://%s:%d/metrics\n", srv->mon_url_host, srv->mon_port);
    listen_url_host(ws, host, sizeof(host));
    snprintf(ws_url, sizeof(ws_url), "%s://%s:%d", tls ? "wss" : "ws", host,
             srv->ws_port);
    snprintf(http_base, sizeof(http_base), "%s://%s:%d", tls ? "https" : "http", host,
             srv->ws_port);
    printf("%s\n", ws_url);
    if (mcp) {
        listen_url_host(mcp, host, sizeof(host));
        snprintf(mcp_url, sizeof(mcp_url), "%s://%s:%d%s",
                 mcp->tls_cert ? "https" : "http", host, srv->mcp_port,
                 srv->opt->mcp_path);
        printf("%s\n", mcp_url);
    }
    if (fflush(stdout) != 0)
        return -1;
    mock_log(MOCK_LOG_INFO, "health at %s/health, status at %s/status", http_base,
             http_base);
    if (srv->opt->ready_file)
        return write_ready_file(srv, ws_url, http_base, mcp ? mcp_url : NULL);
    return 0;
}

/* crackerjack: its progress server's own port. */
static int start_crackerjack(struct mock_server *srv, struct listen_spec *spec)
{
    unsigned long long vopts = LWS_SERVER_OPTION_VALIDATE_UTF8;

    if (spec->family == AF_INET)
        vopts |= LWS_SERVER_OPTION_DISABLE_IPV6;
    srv->cj_vhost = listen_start(srv->ctx, spec, vopts, &srv->cj_port);
    listen_url_host(spec, srv->cj_url_host, sizeof(srv->cj_url_host));
    return srv->cj_vhost ? 0 : -1;
}

/* monitoring: its WebSockets' own port. */
static int start_monitoring(struct mock_server *srv, struct listen_spec *spec)
{
    unsigned long long vopts = LWS_SERVER_OPTION_VALIDATE_UTF8;

    if (spec->family == AF_INET)
        vopts |= LWS_SERVER_OPTION_DISABLE_IPV6;
    listen_url_host(spec, srv->mon_url_host, sizeof(srv->mon_url_host));
    srv->mon_vhost = listen_start(srv->ctx, spec, vopts, &srv->mon_port);
    return srv->mon_vhost ? 0 : -1;
}

/* dev-toolkit, crackerjack and monitoring: one listener for both MCP
 * transports, and the crackerjack and monitoring ports. */
static int start_toolkit(struct mock_server *srv)
{
    const struct mock_options *opt = srv->opt;
    /* TLS (--tls-cert) on the WebSocket port, here the MCP one */
    struct listen_spec spec = {
        "MCP", opt->host, opt->port,     opt->port_tries, toolkit_protocols,
        "",    0,         opt->tls_cert, opt->tls_key};
    struct listen_spec cj = {
        "crackerjack", opt->cj_host, opt->cj_port, opt->port_tries, cj_protocols, "", 0,
        NULL,          NULL};
    struct listen_spec mon = {
        "monitoring", opt->mon.host, opt->mon.port, opt->port_tries, mon_protocols, "", 0,
        NULL,         NULL};
    bool with_cj = (opt->profile & MOCK_PROFILE_CRACKERJACK) != 0;
    bool with_mon = (opt->profile & MOCK_PROFILE_MONITORING) != 0;
    unsigned long long vopts = LWS_SERVER_OPTION_VALIDATE_UTF8;

    if (listen_resolve(&spec) != 0 || (with_cj && listen_resolve(&cj) != 0) ||
        (with_mon && listen_resolve(&mon) != 0))
        return -1;
    if (spec.family == AF_INET)
        vopts |= LWS_SERVER_OPTION_DISABLE_IPV6;
    if (create_context(srv, spec.family == AF_INET &&
                                (!with_cj || cj.family == AF_INET) &&
                                (!with_mon || mon.family == AF_INET)) != 0)
        return -1;
    srv->mcp_vhost = listen_start(srv->ctx, &spec, vopts, &srv->mcp_port);
    if (!srv->mcp_vhost || (with_cj && start_crackerjack(srv, &cj) != 0) ||
        (with_mon && start_monitoring(srv, &mon) != 0))
        return -1;
    srv->ws_vhost = srv->mcp_vhost;
    srv->ws_port = srv->mcp_port;
    return announce(srv, &spec, &spec);
}

static int start_listeners(struct mock_server *srv)
{
    const struct mock_options *opt = srv->opt;
    struct listen_spec ws = {"WebSocket",  opt->host, opt->port, opt->port_tries,
                             ws_protocols, "",        0,         opt->tls_cert,
                             opt->tls_key};
    struct listen_spec mcp = {
        "MCP", opt->mcp_host, opt->mcp_port, opt->port_tries, mcp_protocols, "",
        0,     NULL,          NULL};
    unsigned long long vopts = LWS_SERVER_OPTION_VALIDATE_UTF8;
    bool ipv4_only;

    if (listen_resolve(&ws) != 0 || (!opt->no_mcp && listen_resolve(&mcp) != 0))
        return -1;
    ipv4_only = ws.family == AF_INET && (opt->no_mcp || mcp.family == AF_INET);
    if (ipv4_only)
        vopts |= LWS_SERVER_OPTION_DISABLE_IPV6;
    if (create_context(srv, ipv4_only) != 0)
        return -1;
    srv->ws_vhost = listen_start(srv->ctx, &ws, vopts, &srv->ws_port);
    if (!srv->ws_vhost)
        return -1;
    if (!opt->no_mcp) {
        srv->mcp_vhost = listen_start(srv->ctx, &mcp, vopts, &srv->mcp_port);
        if (!srv->mcp_vhost)
            return -1;
    }
    return announce(srv, &ws, opt->no_mcp ? NULL : &mcp);
}

/* ---- stop ---- */

static void wake(lws_sorted_usec_list_t *sul)
{
    (void)sul; /* only there to end lws_service()'s wait */
}

static void begin_shutdown(struct mock_server *srv)
{
    mock_log(MOCK_LOG_INFO, "signal %d: closing %zu clients", (int)stop_signal,
             srv->clients.count);
    srv->stopping = true;
    srv->stop_deadline = mock_mono_us() + SHUTDOWN_GRACE_US;
    keepalive_stop(srv);
    ws_conn_shutdown_all(srv);
    cj_shutdown(srv);
    mon_shutdown(srv);
    mcp_ws_shutdown_all(srv);
    lws_sul_schedule(srv->ctx, 0, &srv->wake_sul, wake, SHUTDOWN_GRACE_US);
}

static void run_loop(struct mock_server *srv)
{
    for (;;) {
        if (lws_service(srv->ctx, 0) < 0)
            break;
        if (stop_signal && !srv->stopping)
            begin_shutdown(srv);
        if (srv->stopping && ((srv->clients.count == 0 && srv->mcp_ws_live == 0 &&
                               cj_live(srv) == 0 && mon_live(srv) == 0) ||
                              mock_mono_us() >= srv->stop_deadline))
            break;
    }
}

static void cleanup(struct mock_server *srv)
{
    signal_context = NULL;
    lingering_close_free(&srv->linger);
    mcp_runs_free_all(srv); /* their timers live in the context */
    cj_free(srv);
    mon_free(srv);
    if (srv->ctx)
        lws_context_destroy(srv->ctx);
    srv->ctx = NULL;
    cj_free_final(srv);
    mon_free_final(srv);
    client_table_free(&srv->clients);
    mcp_free(srv->mcp);
    srv->mcp = NULL;
    if (srv->opt->ready_file && srv->ws_port)
        unlink(srv->opt->ready_file);
}

int mock_server_run(const struct mock_options *opt)
{
    static struct mock_server srv;
    int status = 1;

    memset(&srv, 0, sizeof(srv));
    srv.opt = opt;
    srv.stats.start_wall = mock_wall_us();
    srv.stats.start_mono = mock_mono_us();
    raise_fd_limit();
    setup_protocols(opt);
    mock_log_lws_hook(header_limit_lws_line);
    if (client_table_init(&srv.clients) != 0 || !(srv.mcp = mcp_new())) {
        mock_log(MOCK_LOG_ERR, "out of memory");
        cleanup(&srv);
        return 1;
    }
    if ((opt->profile & MOCK_PROFILE_CRACKERJACK) && cj_init(&srv) != 0) {
        cleanup(&srv);
        return 1;
    }
    if ((opt->profile & MOCK_PROFILE_MONITORING) && mon_init(&srv) != 0) {
        cleanup(&srv);
        return 1;
    }
    if (install_signals() == 0 &&
        (opt->profile != MOCK_PROFILE_DEFAULT ? start_toolkit(&srv)
                                              : start_listeners(&srv)) == 0) {
        signal_context = srv.ctx;
        if (srv.cj)
            cj_start(&srv);
        mon_start(&srv);
        keepalive_start(&srv);
        run_loop(&srv);
        status = 0;
    }
    cleanup(&srv);
    return status;
}
