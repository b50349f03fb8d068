/* Grafana's variables in a dashboard's queries, replaced by values that
 * make the query what Grafana would send, so that Prometheus can judge it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

/* Grafana's global variables: intervals and ranges as Grafana computes them
 * for a dashboard showing the last hour. */
static const char *const globals[][2] = {
    {"__interval", "1m"},        {"__interval_ms", "60000"},
    {"__rate_interval", "5m"},   {"__rate_interval_ms", "300000"},
    {"__range", "1h"},           {"__range_s", "3600"},
    {"__range_ms", "3600000"},   {"__auto", "1m"},
    {"__from", "1700000000000"}, {"__to", "1700003600000"},
};

static int add(struct json_object *vars, const char *name, const char *value)
{
    struct json_object *s = json_object_new_string(value);
    return s ? json_object_object_add(vars, name, s) : -1;
}

/* "(a|b)" for several values, as Grafana formats a multi-value variable in a
 * Prometheus query; the one value alone. */
static char *join_values(struct json_object *list, const char *all)
{
    size_t n = prom_len(list), len = 3;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(list, i));
        if (v && strcmp(v, "$__all") == 0)
            return strdup(all);
        len += (v ? strlen(v) : 0) + 1;
    }
    if (n == 1)
        return strdup(json_object_get_string(json_object_array_get_idx(list, 0)) ?: "");
    char *out = malloc(len);
    if (!out)
        return NULL;
    strcpy(out, "(");
    for (size_t i = 0; i < n; i++) {
        strcat(out, i ? "|" : "");
        strcat(out, json_object_get_string(json_object_array_get_idx(list, i)) ?: "");
    }
    strcat(out, ")");
    return out;
}

/* The first of a comma-separated list of options (custom and interval
 * variables), trimmed. */
static char *first_option(const char *query)
{
    while (*query == ' ')
        query++;
    size_t len = strcspn(query, ",");
    while (len > 0 && query[len - 1] == ' ')
        len--;
    return strndup(query, len);
}

/* The value Grafana would use for one templating variable. */
static char *variable_value(struct json_object *var)
{
    struct json_object *current = json_object_object_get(var, "current");
    struct json_object *value = json_object_object_get(current, "value");
    const char *all = json_object_get_string(json_object_object_get(var, "allValue"));
    if (!all || !*all)
        all = ".*";
    if (json_object_is_type(value, json_type_array) && prom_len(value) > 0)
        return join_values(value, all);
    if (json_object_is_type(value, json_type_string)) {
        const char *v = json_object_get_string(value);
        return strdup(strcmp(v, "$__all") == 0 ? all : v);
    }
    const char *type = json_object_get_string(json_object_object_get(var, "type"));
    const char *query = json_object_get_string(json_object_object_get(var, "query"));
    if (type && strcmp(type, "interval") == 0)
        return query && *query ? first_option(query) : strdup("1m");
    if (type && query &&
        (strcmp(type, "custom") == 0 || strcmp(type, "constant") == 0 ||
         strcmp(type, "textbox") == 0))
        return first_option(query);
    /* A query variable never evaluated: any value of its label. */
    return strdup(".*");
}

struct json_object *dash_variables(const struct json_object *dashboard,
                                   const struct json_object *overrides)
{
    struct json_object *vars = json_object_new_object();
    for (size_t i = 0; vars && i < sizeof globals / sizeof globals[0]; i++)
        if (add(vars, globals[i][0], globals[i][1]) != 0)
            goto oom;
    struct json_object *list = json_object_object_get(
        json_object_object_get((struct json_object *)dashboard, "templating"), "list");
    for (size_t i = 0; vars && i < prom_len(list); i++) {
        struct json_object *var = json_object_array_get_idx(list, i);
        const char *name = json_object_get_string(json_object_object_get(var, "name"));
        if (!name || !*name)
            continue;
        char *value = variable_value(var);
        int rc = value ? add(vars, name, value) : -1;
        free(value);
        if (rc != 0)
            goto oom;
    }
    if (vars && overrides) {
        json_object_object_foreach((struct json_object *)overrides, key, val) {
            if (add(vars, key, json_object_get_string(val)) != 0)
                goto oom;
        }
    }
    return vars;
oom:
    json_object_put(vars);
    return NULL;
}

/* A growing string. */
struct buf {
    char *s;
    size_t len, cap;
    int oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *s2 = realloc(b->s, cap);
        if (!s2) {
            b->oom = 1;
            return;
        }
        b->s = s2;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    return n;
}

/* The variable reference at s, if there is one: its whole length (0: none),
 * and where its name starts and how long it is. */
static size_t reference(const char *s, const char **name, size_t *name_len)
{
    if (s[0] == '$' && s[1] == '{') {
        *name = s + 2;
        *name_len = word_len(*name);
        const char *close = strchr(*name, '}');
        if (*name_len == 0 || !close)
            return 0;
        const char *after = *name + *name_len;
        /* ${name}, ${name:format} or ${name.field} */
        if (after != close && *after != ':' && *after != '.')
            return 0;
        return (size_t)(close - s) + 1;
    }
    if (s[0] == '$') {
        *name = s + 1;
        *name_len = word_len(*name);
        return *name_len ? *name_len + 1 : 0;
    }
    if (s[0] == '[' && s[1] == '[') {
        *name = s + 2;
        *name_len = word_len(*name);
        const char *close = strstr(*name, "]]");
        const char *after = *name + *name_len;
        if (*name_len == 0 || !close || (after != close && *after != ':'))
            return 0;
        return (size_t)(close - s) + 2;
    }
    return 0;
}

/* Whether an unknown name is worth reporting: not $1 (a regex group of
 * label_replace) nor one of Grafana's own __ names. */
static int reportable(const char *name, size_t len)
{
    size_t digits = 0;
    while (digits < len && isdigit((unsigned char)name[digits]))
        digits++;
    return digits < len && !(len >= 2 && name[0] == '_' && name[1] == '_');
}

char *dash_substitute(const char *expr, const struct json_object *vars, char **unknown)
{
    struct buf b = {0};
    put(&b, "", 0);
    for (const char *p = expr; *p;) {
        const char *name = NULL;
        size_t name_len = 0, len = reference(p, &name, &name_len);
        if (len == 0) {
            put(&b, p++, 1);
            continue;
        }
        char *key = strndup(name, name_len);
        struct json_object *value = NULL;
        if (key && json_object_object_get_ex(vars, key, &value)) {
            const char *v = json_object_get_string(value);
            put(&b, v, strlen(v));
        } else {
            put(&b, p, len);
            if (key && unknown && !*unknown && reportable(name, name_len))
                *unknown = strdup(key);
        }
        b.oom |= !key;
        free(key);
        p += len;
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
