/* Alert webhooks: a JSON POST with retries, bounded in total time so that
 * a dead receiver never stalls the monitor's rounds. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "alert.h"
#include "util.h"
#include <wscheck/plugin.h>

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* One POST; returns the HTTP status, or 0 with *why on a transport error. */
static long post_once(const char *url, const char *body, double seconds, char **why)
{
    CURL *c = curl_easy_init();
    if (!c) {
        *why = strdup("cannot start libcurl");
        return 0;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char errbuf[CURL_ERROR_SIZE] = "";
    long ms = (long)(seconds * 1000);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 1 ? ms : 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        *why = strdup(errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

int alert_post(const char *url, const char *body, double timeout, char **err)
{
    double deadline = wsc_now() + timeout, backoff = 0.5;
    for (int attempt = 1;; attempt++) {
        char *why = NULL;
        long status = post_once(url, body, deadline - wsc_now(), &why);
        if (status >= 200 && status < 300)
            return 0;
        /* a refusal (4xx) will not change on a retry */
        int retry = status == 0 || status >= 500;
        double left = deadline - wsc_now();
        if (!retry || left <= backoff) {
            *err = status ? wsc_strdup_printf("%s answered HTTP %ld (%d attempt%s)", url,
                                              status, attempt, attempt == 1 ? "" : "s")
                          : wsc_strdup_printf("%s: %s (%d attempt%s in %g s)", url,
                                              why ? why : "failed", attempt,
                                              attempt == 1 ? "" : "s", timeout);
            free(why);
            return -1;
        }
        free(why);
        poll(NULL, 0, (int)(backoff * 1000));
        backoff *= 2;
    }
}
