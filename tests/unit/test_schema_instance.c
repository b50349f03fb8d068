/* Unit tests of instance validation with JSON Schema semantics
 * (wsc_schema_validate_instance): each keyword passing and failing, the
 * messages naming the JSON Pointer and the keyword, $ref cycles and depth. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "wscheck/schema.h"

#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

/* The value against the schema: conforms (want NULL) or fails with a
 * message containing want. */
/* Parsed deeper than json-c's default of 32 levels, for the depth test. */
static struct json_object *parse(const char *text)
{
    struct json_tokener *tok = json_tokener_new_ex(4 * WSC_SCHEMA_MAX_DEPTH);
    struct json_object *v = tok ? json_tokener_parse_ex(tok, text, -1) : NULL;
    json_tokener_free(tok);
    return v;
}

static void check(int line, const char *schema, const char *value, const char *want)
{
    struct json_object *s = parse(schema), *v = parse(value);
    report(s && (v || strcmp(value, "null") == 0), line, "test data must parse: %s / %s",
           schema, value);
    char *msg = wsc_schema_validate_instance(s, v);
    if (want)
        report(msg && strstr(msg, want), line, "%s against %s: expected '%s', got '%s'",
               value, schema, want, msg ? msg : "(conforms)");
    else
        report(msg == NULL, line, "%s against %s: expected to conform, got '%s'", value,
               schema, msg ? msg : "");
    free(msg);
    json_object_put(s);
    json_object_put(v);
}

static void test_type(void)
{
    check(__LINE__, "{\"type\":\"integer\"}", "2", NULL);
    check(__LINE__, "{\"type\":\"integer\"}", "2.0", NULL);
    check(__LINE__, "{\"type\":\"integer\"}", "2.5",
          "(root): type: expected \"integer\"");
    check(__LINE__, "{\"type\":\"number\"}", "2", NULL);
    check(__LINE__, "{\"type\":[\"string\",\"null\"]}", "null", NULL);
    check(__LINE__, "{\"type\":[\"string\",\"null\"]}", "7",
          "type: expected [\"string\",\"null\"], got integer");
    check(__LINE__, "{\"type\":\"object\"}", "[]",
          "type: expected \"object\", got array");
    check(__LINE__, "{\"type\":\"boolean\"}", "false", NULL);
    check(__LINE__, "true", "{\"a\":1}", NULL);
    check(__LINE__, "false", "1", "(root): false:");
    /* keywords it does not know are annotations */
    check(__LINE__, "{\"x-vendor\":3,\"format\":\"email\",\"title\":\"t\"}", "\"no\"",
          NULL);
}

static void test_enum_const(void)
{
    check(__LINE__, "{\"enum\":[\"ok\",\"failed\"]}", "\"ok\"", NULL);
    check(__LINE__, "{\"enum\":[\"ok\",\"failed\"]}", "\"done\"",
          "enum: expected one of \"ok\", \"failed\", got \"done\"");
    check(__LINE__, "{\"enum\":[1,[2]]}", "1.0", NULL);
    check(__LINE__, "{\"const\":{\"a\":[1,2]}}", "{\"a\":[1,2]}", NULL);
    check(__LINE__, "{\"const\":{\"a\":[1,2]}}", "{\"a\":[2,1]}", "const: expected");
    check(__LINE__, "{\"const\":null}", "null", NULL);
    check(__LINE__, "{\"const\":null}", "0", "const: expected null, got 0");
}

static void test_numbers(void)
{
    check(__LINE__, "{\"minimum\":1,\"maximum\":3}", "3", NULL);
    check(__LINE__, "{\"minimum\":1}", "0", "minimum: 0 is less than 1");
    check(__LINE__, "{\"maximum\":3}", "3.5", "maximum: 3.5 is greater than 3");
    check(__LINE__, "{\"exclusiveMinimum\":1}", "1.5", NULL);
    check(__LINE__, "{\"exclusiveMinimum\":1}", "1",
          "exclusiveMinimum: 1 is not greater");
    check(__LINE__, "{\"exclusiveMaximum\":1}", "1", "exclusiveMaximum: 1 is not less");
    check(__LINE__, "{\"maximum\":1,\"exclusiveMaximum\":true}", "1", "maximum:");
    check(__LINE__, "{\"multipleOf\":0.1}", "0.3", NULL);
    check(__LINE__, "{\"multipleOf\":2}", "7", "multipleOf: 7 is not a multiple of 2");
    /* number keywords leave strings alone */
    check(__LINE__, "{\"minimum\":5}", "\"x\"", NULL);
}

