/* dashboard_json: a Grafana dashboard file is valid JSON with a title and
 * panels, every target of every panel has its query, and (with a
 * Prometheus server) every Prometheus query is accepted by it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "prom.h"

/* A dashboard larger than this is refused rather than read into memory. */
#define DASHBOARD_MAX_SIZE (16u * 1024u * 1024u)

/* Where each datasource type keeps a target's query. */
static const char *const builtin_fields[][2] = {
    {"prometheus", "expr"},
    {"loki", "expr"},
    {"influxdb", "query"},
    {"graphite", "target"},
    {"elasticsearch", "query"},
    {"tempo", "query"},
    {"postgres", "rawSql"},
    {"grafana-postgresql-datasource", "rawSql"},
    {"mysql", "rawSql"},
    {"mssql", "rawSql"},
    {"__expr__", "expression"},
    {"testdata", "scenarioId"},
    {"grafana-testdata-datasource", "scenarioId"},
    {"dashboard", "panelId"},
};

/* Members tried, in order, when the datasource's type is not known. */
static const char *const any_fields[] = {"expr", "query", "rawSql", "target",
                                         "expression"};

/* Panels that show no query results. */
static const char *const queryless_types[] = {
    "text", "news", "dashlist", "alertlist", "annolist", "welcome", "gettingstarted",
};

struct dash {
    struct wsc_ctx *ctx;
    struct json_object *params;
    struct json_object *root;   /* the dashboard object */
    struct json_object *vars;   /* variable values for substitution */
    struct json_object *panels; /* the panels output */
    long n_panels, n_targets, n_validated;
};

/* snprintf for labels and pointers in messages, where a cut is acceptable. */
static void fit(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fit(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(out, size, fmt, ap) < 0)
        out[0] = '\0';
    va_end(ap);
}

static const char *str(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* ---- Reading the file ---------------------------------------------------- */

/* The whole file, NUL-terminated, read in growing steps (a dashboard is
 * usually small) up to DASHBOARD_MAX_SIZE. */
static char *read_file(struct wsc_ctx *ctx, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        wsc_fail(ctx, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *data = NULL;
    size_t n = 0, cap = 0;
    int failed = 0;
    while (!failed && n <= DASHBOARD_MAX_SIZE) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64 * 1024;
            char *more = realloc(data, cap + 1);
            if (!more) {
                wsc_error(ctx, "out of memory");
                failed = 1;
                break;
            }
            data = more;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0 && ferror(f)) {
            wsc_fail(ctx, "cannot read %s: read error", path);
            failed = 1;
        } else if (got == 0) {
            break;
        }
    }
    fclose(f);
    if (!failed && n > DASHBOARD_MAX_SIZE) {
        wsc_fail(ctx, "%s is larger than %u bytes", path, DASHBOARD_MAX_SIZE);
        failed = 1;
    }
    if (failed) {
        free(data);
        return NULL;
    }
    data[n] = '\0';
    *len = n;
    return data;
}

