/* Redacting a test's result before it is reported (see result_redact.h). */
#include "result_redact.h"

#include <stdlib.h>
#include <string.h>

/* Replaces *s by its redacted text; -1 when out of memory. */
static int redact_string(char **s, const struct wsc_redactor *red)
{
    if (!*s)
        return 0;
    char *safe = wsc_redactor_text(red, *s);
    if (!safe)
        return -1;
    free(*s);
    *s = safe;
    return 0;
}

static int redact_json(struct json_object **j, const struct wsc_redactor *red)
{
    if (!*j)
        return 0;
    int failed = 0;
    struct json_object *safe = wsc_redactor_json(red, *j, &failed);
    json_object_put(*j);
    *j = safe;
    return failed ? -1 : 0;
}

static int redact_all(struct wsc_result *r, const struct wsc_redactor *red)
{
    int rc = 0;
    rc |= redact_string(&r->name, red);
    rc |= redact_string(&r->message, red);
    rc |= redact_string(&r->log, red);
    for (size_t i = 0; i < r->n_warnings; i++)
        rc |= redact_string(&r->warnings[i], red);
    for (size_t i = 0; i < r->n_cases; i++) {
        rc |= redact_string(&r->cases[i].name, red);
        rc |= redact_string(&r->cases[i].message, red);
    }
    for (size_t i = 0; i < r->n_attempt_log; i++)
        rc |= redact_string(&r->attempt_log[i].message, red);
    rc |= redact_json(&r->outputs, red);
    rc |= redact_json(&r->trace, red);
    return rc;
}

int wsc_result_redact(struct wsc_result *r, const struct wsc_redactor *red)
{
    if (redact_all(r, red) == 0)
        return 0;
    wsc_result_clear_attempt(r);
    for (size_t i = 0; i < r->n_attempt_log; i++) {
        free(r->attempt_log[i].message);
        r->attempt_log[i].message = NULL;
    }
    r->status = WSC_ERROR;
    r->message = strdup("out of memory redacting the result: its messages, outputs "
                        "and trace are withheld");
    /* a name that could not be redacted is not shown either */
    free(r->name);
    r->name = strdup("(name withheld)");
    return -1;
}

int wsc_redactor_add_report_secrets(struct wsc_redactor *red,
                                    const struct json_object *report)
{
    struct json_object *list;
    if (!report || !json_object_object_get_ex(report, "secrets", &list) ||
        !json_object_is_type(list, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *s = json_object_array_get_idx(list, i);
        if (json_object_is_type(s, json_type_string) &&
            wsc_redactor_add_secret(red, json_object_get_string(s)) < 0)
            return -1;
    }
    return 0;
}