static void test_strings(void)
{
    check(__LINE__, "{\"minLength\":2,\"maxLength\":3}", "\"\xc3\xa9t\xc3\xa9\"", NULL);
    check(__LINE__, "{\"minLength\":2}", "\"a\"", "minLength: expected at least 2");
    check(__LINE__, "{\"maxLength\":2}", "\"abc\"", "maxLength: expected at most 2");
    check(__LINE__, "{\"pattern\":\"^[a-z]+-[0-9]{2}$\"}", "\"ab-12\"", NULL);
    check(__LINE__, "{\"pattern\":\"^[a-z]+-[0-9]{2}$\"}", "\"ab-123\"",
          "pattern: \"ab-123\" does not match");
    check(__LINE__, "{\"pattern\":\"\\\\d+\"}", "\"v12\"", NULL);
    check(__LINE__, "{\"pattern\":\"^\\\\w+$\"}", "\"a b\"", "pattern:");
    check(__LINE__, "{\"pattern\":\"^[\\\\d.]+$\"}", "\"1.2\"", NULL);
    /* an ECMA-only construct is not applied rather than guessed at */
    check(__LINE__, "{\"pattern\":\"^(?!x)\"}", "\"x\"", NULL);
}

static void test_arrays(void)
{
    check(__LINE__, "{\"items\":{\"type\":\"integer\"}}", "[1,2]", NULL);
    check(__LINE__, "{\"items\":{\"type\":\"integer\"}}", "[1,\"2\"]",
          "/1: type: expected \"integer\", got string");
    check(__LINE__, "{\"minItems\":1}", "[]",
          "minItems: expected at least 1 items, got 0");
    check(__LINE__, "{\"maxItems\":1}", "[1,2]", "maxItems: expected at most 1");
    check(__LINE__, "{\"uniqueItems\":true}", "[1,2]", NULL);
    check(__LINE__, "{\"uniqueItems\":true}", "[1,{\"a\":1},{\"a\":1}]",
          "uniqueItems: items 1 and 2 are equal");
    const char *tuple = "{\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],"
                        "\"items\":false}";
    check(__LINE__, tuple, "[\"a\",1]", NULL);
    check(__LINE__, tuple, "[\"a\",\"b\"]", "/1: type:");
    check(__LINE__, tuple, "[\"a\",1,2]", "/2: false:");
    check(__LINE__,
          "{\"items\":[{\"type\":\"string\"}],\"additionalItems\":{\"type\":"
          "\"integer\"}}",
          "[\"a\",true]", "/1: type: expected \"integer\", got boolean");
    check(__LINE__, "{\"contains\":{\"const\":3}}", "[1,3]", NULL);
    check(__LINE__, "{\"contains\":{\"const\":3}}", "[1,2]",
          "contains: 0 items match its schema, at least 1 must");
    check(__LINE__, "{\"contains\":{\"type\":\"integer\"},\"maxContains\":1}", "[1,2]",
          "maxContains:");
}

