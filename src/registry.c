/* Plugin loading: dlopen every *.so on the search path, refuse anything that
 * is not a well-formed wscheck plugin, naming the file.
 *
 * The growth rule (wscheck/plugin.h): struct wsc_plugin and struct wsc_check
 * grow at their end only. struct_size and check_size say how large they were
 * where the plugin was built; members past the ones this wscheck knows are
 * accepted only when all their bytes are zero, so a plugin that uses a newer
 * feature is refused rather than run without it (WSC_END_OF, wsc_all_zero). */
#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "wscheck/schema.h"
#include "util.h"

#define PLUGIN_KNOWN WSC_END_OF(struct wsc_plugin, check_size)
#define CHECK_KNOWN WSC_END_OF(struct wsc_check, flags)
#define KNOWN_CHECK_FLAGS WSC_CHECK_CASES

static const char rebuild[] =
    "rebuild the plugin against its headers (pkg-config wscheck)";
static const char newer[] = "upgrade wscheck, or rebuild the plugin against this "
                            "wscheck's headers";

static char *refusal(const char *path, const char *reason)
{
    return wsc_strdup_printf("%s: %s", path, reason ? reason : "refused");
}

/* Sets *why (NULL when out of memory) and returns -1. */
static int refuse(char **why, char *message)
{
    *why = message;
    return -1;
}

/* abi_version and struct_size come first in every ABI, so they can be read
 * before anything else is known about the object. */
static int check_plugin_struct(const char *path, const struct wsc_plugin *p, char **why)
{
    *why = NULL;
    if (p->abi_version != WSC_ABI_VERSION)
        return refuse(
            why, wsc_strdup_printf(
                     "%s: built for plugin ABI %u; this wscheck (%s) loads ABI %u: %s",
                     path, p->abi_version, WSC_VERSION, WSC_ABI_VERSION,
                     p->abi_version > WSC_ABI_VERSION ? newer : rebuild));
    if (p->struct_size < PLUGIN_KNOWN)
        return refuse(why,
                      wsc_strdup_printf(
                          "%s: its struct wsc_plugin has %u bytes, ABI %u needs %zu: %s",
                          path, p->struct_size, WSC_ABI_VERSION, PLUGIN_KNOWN, rebuild));
    if (!wsc_all_zero(p, PLUGIN_KNOWN, p->struct_size))
        return refuse(
            why,
            wsc_strdup_printf(
                "%s: built for a newer wscheck (its struct wsc_plugin sets members past "
                "the %zu bytes this wscheck (%s) knows): %s",
                path, PLUGIN_KNOWN, WSC_VERSION, newer));
    if (p->check_size < CHECK_KNOWN || p->check_size % alignof(struct wsc_check))
        return refuse(why,
                      wsc_strdup_printf(
                          "%s: its struct wsc_check has %u bytes, ABI %u needs %zu: %s",
                          path, p->check_size, WSC_ABI_VERSION, CHECK_KNOWN, rebuild));
    if (!p->name || !*p->name)
        return refuse(why, refusal(path, "plugin has no name"));
    if (!p->checks)
        return refuse(why, refusal(path, "plugin has no check table"));
    return 0;
}

/* Entry i of the check table, stepping by the plugin's check size. */
static const struct wsc_check *check_at(const struct wsc_plugin *p, size_t i)
{
    return (const struct wsc_check *)(const void *)((const char *)p->checks +
                                                    i * p->check_size);
}

/* A declared metric table: every name non-empty and unique, every unit given. */
static int check_metrics(const struct wsc_check *c, char **why)
{
    for (size_t i = 0; c->metrics && c->metrics[i].name; i++) {
        const struct wsc_metric_decl *m = &c->metrics[i];
        if (!*m->name)
            return refuse(why, wsc_strdup_printf(
                                   "check '%s' declares metric #%zu with an empty name",
                                   c->name, i + 1));
        if (!m->unit || !*m->unit)
            return refuse(
                why, wsc_strdup_printf("check '%s' declares metric '%s' without a unit",
                                       c->name, m->name));
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->metrics[k].name, m->name) == 0)
                return refuse(why,
                              wsc_strdup_printf("check '%s' declares metric '%s' twice",
                                                c->name, m->name));
    }
    return 0;
}

