/* wscheck-mock: a JSON parser that fails like Python's json.loads().
 *
 * The structure follows CPython's C scanner (Modules/_json.c) on purpose:
 * the order of the checks decides which message and which position a bad
 * document gets, and clients of the reference server may show or compare
 * those messages. Positions are counted in code points, as Python counts
 * them in a str. */
#include "pyjson.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const unsigned char *s;
    size_t len;
    int depth;
    enum pyjson_status status;
    const char *err_msg;
    size_t err_pos; /* byte offset */
};

static bool fail(struct parser *p, const char *msg, size_t pos)
{
    if (p->status == PYJSON_OK) {
        p->status = PYJSON_SYNTAX;
        p->err_msg = msg;
        p->err_pos = pos;
    }
    return false;
}

static bool out_of_memory(struct parser *p)
{
    p->status = PYJSON_NOMEM;
    return false;
}

static size_t skip_ws(const struct parser *p, size_t i)
{
    while (i < p->len &&
           (p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '\n' || p->s[i] == '\r'))
        i++;
    return i;
}

static bool matches(const struct parser *p, size_t i, const char *word)
{
    size_t n = strlen(word);

    return i + n <= p->len && memcmp(p->s + i, word, n) == 0;
}

static bool scan_once(struct parser *p, size_t *idx, json_object **out);

/* ---- strings ---- */

static bool append_utf8(struct printbuf *pb, uint32_t cp)
{
    char b[4];
    int n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return printbuf_memappend(pb, b, n) >= 0;
}

/* Copies raw string bytes. Python keeps a lone surrogate in a str, but our
 * replies must be valid UTF-8, so one that came in a binary frame (Python
 * decodes those with "surrogatepass") becomes U+FFFD. */
static bool append_raw(struct printbuf *pb, const unsigned char *s, size_t n)
{
    size_t start = 0, i;

    for (i = 0; i + 2 < n; i++) {
        if (s[i] != 0xED || s[i + 1] < 0xA0)
            continue;
        if (printbuf_memappend(pb, (const char *)s + start, (int)(i - start)) < 0 ||
            !append_utf8(pb, 0xFFFD))
            return false;
        i += 2;
        start = i + 1;
    }
    return printbuf_memappend(pb, (const char *)s + start, (int)(n - start)) >= 0;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s[at..at+3]; -1 if one is not a hex digit. */
static long hex4(const struct parser *p, size_t at)
{
    long v = 0;

    for (size_t k = 0; k < 4; k++) {
        int h = hex_value(p->s[at + k]);

        if (h < 0)
            return -1;
        v = (v << 4) | h;
    }
    return v;
}

/* A \uXXXX escape; *next points at the 'u'. Mirrors CPython, including the
 * rule that the escape may not end the document. */
static bool scan_unicode_escape(struct parser *p, size_t *next, struct printbuf *pb)
{
    size_t n = *next + 1, end = n + 4;
    long c, c2;

    if (end >= p->len)
        return fail(p, "Invalid \\uXXXX escape", n - 1);
    c = hex4(p, n);
    if (c < 0)
        return fail(p, "Invalid \\uXXXX escape", end - 5);
    if (c >= 0xD800 && c <= 0xDBFF && end + 6 < p->len && p->s[end] == '\\' &&
        p->s[end + 1] == 'u') {
        c2 = hex4(p, end + 2);
        if (c2 < 0)
            return fail(p, "Invalid \\uXXXX escape", end + 1);
        if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
            end += 6;
        }
    }
    if (c >= 0xD800 && c <= 0xDFFF)
        c = 0xFFFD; /* lone surrogate: see append_raw() */
    *next = end;
    return append_utf8(pb, (uint32_t)c) ? true : out_of_memory(p);
}

static bool scan_escape(struct parser *p, size_t *next, struct printbuf *pb)
{
    char c;

    switch (p->s[*next]) {
    case '"':
        c = '"';
        break;
    case '\\':
        c = '\\';
        break;
    case '/':
        c = '/';
        break;
    case 'b':
        c = '\b';
        break;
    case 'f':
        c = '\f';
        break;
    case 'n':
        c = '\n';
        break;
    case 'r':
        c = '\r';
        break;
    case 't':
        c = '\t';
        break;
    case 'u':
        return scan_unicode_escape(p, next, pb);
    default:
        return fail(p, "Invalid \\escape", *next - 1);
    }
    *next += 1;
    return printbuf_memappend(pb, &c, 1) >= 0 ? true : out_of_memory(p);
}

