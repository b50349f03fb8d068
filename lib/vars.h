/* Scenario variables: ${name}, ${env:NAME}, ${env:NAME:-default}, $${ for a
 * literal ${. Lookup precedence: --var (cli) > capture > file vars.
 *
 * Names are [A-Za-z_][A-Za-z0-9_-]*; environment names [A-Za-z_][A-Za-z0-9_]*.
 * ${env:NAME:-default} uses the default when NAME is unset or empty (as the
 * shell does); the default may itself contain references.
 *
 * A string that is exactly one reference takes the type of what it refers
 * to: a number, boolean, null, object or array variable gives that value; a
 * text (an environment variable, or a string variable from the file or the
 * command line) that parses fully as a JSON number gives that number. Values
 * captured from a check's outputs keep their JSON type: a captured string
 * stays a string. Inside a longer string, a reference is replaced by the text
 * of the value (JSON text for non-strings). */
#ifndef WSC_VARS_H
#define WSC_VARS_H

#include <json-c/json.h>
#include "wscheck/plugin.h" /* wsc_var_name_valid() */

struct wsc_vars;

enum wsc_var_layer { WSC_VARS_FILE = 0, WSC_VARS_CAPTURE = 1, WSC_VARS_CLI = 2 };

enum wsc_var_state {
    WSC_VAR_UNDEFINED = 0,
    WSC_VAR_KNOWN,  /* defined, with a value */
    WSC_VAR_UNKNOWN /* will be defined at run time (a capture) */
};

/* NULL when out of memory. */
struct wsc_vars *wsc_vars_new(void);
void wsc_vars_free(struct wsc_vars *v);
/* Deep copy; NULL when out of memory. */
struct wsc_vars *wsc_vars_copy(const struct wsc_vars *v);
/* Takes ownership of value (NULL is JSON null), also on failure. Returns 0,
 * or -1 when out of memory. */
int wsc_vars_set(struct wsc_vars *v, enum wsc_var_layer layer, const char *name,
                 struct json_object *value);
/* Declares a name whose value is only known at run time (validation: a name
 * an earlier test captures). It ranks as a capture: a --var still wins.
 * Strings referring to it are kept as written by wsc_vars_expand(). Returns 0
 * or -1. */
int wsc_vars_set_unknown(struct wsc_vars *v, const char *name);
/* Borrowed; NULL when undefined (or JSON null, or unknown). */
struct json_object *wsc_vars_get(const struct wsc_vars *v, const char *name);
enum wsc_var_state wsc_vars_state(const struct wsc_vars *v, const char *name);
/* The layer that defines name (enum wsc_var_layer), or -1. */
int wsc_vars_layer(const struct wsc_vars *v, const char *name);
/* The names and values of one layer, as an object (borrowed; NULL when v
 * is NULL): e.g. the --var names. */
const struct json_object *wsc_vars_layer_object(const struct wsc_vars *v,
                                                enum wsc_var_layer layer);
/* Secret variables ({"$secret": ...}, --secret, redact.vars): their values
 * are registered as secrets wherever wscheck prints. mark: 0 or -1 (out of
 * memory). The names are an object name -> null (borrowed). A copy keeps
 * the marks. */
int wsc_vars_mark_secret(struct wsc_vars *v, const char *name);
int wsc_vars_is_secret(const struct wsc_vars *v, const char *name);
const struct json_object *wsc_vars_secret_names(const struct wsc_vars *v);
/* Is name a valid variable name? See wsc_var_name_valid() in
 * <wscheck/plugin.h>: one rule for vars, --var and captures. */

/* What one expansion (one call below: a variable's value, a test's params)
 * may produce, in bytes of text; beyond it the expansion fails with
 * "expands to more than 1 MiB, the limit of one expanded value (at
 * '${name}')". */
#define WSC_VARS_MAX_EXPANSION (1 << 20)
/* What a file's variables may hold together (see scenario_vars.c). */
#define WSC_VARS_MAX_TOTAL (16 << 20)

/* About how many bytes of JSON text val takes (exact for strings, numbers
 * and literals); stops counting once past `limit`. */
size_t wsc_vars_value_size(const struct json_object *val, size_t limit);

/* Expands every string in a deep copy of tmpl (object member names are not
 * expanded). A string that is exactly one reference to a number (or
 * boolean) becomes that number. Returns NULL and *err = "undefined variable
 * 'x'" (malloc'ed) on error. NULL tmpl gives NULL and *err = NULL. */
struct json_object *wsc_vars_expand(const struct wsc_vars *v,
                                    const struct json_object *tmpl, char **err);
/* Same; on error *where (if not NULL) is the JSON pointer, relative to tmpl,
 * of the string at fault (malloc'ed). */
struct json_object *wsc_vars_expand_at(const struct wsc_vars *v,
                                       const struct json_object *tmpl, char **err,
                                       char **where);
/* Expands one string to text; NULL and *err on error. */
char *wsc_vars_expand_string(const struct wsc_vars *v, const char *s, char **err);
/* Calls fn for every ${name} reference (not env:) in the strings of tmpl,
 * including those inside ${env:X:-...} defaults. Stops and returns fn's value
 * when it is non-zero. */
int wsc_vars_each_ref(const struct json_object *tmpl,
                      int (*fn)(const char *name, void *arg), void *arg);
/* Does s contain a reference (an unescaped "${")? */
int wsc_vars_has_ref(const char *s);

/* If text is, in full, a JSON number, returns it as a json-c number (int64
 * when it is an integer that fits, else double); else NULL. */
struct json_object *wsc_json_number_from_text(const char *text);

#endif
