/* wscheck-mock: how replies are serialised. */
#ifndef WSCHECK_MOCK_JSONOUT_H
#define WSCHECK_MOCK_JSONOUT_H

#include <json-c/json.h>

/* Compact, and "/" left alone (json-c escapes it by default). */
#define MOCK_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Adds key to obj, dropping val if obj cannot take it (out of memory). */
static inline void mock_json_add(json_object *obj, const char *key, json_object *val)
{
    if (json_object_object_add(obj, key, val) != 0)
        json_object_put(val);
}

/* Appends val to arr; returns 0, or -1 (val dropped) if out of memory. */
static inline int mock_json_append(json_object *arr, json_object *val)
{
    if (json_object_array_add(arr, val) != 0) {
        json_object_put(val);
        return -1;
    }
    return 0;
}

#endif
