/* Small JSON helpers shared by the core (see json_util.h). */
#include "json_util.h"

int wsc_json_put(struct json_object *obj, const char *key, struct json_object *value,
                 int nullable)
{
    if (!value && !nullable)
        return -1;
    if (json_object_object_add(obj, key, value) != 0) {
        json_object_put(value);
        return -1;
    }
    return 0;
}
