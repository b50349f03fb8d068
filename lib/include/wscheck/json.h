/* Parsing JSON that comes from outside (a server, a file, a child check)
 * with one nesting limit.
 *
 * json-c's default tokener stops at 32 levels, so deeper but legitimate
 * documents would read as "not JSON". Every tokener the library, the runner
 * and the plugins make comes from wsc_json_tokener_new(), and a document
 * deeper than the limit is reported as "nested deeper than N", never as a
 * syntax error.
 *
 *   struct json_tokener *tok = wsc_json_tokener_new();
 *   struct json_object *v = json_tokener_parse_ex(tok, text, (int)len);
 *   enum json_tokener_error e = json_tokener_get_error(tok);
 *   if (e != json_tokener_success)
 *       wsc_fail(ctx, "not JSON: %s", wsc_json_error_desc(e));
 */
#ifndef WSCHECK_JSON_H
#define WSCHECK_JSON_H

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The deepest nesting (arrays and objects) a document may have. */
#define WSC_JSON_MAX_DEPTH 1000

/* A tokener for at most `depth` levels (<= 0: WSC_JSON_MAX_DEPTH); NULL
 * when out of memory. Free it with json_tokener_free(). */
WSC_EXPORT struct json_tokener *wsc_json_tokener_new_depth(int depth);
/* A tokener for at most WSC_JSON_MAX_DEPTH levels. */
static inline struct json_tokener *wsc_json_tokener_new(void)
{
    return wsc_json_tokener_new_depth(0);
}

/* What went wrong, for a message: json-c's description, except that a
 * depth error reads "nested deeper than N" with the tokener's limit. */
WSC_EXPORT const char *wsc_json_error_desc(const struct json_tokener *tok,
                                           enum json_tokener_error e);

/* The type of a value as schemas, $type and messages name it: "string",
 * "integer", "number" (a double), "boolean", "object", "array" or "null"
 * (NULL is JSON null). */
WSC_EXPORT const char *wsc_json_type_name(const struct json_object *v);
/* Is v of the type called name? "number" takes integers too. */
WSC_EXPORT int wsc_json_has_type(const struct json_object *v, const char *name);

#ifdef __cplusplus
}
#endif

#endif
