/* JSON in HTTP bodies and SSE data, as `wscheck run` checks and the load
 * engine both read them (see json_util.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/json.h>

#include "json_util.h"
#include "util.h"

int wsc_json_is_content_type(const char *content_type)
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

static void say(char **why, char *text)
{
    if (why)
        *why = text;
    else
        free(text);
}

/* Whether the tokener's value covers the whole text but white space. */
static struct json_object *whole(struct json_object *j, const char *s, size_t len,
                                 size_t used, char **why)
{
    while (used < len && isspace((unsigned char)s[used]))
        used++;
    if (used == len)
        return j;
    json_object_put(j);
    say(why, wsc_strdup_printf("unexpected text after the JSON value at byte %zu", used));
    return NULL;
}

struct json_object *wsc_json_parse_body(const char *s, size_t len, size_t max_len,
                                        char **why)
{
    if (why)
        *why = NULL;
    if (!s || len == 0) {
        say(why, strdup("the body is empty"));
        return NULL;
    }
    if (max_len > WSC_JSON_BODY_MAX)
        max_len = WSC_JSON_BODY_MAX;
    if (len > max_len) {
        say(why, wsc_strdup_printf("the body is longer than %zu bytes", max_len));
        return NULL;
    }
    if (memchr(s, '\0', len)) {
        say(why, strdup("the body holds a NUL byte"));
        return NULL;
    }
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *j = json_tokener_parse_ex(tok, s, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    char *desc =
        why ? wsc_strdup_printf("%s at byte %zu", wsc_json_error_desc(tok, e), used)
            : NULL;
    json_tokener_free(tok);
    if (j && e == json_tokener_success) {
        free(desc);
        return whole(j, s, len, used, why);
    }
    json_object_put(j);
    if (e == json_tokener_continue) {
        free(desc);
        say(why, strdup("the JSON text ends early"));
    } else {
        say(why, desc);
    }
    return NULL;
}
