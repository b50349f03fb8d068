/* http.request and http.health under load: one request per session (and
 * per connection: the request says Connection: close), its response read
 * in full, "response_ms" from the request written to the response
 * complete. The status is matched first (a mismatch is error `status`),
 * then the rest of `expect` against the plugin's outputs (status, headers,
 * json, body, url; a mismatch is error `expect`), with the same defaults
 * as the checks: health wants 2xx, request anything below 400. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "json_util.h"
#include "load_http.h"

struct lh_script {
    char *request; /* the request's bytes, the same for every session */
    size_t request_len;
    size_t body_len; /* of the request: payload sent */
    int head_only;
    size_t max_body;            /* 0: the plan's max_message */
    struct json_object *status; /* {"status": expectation} */
    struct json_object *rest;   /* expect without status; NULL: nothing */
    int rest_needs_body;        /* rest names body or json */
    char *label;                /* "GET /path" for messages */
    char *url;                  /* the `url` output */
};

struct lh_state {
    struct wsc_load_http_resp resp;
    struct wsc_histogram *response_ms;
    double t0;
};

static void script_free(void *data)
{
    struct lh_script *d = data;
    if (!d)
        return;
    free(d->request);
    json_object_put(d->status);
    json_object_put(d->rest);
    free(d->label);
    free(d->url);
    free(d);
}

/* ---- the session ------------------------------------------------------------ */

static void begin(struct wsc_load_sess *s)
{
    struct lh_state *st = wsc_load_state(s);
    const struct lh_script *d = wsc_load_script_of(s)->data;
    struct wsc_load_test *t = wsc_load_test_of(s);
    st->response_ms = wsc_load_hist(t, "response_ms");
    size_t cap = d->max_body ? d->max_body : wsc_load_max_message(s);
    wsc_load_http_resp_init(&st->resp, cap, d->head_only, d->rest_needs_body);
    st->t0 = wsc_load_now(s);
    if (wsc_load_write(s, d->request, d->request_len) != 0)
        return;
    t->messages_sent++;
    t->bytes_sent += d->body_len;
}

/* The outputs `expect` sees: as the http plugin publishes them. */
static struct json_object *outputs(const struct lh_script *d,
                                   const struct wsc_load_http_resp *r)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    json_object_object_add(o, "status", json_object_new_int(r->status));
    json_object_object_add(o, "headers", json_object_get(r->headers));
    const char *body = r->body.data ? r->body.data : "";
    struct json_object *json =
        wsc_json_parse_body(body, r->body.len, WSC_JSON_BODY_MAX, NULL);
    if (json)
        json_object_object_add(o, "json", json);
    json_object_object_add(o, "body", json_object_new_string_len(body, (int)r->body.len));
    json_object_object_add(o, "url", json_object_new_string(d->url));
    return o;
}

/* 0 when `expect` (the part in e) holds; else ends the session with `kind`. */
static int match(struct wsc_load_sess *s, const struct json_object *e,
                 const struct json_object *outs, enum wsc_load_error kind)
{
    const struct lh_script *d = wsc_load_script_of(s)->data;
    char *msg = NULL;
    if (!outs) {
        wsc_load_fail(s, WSC_LOAD_ERR_PROTOCOL, "out of memory");
        return -1;
    }
    if (wsc_expect_match(e, NULL, outs, &msg) == 0)
        return 0;
    wsc_load_fail(s, kind, "%s: %s", d->label, msg ? msg : "expectation not met");
    free(msg);
    return -1;
}

static void complete(struct wsc_load_sess *s, struct lh_state *st)
{
    const struct lh_script *d = wsc_load_script_of(s)->data;
    struct wsc_load_test *t = wsc_load_test_of(s);
    if (st->response_ms)
        wsc_hist_record(st->response_ms, (wsc_load_now(s) - st->t0) * 1000.0);
    t->messages_received++;
    t->bytes_received += st->resp.body_len;
    struct json_object *status = json_object_new_object();
    if (status)
        json_object_object_add(status, "status", json_object_new_int(st->resp.status));
    int bad = match(s, d->status, status, WSC_LOAD_ERR_STATUS);
    json_object_put(status);
    if (bad)
        return;
    if (d->rest) {
        struct json_object *outs = outputs(d, &st->resp);
        bad = match(s, d->rest, outs, WSC_LOAD_ERR_EXPECT);
        json_object_put(outs);
        if (bad)
            return;
    }
    wsc_load_end(s, NULL, NULL);
}

static void failed(struct wsc_load_sess *s, const struct wsc_load_http_resp *r)
{
    const struct lh_script *d = wsc_load_script_of(s)->data;
    wsc_load_fail(s, r->error, "%s: %s", d->label, r->message);
}

static size_t input(struct wsc_load_sess *s, const unsigned char *p, size_t n)
{
    struct lh_state *st = wsc_load_state(s);
    size_t used = 0;
    enum wsc_load_http_rc rc = wsc_load_http_resp_feed(&st->resp, p, n, &used);
    if (rc == WSC_LOAD_HTTP_DONE)
        complete(s, st);
    else if (rc == WSC_LOAD_HTTP_ERROR)
        failed(s, &st->resp);
    return used;
}

static void closed(struct wsc_load_sess *s)
{
    struct lh_state *st = wsc_load_state(s);
    if (wsc_load_http_resp_eof(&st->resp) == WSC_LOAD_HTTP_DONE)
        complete(s, st);
    else
        failed(s, &st->resp);
}

