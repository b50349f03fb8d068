/* The configuration file: finding it, and checking its keys and types with
 * positions (see config_file.h and wscheck-config(5)). */
#include "config_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wscheck/json.h>

#include "json_pointer_build.h"
#include "json_util.h"
#include "util.h"

#define MAX_SECONDS 1000000.0
#define MAX_COUNT 1000000

static const char *const top_keys[] = {
    "defaults", "mcp_server_endpoints", "alerts", "redaction",
    "vars",     "websocket_testing",    NULL};
/* The seed's spellings are accepted as aliases of ours. */
static const char *const default_keys[] = {"timeout",
                                           "default_timeout",
                                           "retry_attempts",
                                           "retries",
                                           "health_check_interval",
                                           "interval",
                                           "performance_monitoring",
                                           NULL};
static const char *const endpoint_keys[] = {"url",         "kind",   "headers",
                                            "description", "health", NULL};
static const char *const alert_keys[] = {
    "command",       "webhook",    "alertmanager", "down_after",
    "recover_after", "on_failure", "email",        NULL};
static const char *const email_keys[] = {"to", "command", NULL};
static const char *const redaction_keys[] = {"secrets", "names", NULL};
static const char *const kind_names[] = {
    "crackerjack", "development_toolkit", "monitoring", "mcp", "websocket", "http", NULL};

struct message {
    int line, col;
    size_t seq;
    char *text;
};

/* Problems are reported in file order, like a compiler's. */
struct loader {
    struct wsc_config *cfg;
    struct wsc_diag *diag;
    int errors;
    struct message *msgs;
    size_t n_msgs;
};

static void problem(struct loader *ld, const char *pointer, int at_key, const char *fmt,
                    ...) WSC_PRINTF(4, 5);

static void problem(struct loader *ld, const char *pointer, int at_key, const char *fmt,
                    ...)
{
    int line, col;
    va_list ap;
    wsc_json_doc_pos(&ld->cfg->doc, pointer, at_key, &line, &col);
    va_start(ap, fmt);
    char *text = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    struct message *grown = realloc(ld->msgs, (ld->n_msgs + 1) * sizeof *grown);
    ld->errors++;
    if (!grown || !text) {
        wsc_diag_at(ld->diag, ld->cfg->doc.file, line, col, "%s",
                    text ? text : "out of memory");
        free(text);
        return;
    }
    ld->msgs = grown;
    ld->msgs[ld->n_msgs] = (struct message){line, col, ld->n_msgs, text};
    ld->n_msgs++;
}

static int message_cmp(const void *a, const void *b)
{
    const struct message *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush(struct loader *ld)
{
    if (ld->n_msgs)
        qsort(ld->msgs, ld->n_msgs, sizeof *ld->msgs, message_cmp);
    for (size_t i = 0; i < ld->n_msgs; i++) {
        wsc_diag_at(ld->diag, ld->cfg->doc.file, ld->msgs[i].line, ld->msgs[i].col, "%s",
                    ld->msgs[i].text);
        free(ld->msgs[i].text);
    }
    free(ld->msgs);
    ld->msgs = NULL;
    ld->n_msgs = 0;
}

const char *wsc_endpoint_kind_name(enum wsc_endpoint_kind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof *kind_names - 1 ? kind_names[kind]
                                                                     : "?";
}

/* Unknown keys, with a suggestion (or the list of known ones). */
static void check_keys(struct loader *ld, struct json_object *obj, const char *base,
                       const char *what, const char *const *known)
{
    json_object_object_foreach(obj, key, val) {
        (void)val;
        if (wsc_str_in_list(known, key))
            continue;
        char *ptr = wsc_json_pointer_join(base, key);
        const char *near = wsc_did_you_mean(key, known);
        if (near) {
            problem(ld, ptr, 1, "%sunknown key '%s' (did you mean '%s'?)", what, key,
                    near);
        } else {
            struct wsc_buf b = {0};
            for (size_t i = 0; known[i]; i++)
                wsc_buf_printf(&b, "%s%s", i ? ", " : "", known[i]);
            problem(ld, ptr, 1, "%sunknown key '%s' (known: %s)", what, key,
                    b.data ? b.data : "?");
            wsc_buf_free(&b);
        }
        free(ptr);
    }
}

/* The member `key` of obj, of the given type; NULL when absent or (then
 * reported) of another type. */
static struct json_object *member(struct loader *ld, struct json_object *obj,
                                  const char *base, const char *what, const char *key,
                                  json_type type, const char *type_name)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    int ok = json_object_is_type(v, type) ||
             (type == json_type_double && json_object_is_type(v, json_type_int));
    if (ok)
        return v;
    char *ptr = wsc_json_pointer_join(base, key);
    problem(ld, ptr, 0, "%s'%s' must be %s, got %s", what, key, type_name,
            wsc_json_text(v));
    free(ptr);
    return NULL;
}

