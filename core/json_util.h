/* Small JSON helpers shared by the core: adding members that may fail. */
#ifndef WSC_JSON_UTIL_H
#define WSC_JSON_UTIL_H

#include <json-c/json.h>

/* Adds key = value to obj, taking value (it is freed when adding fails). A
 * NULL value is written as JSON null when `nullable`, and is otherwise taken
 * for an allocation failure. Returns 0, or -1 when nothing was added. */
int wsc_json_put(struct json_object *obj, const char *key, struct json_object *value,
                 int nullable);

#endif
