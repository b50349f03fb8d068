/* The shared expectation matcher (see wscheck-scenario(5), "Expectations").
 *
 * An expected object matches when each of its keys matches (extra keys in the
 * actual value are fine); arrays and scalars match exactly; an object whose
 * keys all start with '$' is an operator object:
 *   $regex (POSIX extended), $type, $exists, $gt, $gte, $lt, $lte,
 *   $contains (array element or substring), $len, $any.
 */
#ifndef WSCHECK_MATCH_H
#define WSCHECK_MATCH_H

#include <json-c/json.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 1 when `actual` (may be NULL: absent) matches `expected`, else 0.
 * On a mismatch, when msg is not NULL, *msg is set to a malloc'ed message
 * naming the JSON path under `path` (NULL or "" for the root), e.g.
 * `/server_info/capabilities/2: expected "broadcast", got "get_stats"`. */
int wsc_match(const struct json_object *expected, const struct json_object *actual,
              const char *path, char **msg);

/* Checks that an expectation is well formed (known operators, arguments of
 * the right type, regexes that compile). Returns NULL when it is, else a
 * malloc'ed message naming the path of the offending operator. */
char *wsc_match_check(const struct json_object *expected);

#ifdef __cplusplus
}
#endif

#endif
