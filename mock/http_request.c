/* wscheck-mock: reading a request's head strictly. */
#include "http_request.h"

#include <string.h>

/* 18 digits always fit in the long long lws keeps the length in. */
#define MAX_LENGTH_DIGITS 18

enum http_length http_content_length(struct lws *wsi, unsigned long long *length)
{
    char text[64];
    size_t n, digits;

    *length = 0;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return HTTP_LENGTH_NONE;
    if (lws_hdr_copy(wsi, text, sizeof(text), WSI_TOKEN_HTTP_CONTENT_LENGTH) < 0)
        return HTTP_LENGTH_INVALID; /* longer than any length we take */
    n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--; /* optional whitespace after the value */
    digits = strspn(text, "0123456789");
    if (digits == 0 || digits != n || digits > MAX_LENGTH_DIGITS)
        return HTTP_LENGTH_INVALID;
    for (size_t i = 0; i < digits; i++)
        *length = *length * 10 + (unsigned long long)(text[i] - '0');
    return HTTP_LENGTH_OK;
}
