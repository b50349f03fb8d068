/* A scenario test -> a load script (load.h): which checks can run on the
 * engine, each compiled by its protocol's file, and the URL of a target.
 * Anything else is refused up front, naming the check and why. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load.h"
#include "util.h"

/* Checks that cannot run under load, and why (the others of the plugins
 * that have load protocols are refused with a general reason). */
static const struct {
    const char *check, *why;
} refused[] = {
    {"ws-basic.connect_close",
     "it opens its connections one after the other; a conversation "
     "or ws-basic.handshake under load does the same at scale"},
    {"ws-basic.reject",
     "it expects the upgrade to be refused, which a load run counts as an "
     "error"},
    {"ws-basic.reconnect",
     "it waits for the server to drop a connection and times recovery"},
    {"ws-basic.stream", "it follows one stream for a duration of its own"},
    {"ws-basic.compliance", "it sends malformed frames one case at a time"},
    {"ping-pong.app", "application-level pings run as a ws-basic.conversation "
                      "(send/expect) under load"},
    {"ping-pong.keepalive", "it watches one connection for a duration of its own"},
};

static char *refuse(const struct wsc_test *t, const char *why)
{
    return wsc_strdup_printf("%s.%s cannot run under load: %s", t->plugin, t->check, why);
}

static int is(const struct wsc_test *t, const char *plugin, const char *check)
{
    return strcmp(t->plugin, plugin) == 0 && (!check || strcmp(t->check, check) == 0);
}

static int dispatch(struct wsc_load_script *sc, const struct wsc_test *t,
                    struct json_object *params, char **why)
{
    if (is(t, "ws-basic", "conversation"))
        return wsc_load_compile_conversation(sc, params, why);
    if (is(t, "ws-basic", "handshake"))
        return wsc_load_compile_ws_handshake(sc, params, why);
    if (is(t, "ping-pong", "control"))
        return wsc_load_compile_ping(sc, params, why);
    if (is(t, "http", "request") || is(t, "http", "health"))
        return wsc_load_compile_http(sc, t->check, params, why);
    if (is(t, "dev-toolkit", NULL))
        return wsc_load_compile_mcp(sc, t->check, params, why);
    char name[256];
    snprintf(name, sizeof name, "%s.%s", t->plugin, t->check);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (strcmp(refused[i].check, name) == 0) {
            *why = refuse(t, refused[i].why);
            return -1;
        }
    *why = refuse(t, "no load protocol for this check (wscheck load runs ws-basic "
                     "conversations and handshakes, ping-pong.control, http requests and "
                     "dev-toolkit MCP calls)");
    return -1;
}

struct wsc_load_script *wsc_load_compile(const struct wsc_test *test,
                                         struct json_object *params, double timeout,
                                         char **why)
{
    *why = NULL;
    struct wsc_load_script *sc = calloc(1, sizeof(*sc));
    if (!sc) {
        *why = wsc_strdup_printf("out of memory");
        return NULL;
    }
    /* The caller has chosen: --timeout over the test's own, as in a run. */
    sc->timeout = timeout;
    sc->test = test->index;
    if (dispatch(sc, test, params, why) == 0)
        return sc;
    if (*why && strncmp(*why, test->plugin, strlen(test->plugin)) != 0) {
        /* A compiler's own reason: name the test and its check. */
        char *named = wsc_strdup_printf("%s (%s.%s): %s", test->name, test->plugin,
                                        test->check, *why);
        free(*why);
        *why = named;
    }
    if (!*why)
        *why = wsc_strdup_printf("%s (%s.%s): out of memory", test->name, test->plugin,
                                 test->check);
    wsc_load_script_free(sc);
    return NULL;
}

void wsc_load_script_free(struct wsc_load_script *sc)
{
    if (!sc)
        return;
    if (sc->free_data)
        sc->free_data(sc->data);
    free(sc->host);
    free(sc->port);
    free(sc->sni);
    free(sc->ca_file);
    free(sc->client_cert);
    free(sc->client_key);
    free(sc);
}

