/* Validate callbacks of the http checks: what their schemas cannot say. */
#include "checks.h"

void http_validate_request(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *body = NULL, *json = NULL;
    if (json_object_object_get_ex(params, "body", &body) &&
        json_object_object_get_ex(params, "json", &json))
        wsc_invalid(v, "/json",
                    "give either body or json, not both (json sets the body)");
}