/* *idx points at the opening quote; on success it points past the closing
 * one and *out is the decoded string (bytes, may contain NUL). */
static bool scan_string_raw(struct parser *p, size_t *idx, struct printbuf *pb)
{
    size_t begin = *idx, end = begin + 1, next;

    for (;;) {
        unsigned char d = 0;

        for (next = end; next < p->len; next++) {
            d = p->s[next];
            if (d == '"' || d == '\\')
                break;
            if (d <= 0x1f)
                return fail(p, "Invalid control character at", next);
        }
        if (next >= p->len)
            return fail(p, "Unterminated string starting at", begin);
        if (!append_raw(pb, p->s + end, next - end))
            return out_of_memory(p);
        next++;
        if (d == '"') {
            *idx = next;
            return true;
        }
        if (next == p->len)
            return fail(p, "Unterminated string starting at", begin);
        if (!scan_escape(p, &next, pb))
            return false;
        end = next;
    }
}

static bool scan_string(struct parser *p, size_t *idx, json_object **out)
{
    struct printbuf *pb = printbuf_new();
    bool ok;

    if (!pb)
        return out_of_memory(p);
    ok = scan_string_raw(p, idx, pb);
    if (ok) {
        *out = json_object_new_string_len(pb->buf, pb->bpos);
        if (!*out)
            ok = out_of_memory(p);
    }
    printbuf_free(pb);
    return ok;
}

/* ---- numbers ---- */

static bool is_digit(const struct parser *p, size_t i)
{
    return i < p->len && p->s[i] >= '0' && p->s[i] <= '9';
}

/* An integer literal of any size: int64, then uint64, else a double that
 * still prints with all its digits (Python keeps big ints exact). */
static json_object *new_integer(const char *text)
{
    char *end;
    long long v;
    unsigned long long u;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno == 0 && *end == '\0')
        return json_object_new_int64(v);
    if (text[0] != '-') {
        errno = 0;
        u = strtoull(text, &end, 10);
        if (errno == 0 && *end == '\0')
            return json_object_new_uint64(u);
    }
    return json_object_new_double_s(strtod(text, NULL), text);
}

static bool match_number(struct parser *p, size_t *idx, json_object **out)
{
    size_t start = *idx, i = start;
    bool is_float = false;
    char text[512];

    if (p->s[i] == '-') {
        i++;
        if (i >= p->len)
            return fail(p, "Expecting value", start);
    }
    if (p->s[i] >= '1' && p->s[i] <= '9') {
        while (is_digit(p, i))
            i++;
    } else if (p->s[i] == '0') {
        i++;
    } else {
        return fail(p, "Expecting value", start);
    }
    if (i + 1 < p->len && p->s[i] == '.' && is_digit(p, i + 1)) {
        is_float = true;
        i += 2;
        while (is_digit(p, i))
            i++;
    }
    if (i + 1 < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        size_t e_start = i++;

        if (i + 1 < p->len && (p->s[i] == '-' || p->s[i] == '+'))
            i++;
        while (is_digit(p, i))
            i++;
        if (p->s[i - 1] >= '0' && p->s[i - 1] <= '9')
            is_float = true;
        else
            i = e_start;
    }
    /* A literal longer than any double needs is still a number to Python;
     * keep its value, not its text. */
    if (i - start >= sizeof(text)) {
        char *copy = strndup((const char *)p->s + start, i - start);

        if (!copy)
            return out_of_memory(p);
        *out = is_float ? pyjson_new_float(strtod(copy, NULL)) : new_integer(copy);
        free(copy);
    } else {
        memcpy(text, p->s + start, i - start);
        text[i - start] = '\0';
        *out = is_float ? pyjson_new_float(strtod(text, NULL)) : new_integer(text);
    }
    if (!*out)
        return out_of_memory(p);
    *idx = i;
    return true;
}

/* ---- containers ---- */

