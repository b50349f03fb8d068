/* The monitoring plugin's checks of a Prometheus stack: PromQL queries,
 * alerts on Prometheus and Alertmanager, and Grafana dashboard files. */
#ifndef WSC_MONITORING_PROM_H
#define WSC_MONITORING_PROM_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>

/* ---- The check table's rows (plugin.c lists them with the others) ------- */

extern const char prom_query_schema[];
extern const char prom_alert_schema[];
extern const char prom_am_alert_schema[];
extern const char prom_dashboard_schema[];
extern const struct wsc_metric_decl prom_query_metrics[];
extern const struct wsc_metric_decl prom_alert_metrics[];
extern const struct wsc_metric_decl prom_dashboard_metrics[];

void prom_check_query(struct wsc_ctx *ctx, struct json_object *params);
void prom_check_alert(struct wsc_ctx *ctx, struct json_object *params);
void prom_check_am_alert(struct wsc_ctx *ctx, struct json_object *params);
void prom_check_dashboard(struct wsc_ctx *ctx, struct json_object *params);
void prom_validate_alert(struct wsc_validation *v, const struct json_object *params);
void prom_validate_dashboard(struct wsc_validation *v, const struct json_object *params);

/* The rows of these checks in the plugin's check table, so that the table
 * lists them with one line. */
/* clang-format off */
#define PROM_CHECK_ROWS                                                          \
    {.name = "prometheus_query",                                                 \
     .summary = "run a PromQL query on a Prometheus server and match the result", \
     .params_schema = prom_query_schema,                                         \
     .run = prom_check_query,                                                    \
     .metrics = prom_query_metrics},                                             \
    {.name = "prometheus_alert",                                                 \
     .summary = "an alert with given labels reaches a state on Prometheus within S seconds", \
     .params_schema = prom_alert_schema,                                         \
     .run = prom_check_alert,                                                    \
     .validate = prom_validate_alert,                                            \
     .metrics = prom_alert_metrics},                                             \
    {.name = "alertmanager_alert",                                               \
     .summary = "an alert with given labels is in Alertmanager within S seconds", \
     .params_schema = prom_am_alert_schema,                                      \
     .run = prom_check_am_alert,                                                 \
     .validate = prom_validate_alert,                                            \
     .metrics = prom_alert_metrics},                                             \
    {.name = "dashboard_json",                                                   \
     .summary = "a Grafana dashboard file: title, panels, a query in every target", \
     .params_schema = prom_dashboard_schema,                                     \
     .run = prom_check_dashboard,                                                \
     .validate = prom_validate_dashboard,                                        \
     .metrics = prom_dashboard_metrics}
/* clang-format on */

/* The length of a JSON array; 0 for anything else, NULL included (json-c
 * asserts on those), so that data from the wire is walked safely. */
