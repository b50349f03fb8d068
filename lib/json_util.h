/* Small JSON helpers shared by the core: adding members that may fail, and
 * the words messages use for values and their types. */
#ifndef WSC_JSON_UTIL_H
#define WSC_JSON_UTIL_H

#include <json-c/json.h>

/* Adds key = value to obj, taking value (it is freed when adding fails). A
 * NULL value is written as JSON null when `nullable`, and is otherwise taken
 * for an allocation failure. Returns 0, or -1 when nothing was added. */
int wsc_json_put(struct json_object *obj, const char *key, struct json_object *value,
                 int nullable);

/* The type of a value as schemas, $type and messages name it: "string",
 * "integer", "number" (a double), "boolean", "object", "array" or "null"
 * (NULL is JSON null). */
const char *wsc_json_type_name(const struct json_object *v);
/* Is name one of those seven type names? */
int wsc_json_is_type_name(const char *name);
/* Is v of the type called name? "number" takes integers too. */
int wsc_json_has_type(const struct json_object *v, const char *name);

/* v as compact JSON text, slashes unescaped, for messages. The text belongs
 * to v (json-c keeps it with the value). */
const char *wsc_json_text(const struct json_object *v);

#endif