static bool scan_object(struct parser *p, size_t *idx, json_object **out)
{
    json_object *obj = json_object_new_object(), *val;
    struct printbuf *key = printbuf_new();
    size_t i = skip_ws(p, *idx + 1);

    if (!obj || !key)
        goto nomem;
    if (i >= p->len || p->s[i] != '}') {
        for (;;) {
            if (i >= p->len || p->s[i] != '"') {
                fail(p, "Expecting property name enclosed in double quotes", i);
                goto bail;
            }
            printbuf_reset(key);
            if (!scan_string_raw(p, &i, key))
                goto bail;
            i = skip_ws(p, i);
            if (i >= p->len || p->s[i] != ':') {
                fail(p, "Expecting ':' delimiter", i);
                goto bail;
            }
            i = skip_ws(p, i + 1);
            if (!scan_once(p, &i, &val))
                goto bail;
            /* Like a Python dict: a repeated key keeps its first
             * place and takes the last value. */
            if (json_object_object_add(obj, key->buf, val) != 0) {
                json_object_put(val);
                goto nomem;
            }
            i = skip_ws(p, i);
            if (i < p->len && p->s[i] == '}')
                break;
            if (i >= p->len || p->s[i] != ',') {
                fail(p, "Expecting ',' delimiter", i);
                goto bail;
            }
            i = skip_ws(p, i + 1);
        }
    }
    printbuf_free(key);
    *idx = i + 1;
    *out = obj;
    return true;
nomem:
    out_of_memory(p);
bail:
    if (key)
        printbuf_free(key);
    json_object_put(obj);
    return false;
}

static bool scan_array(struct parser *p, size_t *idx, json_object **out)
{
    json_object *arr = json_object_new_array(), *val;
    size_t i = skip_ws(p, *idx + 1);

    if (!arr)
        return out_of_memory(p);
    if (i >= p->len || p->s[i] != ']') {
        for (;;) {
            if (!scan_once(p, &i, &val))
                goto bail;
            if (json_object_array_add(arr, val) != 0) {
                json_object_put(val);
                out_of_memory(p);
                goto bail;
            }
            i = skip_ws(p, i);
            if (i < p->len && p->s[i] == ']')
                break;
            if (i >= p->len || p->s[i] != ',') {
                fail(p, "Expecting ',' delimiter", i);
                goto bail;
            }
            i = skip_ws(p, i + 1);
        }
    }
    *idx = i + 1;
    *out = arr;
    return true;
bail:
    json_object_put(arr);
    return false;
}

static bool scan_container(struct parser *p, size_t *idx, json_object **out)
{
    bool ok;

    if (p->depth >= PYJSON_MAX_DEPTH) {
        p->status = PYJSON_TOO_DEEP;
        return false;
    }
    p->depth++;
    ok = p->s[*idx] == '{' ? scan_object(p, idx, out) : scan_array(p, idx, out);
    p->depth--;
    return ok;
}

static bool scan_constant(struct parser *p, size_t *idx, const char *word,
                          json_object *value, json_object **out)
{
    if (!value && strcmp(word, "null") != 0)
        return out_of_memory(p);
    *out = value;
    *idx += strlen(word);
    return true;
}

static bool scan_once(struct parser *p, size_t *idx, json_object **out)
{
    size_t i = *idx;

    *out = NULL;
    if (i >= p->len)
        return fail(p, "Expecting value", i);
    switch (p->s[i]) {
    case '"':
        return scan_string(p, idx, out);
    case '{':
    case '[':
        return scan_container(p, idx, out);
    case 'n':
        if (matches(p, i, "null"))
            return scan_constant(p, idx, "null", NULL, out);
        break;
    case 't':
        if (matches(p, i, "true"))
            return scan_constant(p, idx, "true", json_object_new_boolean(1), out);
        break;
    case 'f':
        if (matches(p, i, "false"))
            return scan_constant(p, idx, "false", json_object_new_boolean(0), out);
        break;
    case 'N':
        if (matches(p, i, "NaN"))
            return scan_constant(p, idx, "NaN", pyjson_new_float(NAN), out);
        break;
    case 'I':
        if (matches(p, i, "Infinity"))
            return scan_constant(p, idx, "Infinity", pyjson_new_float(INFINITY), out);
        break;
    case '-':
        if (matches(p, i, "-Infinity"))
            return scan_constant(p, idx, "-Infinity", pyjson_new_float(-INFINITY), out);
        break;
    default:
        break;
    }
    return match_number(p, idx, out);
}

/* ---- errors ---- */

