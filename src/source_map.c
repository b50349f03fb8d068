/* A position index for JSON text. json-c reports where a parse failed but
 * keeps no positions in the tree it builds, so a second, small scanner walks
 * the same text and records where every value starts, keyed by its JSON
 * pointer. It accepts what json-c's non-strict tokener accepts. */
#include "source_map.h"
#include "json_pointer_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"

/* Deeper than json-c's default limit (32), so anything json-c parsed scans. */
#define MAX_DEPTH 256

struct pos_entry {
    char *pointer;
    int line, col;         /* the value */
    int key_line, key_col; /* the member name, or the value */
    size_t seq;            /* scan order: the last of equal pointers wins */
};

struct pos_dup {
    char *pointer;
    int line, col;
};

struct wsc_source_map {
    struct pos_entry *entries;
    size_t n_entries;
    struct pos_dup *dups;
    size_t n_dups;
};

struct scanner {
    const char *s;
    size_t len;
    size_t i;
    int line, col;
    struct wsc_buf ptr; /* the current JSON pointer */
    struct wsc_source_map *out;
    size_t cap_entries, cap_dups;
    const char *err; /* static message; NULL while all is well */
    size_t err_off;
    int oom;
};

/* ---- text positions ------------------------------------------------------ */

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void wsc_text_linecol(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (!is_continuation((unsigned char)text[i])) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void advance(struct scanner *sc)
{
    if (sc->i >= sc->len)
        return;
    char c = sc->s[sc->i++];
    if (c == '\n') {
        sc->line++;
        sc->col = 1;
    } else if (!is_continuation((unsigned char)c)) {
        sc->col++;
    }
}

static int at_end(const struct scanner *sc)
{
    return sc->i >= sc->len;
}

static char peek(const struct scanner *sc, size_t ahead)
{
    return sc->i + ahead < sc->len ? sc->s[sc->i + ahead] : '\0';
}

static int fail(struct scanner *sc, const char *msg, size_t off)
{
    if (!sc->err) {
        sc->err = msg;
        sc->err_off = off;
    }
    return -1;
}

static int out_of_memory(struct scanner *sc)
{
    sc->oom = 1;
    return fail(sc, "out of memory", sc->i);
}

/* ---- recording -------------------------------------------------------------- */

static int record_value(struct scanner *sc, int key_line, int key_col)
{
    struct wsc_source_map *p = sc->out;
    if (p->n_entries == sc->cap_entries) {
        size_t cap = sc->cap_entries ? sc->cap_entries * 2 : 64;
        struct pos_entry *grown = realloc(p->entries, cap * sizeof *grown);
        if (!grown)
            return out_of_memory(sc);
        p->entries = grown;
        sc->cap_entries = cap;
    }
    char *copy = strdup(sc->ptr.data ? sc->ptr.data : "");
    if (!copy)
        return out_of_memory(sc);
    p->entries[p->n_entries] =
        (struct pos_entry){copy, sc->line, sc->col, key_line, key_col, p->n_entries};
    p->n_entries++;
    return 0;
}

static int record_dup(struct scanner *sc, int line, int col)
{
    struct wsc_source_map *p = sc->out;
    if (p->n_dups == sc->cap_dups) {
        size_t cap = sc->cap_dups ? sc->cap_dups * 2 : 8;
        struct pos_dup *grown = realloc(p->dups, cap * sizeof *grown);
        if (!grown)
            return out_of_memory(sc);
        p->dups = grown;
        sc->cap_dups = cap;
    }
    char *copy = strdup(sc->ptr.data);
    if (!copy)
        return out_of_memory(sc);
    p->dups[p->n_dups++] = (struct pos_dup){copy, line, col};
    return 0;
}

/* ---- lexical pieces ------------------------------------------------------------ */

/* Skips whitespace and comments. */
static int skip_space(struct scanner *sc)
{
    while (!at_end(sc)) {
        char c = peek(sc, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(sc);
        } else if (c == '/' && peek(sc, 1) == '/') {
            while (!at_end(sc) && peek(sc, 0) != '\n')
                advance(sc);
        } else if (c == '/' && peek(sc, 1) == '*') {
            size_t start = sc->i;
            advance(sc);
            advance(sc);
            while (!at_end(sc) && !(peek(sc, 0) == '*' && peek(sc, 1) == '/'))
                advance(sc);
            if (at_end(sc))
                return fail(sc, "unterminated comment", start);
            advance(sc);
            advance(sc);
        } else if (c == '/') {
            return fail(sc, "expected comment", sc->i);
        } else {
            break;
        }
    }
    return 0;
}

/* Reads the 4 hex digits after "\u"; -1 when they are not there. */
static long read_hex4(struct scanner *sc)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = wsc_hex_value(peek(sc, 0));
        if (at_end(sc) || h < 0)
            return -1;
        v = v * 16 + h;
        advance(sc);
    }
    return v;
}

