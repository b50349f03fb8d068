/* Thresholds of a load run (load_report.h): a test's expect_metrics and the
 * command line's --threshold, as rules evaluated against its metrics. A
 * rule naming a metric a load run does not measure is skipped, so that a
 * scenario written for CI runs (ping counts, tool lists) can be loaded as it
 * is: only the rules on load metrics decide the exit status. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "load_report.h"
#include "thresholds.h"
#include "util.h"
#include "wscheck/match.h"

static const struct {
    const char *text, *op; /* op NULL: equality, the number itself */
} operators[] = {
    {"<=", "$lte"}, {">=", "$gte"}, {"==", NULL}, {"<", "$lt"}, {">", "$gt"},
};

static struct json_object *new_rule(const char *metric, struct json_object *expect,
                                    const char *source)
{
    struct json_object *r = json_object_new_object();
    if (!r || !expect || wsc_json_put(r, "metric", json_object_new_string(metric), 0) ||
        wsc_json_put(r, "expect", json_object_get(expect), 0) ||
        wsc_json_put(r, "source", json_object_new_string(source), 0)) {
        json_object_put(r);
        return NULL;
    }
    return r;
}

static char *trimmed(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return strndup(s, len);
}

/* "METRIC" or "TEST:METRIC" (a test name may hold ':'; a metric never). */
static int split_target(const char *left, char **test, char **metric, char **why)
{
    const char *colon = strrchr(left, ':');
    *test = colon ? trimmed(left, (size_t)(colon - left)) : NULL;
    *metric = trimmed(colon ? colon + 1 : left, strlen(colon ? colon + 1 : left));
    if (!*metric || (colon && !*test)) {
        *why = NULL;
        return -1;
    }
    if (!**metric || (colon && !**test)) {
        *why = strdup(!**metric ? "no metric named" : "no test named before ':'");
        return -1;
    }
    return 0;
}

static int check_metric(const char *metric, char **why)
{
    const char *hint;
    if (wsc_load_metric_known(metric, &hint))
        return 0;
    *why = hint ? wsc_strdup_printf("'%s' is not a load metric (did you mean '%s'?)",
                                    metric, hint)
                : wsc_strdup_printf("'%s' is not a load metric (see wscheck-load(1), "
                                    "METRICS)",
                                    metric);
    return -1;
}

static int parse_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return errno || end == s || *end || !isfinite(*v) ? -1 : 0;
}

/* The bound as written ("0.1", not 0.10000000000000001 in the reports). */
static struct json_object *matcher(size_t op, double v, const char *text)
{
    char *written = trimmed(text, strlen(text));
    struct json_object *n = !written ? NULL
                            : v == floor(v) && fabs(v) < 9e15
                                ? json_object_new_int64((int64_t)v)
                                : json_object_new_double_s(v, written),
                       *m;
    free(written);
    if (!n || !operators[op].op)
        return n;
    m = json_object_new_object();
    if (!m || wsc_json_put(m, operators[op].op, n, 0) < 0) {
        json_object_put(m);
        return NULL;
    }
    return m;
}

/* The first operator in text, longest first at each position. */
static const char *find_operator(const char *text, size_t *op)
{
    for (const char *p = text; *p; p++)
        for (size_t i = 0; i < sizeof operators / sizeof *operators; i++)
            if (strncmp(p, operators[i].text, strlen(operators[i].text)) == 0) {
                *op = i;
                return p;
            }
    return NULL;
}

int wsc_load_threshold_parse(const char *text, char **test, struct json_object **rule,
                             char **why)
{
    size_t op = 0;
    const char *at = find_operator(text, &op);
    char *left = NULL, *metric = NULL;
    double v;
    *test = NULL;
    *rule = NULL;
    *why = NULL;
    if (!at) {
        *why = strdup("expected [TEST:]METRIC OP NUMBER, OP one of < <= > >= ==");
        return -1;
    }
    if (!(left = strndup(text, (size_t)(at - text))) ||
        split_target(left, test, &metric, why) < 0 || check_metric(metric, why) < 0) {
    } else if (parse_number(at + strlen(operators[op].text), &v) < 0) {
        *why = wsc_strdup_printf("expected a number after '%s'", operators[op].text);
    } else {
        struct json_object *m = matcher(op, v, at + strlen(operators[op].text));
        *rule = new_rule(metric, m, "--threshold");
        json_object_put(m);
    }
    free(left);
    free(metric);
    if (*rule)
        return 0;
    if (!*why)
        *why = strdup("out of memory");
    free(*test);
    *test = NULL;
    return -1;
}

int wsc_load_rules_from_expect(struct json_object *rules,
                               const struct json_object *expect_metrics)
{
    if (!expect_metrics || !json_object_is_type(expect_metrics, json_type_object))
        return 0;
    json_object_object_foreach((struct json_object *)expect_metrics, name, expect) {
        struct json_object *r = new_rule(name, expect, "expect_metrics");
        if (!r || json_object_array_add(rules, r) < 0) {
            json_object_put(r);
            return -1;
        }
    }
    return 0;
}