/* One of two spellings (ours, the seed's); both at once is an error. */
static const char *spelling(struct loader *ld, struct json_object *obj, const char *base,
                            const char *ours, const char *alias)
{
    int a = json_object_object_get_ex(obj, ours, NULL);
    int b = json_object_object_get_ex(obj, alias, NULL);
    if (a && b) {
        char *ptr = wsc_json_pointer_join(base, alias);
        problem(ld, ptr, 1, "defaults: '%s' and '%s' are the same setting; keep one",
                ours, alias);
        free(ptr);
    }
    return b && !a ? alias : ours;
}

static int get_seconds(struct loader *ld, struct json_object *obj, const char *base,
                       const char *key, double *out)
{
    struct json_object *v =
        member(ld, obj, base, "defaults: ", key, json_type_double, "a number of seconds");
    if (!v)
        return 0;
    double d = json_object_get_double(v);
    if (!isfinite(d) || d <= 0 || d > MAX_SECONDS) {
        char *ptr = wsc_json_pointer_join(base, key);
        problem(ld, ptr, 0,
                "defaults: '%s' must be a number > 0 and <= %.0f (seconds), "
                "got %s",
                key, MAX_SECONDS, wsc_json_text(v));
        free(ptr);
        return 0;
    }
    *out = d;
    return 1;
}

static int get_count(struct loader *ld, struct json_object *obj, const char *base,
                     const char *what, const char *key, int min, int *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return 0;
    int64_t n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || n < min || n > MAX_COUNT) {
        char *ptr = wsc_json_pointer_join(base, key);
        problem(ld, ptr, 0, "%s'%s' must be an integer >= %d and <= %d, got %s", what,
                key, min, MAX_COUNT, wsc_json_text(v));
        free(ptr);
        return 0;
    }
    *out = (int)n;
    return 1;
}

static int get_bool(struct loader *ld, struct json_object *obj, const char *base,
                    const char *what, const char *key, int *out)
{
    struct json_object *v =
        member(ld, obj, base, what, key, json_type_boolean, "true or false");
    if (v)
        *out = json_object_get_boolean(v) ? 1 : 0;
    return v != NULL;
}

/* "defaults", or "websocket_testing" as check_websocket.py's configuration
 * names the same settings; b is the section's pointer. */
static void load_defaults(struct loader *ld, struct json_object *obj, const char *b)
{
    struct wsc_config *c = ld->cfg;
    check_keys(ld, obj, b, "defaults: ", default_keys);
    if (get_seconds(ld, obj, b, spelling(ld, obj, b, "timeout", "default_timeout"),
                    &c->timeout))
        c->set |= WSC_CFG_TIMEOUT;
    if (get_count(ld, obj, b, "defaults: ",
                  spelling(ld, obj, b, "retry_attempts", "retries"), 0, &c->retries))
        c->set |= WSC_CFG_RETRIES;
    if (get_seconds(ld, obj, b, spelling(ld, obj, b, "health_check_interval", "interval"),
                    &c->interval))
        c->set |= WSC_CFG_INTERVAL;
    if (get_bool(ld, obj, b, "defaults: ", "performance_monitoring",
                 &c->performance_monitoring))
        c->set |= WSC_CFG_PERF;
}