static size_t utf8_encode(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes "\uXXXX" (the backslash and 'u' already consumed), joining
 * surrogate pairs; lone surrogates become U+FFFD as json-c makes them. */
static int read_unicode_escape(struct scanner *sc, unsigned long *cp)
{
    long hi = read_hex4(sc);
    if (hi < 0)
        return fail(sc, "invalid string sequence", sc->i);
    *cp = (unsigned long)hi;
    if (hi >= 0xDC00 && hi <= 0xDFFF) {
        *cp = 0xFFFD;
    } else if (hi >= 0xD800 && hi <= 0xDBFF) {
        *cp = 0xFFFD;
        if (peek(sc, 0) == '\\' && peek(sc, 1) == 'u') {
            size_t save_i = sc->i;
            int save_line = sc->line, save_col = sc->col;
            advance(sc);
            advance(sc);
            long lo = read_hex4(sc);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                *cp = 0x10000 + (((unsigned long)hi - 0xD800) << 10) +
                      ((unsigned long)lo - 0xDC00);
            } else {
                sc->i = save_i; /* not a pair: the next escape stands alone */
                sc->line = save_line;
                sc->col = save_col;
            }
        }
    }
    return 0;
}

static int escape_char(char c, char *out)
{
    static const char from[] = "\"\\/bfnrt'";
    static const char to[] = "\"\\/\b\f\n\r\t'";
    const char *hit = c ? strchr(from, c) : NULL;
    if (!hit)
        return -1;
    *out = to[hit - from];
    return 0;
}

/* Reads a string starting at its quote. When key is not NULL, the decoded
 * text is returned there (malloc'ed, cut at a NUL as json-c cuts keys). */
static int read_string(struct scanner *sc, char **key)
{
    char quote = peek(sc, 0);
    size_t start = sc->i;
    struct wsc_buf text = {0}; /* the decoded key */
    int cut = 0;

    advance(sc);
    for (;;) {
        if (at_end(sc)) {
            wsc_buf_free(&text);
            return fail(sc, "unterminated string", start);
        }
        char c = peek(sc, 0);
        char piece[4];
        size_t piece_len = 1;
        advance(sc);
        if (c == quote)
            break;
        piece[0] = c;
        if (c == '\\') {
            char e = peek(sc, 0);
            advance(sc);
            if (e == 'u') {
                unsigned long cp;
                if (read_unicode_escape(sc, &cp) < 0) {
                    wsc_buf_free(&text);
                    return -1;
                }
                piece_len = utf8_encode(cp, piece);
            } else if (escape_char(e, &piece[0]) < 0) {
                wsc_buf_free(&text);
                return fail(sc, "invalid string sequence", sc->i);
            }
        }
        if (!key || cut)
            continue;
        if (piece_len == 1 && piece[0] == '\0') {
            cut = 1;
            continue;
        }
        wsc_buf_append(&text, piece, piece_len);
        if (text.failed) {
            wsc_buf_free(&text);
            return out_of_memory(sc);
        }
    }
    if (key && !(*key = wsc_buf_take(&text))) /* "" for an empty key */
        return out_of_memory(sc);
    return 0;
}