static const char *member_text(const struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* "session_p99_ms = 12.500 ms, expected $lt 100". */
static char *outcome_text(const char *metric, double value, const struct json_object *m)
{
    char shown[128];
    char *bound = wsc_threshold_text(m);
    const char *unit = wsc_load_metric_unit(metric);
    wsc_format_metric(shown, sizeof shown, value,
                      strcmp(unit, "ms") == 0 ? "ms" : (*unit ? unit : "count"));
    char *text =
        wsc_strdup_printf("%s = %s, expected %s", metric, shown, bound ? bound : "?");
    free(bound);
    return text;
}

static struct json_object *eval_one(const struct json_object *rule,
                                    const struct json_object *metrics, int *failed)
{
    const char *metric = member_text(rule, "metric"), *hint;
    struct json_object *expect = NULL, *value = NULL;
    struct json_object *out = json_object_new_object();
    json_object_object_get_ex(rule, "expect", &expect);
    *failed = 0;
    if (!out || wsc_json_put(out, "metric", json_object_new_string(metric), 0) ||
        wsc_json_put(out, "expect", json_object_get(expect), 1) ||
        wsc_json_put(out, "source", json_object_new_string(member_text(rule, "source")),
                     0))
        goto oom;
    if (!json_object_object_get_ex(metrics, metric, &value)) {
        const char *why = wsc_load_metric_known(metric, &hint)
                              ? "not measured in this test (no samples)"
                              : "not measured under load";
        if (wsc_json_put(out, "status", json_object_new_string("skipped"), 0) ||
            wsc_json_put(out, "reason", json_object_new_string(why), 0))
            goto oom;
        return out;
    }
    double v = json_object_get_double(value);
    *failed = !wsc_match(expect, value, NULL, NULL);
    char *text = outcome_text(metric, v, expect);
    if (!text ||
        wsc_json_put(out, "status", json_object_new_string(*failed ? "fail" : "pass"),
                     0) ||
        wsc_json_put(out, "value", json_object_new_double(v), 0) ||
        wsc_json_put(out, "text", json_object_new_string(text), 0)) {
        free(text);
        goto oom;
    }
    free(text);
    return out;
oom:
    json_object_put(out);
    return NULL;
}

struct json_object *wsc_load_thresholds_eval(const struct json_object *rules,
                                             const struct json_object *metrics,
                                             size_t *breached)
{
    struct json_object *out = json_object_new_array();
    size_t n = rules ? json_object_array_length(rules) : 0;
    *breached = 0;
    for (size_t i = 0; out && i < n; i++) {
        int failed;
        struct json_object *o =
            eval_one(json_object_array_get_idx(rules, i), metrics, &failed);
        if (!o || json_object_array_add(out, o) < 0) {
            json_object_put(o);
            json_object_put(out);
            return NULL;
        }
        *breached += (size_t)failed;
    }
    return out;
}

long wsc_load_report_finish(struct wsc_load_report *r)
{
    long breached = 0;
    for (size_t i = 0; i < r->stats.n_tests; i++) {
        size_t b = 0;
        json_object_put(r->metrics[i]);
        json_object_put(r->thresholds[i]);
        r->thresholds[i] = NULL;
        r->metrics[i] = wsc_load_metrics(&r->stats.tests[i], r->stats.duration,
                                         r->stats.dropped_arrivals);
        if (!r->metrics[i] || !(r->thresholds[i] = wsc_load_thresholds_eval(
                                    r->rules[i], r->metrics[i], &b)))
            return -1;
        breached += (long)b;
    }
    return breached;
}

int wsc_load_report_init(struct wsc_load_report *r, size_t n_tests)
{
    memset(r, 0, sizeof *r);
    size_t n = n_tests ? n_tests : 1;
    r->n_alloc = n_tests;
    if (wsc_load_stats_init(&r->stats, n_tests) < 0)
        return -1;
    r->rules = calloc(n, sizeof *r->rules);
    r->metrics = calloc(n, sizeof *r->metrics);
    r->thresholds = calloc(n, sizeof *r->thresholds);
    for (size_t i = 0; r->rules && i < n_tests; i++)
        if (!(r->rules[i] = json_object_new_array()))
            break;
    if (!r->rules || !r->metrics || !r->thresholds ||
        (n_tests && !r->rules[n_tests - 1])) {
        wsc_load_report_clear(r);
        return -1;
    }
    return 0;
}

void wsc_load_report_clear(struct wsc_load_report *r)
{
    for (size_t i = 0; i < r->n_alloc; i++) {
        if (r->rules)
            json_object_put(r->rules[i]);
        if (r->metrics)
            json_object_put(r->metrics[i]);
        if (r->thresholds)
            json_object_put(r->thresholds[i]);
    }
    free(r->rules);
    free(r->metrics);
    free(r->thresholds);
    free(r->scenario);
    json_object_put(r->plan);
    wsc_load_stats_clear(&r->stats);
    memset(r, 0, sizeof *r);
}
