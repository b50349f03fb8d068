/* The plugin registry: plugins found on the search path, loaded with dlopen. */
#ifndef WSC_REGISTRY_H
#define WSC_REGISTRY_H

#include <stddef.h>
#include <json-c/json.h>
#include "wscheck/plugin.h"

struct wsc_loaded_check {
    const struct wsc_check *check;
    struct json_object *schema; /* parsed params_schema (an empty object
                                   schema when the check declares none) */
};

struct wsc_loaded_plugin {
    const struct wsc_plugin *plugin;
    char *path;   /* the .so it came from */
    void *handle; /* dlopen handle */
    struct wsc_loaded_check *checks;
    size_t n_checks;
};

struct wsc_registry {
    struct wsc_loaded_plugin *plugins;
    size_t n_plugins;
    char **dirs; /* directories searched, in order */
    size_t n_dirs;
};

/* Loads every *.so of every directory; a plugin that is refused leaves a
 * message "FILE: reason" in *err (malloc'ed, one line per refusal) and the
 * others still load. Returns 0, or -1 when no directory could be read. */
int wsc_registry_load(struct wsc_registry *reg, char *const *dirs, size_t n_dirs,
                      char **err);
/* Loads one file. Returns 0 or -1 with *err = "FILE: reason". */
int wsc_registry_load_file(struct wsc_registry *reg, const char *path, char **err);
const struct wsc_loaded_plugin *wsc_registry_plugin(const struct wsc_registry *reg,
                                                    const char *name);
const struct wsc_loaded_check *wsc_registry_check(const struct wsc_registry *reg,
                                                  const char *plugin, const char *check);
/* The metric named `name` that the check declares, or NULL. */
const struct wsc_metric_decl *wsc_registry_metric(const struct wsc_loaded_check *lc,
                                                  const char *name);
void wsc_registry_free(struct wsc_registry *reg);

#endif