static int has_scheme(const char *url, const char *const *schemes)
{
    for (size_t i = 0; schemes[i]; i++)
        if (strncmp(url, schemes[i], strlen(schemes[i])) == 0 && url[strlen(schemes[i])])
            return 1;
    return 0;
}

static const char *const ws_schemes[] = {"ws://", "wss://", NULL};
static const char *const http_schemes[] = {"http://", "https://", NULL};
static const char *const any_schemes[] = {"ws://", "wss://", "http://", "https://", NULL};

/* A URL member: a string starting with one of schemes. */
static const char *get_url(struct loader *ld, struct json_object *obj, const char *base,
                           const char *what, const char *key, const char *const *schemes)
{
    struct json_object *v = member(ld, obj, base, what, key, json_type_string, "a URL");
    if (!v)
        return NULL;
    const char *url = json_object_get_string(v);
    /* A variable reference is checked where it is expanded. */
    if (has_scheme(url, schemes) || strstr(url, "${"))
        return url;
    char *ptr = wsc_json_pointer_join(base, key);
    problem(ld, ptr, 0, "%s'%s' must be a %s URL, got \"%s\"", what, key,
            schemes == http_schemes ? "http:// or https://" : "ws(s):// or http(s)://",
            url);
    free(ptr);
    return NULL;
}

static int kind_of(const char *name, const char *url, enum wsc_endpoint_kind *kind)
{
    for (size_t i = 0; i <= WSC_KIND_MONITORING; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (enum wsc_endpoint_kind)i;
            return 0;
        }
    if (url && has_scheme(url, ws_schemes)) {
        *kind = WSC_KIND_WEBSOCKET;
        return 0;
    }
    if (url && has_scheme(url, http_schemes)) {
        *kind = WSC_KIND_HTTP;
        return 0;
    }
    return -1;
}

static void load_headers(struct loader *ld, struct wsc_endpoint *e, struct json_object *v,
                         const char *base)
{
    char *ptr = wsc_json_pointer_join(base, "headers");
    if (!json_object_is_type(v, json_type_object)) {
        problem(ld, ptr, 0,
                "endpoint '%s': 'headers' must be an object (name -> string), "
                "got %s",
                e->name, wsc_json_type_name(v));
        free(ptr);
        return;
    }
    json_object_object_foreach(v, key, val) {
        if (json_object_is_type(val, json_type_string))
            continue;
        char *hp = wsc_json_pointer_join(ptr, key);
        problem(ld, hp, 0, "endpoint '%s': header '%s' must be a string, got %s", e->name,
                key, wsc_json_type_name(val));
        free(hp);
    }
    e->headers = v;
    free(ptr);
}

/* check_websocket.py's short form, "name": "ws://host:port": the kind
 * comes from the name (crackerjack, development_toolkit, monitoring) or the
 * URL's scheme. */
static void load_endpoint_url(struct loader *ld, struct wsc_endpoint *e, const char *name,
                              struct json_object *obj, const char *base, const char *what)
{
    const char *url = json_object_get_string(obj);
    if (!has_scheme(url, any_schemes) && !strstr(url, "${")) {
        problem(ld, base, 0, "%sexpected a ws(s):// or http(s):// URL, got \"%s\"", what,
                url);
        return;
    }
    e->url = url;
    if (kind_of(name, url, &e->kind) < 0)
        problem(ld, base, 0,
                "%sthe URL does not say its kind: write {\"url\": ..., \"kind\": ...}",
                what);
}

