/* Unit tests: scenario variables (lib/vars.c). */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tap.h"
#include "vars.h"

static struct wsc_vars *V;

static int setup_vars(void)
{
    V = wsc_vars_new();
    if (!V)
        return 1;
    wsc_vars_set(V, WSC_VARS_FILE, "host", json_object_new_string("127.0.0.1"));
    wsc_vars_set(V, WSC_VARS_FILE, "port", json_object_new_int(9004));
    wsc_vars_set(V, WSC_VARS_FILE, "port_text", json_object_new_string("9005"));
    wsc_vars_set(V, WSC_VARS_FILE, "ratio", json_object_new_double_s(0.1, "0.1"));
    wsc_vars_set(V, WSC_VARS_FILE, "flag", json_object_new_boolean(1));
    wsc_vars_set(V, WSC_VARS_FILE, "nothing", NULL);
    wsc_vars_set(V, WSC_VARS_FILE, "obj",
                 json_tokener_parse("{\"a\": [1, 2], \"b\": \"x\"}"));
    wsc_vars_set(V, WSC_VARS_CAPTURE, "cid", json_object_new_string("123"));
    setenv("WSC_T_SET", "hello", 1);
    setenv("WSC_T_NUM", "8080", 1);
    setenv("WSC_T_EMPTY", "", 1);
    unsetenv("WSC_T_UNSET");
    return 0;
}

static int teardown_vars(void)
{
    wsc_vars_free(V);
    return 0;
}

/* Expands a JSON template text; returns the result as JSON text (or the
 * error message prefixed with "ERR:"), malloc'ed. */
