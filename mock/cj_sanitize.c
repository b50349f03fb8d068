/* wscheck-mock: format_secure_status(..., "standard") of crackerjack. */
#include "cj_sanitize.h"

#include <stdbool.h>
#include <string.h>

#include "cj_json.h"
#include "jsonout.h"
#include "timefmt.h"

static const char *const dropped[] = {"progress_dir", "traceback"};
static const char *const masked[] = {"websocket_url", "monitor_url", "project_path",
                                     "token",         "secret",      "password",
                                     "auth",          "api_key"};

static bool listed(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

json_object *cj_mask(const char *s)
{
    size_t n = strlen(s);
    struct printbuf *pb = printbuf_new();
    json_object *out;

    if (!pb)
        return NULL;
    if (n <= 4) {
        for (size_t i = 0; i < n; i++)
            printbuf_memappend(pb, "*", 1);
    } else {
        printbuf_memappend(pb, s, 2);
        for (size_t i = 0; i < n - 4; i++)
            printbuf_memappend(pb, "*", 1);
        printbuf_memappend(pb, s + n - 2, 2);
    }
    out = json_object_new_string_len(pb->buf ? pb->buf : "", pb->bpos);
    printbuf_free(pb);
    return out;
}

static bool path_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '/' || c == '-';
}

/* Runs matching /[A-Za-z0-9_./-]+ longer than 3 characters become
 * [REDACTED_PATH], unless they start with root. */
static json_object *redact(const char *s, const char *root)
{
    struct printbuf *pb = printbuf_new();
    size_t rootlen = strlen(root);
    json_object *out;

    if (!pb)
        return NULL;
    while (*s) {
        size_t n = 0;

        if (*s == '/')
            while (s[1 + n] && path_char(s[1 + n]))
                n++;
        if (*s != '/' || n == 0) {
            printbuf_memappend(pb, s, 1);
            s++;
            continue;
        }
        n++; /* the slash */
        if (n > 3 && !(rootlen && strncmp(s, root, rootlen) == 0))
            printbuf_strappend(pb, "[REDACTED_PATH]");
        else
            printbuf_memappend(pb, s, (int)n);
        s += n;
    }
    out = json_object_new_string_len(pb->buf ? pb->buf : "", pb->bpos);
    printbuf_free(pb);
    return out;
}

static void walk(json_object *v, const char *root);

static void walk_object(json_object *obj, const char *root)
{
    char *drop[8];
    size_t n_drop = 0;

    json_object_object_foreach(obj, key, val) {
        if (listed(key, dropped, sizeof(dropped) / sizeof(*dropped))) {
            if (n_drop < sizeof(drop) / sizeof(*drop))
                drop[n_drop++] = key;
        } else if (json_object_is_type(val, json_type_string)) {
            const char *s = json_object_get_string(val);

            mock_json_add(obj, key,
                          listed(key, masked, sizeof(masked) / sizeof(*masked))
                              ? cj_mask(s)
                              : redact(s, root));
        } else {
            walk(val, root);
        }
    }
    for (size_t i = 0; i < n_drop; i++)
        json_object_object_del(obj, drop[i]);
}

static void walk(json_object *v, const char *root)
{
    if (json_object_is_type(v, json_type_object)) {
        walk_object(v, root);
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *item = json_object_array_get_idx(v, i);

            if (json_object_is_type(item, json_type_string))
                json_object_array_put_idx(v, i,
                                          redact(json_object_get_string(item), root));
            else
                walk(item, root);
        }
    }
}

json_object *cj_security_member(void)
{
    json_object *sec = json_object_new_object();

    if (!sec)
        return NULL;
    mock_json_add(sec, "sanitized", json_object_new_boolean(1));
    mock_json_add(sec, "verbosity", json_object_new_string("standard"));
    mock_json_add(sec, "timestamp", cj_json_epoch(mock_wall_us()));
    return sec;
}

void cj_sanitize(json_object *obj, const char *root)
{
    walk(obj, root);
    mock_json_add(obj, "_security", cj_security_member());
}