static void load_endpoint(struct loader *ld, struct wsc_endpoint *e, const char *name,
                          struct json_object *obj, const char *base)
{
    struct json_object *v;
    char what[160];
    e->name = name;
    snprintf(what, sizeof what, "endpoint '%.100s': ", name);
    if (json_object_is_type(obj, json_type_string)) {
        load_endpoint_url(ld, e, name, obj, base, what);
        return;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, base, 0, "%sexpected a URL or an object with 'url', got %s", what,
                wsc_json_type_name(obj));
        return;
    }
    check_keys(ld, obj, base, what, endpoint_keys);
    if (!json_object_object_get_ex(obj, "url", NULL))
        problem(ld, base, 0, "%smissing required key 'url'", what);
    e->url = get_url(ld, obj, base, what, "url", any_schemes);
    if ((v = member(ld, obj, base, what, "description", json_type_string, "a string")))
        e->description = json_object_get_string(v);
    if (json_object_object_get_ex(obj, "headers", &v))
        load_headers(ld, e, v, base);
    if ((v = member(ld, obj, base, what, "health", json_type_string, "a string"))) {
        e->health = json_object_get_string(v);
        if (e->health[0] != '/') {
            char *ptr = wsc_json_pointer_join(base, "health");
            problem(ld, ptr, 0, "%s'health' must be a path starting with '/', got '%s'",
                    what, e->health);
            free(ptr);
            e->health = NULL;
        }
    }
    if ((v = member(ld, obj, base, what, "kind", json_type_string, "a string"))) {
        const char *k = json_object_get_string(v);
        for (size_t i = 0; kind_names[i]; i++)
            if (strcmp(k, kind_names[i]) == 0)
                e->kind = (enum wsc_endpoint_kind)i;
        if (!wsc_str_in_list(kind_names, k)) {
            char *ptr = wsc_json_pointer_join(base, "kind");
            const char *near = wsc_did_you_mean(k, kind_names);
            problem(ld, ptr, 0, "%sunknown kind '%s' (%s%s%s)", what, k,
                    near ? "did you mean '"
                         : "known: crackerjack, development_toolkit, "
                           "monitoring, mcp, websocket, http",
                    near ? near : "", near ? "'?" : "");
            free(ptr);
        }
    } else if (!json_object_object_get_ex(obj, "kind", NULL) &&
               kind_of(name, e->url, &e->kind) < 0 && e->url) {
        problem(ld, base, 1, "%s'kind' is needed: the URL does not say it", what);
    }
}

static void load_endpoints(struct loader *ld, struct json_object *obj)
{
    struct wsc_config *c = ld->cfg;
    const char *b = "/mcp_server_endpoints";
    size_t n = (size_t)json_object_object_length(obj);
    if (n && !(c->endpoints = calloc(n, sizeof *c->endpoints))) {
        problem(ld, b, 0, "out of memory");
        return;
    }
    json_object_object_foreach(obj, name, val) {
        char *ptr = wsc_json_pointer_join(b, name);
        if (!wsc_var_name_valid(name))
            problem(ld, ptr, 1,
                    "invalid endpoint name '%s' (letters, digits, '_' and '-', not "
                    "starting with a digit or '-': it names variables)",
                    name);
        else
            load_endpoint(ld, &c->endpoints[c->n_endpoints++], name, val, ptr);
        free(ptr);
    }
}

/* A non-empty string member; NULL when absent or (reported) not one. */
static const char *nonempty(struct loader *ld, struct json_object *obj, const char *base,
                            const char *what, const char *key)
{
    struct json_object *v =
        member(ld, obj, base, what, key, json_type_string, "a string");
    if (v && json_object_get_string_len(v) == 0) {
        char *ptr = wsc_json_pointer_join(base, key);
        problem(ld, ptr, 0, "%s'%s' must not be empty", what, key);
        free(ptr);
        return NULL;
    }
    return v ? json_object_get_string(v) : NULL;
}