static char *expand(const struct wsc_vars *v, const char *tmpl_text)
{
    struct json_object *tmpl = json_tokener_parse(tmpl_text);
    char *err = NULL, *out;
    struct json_object *res = wsc_vars_expand(v, tmpl, &err);
    if (err) {
        out = malloc(strlen(err) + 5);
        strcpy(out, "ERR:");
        strcat(out, err);
        free(err);
    } else {
        out = strdup(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(res);
    json_object_put(tmpl);
    return out;
}

#define EXPANDS(tmpl, want)                 \
    do {                                    \
        char *got_ = expand(V, tmpl);       \
        CU_ASSERT_STRING_EQUAL(got_, want); \
        free(got_);                         \
    } while (0)

static void test_plain_references(void)
{
    EXPANDS("\"ws://${host}:${port}/\"", "\"ws:\\/\\/127.0.0.1:9004\\/\"");
    EXPANDS("\"${host}\"", "\"127.0.0.1\"");
    EXPANDS("\"no refs\"", "\"no refs\"");
    EXPANDS("\"a${flag}b${nothing}c\"", "\"atruebnullc\"");
    EXPANDS("\"obj=${obj}\"", "\"obj={\\\"a\\\":[1,2],\\\"b\\\":\\\"x\\\"}\"");
}

static void test_whole_reference_keeps_type(void)
{
    EXPANDS("\"${port}\"", "9004");
    EXPANDS("\"${ratio}\"", "0.1");
    EXPANDS("\"${flag}\"", "true");
    EXPANDS("\"${nothing}\"", "null");
    EXPANDS("\"${obj}\"", "{\"a\":[1,2],\"b\":\"x\"}");
    /* Only a whole string is converted. */
    EXPANDS("\" ${port}\"", "\" 9004\"");
    EXPANDS("\"${port}${port}\"", "\"90049004\"");
}

static void test_numeric_text_becomes_number(void)
{
    /* A text variable holding a number, referenced alone, is that number. */
    EXPANDS("\"${port_text}\"", "9005");
    EXPANDS("\"${env:WSC_T_NUM}\"", "8080");
    EXPANDS("\"${env:WSC_T_UNSET:-9004}\"", "9004");
    EXPANDS("\"${env:WSC_T_UNSET:--2.5e1}\"", "-2.5e1");
    EXPANDS("\"${env:WSC_T_UNSET:-0x10}\"", "\"0x10\"");
    EXPANDS("\"${env:WSC_T_UNSET:-1.}\"", "\"1.\"");
    /* A captured string keeps its type: it came typed from a server. */
    EXPANDS("\"${cid}\"", "\"123\"");
    EXPANDS("\"id-${cid}\"", "\"id-123\"");
}

static void test_env_references(void)
{
    EXPANDS("\"${env:WSC_T_SET}\"", "\"hello\"");
    EXPANDS("\"${env:WSC_T_SET:-other}\"", "\"hello\"");
    EXPANDS("\"${env:WSC_T_UNSET:-fallback}\"", "\"fallback\"");
    EXPANDS("\"${env:WSC_T_EMPTY:-fallback}\"", "\"fallback\"");
    EXPANDS("\"[${env:WSC_T_EMPTY}]\"", "\"[]\"");
    EXPANDS("\"${env:WSC_T_UNSET:-}\"", "\"\"");
    /* Defaults may refer to variables and nest. */
    EXPANDS("\"${env:WSC_T_UNSET:-${host}}\"", "\"127.0.0.1\"");
    EXPANDS("\"${env:WSC_T_UNSET:-${env:WSC_T_UNSET:-${port}}}\"", "9004");
    EXPANDS("\"${env:WSC_T_UNSET:-a:-b}\"", "\"a:-b\"");
    EXPANDS("\"${env:WSC_T_UNSET}\"", "ERR:undefined environment variable 'WSC_T_UNSET'");
    EXPANDS("\"${env:BAD-NAME}\"",
            "ERR:invalid environment variable reference '${env:BAD-NAME}'");
}

static void test_escapes_and_literals(void)
{
    EXPANDS("\"$${host}\"", "\"${host}\"");
    EXPANDS("\"a $${x} ${host}\"", "\"a ${x} 127.0.0.1\"");
    EXPANDS("\"$$\"", "\"$$\"");
    EXPANDS("\"cost: 5$\"", "\"cost: 5$\"");
    EXPANDS("\"$host {x}\"", "\"$host {x}\"");
    /* Read left to right: a lone '$', then the "$${" escape. */
    EXPANDS("\"$$${host}\"", "\"$${host}\"");
    /* Escaped text stays escaped inside a default. */
    EXPANDS("\"${env:WSC_T_UNSET:-$${x}}\"", "\"${x}\"");
}

static void test_errors(void)
{
    EXPANDS("\"${missing}\"", "ERR:undefined variable 'missing'");
    EXPANDS("\"x ${host} ${missing2} y\"", "ERR:undefined variable 'missing2'");
    EXPANDS("\"${host\"", "ERR:unterminated variable reference '${host'");
    EXPANDS("\"${a b}\"", "ERR:invalid variable reference '${a b}'");
    EXPANDS("\"${}\"", "ERR:invalid variable reference '${}'");
    EXPANDS("\"${1abc}\"", "ERR:invalid variable reference '${1abc}'");
    /* A name close to a defined one (any layer) is suggested. */
    EXPANDS("\"${hots}\"", "ERR:undefined variable 'hots' (did you mean 'host'?)");
    EXPANDS("\"${port_txt}\"", "ERR:undefined variable 'port_txt' (did you mean "
                               "'port_text'?)");
    EXPANDS("\"${cdi}\"", "ERR:undefined variable 'cdi' (did you mean 'cid'?)");
}

static void test_did_you_mean(void)
{
    static const char *const params[] = {"host",   "port",      "ports",
                                         "family", "listening", NULL};
    static const char *const none[] = {NULL};
    /* A transposition, a missing, an extra and a wrong letter: one edit. */
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("prot", params), "port");
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("hst", params), "host");
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("hostt", params), "host");
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("famliy", params), "family");
    /* The nearest wins; case does not count. */
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("portss", params), "ports");
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("PORT", params), "port");
    /* Longer words may be further off; a good part of a name will do. */
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("lisening", params), "listening");
    CU_ASSERT_STRING_EQUAL(wsc_did_you_mean("listen", params), "listening");
    /* Nothing close, or too short to tell. */
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("xyzzy", params));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("po", params));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("lis", params));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("prot", none));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("", params));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean(NULL, params));
    CU_ASSERT_PTR_NULL(wsc_did_you_mean("prot", NULL));
}

static void test_error_position(void)
{
    struct json_object *tmpl =
        json_tokener_parse("{\"a\": [1, {\"b~/c\": \"${nope}\"}], \"z\": \"${host}\"}");
    char *err = NULL, *where = NULL;
    struct json_object *res = wsc_vars_expand_at(V, tmpl, &err, &where);
    CU_ASSERT_PTR_NULL(res);
    CU_ASSERT_STRING_EQUAL(err, "undefined variable 'nope'");
    CU_ASSERT_STRING_EQUAL(where, "/a/1/b~0~1c");
    free(err);
    free(where);
    json_object_put(tmpl);
}

static void test_structure_and_keys(void)
{
    /* Member names are not expanded; every value at any depth is. */
    EXPANDS("{\"${host}\": [\"${port}\", {\"x\": \"${flag}\"}, 3, null]}",
            "{\"${host}\":[9004,{\"x\":true},3,null]}");
    EXPANDS("7", "7");
    EXPANDS("[]", "[]");
}

