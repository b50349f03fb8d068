/* The paginated list methods of MCP (tools/list, resources/list,
 * prompts/list...): every page, following nextCursor. */
#include <string.h>

#include "checks.h"

/* Pages beyond this are a server that never stops paginating. */
#define DT_MAX_PAGES 1000

static int seen_string(struct json_object *set, const char *s)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(set, s, &v);
}

/* Appends the page's items, failing on a repeated id; 0 or -1. */
static int add_items(struct wsc_ctx *ctx, const char *method, struct json_object *page,
                     const char *key, const char *id_key, struct json_object *items,
                     struct json_object *ids)
{
    struct json_object *list = NULL;
    if (!json_object_object_get_ex(page, key, &list) ||
        !json_object_is_type(list, json_type_array)) {
        wsc_fail(ctx, "%s: the result has no array \"%s\"", method, key);
        return -1;
    }
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(list, i);
        struct json_object *id = NULL;
        if (json_object_object_get_ex(item, id_key, &id) &&
            json_object_is_type(id, json_type_string)) {
            const char *s = json_object_get_string(id);
            if (seen_string(ids, s)) {
                wsc_fail(ctx, "%s: %s \"%s\" is listed twice", method, id_key, s);
                return -1;
            }
            json_object_object_add(ids, s, NULL);
        }
        json_object_array_add(items, json_object_get(item));
    }
    return 0;
}

/* The next cursor into *cursor (borrowed from page; NULL at the end), or
 * -1 on a cursor that is not a string or was seen before. */
static int next_cursor(struct wsc_ctx *ctx, const char *method, struct json_object *page,
                       struct json_object *cursors, const char **cursor)
{
    struct json_object *next = NULL;
    *cursor = NULL;
    if (!json_object_object_get_ex(page, "nextCursor", &next) || !next)
        return 0;
    if (!json_object_is_type(next, json_type_string)) {
        wsc_fail(ctx, "%s: nextCursor is not a string", method);
        return -1;
    }
    const char *s = json_object_get_string(next);
    if (seen_string(cursors, s)) {
        wsc_fail(ctx, "%s: nextCursor \"%s\" was given before: the pages loop", method,
                 s);
        return -1;
    }
    json_object_object_add(cursors, s, NULL);
    *cursor = s;
    return 0;
}

static struct json_object *page_params(const char *cursor)
{
    if (!cursor)
        return NULL;
    struct json_object *p = json_object_new_object();
    if (p)
        json_object_object_add(p, "cursor", json_object_new_string(cursor));
    return p;
}

int dt_list_all(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                const char *key, const char *id_key, struct json_object **items,
                int *pages)
{
    struct json_object *ids = json_object_new_object();
    struct json_object *cursors = json_object_new_object();
    *items = json_object_new_array();
    *pages = 0;
    int rc = (ids && cursors && *items) ? 0 : -1;
    if (rc != 0)
        wsc_error(ctx, "out of memory");
    struct json_object *resp = NULL;
    const char *cursor = NULL;
    while (rc == 0) {
        if (*pages >= DT_MAX_PAGES) {
            wsc_fail(ctx, "%s: more than %d pages", method, DT_MAX_PAGES);
            rc = -1;
            break;
        }
        struct json_object *prev = resp;
        resp = NULL;
        /* cursor points into prev: build the params before freeing it */
        enum wsc_mcp_result r = wsc_mcp_request(m, method, page_params(cursor), 0, &resp);
        json_object_put(prev);
        if (r != WSC_MCP_OK) {
            dt_fail(ctx, m, method);
            rc = -1;
            break;
        }
        (*pages)++;
        struct json_object *page = NULL;
        json_object_object_get_ex(resp, "result", &page);
        if (add_items(ctx, method, page, key, id_key, *items, ids) != 0 ||
            next_cursor(ctx, method, page, cursors, &cursor) != 0)
            rc = -1;
        else if (!cursor)
            break;
    }
    json_object_put(resp);
    json_object_put(ids);
    json_object_put(cursors);
    if (rc != 0) {
        json_object_put(*items);
        *items = NULL;
    }
    return rc;
}
