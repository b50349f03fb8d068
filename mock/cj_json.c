/* wscheck-mock: Python's indented JSON and isoformat(). */
#include "cj_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pyjson.h"

static void put_u(struct printbuf *pb, unsigned v)
{
    char u[8];

    snprintf(u, sizeof(u), "\\u%04x", v & 0xffffu);
    printbuf_memappend(pb, u, 6);
}

/* Decodes one UTF-8 sequence at s (valid UTF-8, as json-c holds);
 * returns its length and the code point in *cp. */
static size_t utf8_next(const unsigned char *s, size_t left, unsigned *cp)
{
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

    if (n > left)
        n = left;
    *cp = n == 1 ? s[0] : s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        *cp = (*cp << 6) | (s[i] & 0x3f);
    return n;
}

/* ensure_ascii: everything outside printable ASCII is \uXXXX (a pair of
 * surrogates past U+FFFF). */
static void put_string(struct printbuf *pb, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    printbuf_memappend(pb, "\"", 1);
    while (i < len) {
        unsigned cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        const char *esc = cp == '"'    ? "\\\""
                          : cp == '\\' ? "\\\\"
                          : cp == '\n' ? "\\n"
                          : cp == '\r' ? "\\r"
                          : cp == '\t' ? "\\t"
                          : cp == '\b' ? "\\b"
                          : cp == '\f' ? "\\f"
                                       : NULL;

        if (esc) {
            printbuf_memappend(pb, esc, 2);
        } else if (cp >= 0x20 && cp < 0x7f) {
            printbuf_memappend(pb, (const char *)s + i, 1);
        } else if (cp > 0xffff) {
            cp -= 0x10000;
            put_u(pb, 0xd800 | (cp >> 10));
            put_u(pb, 0xdc00 | (cp & 0x3ff));
        } else {
            put_u(pb, cp);
        }
        i += n;
    }
    printbuf_memappend(pb, "\"", 1);
}

static void newline(struct printbuf *pb, int depth)
{
    printbuf_memappend(pb, "\n", 1);
    for (int i = 0; i < depth; i++)
        printbuf_memappend(pb, "  ", 2);
}

static void put_value(struct printbuf *pb, json_object *v, int depth);

static void put_object(struct printbuf *pb, json_object *v, int depth)
{
    bool first = true;

    if (json_object_object_length(v) == 0) {
        printbuf_memappend(pb, "{}", 2);
        return;
    }
    printbuf_memappend(pb, "{", 1);
    json_object_object_foreach(v, key, val) {
        if (!first)
            printbuf_memappend(pb, ",", 1);
        first = false;
        newline(pb, depth + 1);
        put_string(pb, key, strlen(key));
        printbuf_memappend(pb, ": ", 2);
        put_value(pb, val, depth + 1);
    }
    newline(pb, depth);
    printbuf_memappend(pb, "}", 1);
}

static void put_array(struct printbuf *pb, json_object *v, int depth)
{
    size_t n = json_object_array_length(v);

    if (n == 0) {
        printbuf_memappend(pb, "[]", 2);
        return;
    }
    printbuf_memappend(pb, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            printbuf_memappend(pb, ",", 1);
        newline(pb, depth + 1);
        put_value(pb, json_object_array_get_idx(v, i), depth + 1);
    }
    newline(pb, depth);
    printbuf_memappend(pb, "]", 1);
}

static void put_text(struct printbuf *pb, const char *s)
{
    printbuf_memappend(pb, s, (int)strlen(s));
}

static void put_value(struct printbuf *pb, json_object *v, int depth)
{
    switch (json_object_get_type(v)) {
    case json_type_object:
        put_object(pb, v, depth);
        break;
    case json_type_array:
        put_array(pb, v, depth);
        break;
    case json_type_string:
        put_string(pb, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        break;
    case json_type_double: /* pyjson floats print as Python's */
    case json_type_int:
    case json_type_boolean:
        put_text(pb, json_object_to_json_string(v));
        break;
    case json_type_null:
    default:
        put_text(pb, "null");
        break;
    }
}

char *cj_json_indent(json_object *value)
{
    struct printbuf *pb = printbuf_new();
    char *out;

    if (!pb)
        return NULL;
    put_value(pb, value, 0);
    out = strdup(pb->buf ? pb->buf : "null");
    printbuf_free(pb);
    return out;
}

const char *cj_iso(int64_t wall_us, char buf[CJ_ISO_LEN])
{
    time_t secs = (time_t)(wall_us / 1000000);
    long micros = (long)(wall_us % 1000000);
    struct tm tm;
    size_t n;

    if (!localtime_r(&secs, &tm) ||
        (n = strftime(buf, CJ_ISO_LEN, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
        snprintf(buf, CJ_ISO_LEN, "1970-01-01T00:00:00");
        return buf;
    }
    if (micros)
        snprintf(buf + n, CJ_ISO_LEN - n, ".%06ld", micros);
    return buf;
}

json_object *cj_json_epoch(int64_t wall_us)
{
    return pyjson_new_float((double)wall_us / 1e6);
}
