/* libFuzzer harness: wscheck-mock's JSON parser (mock/pyjson.c), as the
 * mock uses it: a text frame is parsed as a str (a BOM is an error), a
 * binary frame is decoded as bytes first, an MCP request body is parsed as
 * it came (any bytes); what parses is printed
 * back as the replies print it (Python's str() and json.dumps()). See
 * tests/fuzz/README. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const char *text, size_t len, bool reject_bom)
{
    json_object *value = NULL;
    char err[256];
    if (pyjson_parse(text, len, reject_bom, &value, err, sizeof err) != PYJSON_OK)
        return;
    struct printbuf *pb = printbuf_new();
    if (pb) {
        pyjson_append_str(pb, value);
        printbuf_free(pb);
    }
    (void)json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
    json_object_put(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    const char *text;
    size_t textlen;
    char *owned = NULL;

    parse(bytes, size, false); /* an MCP POST body */
    /* A text frame holds UTF-8 (checked before the mock parses it). */
    if (pyjson_utf8_ok(data, size, false))
        parse(bytes, size, true);
    if (pyjson_decode_bytes(bytes, size, &text, &textlen, &owned) == 0) {
        parse(text, textlen, false);
        free(owned);
    }
    /* The first bytes as a double, printed as Python's repr() would. */
    if (size >= sizeof(double)) {
        double v;
        char buf[64];
        memcpy(&v, data, sizeof v);
        pyjson_float_repr(v, buf, sizeof buf);
        json_object *f = pyjson_new_float(v);
        if (f) {
            (void)json_object_to_json_string(f);
            json_object_put(f);
        }
    }
    return 0;
}
