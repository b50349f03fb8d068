/* `expect_metrics` thresholds: see thresholds.h. */
#include "thresholds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "load_report.h"
#include "util.h"
#include "wscheck/match.h"

static const char *json_text(const struct json_object *v)
{
    return json_object_to_json_string_ext(
        (struct json_object *)v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

char *wsc_threshold_text(const struct json_object *matcher)
{
    if (!wsc_json_is_operator_object(matcher))
        return strdup(matcher ? json_text(matcher) : "null");
    struct wsc_buf b = {0};
    const char *sep = "";
    json_object_object_foreach((struct json_object *)matcher, op, arg) {
        wsc_buf_printf(&b, "%s%s %s", sep, op, arg ? json_text(arg) : "null");
        sep = ", ";
    }
    char *text = wsc_buf_take(&b);
    wsc_buf_free(&b);
    return text;
}

/* The last value recorded for name, or NULL. */
static const struct wsc_metric *find_metric(const struct wsc_result *r, const char *name)
{
    for (size_t i = r->n_metrics; i > 0; i--)
        if (r->metrics[i - 1].name && strcmp(r->metrics[i - 1].name, name) == 0)
            return &r->metrics[i - 1];
    return NULL;
}

/* "a, b, c" of the distinct names r recorded, or "none". */
static void recorded_names(struct wsc_buf *b, const struct wsc_result *r)
{
    size_t shown = 0;
    for (size_t i = 0; i < r->n_metrics; i++) {
        const char *name = r->metrics[i].name;
        size_t first = 0;
        while (name && first < i &&
               !(r->metrics[first].name && strcmp(r->metrics[first].name, name) == 0))
            first++;
        if (!name || first < i)
            continue; /* shown once, where it first came */
        wsc_buf_printf(b, "%s%s", shown++ ? ", " : "", name);
    }
    if (!shown)
        wsc_buf_puts(b, "none");
}

/* Appends to b why the threshold on name did not hold. */
static void describe_miss(struct wsc_buf *b, const struct wsc_result *r, const char *name,
                          const struct json_object *matcher, const struct wsc_metric *m)
{
    char *bound = wsc_threshold_text(matcher);
    if (b->len)
        wsc_buf_puts(b, "; ");
    if (m) {
        char value[128];
        wsc_format_metric(value, sizeof value, m->value, m->unit);
        wsc_buf_printf(b, "metric %s = %s, expected %s", name, value,
                       bound ? bound : "?");
    } else {
        wsc_buf_printf(b, "metric %s was not recorded (recorded: ", name);
        recorded_names(b, r);
        wsc_buf_puts(b, ")");
    }
    free(bound);
}

/* Fails r with the misses in b, after any message it had. */
static int fail_with(struct wsc_result *r, struct wsc_buf *b)
{
    char *misses = wsc_buf_take(b);
    char *msg = NULL;
    if (!misses)
        return -1;
    if (r->status == WSC_FAILED && r->message && *r->message)
        msg = wsc_strdup_printf("%s; %s", r->message, misses);
    else
        msg = strdup(misses);
    free(misses);
    if (!msg)
        return -1;
    free(r->message);
    r->message = msg;
    r->status = WSC_FAILED;
    return 0;
}

int wsc_thresholds_apply(const struct json_object *expect_metrics, struct wsc_result *r)
{
    struct wsc_buf misses = {0};
    int rc = 0;
    if (!expect_metrics || (r->status != WSC_PASSED && r->status != WSC_FAILED))
        return 0;
    json_object_object_foreach((struct json_object *)expect_metrics, name, matcher) {
        const struct wsc_metric *m = find_metric(r, name);
        /* A threshold of load runs (wscheck load) on a metric one run
         * does not measure says nothing about this run. */
        if (!m && wsc_load_metric_only(name))
            continue;
        struct json_object *actual = m ? json_object_new_double(m->value) : NULL;
        int ok = m && actual && wsc_match(matcher, actual, NULL, NULL);
        json_object_put(actual);
        if ((m && !actual) || wsc_result_add_threshold(r, name, matcher, m != NULL,
                                                       m ? m->value : 0, ok) < 0) {
            rc = -1;
            break;
        }
        if (!ok)
            describe_miss(&misses, r, name, matcher, m);
    }
    if (rc == 0 && misses.len)
        rc = fail_with(r, &misses);
    if (misses.failed)
        rc = -1;
    wsc_buf_free(&misses);
    return rc;
}
