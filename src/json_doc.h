/* A JSON file read for its positions: the parsed tree and the index from
 * JSON pointer to line and column (source_map.h), for the files besides
 * scenarios that wscheck reads (the configuration file, --vars-file,
 * included scenario files), so their errors are FILE:LINE:COL like a
 * scenario's. Same dialect as scenarios: comments allowed. */
#ifndef WSC_JSON_DOC_H
#define WSC_JSON_DOC_H

#include <stddef.h>
#include <json-c/json.h>

#include "diag.h"

struct wsc_source_map;

struct wsc_json_doc {
    char *file;                 /* as given */
    struct json_object *root;   /* owned */
    struct wsc_source_map *pos; /* owned */
};

/* Reads and parses path. Problems (unreadable, too large, NUL byte, syntax
 * error, duplicate keys) are reported through diag with the file's name;
 * returns 0, or -1 (nothing to free) on error. A file that does not exist
 * gives -1 with errno ENOENT, reported only when report_missing. */
int wsc_json_doc_load(struct wsc_json_doc *doc, const char *path, int report_missing,
                      struct wsc_diag *diag);
void wsc_json_doc_clear(struct wsc_json_doc *doc);

/* Position of the value (or, with at_key, the member name) at pointer,
 * falling back to the nearest parent; 1:1 when unknown. */
void wsc_json_doc_pos(const struct wsc_json_doc *doc, const char *pointer, int at_key,
                      int *line, int *col);
/* Reports "FILE:LINE:COL: message" at pointer. */
void wsc_json_doc_error(const struct wsc_json_doc *doc, struct wsc_diag *diag,
                        const char *pointer, int at_key, const char *fmt, ...)
    WSC_PRINTF(5, 6);

#endif
