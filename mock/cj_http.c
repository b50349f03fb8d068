/* wscheck-mock: crackerjack's HTTP routes. */
#include "cj_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cj.h"
#include "cj_jobs.h"
#include "cj_progress.h"
#include "cj_sanitize.h"
#include "http_request.h"
#include "jsonout.h"
#include "metrics.h"
#include "server.h"

#define HTML "text/html; charset=utf-8"
#define PAGE_MAX 8192

enum route { ROUTE_NONE, ROUTE_STATUS, ROUTE_LATEST, ROUTE_MONITOR, ROUTE_TEST };

static enum route route_of(const char *uri, int len, const char **id, int *idlen)
{
    static const char monitor[] = "/monitor/";
    size_t m = sizeof(monitor) - 1;

    if (len == 1 && uri[0] == '/')
        return ROUTE_STATUS;
    if (len == 7 && memcmp(uri, "/latest", 7) == 0)
        return ROUTE_LATEST;
    if (len == 5 && memcmp(uri, "/test", 5) == 0)
        return ROUTE_TEST;
    if ((size_t)len > m && memcmp(uri, monitor, m) == 0 &&
        !memchr(uri + m, '/', len - m)) {
        *id = uri + m;
        *idlen = len - (int)m;
        return ROUTE_MONITOR;
    }
    return ROUTE_NONE;
}

static int send_body(struct lws *wsi, struct cj_http_pss *pss, int status,
                     const char *type, const char *body, size_t len)
{
    if (http_reply_set(&pss->reply, status, type, body, len))
        return -1;
    http_reply_start(wsi, &pss->reply);
    return 0;
}

static int send_json(struct lws *wsi, struct cj_http_pss *pss, int status, json_object *o)
{
    int rc = http_reply_json(&pss->reply, status, o);

    json_object_put(o);
    if (rc)
        return -1;
    if (!pss->pending)
        http_reply_start(wsi, &pss->reply);
    return 0;
}

static int detail(struct lws *wsi, struct cj_http_pss *pss, int status, const char *text)
{
    json_object *o = json_object_new_object();

    if (!o)
        return -1;
    mock_json_add(o, "detail", json_object_new_string(text));
    if (status == HTTP_STATUS_METHOD_NOT_ALLOWED)
        http_reply_header(&pss->reply, "allow:", "GET");
    return send_json(wsi, pss, status, o);
}

/* ---- JSON routes ---- */

/* The system temp dir: paths under it survive sanitising. */
static void temp_root(const struct mock_server *srv, char *out, size_t len)
{
    const char *slash;

    snprintf(out, len, "%s", srv->cj->dir);
    slash = strrchr(out, '/');
    if (slash && slash != out)
        out[slash - out] = '\0';
}

static json_object *finish(const struct mock_server *srv, json_object *o)
{
    char root[PATH_MAX];

    if (o && (srv->cj->bugs & CJ_BUG_SANITIZE)) {
        temp_root(srv, root, sizeof(root));
        cj_sanitize(o, root);
    }
    return o;
}

static json_object *status_object(const struct mock_server *srv)
{
    json_object *o = json_object_new_object(), *ep = json_object_new_object();
    char url[128];

    if (!o || !ep) {
        json_object_put(o);
        json_object_put(ep);
        return NULL;
    }
    snprintf(url, sizeof(url), "ws://localhost:%d/ws/progress/{job_id}", srv->cj_port);
    mock_json_add(o, "status", json_object_new_string("running"));
    mock_json_add(o, "message", json_object_new_string("Crackerjack WebSocket Server"));
    mock_json_add(o, "active_connections",
                  json_object_new_int64((int64_t)cj_progress_active_jobs(srv->cj)));
    mock_json_add(o, "jobs", cj_jobs_list(srv->cj));
    mock_json_add(o, "websocket_url", json_object_new_string(url));
    mock_json_add(ep, "status", json_object_new_string("/"));
    mock_json_add(ep, "latest_job", json_object_new_string("/latest"));
    mock_json_add(ep, "job_monitor", json_object_new_string("/monitor/{job_id}"));
    mock_json_add(ep, "test", json_object_new_string("/test"));
    mock_json_add(ep, "websocket", json_object_new_string("/ws/progress/{job_id}"));
    mock_json_add(o, "endpoints", ep);
    return finish(srv, o);
}