/* One entry of the check table. Returns 0, or -1 with *why set. */
static int check_entry(const struct wsc_plugin *p, size_t i, char **why)
{
    const struct wsc_check *c = check_at(p, i);
    if (!c->name || !*c->name || !c->run)
        return refuse(why,
                      wsc_strdup_printf("check #%zu has no %s", i + 1,
                                        (!c->name || !*c->name) ? "name" : "function"));
    if (!wsc_all_zero(c, CHECK_KNOWN, p->check_size) || (c->flags & ~KNOWN_CHECK_FLAGS))
        return refuse(
            why,
            wsc_strdup_printf(
                "check '%s' was built for a newer wscheck (it sets members or flags this "
                "wscheck (%s) does not know): %s",
                c->name, WSC_VERSION, newer));
    for (size_t k = 0; k < i; k++)
        if (strcmp(check_at(p, k)->name, c->name) == 0)
            return refuse(why, wsc_strdup_printf("check '%s' is defined twice", c->name));
    return check_metrics(c, why);
}

static void free_checks(struct wsc_loaded_check *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_put(checks[i].schema);
    free(checks);
}

/* Checks every entry and parses its schema. Returns NULL with *why set on
 * refusal. */
static struct wsc_loaded_check *load_checks(const struct wsc_plugin *p, size_t *n,
                                            char **why)
{
    size_t count = 0;
    while (check_at(p, count)->name || check_at(p, count)->run)
        count++;
    struct wsc_loaded_check *checks = calloc(count ? count : 1, sizeof(*checks));
    if (!checks) {
        *why = strdup("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const struct wsc_check *c = check_at(p, i);
        checks[i].check = c;
        if (check_entry(p, i, why) < 0) {
            free_checks(checks, i);
            return NULL;
        }
        const char *text = c->params_schema ? c->params_schema
                                            : "{\"type\":\"object\",\"properties\":{}}";
        enum json_tokener_error jerr;
        checks[i].schema = json_tokener_parse_verbose(text, &jerr);
        char *bad = checks[i].schema ? wsc_schema_check(checks[i].schema)
                                     : strdup(json_tokener_error_desc(jerr));
        if (bad) {
            *why = wsc_strdup_printf("check '%s' has an invalid params schema: %s",
                                     c->name, bad);
            free(bad);
            free_checks(checks, i + 1);
            return NULL;
        }
    }
    *n = count;
    return checks;
}

int wsc_registry_load_file(struct wsc_registry *reg, const char *path, char **err)
{
    *err = NULL;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        *err = wsc_strdup_printf("%s: cannot load: %s", path, dlerror());
        return -1;
    }
    const struct wsc_plugin *p = dlsym(h, WSC_PLUGIN_SYMBOL);
    int bad =
        p ? check_plugin_struct(path, p, err)
          : refuse(err, refusal(path, "not a wscheck plugin (no symbol " WSC_PLUGIN_SYMBOL
                                      ")"));
    if (!bad && wsc_registry_plugin(reg, p->name))
        bad = refuse(err, wsc_strdup_printf(
                              "%s: duplicate plugin name '%s' (already loaded from %s)",
                              path, p->name, wsc_registry_plugin(reg, p->name)->path));
    if (bad) {
        dlclose(h);
        return -1;
    }
    size_t n = 0;
    char *why = NULL;
    struct wsc_loaded_check *checks = load_checks(p, &n, &why);
    struct wsc_loaded_plugin *more =
        checks ? realloc(reg->plugins, (reg->n_plugins + 1) * sizeof(*more)) : NULL;
    if (!more) {
        *err = refusal(path, why ? why : "out of memory");
        free(why);
        if (checks)
            free_checks(checks, n);
        dlclose(h);
        return -1;
    }
    reg->plugins = more;
    struct wsc_loaded_plugin *lp = &reg->plugins[reg->n_plugins++];
    lp->plugin = p;
    lp->path = strdup(path);
    lp->handle = h;
    lp->checks = checks;
    lp->n_checks = n;
    return 0;
}