static void test_objects(void)
{
    const char *point = "{\"type\":\"object\",\"required\":[\"x\"],\"properties\":"
                        "{\"x\":{\"type\":\"number\"},\"y\":{\"type\":\"number\"}}}";
    check(__LINE__, point, "{\"x\":1,\"extra\":true}", NULL); /* open by default */
    check(__LINE__, point, "{\"y\":1}", "(root): required: member 'x' is missing");
    check(__LINE__, point, "{\"x\":\"1\"}", "/x: type: expected \"number\"");
    check(__LINE__, "{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
          "{\"a\":1,\"b\":2}", "additionalProperties: member 'b' is not allowed");
    check(__LINE__, "{\"additionalProperties\":{\"type\":\"string\"}}", "{\"a\":1}",
          "/a: type: expected \"string\"");
    const char *pats = "{\"patternProperties\":{\"^x-\":{\"type\":\"integer\"}},"
                       "\"additionalProperties\":false}";
    check(__LINE__, pats, "{\"x-a\":1}", NULL);
    check(__LINE__, pats, "{\"x-a\":\"1\"}", "/x-a: type:");
    check(__LINE__, pats, "{\"y\":1}", "additionalProperties: member 'y'");
    check(__LINE__, "{\"minProperties\":1}", "{}", "minProperties: expected at least 1");
    check(__LINE__, "{\"maxProperties\":1}", "{\"a\":1,\"b\":2}", "maxProperties:");
    check(__LINE__, "{\"propertyNames\":{\"maxLength\":2}}", "{\"abc\":1}",
          "propertyNames: name 'abc' does not fit");
    check(__LINE__, "{\"dependentRequired\":{\"a\":[\"b\"]}}", "{\"a\":1}",
          "dependentRequired: member 'b' is missing");
    check(__LINE__, "{\"dependentRequired\":{\"a\":[\"b\"]}}", "{\"c\":1}", NULL);
    /* the pointer escapes '/' and '~' in member names */
    check(__LINE__, "{\"properties\":{\"a/b\":{\"type\":\"string\"}}}", "{\"a/b\":1}",
          "/a~1b: type:");
}

static void test_combinators(void)
{
    const char *nullable = "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}";
    check(__LINE__, nullable, "null", NULL);
    check(__LINE__, nullable, "\"s\"", NULL);
    check(__LINE__, nullable, "3",
          "(root): anyOf: matches none of the 2 alternatives (the first: (root): type:");
    const char *one = "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}";
    check(__LINE__, one, "1", NULL);
    check(__LINE__, one, "2.5", NULL);
    check(__LINE__, one, "3", "oneOf: matches 2 alternatives (#1 and #2)");
    check(__LINE__, one, "\"x\"", NULL); /* minimum leaves strings alone */
    check(__LINE__, "{\"allOf\":[{\"minimum\":1},{\"maximum\":2}]}", "3", "maximum:");
    check(__LINE__, "{\"allOf\":[{\"minimum\":1},{\"maximum\":2}]}", "2", NULL);
    check(__LINE__, "{\"not\":{\"type\":\"null\"}}", "null", "not: matches the schema");
    check(__LINE__, "{\"not\":{\"type\":\"null\"}}", "1", NULL);
    const char *cond = "{\"if\":{\"properties\":{\"kind\":{\"const\":\"n\"}}},"
                       "\"then\":{\"required\":[\"n\"]},\"else\":{\"required\":[\"s\"]}}";
    check(__LINE__, cond, "{\"kind\":\"n\",\"n\":1}", NULL);
    check(__LINE__, cond, "{\"kind\":\"n\"}", "required: member 'n'");
    check(__LINE__, cond, "{\"kind\":\"x\"}", "required: member 's'");
}