/* "MSG: line L column C (char N)" with N counted in code points. */
static void format_error(const struct parser *p, char *err, size_t errlen)
{
    size_t cp = 0, line = 1, last_nl = 0, col;
    bool seen_nl = false;

    for (size_t i = 0; i < p->err_pos && i < p->len; i++) {
        if ((p->s[i] & 0xC0) == 0x80)
            continue;
        if (p->s[i] == '\n') {
            line++;
            last_nl = cp;
            seen_nl = true;
        }
        cp++;
    }
    col = seen_nl ? cp - last_nl : cp + 1;
    snprintf(err, errlen, "%s: line %zu column %zu (char %zu)", p->err_msg, line, col,
             cp);
}

enum pyjson_status pyjson_parse(const char *text, size_t len, bool reject_bom,
                                json_object **out, char *err, size_t errlen)
{
    struct parser p = {(const unsigned char *)text, len, 0, PYJSON_OK, NULL, 0};
    json_object *obj = NULL;
    size_t i;

    *out = NULL;
    if (reject_bom && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        fail(&p, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    } else {
        i = skip_ws(&p, 0);
        if (scan_once(&p, &i, &obj)) {
            i = skip_ws(&p, i);
            if (i != len)
                fail(&p, "Extra data", i);
        }
    }
    if (p.status == PYJSON_SYNTAX)
        format_error(&p, err, errlen);
    if (p.status != PYJSON_OK) {
        json_object_put(obj);
        return p.status;
    }
    *out = obj;
    return PYJSON_OK;
}

/* ---- Python formatting ---- */

static size_t put_zeros(char *out, size_t o, int n)
{
    while (n-- > 0)
        out[o++] = '0';
    return o;
}

/* Lays out the shortest digits the way Python's float repr does: plain
 * notation while the decimal point is within 16 digits, else exponent. */
static void layout_float(bool negative, const char *digits, int ndig, int exp10,
                         char *buf, size_t size)
{
    char out[64];
    size_t o = 0;
    int decpt = exp10 + 1;

    if (negative)
        out[o++] = '-';
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out[o++] = '0';
            out[o++] = '.';
            o = put_zeros(out, o, -decpt);
            memcpy(out + o, digits, (size_t)ndig);
            o += (size_t)ndig;
        } else if (decpt >= ndig) {
            memcpy(out + o, digits, (size_t)ndig);
            o = put_zeros(out, o + (size_t)ndig, decpt - ndig);
            out[o++] = '.';
            out[o++] = '0';
        } else {
            memcpy(out + o, digits, (size_t)decpt);
            o += (size_t)decpt;
            out[o++] = '.';
            memcpy(out + o, digits + decpt, (size_t)(ndig - decpt));
            o += (size_t)(ndig - decpt);
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        if (ndig > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, (size_t)ndig - 1);
            o += (size_t)ndig - 1;
        }
        snprintf(out + o, sizeof(out) - o, "e%c%02d", exp10 < 0 ? '-' : '+',
                 exp10 < 0 ? -exp10 : exp10);
    }
    snprintf(buf, size, "%s", out);
}

void pyjson_float_repr(double v, char *buf, size_t size)
{
    char tmp[40], digits[24];
    int prec, ndig = 0;
    const char *m, *e;

    if (isnan(v)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, v < 0 ? "-inf" : "inf");
        return;
    }
    /* The shortest digit string that reads back as v, as Python's repr. */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    e = strchr(tmp, 'e');
    for (m = tmp; *m && *m != 'e'; m++)
        if (*m >= '0' && *m <= '9' && ndig < (int)sizeof(digits) - 1)
            digits[ndig++] = *m;
    while (ndig > 1 && digits[ndig - 1] == '0')
        ndig--;
    digits[ndig] = '\0';
    layout_float(tmp[0] == '-', digits, ndig, e ? atoi(e + 1) : 0, buf, size);
}

json_object *pyjson_new_float(double v)
{
    char text[64];

    if (isnan(v))
        return json_object_new_double_s(v, "NaN");
    if (isinf(v))
        return json_object_new_double_s(v, v < 0 ? "-Infinity" : "Infinity");
    pyjson_float_repr(v, text, sizeof(text));
    return json_object_new_double_s(v, text);
}

/* Decodes one UTF-8 sequence of valid input; returns its length. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (s[0] < 0x80 || len < 2) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xE0) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0 || len < 4) {
        *cp = len < 3 ? s[0]
                      : ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                            (s[2] & 0x3F);
        return len < 3 ? 1 : 3;
    }
    *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* Python's str.isprintable() outside ASCII: separators and "other"
 * categories are not printable. Unassigned code points are not listed. */
