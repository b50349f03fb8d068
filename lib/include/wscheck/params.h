/* Reading a check's params (see wscheck-plugin(7), "Conventions for checks").
 *
 * By the time a check runs, the runner has validated its params against the
 * check's schema and filled in the schema's defaults, so a getter mostly
 * reads what is there. The fallback `dflt` covers what the schema leaves
 * optional without a default, and checks called from elsewhere (unit tests,
 * other checks) with fewer params. A JSON null counts as absent; a value of
 * another type than asked for gives the fallback too (the schema said what
 * the type is, so this only happens to a check that is misused).
 *
 *   long count = (long)wsc_param_int(params, "count", 5);
 *   double within = wsc_param_number(params, "within", 2.0);
 *   const struct json_object *expect = wsc_param_object(params, "expect");
 */
#ifndef WSCHECK_PARAMS_H
#define WSCHECK_PARAMS_H

#include <stdint.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* params[key] of any type; NULL when absent or null. Borrowed. */
WSC_EXPORT struct json_object *wsc_param(const struct json_object *params,
                                         const char *key);
/* A string (borrowed from params), else dflt. */
WSC_EXPORT const char *wsc_param_string(const struct json_object *params, const char *key,
                                        const char *dflt);
/* A number, integer or not, else dflt. */
WSC_EXPORT double wsc_param_number(const struct json_object *params, const char *key,
                                   double dflt);
/* An integer, else dflt (a number with a fraction is not an integer). */
WSC_EXPORT int64_t wsc_param_int(const struct json_object *params, const char *key,
                                 int64_t dflt);
/* A boolean as 0 or 1, else dflt. */
WSC_EXPORT int wsc_param_bool(const struct json_object *params, const char *key,
                              int dflt);
/* An object or an array (borrowed), else NULL. */
WSC_EXPORT struct json_object *wsc_param_object(const struct json_object *params,
                                                const char *key);
WSC_EXPORT struct json_object *wsc_param_array(const struct json_object *params,
                                               const char *key);

#ifdef __cplusplus
}
#endif

#endif