static void test_refs(void)
{
    /* what zod and pydantic emit: $defs, $ref, anyOf with null */
    const char *doc =
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        "\"type\":\"object\",\"required\":[\"items\"],\"properties\":{\"items\":{\"type\":"
        "\"array\",\"items\":{\"$ref\":\"#/$defs/Item\"}},\"parent\":{\"anyOf\":[{\"$ref\":"
        "\"#/definitions/Node\"},{\"type\":\"null\"}]}},\"$defs\":{\"Item\":{\"type\":"
        "\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"integer\"}}}},"
        "\"definitions\":{\"Node\":{\"type\":\"object\",\"properties\":{\"up\":{\"$ref\":"
        "\"#/definitions/Node\"}}}}}";
    check(__LINE__, doc, "{\"items\":[{\"id\":1}],\"parent\":null}", NULL);
    check(__LINE__, doc, "{\"items\":[{\"id\":1},{\"id\":\"2\"}]}",
          "/items/1/id: type: expected \"integer\", got string");
    check(__LINE__, doc, "{\"items\":[],\"parent\":{\"up\":{\"up\":{}}}}", NULL);
    check(__LINE__, doc, "{\"items\":[],\"parent\":{\"up\":{\"up\":3}}}",
          "/parent: anyOf:");
    check(__LINE__, "{\"$ref\":\"#/$defs/nope\"}", "1",
          "$ref: cannot resolve '#/$defs/nope'");
    check(__LINE__, "{\"$ref\":\"https://example.com/s.json\"}", "1",
          "$ref: cannot resolve");
    /* a reference to itself with nothing consumed must not loop */
    check(__LINE__,
          "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":"
          "\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}",
          "1", "a cycle");
    check(__LINE__, "{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#\"}]}", "1", "anyOf:");
}

/* A schema nested deeper than the limit is cut off with a problem. */
static void test_depth(void)
{
    char schema[4096] = "", value[4096] = "";
    for (int i = 0; i <= WSC_SCHEMA_MAX_DEPTH + 2; i++) {
        strcat(schema, "{\"items\":");
        strcat(value, "[");
    }
    strcat(schema, "{}");
    strcat(value, "1");
    for (int i = 0; i <= WSC_SCHEMA_MAX_DEPTH + 2; i++) {
        strcat(schema, "}");
        strcat(value, "]");
    }
    check(__LINE__, schema, value, "schema: nested deeper than");
}

/* A schema whose alternatives branch at every level of a deep value
 * would take exponential time: validation gives up instead. */
static void test_steps(void)
{
    char value[512] = "";
    for (int i = 0; i < 40; i++)
        strcat(value, "[");
    strcat(value, "1");
    for (int i = 0; i < 40; i++)
        strcat(value, "]");
    check(__LINE__,
          "{\"anyOf\":[{\"items\":{\"$ref\":\"#\"}},{\"items\":{\"$ref\":\"#\"}},"
          "{\"type\":\"string\"}]}",
          value, "schema: gave up after applying 1000000 schemas");
}

/* Every problem is reported, with its pointer, and the count returned. */
static void collect(const char *msg, const char *where, int at_key, void *arg)
{
    struct json_object *seen = arg;
    (void)msg;
    json_object_array_add(seen, json_object_new_string(where));
    if (at_key)
        json_object_array_add(seen, json_object_new_string("key"));
}

static void test_each(void)
{
    struct json_object *s = json_tokener_parse(
        "{\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}},"
        "\"additionalProperties\":false}");
    struct json_object *v = json_tokener_parse("{\"a\":1,\"b\":2,\"c\":3}");
    struct json_object *seen = json_object_new_array();
    int n = wsc_schema_validate_instance_each(s, v, collect, seen);
    const char *got = json_object_to_json_string_ext(seen, JSON_C_TO_STRING_PLAIN);
    report(n == 3 && strcmp(got, "[\"\\/a\",\"\\/b\",\"\",\"key\"]") == 0, __LINE__,
           "3 problems expected, got %d: %s", n, got);
    char *msg = wsc_schema_validate_instance(s, v);
    report(msg && strstr(msg, "(and 2 more)"), __LINE__, "summary: %s", msg ? msg : "");
    free(msg);
    json_object_put(seen);
    json_object_put(s);
    json_object_put(v);
}

static CU_TestInfo keyword_tests[] = {
    {"type and boolean schemas", test_type},
    {"enum and const", test_enum_const},
    {"numbers", test_numbers},
    {"strings and pattern", test_strings},
    {"arrays", test_arrays},
    {"objects", test_objects},
    {"allOf anyOf oneOf not if", test_combinators},
    {"$ref, $defs, cycles", test_refs},
    {"depth limit", test_depth},
    {"step limit", test_steps},
    {"every problem reported", test_each},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"schema instance validation", NULL, NULL, NULL, NULL, keyword_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
