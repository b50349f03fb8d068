/* `wscheck plugins`: what is loaded, with every check's params, the metrics
 * it declares and what it reports (cases, a validate callback). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char plugins_usage[] =
    "Usage: wscheck plugins [--json] [--plugin-path DIR]...\n"
    "\n"
    "List the plugins found on the search path, their checks, params and the\n"
    "metrics each check declares.\n"
    "\n"
    "  --json              machine-readable output\n"
    "  --plugin-path DIR   look for plugins in DIR first (repeatable)\n"
    "  -h, --help          this help\n";

static void print_param(const char *name, struct json_object *schema, int required)
{
    struct json_object *v;
    printf("      %-20s", name);
    if (json_object_object_get_ex(schema, "type", &v))
        printf(" %s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    if (required)
        printf(", required");
    if (json_object_object_get_ex(schema, "default", &v))
        printf(", default %s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    if (json_object_object_get_ex(schema, "description", &v))
        printf("\n      %20s %s", "", json_object_get_string(v));
    printf("\n");
}

static int is_required(struct json_object *schema, const char *name)
{
    struct json_object *req;
    if (!json_object_object_get_ex(schema, "required", &req))
        return 0;
    for (size_t i = 0; i < json_object_array_length(req); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(req, i)), name))
            return 1;
    return 0;
}

static void print_metrics(const struct wsc_check *c)
{
    if (!c->metrics || !c->metrics[0].name)
        return;
    printf("      metrics:\n");
    for (size_t i = 0; c->metrics[i].name; i++)
        printf("        %-20s %-6s %s\n", c->metrics[i].name, c->metrics[i].unit,
               c->metrics[i].summary ? c->metrics[i].summary : "");
}

static void print_text(const struct wsc_registry *reg)
{
    for (size_t i = 0; i < reg->n_plugins; i++) {
        const struct wsc_loaded_plugin *p = &reg->plugins[i];
        printf("%s %s - %s\n  %s\n", p->plugin->name,
               p->plugin->version ? p->plugin->version : "",
               p->plugin->summary ? p->plugin->summary : "", p->path);
        for (size_t k = 0; k < p->n_checks; k++) {
            const struct wsc_loaded_check *c = &p->checks[k];
            struct json_object *props;
            printf("    %s.%s: %s%s\n", p->plugin->name, c->check->name,
                   c->check->summary ? c->check->summary : "",
                   c->check->flags & WSC_CHECK_CASES ? " (reports cases)" : "");
            if (json_object_object_get_ex(c->schema, "properties", &props)) {
                json_object_object_foreach(props, name, sub)
                    print_param(name, sub, is_required(c->schema, name));
            }
            print_metrics(c->check);
        }
    }
}

static struct json_object *metrics_json(const struct wsc_check *c)
{
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; list && c->metrics && c->metrics[i].name; i++) {
        const struct wsc_metric_decl *m = &c->metrics[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(m->name));
        json_object_object_add(o, "unit", json_object_new_string(m->unit));
        json_object_object_add(o, "summary",
                               json_object_new_string(m->summary ? m->summary : ""));
        json_object_array_add(list, o);
    }
    return list;
}

/* {"name", "summary", "params", "metrics", "flags": ["cases"], "validate"} */
static struct json_object *check_json(const struct wsc_loaded_check *lc)
{
    const struct wsc_check *c = lc->check;
    struct json_object *o = json_object_new_object(), *flags = json_object_new_array();
    json_object_object_add(o, "name", json_object_new_string(c->name));
    json_object_object_add(o, "summary",
                           json_object_new_string(c->summary ? c->summary : ""));
    json_object_object_add(o, "params", json_object_get(lc->schema));
    json_object_object_add(o, "metrics", metrics_json(c));
    if (c->flags & WSC_CHECK_CASES)
        json_object_array_add(flags, json_object_new_string("cases"));
    json_object_object_add(o, "flags", flags);
    json_object_object_add(o, "validate", json_object_new_boolean(c->validate != NULL));
    return o;
}

static struct json_object *plugin_json(const struct wsc_loaded_plugin *p)
{
    struct json_object *o = json_object_new_object(), *checks = json_object_new_array();
    json_object_object_add(o, "name", json_object_new_string(p->plugin->name));
    json_object_object_add(
        o, "version",
        json_object_new_string(p->plugin->version ? p->plugin->version : ""));
    json_object_object_add(
        o, "summary",
        json_object_new_string(p->plugin->summary ? p->plugin->summary : ""));
    json_object_object_add(o, "path", json_object_new_string(p->path));
    for (size_t k = 0; k < p->n_checks; k++)
        json_object_array_add(checks, check_json(&p->checks[k]));
    json_object_object_add(o, "checks", checks);
    return o;
}

static void print_json(const struct wsc_registry *reg)
{
    struct json_object *root = json_object_new_object(), *list = json_object_new_array();
    for (size_t i = 0; i < reg->n_plugins; i++)
        json_object_array_add(list, plugin_json(&reg->plugins[i]));
    json_object_object_add(root, "plugins", list);
    struct json_object *dirs = json_object_new_array();
    for (size_t i = 0; i < reg->n_dirs; i++)
        json_object_array_add(dirs, json_object_new_string(reg->dirs[i]));
    json_object_object_add(root, "search_path", dirs);
    puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

int wsc_cmd_plugins(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"plugin-path", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char **paths = calloc((size_t)argc, sizeof(*paths));
    size_t n_paths = 0;
    int json = 0, opt, status = 0;
    optind = 1;
    opterr = 0;
    while (status == 0 && paths &&
           (opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (opt == 'j')
            json = 1;
        else if (opt == 'p')
            paths[n_paths++] = optarg;
        else if (opt == 'h')
            status = (fputs(plugins_usage, stdout), -1);
        else
            status = wsc_option_error("plugins", opt, argv, opts);
    }
    if (!paths)
        return WSC_EXIT_INTERNAL;
    if (status == 0 && optind < argc)
        status =
            (fprintf(stderr, "wscheck: plugins takes no arguments\n"), WSC_EXIT_USAGE);
    if (status == 0) {
        struct wsc_registry reg = {0};
        status = wsc_load_plugins(&reg, paths, n_paths);
        if (status == 0)
            json ? print_json(&reg) : print_text(&reg);
        wsc_registry_free(&reg);
    }
    free(paths);
    return status < 0 ? WSC_EXIT_OK : status;
}
