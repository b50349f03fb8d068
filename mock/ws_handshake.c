/* wscheck-mock: validating a WebSocket opening handshake. */
#include "ws_handshake.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A Sec-WebSocket-Key is 16 bytes in base64: 22 characters and "==". */
#define KEY_CHARS 22

/* Copies header t into out without trailing blanks; false if it is
 * missing, empty or longer than out. */
static bool header(struct lws *wsi, enum lws_token_indexes t, char *out, size_t outlen)
{
    size_t n;

    if (lws_hdr_total_length(wsi, t) <= 0 || lws_hdr_copy(wsi, out, (int)outlen, t) < 0)
        return false;
    n = strlen(out);
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
    return n > 0;
}

static bool key_valid(const char *key)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                              "0123456789+/";

    return strlen(key) == KEY_CHARS + 2 && strspn(key, b64) == KEY_CHARS &&
           strcmp(key + KEY_CHARS, "==") == 0;
}

/* Connection is a comma-separated list ("keep-alive, Upgrade"). */
static bool has_upgrade_token(char *list)
{
    char *save = NULL;

    for (char *tok = strtok_r(list, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save))
        if (strcasecmp(tok, "upgrade") == 0)
            return true;
    return false;
}

/* "HTTP/1.1 or higher" */
static bool version_ok(const char *http)
{
    int major, minor;
    char end;

    if (sscanf(http, "HTTP/%d.%d%c", &major, &minor, &end) != 2)
        return false;
    return major > 1 || (major == 1 && minor >= 1);
}

int ws_handshake_check(struct lws *wsi, const char **why)
{
    char buf[512], *uri = NULL;
    int len = 0;

    if (lws_http_get_uri_and_method(wsi, &uri, &len) != LWSHUMETH_GET)
        *why = "Bad Request: a WebSocket handshake is a GET request";
    else if (!header(wsi, WSI_TOKEN_HTTP, buf, sizeof(buf)) || !version_ok(buf))
        *why = "Bad Request: a WebSocket handshake needs HTTP/1.1 or later";
    else if (lws_hdr_total_length(wsi, WSI_TOKEN_HOST) <= 0)
        *why = "Bad Request: no Host header";
    else if (!header(wsi, WSI_TOKEN_CONNECTION, buf, sizeof(buf)) ||
             !has_upgrade_token(buf))
        *why = "Bad Request: Connection must include \"Upgrade\"";
    else if (!header(wsi, WSI_TOKEN_KEY, buf, sizeof(buf)) || !key_valid(buf))
        *why = "Bad Request: Sec-WebSocket-Key must be 16 bytes in base64";
    else if (!header(wsi, WSI_TOKEN_VERSION, buf, sizeof(buf)))
        *why = "Bad Request: no Sec-WebSocket-Version header";
    else if (strcmp(buf, "13") != 0) {
        *why = "Upgrade Required: only Sec-WebSocket-Version 13 is supported";
        return 426;
    } else
        return 0;
    return 400;
}
