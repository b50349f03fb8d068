/* JSON Pointer lookups (RFC 6901), for checks that read values out of
 * messages and outputs. */
#ifndef WSCHECK_JSON_POINTER_H
#define WSCHECK_JSON_POINTER_H

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Resolves ptr in doc. Borrowed; NULL when absent (or ptr is malformed). */
WSC_EXPORT struct json_object *wsc_json_pointer_get(struct json_object *doc,
                                                    const char *ptr);
/* Same, telling absent (0) from present (1, *out may be JSON null); -1 when
 * ptr is not a JSON pointer. */
WSC_EXPORT int wsc_json_pointer_find(const struct json_object *doc, const char *ptr,
                                     struct json_object **out);

#ifdef __cplusplus
}
#endif

#endif
