/* Unit tests: params schemas (src/schema.c). */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wscheck/schema.h"
#include "tap.h"

static const char PORT_SCHEMA[] =
    "{\"type\": \"object\","
    " \"properties\": {"
    "   \"host\": {\"type\": \"string\", \"default\": \"127.0.0.1\"},"
    "   \"port\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535},"
    "   \"ports\": {\"type\": \"array\", \"minItems\": 1, \"maxItems\": 3,"
    "             \"items\": {\"type\": [\"integer\", \"string\"]}},"
    "   \"family\": {\"enum\": [\"ipv4\", \"ipv6\", \"any\"], \"default\": \"any\"},"
    "   \"ratio\": {\"type\": \"number\"},"
    "   \"label\": {\"type\": [\"string\", \"null\"], \"minLength\": 2,"
    "             \"maxLength\": 4},"
    "   \"tls\": {\"type\": \"object\", \"properties\": {"
    "       \"verify\": {\"type\": \"boolean\", \"default\": true},"
    "       \"ca\": {\"type\": \"string\"}}, \"required\": [\"ca\"]},"
    "   \"headers\": {\"type\": \"object\","
    "       \"additionalProperties\": {\"type\": \"string\"}},"
    "   \"steps\": {\"type\": \"array\", \"x-wsc-deferred\": true,"
    "       \"items\": {\"type\": \"object\", \"properties\": {"
    "           \"send\": {\"type\": \"string\"},"
    "           \"wait\": {\"type\": \"number\", \"default\": 1}}}},"
    "   \"expect\": {\"x-wsc-expect\": true, \"description\": \"matcher\"}"
    " },"
    " \"required\": [\"port\"]}";

static struct json_object *S;

static int setup_schema(void)
{
    S = json_tokener_parse(PORT_SCHEMA);
    return S ? 0 : 1;
}

static int teardown_schema(void)
{
    json_object_put(S);
    return 0;
}

/* Validates JSON text against S; "" when valid, else "where|message". */
static char *check(const char *value_text, int lenient)
{
    struct json_object *v = json_tokener_parse(value_text);
    char *where = NULL, *msg = wsc_schema_validate(S, v, lenient, &where), *out;
    if (!msg) {
        out = strdup("");
    } else {
        out = malloc(strlen(where) + strlen(msg) + 2);
        strcpy(out, where);
        strcat(out, "|");
        strcat(out, msg);
    }
    free(msg);
    free(where);
    json_object_put(v);
    return out;
}

#define VALIDATES(value, lenient, want)     \
    do {                                    \
        char *got_ = check(value, lenient); \
        CU_ASSERT_STRING_EQUAL(got_, want); \
        free(got_);                         \
    } while (0)

static void test_valid_values(void)
{
    VALIDATES("{\"port\": 80}", 0, "");
    VALIDATES("{\"port\": 80, \"host\": \"::1\", \"ports\": [1, \"8-9\"],"
              " \"family\": \"ipv6\", \"ratio\": 2, \"label\": null,"
              " \"tls\": {\"ca\": \"x\"}, \"headers\": {\"a\": \"b\"},"
              " \"expect\": {\"anything\": [1]}}",
              0, "");
    VALIDATES("{\"port\": 80, \"ratio\": 0.5}", 0, "");
}

static void test_type_messages(void)
{
    VALIDATES("{\"port\": \"80\"}", 0, "/port|params.port: expected integer, got string");
    VALIDATES("{\"port\": 80.0}", 0, "/port|params.port: expected integer, got number");
    VALIDATES("{\"port\": true}", 0, "/port|params.port: expected integer, got boolean");
    VALIDATES("{\"port\": 80, \"ratio\": \"x\"}", 0,
              "/ratio|params.ratio: expected number, got string");
    VALIDATES("{\"port\": 80, \"ports\": [1, 2.5]}", 0,
              "/ports/1|params.ports[1]: expected integer or string, got number");
    VALIDATES("{\"port\": 80, \"label\": 3}", 0,
              "/label|params.label: expected string or null, got integer");
    VALIDATES("[1]", 0, "|params: expected object, got array");
    VALIDATES("{\"port\": 80, \"tls\": {\"ca\": null}}", 0,
              "/tls/ca|params.tls.ca: expected string, got null");
    VALIDATES("{\"port\": 80, \"headers\": {\"a/b\": 1}}", 0,
              "/headers/a~1b|params.headers.a/b: expected string, got integer");
}

