/* Strict reading of an HTTP status line (see http_status_line.h). */
#include "http_status_line.h"

#include <string.h>

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

int wsc_is_status_line(const char *data, size_t len)
{
    return len >= 5 && memcmp(data, "HTTP/", 5) == 0;
}

/* The text without the line end, cut to fit. */
static void keep_text(const char *data, size_t len, struct wsc_status_line *out)
{
    while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
        len--;
    size_t n = len < sizeof out->text - 1 ? len : sizeof out->text - 1;
    memcpy(out->text, data, n);
    out->text[n] = '\0';
}

int wsc_status_line_parse(const char *data, size_t len, struct wsc_status_line *out)
{
    memset(out, 0, sizeof *out);
    keep_text(data, len, out);
    const char *s = out->text;
    size_t n = strlen(s);
    if (n < 5 || memcmp(s, "HTTP/", 5) != 0 || n < 6 || !digit(s[5]))
        return -1;
    size_t i = 6;
    out->major = s[5] - '0';
    out->minor = -1;
    if (i < n && s[i] == '.') {
        if (i + 1 >= n || !digit(s[i + 1]))
            return -1;
        out->minor = s[i + 1] - '0';
        i += 2;
    }
    if (i + 4 > n || s[i] != ' ' || !digit(s[i + 1]) || !digit(s[i + 2]) ||
        !digit(s[i + 3]))
        return -1;
    out->code = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    i += 4;
    /* after the code: the end of the line, or a space and the reason */
    if (i < n && s[i] != ' ')
        return -1;
    return out->code >= 100 ? 0 : -1;
}
