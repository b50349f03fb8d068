/* The redactor's rules applied to text, raw bytes and JSON values (see
 * redact.h). Each rule is one pass over the output of the one before:
 * literal secrets, URL userinfo, JSON members, name=value, header lines. */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Longer than this, a word before '=' or ':' is no name (bounds the work). */
#define MAX_NAME 128

typedef void (*pass_fn)(const struct wsc_redactor *r, const char *s, size_t len,
                        struct wsc_buf *out);

/* ---- literal secrets -------------------------------------------------------- */

/* A message that shows a value cut ("...", wscheck/render.h) may have cut
 * a secret: its start, at least this long (or whole), before the "..."
 * is redacted too. */
#define MIN_CUT_PREFIX 4

/* The length of a secret's start at p that a cut ended: p holds
 * sec[0..k) then "..." (or " ..."); 0 when not. */
static size_t cut_prefix_at(const unsigned char *p, size_t left, const char *sec,
                            size_t n)
{
    size_t k = 0;
    while (k < n && k < left && p[k] == (unsigned char)sec[k])
        k++;
    if (k < MIN_CUT_PREFIX && k < n)
        return 0;
    if (k + 3 <= left && memcmp(p + k, "...", 3) == 0)
        return k;
    if (k + 4 <= left && memcmp(p + k, " ...", 4) == 0)
        return k;
    return 0;
}

/* The longest secret (or a hex form of one, or its cut start) at p: a
 * shorter one must not leave the tail of a longer one behind. */
static size_t secret_at(const struct wsc_redactor *r, const unsigned char *p, size_t left)
{
    size_t best = 0;
    for (size_t i = 0; i < wsc_redactor_n_forms(r); i++) {
        const char *sec = wsc_redactor_form(r, i);
        size_t n = strlen(sec);
        if (p[0] != (unsigned char)sec[0])
            continue;
        if (n > best && n <= left && memcmp(p, sec, n) == 0)
            best = n;
        size_t cut = cut_prefix_at(p, left, sec, n);
        best = cut > best ? cut : best;
    }
    return best;
}

static void literal_pass(const struct wsc_redactor *r, const char *s, size_t len,
                         struct wsc_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t copied = 0;
    for (size_t i = 0; i < len;) {
        size_t hit = secret_at(r, p + i, len - i);
        if (!hit) {
            i++;
            continue;
        }
        wsc_buf_append(out, s + copied, i - copied);
        wsc_buf_puts(out, WSC_REDACTED);
        i += hit;
        copied = i;
    }
    wsc_buf_append(out, s + copied, len - copied);
}

/* ---- URL userinfo ----------------------------------------------------------- */

static void userinfo_pass(const struct wsc_redactor *r, const char *s, size_t len,
                          struct wsc_buf *out)
{
    (void)r;
    size_t copied = 0;
    for (size_t i = 0; i + 3 <= len; i++) {
        if (memcmp(s + i, "://", 3) != 0)
            continue;
        size_t a = i + 3, j = a;
        while (j < len && !strchr("/?#@ \t\r\n\"'<>", s[j]))
            j++;
        if (j >= len || s[j] != '@' || j == a)
            continue;
        const char *colon = memchr(s + a, ':', j - a);
        size_t keep = colon ? (size_t)(colon - s) + 1 : a; /* the user stays */
        wsc_buf_append(out, s + copied, keep - copied);
        wsc_buf_puts(out, WSC_REDACTED);
        copied = j; /* from the '@' on */
        i = j;
    }
    wsc_buf_append(out, s + copied, len - copied);
}

/* ---- JSON members ----------------------------------------------------------- */

/* The end of a JSON string whose opening quote is at s[i] (past its
 * closing quote; len when unterminated). */
static size_t json_string_end(const char *s, size_t len, size_t i)
{
    for (size_t k = i + 1; k < len; k++) {
        if (s[k] == '\\')
            k++;
        else if (s[k] == '"')
            return k + 1;
    }
    return len;
}

/* The end of an object or array opened at s[i], strings skipped when they
 * are plain (not escaped inside another string). */
static size_t json_nested_end(const char *s, size_t len, size_t i, int escaped)
{
    int depth = 0;
    for (size_t k = i; k < len; k++) {
        if (s[k] == '"' && !escaped) {
            k = json_string_end(s, len, k) - 1;
        } else if (s[k] == '{' || s[k] == '[') {
            depth++;
        } else if ((s[k] == '}' || s[k] == ']') && --depth == 0) {
            return k + 1;
        }
    }
    return len;
}