static void timer(struct wsc_load_sess *s)
{
    (void)s; /* no timer of its own: the session's timeout is the engine's */
}

static void release(struct wsc_load_sess *s)
{
    struct lh_state *st = wsc_load_state(s);
    wsc_load_http_resp_free(&st->resp);
}

const struct wsc_load_proto wsc_load_http_proto = {
    .name = "http-request",
    .state_size = sizeof(struct lh_state),
    .begin = begin,
    .input = input,
    .timer = timer,
    .closed = closed,
    .release = release,
};

/* ---- compiling ------------------------------------------------------------- */

/* Params of the checks that need something a load session cannot give. */
static char *refused(const struct json_object *params)
{
    if (wsc_param_bool(params, "follow_redirects", 0))
        return strdup("follow_redirects: a redirect needs another connection, and a "
                      "load session is one request on one connection");
    if (wsc_param(params, "body") && wsc_param(params, "json"))
        return strdup("give either body or json, not both");
    return NULL;
}

/* expect split in {"status": ...} (given or the check's default) and the
 * rest. */
static char *split_expect(struct lh_script *d, const struct json_object *expect,
                          int health)
{
    char *bad = wsc_expect_check(expect);
    if (bad) {
        char *why = wsc_strdup_printf("expect%s", bad);
        free(bad);
        return why;
    }
    struct json_object *st = NULL;
    if (expect)
        json_object_object_get_ex(expect, "status", &st);
    d->status = json_object_new_object();
    struct json_object *rule =
        st ? json_object_get(st)
           : json_tokener_parse(health ? "{\"$gte\":200,\"$lt\":300}" : "{\"$lt\":400}");
    if (!d->status || !rule) {
        json_object_put(rule);
        return strdup("out of memory");
    }
    json_object_object_add(d->status, "status", rule);
    if (!expect)
        return NULL;
    json_object_object_foreach((struct json_object *)expect, key, val) {
        if (strcmp(key, "status") == 0)
            continue;
        if (!d->rest && !(d->rest = json_object_new_object()))
            return strdup("out of memory");
        json_object_object_add(d->rest, key, json_object_get(val));
        d->rest_needs_body |= strcmp(key, "body") == 0 || strcmp(key, "json") == 0;
    }
    return NULL;
}

/* The body param as bytes: `body` as is, or `json` serialised. */
static void request_body(const struct json_object *params, struct wsc_load_http_req *req)
{
    const struct json_object *body = wsc_param(params, "body");
    const struct json_object *json = wsc_param(params, "json");
    if (body) {
        req->body = json_object_get_string((struct json_object *)body);
        req->body_len = (size_t)json_object_get_string_len(body);
    } else if (json) {
        req->body = json_object_to_json_string_ext((struct json_object *)json,
                                                   JSON_C_TO_STRING_PLAIN |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE);
        req->body_len = strlen(req->body);
        req->content_type = "application/json";
    }
}

static int build(struct wsc_load_script *sc, struct lh_script *d,
                 const struct json_object *params, const char *path, char **why)
{
    struct wsc_load_http_req req = {
        .method = wsc_param_string(params, "method", "GET"),
        .path = path,
        .headers = wsc_param(params, "headers"),
    };
    request_body(params, &req);
    char *host = wsc_load_http_host(sc);
    if (!host) {
        *why = strdup("out of memory");
        return -1;
    }
    req.host = host;
    d->head_only = strcmp(req.method, "HEAD") == 0;
    d->body_len = req.body_len;
    d->label = wsc_strdup_printf("%s %s", req.method, path);
    int rc = wsc_load_http_request_build(&req, &d->request, &d->request_len, why);
    free(host);
    if (rc == 0 && !d->label) {
        *why = strdup("out of memory");
        rc = -1;
    }
    return rc;
}

/* "health" or "http.health" */
static int is_health(const char *check)
{
    const char *dot = strrchr(check, '.');
    return strcmp(dot ? dot + 1 : check, "health") == 0;
}

int wsc_load_compile_http(struct wsc_load_script *sc, const char *check,
                          struct json_object *params, char **why)
{
    const char *url = wsc_param_string(params, "url", NULL);
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        *why = strdup("url: expected an http:// or https:// URL");
        return -1;
    }
    if ((*why = refused(params)))
        return -1;
    struct lh_script *d = calloc(1, sizeof *d);
    char *path = NULL;
    if (!d) {
        *why = strdup("out of memory");
        return -1;
    }
    int64_t max = wsc_param_int(params, "max_body_size", 0);
    d->max_body = max > 0 ? (size_t)max : 0;
    d->url = strdup(url);
    int rc = -1;
    if (!d->url)
        *why = strdup("out of memory");
    else if (!(*why = split_expect(d, wsc_param(params, "expect"), is_health(check))) &&
             wsc_load_script_target(sc, url, &path, why) == 0) {
        rc = build(sc, d, params, path, why);
        if (rc == 0 && wsc_load_tls_params(sc, params) != 0) {
            *why = strdup("out of memory");
            rc = -1;
        }
    }
    free(path);
    if (rc != 0) {
        script_free(d);
        return -1;
    }
    sc->proto = &wsc_load_http_proto;
    sc->data = d;
    sc->free_data = script_free;
    return 0;
}
