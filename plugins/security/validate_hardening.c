/* What the hardening checks' schemas cannot say. Variables are not
 * expanded here: a "${...}" URL is left to the run. */
#include "checks_hardening.h"

#include <string.h>

#include <wscheck/params.h>

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int deferred(const char *s)
{
    return strstr(s, "${") != NULL;
}

void sec_validate_tls(struct wsc_validation *v, const struct json_object *params)
{
    const char *url = wsc_param_string(params, "url", "");
    if (!deferred(url) && !starts(url, "wss://") && !starts(url, "https://"))
        wsc_invalid(v, "/url", "expected a wss:// or https:// URL, got '%s'", url);
    const char *plain = wsc_param_string(params, "plain_url", NULL);
    if (plain && !deferred(plain) && !starts(plain, "ws://") && !starts(plain, "http://"))
        wsc_invalid(v, "/plain_url", "expected a ws:// or http:// URL, got '%s'", plain);
}

void sec_validate_ws_url(struct wsc_validation *v, const struct json_object *params)
{
    const char *url = wsc_param_string(params, "url", "");
    if (!deferred(url) && !starts(url, "ws://") && !starts(url, "wss://"))
        wsc_invalid(v, "/url", "expected a ws:// or wss:// URL, got '%s'", url);
}

void sec_validate_secrets_in_logs(struct wsc_validation *v,
                                  const struct json_object *params)
{
    struct json_object *files = wsc_param_array(params, "files");
    const char *url = wsc_param_string(params, "log_url", NULL);
    if ((!files || json_object_array_length(files) == 0) && !url)
        wsc_invalid(v, "", "nothing to scan: give files, log_url or both");
    if (url && !deferred(url) && !starts(url, "http://") && !starts(url, "https://"))
        wsc_invalid(v, "/log_url", "expected an http:// or https:// URL, got '%s'", url);
}
