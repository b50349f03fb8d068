/* The server a test talks to, for the results log: "host:port" from its
 * params, worked out once per loaded scenario. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "results_log.h"
#include "util.h"

static const char *scheme_port(const char *url, size_t scheme_len)
{
    static const struct {
        const char *scheme, *port;
    } known[] = {{"ws", "80"}, {"http", "80"}, {"wss", "443"}, {"https", "443"}};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strlen(known[i].scheme) == scheme_len &&
            strncasecmp(url, known[i].scheme, scheme_len) == 0)
            return known[i].port;
    return NULL;
}

/* scheme://[userinfo@]host[:port][/...] -> "host:port" */
static char *server_of_url(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return NULL;
    const char *auth = sep + 3;
    size_t len = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - auth);
        auth = at + 1;
    }
    if (len == 0)
        return NULL;
    /* the last ':' after any IPv6 literal's ']' */
    const char *bracket = memchr(auth, ']', len);
    const char *from = bracket ? bracket : auth;
    const char *colon = memchr(from, ':', len - (size_t)(from - auth));
    if (colon)
        return strndup(auth, len);
    const char *port = scheme_port(url, (size_t)(sep - url));
    return port ? wsc_strdup_printf("%.*s:%s", (int)len, auth, port) : NULL;
}

static char *server_of_params(const struct json_object *p)
{
    struct json_object *url, *host, *port;
    if (json_object_object_get_ex(p, "url", &url) &&
        json_object_is_type(url, json_type_string))
        return server_of_url(json_object_get_string(url));
    if (!json_object_object_get_ex(p, "host", &host) ||
        !json_object_is_type(host, json_type_string) ||
        !json_object_object_get_ex(p, "port", &port) ||
        (!json_object_is_type(port, json_type_int) &&
         !json_object_is_type(port, json_type_string)))
        return NULL;
    const char *h = json_object_get_string(host);
    int v6 = strchr(h, ':') != NULL && h[0] != '[';
    return wsc_strdup_printf("%s%s%s:%s", v6 ? "[" : "", h, v6 ? "]" : "",
                             json_object_get_string(port));
}

static char *redacted(const struct wsc_redactor *red, char *s)
{
    if (!s)
        return NULL;
    char *safe = wsc_redactor_text(red, s);
    free(s);
    return safe;
}

char **wsc_scenario_servers(const struct wsc_scenario *sc,
                            const struct wsc_vars *cli_vars,
                            const struct wsc_redactor *base)
{
    char **servers = calloc(sc->n_tests ? sc->n_tests : 1, sizeof(*servers));
    struct wsc_diag diag = {.quiet = 1};
    struct wsc_vars *vars = wsc_scenario_vars(sc, cli_vars, &diag);
    struct wsc_redactor *red = wsc_scenario_redactor(sc, base);
    int ok = servers && red && (!vars || wsc_redactor_add_var_secrets(red, vars) == 0);
    for (size_t i = 0; ok && vars && i < sc->n_tests; i++) {
        char *err = NULL;
        struct json_object *p = wsc_scenario_test_params(&sc->tests[i], NULL, vars, &err);
        free(err);
        if (p)
            servers[i] = redacted(red, server_of_params(p));
        json_object_put(p);
    }
    wsc_diag_clear(&diag);
    if (vars)
        wsc_vars_free(vars);
    wsc_redactor_free(red);
    if (!ok) {
        wsc_servers_free(servers, servers ? sc->n_tests : 0);
        return NULL;
    }
    return servers;
}

void wsc_servers_free(char **servers, size_t n)
{
    for (size_t i = 0; servers && i < n; i++)
        free(servers[i]);
    free(servers);
}