/* Line and column (from 1) of a byte offset, for a parse error. */
static void line_col(const char *text, size_t offset, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static struct json_object *parse_file(struct wsc_ctx *ctx, const char *path)
{
    size_t len = 0;
    char *text = read_file(ctx, path, &len);
    if (!text)
        return NULL;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok) {
        free(text);
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    /* As Grafana reads it (JSON.parse): no trailing commas, UTF-8 only. */
    int flags = JSON_TOKENER_STRICT;
#ifdef JSON_TOKENER_VALIDATE_UTF8
    flags |= JSON_TOKENER_VALIDATE_UTF8;
#endif
    json_tokener_set_flags(tok, flags);
    struct json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = (size_t)tok->char_offset;
    const char *why = NULL;
    if (len == 0)
        why = "the file is empty";
    else if (!doc && e == json_tokener_continue)
        why = "the file ends inside the JSON value";
    else if (!doc)
        why = wsc_json_error_desc(tok, e);
    else if (end + strspn(text + end, " \t\r\n") != len)
        why = "more data after the JSON value";
    if (why) {
        long line, col;
        line_col(text, end, &line, &col);
        wsc_fail(ctx, "%s is not valid JSON: line %ld, column %ld: %s", path, line, col,
                 why);
        json_object_put(doc);
        doc = NULL;
    }
    json_tokener_free(tok);
    free(text);
    return doc;
}

/* ---- Datasources and queries --------------------------------------------- */

/* A datasource given as "${DS_PROM}" (an exported dashboard's input) or
 * "$datasource" (a datasource variable): the plugin it stands for. */
static const char *indirect_type(struct dash *d, const char *ref)
{
    if (!ref || ref[0] != '$')
        return NULL;
    const char *name = ref + 1 + (ref[1] == '{');
    size_t len = strcspn(name, "}:");
    struct json_object *inputs = json_object_object_get(d->root, "__inputs");
    for (size_t i = 0; i < prom_len(inputs); i++) {
        struct json_object *in = json_object_array_get_idx(inputs, i);
        const char *n = str(in, "name");
        if (n && strlen(n) == len && strncmp(n, name, len) == 0)
            return str(in, "pluginId");
    }
    struct json_object *list =
        json_object_object_get(json_object_object_get(d->root, "templating"), "list");
    for (size_t i = 0; i < prom_len(list); i++) {
        struct json_object *var = json_object_array_get_idx(list, i);
        const char *n = str(var, "name"), *type = str(var, "type");
        if (n && strlen(n) == len && strncmp(n, name, len) == 0 && type &&
            strcmp(type, "datasource") == 0)
            return str(var, "query");
    }
    return NULL;
}

/* The type of a datasource reference ({type, uid} or an old-style name);
 * NULL: not known (a datasource name, the default one, -- Mixed --). */
static const char *datasource_type(struct dash *d, struct json_object *ds)
{
    if (json_object_is_type(ds, json_type_object)) {
        const char *type = str(ds, "type");
        if (type && strcmp(type, "datasource") == 0) {
            const char *uid = str(ds, "uid");
            if (uid && strcmp(uid, "-- Mixed --") == 0)
                return NULL;
            return uid && strcmp(uid, "-- Dashboard --") == 0 ? "dashboard" : "grafana";
        }
        return type ? type : indirect_type(d, str(ds, "uid"));
    }
    const char *name =
        json_object_is_type(ds, json_type_string) ? json_object_get_string(ds) : NULL;
    if (!name)
        return NULL;
    if (strcmp(name, "-- Grafana --") == 0)
        return "grafana";
    if (strcmp(name, "-- Dashboard --") == 0)
        return "dashboard";
    return indirect_type(d, name);
}

/* The member holding a target's query for a datasource type; NULL: the
 * type is not known. */
static const char *query_field(struct dash *d, const char *type)
{
    if (!type)
        return NULL;
    const char *user = str(wsc_param_object(d->params, "query_fields"), type);
    if (user)
        return user;
    for (size_t i = 0; i < sizeof builtin_fields / sizeof builtin_fields[0]; i++)
        if (strcmp(builtin_fields[i][0], type) == 0)
            return builtin_fields[i][1];
    return NULL;
}

/* A query member with something in it: a non-empty string, or a number
 * (testdata's scenarioId, the dashboard datasource's panelId). */
static int has_query(struct json_object *target, const char *field)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(target, field, &v))
        return 0;
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        return s[strspn(s, " \t\r\n")] != '\0';
    }
    return json_object_is_type(v, json_type_int);
}

/* ---- One target ------------------------------------------------------------ */

/* "panel "Title" (/panels/2) target A" for messages. */
static void where(char *out, size_t size, struct json_object *panel, const char *pointer,
                  struct json_object *target, size_t index)
{
    const char *title = str(panel, "title");
    char shown[WSC_RENDER_MAX + 8], ref[64];
    wsc_render_text_buf(shown, sizeof shown, title ? title : "",
                        title ? strlen(title) : 0);
    const char *refid = str(target, "refId");
    if (refid)
        wsc_render_text_buf(ref, sizeof ref, refid, strlen(refid));
    else
        snprintf(ref, sizeof ref, "#%zu (no refId)", index);
    if (title && *title)
        fit(out, size, "panel \"%s\" (%s) target %s", shown, pointer, ref);
    else
        fit(out, size, "panel %s (no title) target %s", pointer, ref);
}

/* Asks Prometheus whether it accepts the query, variables replaced. */
static void validate_expr(struct dash *d, const char *at, const char *expr)
{
    char *unknown = NULL;
    char *query = dash_substitute(expr, d->vars, &unknown);
    if (!query) {
        wsc_error(d->ctx, "out of memory");
        return;
    }
    if (unknown) {
        wsc_fail(d->ctx,
                 "%s: $%s is neither a variable of the dashboard nor given in "
                 "variables",
                 at, unknown);
        free(unknown);
        free(query);
        return;
    }
    if (!wsc_param_string(d->params, "url", NULL)) {
        free(query);
        return;
    }
    char *escaped = prom_url_escape(query), *path = NULL, *why = NULL;
    if (!escaped || asprintf(&path, "/api/v1/query?query=%s", escaped) < 0)
        path = NULL;
    free(escaped);
    struct json_object *data =
        path ? prom_api_get(d->ctx, d->params, path, PROM_API_PROMETHEUS, NULL, &why)
             : NULL;
    if (!path) {
        wsc_error(d->ctx, "out of memory");
    } else if (why) {
        char shown[WSC_RENDER_MAX + 8];
        wsc_render_text_buf(shown, sizeof shown, query, strlen(query));
        wsc_fail(d->ctx, "%s: Prometheus refuses \"%s\": %s", at, shown, why);
    } else {
        d->n_validated++;
    }
    json_object_put(data);
    free(why);
    free(path);
    free(query);
}