static bool py_printable(uint32_t c)
{
    static const uint32_t ranges[][2] = {
        {0x80, 0xA0},        {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},
        {0x6DD, 0x6DD},      {0x70F, 0x70F},     {0x1680, 0x1680},   {0x180E, 0x180E},
        {0x2000, 0x200F},    {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},
        {0x3000, 0x3000},    {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},
        {0x110BD, 0x110BD},  {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
        {0xF0000, 0x10FFFF},
    };

    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (c >= ranges[i][0] && c <= ranges[i][1])
            return false;
    return true;
}

static void append_char_repr(struct printbuf *pb, uint32_t c, char quote,
                             const unsigned char *raw, size_t rawlen)
{
    if (c == (uint32_t)quote || c == '\\') {
        sprintbuf(pb, "\\%c", (char)c);
    } else if (c == '\t') {
        printbuf_strappend(pb, "\\t");
    } else if (c == '\n') {
        printbuf_strappend(pb, "\\n");
    } else if (c == '\r') {
        printbuf_strappend(pb, "\\r");
    } else if (c < 0x20 || c == 0x7F) {
        sprintbuf(pb, "\\x%02x", c);
    } else if (c < 0x80 || py_printable(c)) {
        printbuf_memappend(pb, (const char *)raw, (int)rawlen);
    } else if (c < 0x100) {
        sprintbuf(pb, "\\x%02x", c);
    } else if (c < 0x10000) {
        sprintbuf(pb, "\\u%04x", c);
    } else {
        sprintbuf(pb, "\\U%08x", c);
    }
}

/* repr() of a str: single quotes unless only double quotes are safer. */
static void append_string_repr(struct printbuf *pb, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    char quote = (memchr(s, '\'', len) && !memchr(s, '"', len)) ? '"' : '\'';
    size_t i = 0;

    printbuf_memappend(pb, &quote, 1);
    while (i < len) {
        uint32_t c;
        size_t n = utf8_next(u + i, len - i, &c);

        append_char_repr(pb, c, quote, u + i, n);
        i += n;
    }
    printbuf_memappend(pb, &quote, 1);
}

/* A double made from an integer literal too big for 64 bits. */
static bool is_integer_text(const char *t)
{
    if (*t == '-')
        t++;
    if (!*t)
        return false;
    for (; *t; t++)
        if (*t < '0' || *t > '9')
            return false;
    return true;
}

static void append_repr(struct printbuf *pb, json_object *v);

static void append_container_repr(struct printbuf *pb, json_object *v)
{
    bool first = true;

    if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);

        printbuf_strappend(pb, "[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                printbuf_strappend(pb, ", ");
            append_repr(pb, json_object_array_get_idx(v, i));
        }
        printbuf_strappend(pb, "]");
        return;
    }
    printbuf_strappend(pb, "{");
    json_object_object_foreach(v, key, val) {
        if (!first)
            printbuf_strappend(pb, ", ");
        first = false;
        append_string_repr(pb, key, strlen(key));
        printbuf_strappend(pb, ": ");
        append_repr(pb, val);
    }
    printbuf_strappend(pb, "}");
}

static void append_repr(struct printbuf *pb, json_object *v)
{
    char num[64];
    const char *text;

    switch (json_object_get_type(v)) {
    case json_type_null:
        printbuf_strappend(pb, "None");
        break;
    case json_type_boolean:
        if (json_object_get_boolean(v))
            printbuf_strappend(pb, "True");
        else
            printbuf_strappend(pb, "False");
        break;
    case json_type_int:
        text = json_object_to_json_string(v);
        printbuf_memappend(pb, text, (int)strlen(text));
        break;
    case json_type_double:
        text = json_object_to_json_string(v);
        if (!is_integer_text(text)) {
            pyjson_float_repr(json_object_get_double(v), num, sizeof(num));
            text = num;
        }
        printbuf_memappend(pb, text, (int)strlen(text));
        break;
    case json_type_string:
        append_string_repr(pb, json_object_get_string(v),
                           (size_t)json_object_get_string_len(v));
        break;
    case json_type_array:
    case json_type_object:
        append_container_repr(pb, v);
        break;
    }
}

