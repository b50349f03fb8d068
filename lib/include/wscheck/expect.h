/* A check's `expect` param: one object matched against the check's outputs
 * (see wscheck-plugin(7), "Conventions for checks").
 *
 * Each member of `expect` names an output and holds an expectation on it, in
 * the matcher's language (wscheck/match.h):
 *
 *   "expect": {"status": [200, 204],
 *              "headers": {"Content-Type": {"$regex": "^application/json"}},
 *              "json": {"ok": true}}
 *
 * The same rules hold in every check that uses these helpers:
 *   - codes (members `status` and `close_code`) take a number, a list of
 *     numbers (one of them, as {"$in": [...]}) or a matcher;
 *   - names under `headers` are case-insensitive, on both sides;
 *   - an output that the check did not produce is missing
 *     ("/json: missing (expected ...)");
 *   - every member that does not match is reported, each as
 *     "/MEMBER/...: expected X, got Y".
 *
 * A check whose defaults assert something when `expect` says nothing (the
 * http checks' "status below 400", ws-basic handshake's 101) passes them as
 * `defaults`: members used for the names `expect` does not give.
 *
 *   static const char schema[] = "{\"type\":\"object\",\"properties\":{"
 *       WSC_EXPECT_PARAM("What the answer must be",
 *                        WSC_EXPECT_STATUS("101") "," WSC_EXPECT_HEADERS) "}}";
 *   ...
 *   wsc_expect(ctx, wsc_param(params, "expect"), defaults, outputs);
 */
#ifndef WSCHECK_EXPECT_H
#define WSCHECK_EXPECT_H

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Schema fragments ------------------------------------------------------ */

/* The `expect` param's schema member, for a check's params_schema: MEMBERS
 * are property schemas such as WSC_EXPECT_STATUS("2xx") "," WSC_EXPECT_JSON
 * (names not listed are refused as unknown keys, so that a typo is caught
 * before the run). */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define WSC_EXPECT_PARAM(DESCRIPTION, MEMBERS)                                 \
    "\"expect\":{\"type\":\"object\",\"x-wsc-expect\":true,\"description\":\"" \
    DESCRIPTION " (each member optional; see wscheck-scenario(5))\","          \
    "\"properties\":{" MEMBERS "}}"

/* An HTTP status; DEFAULT says what passes when it is not given. */
#define WSC_EXPECT_STATUS(DEFAULT)                                             \
    "\"status\":{\"type\":[\"integer\",\"array\",\"object\"],\"description\":" \
    "\"HTTP status: a number, a list of numbers (one of them) or a matcher "  \
    "(default: " DEFAULT ")\"}"

#define WSC_EXPECT_HEADERS                                                     \
    "\"headers\":{\"type\":\"object\",\"description\":"                        \
    "\"Matcher on the response headers; names are case-insensitive, "         \
    "repeated headers are joined with ', '\"}"

#define WSC_EXPECT_BODY                                                        \
    "\"body\":{\"type\":[\"string\",\"object\"],\"description\":"              \
    "\"The body text, or a matcher on it such as "                            \
    "{\\\"$contains\\\": \\\"ok\\\"}\"}"

#define WSC_EXPECT_JSON                                                        \
    "\"json\":{\"description\":\"Matcher on the body parsed as JSON\"}"

#define WSC_EXPECT_SUBPROTOCOL                                                 \
    "\"subprotocol\":{\"type\":[\"string\",\"null\",\"object\"],"              \
    "\"description\":\"The subprotocol the server selected; null: none\"}"

/* Any other output, by name. */
#define WSC_EXPECT_OUTPUT(NAME, DESCRIPTION)                                   \
    "\"" NAME "\":{\"description\":\"" DESCRIPTION "\"}"
/* clang-format on */

/* ---- Matching -------------------------------------------------------------- */

/* Checks that `expect` (NULL: none) is an object of well-formed
 * expectations (wsc_match_check() on each, after the rules above; two
 * header names differing only in case are refused). Returns NULL, or a
 * malloc'ed "POINTER: problem" message, POINTER relative to `expect` ("/"
 * for expect itself), e.g. "/status/$in: $in needs a non-empty array ...". */
WSC_EXPORT char *wsc_expect_check(const struct json_object *expect);

/* The same, reported: wsc_error(ctx, "expect/status: ...") and -1 when
 * malformed, else 0. Call it before any I/O, so that a broken expectation
 * is an error rather than a failure of the server. */
WSC_EXPORT int wsc_expect_valid(struct wsc_ctx *ctx, const struct json_object *expect);

/* Matches `expect` (and the members of `defaults` it does not give; either
 * may be NULL) against `outputs` (an object; NULL: no outputs). Returns the
 * number of members that do not match; when msg is not NULL, *msg is set to
 * their messages joined with "; " (malloc'ed; NULL when all match). */
WSC_EXPORT int wsc_expect_match(const struct json_object *expect,
                                const struct json_object *defaults,
                                const struct json_object *outputs, char **msg);

/* The same, each mismatch reported with wsc_fail(). Returns the number of
 * mismatches. */
WSC_EXPORT int wsc_expect(struct wsc_ctx *ctx, const struct json_object *expect,
                          const struct json_object *defaults,
                          const struct json_object *outputs);

#ifdef __cplusplus
}
#endif

#endif
