/* JSON text with positions: see json_text.h. */
#include "json_text.h"

#include <stdlib.h>

#include <wscheck/json.h>

#include "util.h"

/* Where an "unexpected end" error is best shown: just after the last thing
 * written. */
static size_t end_of_content(const char *text, size_t len)
{
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
                       text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    return len;
}

static void syntax_error(const char *file, struct wsc_diag *diag, const char *text,
                         size_t len, enum json_tokener_error jerr, size_t off)
{
    int line, col;
    const char *msg = json_tokener_error_desc(jerr);
    if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof ||
        off >= len) {
        msg = "unexpected end of file";
        off = end_of_content(text, len);
    } else if (jerr == json_tokener_error_depth) {
        msg = wsc_json_error_desc(NULL, jerr);
    }
    wsc_text_linecol(text, len, off, &line, &col);
    wsc_diag_at(diag, file, line, col, "syntax error: %s", msg);
}

int wsc_json_text_parse(const char *file, const char *text, size_t len,
                        struct json_object **root, struct wsc_source_map **pos,
                        struct wsc_diag *diag)
{
    struct json_tokener *tok = wsc_json_tokener_new();
    char *err = NULL;
    size_t err_off = 0;
    int line, col;

    *root = NULL;
    *pos = NULL;
    if (!tok) {
        wsc_diag_at(diag, file, 0, 0, "out of memory");
        return -1;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
    /* The terminating NUL ends a trailing number or // comment. */
    *root = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr != json_tokener_success) {
        json_object_put(*root);
        *root = NULL;
        syntax_error(file, diag, text, len, jerr, end);
        return -1;
    }
    *pos = wsc_source_map_scan(text, len, &err, &err_off);
    if (!*pos) {
        wsc_text_linecol(text, len, err_off, &line, &col);
        wsc_diag_at(diag, file, line, col, "syntax error: %s",
                    err ? err : "out of memory");
        free(err);
        json_object_put(*root);
        *root = NULL;
        return -1;
    }
    return 0;
}