/* alerts.email: {"to": ADDRESS, "command": MAIL COMMAND} */
static void load_email(struct loader *ld, struct json_object *obj)
{
    struct wsc_alert_config *a = &ld->cfg->alerts;
    const char *b = "/alerts/email", *w = "alerts.email: ";
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, b, 0, "%sexpected an object with 'to' and 'command', got %s", w,
                wsc_json_type_name(obj));
        return;
    }
    check_keys(ld, obj, b, w, email_keys);
    a->email_to = nonempty(ld, obj, b, w, "to");
    a->email_command = nonempty(ld, obj, b, w, "command");
    for (const char *p = a->email_to; p && *p; p++)
        if ((unsigned char)*p < 0x20) {
            problem(ld, "/alerts/email/to", 0, "%s'to' must not hold control characters",
                    w);
            a->email_to = NULL;
            break;
        }
}

static void load_alerts(struct loader *ld, struct json_object *obj)
{
    struct wsc_alert_config *a = &ld->cfg->alerts;
    const char *b = "/alerts", *w = "alerts: ";
    struct json_object *v;
    check_keys(ld, obj, b, w, alert_keys);
    if ((v = member(ld, obj, b, w, "command", json_type_string, "a string"))) {
        if (json_object_get_string_len(v) == 0)
            problem(ld, "/alerts/command", 0, "alerts: 'command' must not be empty");
        else
            a->command = json_object_get_string(v);
    }
    a->webhook = get_url(ld, obj, b, w, "webhook", http_schemes);
    a->alertmanager = get_url(ld, obj, b, w, "alertmanager", http_schemes);
    if (get_count(ld, obj, b, w, "down_after", 1, &a->down_after))
        ld->cfg->set |= WSC_CFG_DOWN_AFTER;
    if (get_count(ld, obj, b, w, "recover_after", 1, &a->recover_after))
        ld->cfg->set |= WSC_CFG_RECOVER_AFTER;
    if (get_bool(ld, obj, b, w, "on_failure", &a->on_failure))
        ld->cfg->set |= WSC_CFG_ON_FAILURE;
    if (json_object_object_get_ex(obj, "email", &v))
        load_email(ld, v);
}

/* An array of non-empty strings (variable names when vars). */
static const struct json_object *string_list(struct loader *ld, struct json_object *obj,
                                             const char *key, int vars)
{
    struct json_object *v;
    char *ptr = NULL;
    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    ptr = wsc_json_pointer_join("/redaction", key);
    if (!json_object_is_type(v, json_type_array)) {
        problem(ld, ptr, 0, "redaction: '%s' must be an array of strings, got %s", key,
                wsc_json_type_name(v));
        free(ptr);
        return NULL;
    }
    int bad = 0;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *s = json_object_array_get_idx(v, i);
        if (json_object_is_type(s, json_type_string) && json_object_get_string_len(s) &&
            (!vars || wsc_var_name_valid(json_object_get_string(s))))
            continue;
        char *ip = wsc_json_pointer_index(ptr, i);
        problem(ld, ip, 0, "redaction: '%s' must hold %s, got %s", key,
                vars ? "variable names" : "non-empty strings", wsc_json_text(s));
        free(ip);
        bad = 1;
    }
    free(ptr);
    return bad ? NULL : v;
}

static void load_vars(struct loader *ld, struct json_object *obj)
{
    json_object_object_foreach(obj, key, val) {
        (void)val;
        if (wsc_var_name_valid(key))
            continue;
        char *ptr = wsc_json_pointer_join("/vars", key);
        problem(ld, ptr, 1,
                "invalid variable name '%s' (letters, digits, '_' and '-', not starting "
                "with a digit or '-')",
                key);
        free(ptr);
    }
    ld->cfg->vars = obj;
}

/* The section `key` of the root when it is an object; reported otherwise. */
static struct json_object *section(struct loader *ld, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(ld->cfg->doc.root, key, &v))
        return NULL;
    if (json_object_is_type(v, json_type_object))
        return v;
    char *ptr = wsc_json_pointer_join("", key);
    problem(ld, ptr, 0, "'%s' must be an object, got %s", key, wsc_json_type_name(v));
    free(ptr);
    return NULL;
}

