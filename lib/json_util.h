/* Small JSON helpers shared by the core: adding members that may fail, and
 * the words messages use for values and their types. */
#ifndef WSC_JSON_UTIL_H
#define WSC_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <wscheck/json.h>

/* Adds key = value to obj, taking value (it is freed when adding fails). A
 * NULL value is written as JSON null when `nullable`, and is otherwise taken
 * for an allocation failure. Returns 0, or -1 when nothing was added. */
int wsc_json_put(struct json_object *obj, const char *key, struct json_object *value,
                 int nullable);

/* Is name one of those seven type names? */
int wsc_json_is_type_name(const char *name);

/* v as compact JSON text, slashes unescaped, for messages. The text belongs
 * to v (json-c keeps it with the value). */
const char *wsc_json_text(const struct json_object *v);

/* How deep a check's report and a worker's results may nest: a value from
 * the wire (up to WSC_JSON_MAX_DEPTH) sits a few levels down in them. */
#define WSC_JSON_REPORT_DEPTH (WSC_JSON_MAX_DEPTH + 64)

/* Parses the whole of text (len bytes) written by another wscheck process:
 * a check's report or a worker's results. Returns the value, or NULL with
 * *why saying what was wrong ("empty", "nested deeper than N", json-c's
 * description; static or thread-local text). */
struct json_object *wsc_json_parse_report(const char *text, size_t len, const char **why);

/* A matcher written as operators only ({"$lt": 5}, {"$in": [...]}): a
 * non-empty object whose every key starts with '$'. */
int wsc_json_is_operator_object(const struct json_object *v);

/* Does a Content-Type header value declare JSON? Any media type whose name
 * (the part before ';') holds "json", case-insensitively: application/json,
 * application/problem+json, text/json, and also application/jsonx. NULL is
 * not JSON. */
int wsc_json_is_content_type(const char *content_type);

/* The longest body wsc_json_parse_body takes: json-c counts in int. */
#define WSC_JSON_BODY_MAX ((size_t)INT32_MAX)

/* Strict parse of a whole HTTP body or SSE data (len bytes of s): one JSON
 * value, white space after it allowed, nothing else; no NUL byte; nesting
 * limited as every wire value is (<wscheck/json.h>). Bodies longer than
 * max_len (at most WSC_JSON_BODY_MAX) are refused. Returns the value, or
 * NULL and, when why is not NULL, sets *why to an allocated sentence saying
 * what was wrong (left NULL when memory ran out). */
struct json_object *wsc_json_parse_body(const char *s, size_t len, size_t max_len,
                                        char **why);

#endif