/* Checks one target; returns its output {refId, query} (NULL when out of
 * memory). */
static struct json_object *check_target(struct dash *d, struct json_object *panel,
                                        const char *pointer, struct json_object *target,
                                        size_t index)
{
    char at[WSC_RENDER_MAX + 200];
    where(at, sizeof at, panel, pointer, target, index);
    struct json_object *ds = json_object_object_get(target, "datasource");
    const char *type =
        datasource_type(d, ds ? ds : json_object_object_get(panel, "datasource"));
    const char *field = query_field(d, type);
    d->n_targets++;
    if (type && strcmp(type, "grafana") == 0)
        field = NULL; /* Grafana's own datasource: random walks, no query */
    else if (field && !has_query(target, field))
        wsc_fail(d->ctx, "%s: no query (%s, for a %s datasource)", at, field, type);
    /* A type whose query member is not known: any of the usual ones. */
    int grafana = type && strcmp(type, "grafana") == 0;
    for (size_t i = 0; !grafana && !field && i < sizeof any_fields / sizeof any_fields[0];
         i++)
        if (has_query(target, any_fields[i]))
            field = any_fields[i];
    if (!type && !field)
        wsc_fail(d->ctx,
                 "%s: no query expression (expr, query, rawSql, target or "
                 "expression)",
                 at);
    struct json_object *out = json_object_new_object();
    struct json_object *refid = json_object_object_get(target, "refId");
    if (out && refid)
        json_object_object_add(out, "refId", json_object_get(refid));
    struct json_object *query = field ? json_object_object_get(target, field) : NULL;
    if (out && query)
        json_object_object_add(out, "query", json_object_get(query));
    const char *expr = field && strcmp(field, "expr") == 0 ? str(target, "expr") : NULL;
    int prometheus = type ? strcmp(type, "prometheus") == 0 : expr != NULL;
    if (prometheus && expr && has_query(target, "expr"))
        validate_expr(d, at, expr);
    return out;
}

/* ---- Panels -------------------------------------------------------------- */

static int queryless(const char *type)
{
    for (size_t i = 0; type && i < sizeof queryless_types / sizeof queryless_types[0];
         i++)
        if (strcmp(type, queryless_types[i]) == 0)
            return 1;
    return 0;
}

static void walk_panels(struct dash *d, struct json_object *panels, const char *pointer);

static void check_panel(struct dash *d, struct json_object *panel, const char *pointer)
{
    const char *type = str(panel, "type");
    char inner[512];
    if (type && strcmp(type, "row") == 0) { /* a collapsed row keeps its panels */
        fit(inner, sizeof inner, "%s/panels", pointer);
        walk_panels(d, json_object_object_get(panel, "panels"), inner);
        return;
    }
    d->n_panels++;
    struct json_object *out = json_object_new_object(),
                       *targets_out = json_object_new_array();
    if (!out || !targets_out) {
        json_object_put(out);
        json_object_put(targets_out);
        return;
    }
    static const char *const copy[] = {"id", "title", "type"};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
        struct json_object *v = json_object_object_get(panel, copy[i]);
        if (v)
            json_object_object_add(out, copy[i], json_object_get(v));
    }
    struct json_object *targets = json_object_object_get(panel, "targets");
    size_t n = json_object_is_type(targets, json_type_array) ? prom_len(targets) : 0;
    for (size_t i = 0; i < n; i++)
        json_object_array_add(
            targets_out,
            check_target(d, panel, pointer, json_object_array_get_idx(targets, i), i));
    if (n == 0 && !queryless(type) && !json_object_object_get(panel, "libraryPanel")) {
        const char *title = str(panel, "title");
        char shown[WSC_RENDER_MAX + 8];
        wsc_render_text_buf(shown, sizeof shown, title ? title : "",
                            title ? strlen(title) : 0);
        wsc_warn(d->ctx, "panel \"%s\" (%s) has no queries", shown, pointer);
    }
    json_object_object_add(out, "targets", targets_out);
    json_object_array_add(d->panels, out);
}

