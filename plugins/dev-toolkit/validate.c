/* Validate callbacks of the dev-toolkit checks: what their schemas cannot
 * say. */
#include "checks.h"

void dt_validate_endpoint(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *url = NULL, *command = NULL;
    int has_url = json_object_object_get_ex(params, "url", &url);
    int has_command = json_object_object_get_ex(params, "command", &command);
    if (!has_url && !has_command)
        wsc_invalid(v, "",
                    "give the server's url (ws://, wss://, http://, https:// or "
                    "stdio:COMMAND) or its command");
    else if (has_url && has_command)
        wsc_invalid(v, "/command", "give either url or command, not both");
}
