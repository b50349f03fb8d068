/* The redactor's store: literal secrets and secret names, and the rule that
 * says whether a name is secret (see redact.h). */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

#include "util.h"

struct wsc_redactor {
    char **secrets;
    size_t n_secrets;
    char **names; /* words compared without case */
    size_t n_names;
    /* What is searched for: each secret, and for one of 4 bytes or more
     * its hex forms too ("6869", "68 69": binary data shown as hex). */
    char **forms;
    size_t n_forms;
};

/* Below this length the hex form of a secret is too short to be told from
 * other hex digits. */
#define MIN_HEX_SECRET 4

static const char *const default_names[] = {
    "token", "key", "secret", "password", "passwd", "auth", "session", "signature", NULL};

/* Credential headers: secret as whole names, wherever they stand. */
static const char *const credential_headers[] = {"authorization", "proxy-authorization",
                                                 "cookie", "set-cookie", NULL};

struct wsc_redactor *wsc_redactor_new(void)
{
    struct wsc_redactor *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    for (size_t i = 0; default_names[i]; i++) {
        if (wsc_redactor_add_name(r, default_names[i]) < 0) {
            wsc_redactor_free(r);
            return NULL;
        }
    }
    return r;
}

struct wsc_redactor *wsc_redactor_copy(const struct wsc_redactor *src)
{
    struct wsc_redactor *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    for (size_t i = 0; i < src->n_names; i++)
        if (wsc_strv_push(&r->names, &r->n_names, src->names[i]) < 0)
            goto oom;
    for (size_t i = 0; i < src->n_secrets; i++)
        if (wsc_redactor_add_secret(r, src->secrets[i]) < 0)
            goto oom;
    return r;
oom:
    wsc_redactor_free(r);
    return NULL;
}

void wsc_redactor_free(struct wsc_redactor *r)
{
    if (!r)
        return;
    wsc_strv_free(r->secrets, r->n_secrets);
    wsc_strv_free(r->names, r->n_names);
    wsc_strv_free(r->forms, r->n_forms);
    free(r);
}

int wsc_redactor_has_secret(const struct wsc_redactor *r, const char *value)
{
    for (size_t i = 0; i < r->n_secrets; i++)
        if (strcmp(r->secrets[i], value) == 0)
            return 1;
    return 0;
}

/* The hex of value, bytes separated by `sep` (0: none). NULL: no memory. */
static char *hex_form(const char *value, char sep)
{
    size_t n = strlen(value);
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (sep && i)
            *o++ = sep;
        o += sprintf(o, "%02x", (unsigned char)value[i]);
    }
    *o = '\0';
    return out;
}

static int add_hex_forms(struct wsc_redactor *r, const char *value)
{
    if (strlen(value) < MIN_HEX_SECRET)
        return 0;
    int rc = 0;
    for (int spaced = 0; spaced < 2 && rc == 0; spaced++) {
        char *hex = hex_form(value, spaced ? ' ' : 0);
        rc = hex ? wsc_strv_push(&r->forms, &r->n_forms, hex) : -1;
        free(hex);
    }
    return rc;
}

int wsc_redactor_add_secret(struct wsc_redactor *r, const char *value)
{
    if (!value || !*value || wsc_redactor_has_secret(r, value))
        return 0;
    if (wsc_strv_push(&r->forms, &r->n_forms, value) < 0 || add_hex_forms(r, value) < 0)
        return -1; /* forms may hold more than secrets: harmless */
    return wsc_strv_push(&r->secrets, &r->n_secrets, value);
}

size_t wsc_redactor_n_forms(const struct wsc_redactor *r)
{
    return r->n_forms;
}

const char *wsc_redactor_form(const struct wsc_redactor *r, size_t i)
{
    return i < r->n_forms ? r->forms[i] : NULL;
}

int wsc_redactor_add_name(struct wsc_redactor *r, const char *name)
{
    if (!name || !*name)
        return 0;
    for (size_t i = 0; i < r->n_names; i++)
        if (strcasecmp(r->names[i], name) == 0)
            return 0;
    return wsc_strv_push(&r->names, &r->n_names, name);
}

int wsc_redactor_add_value(struct wsc_redactor *r, const struct json_object *value)
{
    struct json_object *v = (struct json_object *)value;
    switch (json_object_get_type(v)) {
    case json_type_null:
        return 0;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (wsc_redactor_add_value(r, json_object_array_get_idx(v, i)) < 0)
                return -1;
        return 0;
    case json_type_object: {
        json_object_object_foreach(v, key, member) {
            (void)key;
            if (wsc_redactor_add_value(r, member) < 0)
                return -1;
        }
        return 0;
    }
    default:
        return wsc_redactor_add_secret(r, json_object_get_string(v));
    }
}

size_t wsc_redactor_longest(const struct wsc_redactor *r)
{
    size_t longest = 0;
    for (size_t i = 0; i < r->n_secrets; i++) {
        size_t n = strlen(r->secrets[i]);
        longest = n > longest ? n : longest;
    }
    return longest;
}

size_t wsc_redactor_n_secrets(const struct wsc_redactor *r)
{
    return r->n_secrets;
}

const char *wsc_redactor_secret(const struct wsc_redactor *r, size_t i)
{
    return i < r->n_secrets ? r->secrets[i] : NULL;
}

/* ---- names ---------------------------------------------------------------- */

static int is_separator(char c)
{
    return c == '-' || c == '_' || c == '.' || c == ' ';
}

/* Where the last word of name[0..n) starts: after a separator, or at a
 * camelCase boundary (apiKey -> Key, APIKey -> Key). */
static size_t last_word(const char *name, size_t n)
{
    size_t start = n;
    while (start > 0) {
        unsigned char prev = (unsigned char)name[start - 1];
        if (is_separator((char)prev))
            break;
        if (start < n && isupper((unsigned char)name[start])) {
            if (islower(prev) || isdigit(prev))
                break;
            if (isupper(prev) && start + 1 < n && islower((unsigned char)name[start + 1]))
                break;
        }
        start--;
    }
    return start;
}

static int equals_word(const char *word, size_t n, const char *candidate)
{
    return strlen(candidate) == n && strncasecmp(word, candidate, n) == 0;
}

static int in_list(const char *word, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count && list[i]; i++)
        if (equals_word(word, n, list[i]))
            return 1;
    return 0;
}

int wsc_redactor_secret_name(const struct wsc_redactor *r, const char *name, size_t n,
                             enum wsc_name_place place)
{
    static const char ws_prefix[] = "sec-websocket-";
    if (n == 0)
        return 0;
    /* The handshake's nonce and accept hash are what a user debugs with. */
    if (n >= sizeof(ws_prefix) - 1 &&
        strncasecmp(name, ws_prefix, sizeof(ws_prefix) - 1) == 0)
        return 0;
    if (in_list(name, n, credential_headers, (size_t)-1))
        return 2; /* a credential header: secret wherever it stands */
    const char *const *names = (const char *const *)r->names;
    if (in_list(name, n, names, r->n_names))
        return 1;
    size_t w = last_word(name, n);
    if (in_list(name + w, n - w, names, r->n_names))
        return 1;
    /* An OAuth authorization code is a credential in a URL; elsewhere
     * "code" is a status or error code a user needs to see. */
    return place == WSC_NAME_QUERY && equals_word(name + w, n - w, "code");
}
