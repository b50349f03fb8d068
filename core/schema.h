/* The JSON Schema subset checks declare their params with:
 *   type (a name or an array of names: string number integer boolean object
 *   array null), properties, required, enum, default, items,
 *   additionalProperties (false by default for objects with "properties":
 *   a param the check does not know is an error), minimum, maximum,
 *   description, and "x-wsc-deferred": true (variables inside are expanded by
 *   the check at run time, not by the core).
 */
#ifndef WSC_SCHEMA_H
#define WSC_SCHEMA_H

#include <json-c/json.h>

/* Checks that a schema uses only the supported subset. NULL or a malloc'ed
 * message. */
char *wsc_schema_check(const struct json_object *schema);

/* Validates `value` against `schema`. Returns NULL when valid, else a
 * malloc'ed message; *where (if not NULL) is set to a malloc'ed JSON pointer,
 * relative to `value`, of the offending member (for error positions).
 * String values containing "${" are accepted for any type when
 * `lenient_vars` is set (their value is only known at run time). */
char *wsc_schema_validate(const struct json_object *schema,
                          const struct json_object *value, int lenient_vars,
                          char **where);

/* Returns a deep copy of `value` with the schema's defaults filled in. */
struct json_object *wsc_schema_apply_defaults(const struct json_object *schema,
                                              const struct json_object *value);

/* Is the property at this JSON pointer (relative to the params) deferred? */
int wsc_schema_is_deferred(const struct json_object *schema, const char *prop);

#endif
