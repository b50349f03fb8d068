/* Scenario variables: ${name}, ${env:NAME}, ${env:NAME:-default}, $${ for a
 * literal ${. Lookup precedence: --var (cli) > capture > file vars. */
#ifndef WSC_VARS_H
#define WSC_VARS_H

#include <json-c/json.h>

struct wsc_vars;

enum wsc_var_layer { WSC_VARS_FILE = 0, WSC_VARS_CAPTURE = 1, WSC_VARS_CLI = 2 };

struct wsc_vars *wsc_vars_new(void);
void wsc_vars_free(struct wsc_vars *v);
struct wsc_vars *wsc_vars_copy(const struct wsc_vars *v);
/* Takes ownership of value. */
void wsc_vars_set(struct wsc_vars *v, enum wsc_var_layer layer, const char *name,
                  struct json_object *value);
/* Borrowed; NULL when undefined. */
struct json_object *wsc_vars_get(const struct wsc_vars *v, const char *name);
/* Expands every string in a deep copy of tmpl. A string that is exactly one
 * reference to a number (or boolean) becomes that number. Returns NULL and
 * *err = "undefined variable 'x'" (malloc'ed) on error. */
struct json_object *wsc_vars_expand(const struct wsc_vars *v,
                                    const struct json_object *tmpl, char **err);
/* Expands one string; NULL and *err on error. */
char *wsc_vars_expand_string(const struct wsc_vars *v, const char *s, char **err);
/* Calls fn for every ${name} reference (not env:) in the strings of tmpl.
 * Stops and returns fn's value when it is non-zero. */
int wsc_vars_each_ref(const struct json_object *tmpl,
                      int (*fn)(const char *name, void *arg), void *arg);

#endif