static void test_precedence(void)
{
    struct wsc_vars *v = wsc_vars_new();
    wsc_vars_set(v, WSC_VARS_FILE, "x", json_object_new_string("file"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "x")), "file");
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "x"), WSC_VARS_FILE);
    wsc_vars_set(v, WSC_VARS_CLI, "x", json_object_new_string("cli"));
    wsc_vars_set(v, WSC_VARS_CAPTURE, "x", json_object_new_string("capture"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "x")), "cli");
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "x"), WSC_VARS_CLI);
    wsc_vars_set(v, WSC_VARS_FILE, "y", json_object_new_string("file"));
    wsc_vars_set(v, WSC_VARS_CAPTURE, "y", json_object_new_string("capture"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "y")), "capture");
    char *s = expand(v, "\"${x}/${y}\"");
    CU_ASSERT_STRING_EQUAL(s, "\"cli\\/capture\"");
    free(s);
    /* Setting again replaces. */
    wsc_vars_set(v, WSC_VARS_CLI, "x", json_object_new_string("cli2"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(v, "x")), "cli2");
    CU_ASSERT_EQUAL(wsc_vars_state(v, "x"), WSC_VAR_KNOWN);
    CU_ASSERT_EQUAL(wsc_vars_state(v, "zzz"), WSC_VAR_UNDEFINED);
    CU_ASSERT_PTR_NULL(wsc_vars_get(v, "zzz"));
    CU_ASSERT_EQUAL(wsc_vars_layer(v, "zzz"), -1);
    wsc_vars_free(v);
}

static void test_unknown_values(void)
{
    struct wsc_vars *v = wsc_vars_new();
    wsc_vars_set(v, WSC_VARS_FILE, "f", json_object_new_string("file"));
    wsc_vars_set(v, WSC_VARS_CLI, "c", json_object_new_string("cli"));
    wsc_vars_set_unknown(v, "f");
    wsc_vars_set_unknown(v, "c");
    wsc_vars_set_unknown(v, "u");
    /* A capture outranks a file var, a --var outranks a capture. */
    CU_ASSERT_EQUAL(wsc_vars_state(v, "f"), WSC_VAR_UNKNOWN);
    CU_ASSERT_EQUAL(wsc_vars_state(v, "c"), WSC_VAR_KNOWN);
    CU_ASSERT_EQUAL(wsc_vars_state(v, "u"), WSC_VAR_UNKNOWN);
    CU_ASSERT_PTR_NULL(wsc_vars_get(v, "u"));
    /* Strings using them are kept as written, other references checked. */
    char *s = expand(v, "[\"${u}\", \"a $${x} ${u}\", \"${c}\", \"${f}\"]");
    CU_ASSERT_STRING_EQUAL(s, "[\"${u}\",\"a $${x} ${u}\",\"cli\",\"${f}\"]");
    free(s);
    s = expand(v, "\"${u} ${undefined}\"");
    CU_ASSERT_STRING_EQUAL(s, "ERR:undefined variable 'undefined'");
    free(s);
    wsc_vars_free(v);
}

static void test_copy_is_independent(void)
{
    struct wsc_vars *c = wsc_vars_copy(V);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    wsc_vars_set(c, WSC_VARS_FILE, "host", json_object_new_string("changed"));
    wsc_vars_set_unknown(c, "later");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(c, "host")), "changed");
    CU_ASSERT_STRING_EQUAL(json_object_get_string(wsc_vars_get(V, "host")), "127.0.0.1");
    CU_ASSERT_EQUAL(wsc_vars_state(V, "later"), WSC_VAR_UNDEFINED);
    CU_ASSERT_EQUAL(wsc_vars_state(c, "later"), WSC_VAR_UNKNOWN);
    CU_ASSERT_EQUAL(json_object_get_int(wsc_vars_get(c, "port")), 9004);
    wsc_vars_free(c);
}