/* ---- URLs ----------------------------------------------------------------------- */

static const struct {
    const char *scheme, *port;
    int tls;
} schemes[] = {
    {"ws", "80", 0},
    {"wss", "443", 1},
    {"http", "80", 0},
    {"https", "443", 1},
};

static int valid_port(const char *p, size_t n)
{
    if (n == 0 || n > 5)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* Splits "host[:port]" or "[v6][:port]" (n bytes) into sc. */
static int authority(struct wsc_load_script *sc, const char *a, size_t n,
                     const char *dflt, char **why)
{
    const char *at = memchr(a, '@', n);
    if (at) { /* user info: not sent by the engine */
        n -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    const char *host = a, *port = NULL;
    size_t hl = n, pl = 0;
    if (n && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close) {
            *why = wsc_strdup_printf("url: an IPv6 address without its closing ]");
            return -1;
        }
        host = a + 1;
        hl = (size_t)(close - host);
        if ((size_t)(close + 1 - a) < n) {
            if (close[1] != ':') {
                *why = wsc_strdup_printf("url: unexpected text after the IPv6 address");
                return -1;
            }
            port = close + 2;
            pl = n - (size_t)(port - a);
        }
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon) {
            hl = (size_t)(colon - a);
            port = colon + 1;
            pl = n - hl - 1;
        }
    }
    if (hl == 0) {
        *why = wsc_strdup_printf("url: no host");
        return -1;
    }
    if (port && !valid_port(port, pl)) {
        *why = wsc_strdup_printf("url: the port is not a number from 1 to 65535");
        return -1;
    }
    sc->host = strndup(host, hl);
    sc->sni = strndup(host, hl);
    sc->port = port ? strndup(port, pl) : strdup(dflt);
    return sc->host && sc->sni && sc->port ? 0 : -1;
}

int wsc_load_script_target(struct wsc_load_script *sc, const char *url, char **path,
                           char **why)
{
    *path = NULL;
    const char *sep = strstr(url, "://");
    size_t i, n = sizeof schemes / sizeof schemes[0];
    for (i = 0; sep && i < n; i++)
        if (strlen(schemes[i].scheme) == (size_t)(sep - url) &&
            strncasecmp(url, schemes[i].scheme, (size_t)(sep - url)) == 0)
            break;
    if (!sep || i == n) {
        *why = wsc_strdup_printf("url: expected ws://, wss://, http:// or https://");
        return -1;
    }
    const char *a = sep + 3;
    size_t alen = strcspn(a, "/?#");
    free(sc->host);
    free(sc->port);
    free(sc->sni);
    sc->host = sc->port = sc->sni = NULL;
    sc->tls = schemes[i].tls;
    if (authority(sc, a, alen, schemes[i].port, why) != 0)
        return -1;
    const char *rest = a + alen;
    size_t rl = strcspn(rest, "#"); /* the fragment is never sent */
    if (rl == 0)
        *path = strdup("/");
    else if (rest[0] == '?')
        *path = wsc_strdup_printf("/%.*s", (int)rl, rest);
    else
        *path = strndup(rest, rl);
    for (const char *c = *path; c && *c; c++)
        if ((unsigned char)*c <= ' ') {
            *why = wsc_strdup_printf("url: spaces or control characters in the path");
            free(*path);
            *path = NULL;
            return -1;
        }
    return *path ? 0 : -1;
}

int wsc_load_tls_params(struct wsc_load_script *sc, const struct json_object *params)
{
    struct json_object *v = NULL;
    if (json_object_object_get_ex(params, "insecure", &v))
        sc->insecure = json_object_get_boolean(v);
    static const char *const keys[] = {"ca_file", "client_cert", "client_key"};
    char **dst[] = {&sc->ca_file, &sc->client_cert, &sc->client_key};
    for (size_t i = 0; i < 3; i++)
        if (json_object_object_get_ex(params, keys[i], &v) &&
            !(*dst[i] = strdup(json_object_get_string(v))))
            return -1;
    return 0;
}
