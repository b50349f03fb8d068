/* wscheck-mock: security options of the WebSocket port. */
#include "ws_security.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "clients.h"
#include "client_table.h"
#include "http_reply.h"
#include "log.h"
#include "mcp_http.h"
#include "protocol.h"
#include "server.h"
#include "timefmt.h"

#define TOKEN_MAX 256
#define NO_ROLE (-2)  /* the token matches nothing */
#define ANY_TYPE (-1) /* the --auth-token: every message type */

/* ---- tokens ---- */

static bool auth_enabled(const struct mock_options *opt)
{
    return opt->auth_token || opt->n_roles > 0;
}

/* NO_ROLE, ANY_TYPE for --auth-token, or the index of the --role. */
static int token_role(const struct mock_options *opt, const char *tok)
{
    if (!tok || !*tok)
        return NO_ROLE;
    if (opt->auth_token && strcmp(tok, opt->auth_token) == 0)
        return ANY_TYPE;
    for (size_t i = 0; i < opt->n_roles; i++) {
        const char *t = strchr(opt->roles[i], ':') + 1; /* checked by options */
        size_t n = (size_t)(strchr(t, ':') - t);

        if (strlen(tok) == n && strncmp(t, tok, n) == 0)
            return (int)i;
    }
    return NO_ROLE;
}

static bool copy_header(struct lws *wsi, enum lws_token_indexes t, char *out,
                        size_t outlen)
{
    return lws_hdr_total_length(wsi, t) > 0 &&
           lws_hdr_copy(wsi, out, (int)outlen, t) >= 0;
}

/* The value of name=... in a "; "-separated cookie list. */
static bool cookie_value(char *cookies, const char *name, char *out, size_t outlen)
{
    char *save = NULL;
    size_t n = strlen(name);

    for (char *c = strtok_r(cookies, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        c += strspn(c, " \t");
        if (strncmp(c, name, n) == 0 && c[n] == '=') {
            snprintf(out, outlen, "%s", c + n + 1);
            out[strcspn(out, " \t")] = '\0';
            return true;
        }
    }
    return false;
}

/* An offered subprotocol "bearer.TOKEN". */
static bool subprotocol_token(char *offered, char *out, size_t outlen)
{
    char *save = NULL;

    for (char *t = strtok_r(offered, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
        if (strncmp(t, "bearer.", 7) == 0) {
            snprintf(out, outlen, "%s", t + 7);
            return true;
        }
    return false;
}

/* The token the request carries where --auth-via says, or false. */
static bool request_token(const struct mock_options *opt, struct lws *wsi, char *out,
                          size_t outlen)
{
    char buf[1024];
    const char *v;

    out[0] = '\0';
    switch (opt->auth_via) {
    case MOCK_AUTH_HEADER:
        if (!copy_header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, buf, sizeof(buf)) ||
            strncasecmp(buf, "Bearer ", 7) != 0)
            return false;
        snprintf(out, outlen, "%s", buf + 7 + strspn(buf + 7, " "));
        return true;
    case MOCK_AUTH_QUERY:
        v = lws_get_urlarg_by_name(wsi, "token=", buf, (int)sizeof(buf));
        if (!v)
            return false;
        snprintf(out, outlen, "%s", v);
        return true;
    case MOCK_AUTH_COOKIE:
        return copy_header(wsi, WSI_TOKEN_HTTP_COOKIE, buf, sizeof(buf)) &&
               cookie_value(buf, "token", out, outlen);
    case MOCK_AUTH_SUBPROTOCOL:
        return copy_header(wsi, WSI_TOKEN_PROTOCOL, buf, sizeof(buf)) &&
               subprotocol_token(buf, out, outlen);
    default:
        return false; /* the first message carries it */
    }
}

/* ---- connections per address ---- */

/* The peer's numeric address, as client->remote starts. */
static bool peer_ip(struct lws *wsi, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[NI_MAXHOST];
    const char *h = host;

    if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&ss, &sl) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), NULL, 0,
                    NI_NUMERICHOST) != 0)
        return false;
    if (strncmp(h, "::ffff:", 7) == 0 && strchr(h + 7, '.'))
        h += 7;
    snprintf(out, outlen, "%s", h);
    return true;
}

static size_t connections_from(const struct mock_server *srv, const char *ip)
{
    size_t n = 0, len = strlen(ip);

    for (const struct mock_client *c = srv->clients.head; c; c = c->next)
        if (!c->closing && strncmp(c->remote, ip, len) == 0 && c->remote[len] == ':')
            n++;
    return n;
}

/* ---- upgrade ---- */

static bool origin_refused(const struct mock_options *opt, struct lws *wsi, char *origin,
                           size_t len)
{
    return opt->n_origins > 0 && copy_header(wsi, WSI_TOKEN_ORIGIN, origin, len) &&
           !mcp_origin_allowed(opt, origin);
}

int ws_security_upgrade(struct mock_server *srv, struct lws *wsi)
{
    const struct mock_options *opt = srv->opt;
    char buf[TOKEN_MAX], ip[NI_MAXHOST];

    if (origin_refused(opt, wsi, buf, sizeof(buf))) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: Origin not allowed");
        return http_refuse_upgrade(wsi, 403, "Forbidden: Origin not allowed");
    }
    if (opt->max_conn_per_ip && peer_ip(wsi, ip, sizeof(ip)) &&
        connections_from(srv, ip) >= opt->max_conn_per_ip) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: %zu connections from %s",
                 opt->max_conn_per_ip, ip);
        return http_refuse_upgrade(wsi, 503,
                                   "Service Unavailable: too many connections from "
                                   "this address");
    }
    if (auth_enabled(opt) && opt->auth_via != MOCK_AUTH_MESSAGE &&
        (!request_token(opt, wsi, buf, sizeof(buf)) || token_role(opt, buf) == NO_ROLE)) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: no valid token");
        return http_refuse_upgrade(wsi, 401, "Unauthorized: a valid token is required");
    }
    return 0;
}

