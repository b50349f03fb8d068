/* Sentences for libcurl transfer failures (see curl_errors.h). */
#include <stdlib.h>
#include <string.h>

#include "curl_errors.h"
#include "util.h"

char *wsc_curl_url_host(CURL *c, const char *url, int with_port)
{
    char *effective = NULL, *host = NULL, *port = NULL, *out = NULL;
    /* after redirects the effective URL is the one that failed */
    if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) != CURLE_OK)
        effective = NULL;
    CURLU *u = curl_url();
    if (u &&
        curl_url_set(u, CURLUPART_URL, effective && *effective ? effective : url, 0) ==
            CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
        out = with_port ? wsc_strdup_printf("%s:%s", host, port) : strdup(host);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out ? out : strdup(url);
}

char *wsc_curl_connect_error(CURL *c, const char *url, const char *detail)
{
    long os_errno = 0;
    if (curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno) != CURLE_OK)
        os_errno = 0;
    char *hp = wsc_curl_url_host(c, url, 1);
    if (!hp)
        return NULL;
    char *m = wsc_strdup_printf("connect to %s failed: %s", hp,
                                os_errno ? strerror((int)os_errno) : detail);
    free(hp);
    return m;
}