/* The end of the value that starts at s[v]; q is the quote ("\"" or "\\\""). */
static size_t json_value_end(const char *s, size_t len, size_t v, const char *q)
{
    size_t ql = strlen(q);
    if (ql == 1 && s[v] == '"')
        return json_string_end(s, len, v);
    if (ql == 2 && v + 1 < len && s[v] == '\\' && s[v + 1] == '"') {
        for (size_t k = v + 2; k + 1 < len; k++)
            if (s[k] == '\\' && s[k + 1] == '"' && s[k - 1] != '\\')
                return k + 2;
        return len;
    }
    if (s[v] == '{' || s[v] == '[')
        return json_nested_end(s, len, v, ql == 2);
    size_t e = v;
    while (e < len && !strchr(",}] \t\r\n\\", s[e]))
        e++;
    return e;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* A key candidate opening at s[i] (a '"', escaped when s[i-1] is '\\'): the
 * position just past its closing quote, or 0 when it is none. */
static size_t json_key_end(const char *s, size_t len, size_t i, int escaped)
{
    size_t j = i + 1;
    while (j < len && j - i <= MAX_NAME && s[j] != '"' && s[j] != '\\')
        j++;
    if (!escaped && j < len && s[j] == '"')
        return j + 1;
    if (escaped && j + 1 < len && s[j] == '\\' && s[j + 1] == '"')
        return j + 2;
    return 0;
}

static void json_pass(const struct wsc_redactor *r, const char *s, size_t len,
                      struct wsc_buf *out)
{
    size_t copied = 0, i = 0;
    while (i < len) {
        if (s[i] != '"') {
            i++;
            continue;
        }
        int escaped = i > 0 && s[i - 1] == '\\';
        size_t end = json_key_end(s, len, i, escaped);
        if (!end) { /* not a key: the next quote may open one */
            i++;
            continue;
        }
        size_t name_len = end - i - 2 - (size_t)escaped;
        size_t v = skip_space(s, len, end);
        if (v >= len || s[v] != ':') {
            i = end - 1; /* the closing quote may open the next key */
            continue;
        }
        v = skip_space(s, len, v + 1);
        if (v >= len ||
            !wsc_redactor_secret_name(r, s + i + 1, name_len, WSC_NAME_TEXT)) {
            i = v;
            continue;
        }
        size_t ve = json_value_end(s, len, v, escaped ? "\\\"" : "\"");
        if (ve == v) {
            i = v + 1;
            continue;
        }
        wsc_buf_append(out, s + copied, v - copied);
        wsc_buf_puts(out, escaped ? "\\\"" WSC_REDACTED "\\\"" : "\"" WSC_REDACTED "\"");
        copied = i = ve;
    }
    wsc_buf_append(out, s + copied, len - copied);
}

/* ---- name=value ---------------------------------------------------------------- */

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* The end of the value of name=value starting at s[v] (past a closing quote
 * when it is quoted). */
static size_t assignment_value_end(const char *s, size_t len, size_t v, size_t *from)
{
    *from = v;
    if (v < len && (s[v] == '"' || s[v] == '\'')) {
        const char *close = memchr(s + v + 1, s[v], len - v - 1);
        *from = v + 1;
        return close ? (size_t)(close - s) : len;
    }
    size_t e = v;
    while (e < len && !strchr(" \t\r\n&,;\"'<>)]}#", s[e]))
        e++;
    return e;
}

static void assignment_pass(const struct wsc_redactor *r, const char *s, size_t len,
                            struct wsc_buf *out)
{
    size_t copied = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] != '=')
            continue;
        size_t b = i;
        while (b > 0 && i - b < MAX_NAME && name_char(s[b - 1]))
            b--;
        if (b == i || (b > 0 && name_char(s[b - 1])))
            continue;
        int query = b > 0 && (s[b - 1] == '?' || s[b - 1] == '&' || s[b - 1] == ';');
        if (!wsc_redactor_secret_name(r, s + b, i - b,
                                      query ? WSC_NAME_QUERY : WSC_NAME_TEXT))
            continue;
        size_t from, e = assignment_value_end(s, len, i + 1, &from);
        if (e == from)
            continue;
        wsc_buf_append(out, s + copied, from - copied);
        wsc_buf_puts(out, WSC_REDACTED);
        copied = e;
        i = e > i ? e - 1 : i;
    }
    wsc_buf_append(out, s + copied, len - copied);
}