static void test_unknown_and_missing(void)
{
    VALIDATES("{\"prot\": 80, \"port\": 1}", 0,
              "/prot|params: unknown param 'prot' (did you mean 'port'?)");
    VALIDATES("{\"xyzzy\": 80, \"port\": 1}", 0,
              "/xyzzy|params: unknown param 'xyzzy' (known: expect, family, headers, "
              "host, label, port, ports, ratio, steps, tls)");
    VALIDATES("{}", 0, "|params: missing required param 'port'");
    VALIDATES("{\"port\": 1, \"tls\": {\"verfy\": true, \"ca\": \"c\"}}", 0,
              "/tls/verfy|params.tls: unknown key 'verfy' (did you mean 'verify'?)");
    VALIDATES("{\"port\": 1, \"tls\": {}}", 0,
              "/tls|params.tls: missing required key 'ca'");
}

static void test_enum_and_limits(void)
{
    VALIDATES("{\"port\": 1, \"family\": \"ipv5\"}", 0,
              "/family|params.family: expected one of \"ipv4\", \"ipv6\", \"any\", "
              "got \"ipv5\"");
    VALIDATES("{\"port\": 0}", 0, "/port|params.port: 0 is less than the minimum 1");
    VALIDATES("{\"port\": 70000}", 0,
              "/port|params.port: 70000 is greater than the maximum 65535");
    VALIDATES("{\"port\": 1, \"ports\": []}", 0,
              "/ports|params.ports: expected at least 1 items, got 0");
    VALIDATES("{\"port\": 1, \"ports\": [1,2,3,4]}", 0,
              "/ports|params.ports: expected at most 3 items, got 4");
    VALIDATES("{\"port\": 1, \"label\": \"x\"}", 0,
              "/label|params.label: expected at least 2 characters, got 1");
    /* Characters, not bytes. */
    VALIDATES("{\"port\": 1, \"label\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", 0, "");
    VALIDATES("{\"port\": 1, \"label\": \"abcde\"}", 0,
              "/label|params.label: expected at most 4 characters, got 5");
}

static void test_lenient_variables(void)
{
    VALIDATES("{\"port\": \"${port}\"}", 1, "");
    VALIDATES("{\"port\": \"${port}\"}", 0,
              "/port|params.port: expected integer, got string");
    VALIDATES("{\"port\": 1, \"family\": \"${fam}\"}", 1, "");
    VALIDATES("{\"port\": \"80\"}", 1, "/port|params.port: expected integer, got string");
    /* Deferred params are only checked where no variable is involved. */
    VALIDATES("{\"port\": 1, \"steps\": [{\"send\": \"x\", \"wait\": \"${w}\"}]}", 0, "");
    VALIDATES("{\"port\": 1, \"steps\": \"${all_steps}\"}", 0, "");
    VALIDATES("{\"port\": 1, \"steps\": [{\"wait\": \"long\"}]}", 0,
              "/steps/0/wait|params.steps[0].wait: expected number, got string");
}

struct collected {
    int n;
    char text[1024];
};

static void collect(const char *msg, const char *where, int at_key, void *arg)
{
    struct collected *c = arg;
    c->n++;
    strcat(c->text, where);
    strcat(c->text, at_key ? " (key) " : " ");
    strcat(c->text, msg);
    strcat(c->text, "\n");
}

static void test_every_problem(void)
{
    struct json_object *v = json_tokener_parse(
        "{\"port\": \"x\", \"prot\": 1, \"family\": \"no\", \"tls\": {}}");
    struct collected c = {0, ""};
    CU_ASSERT_EQUAL(wsc_schema_validate_each(S, v, 0, collect, &c), 4);
    CU_ASSERT_EQUAL(c.n, 4);
    CU_ASSERT_STRING_EQUAL(
        c.text,
        "/port params.port: expected integer, got string\n"
        "/prot (key) params: unknown param 'prot' (did you mean 'port'?)\n"
        "/family params.family: expected one of \"ipv4\", \"ipv6\", \"any\", got \"no\"\n"
        "/tls params.tls: missing required key 'ca'\n");
    json_object_put(v);
}