static int is_delimiter(char c)
{
    return c == ',' || c == ']' || c == '}' || c == ':' || c == '/' || c == ' ' ||
           c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '"' ||
           c == '\'' || c == '[' || c == '{';
}

/* Numbers and bare words (true, null, NaN, Infinity, ... in any case). */
static int read_scalar(struct scanner *sc)
{
    size_t start = sc->i;
    while (!at_end(sc) && !is_delimiter(peek(sc, 0)))
        advance(sc);
    if (sc->i == start)
        return fail(sc, "unexpected character", start);
    return 0;
}

/* ---- values ------------------------------------------------------------------ */

static int read_value(struct scanner *sc, int key_line, int key_col, int depth);

static int read_member(struct scanner *sc, struct json_object *seen, int depth)
{
    char q = peek(sc, 0);
    if (q != '"' && q != '\'')
        return fail(sc, "quoted object property name expected", sc->i);
    int key_line = sc->line, key_col = sc->col;
    char *key = NULL;
    if (read_string(sc, &key) < 0)
        return -1;
    size_t base = sc->ptr.len;
    int rc = wsc_json_pointer_push_key(&sc->ptr, key) < 0 ? out_of_memory(sc) : 0;
    if (rc == 0 && json_object_object_get_ex(seen, key, NULL))
        rc = record_dup(sc, key_line, key_col);
    if (rc == 0 && json_object_object_add(seen, key, NULL) != 0)
        rc = out_of_memory(sc);
    free(key);
    if (rc == 0)
        rc = skip_space(sc);
    if (rc == 0 && peek(sc, 0) != ':')
        rc = fail(sc, "object property name separator ':' expected", sc->i);
    if (rc == 0) {
        advance(sc);
        rc = skip_space(sc);
    }
    if (rc == 0)
        rc = read_value(sc, key_line, key_col, depth + 1);
    wsc_buf_truncate(&sc->ptr, base);
    return rc;
}

static int read_object(struct scanner *sc, int depth)
{
    struct json_object *seen = json_object_new_object();
    if (!seen)
        return out_of_memory(sc);
    int rc;
    advance(sc);
    rc = skip_space(sc);
    while (rc == 0 && peek(sc, 0) != '}') {
        rc = read_member(sc, seen, depth);
        if (rc == 0)
            rc = skip_space(sc);
        if (rc == 0 && peek(sc, 0) == ',') {
            advance(sc);
            rc = skip_space(sc);
        } else if (rc == 0 && peek(sc, 0) != '}') {
            rc = fail(sc,
                      at_end(sc) ? "unexpected end of data"
                                 : "object value separator ',' expected",
                      sc->i);
        }
    }
    if (rc == 0)
        advance(sc);
    json_object_put(seen);
    return rc;
}

static int read_array(struct scanner *sc, int depth)
{
    size_t index = 0;
    int rc;
    advance(sc);
    rc = skip_space(sc);
    while (rc == 0 && peek(sc, 0) != ']') {
        if (at_end(sc))
            return fail(sc, "unexpected end of data", sc->i);
        size_t base = sc->ptr.len;
        rc = wsc_json_pointer_push_index(&sc->ptr, index++) < 0 ? out_of_memory(sc) : 0;
        if (rc == 0)
            rc = read_value(sc, sc->line, sc->col, depth + 1);
        wsc_buf_truncate(&sc->ptr, base);
        if (rc == 0)
            rc = skip_space(sc);
        if (rc == 0 && peek(sc, 0) == ',') {
            advance(sc);
            rc = skip_space(sc);
        } else if (rc == 0 && peek(sc, 0) != ']') {
            rc = fail(sc,
                      at_end(sc) ? "unexpected end of data"
                                 : "array value separator ',' expected",
                      sc->i);
        }
    }
    if (rc == 0)
        advance(sc);
    return rc;
}