static void walk_panels(struct dash *d, struct json_object *panels, const char *pointer)
{
    for (size_t i = 0; i < prom_len(panels); i++) {
        char at[512];
        fit(at, sizeof at, "%s/%zu", pointer, i);
        struct json_object *panel = json_object_array_get_idx(panels, i);
        if (json_object_is_type(panel, json_type_object))
            check_panel(d, panel, at);
        else
            wsc_fail(d->ctx, "%s: a panel is an object", at);
    }
}

/* The panels of the current schema, and of the old one (rows[].panels). */
static void walk_dashboard(struct dash *d)
{
    struct json_object *panels = json_object_object_get(d->root, "panels");
    struct json_object *rows = json_object_object_get(d->root, "rows");
    if (panels && !json_object_is_type(panels, json_type_array))
        wsc_fail(d->ctx, "/panels is not an array");
    walk_panels(d, panels, "/panels");
    for (size_t r = 0; r < prom_len(rows); r++) {
        char at[64];
        fit(at, sizeof at, "/rows/%zu/panels", r);
        walk_panels(
            d, json_object_object_get(json_object_array_get_idx(rows, r), "panels"), at);
    }
    if (d->n_panels == 0)
        wsc_fail(d->ctx, "the dashboard has no panels (panels%s is empty or missing)",
                 rows ? ", rows[].panels" : "");
}

/* ---- The check ----------------------------------------------------------- */

static struct json_object *string_list(struct json_object *array, const char *member)
{
    struct json_object *out = json_object_new_array();
    for (size_t i = 0; out && i < prom_len(array); i++) {
        struct json_object *item = json_object_array_get_idx(array, i);
        struct json_object *v = member ? json_object_object_get(item, member) : item;
        if (json_object_is_type(v, json_type_string))
            json_object_array_add(out, json_object_get(v));
    }
    return out;
}

static struct json_object *dash_outputs(struct dash *d)
{
    struct json_object *out = json_object_new_object();
    if (!out)
        return NULL;
    static const char *const copy[] = {"title", "uid", "tags"};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
        struct json_object *v = json_object_object_get(d->root, copy[i]);
        if (v)
            json_object_object_add(out, copy[i], json_object_get(v));
    }
    json_object_object_add(out, "panels", json_object_get(d->panels));
    json_object_object_add(out, "panel_titles", string_list(d->panels, "title"));
    json_object_object_add(
        out, "variables",
        string_list(
            json_object_object_get(json_object_object_get(d->root, "templating"), "list"),
            "name"));
    return out;
}

/* The dashboard object: the file's root, or its "dashboard" member (the
 * HTTP API's shape). */
static struct json_object *dashboard_of(struct json_object *doc)
{
    struct json_object *inner = NULL;
    if (json_object_object_get_ex(doc, "dashboard", &inner) &&
        json_object_is_type(inner, json_type_object) &&
        !json_object_object_get(doc, "panels"))
        return inner;
    return doc;
}

static void check_dashboard(struct dash *d)
{
    const char *title = str(d->root, "title");
    if (!title || !title[strspn(title, " \t")])
        wsc_fail(d->ctx, "the dashboard has no title");
    d->vars = dash_variables(d->root, wsc_param_object(d->params, "variables"));
    d->panels = json_object_new_array();
    if (!d->vars || !d->panels) {
        wsc_error(d->ctx, "out of memory");
        return;
    }
    walk_dashboard(d);
    wsc_metric(d->ctx, "panels", (double)d->n_panels, "count");
    wsc_metric(d->ctx, "targets", (double)d->n_targets, "count");
    if (wsc_param_string(d->params, "url", NULL))
        wsc_metric(d->ctx, "queries_validated", (double)d->n_validated, "count");
    struct json_object *outputs = dash_outputs(d);
    if (!outputs) {
        wsc_error(d->ctx, "out of memory");
        return;
    }
    json_object_object_foreach(outputs, key, val)
        wsc_output(d->ctx, key, json_object_get(val));
    wsc_expect(d->ctx, wsc_param(d->params, "expect"), NULL, outputs);
    json_object_put(outputs);
}

void prom_check_dashboard(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    const char *path = wsc_param_string(params, "file", "");
    struct json_object *doc = parse_file(ctx, path);
    if (!doc)
        return;
    struct dash d = {.ctx = ctx, .params = params, .root = dashboard_of(doc)};
    if (!json_object_is_type(d.root, json_type_object))
        wsc_fail(ctx, "%s: a dashboard is a JSON object, not %s", path,
                 json_type_to_name(json_object_get_type(d.root)));
    else
        check_dashboard(&d);
    json_object_put(d.vars);
    json_object_put(d.panels);
    json_object_put(doc);
}
