/* Instance validation (JSON Schema semantics): the walk shared by the
 * applicators (schema_instance.c) and the assertions by instance type
 * (schema_instance_keywords.c). */
#ifndef WSC_SCHEMA_INTERNAL_H
#define WSC_SCHEMA_INTERNAL_H

#include <stddef.h>

#include <json-c/json.h>

#include "wscheck/export.h"
#include "wscheck/schema.h"

/* A $ref being followed: the schema it led to and the member it is applied
 * to. The same pair twice in the chain is a cycle. */
struct wsc_si_ref {
    const struct json_object *target;
    const struct json_object *inst;
    const struct wsc_si_ref *up;
};

/* One validation: where problems go, the $ref chain being followed, and
 * the schemas applied so far (shared with the quiet validations inside it:
 * past WSC_SCHEMA_MAX_STEPS the validation gives up). */
struct wsc_si {
    const struct json_object *root;
    wsc_schema_error_fn fn;
    void *arg;
    int count;
    const struct wsc_si_ref *refs;
    long *steps;
};

/* Applies schema s to v, the member at JSON pointer ptr; depth counts the
 * schemas entered so far. */
void wsc_si_node(struct wsc_si *vd, const struct json_object *s,
                 const struct json_object *v, const char *ptr, int depth);
/* The same for the member `key` (or element `index` when key is NULL). */
void wsc_si_child(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr, const char *key,
                  size_t index, int depth);
/* Applies s to v without reporting: the number of problems, and the first
 * one (malloc'ed) in *first when first is not NULL. */
int wsc_si_quiet(struct wsc_si *vd, const struct json_object *s,
                 const struct json_object *v, const char *ptr, int depth, char **first);
/* One problem: "PTR: KEYWORD: what". */
void wsc_si_report(struct wsc_si *vd, const char *ptr, int at_key, const char *keyword,
                   const char *fmt, ...) WSC_PRINTF(5, 6);

/* The schema's member `key` (NULL when s is not an object or lacks it). */
struct json_object *wsc_si_get(const struct json_object *s, const char *key);
/* JSON equality with numbers compared by value (1 equals 1.0). */
int wsc_si_equal(const struct json_object *a, const struct json_object *b);
/* Does the ECMA-262 pattern match somewhere in text? 1 yes, 0 no, -1 when
 * the pattern cannot be compiled (then it is not applied). */
int wsc_si_pattern_match(const char *pattern, const char *text);

/* Assertions: type, enum and const; then those of v's type. */
int wsc_si_type_ok(struct wsc_si *vd, const struct json_object *s,
                   const struct json_object *v, const char *ptr);
void wsc_si_value(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr);
void wsc_si_array(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr, int depth);
void wsc_si_object(struct wsc_si *vd, const struct json_object *s,
                   const struct json_object *v, const char *ptr, int depth);

#endif
