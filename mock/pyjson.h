/* wscheck-mock: JSON as the reference server's Python sees it.
 *
 * The reference parses messages with Python's json module and answers a bad
 * one with the module's own message ("Expecting value: line 1 column 1
 * (char 0)"). This parser accepts exactly what json.loads() accepts (NaN and
 * Infinity included; no comments, trailing commas or single quotes), keeps
 * integers of any size exactly, and fails with the same message at the same
 * position. It also formats values as Python's str() would, for the replies
 * that embed a value in text ("Unknown message type: 5"). */
#ifndef WSCHECK_MOCK_PYJSON_H
#define WSCHECK_MOCK_PYJSON_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Python's recursion limit stops json.loads() a little below 1000 levels. */
#define PYJSON_MAX_DEPTH 980

enum pyjson_status {
    PYJSON_OK = 0,
    PYJSON_SYNTAX,   /* json.JSONDecodeError: err holds its text */
    PYJSON_TOO_DEEP, /* RecursionError in Python */
    PYJSON_NOMEM
};

/* Parses text (valid UTF-8, as a text frame is) into *out. With
 * reject_bom, a leading U+FEFF is an error as for a Python str; binary
 * input is decoded like bytes and has its BOM stripped by the caller. */
enum pyjson_status pyjson_parse(const char *text, size_t len, bool reject_bom,
                                json_object **out, char *err, size_t errlen);

/* Python's repr() of a float, e.g. "0.1", "1e+16", "10.0", "nan". */
void pyjson_float_repr(double v, char *buf, size_t size);

/* A JSON number that prints as Python's json.dumps() prints the float. */
json_object *pyjson_new_float(double v);

/* Appends Python's str() of a JSON value to pb: strings as they are,
 * None/True/False, lists and dicts with repr() of their items. */
void pyjson_append_str(struct printbuf *pb, json_object *value);

/* Python's json.loads(bytes): detects UTF-8 (BOM stripped), UTF-16 or
 * UTF-32 as json.detect_encoding() does and decodes with "surrogatepass".
 * Sets *text and *textlen to UTF-8 (data itself, or a new buffer in *owned
 * that the caller frees). Returns 0, or -1 if the bytes do not decode. */
int pyjson_decode_bytes(const char *data, size_t len, const char **text, size_t *textlen,
                        char **owned);

/* True if s is well-formed UTF-8 as Python's decoder with "surrogatepass"
 * accepts it (encoded surrogates allowed). */
bool pyjson_utf8_ok(const unsigned char *s, size_t len, bool allow_surrogates);

#endif