bool ws_security_client_init(struct mock_server *srv, struct lws *wsi,
                             struct mock_client *c)
{
    const struct mock_options *opt = srv->opt;
    char tok[TOKEN_MAX];

    c->role = ANY_TYPE;
    c->rate_tokens = opt->rate_limit;
    c->rate_at = mock_mono_us();
    if (!auth_enabled(opt))
        return true;
    if (opt->auth_via == MOCK_AUTH_MESSAGE) {
        c->awaiting_auth = true;
        return false;
    }
    if (request_token(opt, wsi, tok, sizeof(tok)))
        c->role = token_role(opt, tok);
    return true;
}

/* ---- messages ---- */

/* Over the rate limit the 1008 close waits until the client pauses this
 * long: a socket closed while the peer is still sending is reset, and the
 * reset can overtake the close frame. After RATE_IGNORE_MAX more messages
 * the client gets no more patience. */
#define RATE_QUIET_US 100000
#define RATE_IGNORE_MAX 100000

static void rate_close(lws_sorted_usec_list_t *sul)
{
    struct mock_client *c = lws_container_of(sul, struct mock_client, rate_sul);

    client_drop(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "rate limit");
}

static void rate_refuse(struct mock_client *c)
{
    if (!c->rate_closing)
        mock_log(MOCK_LOG_INFO, "client %s: over %g messages/s, closing", c->id,
                 c->srv->opt->rate_limit);
    c->rate_closing = true;
    if (c->rate_ignored++ < RATE_IGNORE_MAX || !c->rate_sul.list.owner)
        lws_sul_schedule(lws_get_context(c->wsi), 0, &c->rate_sul, rate_close,
                         RATE_QUIET_US);
}

void ws_security_client_gone(struct mock_client *c)
{
    lws_sul_cancel(&c->rate_sul);
}

/* A token bucket of rate_limit messages, refilled at that rate. */
static bool over_rate(struct mock_client *c)
{
    double rate = c->srv->opt->rate_limit;
    int64_t now = mock_mono_us();

    if (rate <= 0)
        return false;
    c->rate_tokens += rate * (double)(now - c->rate_at) / 1e6;
    if (c->rate_tokens > rate)
        c->rate_tokens = rate;
    c->rate_at = now;
    if (c->rate_tokens < 1)
        return true;
    c->rate_tokens -= 1;
    return false;
}

/* The "type" of a JSON object message, or NULL. */
static const char *message_type(json_object *msg)
{
    json_object *t;

    return json_object_is_type(msg, json_type_object) &&
                   json_object_object_get_ex(msg, "type", &t) &&
                   json_object_is_type(t, json_type_string)
               ? json_object_get_string(t)
               : NULL;
}

/* Whether type is in the role's comma-separated list. */
static bool role_permits(const char *role, const char *type)
{
    const char *list = strchr(strchr(role, ':') + 1, ':') + 1;
    size_t n = type ? strlen(type) : 0;

    if (!type)
        return false;
    for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
        if (strcspn(p, ",") == n && strncmp(p, type, n) == 0)
            return true;
    return false;
}

static void login(struct mock_client *c, json_object *msg)
{
    const char *type = message_type(msg);
    json_object *tok, *ok;

    if (!type || strcmp(type, "auth") != 0 ||
        !json_object_object_get_ex(msg, "token", &tok) ||
        !json_object_is_type(tok, json_type_string) ||
        (c->role = token_role(c->srv->opt, json_object_get_string(tok))) == NO_ROLE) {
        mock_log(MOCK_LOG_INFO, "client %s: login failed", c->id);
        client_drop(c, MOCK_CLOSE_AUTH_FAILED, "authentication failed");
        return;
    }
    c->awaiting_auth = false;
    ok = json_object_new_object();
    if (ok) {
        json_object_object_add(ok, "type", json_object_new_string("auth_ok"));
        if (protocol_send_json(c, ok) != 0)
            mock_log(MOCK_LOG_WARN, "client %s: auth_ok not queued", c->id);
        json_object_put(ok);
    }
    protocol_welcome(c);
}

bool ws_security_message(struct mock_client *c, const char *data, size_t len, bool binary)
{
    const struct mock_options *opt = c->srv->opt;
    json_object *msg = NULL;
    bool consumed = false;

    if (c->rate_closing || over_rate(c)) {
        rate_refuse(c);
        return true;
    }
    if (!c->awaiting_auth && c->role < 0)
        return false;
    if (!binary) {
        struct json_tokener *tk = json_tokener_new();

        if (tk) {
            msg = json_tokener_parse_ex(tk, data, (int)(len > 1 << 30 ? 1 << 30 : len));
            json_tokener_free(tk);
        }
    }
    if (c->awaiting_auth) {
        login(c, msg);
        consumed = true;
    } else if (!role_permits(opt->roles[c->role], message_type(msg))) {
        mock_log(MOCK_LOG_INFO, "client %s: message type not permitted for its role",
                 c->id);
        client_drop(c, MOCK_CLOSE_FORBIDDEN, "forbidden message type");
        consumed = true;
    }
    json_object_put(msg);
    return consumed;
}