/* ---- "Name: value" ------------------------------------------------------------------ */

static int header_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A header line starts a line. Within a line ("request failed
 * (Authorization: Bearer ...)") only what can only be a header counts: a
 * credential header, or a name with a '-' (X-API-Key): "capture session:
 * nothing at /session/id" is a message, not a header. */
static int header_start(const struct wsc_redactor *r, const char *s, size_t b, size_t i)
{
    if (b == 0 || s[b - 1] == '\n')
        return 1;
    if (!strchr(" \t\r([{,;", s[b - 1]))
        return 0;
    return memchr(s + b, '-', i - b) != NULL ||
           wsc_redactor_secret_name(r, s + b, i - b, WSC_NAME_TEXT) == 2;
}

static void header_pass(const struct wsc_redactor *r, const char *s, size_t len,
                        struct wsc_buf *out)
{
    size_t copied = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        if (s[i] != ':' || (s[i + 1] != ' ' && s[i + 1] != '\t'))
            continue;
        size_t b = i;
        while (b > 0 && i - b < MAX_NAME && header_name_char(s[b - 1]))
            b--;
        if (b == i || !header_start(r, s, b, i) ||
            !wsc_redactor_secret_name(r, s + b, i - b, WSC_NAME_TEXT))
            continue;
        size_t v = i + 1;
        while (v < len && (s[v] == ' ' || s[v] == '\t'))
            v++;
        size_t e = v;
        while (e < len && s[e] != '\r' && s[e] != '\n')
            e++; /* a header value runs to the end of its line */
        if (e == v)
            continue;
        wsc_buf_append(out, s + copied, v - copied);
        wsc_buf_puts(out, WSC_REDACTED);
        copied = e;
        i = e;
    }
    wsc_buf_append(out, s + copied, len - copied);
}

/* ---- entry points -------------------------------------------------------------------- */

char *wsc_redactor_text(const struct wsc_redactor *r, const char *text)
{
    static const pass_fn passes[] = {literal_pass, userinfo_pass, json_pass,
                                     assignment_pass, header_pass};
    char *cur = strdup(text ? text : "");
    for (size_t p = 0; cur && p < sizeof(passes) / sizeof(*passes); p++) {
        struct wsc_buf out = {0};
        passes[p](r, cur, strlen(cur), &out);
        free(cur);
        cur = wsc_buf_take(&out);
    }
    return cur;
}

unsigned char *wsc_redactor_bytes(const struct wsc_redactor *r, const void *data,
                                  size_t len, size_t *out_len)
{
    struct wsc_buf out = {0};
    if (wsc_buf_reserve(&out, len) < 0)
        return NULL;
    literal_pass(r, data, len, &out);
    *out_len = out.len;
    return (unsigned char *)wsc_buf_take(&out);
}

struct json_object *wsc_redactor_json(const struct wsc_redactor *r,
                                      const struct json_object *j, int *failed)
{
    struct json_object *c = NULL;
    switch (json_object_get_type(j)) {
    case json_type_string: {
        char *s = wsc_redactor_text(r, json_object_get_string((struct json_object *)j));
        c = s ? json_object_new_string(s) : NULL;
        free(s);
        break;
    }
    case json_type_array:
        c = json_object_new_array();
        for (size_t i = 0; c && i < json_object_array_length(j); i++)
            if (json_object_array_add(
                    c, wsc_redactor_json(r, json_object_array_get_idx(j, i), failed)) !=
                0)
                *failed = 1;
        break;
    case json_type_object:
        c = json_object_new_object();
        json_object_object_foreach((struct json_object *)j, k, v) {
            struct json_object *e =
                wsc_redactor_secret_name(r, k, strlen(k), WSC_NAME_TEXT)
                    ? json_object_new_string(WSC_REDACTED)
                    : wsc_redactor_json(r, v, failed);
            /* Keys are text too: a server may key a map by token. Two keys
             * that redact alike keep the later member. */
            char *key = wsc_redactor_text(r, k);
            if (!key || !c || json_object_object_add(c, key, e) != 0) {
                json_object_put(e);
                *failed = 1;
            }
            free(key);
        }
        break;
    case json_type_null:
        return NULL;
    default:
        if (json_object_deep_copy((struct json_object *)j, &c, NULL) != 0)
            c = NULL;
        break;
    }
    if (!c)
        *failed = 1;
    return c;
}
