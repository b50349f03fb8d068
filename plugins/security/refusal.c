/* What counts as a refusal: the statuses of a refused upgrade and the
 * close codes of an upgrade closed soon after, as the user configured. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

int sec_code_range(const char *text, int *lo, int *hi)
{
    char *end = NULL;
    errno = 0;
    long a = strtol(text, &end, 10);
    long b = a;
    if (errno != 0 || end == text)
        return -1;
    if (*end == '-') {
        const char *from = end + 1;
        b = strtol(from, &end, 10);
        if (errno != 0 || end == from)
            return -1;
    }
    if (*end != '\0' || a < 1000 || b > 4999 || a > b)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

/* One element of refuse_close_codes: an integer or a "FROM-TO" string. */
static int code_item(const struct json_object *item, int *lo, int *hi)
{
    if (json_object_is_type(item, json_type_int)) {
        int64_t c = json_object_get_int64(item);
        if (c < 1000 || c > 4999)
            return -1;
        *lo = *hi = (int)c;
        return 0;
    }
    if (json_object_is_type(item, json_type_string))
        return sec_code_range(json_object_get_string((struct json_object *)item), lo, hi);
    return -1;
}

static const char code_problem[] =
    "expected a close code 1000-4999 or a range such as \"4001-4999\"";

int sec_refusal_parse(const struct json_object *params, struct sec_refusal *r, char *err,
                      size_t err_size)
{
    struct json_object *statuses = NULL, *codes = NULL, *within = NULL;
    memset(r, 0, sizeof *r);
    r->within = 1.0;
    if (json_object_object_get_ex(params, "close_within", &within))
        r->within = json_object_get_double(within);
    if (json_object_object_get_ex(params, "refuse_statuses", &statuses)) {
        size_t n = json_object_array_length(statuses);
        if (n > SEC_MAX_STATUSES) {
            snprintf(err, err_size, "refuse_statuses: at most %d statuses",
                     SEC_MAX_STATUSES);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            r->statuses[r->n_statuses++] =
                (long)json_object_get_int64(json_object_array_get_idx(statuses, i));
    }
    if (json_object_object_get_ex(params, "refuse_close_codes", &codes)) {
        size_t n = json_object_array_length(codes);
        if (n > SEC_MAX_CODES) {
            snprintf(err, err_size, "refuse_close_codes: at most %d entries",
                     SEC_MAX_CODES);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            struct json_object *item = json_object_array_get_idx(codes, i);
            if (code_item(item, &r->code_lo[r->n_codes], &r->code_hi[r->n_codes]) != 0) {
                snprintf(err, err_size, "refuse_close_codes/%zu: %s", i, code_problem);
                return -1;
            }
            r->n_codes++;
        }
    }
    return 0;
}

void sec_refusal_validate(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *statuses = NULL, *codes = NULL;
    if (json_object_object_get_ex(params, "refuse_statuses", &statuses) &&
        json_object_array_length(statuses) > SEC_MAX_STATUSES)
        wsc_invalid(v, "/refuse_statuses", "at most %d statuses", SEC_MAX_STATUSES);
    if (!json_object_object_get_ex(params, "refuse_close_codes", &codes))
        return;
    if (json_object_array_length(codes) > SEC_MAX_CODES)
        wsc_invalid(v, "/refuse_close_codes", "at most %d entries", SEC_MAX_CODES);
    for (size_t i = 0; i < json_object_array_length(codes); i++) {
        struct json_object *item = json_object_array_get_idx(codes, i);
        int lo, hi;
        /* A variable may stand for a code until the run expands it. */
        if (json_object_is_type(item, json_type_string) &&
            strstr(json_object_get_string(item), "${") != NULL)
            continue;
        if (code_item(item, &lo, &hi) != 0) {
            char ptr[64];
            snprintf(ptr, sizeof ptr, "/refuse_close_codes/%zu", i);
            wsc_invalid(v, ptr, "%s", code_problem);
        }
    }
}

int sec_refusal_status(const struct sec_refusal *r, long status)
{
    for (size_t i = 0; i < r->n_statuses; i++)
        if (r->statuses[i] == status)
            return 1;
    return 0;
}

int sec_refusal_code(const struct sec_refusal *r, int code)
{
    for (size_t i = 0; i < r->n_codes; i++)
        if (code >= r->code_lo[i] && code <= r->code_hi[i])
            return 1;
    return 0;
}

/* Appends text to out without overflowing it (truncating at worst). */
static void append(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);
    if (used + 1 < size)
        snprintf(out + used, size - used, "%s", text);
}

void sec_refusal_describe(const struct sec_refusal *r, char *out, size_t size)
{
    char item[32];
    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_statuses; i++) {
        snprintf(item, sizeof item, "%s%ld", i == 0 ? "HTTP " : "/", r->statuses[i]);
        append(out, size, item);
    }
    if (r->n_statuses > 0 && r->n_codes > 0)
        append(out, size, " or ");
    for (size_t i = 0; i < r->n_codes; i++) {
        if (r->code_lo[i] == r->code_hi[i])
            snprintf(item, sizeof item, "%s%d", i == 0 ? "close " : "/", r->code_lo[i]);
        else
            snprintf(item, sizeof item, "%s%d-%d", i == 0 ? "close " : "/", r->code_lo[i],
                     r->code_hi[i]);
        append(out, size, item);
    }
    if (out[0] == '\0')
        snprintf(out, size, "nothing (no refusal configured)");
}
