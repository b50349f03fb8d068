/* The connections of a conversation: the default one, which steps without
 * `conn` use, and those named in `connections`. Each named connection takes
 * the conversation's WebSocket options (url, headers, subprotocols, ...)
 * with its own members on top. Every connection opens before the first
 * step, the default one first, then the named ones in the order written,
 * except one whose first step is `connect`: it opens at that step. With
 * `connections`, the default connection opens only when a step uses it or
 * `connections` names it "default". */
#include "conversation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NAME "default"

struct wsb_conn *wsb_conn_find(struct wsb_convo *c, const char *name)
{
    if (!name)
        name = DEFAULT_NAME;
    for (size_t i = 0; i < c->n_conns; i++)
        if (strcmp(c->conns[i].name, name) == 0)
            return &c->conns[i];
    return NULL;
}

void wsb_use(struct wsb_convo *c, struct wsb_conn *conn)
{
    c->cur = conn;
    if (!c->multi || c->traced == conn)
        return;
    wsc_trace(c->ctx, "info", "conn", conn->name, strlen(conn->name));
    c->traced = conn;
}

/* The conversation's params with `own`'s members on top (NULL own: the
 * conversation's alone). A new object, NULL when out of memory. */
static struct json_object *merged_params(struct json_object *params,
                                         struct json_object *own)
{
    struct json_object *p = json_object_new_object();
    if (!p)
        return NULL;
    json_object_object_foreach(params, key, val) {
        if (strcmp(key, "steps") == 0 || strcmp(key, "connections") == 0 ||
            strcmp(key, "ignore") == 0)
            continue;
        if (json_object_object_add(p, key, json_object_get(val)) != 0)
            goto oom;
    }
    if (own && json_object_is_type(own, json_type_object)) {
        json_object_object_foreach(own, k2, v2) {
            if (json_object_object_add(p, k2, json_object_get(v2)) != 0)
                goto oom;
        }
    }
    return p;
oom:
    json_object_put(p);
    return NULL;
}

static int add_conn(struct wsb_convo *c, const char *name, struct json_object *params)
{
    struct wsb_conn *conn = &c->conns[c->n_conns];
    memset(conn, 0, sizeof(*conn));
    conn->name = strdup(name);
    conn->params = params;
    if (!conn->name || !conn->params) {
        free(conn->name);
        json_object_put(conn->params);
        return -1;
    }
    c->n_conns++;
    return 0;
}

/* Marks the connections the steps use, and those whose first step is
 * `connect`. Returns -1 (reported) when a step names an unknown one. */
static int mark_use(struct wsb_convo *c, struct json_object *steps)
{
    for (size_t i = 0; i < json_object_array_length(steps); i++) {
        struct json_object *step = json_object_array_get_idx(steps, i), *name = NULL;
        json_object_object_get_ex(step, "conn", &name);
        struct wsb_conn *conn =
            wsb_conn_find(c, name ? json_object_get_string(name) : NULL);
        if (!conn) {
            wsc_error(c->ctx, "step %zu: unknown connection '%s'", i,
                      json_object_get_string(name));
            return -1;
        }
        if (!conn->used)
            conn->lazy = json_object_object_get_ex(step, "connect", NULL);
        conn->used = 1;
    }
    return 0;
}

int wsb_conns_setup(struct wsb_convo *c, struct json_object *params,
                    struct json_object *steps)
{
    struct json_object *named = NULL, *own_default = NULL;
    json_object_object_get_ex(params, "connections", &named);
    c->multi = json_object_is_type(named, json_type_object);
    size_t n = 1 + (c->multi ? (size_t)json_object_object_length(named) : 0);
    c->conns = calloc(n, sizeof(*c->conns));
    if (!c->conns) {
        wsc_error(c->ctx, "out of memory");
        return -1;
    }
    if (c->multi)
        json_object_object_get_ex(named, DEFAULT_NAME, &own_default);
    int rc = add_conn(c, DEFAULT_NAME, merged_params(params, own_default));
    if (c->multi) {
        json_object_object_foreach(named, name, own) {
            if (rc == 0 && strcmp(name, DEFAULT_NAME) != 0)
                rc = add_conn(c, name, merged_params(params, own));
        }
    }
    if (rc < 0) {
        wsc_error(c->ctx, "out of memory");
        return -1;
    }
    if (mark_use(c, steps) < 0)
        return -1;
    /* Named connections open even when no step uses them (a client that
     * only has to be there, to receive a broadcast or to be counted). */
    for (size_t i = 1; i < c->n_conns; i++)
        c->conns[i].used = 1;
    if (!c->multi || own_default)
        c->conns[0].used = 1;
    return 0;
}

