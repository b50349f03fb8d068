/* The redaction engine: what never leaves the process. One redactor holds
 * literal secret values (registered credentials, $secret variables, secret
 * captures) and the secret-looking NAMES; every output boundary (the check
 * context, the runner's results) passes its text through it.
 *
 * Rules, all replacing with "***":
 *  - every literal secret, anywhere (in raw bytes too, before hex encoding),
 *    its hex forms ("6869", "68 69") for one of 4 bytes or more, and the
 *    start of one cut by a renderer (a prefix followed by "...");
 *  - URL userinfo: the password of user:password@host (a user alone when
 *    there is no password);
 *  - name=value where name is secret; after '?', '&' or ';' (a URL query)
 *    "code" counts too;
 *  - header lines "Name: value", to the end of the line, for the credential
 *    headers (Authorization, Proxy-Authorization, Cookie, Set-Cookie) and
 *    secret names (X-API-Key, X-Auth-Token, ...); within a line (after a
 *    space or a bracket) only credential headers and names with a '-';
 *  - JSON text "name": value (also with escaped quotes, JSON inside a JSON
 *    string): the value, whatever its type, becomes "***";
 *  - in JSON values, a member with a secret name: its value becomes "***".
 *
 * A name is secret when, ignoring case, it is one of the names, a credential
 * header, or its LAST word is one of the names: words are split at '-', '_',
 * '.', ' ' and camelCase, so access_token, apiKey, client_secret, X-API-Key
 * are secret while session_id, sessionid, max_tokens, keyboard are not.
 * Sec-WebSocket-* headers (Sec-WebSocket-Key is a nonce) are never secret.
 * The default names: token, key, secret, password, passwd, auth, session,
 * signature; "code" only as a URL query parameter. */
#ifndef WSC_REDACT_H
#define WSC_REDACT_H

#include <stddef.h>
#include <json-c/json.h>

#define WSC_REDACTED "***"

struct wsc_redactor;

/* Where a name stands: the query of a URL is the one place "code" counts. */
enum wsc_name_place { WSC_NAME_TEXT = 0, WSC_NAME_QUERY = 1 };

/* A redactor with the default names and no secrets; NULL when out of memory. */
struct wsc_redactor *wsc_redactor_new(void);
/* A deep copy (names and secrets); NULL when out of memory. */
struct wsc_redactor *wsc_redactor_copy(const struct wsc_redactor *r);
void wsc_redactor_free(struct wsc_redactor *r);

/* Adds a literal secret (ignored when empty or already known) or a secret
 * name. 0, or -1 when out of memory: the caller must fail closed. */
int wsc_redactor_add_secret(struct wsc_redactor *r, const char *value);
int wsc_redactor_add_name(struct wsc_redactor *r, const char *name);
/* Adds the value of a secret variable: a string, the text of a number or
 * boolean, every such leaf of an array or object (null adds nothing). */
int wsc_redactor_add_value(struct wsc_redactor *r, const struct json_object *value);
/* The literal secrets, in the order they were added. */
size_t wsc_redactor_n_secrets(const struct wsc_redactor *r);
const char *wsc_redactor_secret(const struct wsc_redactor *r, size_t i);
int wsc_redactor_has_secret(const struct wsc_redactor *r, const char *value);
/* What the text rules search for: every secret and its hex forms. */
size_t wsc_redactor_n_forms(const struct wsc_redactor *r);
const char *wsc_redactor_form(const struct wsc_redactor *r, size_t i);
/* The length of the longest literal secret (0 when there is none). */
size_t wsc_redactor_longest(const struct wsc_redactor *r);

/* Is this name secret (the rule above)? n: its length. 0: no; 1: yes; 2:
 * yes, it is a credential header (Authorization, Cookie, ...). */
int wsc_redactor_secret_name(const struct wsc_redactor *r, const char *name, size_t n,
                             enum wsc_name_place place);

/* Text with every rule applied (malloc'ed); NULL when out of memory. */
char *wsc_redactor_text(const struct wsc_redactor *r, const char *text);
/* Raw bytes with every literal secret replaced (malloc'ed, NUL-terminated
 * for convenience, length in *out_len); NULL when out of memory. */
unsigned char *wsc_redactor_bytes(const struct wsc_redactor *r, const void *data,
                                  size_t len, size_t *out_len);
/* A deep copy of j: members with secret names hold "***", every string is
 * redacted as text. NULL for NULL j, and (with *failed set) when out of
 * memory. */
struct json_object *wsc_redactor_json(const struct wsc_redactor *r,
                                      const struct json_object *j, int *failed);

#endif
