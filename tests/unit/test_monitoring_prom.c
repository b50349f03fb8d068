/* Unit tests of the monitoring plugin's Prometheus helpers: Grafana
 * variables in dashboard queries, URL escaping and label sets in messages. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/monitoring/prom.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

/* The variables of a dashboard given as JSON text. */
static struct json_object *vars_of(const char *dashboard, const char *overrides)
{
    struct json_object *d = json_tokener_parse(dashboard);
    struct json_object *o = overrides ? json_tokener_parse(overrides) : NULL;
    struct json_object *vars = dash_variables(d, o);
    json_object_put(d);
    json_object_put(o);
    return vars;
}

/* expr with vars substituted is `want`; the unknown variable reported is
 * `unknown` (NULL: none). */
static void subst_is(int line, struct json_object *vars, const char *expr,
                     const char *want, const char *unknown)
{
    char *got_unknown = NULL;
    char *got = dash_substitute(expr, vars, &got_unknown);
    report(got && strcmp(got, want) == 0, line, "'%s': expected '%s', got '%s'", expr,
           want, got ? got : "(null)");
    int same = unknown ? got_unknown && strcmp(got_unknown, unknown) == 0 : !got_unknown;
    report(same, line, "'%s': expected unknown %s, got %s", expr,
           unknown ? unknown : "none", got_unknown ? got_unknown : "none");
    free(got);
    free(got_unknown);
}

static const char dashboard[] =
    "{\"templating\":{\"list\":["
    "{\"name\":\"job\",\"type\":\"query\",\"current\":{\"value\":\"api\"}},"
    "{\"name\":\"inst\",\"type\":\"query\",\"current\":{\"value\":[\"a:1\",\"b:2\"]}},"
    "{\"name\":\"all\",\"type\":\"query\",\"current\":{\"value\":[\"$__all\"]}},"
    "{\"name\":\"allv\",\"type\":\"query\",\"allValue\":\"x|y\","
    "\"current\":{\"value\":\"$__all\"}},"
    "{\"name\":\"win\",\"type\":\"interval\",\"query\":\" 2m, 10m\"},"
    "{\"name\":\"team\",\"type\":\"custom\",\"query\":\"red,blue\"},"
    "{\"name\":\"never\",\"type\":\"query\"}]}}";

static void test_substitution(void)
{
    struct json_object *vars = vars_of(dashboard, NULL);
    report(vars != NULL, __LINE__, "the variables are built");
    subst_is(__LINE__, vars, "up{job=\"$job\"}", "up{job=\"api\"}", NULL);
    subst_is(__LINE__, vars, "up{job=\"${job}\"}", "up{job=\"api\"}", NULL);
    subst_is(__LINE__, vars, "up{job=~\"${job:regex}\"}", "up{job=~\"api\"}", NULL);
    subst_is(__LINE__, vars, "up{job=\"[[job]]\"}", "up{job=\"api\"}", NULL);
    subst_is(__LINE__, vars, "up{i=~\"$inst\"}", "up{i=~\"(a:1|b:2)\"}", NULL);
    subst_is(__LINE__, vars, "up{i=~\"$all\"}", "up{i=~\".*\"}", NULL);
    subst_is(__LINE__, vars, "up{i=~\"$allv\"}", "up{i=~\"x|y\"}", NULL);
    subst_is(__LINE__, vars, "rate(x[$win])", "rate(x[2m])", NULL);
    subst_is(__LINE__, vars, "x{t=\"$team\"}", "x{t=\"red\"}", NULL);
    subst_is(__LINE__, vars, "x{n=~\"$never\"}", "x{n=~\".*\"}", NULL);
    subst_is(__LINE__, vars, "rate(x[$__rate_interval]) * $__interval_ms",
             "rate(x[5m]) * 60000", NULL);
    subst_is(__LINE__, vars, "x[${__range}]", "x[1h]", NULL);
    /* A regex group of label_replace, and text that is no reference. */
    subst_is(__LINE__, vars, "label_replace(up, \"h\", \"$1\", \"i\", \"(.*)\")",
             "label_replace(up, \"h\", \"$1\", \"i\", \"(.*)\")", NULL);
    subst_is(__LINE__, vars, "x $ y ${ z [[ ]] $", "x $ y ${ z [[ ]] $", NULL);
    /* Unknown: left as written, the first named. */
    subst_is(__LINE__, vars, "x{a=\"$cluster\", b=\"$region\"}",
             "x{a=\"$cluster\", b=\"$region\"}", "cluster");
    subst_is(__LINE__, vars, "x[$__unknown_builtin]", "x[$__unknown_builtin]", NULL);
    json_object_put(vars);
}

static void test_overrides(void)
{
    struct json_object *vars = vars_of(dashboard, "{\"job\":\"web\",\"extra\":\"e\"}");
    subst_is(__LINE__, vars, "up{job=\"$job\",e=\"$extra\"}", "up{job=\"web\",e=\"e\"}",
             NULL);
    json_object_put(vars);
    /* A dashboard without templating still has Grafana's variables. */
    vars = vars_of("{}", NULL);
    subst_is(__LINE__, vars, "x[$__interval]", "x[1m]", NULL);
    json_object_put(vars);
}

static void test_escape(void)
{
    char *e = prom_url_escape("up{job=\"a b\"} / 2 & x+y");
    report(e && strcmp(e, "up%7Bjob%3D%22a%20b%22%7D%20%2F%202%20%26%20x%2By") == 0,
           __LINE__, "escaped: %s", e ? e : "(null)");
    free(e);
    e = prom_url_escape("AZaz09-_.~");
    report(e && strcmp(e, "AZaz09-_.~") == 0, __LINE__, "unreserved kept: %s",
           e ? e : "");
    free(e);
}

static void test_labels(void)
{
    struct json_object *l =
        json_tokener_parse("{\"alertname\":\"A\",\"severity\":{\"$regex\":\"^p\"}}");
    char out[128];
    prom_render_labels(out, sizeof out, l);
    report(strcmp(out, "{alertname=\"A\", severity~{\"$regex\":\"^p\"}}") == 0, __LINE__,
           "rendered: %s", out);
    char small[12];
    prom_render_labels(small, sizeof small, l);
    report(strlen(small) == sizeof small - 1 &&
               strcmp(small + sizeof small - 4, "...") == 0,
           __LINE__, "cut with ...: %s", small);
    prom_render_labels(out, sizeof out, NULL);
    report(strcmp(out, "{}") == 0, __LINE__, "no labels: %s", out);
    json_object_put(l);
}

static CU_TestInfo prom_tests[] = {
    {"Grafana variables substituted", test_substitution},
    {"variables given in params", test_overrides},
    {"URL escaping", test_escape},
    {"label sets in messages", test_labels},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"monitoring prometheus", NULL, NULL, NULL, NULL, prom_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
