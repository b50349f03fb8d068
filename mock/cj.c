/* wscheck-mock: the crackerjack profile's state, its directory poll and
 * its port. */
#include "cj.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cj_http.h"
#include "cj_jobs.h"
#include "cj_progress.h"
#include "cj_sim.h"
#include "header_limit.h"
#include "log.h"
#include "metrics.h"
#include "server.h"

/* Per-connection memory of the port: HTTP requests, or a progress
 * socket once upgraded. */
union cj_pss {
    struct cj_http_pss http;
    struct cj_sock sock;
};

const size_t cj_pss_size = sizeof(union cj_pss);

/* Python's tempfile.gettempdir(): TMPDIR, TEMP, TMP, then /tmp. */
static const char *temp_dir(void)
{
    static const char *const vars[] = {"TMPDIR", "TEMP", "TMP"};

    for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
        const char *v = getenv(vars[i]);
        struct stat st;

        if (v && *v && stat(v, &st) == 0 && S_ISDIR(st.st_mode))
            return v;
    }
    return "/tmp";
}

static int make_dir(struct cj_state *cj, const char *configured)
{
    int n = configured ? snprintf(cj->dir, sizeof(cj->dir), "%s", configured)
                       : snprintf(cj->dir, sizeof(cj->dir), "%s/crackerjack-mcp-progress",
                                  temp_dir());
    size_t len;

    if (n < 0 || (size_t)n >= sizeof(cj->dir)) {
        mock_log(MOCK_LOG_ERR, "crackerjack: progress directory name too long");
        return -1;
    }
    len = strlen(cj->dir);
    while (len > 1 && cj->dir[len - 1] == '/')
        cj->dir[--len] = '\0';
    if (mkdir(cj->dir, 0700) != 0 && errno != EEXIST) {
        mock_log(MOCK_LOG_ERR, "crackerjack: cannot create %s: %s", cj->dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static uint64_t open_sockets(const struct mock_server *srv)
{
    return cj_live(srv);
}

int cj_init(struct mock_server *srv)
{
    struct cj_state *cj = calloc(1, sizeof(*cj));

    if (!cj) {
        mock_log(MOCK_LOG_ERR, "out of memory");
        return -1;
    }
    srv->cj = cj;
    cj->srv = srv;
    metrics_register_gauge("crackerjack", open_sockets);
    cj->bugs = srv->opt->cj_bugs;
    for (size_t i = 0; i < 4; i++)
        cj->session.stages[i] = "pending";
    return make_dir(cj, srv->opt->progress_dir);
}

static void poll_dir(lws_sorted_usec_list_t *sul)
{
    struct cj_state *cj = lws_container_of(sul, struct cj_state, poll_sul);

    cj_jobs_scan(cj);
    lws_sul_schedule(cj->srv->ctx, 0, &cj->poll_sul, poll_dir,
                     (lws_usec_t)(cj->srv->opt->cj_poll_interval * 1e6));
}

/* The server side reads the directory on a timer; with the prefix bug its
 * file-name test matches nothing, so it never looks. */
void cj_start(struct mock_server *srv)
{
    struct cj_state *cj = srv->cj;

    mock_log(MOCK_LOG_INFO, "crackerjack: job files in %s", cj->dir);
    if (cj->bugs & CJ_BUG_PREFIX)
        return;
    cj->polling = true;
    poll_dir(&cj->poll_sul);
}

void cj_shutdown(struct mock_server *srv)
{
    if (srv->cj)
        cj_progress_shutdown(srv->cj);
}

size_t cj_live(const struct mock_server *srv)
{
    return srv->cj ? srv->cj->n_socks : 0;
}

void cj_free(struct mock_server *srv)
{
    struct cj_state *cj = srv->cj;

    if (!cj)
        return;
    lws_sul_cancel(&cj->poll_sul);
    cj_sim_free_all(cj);
    for (size_t i = 0; i < cj->n_jobs; i++) {
        json_object_put(cj->jobs[i].doc);
        free(cj->jobs[i].text);
    }
    free(cj->jobs);
    /* Sockets still open are closed by the context, which must not find
     * the state gone: they only unlink themselves from it. */
    cj->socks = NULL;
}

void cj_free_final(struct mock_server *srv)
{
    free(srv->cj);
    srv->cj = NULL;
}

int cj_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);
    union cj_pss *pss = user;

    if (!srv || !srv->cj)
        return 0;
    header_limit_track(wsi, reason);
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return cj_progress_confirm(srv, wsi);
    case LWS_CALLBACK_ESTABLISHED:
    case LWS_CALLBACK_RECEIVE:
    case LWS_CALLBACK_SERVER_WRITEABLE:
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        return cj_progress_callback(wsi, reason, pss ? &pss->sock : NULL, in, len);
    case LWS_CALLBACK_HTTP:
        return pss ? cj_http_request(srv, wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return pss ? cj_http_body_done(wsi, &pss->http) : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return pss ? http_reply_writeable(wsi, &pss->http.reply) : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        if (pss)
            http_reply_free(&pss->http.reply);
        return 0;
    default:
        return 0;
    }
}