static inline size_t prom_len(const struct json_object *a)
{
    return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* ---- The HTTP APIs ------------------------------------------------------- */

/* How an API wraps its answers. */
enum prom_api_kind {
    PROM_API_PROMETHEUS,   /* {"status":"success","data":...} or
                            * {"status":"error","errorType","error"} */
    PROM_API_ALERTMANAGER, /* the value itself; errors as a JSON string */
};

/* GETs the params' url (the server's base URL, a trailing '/' ignored)
 * followed by `path` (with its query string, already encoded). Returns the
 * answer's data (a new reference; json null is returned as NULL with *why
 * NULL), or NULL with *why set (malloc'ed) to what went wrong: the
 * transport's message, or "HTTP 400, bad_data: parse error ...". Prometheus'
 * warnings are reported with wsc_warn(). *total_ms (when not NULL) gets the
 * request's duration. */
struct json_object *prom_api_get(struct wsc_ctx *ctx, const struct json_object *params,
                                 const char *path, enum prom_api_kind kind,
                                 double *total_ms, char **why);

/* `s` percent-encoded for a query string (malloc'ed; NULL when out of
 * memory). */
char *prom_url_escape(const char *s);

/* A sample value as JSON: an integer when it is one (so that messages show
 * 2, not 2.0), else a double. */
struct json_object *prom_number(double v);

/* ---- Labels -------------------------------------------------------------- */

/* The label expectation of an alert check: `labels` with `alert` added as
 * alertname (a new object; NULL when out of memory). */
struct json_object *prom_label_expectation(const struct json_object *params);

/* A label set as PromQL shows it, {alertname="X", job="y"}, rendered for
 * messages into out (size bytes). */
void prom_render_labels(char *out, size_t size, const struct json_object *labels);

/* Why no alert in `label_sets` (an array of label objects) matched
 * `expectation`: "3 other alerts", or "1 alert named X with other labels,
 * e.g. {...} (/labels/severity: expected "page", got "ticket")". Malloc'ed;
 * NULL when out of memory. */
char *prom_near_miss(const struct json_object *expectation,
                     struct json_object *label_sets);

/* ---- Polling ------------------------------------------------------------- */

/* What one look at the server found. */
enum prom_look {
    PROM_LOOK_REACHED, /* the wanted state: stop, passed */
    PROM_LOOK_NOT_YET, /* look again after the interval */
    PROM_LOOK_FAILED,  /* stop: the look reported a failure or an error */
};

/* Calls look(ctx, arg) every `interval` seconds until it does not answer
 * PROM_LOOK_NOT_YET or `within` seconds have passed (never past the
 * deadline). Records time_to_state_ms (when reached) and polls. Returns the
 * last answer. */
enum prom_look prom_poll(struct wsc_ctx *ctx, double within, double interval,
                         enum prom_look (*look)(struct wsc_ctx *ctx, void *arg),
                         void *arg);

/* ---- Alert checks ------------------------------------------------------- */

/* What an alert check watches for: alerts whose labels match `labels`, in
 * the state `want`. */
struct prom_watch {
    struct json_object *params;
    struct json_object *labels; /* the expectation on an alert's labels */
    const char *want;           /* the state asked for */
    struct json_object *found;  /* the last matching alert (a reference) */
    struct json_object *others; /* label sets of the last look's alerts */
};

/* One look's alerts (an array): `found` becomes the matching alert, one in
 * the wanted state when there is one (reached() says), `others` the label
 * sets of the alerts that did not match. */
void prom_watch_alerts(struct prom_watch *w, const struct json_object *alerts,
                       int (*reached)(const char *want, const struct json_object *alert));

struct prom_watch_ops {
    enum prom_look (*look)(struct wsc_ctx *ctx, void *watch);
    void (*timed_out)(struct wsc_ctx *ctx, struct prom_watch *w, double within);
    struct json_object *(*outputs)(const struct prom_watch *w); /* NULL: no memory */
};

/* An alert check: polls with ops->look for `within` seconds (param, default
 * 30) every `interval` (default 1) for the `state` param (default
 * default_state); then the outputs and the `expect` on them, or the
 * timeout's failure. */
void prom_watch_check(struct wsc_ctx *ctx, struct json_object *params,
                      const char *default_state, const struct prom_watch_ops *ops);

/* ---- Dashboards ---------------------------------------------------------- */

/* The values of a dashboard's variables for substitution: Grafana's global
 * interval and range variables, then the dashboard's templating.list
 * (current values; "All" as its allValue or ".*"), then `overrides`
 * (name -> string, may be NULL). A new object name -> string; NULL when out
 * of memory. */
struct json_object *dash_variables(const struct json_object *dashboard,
                                   const struct json_object *overrides);

/* `expr` with $name, ${name}, ${name:format}, [[name]] replaced by their
 * values in `vars`. A variable without a value is left as written and, when
 * `unknown` is not NULL and *unknown still NULL, its name is put there
 * (malloc'ed). Returns a malloc'ed string, NULL when out of memory. */
char *dash_substitute(const char *expr, const struct json_object *vars, char **unknown);

#endif