static void set_builtins(struct wsc_config *c)
{
    c->defaults = "defaults";
    c->timeout = 5.0; /* WSC_DEFAULT_TIMEOUT (scenario.h) */
    c->retries = 0;
    c->interval = WSC_DEFAULT_INTERVAL;
    c->performance_monitoring = 0;
    c->alerts.down_after = WSC_DEFAULT_DOWN_AFTER;
    c->alerts.recover_after = WSC_DEFAULT_RECOVER_AFTER;
    c->alerts.on_failure = 0;
}

int wsc_config_from_doc(struct wsc_config *cfg, struct wsc_json_doc *doc,
                        struct wsc_diag *diag)
{
    struct loader ld = {.cfg = cfg, .diag = diag};
    struct json_object *o;
    memset(cfg, 0, sizeof *cfg);
    set_builtins(cfg);
    cfg->doc = *doc;
    memset(doc, 0, sizeof *doc);
    if (!json_object_is_type(cfg->doc.root, json_type_object)) {
        problem(&ld, "", 0, "the top level must be an object, got %s",
                wsc_json_type_name(cfg->doc.root));
    } else {
        check_keys(&ld, cfg->doc.root, "", "", top_keys);
        if ((o = section(&ld, "defaults")))
            load_defaults(&ld, o, "/defaults");
        struct json_object *seed = section(&ld, "websocket_testing");
        if (seed && o)
            problem(&ld, "/websocket_testing", 0,
                    "'websocket_testing' and 'defaults' are the same settings: "
                    "keep one");
        else if (seed) {
            cfg->defaults = "websocket_testing";
            load_defaults(&ld, seed, "/websocket_testing");
        }
        if ((o = section(&ld, "mcp_server_endpoints")))
            load_endpoints(&ld, o);
        if ((o = section(&ld, "alerts")))
            load_alerts(&ld, o);
        if ((o = section(&ld, "redaction"))) {
            check_keys(&ld, o, "/redaction", "redaction: ", redaction_keys);
            cfg->secrets = string_list(&ld, o, "secrets", 1);
            cfg->names = string_list(&ld, o, "names", 0);
        }
        if ((o = section(&ld, "vars")))
            load_vars(&ld, o);
    }
    flush(&ld);
    if (ld.errors) {
        wsc_config_free(cfg);
        return -1;
    }
    return 0;
}

char *wsc_config_find(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *path = NULL;
    if (access("wscheck.json", F_OK) == 0)
        return strdup("wscheck.json");
    if (xdg && *xdg == '/')
        path = wsc_strdup_printf("%s/wscheck/config.json", xdg);
    else if (home && *home)
        path = wsc_strdup_printf("%s/.config/wscheck/config.json", home);
    if (path && access(path, F_OK) != 0) {
        free(path);
        path = NULL;
    }
    return path;
}

int wsc_config_load(struct wsc_config *cfg, const char *path, struct wsc_diag *diag)
{
    struct wsc_json_doc doc;
    char *found = path ? NULL : wsc_config_find();
    memset(cfg, 0, sizeof *cfg);
    set_builtins(cfg);
    if (!path && !found)
        return 0;
    int rc = wsc_json_doc_load(&doc, path ? path : found, 1, diag);
    free(found);
    if (rc < 0)
        return -1;
    return wsc_config_from_doc(cfg, &doc, diag);
}

void wsc_config_free(struct wsc_config *cfg)
{
    free(cfg->endpoints);
    wsc_json_doc_clear(&cfg->doc);
    memset(cfg, 0, sizeof *cfg);
}

const struct wsc_endpoint *wsc_config_endpoint(const struct wsc_config *cfg,
                                               const char *name)
{
    for (size_t i = 0; i < cfg->n_endpoints; i++)
        if (cfg->endpoints[i].name && strcmp(cfg->endpoints[i].name, name) == 0)
            return &cfg->endpoints[i];
    return NULL;
}
