/* JSON Schema in libwscheck, in two modes.
 *
 * Params mode (wsc_schema_check, wsc_schema_validate*, defaults): the strict
 * subset checks declare their params with:
 *   type (a name or an array of names: string number integer boolean object
 *   array null), properties, required, enum, default, items,
 *   additionalProperties (false by default for objects with "properties":
 *   a param the check does not know is an error; true, false or a schema),
 *   minimum, maximum, minLength, maxLength, minItems, maxItems,
 *   description, title, examples, $comment (annotations),
 *   "x-wsc-deferred": true (variables inside are expanded by the check at run
 *   time, not by the core) and "x-wsc-expect": true (the value is an
 *   expectation for the matcher, checked with wsc_match_check()).
 *
 * "integer" accepts JSON integers only (5, not 5.0); "number" accepts both.
 * Messages name the offending value by a dotted path rooted at "params":
 *   params.port: expected integer, got string
 *   params: unknown param 'prot' (known: host, port, ports)
 *   params: missing required param 'port'
 *   params.method: expected one of "GET", "POST", got "FETCH"
 */
#ifndef WSC_SCHEMA_H
#define WSC_SCHEMA_H

#include <json-c/json.h>

#include "wscheck/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks that a schema uses only the supported subset, and that its
 * defaults satisfy it. NULL or a malloc'ed message. */
WSC_EXPORT char *wsc_schema_check(const struct json_object *schema);

/* Validates `value` against `schema`. Returns NULL when valid, else a
 * malloc'ed message (the first problem); *where (if not NULL) is set to a
 * malloc'ed JSON pointer, relative to `value`, of the offending member (for
 * error positions). String values containing "${" are accepted for any type
 * when `lenient_vars` is set (their value is only known at run time), and
 * always inside "x-wsc-deferred" params. */
WSC_EXPORT char *wsc_schema_validate(const struct json_object *schema,
                                     const struct json_object *value, int lenient_vars,
                                     char **where);

/* One problem: the message, the JSON pointer (relative to the value) of the
 * offending member, and whether the member's name (an unknown key) rather
 * than its value is at fault. */
typedef void (*wsc_schema_error_fn)(const char *msg, const char *where, int at_key,
                                    void *arg);
/* Like wsc_schema_validate() but reports every problem. Returns their
 * number. */
WSC_EXPORT int wsc_schema_validate_each(const struct json_object *schema,
                                        const struct json_object *value, int lenient_vars,
                                        wsc_schema_error_fn fn, void *arg);

/* Returns a deep copy of `value` with the schema's defaults filled in
 * (members of objects, at any depth). NULL value: a copy of the schema's
 * default, or NULL. NULL also when out of memory. */
WSC_EXPORT struct json_object *wsc_schema_apply_defaults(const struct json_object *schema,
                                                         const struct json_object *value);

/* Is the property at this JSON pointer (relative to the params) deferred,
 * i.e. is it or one of its parents marked "x-wsc-deferred"? A string without
 * a leading '/' is taken as the name of one top-level param. */
WSC_EXPORT int wsc_schema_is_deferred(const struct json_object *schema, const char *prop);

/* The schema of an object member (properties, else an additionalProperties
 * schema) and of array elements; NULL when there is none. Borrowed. */
WSC_EXPORT const struct json_object *wsc_schema_member(const struct json_object *schema,
                                                       const char *key);
WSC_EXPORT const struct json_object *wsc_schema_items(const struct json_object *schema);
/* Is the boolean keyword (e.g. "x-wsc-expect") true in this schema? */
WSC_EXPORT int wsc_schema_flag(const struct json_object *schema, const char *keyword);
/* Does the schema's type allow a string but no number? */
WSC_EXPORT int wsc_schema_wants_text(const struct json_object *schema);

/* Instance mode: JSON Schema semantics, as for an MCP tool's outputSchema
 * applied to its structuredContent (draft 2020-12, MCP's default dialect;
 * draft-07 spellings accepted too). Unknown keywords are annotations;
 * additionalProperties is true unless the schema says otherwise. Validated:
 * type (an integer-valued number is an "integer"), enum, const, the
 * boolean schemas true and false, $ref to "#", "#/$defs/NAME",
 * "#/definitions/NAME" or any JSON Pointer into the same schema, allOf,
 * anyOf, oneOf, not, if/then/else; minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum (a number, or a draft-04 boolean), multipleOf;
 * minLength, maxLength, pattern; items, prefixItems, additionalItems
 * (draft-07 tuple "items"), minItems, maxItems, uniqueItems, contains,
 * minContains, maxContains; properties, required, additionalProperties,
 * patternProperties, propertyNames, minProperties, maxProperties,
 * dependentRequired. "format" is an annotation. A "pattern" is an
 * ECMA-262 regular expression, approximated by a POSIX extended one
 * (regcomp REG_EXTENDED, matched anywhere): the class escapes \d \w \s
 * and their negations are translated; a pattern that still does not
 * compile (a lookaround, say) is not applied rather than guessed at.
 *
 * Each problem names the JSON Pointer of the offending member (relative to
 * the instance; "" is the instance itself) and the keyword:
 *   /items/0/id: type: expected "integer", got string
 *   /status: enum: expected one of "ok", "failed", got "done"
 * A $ref that refers back to a schema already being applied to the same
 * member is reported as a cycle, and nesting deeper than
 * WSC_SCHEMA_MAX_DEPTH schemas stops with a problem, so no schema loops;
 * nor does one that branches at every level (anyOf of $refs over a deep
 * value): after WSC_SCHEMA_MAX_STEPS schemas applied in all, validation
 * gives up with a problem saying so. */
#define WSC_SCHEMA_MAX_DEPTH 64
#define WSC_SCHEMA_MAX_STEPS 1000000

/* Reports every problem through fn (at_key: a member's name is at fault,
 * additionalProperties or propertyNames, and `where` is the pointer of the
 * object holding it); returns their number. */
WSC_EXPORT int wsc_schema_validate_instance_each(const struct json_object *schema,
                                                 const struct json_object *instance,
                                                 wsc_schema_error_fn fn, void *arg);
/* NULL when the instance conforms, else a malloc'ed message: the first
 * problem, "POINTER: KEYWORD: what", and "(and N more)" when there are. */
WSC_EXPORT char *wsc_schema_validate_instance(const struct json_object *schema,
                                              const struct json_object *instance);

#ifdef __cplusplus
}
#endif

#endif
