/* The shared expectation matcher (see wscheck-scenario(5), "Expectations").
 *
 * An expected object matches when each of its keys matches (extra keys in the
 * actual value are fine); arrays match element by element and must have the
 * same length; scalars match exactly (numbers numerically, so 5 equals 5.0;
 * strings byte for byte). An object whose keys all start with '$' is an
 * operator object, and every operator in it must hold:
 *   {"$regex": "^py"}      a string matching a POSIX extended regex
 *   {"$type": "integer"}   string, number (integer or not), integer, boolean,
 *                          object, array or null
 *   {"$exists": true}      present (any value, null included); false: absent
 *   {"$gt": n} {"$gte": n} {"$lt": n} {"$lte": n}   a number compared with n
 *   {"$contains": v}       an array with an element matching v, or a string
 *                          containing the string v
 *   {"$len": n}            a string of n characters (UTF-8 code points), an
 *                          array of n elements or an object of n keys
 *   {"$any": true}         present with any value; false: no constraint, the
 *                          key may even be absent
 *   {"$in": [200, 204]}    one of these: each element is an expectation
 *                          (a value or an operator object) and one must
 *                          match, e.g. {"$in": [1000, 1001, {"$gte": 4000}]}
 *   {"$json": e}           a string holding one JSON value (whitespace
 *                          around it allowed) whose parsed value matches the
 *                          expectation e; paths inside continue after
 *                          "$json": /text/$json/type
 * A key that the actual value lacks fails unless its expectation accepts an
 * absent value ({"$exists": false}, {"$any": false}).
 *
 * Mismatch messages name the JSON Pointer (RFC 6901) of the value and show
 * values as compact JSON, cut to about 200 characters:
 *   /server_info/capabilities/2: expected "broadcast", got "get_stats"
 *   /type: missing (expected "pong")
 *   /count: expected > 5, got 3
 *   /name: expected to match /^py/, got "node"
 *   /items: expected length 3, got 2
 *   /tags: expected 2 elements, got 3
 *   /: expected type integer, got string "x"
 *   /status: expected one of [200,204], got 500
 *   /text: expected a string holding JSON, got "hi" (not JSON: unexpected character)
 * Shown values follow wscheck/render.h (control characters escaped).
 */
#ifndef WSCHECK_MATCH_H
#define WSCHECK_MATCH_H

#include <json-c/json.h>

#include <wscheck/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 1 when `actual` matches `expected`, else 0. A NULL `actual` is an
 * absent value (inside objects and arrays a JSON null is told apart from an
 * absent key). On a mismatch, when msg is not NULL, *msg is set to a
 * malloc'ed message naming the JSON path under `path` (a JSON Pointer
 * prefix; NULL or "" for the root, shown as "/"), e.g.
 * `/server_info/capabilities/2: expected "broadcast", got "get_stats"`.
 * A malformed expectation (see wsc_match_check()) never matches; its message
 * says what is wrong with it. On a match *msg is set to NULL. */
WSC_EXPORT int wsc_match(const struct json_object *expected,
                         const struct json_object *actual, const char *path, char **msg);

/* Checks that an expectation is well formed: known operators, arguments of
 * the right type ($len a non-negative integer, $type a known type name,
 * $regex a string that compiles, $exists and $any booleans, comparisons
 * numbers, $in a non-empty array, $json any expectation), no operator mixed with plain keys,
 * recursively (the values of $contains and $in included). Returns NULL when
 * it is, else a malloc'ed message naming the JSON Pointer of the offending
 * object in the expectation, e.g. `/a: unknown operator $foo`. */
WSC_EXPORT char *wsc_match_check(const struct json_object *expected);

#ifdef __cplusplus
}
#endif

#endif
