/* Port lists: the `port`/`ports` params and their compact display. */
#include "portlist.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_MIN 1u
#define PORT_MAX 65535u

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads decimal digits into *value; saturates above PORT_MAX so that huge
 * numbers are reported as out of range, not wrapped. Returns the end, or
 * NULL when there is no digit. */
static const char *read_number(const char *s, unsigned long *value)
{
    unsigned long v = 0;
    const char *p = s;
    while (isdigit((unsigned char)*p)) {
        if (v <= PORT_MAX)
            v = v * 10 + (unsigned long)(*p - '0');
        p++;
    }
    if (p == s)
        return NULL;
    *value = v;
    return p;
}

int portlist_parse_spec(const char *spec, unsigned *lo, unsigned *hi, char *err,
                        size_t errlen)
{
    unsigned long a, b;
    const char *p = read_number(skip_spaces(spec), &a);
    if (!p)
        goto syntax;
    p = skip_spaces(p);
    b = a;
    if (*p == '-') {
        p = read_number(skip_spaces(p + 1), &b);
        if (!p)
            goto syntax;
        p = skip_spaces(p);
    }
    if (*p != '\0')
        goto syntax;
    if (a < PORT_MIN || a > PORT_MAX || b < PORT_MIN || b > PORT_MAX) {
        set_err(err, errlen, "\"%.40s\": ports must be between %u and %u", spec, PORT_MIN,
                PORT_MAX);
        return -1;
    }
    if (a > b) {
        set_err(err, errlen, "\"%.40s\": the range starts at %lu, after its end %lu",
                spec, a, b);
        return -1;
    }
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
syntax:
    set_err(err, errlen,
            "\"%.40s\" is neither a port number nor a range like \"8678-8680\"", spec);
    return -1;
}

/* A JSON number as a port: integers, or doubles with an integral value. */
static int number_to_port(struct json_object *v, unsigned *port)
{
    double d = json_object_get_double(v);
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i < (int64_t)PORT_MIN || i > (int64_t)PORT_MAX)
            return -1;
        *port = (unsigned)i;
        return 0;
    }
    if (!isfinite(d) || d != floor(d) || d < PORT_MIN || d > PORT_MAX)
        return -1;
    *port = (unsigned)d;
    return 0;
}

struct portbits {
    unsigned char bit[(PORT_MAX + 1) / 8];
};

static void bits_set_range(struct portbits *bits, unsigned lo, unsigned hi)
{
    for (unsigned p = lo; p <= hi; p++)
        bits->bit[p / 8] |= (unsigned char)(1u << (p % 8));
}

static int bits_to_list(const struct portbits *bits, struct portlist *out, char *err,
                        size_t errlen)
{
    size_t n = 0;
    for (unsigned p = PORT_MIN; p <= PORT_MAX; p++)
        n += (bits->bit[p / 8] >> (p % 8)) & 1u;
    out->ports = malloc(n * sizeof *out->ports);
    if (!out->ports) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    out->count = 0;
    for (unsigned p = PORT_MIN; p <= PORT_MAX; p++)
        if ((bits->bit[p / 8] >> (p % 8)) & 1u)
            out->ports[out->count++] = (uint16_t)p;
    return 0;
}

/* Adds one element of a `ports` array to the set. */
static int add_entry(struct portbits *bits, struct json_object *v, size_t index,
                     char *err, size_t errlen)
{
    unsigned lo, hi;
    char sub[160];
    switch (json_object_get_type(v)) {
    case json_type_int:
    case json_type_double:
        if (number_to_port(v, &lo) != 0) {
            set_err(err, errlen, "ports[%zu]: %s is not a port (1-65535)", index,
                    json_object_to_json_string(v));
            return -1;
        }
        hi = lo;
        break;
    case json_type_string:
        if (portlist_parse_spec(json_object_get_string(v), &lo, &hi, sub, sizeof sub) !=
            0) {
            set_err(err, errlen, "ports[%zu]: %s", index, sub);
            return -1;
        }
        break;
    default:
        set_err(err, errlen,
                "ports[%zu]: expected a port number or a range string like "
                "\"8678-8680\", got %s",
                index, json_type_to_name(json_object_get_type(v)));
        return -1;
    }
    bits_set_range(bits, lo, hi);
    return 0;
}