static int read_value(struct scanner *sc, int key_line, int key_col, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(sc, "nesting too deep", sc->i);
    if (at_end(sc))
        return fail(sc, "unexpected end of data", sc->i);
    if (record_value(sc, key_line, key_col) < 0)
        return -1;
    switch (peek(sc, 0)) {
    case '{':
        return read_object(sc, depth);
    case '[':
        return read_array(sc, depth);
    case '"':
    case '\'':
        return read_string(sc, NULL);
    default:
        return read_scalar(sc);
    }
}

/* ---- the index ------------------------------------------------------------------ */

static int entry_cmp(const void *a, const void *b)
{
    const struct pos_entry *x = a, *y = b;
    int c = strcmp(x->pointer, y->pointer);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts by pointer and keeps, of equal pointers, the last scanned (the
 * value json-c keeps for a repeated member name). */
static void build_index(struct wsc_source_map *p)
{
    size_t kept = 0;
    if (p->n_entries == 0)
        return;
    qsort(p->entries, p->n_entries, sizeof *p->entries, entry_cmp);
    for (size_t i = 0; i < p->n_entries; i++) {
        if (kept > 0 &&
            strcmp(p->entries[kept - 1].pointer, p->entries[i].pointer) == 0) {
            free(p->entries[kept - 1].pointer);
            p->entries[kept - 1] = p->entries[i];
        } else {
            p->entries[kept++] = p->entries[i];
        }
    }
    p->n_entries = kept;
}

struct wsc_source_map *wsc_source_map_scan(const char *text, size_t len, char **err,
                                           size_t *err_off)
{
    struct scanner sc = {.s = text, .len = len, .line = 1, .col = 1};
    int rc;

    if (err)
        *err = NULL;
    if (err_off)
        *err_off = 0;
    sc.out = calloc(1, sizeof *sc.out);
    if (!sc.out)
        return NULL;
    wsc_buf_puts(&sc.ptr, "");
    rc = sc.ptr.failed ? out_of_memory(&sc) : 0;
    if (rc == 0)
        rc = skip_space(&sc);
    if (rc == 0)
        rc = read_value(&sc, sc.line, sc.col, 0);
    if (rc == 0)
        rc = skip_space(&sc);
    if (rc == 0 && !at_end(&sc))
        rc = fail(&sc, "unexpected text after the JSON value", sc.i);
    wsc_buf_free(&sc.ptr);
    if (rc < 0) {
        if (err && !sc.oom)
            *err = strdup(sc.err);
        if (err_off)
            *err_off = sc.err_off;
        wsc_source_map_free(sc.out);
        return NULL;
    }
    build_index(sc.out);
    return sc.out;
}

void wsc_source_map_free(struct wsc_source_map *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_entries; i++)
        free(p->entries[i].pointer);
    for (size_t i = 0; i < p->n_dups; i++)
        free(p->dups[i].pointer);
    free(p->entries);
    free(p->dups);
    free(p);
}

static const struct pos_entry *find(const struct wsc_source_map *p, const char *pointer)
{
    if (!p || !pointer || p->n_entries == 0)
        return NULL;
    /* Binary search: the index holds one entry per pointer, sorted. */
    size_t lo = 0, hi = p->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pointer, p->entries[mid].pointer);
        if (c == 0)
            return &p->entries[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int wsc_source_map_value(const struct wsc_source_map *p, const char *pointer, int *line,
                         int *col)
{
    const struct pos_entry *e = find(p, pointer);
    if (!e)
        return -1;
    *line = e->line;
    *col = e->col;
    return 0;
}

int wsc_source_map_key(const struct wsc_source_map *p, const char *pointer, int *line,
                       int *col)
{
    const struct pos_entry *e = find(p, pointer);
    if (!e)
        return -1;
    *line = e->key_line;
    *col = e->key_col;
    return 0;
}

size_t wsc_source_map_n_dups(const struct wsc_source_map *p)
{
    return p ? p->n_dups : 0;
}

const char *wsc_source_map_dup(const struct wsc_source_map *p, size_t i, int *line,
                               int *col)
{
    if (!p || i >= p->n_dups)
        return NULL;
    *line = p->dups[i].line;
    *col = p->dups[i].col;
    return p->dups[i].pointer;
}