static int is_plugin_file(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0 && name[0] != '.';
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads a directory's plugins in name order, so results are reproducible. */
static int load_dir(struct wsc_registry *reg, const char *dir, struct wsc_buf *errs)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_plugin_file(e->d_name))
            continue;
        if (wsc_strv_push(&names, &n, e->d_name) < 0)
            break;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = wsc_strdup_printf("%s/%s", dir, names[i]);
        char *err = NULL;
        if (path && wsc_registry_load_file(reg, path, &err) < 0 && err)
            wsc_buf_printf(errs, "%s\n", err);
        free(err);
        free(path);
        free(names[i]);
    }
    free(names);
    return 0;
}

static int by_plugin_name(const void *a, const void *b)
{
    const struct wsc_loaded_plugin *x = a, *y = b;
    return strcmp(x->plugin->name, y->plugin->name);
}

int wsc_registry_load(struct wsc_registry *reg, char *const *dirs, size_t n_dirs,
                      char **err)
{
    struct wsc_buf errs = {0};
    size_t readable = 0;
    for (size_t i = 0; i < n_dirs; i++) {
        wsc_strv_push(&reg->dirs, &reg->n_dirs, dirs[i]); /* only for listing */
        if (load_dir(reg, dirs[i], &errs) == 0)
            readable++;
    }
    *err = errs.len ? wsc_buf_take(&errs) : NULL;
    wsc_buf_free(&errs);
    /* Listed by name, whatever the directory order (which plugin won a
     * duplicate name was settled while loading, in search-path order). */
    qsort(reg->plugins, reg->n_plugins, sizeof(*reg->plugins), by_plugin_name);
    return readable || n_dirs == 0 ? 0 : -1;
}

const struct wsc_loaded_plugin *wsc_registry_plugin(const struct wsc_registry *reg,
                                                    const char *name)
{
    for (size_t i = 0; i < reg->n_plugins; i++)
        if (strcmp(reg->plugins[i].plugin->name, name) == 0)
            return &reg->plugins[i];
    return NULL;
}

const struct wsc_loaded_check *wsc_registry_check(const struct wsc_registry *reg,
                                                  const char *plugin, const char *check)
{
    const struct wsc_loaded_plugin *p = wsc_registry_plugin(reg, plugin);
    for (size_t i = 0; p && i < p->n_checks; i++)
        if (strcmp(p->checks[i].check->name, check) == 0)
            return &p->checks[i];
    return NULL;
}

const struct wsc_metric_decl *wsc_registry_metric(const struct wsc_loaded_check *lc,
                                                  const char *name)
{
    for (size_t i = 0; lc && lc->check->metrics && lc->check->metrics[i].name; i++)
        if (strcmp(lc->check->metrics[i].name, name) == 0)
            return &lc->check->metrics[i];
    return NULL;
}

void wsc_registry_free(struct wsc_registry *reg)
{
    for (size_t i = 0; i < reg->n_plugins; i++) {
        free_checks(reg->plugins[i].checks, reg->plugins[i].n_checks);
        free(reg->plugins[i].path);
        /* Handles stay open: plugin code may have registered atexit handlers
         * (libcurl, OpenSSL) that run after this. */
    }
    free(reg->plugins);
    wsc_strv_free(reg->dirs, reg->n_dirs);
    memset(reg, 0, sizeof(*reg));
}
