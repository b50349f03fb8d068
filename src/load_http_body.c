/* Response bodies as the expectations see them: JSON when they are. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <wscheck/json.h>

#include "load_http.h"

int wsc_load_http_is_json_type(const char *content_type)
{
    if (!content_type)
        return 0;
    /* application/json, application/problem+json, text/json, ... */
    size_t n = strcspn(content_type, ";");
    for (size_t i = 0; i + 4 <= n; i++)
        if (strncasecmp(content_type + i, "json", 4) == 0)
            return 1;
    return 0;
}

struct json_object *wsc_load_http_json(const char *s, size_t len)
{
    if (!s || len == 0 || len > INT32_MAX || memchr(s, '\0', len))
        return NULL;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *j = json_tokener_parse_ex(tok, s, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (j && e == json_tokener_success && used < len &&
           isspace((unsigned char)s[used]))
        used++;
    if (j && e == json_tokener_success && used == len)
        return j;
    json_object_put(j);
    return NULL;
}