int portlist_from_array(struct json_object *array, struct portlist *out, char *err,
                        size_t errlen)
{
    out->ports = NULL;
    out->count = 0;
    if (!json_object_is_type(array, json_type_array)) {
        set_err(err, errlen, "ports: expected an array of ports and ranges");
        return -1;
    }
    size_t n = json_object_array_length(array);
    if (n == 0) {
        set_err(err, errlen, "ports: the list is empty");
        return -1;
    }
    struct portbits *bits = calloc(1, sizeof *bits);
    if (!bits) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_entry(bits, json_object_array_get_idx(array, i), i, err, errlen);
    if (rc == 0)
        rc = bits_to_list(bits, out, err, errlen);
    free(bits);
    return rc;
}

/* The singular `port` param: a number, or a string holding one port (what a
 * variable that is not a plain number expands to). */
static int single_port(struct json_object *v, struct portlist *out, char *err,
                       size_t errlen)
{
    unsigned lo, hi;
    char sub[160];
    if (json_object_is_type(v, json_type_string)) {
        if (portlist_parse_spec(json_object_get_string(v), &lo, &hi, sub, sizeof sub) !=
            0) {
            set_err(err, errlen, "port: %s", sub);
            return -1;
        }
        if (lo != hi) {
            set_err(err, errlen, "port: \"%.40s\" is a range; use ports for ranges",
                    json_object_get_string(v));
            return -1;
        }
    } else if ((json_object_is_type(v, json_type_int) ||
                json_object_is_type(v, json_type_double)) &&
               number_to_port(v, &lo) == 0) {
        hi = lo;
    } else {
        set_err(err, errlen, "port: %s is not a port (1-65535)",
                json_object_to_json_string(v));
        return -1;
    }
    out->ports = malloc(sizeof *out->ports);
    if (!out->ports) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    out->ports[0] = (uint16_t)lo;
    out->count = 1;
    return 0;
}

int portlist_from_params(struct json_object *params, struct portlist *out, char *err,
                         size_t errlen)
{
    struct json_object *port = NULL, *ports = NULL;
    out->ports = NULL;
    out->count = 0;
    int has_port = params && json_object_object_get_ex(params, "port", &port);
    int has_ports = params && json_object_object_get_ex(params, "ports", &ports);
    if (has_port && has_ports) {
        set_err(err, errlen, "give either port or ports, not both");
        return -1;
    }
    if (has_port)
        return single_port(port, out, err, errlen);
    if (has_ports)
        return portlist_from_array(ports, out, err, errlen);
    set_err(err, errlen, "one of port or ports is required");
    return -1;
}

void portlist_free(struct portlist *list)
{
    free(list->ports);
    list->ports = NULL;
    list->count = 0;
}

/* ---- Compact display ---------------------------------------------------- */

static void append(struct portgroup_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(struct portgroup_writer *w, const char *fmt, ...)
{
    if (w->len >= w->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->size - w->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    w->len += (size_t)n;
    if (w->len >= w->size)
        w->len = w->size - 1; /* truncated */
}

void portgroup_init(struct portgroup_writer *w, char *buf, size_t size,
                    unsigned max_groups)
{
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->size = size;
    w->max_groups = max_groups;
    if (size > 0)
        buf[0] = '\0';
}

static void flush_group(struct portgroup_writer *w)
{
    if (w->lo == 0)
        return;
    if (w->groups >= w->max_groups) {
        w->omitted += w->hi - w->lo + 1;
    } else {
        append(w, "%s%u", w->groups ? ", " : "", w->lo);
        if (w->hi != w->lo)
            append(w, "-%u", w->hi);
        if (w->label)
            append(w, " (%s)", w->label);
        w->groups++;
    }
    w->lo = w->hi = 0;
    w->label = NULL;
}

static int same_label(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

void portgroup_add(struct portgroup_writer *w, unsigned port, const char *label)
{
    if (w->lo != 0 && port == w->hi + 1 && same_label(label, w->label)) {
        w->hi = port;
        return;
    }
    flush_group(w);
    w->lo = w->hi = port;
    w->label = label;
}

void portgroup_end(struct portgroup_writer *w)
{
    flush_group(w);
    if (w->omitted)
        append(w, "%sand %u more", w->groups ? ", " : "", w->omitted);
}