static void test_defaults(void)
{
    struct json_object *v = json_tokener_parse(
        "{\"port\": 1, \"tls\": {\"ca\": \"c\"}, \"steps\": [{\"send\": \"a\"},"
        " {\"wait\": 3}], \"family\": \"ipv4\"}");
    struct json_object *d = wsc_schema_apply_defaults(S, v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(
        json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
        "{\"port\":1,\"tls\":{\"ca\":\"c\",\"verify\":true},\"steps\":[{\"send\":"
        "\"a\",\"wait\":1},{\"wait\":3}],\"family\":\"ipv4\",\"host\":\"127.0.0.1\"}");
    /* The input is left alone. */
    CU_ASSERT_STRING_EQUAL(
        json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
        "{\"port\":1,\"tls\":{\"ca\":\"c\"},\"steps\":[{\"send\":\"a\"},{\"wait\":3}],"
        "\"family\":\"ipv4\"}");
    json_object_put(d);
    json_object_put(v);

    v = json_object_new_object();
    d = wsc_schema_apply_defaults(S, v);
    CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN),
                           "{\"host\":\"127.0.0.1\",\"family\":\"any\"}");
    json_object_put(d);
    json_object_put(v);
}

static char *schema_problem(const char *text)
{
    struct json_object *s = json_tokener_parse(text);
    char *msg = wsc_schema_check(s);
    json_object_put(s);
    return msg ? msg : strdup("");
}

#define SCHEMA_CHECK(text, want)            \
    do {                                    \
        char *got_ = schema_problem(text);  \
        CU_ASSERT_STRING_EQUAL(got_, want); \
        free(got_);                         \
    } while (0)

static void test_schema_check(void)
{
    SCHEMA_CHECK(PORT_SCHEMA, "");
    SCHEMA_CHECK("{}", "");
    SCHEMA_CHECK("{\"type\": \"object\", \"properties\": {}}", "");
    SCHEMA_CHECK("[]", "schema: a schema must be an object");
    SCHEMA_CHECK("{\"pattern\": \"x\"}", "schema: unsupported keyword 'pattern'");
    SCHEMA_CHECK("{\"properties\": {\"a\": {\"type\": \"int\"}}}",
                 "schema/properties/a: unknown type 'int'");
    SCHEMA_CHECK("{\"type\": [\"string\", 3]}", "schema: unknown type 3");
    SCHEMA_CHECK("{\"type\": []}",
                 "schema: 'type' must be a type name or an array of them");
    SCHEMA_CHECK("{\"properties\": []}", "schema: 'properties' must be an object");
    SCHEMA_CHECK("{\"properties\": {\"a\": {}}, \"required\": [\"b\"]}",
                 "schema: required 'b' is not in 'properties'");
    SCHEMA_CHECK("{\"required\": \"b\"}", "schema: 'required' must be an array of names");
    SCHEMA_CHECK("{\"items\": {\"items\": {\"format\": 1}}}",
                 "schema/items/items: unsupported keyword 'format'");
    SCHEMA_CHECK("{\"properties\": {\"p\": {\"type\": \"integer\", \"default\": \"x\"}}}",
                 "schema/properties/p: the default does not fit the schema "
                 "(params: expected integer, got string)");
    SCHEMA_CHECK("{\"enum\": 1}", "schema: 'enum' must be an array");
    SCHEMA_CHECK("{\"minimum\": \"1\"}", "schema: 'minimum' must be a number");
    SCHEMA_CHECK("{\"maxLength\": -1}", "schema: 'maxLength' must be an integer >= 0");
    SCHEMA_CHECK("{\"x-wsc-deferred\": 1}", "schema: 'x-wsc-deferred' must be a boolean");
    SCHEMA_CHECK("{\"additionalProperties\": 1}",
                 "schema: 'additionalProperties' must be a boolean or a schema");
    SCHEMA_CHECK("{\"additionalProperties\": {\"type\": \"nope\"}}",
                 "schema/additionalProperties: unknown type 'nope'");
}

static void test_open_objects(void)
{
    struct json_object *open = json_tokener_parse("{\"type\": \"object\"}");
    struct json_object *closed = json_tokener_parse(
        "{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}");
    struct json_object *v = json_tokener_parse("{\"x\": 1}");
    char *msg = wsc_schema_validate(open, v, 0, NULL);
    CU_ASSERT_PTR_NULL(msg);
    msg = wsc_schema_validate(closed, v, 0, NULL);
    CU_ASSERT_STRING_EQUAL(msg, "params: unknown param 'x' (known: none)");
    free(msg);
    json_object_put(open);
    json_object_put(closed);
    json_object_put(v);
}

