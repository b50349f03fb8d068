/* JSON text with positions: what scenario files and the configuration
 * file share. json-c parses (comments allowed, UTF-8 validated) and the
 * source map records where each member and element starts, so that later
 * checks can say FILE:LINE:COL. */
#ifndef WSC_JSON_TEXT_H
#define WSC_JSON_TEXT_H

#include <stddef.h>

#include <json-c/json.h>

#include "diag.h"
#include "source_map.h"

/* Parses text (len bytes, NUL-terminated at len, no NUL before) into *root
 * and *pos (both owned by the caller). On a syntax error, reports "FILE:LINE:
 * COL: syntax error: ..." through diag and returns -1 (*root and *pos NULL). */
int wsc_json_text_parse(const char *file, const char *text, size_t len,
                        struct json_object **root, struct wsc_source_map **pos,
                        struct wsc_diag *diag);

#endif
