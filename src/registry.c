/* Plugin loading: dlopen every *.so on the search path, refuse anything that
 * is not a well-formed wscheck plugin, naming the file. */
#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util.h"

static char *refusal(const char *path, const char *reason)
{
    return wsc_strdup_printf("%s: %s", path, reason ? reason : "refused");
}

static const char *check_plugin_struct(const struct wsc_plugin *p)
{
    if (p->abi_version != WSC_ABI_VERSION)
        return "ABI version mismatch";
    if (p->struct_size < sizeof(struct wsc_plugin))
        return "plugin structure too small for this ABI";
    if (!p->name || !*p->name)
        return "plugin has no name";
    if (!p->checks)
        return "plugin has no check table";
    return NULL;
}

static void free_checks(struct wsc_loaded_check *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_put(checks[i].schema);
    free(checks);
}

/* Parses every check's schema. Returns NULL with *why set on refusal. */
static struct wsc_loaded_check *load_checks(const struct wsc_plugin *p, size_t *n,
                                            char **why)
{
    size_t count = 0;
    while (p->checks[count].name || p->checks[count].run)
        count++;
    struct wsc_loaded_check *checks = calloc(count ? count : 1, sizeof(*checks));
    if (!checks) {
        *why = strdup("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const struct wsc_check *c = &p->checks[i];
        checks[i].check = c;
        if (!c->name || !*c->name || !c->run) {
            *why = wsc_strdup_printf("check #%zu has no %s", i + 1,
                                     (!c->name || !*c->name) ? "name" : "function");
            free_checks(checks, i);
            return NULL;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(checks[k].check->name, c->name) == 0) {
                *why = wsc_strdup_printf("check '%s' is defined twice", c->name);
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
            *why = wsc_strdup_printf("check '%s' has an invalid params schema: %s", c->name, bad);
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
    const char *bad = p ? check_plugin_struct(p) : "not a wscheck plugin (no symbol " WSC_PLUGIN_SYMBOL ")";
    if (!bad && wsc_registry_plugin(reg, p->name)) {
        *err = wsc_strdup_printf("%s: duplicate plugin name '%s' (already loaded from %s)",
                                 path, p->name, wsc_registry_plugin(reg, p->name)->path);
        dlclose(h);
        return -1;
    }
    if (bad) {
        if (p && p->abi_version != WSC_ABI_VERSION)
            *err = wsc_strdup_printf("%s: ABI version %u, this wscheck needs %u", path,
                                     p->abi_version, WSC_ABI_VERSION);
        else
            *err = refusal(path, bad);
        dlclose(h);
        return -1;
    }
    size_t n = 0;
    char *why = NULL;
    struct wsc_loaded_check *checks = load_checks(p, &n, &why);
    struct wsc_loaded_plugin *more = checks ? realloc(reg->plugins, (reg->n_plugins + 1) * sizeof(*more)) : NULL;
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