static void test_helpers(void)
{
    CU_ASSERT_TRUE(wsc_schema_is_deferred(S, "/steps"));
    CU_ASSERT_TRUE(wsc_schema_is_deferred(S, "/steps/0/send"));
    CU_ASSERT_FALSE(wsc_schema_is_deferred(S, "/port"));
    CU_ASSERT_FALSE(wsc_schema_is_deferred(S, "/nope"));
    CU_ASSERT_FALSE(wsc_schema_is_deferred(S, ""));
    /* A bare name is one top-level param. */
    CU_ASSERT_TRUE(wsc_schema_is_deferred(S, "steps"));
    CU_ASSERT_FALSE(wsc_schema_is_deferred(S, "port"));
    CU_ASSERT_FALSE(wsc_schema_is_deferred(S, "nope"));
    CU_ASSERT_TRUE(wsc_schema_flag(wsc_schema_member(S, "expect"), "x-wsc-expect"));
    CU_ASSERT_FALSE(wsc_schema_flag(wsc_schema_member(S, "port"), "x-wsc-expect"));
    CU_ASSERT_PTR_NOT_NULL(wsc_schema_member(wsc_schema_member(S, "headers"), "any"));
    CU_ASSERT_PTR_NULL(wsc_schema_member(S, "nope"));
    CU_ASSERT_PTR_NOT_NULL(wsc_schema_items(wsc_schema_member(S, "ports")));
    CU_ASSERT_TRUE(wsc_schema_wants_text(wsc_schema_member(S, "host")));
    CU_ASSERT_FALSE(wsc_schema_wants_text(wsc_schema_member(S, "port")));
    CU_ASSERT_FALSE(
        wsc_schema_wants_text(wsc_schema_items(wsc_schema_member(S, "ports"))));
    CU_ASSERT_FALSE(wsc_schema_wants_text(wsc_schema_member(S, "expect")));
}

/* oneOf: exclusive alternatives of required params (port or ports). */
static void expect_one_of(const char *value, const char *want)
{
    struct json_object *schema = json_tokener_parse(
        "{\"type\": \"object\", \"oneOf\": [{\"required\": [\"port\"]},"
        " {\"required\": [\"ports\", \"host\"]}], \"properties\": {"
        " \"port\": {\"type\": \"integer\"}, \"ports\": {\"type\": \"array\"},"
        " \"host\": {\"type\": \"string\"}}}");
    struct json_object *v = json_tokener_parse(value);
    CU_ASSERT_PTR_NULL(wsc_schema_check(schema));
    char *got = wsc_schema_validate(schema, v, 0, NULL);
    CU_ASSERT_STRING_EQUAL(got ? got : "", want);
    free(got);
    json_object_put(v);
    json_object_put(schema);
}

static void test_one_of(void)
{
    expect_one_of("{\"port\": 1}", "");
    expect_one_of("{\"ports\": [1], \"host\": \"h\"}", "");
    expect_one_of("{}", "params: needs 'port' or 'ports'+'host'");
    expect_one_of("{\"ports\": [1]}", "params: needs 'port' or 'ports'+'host'");
    expect_one_of("{\"port\": 1, \"ports\": [1], \"host\": \"h\"}",
                  "params: 'port' and 'ports'+'host' cannot be used together");
    SCHEMA_CHECK("{\"oneOf\": [{\"required\": [\"a\"]}]}",
                 "schema: 'oneOf' must be an array of at least two alternatives");
    SCHEMA_CHECK("{\"oneOf\": [{\"required\": [\"a\"]}, {\"type\": \"string\"}]}",
                 "schema: each 'oneOf' alternative may only list 'required' names");
    SCHEMA_CHECK("{\"properties\": {\"a\": {}}, \"oneOf\": [{\"required\": [\"a\"]},"
                 " {\"required\": [\"b\"]}]}",
                 "schema: 'oneOf' names an unknown property");
}

static CU_TestInfo schema_tests[] = {
    {"valid values pass", test_valid_values},
    {"type mismatches", test_type_messages},
    {"unknown and missing params", test_unknown_and_missing},
    {"enum, minimum, maximum, lengths", test_enum_and_limits},
    {"lenient variables and deferred params", test_lenient_variables},
    {"every problem is reported", test_every_problem},
    {"defaults are filled in", test_defaults},
    {"schemas outside the subset are refused", test_schema_check},
    {"open and closed objects", test_open_objects},
    {"deferred, member, items, flags", test_helpers},
    {"oneOf: exclusive required alternatives", test_one_of},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"schema", setup_schema, teardown_schema, NULL, NULL, schema_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
