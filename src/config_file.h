/* The configuration file (wscheck-config(5)): wscheck.json in the current
 * directory, else $XDG_CONFIG_HOME/wscheck/config.json (~/.config when
 * unset), or --config FILE. JSON with comments, like scenarios; unknown keys
 * and wrong types are FILE:LINE:COL errors. The settings it holds sit below
 * the environment, the scenario files and the command line (see
 * wsc_settings below). */
#ifndef WSC_CONFIG_FILE_H
#define WSC_CONFIG_FILE_H

#include <stddef.h>
#include <json-c/json.h>

#include "diag.h"
#include "json_doc.h"

/* Built-in values of what only the configuration sets. */
#define WSC_DEFAULT_INTERVAL 30.0
#define WSC_DEFAULT_DOWN_AFTER 1
#define WSC_DEFAULT_RECOVER_AFTER 1

/* Endpoint kinds: which suite fits an endpoint (--test-all-mcp-servers). */
enum wsc_endpoint_kind {
    WSC_KIND_CRACKERJACK,
    WSC_KIND_DEVELOPMENT_TOOLKIT,
    WSC_KIND_MONITORING,
    WSC_KIND_MCP,
    WSC_KIND_WEBSOCKET,
    WSC_KIND_HTTP,
};

struct wsc_endpoint {
    const char *name;                  /* member name (borrowed from the tree) */
    const char *url;                   /* borrowed */
    enum wsc_endpoint_kind kind;       /* given, else by name, else by scheme */
    const char *description;           /* borrowed; NULL when absent */
    const struct json_object *headers; /* object name -> string, or NULL */
    const char *health;                /* health check path ("/health"), or NULL */
};

struct wsc_alert_config {
    const char *command;       /* NULL when absent (borrowed) */
    const char *webhook;       /* http(s) URL or NULL */
    const char *alertmanager;  /* http(s) URL or NULL */
    int down_after;            /* >= 1 */
    int recover_after;         /* >= 1 */
    int on_failure;            /* 0 or 1 */
    const char *email_to;      /* alerts.email.to, or NULL */
    const char *email_command; /* alerts.email.command, or NULL (sendmail -t) */
};

/* Which of the values below the file set (the others are built-in). */
enum {
    WSC_CFG_TIMEOUT = 1 << 0,
    WSC_CFG_RETRIES = 1 << 1,
    WSC_CFG_INTERVAL = 1 << 2,
    WSC_CFG_PERF = 1 << 3,
    WSC_CFG_DOWN_AFTER = 1 << 4,
    WSC_CFG_RECOVER_AFTER = 1 << 5,
    WSC_CFG_ON_FAILURE = 1 << 6,
};

struct wsc_config {
    struct wsc_json_doc doc; /* doc.file NULL: no configuration file */
    unsigned set;            /* WSC_CFG_* */
    const char *defaults;    /* the defaults' section: "defaults", or
                                "websocket_testing" as check_websocket.py
                                names it */
    double timeout;          /* defaults.timeout (alias default_timeout) */
    int retries;             /* defaults.retry_attempts (alias retries) */
    double interval;         /* defaults.health_check_interval (alias interval) */
    int performance_monitoring;
    struct wsc_endpoint *endpoints;
    size_t n_endpoints;
    struct wsc_alert_config alerts;
    const struct json_object *secrets; /* redaction.secrets: variable names */
    const struct json_object *names;   /* redaction.names: member names */
    const struct json_object *vars;    /* vars: name -> value, or NULL */
};

/* Finds and loads the configuration: path when not NULL (a missing file is
 * then an error), else ./wscheck.json, else the XDG one; no file at all is
 * fine (built-in values). Every problem is reported through diag; returns
 * 0, or -1 (cfg cleared) when the file has errors. */
int wsc_config_load(struct wsc_config *cfg, const char *path, struct wsc_diag *diag);
/* Parses an already loaded document (takes it over, also on error). */
int wsc_config_from_doc(struct wsc_config *cfg, struct wsc_json_doc *doc,
                        struct wsc_diag *diag);
void wsc_config_free(struct wsc_config *cfg);

/* The path wsc_config_load() would read when not given one (malloc'ed;
 * NULL when none exists or out of memory). */
char *wsc_config_find(void);

const char *wsc_endpoint_kind_name(enum wsc_endpoint_kind kind);
/* The endpoint of that name, or NULL. */
const struct wsc_endpoint *wsc_config_endpoint(const struct wsc_config *cfg,
                                               const char *name);

/* ---- settings with their origin (config_settings.c) --------------------- */

/* Where a setting's value came from. */
struct wsc_origin {
    enum { WSC_FROM_BUILTIN, WSC_FROM_FILE, WSC_FROM_ENV } kind;
    char where[256]; /* "FILE:LINE:COL", or the environment variable */
};

/* The defaults below the scenario files: built-in, then the configuration
 * file, then the environment (WSCHECK_TIMEOUT, WSCHECK_RETRIES). A scenario
 * file's "defaults", a test's own setting and --timeout/--retries come on
 * top, in that order. */
struct wsc_settings {
    double timeout;
    struct wsc_origin timeout_from;
    int retries;
    struct wsc_origin retries_from;
};

/* Fills s from cfg and the environment. A malformed environment value is
 * reported ("wscheck: WSCHECK_TIMEOUT: ...") and gives -1. */
int wsc_settings_resolve(struct wsc_settings *s, const struct wsc_config *cfg,
                         struct wsc_diag *diag);
/* The origin of the config value at pointer ("/defaults/timeout"). */
void wsc_config_origin(const struct wsc_config *cfg, const char *pointer,
                       struct wsc_origin *o);

#endif
