/* The configuration on the command line: loading it for `run` and
 * `validate` (with the environment's defaults and --vars-file), and
 * `wscheck config`, which prints the effective settings with where each
 * came from. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config_file.h"
#include "json_util.h"
#include "redact.h"
#include "util.h"
#include "vars_file.h"

int wsc_setup_config(struct wsc_run_config *cfg, struct wsc_settings *base)
{
    return wsc_setup_config_keep(cfg, base, NULL);
}

int wsc_setup_config_keep(struct wsc_run_config *cfg, struct wsc_settings *base,
                          struct wsc_config *keep)
{
    struct wsc_config conf;
    struct wsc_diag diag = {0};
    int status = -1;
    if (wsc_config_load(&conf, cfg->config_path, &diag) < 0) {
        wsc_diag_clear(&diag);
        return WSC_EXIT_USAGE;
    }
    if (wsc_settings_resolve(base, &conf, &diag) < 0)
        status = WSC_EXIT_USAGE;
    else if (!(cfg->arg_vars = wsc_vars_copy(cfg->cli_vars)))
        status = WSC_EXIT_INTERNAL;
    else if (wsc_config_apply(&conf, cfg->cli_vars, cfg->redactor, &diag) < 0)
        status = WSC_EXIT_USAGE;
    for (size_t i = 0; status == -1 && i < cfg->n_vars_files; i++)
        if (wsc_vars_file_load(cfg->vars_files[i], cfg->cli_vars, cfg->arg_vars, &diag) <
            0)
            status = WSC_EXIT_USAGE;
    if (keep && status == -1)
        *keep = conf; /* the caller frees it */
    else
        wsc_config_free(&conf);
    wsc_diag_clear(&diag);
    return status;
}

/* ---- wscheck config ----------------------------------------------------------- */

static const char config_usage[] =
    "Usage: wscheck config [--config FILE]\n"
    "\n"
    "Check the configuration file and print the effective configuration, each\n"
    "value with where it came from: FILE:LINE:COL, an environment variable, or\n"
    "built-in. Without --config, the file is ./wscheck.json, else\n"
    "$XDG_CONFIG_HOME/wscheck/config.json (~/.config when unset), else none.\n"
    "Secret variables are shown as \"***\"; header values are not shown.\n"
    "\n"
    "  --config FILE         the configuration file (it must exist)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 the configuration is valid, 2 it has errors.\n";

static void origin_of(const struct wsc_config *c, unsigned bit, const char *pointer,
                      struct wsc_origin *o)
{
    if (c->set & bit) {
        wsc_config_origin(c, pointer, o);
    } else {
        o->kind = WSC_FROM_BUILTIN;
        snprintf(o->where, sizeof o->where, "built-in");
    }
}

static void print_defaults(struct wsc_buf *b, const struct wsc_config *c,
                           const struct wsc_settings *s)
{
    struct wsc_origin o;
    char iv[64], perf[64];
    struct json_object *d;
    const char *section = c->defaults ? c->defaults : "defaults";
    int short_name = json_object_object_get_ex(c->doc.root, section, &d) &&
                     json_object_object_get_ex(d, "interval", NULL);
    snprintf(iv, sizeof iv, "/%s/%s", section,
             short_name ? "interval" : "health_check_interval");
    snprintf(perf, sizeof perf, "/%s/performance_monitoring", section);
    wsc_buf_printf(b, "defaults.timeout = %g (%s)\n", s->timeout, s->timeout_from.where);
    wsc_buf_printf(b, "defaults.retry_attempts = %d (%s)\n", s->retries,
                   s->retries_from.where);
    origin_of(c, WSC_CFG_INTERVAL, iv, &o);
    wsc_buf_printf(b, "defaults.health_check_interval = %g (%s)\n", c->interval, o.where);
    origin_of(c, WSC_CFG_PERF, perf, &o);
    wsc_buf_printf(b, "defaults.performance_monitoring = %s (%s)\n",
                   c->performance_monitoring ? "true" : "false", o.where);
}

static void print_text(struct wsc_buf *b, const char *key, const char *value,
                       const struct wsc_config *c, const char *pointer)
{
    struct wsc_origin o;
    if (!value)
        return;
    wsc_config_origin(c, pointer, &o);
    wsc_buf_printf(b, "%s = %s (%s)\n", key, value, o.where);
}

static void print_alerts(struct wsc_buf *b, const struct wsc_config *c)
{
    struct wsc_origin o;
    print_text(b, "alerts.command", c->alerts.command, c, "/alerts/command");
    print_text(b, "alerts.webhook", c->alerts.webhook, c, "/alerts/webhook");
    print_text(b, "alerts.alertmanager", c->alerts.alertmanager, c,
               "/alerts/alertmanager");
    origin_of(c, WSC_CFG_DOWN_AFTER, "/alerts/down_after", &o);
    wsc_buf_printf(b, "alerts.down_after = %d (%s)\n", c->alerts.down_after, o.where);
    origin_of(c, WSC_CFG_RECOVER_AFTER, "/alerts/recover_after", &o);
    wsc_buf_printf(b, "alerts.recover_after = %d (%s)\n", c->alerts.recover_after,
                   o.where);
    origin_of(c, WSC_CFG_ON_FAILURE, "/alerts/on_failure", &o);
    wsc_buf_printf(b, "alerts.on_failure = %s (%s)\n",
                   c->alerts.on_failure ? "true" : "false", o.where);
}

