/* wscheck-mock: crackerjack's secure status formatter ("standard"
 * verbosity), applied to GET / and /latest by v0.31.12+ (bug switch
 * "sanitize"): some keys dropped, URL-like values masked, path-like runs
 * in other strings replaced by [REDACTED_PATH], and a _security member. */
#ifndef WSCHECK_MOCK_CJ_SANITIZE_H
#define WSCHECK_MOCK_CJ_SANITIZE_H

#include <json-c/json.h>

/* Sanitises obj (an object, changed in place); paths under root stay. */
void cj_sanitize(json_object *obj, const char *root);

/* A masked value: the first and last two characters, stars between. */
json_object *cj_mask(const char *s);

/* The _security member alone, for results that carry it. */
json_object *cj_security_member(void);

#endif