static json_object *latest_object(const struct mock_server *srv)
{
    const struct cj_job *j = cj_jobs_latest(srv->cj);
    json_object *o = json_object_new_object();
    char text[CJ_ID_MAX + 64];

    if (!o)
        return NULL;
    if (!j) {
        mock_json_add(o, "status", json_object_new_string("no_jobs"));
        mock_json_add(o, "message", json_object_new_string("No jobs found"));
        mock_json_add(o, "job_id", NULL);
        mock_json_add(o, "progress", NULL);
        return finish(srv, o);
    }
    mock_json_add(o, "status", json_object_new_string("success"));
    snprintf(text, sizeof(text), "Latest job: %s", j->id);
    mock_json_add(o, "message", json_object_new_string(text));
    mock_json_add(o, "job_id", json_object_new_string(j->id));
    mock_json_add(o, "progress", json_object_get(j->doc));
    snprintf(text, sizeof(text), "ws://localhost:%d/ws/progress/%s", srv->cj_port, j->id);
    mock_json_add(o, "websocket_url", json_object_new_string(text));
    snprintf(text, sizeof(text), "http://localhost:%d/monitor/%s", srv->cj_port, j->id);
    mock_json_add(o, "monitor_url", json_object_new_string(text));
    /* Sanitising changes strings in place: the job's own document must
     * not be touched. */
    if (srv->cj->bugs & CJ_BUG_SANITIZE) {
        json_object *copy = NULL;

        if (json_object_deep_copy(j->doc, &copy, NULL) == 0)
            mock_json_add(o, "progress", copy);
    }
    return finish(srv, o);
}

/* ---- HTML routes ---- */

static const char monitor_page[] =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "    <title>Job Monitor - %.*s</title>\n"
    "    <meta charset=\"utf-8\">\n"
    "</head>\n"
    "<body>\n"
    "    <h1>Crackerjack Job Monitor</h1>\n"
    "    <p>Job ID: <strong>%.*s</strong></p>\n"
    "    <div id=\"status\">Connecting...</div>\n"
    "    <pre id=\"progress\"></pre>\n"
    "    <script>\n"
    "        const ws = new WebSocket('ws://%s/ws/progress/%.*s');\n"
    "        ws.onmessage = (event) => {\n"
    "            document.getElementById('progress').textContent = event.data;\n"
    "        };\n"
    "        ws.onopen = () => {\n"
    "            document.getElementById('status').textContent = 'Connected';\n"
    "            setInterval(() => ws.send('ping'), 20000);\n"
    "        };\n"
    "        ws.onclose = () => {\n"
    "            document.getElementById('status').textContent = 'Disconnected';\n"
    "        };\n"
    "    </script>\n"
    "</body>\n"
    "</html>\n";

static const char test_page[] =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "    <title>WebSocket Test Page</title>\n"
    "</head>\n"
    "<body>\n"
    "    <h1>WebSocket Test Page</h1>\n"
    "    <button onclick=\"checkStatus()\">Check Status</button>\n"
    "    <button onclick=\"getLatestJob()\">Get Latest Job</button>\n"
    "    <input type=\"text\" id=\"testJobId\" value=\"test-123\">\n"
    "    <button onclick=\"testWebSocket()\">Test WebSocket</button>\n"
    "    <pre id=\"output\"></pre>\n"
    "    <script>\n"
    "        const out = (t) => { document.getElementById('output').textContent += t + '\\n'; };\n"
    "        function checkStatus() { fetch('/').then(r => r.json()).then(j => out(JSON.stringify(j))); }\n"
    "        function getLatestJob() { fetch('/latest').then(r => r.json()).then(j => out(JSON.stringify(j))); }\n"
    "        function testWebSocket() {\n"
    "            const id = document.getElementById('testJobId').value;\n"
    "            const ws = new WebSocket('ws://localhost:%d/ws/progress/' + id);\n"
    "            ws.onmessage = (e) => out(e.data);\n"
    "            ws.onopen = () => ws.send('hello');\n"
    "        }\n"
    "    </script>\n"
    "</body>\n"
    "</html>\n";