/* Reports a failure to open: as the connect step's, or before the steps. */
static int open_failed(struct wsb_convo *c, struct wsb_conn *conn, size_t index,
                       const struct wsc_step *s, const char *why)
{
    if (s)
        return wsb_step_fail(c, index, s, "%s", why);
    if (c->multi)
        wsc_fail(c->ctx, "%s: connect: %s", conn->name, why);
    else
        wsc_fail(c->ctx, "connect: %s", why);
    return -1;
}

static void reset(struct wsb_conn *conn)
{
    wsc_ws_free(conn->ws);
    conn->ws = NULL;
    wsb_inbox_free(&conn->inbox);
    conn->error = NULL;
    conn->closed = 0;
    conn->sent_at = conn->ping_at = 0;
}

int wsb_conn_open(struct wsb_convo *c, struct wsb_conn *conn, size_t index,
                  const struct wsc_step *s)
{
    struct wsc_ws_options opt;
    char *err = NULL;
    int first = conn->ws == NULL;
    reset(conn);
    wsb_use(c, conn);
    if (wsc_ws_options_parse(c->ctx, conn->params, &opt, &err) != 0) {
        if (c->multi)
            wsc_error(c->ctx, "%s: %s", conn->name, err ? err : "invalid options");
        else
            wsc_error(c->ctx, "%s", err ? err : "invalid WebSocket options");
        free(err);
        return -1;
    }
    conn->ws = wsc_ws_connect(c->ctx, &opt, 0, 0);
    wsc_ws_options_free(&opt);
    if (!conn->ws) {
        wsc_error(c->ctx, "out of memory");
        return -1;
    }
    if (wsc_ws_status(conn->ws) != WSC_WS_OK)
        return open_failed(c, conn, index, s, wsc_ws_error(conn->ws));
    if (first && conn == &c->conns[0]) {
        wsc_metric(c->ctx, "handshake_ms", wsc_ws_handshake_ms(conn->ws), "ms");
    } else if (first) {
        char name[160];
        snprintf(name, sizeof name, "handshake_ms.%s", conn->name);
        wsc_metric(c->ctx, name, wsc_ws_handshake_ms(conn->ws), "ms");
    }
    return 0;
}

void wsb_conns_close_all(struct wsb_convo *c)
{
    for (size_t i = 0; i < c->n_conns; i++) {
        struct wsb_conn *conn = &c->conns[i];
        if (!conn->ws || conn->closed || wsc_ws_is_closed(conn->ws))
            continue;
        wsb_use(c, conn);
        if (wsc_failed(c->ctx)) {
            /* only a courtesy to the server after a failure */
            wsb_close(c->ctx, conn->ws, 1.0);
            continue;
        }
        if (wsb_close(c->ctx, conn->ws, WSB_CLOSE_WAIT) == WSC_WS_OK)
            continue;
        if (c->multi)
            wsc_fail(c->ctx, "after the last step: %s: close handshake: %s", conn->name,
                     wsc_ws_error(conn->ws));
        else
            wsc_fail(c->ctx, "after the last step: close handshake: %s",
                     wsc_ws_error(conn->ws));
    }
}

void wsb_conns_free(struct wsb_convo *c)
{
    for (size_t i = 0; i < c->n_conns; i++) {
        reset(&c->conns[i]);
        free(c->conns[i].name);
        json_object_put(c->conns[i].params);
    }
    free(c->conns);
    c->conns = NULL;
    c->n_conns = 0;
}