static void print_endpoints(struct wsc_buf *b, const struct wsc_config *c)
{
    for (size_t i = 0; i < c->n_endpoints; i++) {
        const struct wsc_endpoint *e = &c->endpoints[i];
        struct wsc_origin o;
        char *ptr = wsc_strdup_printf("/mcp_server_endpoints/%s", e->name);
        char *var = wsc_endpoint_var(e->name, "url");
        wsc_config_origin(c, ptr ? ptr : "", &o);
        wsc_buf_printf(b, "endpoint %s: %s, kind %s, ${%s} (%s)\n", e->name,
                       e->url ? e->url : "?", wsc_endpoint_kind_name(e->kind),
                       var ? var : "?", o.where);
        if (e->headers) {
            wsc_buf_printf(b, "endpoint %s: headers", e->name);
            json_object_object_foreach((struct json_object *)e->headers, k, v) {
                (void)v;
                wsc_buf_printf(b, " %s", k);
            }
            wsc_buf_puts(b, "\n");
        }
        free(ptr);
        free(var);
    }
}

/* Values of secret variables (and every variable the redaction names) are
 * shown as "***". */
static void print_vars(struct wsc_buf *b, const struct wsc_config *c)
{
    if (!c->vars)
        return;
    json_object_object_foreach((struct json_object *)c->vars, name, val) {
        struct wsc_origin o;
        char *ptr = wsc_strdup_printf("/vars/%s", name);
        int secret = wsc_secret_wrapped(val) != NULL;
        for (size_t i = 0; c->secrets && i < json_object_array_length(c->secrets); i++)
            if (strcmp(json_object_get_string(json_object_array_get_idx(c->secrets, i)),
                       name) == 0)
                secret = 1;
        wsc_config_origin(c, ptr ? ptr : "/vars", &o);
        wsc_buf_printf(b, "vars.%s = %s (%s)\n", name,
                       secret ? "\"***\"" : wsc_json_text(val), o.where);
        free(ptr);
    }
}

static void print_redaction(struct wsc_buf *b, const struct wsc_config *c)
{
    const struct json_object *lists[] = {c->secrets, c->names};
    const char *keys[] = {"secrets", "names"};
    for (size_t k = 0; k < 2; k++) {
        if (!lists[k])
            continue;
        wsc_buf_printf(b, "redaction.%s =", keys[k]);
        for (size_t i = 0; i < json_object_array_length(lists[k]); i++)
            wsc_buf_printf(
                b, " %s", json_object_get_string(json_object_array_get_idx(lists[k], i)));
        wsc_buf_puts(b, "\n");
    }
}

/* Like every output: secrets in URLs (userinfo, token parameters) and the
 * names the configuration declares secret are hidden. */
static int print_redacted(struct wsc_buf *out, const struct wsc_config *c)
{
    struct wsc_redactor *r = wsc_redactor_new();
    int ok = r && !out->failed;
    for (size_t i = 0; ok && c->names && i < json_object_array_length(c->names); i++)
        ok = wsc_redactor_add_name(
                 r, json_object_get_string(json_object_array_get_idx(c->names, i))) == 0;
    char *safe = ok ? wsc_redactor_text(r, out->data ? out->data : "") : NULL;
    wsc_redactor_free(r);
    if (!safe) {
        fputs("wscheck config: out of memory\n", stderr);
        return WSC_EXIT_INTERNAL;
    }
    fputs(safe, stdout);
    free(safe);
    return WSC_EXIT_OK;
}

static const struct option config_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int wsc_cmd_config(int argc, char **argv)
{
    const char *path = NULL;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", config_options, NULL)) != -1) {
        if (opt == 'c') {
            path = optarg;
        } else if (opt == 'h') {
            fputs(config_usage, stdout);
            return WSC_EXIT_OK;
        } else {
            return wsc_option_error("config", opt, argv, config_options);
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "wscheck config: unexpected argument '%s'; see 'wscheck config "
                "--help'\n",
                argv[optind]);
        return WSC_EXIT_USAGE;
    }
    struct wsc_config c;
    struct wsc_settings s;
    struct wsc_diag diag = {0};
    int rc = wsc_config_load(&c, path, &diag) < 0 ? WSC_EXIT_USAGE : WSC_EXIT_OK;
    if (rc == WSC_EXIT_OK && wsc_settings_resolve(&s, &c, &diag) < 0)
        rc = WSC_EXIT_USAGE;
    if (rc == WSC_EXIT_OK) {
        struct wsc_buf out = {0};
        wsc_buf_printf(&out, "config file: %s\n", c.doc.file ? c.doc.file : "(none)");
        print_defaults(&out, &c, &s);
        print_alerts(&out, &c);
        print_endpoints(&out, &c);
        print_vars(&out, &c);
        print_redaction(&out, &c);
        rc = print_redacted(&out, &c);
        wsc_buf_free(&out);
    }
    wsc_config_free(&c);
    wsc_diag_clear(&diag);
    return rc;
}