static int monitor(struct mock_server *srv, struct lws *wsi, struct cj_http_pss *pss,
                   const char *id, int idlen)
{
    static const char bad[] = "<h1>Error</h1><p>Invalid job ID</p>";
    char page[PAGE_MAX], host[64];
    int n;

    if (!cj_id_valid(id, (size_t)idlen, (srv->cj->bugs & CJ_BUG_ROUTE_SPACES) != 0))
        return send_body(wsi, pss, HTTP_STATUS_BAD_REQUEST, HTML, bad, sizeof(bad) - 1);
    /* v0.31.12+ sanitised the page's own URL into a placeholder. */
    if (srv->cj->bugs & CJ_BUG_SANITIZE)
        snprintf(host, sizeof(host), "[INTERNAL_URL]");
    else
        snprintf(host, sizeof(host), "localhost:%d", srv->cj_port);
    n = snprintf(page, sizeof(page), monitor_page, idlen, id, idlen, id, host, idlen, id);
    if (n < 0 || (size_t)n >= sizeof(page))
        return -1;
    return send_body(wsi, pss, HTTP_STATUS_OK, HTML, page, (size_t)n);
}

static int test(struct mock_server *srv, struct lws *wsi, struct cj_http_pss *pss)
{
    char page[PAGE_MAX];
    int n = snprintf(page, sizeof(page), test_page, srv->cj_port);

    if (n < 0 || (size_t)n >= sizeof(page))
        return -1;
    return send_body(wsi, pss, HTTP_STATUS_OK, HTML, page, (size_t)n);
}

/* ---- dispatch ---- */

static bool has_body(int method, struct lws *wsi)
{
    unsigned long long length;

    return (method == LWSHUMETH_POST || method == LWSHUMETH_PUT ||
            method == LWSHUMETH_PATCH) &&
           http_content_length(wsi, &length) == HTTP_LENGTH_OK && length > 0;
}

static int answer(struct mock_server *srv, struct lws *wsi, struct cj_http_pss *pss)
{
    char *uri = NULL;
    int len = 0, idlen = 0, method = lws_http_get_uri_and_method(wsi, &uri, &len);
    const char *id = NULL;
    enum route r = uri ? route_of(uri, len, &id, &idlen) : ROUTE_NONE;

    pss->reply.head_only = method == LWSHUMETH_HEAD; /* its headers only */
    if (method == LWSHUMETH_GET && metrics_path(uri, len))
        return metrics_http_reply(srv, wsi,
                                  &pss->reply); /* the mock's own, not crackerjack's */
    if (r == ROUTE_NONE)
        return detail(wsi, pss, HTTP_STATUS_NOT_FOUND, "Not Found");
    if (method != LWSHUMETH_GET)
        return detail(wsi, pss, HTTP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed");
    switch (r) {
    case ROUTE_STATUS:
        return send_json(wsi, pss, HTTP_STATUS_OK, status_object(srv));
    case ROUTE_LATEST:
        return send_json(wsi, pss, HTTP_STATUS_OK, latest_object(srv));
    case ROUTE_MONITOR:
        return monitor(srv, wsi, pss, id, idlen);
    case ROUTE_TEST:
    default:
        return test(srv, wsi, pss);
    }
}

int cj_http_request(struct mock_server *srv, struct lws *wsi, struct cj_http_pss *pss)
{
    char *uri = NULL;
    int len = 0, method = lws_http_get_uri_and_method(wsi, &uri, &len);
    unsigned long long length;

    memset(pss, 0, sizeof(*pss));
    if (http_content_length(wsi, &length) == HTTP_LENGTH_INVALID) {
        pss->reply.close_after = true; /* the body cannot be framed */
        return detail(wsi, pss, HTTP_STATUS_BAD_REQUEST, "Bad Request");
    }
    /* No route takes a body: the answer (404 or 405) is ready now and
     * goes once the body is read, so the peer is not reset mid-send. */
    pss->pending = has_body(method, wsi);
    return answer(srv, wsi, pss);
}

int cj_http_body_done(struct lws *wsi, struct cj_http_pss *pss)
{
    if (!pss->pending)
        return 0;
    pss->pending = false;
    http_reply_start(wsi, &pss->reply);
    return 0;
}
