/* libFuzzer harness: the redaction engine (lib/redact.c, lib/redact_text.c)
 * on text and bytes it has never seen, with one registered secret and one
 * added name. Whatever the input, the secret must not survive redaction:
 * the harness aborts (a finding) when the text, the bytes or the JSON
 * rendering still hold it. See tests/fuzz/README. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SECRET[] = "Zq7-s3cr3t-Val";

static struct wsc_redactor *redactor(void)
{
    static struct wsc_redactor *r;
    if (!r) {
        r = wsc_redactor_new();
        if (!r || wsc_redactor_add_secret(r, SECRET) < 0 ||
            wsc_redactor_add_name(r, "pin") < 0)
            abort();
    }
    return r;
}

static void must_not_hold(const char *what, size_t len)
{
    if (what && memmem(what, len, SECRET, sizeof SECRET - 1))
        abort(); /* the secret survived redaction */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct wsc_redactor *r = redactor();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    char *safe = wsc_redactor_text(r, text);
    if (safe)
        must_not_hold(safe, strlen(safe));
    free(safe);

    size_t n = 0;
    unsigned char *bytes = wsc_redactor_bytes(r, data, size, &n);
    if (bytes)
        must_not_hold((const char *)bytes, n);
    free(bytes);

    const char *why = NULL;
    struct json_object *j = wsc_json_parse_report(text, size, &why);
    if (j) {
        int failed = 0;
        struct json_object *red = wsc_redactor_json(r, j, &failed);
        if (red) {
            const char *out = json_object_to_json_string_ext(red, JSON_C_TO_STRING_PLAIN);
            must_not_hold(out, strlen(out));
        }
        json_object_put(red);
        json_object_put(j);
    }
    free(text);
    return 0;
}
