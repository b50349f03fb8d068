/* JSON files with positions: see json_doc.h. */
#include "json_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "json_pointer_build.h"
#include "json_text.h"
#include "util.h"

/* These files are small; a scenario may be 64 MiB, a configuration 4. */
#define MAX_DOC_SIZE ((size_t)4 * 1024 * 1024)

static char *last_segment(const char *pointer)
{
    const char *slash = strrchr(pointer, '/');
    const char *next;
    char *seg = slash ? wsc_json_pointer_segment(slash + 1, &next) : NULL;
    return seg ? seg : strdup(pointer);
}

static int report_dups(const struct wsc_json_doc *doc, struct wsc_diag *diag)
{
    size_t n = wsc_source_map_n_dups(doc->pos);
    for (size_t i = 0; i < n; i++) {
        int line, col;
        const char *ptr = wsc_source_map_dup(doc->pos, i, &line, &col);
        char *key = last_segment(ptr);
        wsc_diag_at(diag, doc->file, line, col,
                    "duplicate key '%s' (only the last would count)", key ? key : ptr);
        free(key);
    }
    return n ? -1 : 0;
}

static int parse(struct wsc_json_doc *doc, const char *text, size_t len,
                 struct wsc_diag *diag)
{
    int line, col;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        wsc_text_linecol(text, len, (size_t)(nul - text), &line, &col);
        wsc_diag_at(diag, doc->file, line, col, "a NUL byte in the file");
        return -1;
    }
    if (wsc_json_text_parse(doc->file, text, len, &doc->root, &doc->pos, diag) < 0)
        return -1;
    return report_dups(doc, diag);
}

int wsc_json_doc_load(struct wsc_json_doc *doc, const char *path, int report_missing,
                      struct wsc_diag *diag)
{
    size_t len = 0;
    memset(doc, 0, sizeof *doc);
    char *text = wsc_read_file(path, MAX_DOC_SIZE, &len);
    if (!text) {
        int err = errno ? errno : ENOMEM;
        if (err != ENOENT || report_missing)
            wsc_diag_at(diag, path, 0, 0, "cannot read: %s",
                        err == EFBIG ? "file too large (over 4 MiB)" : strerror(err));
        errno = err;
        return -1;
    }
    char *body = text;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
        body += 3, len -= 3; /* a byte order mark: editors do not count it */
    if (!(doc->file = strdup(path))) {
        wsc_diag_at(diag, path, 0, 0, "out of memory");
        free(text);
        return -1;
    }
    int rc = parse(doc, body, len, diag);
    free(text);
    if (rc < 0)
        wsc_json_doc_clear(doc);
    return rc;
}

void wsc_json_doc_clear(struct wsc_json_doc *doc)
{
    free(doc->file);
    json_object_put(doc->root);
    wsc_source_map_free(doc->pos);
    memset(doc, 0, sizeof *doc);
}

void wsc_json_doc_pos(const struct wsc_json_doc *doc, const char *pointer, int at_key,
                      int *line, int *col)
{
    *line = *col = 1;
    if (!doc->pos || !pointer)
        return;
    if (at_key && wsc_source_map_key(doc->pos, pointer, line, col) == 0)
        return;
    char *p = strdup(pointer);
    while (p) {
        if (wsc_source_map_value(doc->pos, p, line, col) == 0)
            break;
        char *slash = strrchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    free(p);
}

void wsc_json_doc_error(const struct wsc_json_doc *doc, struct wsc_diag *diag,
                        const char *pointer, int at_key, const char *fmt, ...)
{
    int line, col;
    va_list ap;
    wsc_json_doc_pos(doc, pointer, at_key, &line, &col);
    va_start(ap, fmt);
    wsc_diag_vat(diag, doc->file, line, col, fmt, ap);
    va_end(ap);
}
