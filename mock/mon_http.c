/* wscheck-mock: HTTP on the monitoring port. */
#include "mon_http.h"

#include <stdlib.h>
#include <string.h>

#include "http_request.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "mon.h"
#include "pyjson.h"
#include "server.h"

#define TRIGGER "/alerts/trigger"
#define MAX_BODY 65536

static bool path_is(const char *uri, int len, const char *path)
{
    return (size_t)len == strlen(path) && memcmp(uri, path, (size_t)len) == 0;
}

/* FastAPI's error body: {"detail": text}. */
static int detail(struct lws *wsi, struct mon_http_pss *pss, int status, const char *text)
{
    json_object *o = json_object_new_object();
    int rc;

    if (!o)
        return -1;
    mock_json_add(o, "detail", json_object_new_string(text));
    rc = http_reply_json(&pss->reply, status, o);
    json_object_put(o);
    if (rc)
        return -1;
    pss->answered = true;
    http_reply_start(wsi, &pss->reply);
    return 0;
}

int mon_http_request(struct mock_server *srv, struct lws *wsi, struct mon_http_pss *pss)
{
    char *uri = NULL, buf[64];
    int len = 0, method = lws_http_get_uri_and_method(wsi, &uri, &len);
    unsigned long long length;
    enum http_length cl = http_content_length(wsi, &length);
    const char *v;

    free(pss->body); /* a keep-alive connection's earlier request */
    memset(pss, 0, sizeof(*pss));
    if (cl == HTTP_LENGTH_INVALID) {
        pss->reply.close_after = true; /* the body cannot be framed */
        return detail(wsi, pss, HTTP_STATUS_BAD_REQUEST, "Bad Request");
    }
    if (method == LWSHUMETH_GET && metrics_path(uri, len))
        return metrics_http_reply(srv, wsi, &pss->reply);
    if (!uri || !path_is(uri, len, TRIGGER)) {
        if (cl == HTTP_LENGTH_OK && length > 0)
            pss->reply.close_after = true; /* not worth reading */
        return detail(wsi, pss, HTTP_STATUS_NOT_FOUND, "Not Found");
    }
    if (method != LWSHUMETH_POST) {
        pss->reply.close_after = cl == HTTP_LENGTH_OK && length > 0;
        http_reply_header(&pss->reply, "allow:", "POST");
        return detail(wsi, pss, HTTP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    v = lws_get_urlarg_by_name(wsi, "fault=", buf, sizeof(buf));
    pss->drop = (v && strcmp(v, "alert-dropped") == 0) ||
                (srv->opt->mon.faults & MON_FAULT_ALERT_DROPPED);
    pss->trigger = true;
    if (cl == HTTP_LENGTH_OK && length > 0)
        return 0; /* answered at body completion */
    return mon_http_body_done(srv, wsi, pss);
}

int mon_http_body(struct mon_http_pss *pss, const char *in, size_t len)
{
    if (!pss->trigger || pss->too_big)
        return 0;
    if (pss->body_len + len > MAX_BODY) {
        pss->too_big = true;
        return 0;
    }
    if (pss->body_len + len + 1 > pss->body_cap) {
        size_t cap = pss->body_cap ? pss->body_cap * 2 : 1024;
        char *b;

        while (cap < pss->body_len + len + 1)
            cap *= 2;
        b = realloc(pss->body, cap);
        if (!b)
            return -1;
        pss->body = b;
        pss->body_cap = cap;
    }
    if (len)
        memcpy(pss->body + pss->body_len, in, len);
    pss->body_len += len;
    pss->body[pss->body_len] = '\0';
    return 0;
}

/* The alert, or a 422 with the reason, as FastAPI's validation would. */
static int trigger(struct mock_server *srv, struct lws *wsi, struct mon_http_pss *pss)
{
    json_object *req = NULL, *alert, *o;
    char err[200];
    size_t n;
    int rc;

    if (pss->body_len == 0)
        req = json_object_new_object();
    else if (pyjson_parse(pss->body, pss->body_len, true, &req, err, sizeof(err)) !=
             PYJSON_OK)
        return detail(wsi, pss, 422, "body is not JSON");
    alert = mon_alert_from(req, err, sizeof(err));
    json_object_put(req);
    if (!alert) {
        srv->stats.errors++;
        return detail(wsi, pss, 422, err);
    }
    o = json_object_new_object();
    if (!o) {
        json_object_put(alert);
        return -1;
    }
    mock_json_add(o, "status", json_object_new_string("triggered"));
    mock_json_add(o, "alert", json_object_get(alert));
    n = mon_alert_raise(srv->mon, alert, pss->drop);
    mock_json_add(o, "subscribers", json_object_new_int64((int64_t)n));
    rc = http_reply_json(&pss->reply, HTTP_STATUS_OK, o);
    json_object_put(o);
    if (rc)
        return -1;
    pss->answered = true;
    http_reply_start(wsi, &pss->reply);
    return 0;
}

int mon_http_body_done(struct mock_server *srv, struct lws *wsi, struct mon_http_pss *pss)
{
    int rc;

    if (pss->answered)
        return 0;
    if (!pss->trigger)
        return detail(wsi, pss, HTTP_STATUS_NOT_FOUND, "Not Found");
    if (pss->too_big)
        return detail(wsi, pss, HTTP_STATUS_REQ_ENTITY_TOO_LARGE,
                      "Request body too large");
    rc = trigger(srv, wsi, pss);
    free(pss->body);
    pss->body = NULL;
    pss->body_len = pss->body_cap = 0;
    return rc;
}

void mon_http_closed(struct mon_http_pss *pss)
{
    free(pss->body);
    pss->body = NULL;
    http_reply_free(&pss->reply);
}