void pyjson_append_str(struct printbuf *pb, json_object *value)
{
    if (json_object_is_type(value, json_type_string))
        printbuf_memappend(pb, json_object_get_string(value),
                           json_object_get_string_len(value));
    else
        append_repr(pb, value);
}

bool pyjson_utf8_ok(const unsigned char *s, size_t len, bool allow_surrogates)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, cp = c & 0x07;
        else
            return false;
        if (i + n > len)
            return false;
        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        if (!allow_surrogates && cp >= 0xD800 && cp <= 0xDFFF)
            return false;
        i += n;
    }
    return true;
}

/* ---- bytes to text, as json.loads(bytes) ---- */

enum byte_encoding { ENC_UTF8, ENC_UTF16BE, ENC_UTF16LE, ENC_UTF32BE, ENC_UTF32LE };

/* json.detect_encoding(); *skip is the BOM length the codec drops. */
static enum byte_encoding detect_encoding(const unsigned char *b, size_t len,
                                          size_t *skip)
{
    *skip = 0;
    if (len >= 4 && !memcmp(b, "\x00\x00\xFE\xFF", 4))
        return *skip = 4, ENC_UTF32BE;
    if (len >= 4 && !memcmp(b, "\xFF\xFE\x00\x00", 4))
        return *skip = 4, ENC_UTF32LE;
    if (len >= 2 && !memcmp(b, "\xFE\xFF", 2))
        return *skip = 2, ENC_UTF16BE;
    if (len >= 2 && !memcmp(b, "\xFF\xFE", 2))
        return *skip = 2, ENC_UTF16LE;
    if (len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3))
        return *skip = 3, ENC_UTF8;
    if (len >= 4) {
        if (!b[0])
            return b[1] ? ENC_UTF16BE : ENC_UTF32BE;
        if (!b[1])
            return (b[2] || b[3]) ? ENC_UTF16LE : ENC_UTF32LE;
    } else if (len == 2) {
        if (!b[0])
            return ENC_UTF16BE;
        if (!b[1])
            return ENC_UTF16LE;
    }
    return ENC_UTF8;
}

static uint32_t read_unit(const unsigned char *p, size_t size, bool big)
{
    uint32_t v = 0;

    for (size_t k = 0; k < size; k++)
        v |= (uint32_t)p[big ? k : size - 1 - k] << (8 * (size - 1 - k));
    return v;
}

/* UTF-16/UTF-32 to UTF-8; lone surrogates (kept by "surrogatepass")
 * become U+FFFD, as in strings parsed from escapes. */
static int transcode(const unsigned char *b, size_t len, size_t unit, bool big,
                     struct printbuf *pb)
{
    size_t i = 0;

    if (len % unit)
        return -1;
    while (i < len) {
        uint32_t c = read_unit(b + i, unit, big);

        i += unit;
        if (unit == 2 && c >= 0xD800 && c <= 0xDBFF && i < len) {
            uint32_t c2 = read_unit(b + i, unit, big);

            if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                i += unit;
            }
        }
        if (c > 0x10FFFF)
            return -1;
        if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
        if (!append_utf8(pb, c))
            return -1;
    }
    return 0;
}

int pyjson_decode_bytes(const char *data, size_t len, const char **text, size_t *textlen,
                        char **owned)
{
    const unsigned char *b = (const unsigned char *)data;
    size_t skip, unit;
    enum byte_encoding enc = detect_encoding(b, len, &skip);
    struct printbuf *pb;
    bool big;

    *owned = NULL;
    if (enc == ENC_UTF8) {
        if (!pyjson_utf8_ok(b + skip, len - skip, true))
            return -1;
        *text = data + skip;
        *textlen = len - skip;
        return 0;
    }
    unit = (enc == ENC_UTF16BE || enc == ENC_UTF16LE) ? 2 : 4;
    big = enc == ENC_UTF16BE || enc == ENC_UTF32BE;
    pb = printbuf_new();
    if (!pb)
        return -1;
    if (transcode(b + skip, len - skip, unit, big, pb) != 0) {
        printbuf_free(pb);
        return -1;
    }
    /* The text may hold U+0000, so copy by length, not as a C string. */
    *textlen = (size_t)pb->bpos;
    *owned = malloc(*textlen + 1);
    if (*owned)
        memcpy(*owned, pb->buf, *textlen + 1);
    printbuf_free(pb);
    if (!*owned)
        return -1;
    *text = *owned;
    return 0;
}