static void test_expand_string(void)
{
    char *err = NULL;
    char *s = wsc_vars_expand_string(V, "${host}:${port} $${x}", &err);
    CU_ASSERT_STRING_EQUAL(s, "127.0.0.1:9004 ${x}");
    CU_ASSERT_PTR_NULL(err);
    free(s);
    s = wsc_vars_expand_string(V, "${nope}", &err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(err, "undefined variable 'nope'");
    free(err);
}

/* Copies of a typed value count as much as text: an array that refers
 * twice to an array of 64 KiB would double just like a string. */
static void test_size_limits(void)
{
    struct wsc_vars *v = wsc_vars_new();
    char big[65537];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct json_object *arr = json_object_new_array();
    json_object_array_add(arr, json_object_new_string(big));
    CU_ASSERT_EQUAL(wsc_vars_set(v, WSC_VARS_FILE, "big", arr), 0);
    struct json_object *tmpl = json_object_new_array();
    for (int i = 0; i < 15; i++)
        json_object_array_add(tmpl, json_object_new_string("${big}"));
    char *err = NULL;
    struct json_object *out = wsc_vars_expand(v, tmpl, &err);
    CU_ASSERT_PTR_NOT_NULL(out); /* 15 x 64 KiB: under 1 MiB */
    CU_ASSERT_PTR_NULL(err);
    json_object_put(out);
    json_object_array_add(tmpl, json_object_new_string("${big}"));
    json_object_array_add(tmpl, json_object_new_string("${big}"));
    out = wsc_vars_expand(v, tmpl, &err);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_STRING_EQUAL(err, "expands to more than 1 MiB, the limit of one expanded "
                                "value (at '${big}')");
    free(err);
    char *s = wsc_vars_expand_string(v,
                                     "${big}${big}${big}${big}${big}${big}${big}${big}"
                                     "${big}${big}${big}${big}${big}${big}${big}${big}"
                                     "${big}",
                                     &err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    json_object_put(tmpl);
    wsc_vars_free(v);
}

static int collect(const char *name, void *arg)
{
    char *buf = arg;
    strcat(buf, name);
    strcat(buf, ",");
    return strcmp(name, "stop") == 0 ? 7 : 0;
}

static void test_each_ref(void)
{
    char buf[256] = "";
    struct json_object *t =
        json_tokener_parse("{\"a\": \"${x} $${esc} ${env:HOME}\", \"b\": [\"${y}\", 1, "
                           "\"${env:NOPE:-${z}}\"], \"${k}\": \"${bad\"}");
    CU_ASSERT_EQUAL(wsc_vars_each_ref(t, collect, buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "x,y,z,");
    json_object_put(t);
    buf[0] = '\0';
    t = json_tokener_parse("[\"${a}\", \"${stop}\", \"${b}\"]");
    CU_ASSERT_EQUAL(wsc_vars_each_ref(t, collect, buf), 7);
    CU_ASSERT_STRING_EQUAL(buf, "a,stop,");
    json_object_put(t);
    CU_ASSERT_TRUE(wsc_vars_has_ref("a ${b}"));
    CU_ASSERT_FALSE(wsc_vars_has_ref("a $${b}"));
    CU_ASSERT_FALSE(wsc_vars_has_ref("plain"));
}

static void test_names(void)
{
    CU_ASSERT_TRUE(wsc_var_name_valid("host"));
    CU_ASSERT_TRUE(wsc_var_name_valid("_a-b_9"));
    CU_ASSERT_FALSE(wsc_var_name_valid(""));
    CU_ASSERT_FALSE(wsc_var_name_valid("9a"));
    CU_ASSERT_FALSE(wsc_var_name_valid("-a"));
    CU_ASSERT_FALSE(wsc_var_name_valid("a b"));
    CU_ASSERT_FALSE(wsc_var_name_valid("a.b"));
    CU_ASSERT_FALSE(wsc_var_name_valid("env:X"));
    CU_ASSERT_FALSE(wsc_var_name_valid(NULL));
}

static void number_is(const char *text, enum json_type type, const char *json)
{
    struct json_object *n = wsc_json_number_from_text(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(json_object_get_type(n), type);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string(n), json);
    json_object_put(n);
}

static void test_number_text(void)
{
    number_is("9004", json_type_int, "9004");
    number_is("-0", json_type_int, "0");
    number_is("-1.5", json_type_double, "-1.5");
    number_is("1e3", json_type_double, "1e3");
    number_is("99999999999999999999", json_type_double, "99999999999999999999");
    static const char *const not_numbers[] = {
        "",   "01",  " 1",  "1 ",       "1.", ".5",    "+5",    "0x10",
        "1e", "abc", "NaN", "Infinity", "-",  "1e999", "12abc", NULL};
    for (size_t i = 0; not_numbers[i]; i++) {
        struct json_object *n = wsc_json_number_from_text(not_numbers[i]);
        CU_ASSERT_PTR_NULL(n);
        json_object_put(n);
    }
}

static CU_TestInfo vars_tests[] = {
    {"plain references", test_plain_references},
    {"a whole reference keeps the type", test_whole_reference_keeps_type},
    {"numeric text becomes a number", test_numeric_text_becomes_number},
    {"environment references and defaults", test_env_references},
    {"$${ escapes and lone dollars", test_escapes_and_literals},
    {"errors name the variable", test_errors},
    {"error position as a JSON pointer", test_error_position},
    {"objects, arrays, member names", test_structure_and_keys},
    {"precedence --var > capture > file", test_precedence},
    {"values known only at run time", test_unknown_values},
    {"copies are independent", test_copy_is_independent},
    {"expand one string", test_expand_string},
    {"expanded sizes are capped", test_size_limits},
    {"listing references", test_each_ref},
    {"variable names", test_names},
    {"did you mean", test_did_you_mean},
    {"JSON numbers from text", test_number_text},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"vars", setup_vars, teardown_vars, NULL, NULL, vars_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
