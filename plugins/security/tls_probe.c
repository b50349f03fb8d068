/* One TLS handshake with libcurl (CURLOPT_CONNECT_ONLY: no request is
 * sent), for the tls check: the certificate chain as libcurl reports it
 * (CURLINFO_CERTINFO) and the negotiated protocol and cipher read from the
 * OpenSSL session (CURLINFO_TLS_SSL_PTR). */
#include "tls.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

char *sec_rescheme(const char *url, const char *const (*map)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t from = strlen(map[i][0]);
        if (strncmp(url, map[i][0], from) != 0)
            continue;
        size_t size = strlen(map[i][1]) + strlen(url + from) + 1;
        char *out = malloc(size);
        if (out)
            snprintf(out, size, "%s%s", map[i][1], url + from);
        return out;
    }
    return strdup(url);
}

char *sec_http_url(const char *url)
{
    static const char *const to_http[][2] = {{"wss://", "https://"},
                                             {"ws://", "http://"}};
    return sec_rescheme(url, to_http, 2);
}

/* "Name:value" lines of the first certificate -> outputs. */
static void take_certinfo(CURL *c, struct sec_tls_info *info)
{
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
        ci->num_of_certs < 1)
        return;
    static const struct {
        const char *prefix;
        size_t off;
    } keys[] = {
        {"Subject:", offsetof(struct sec_tls_info, subject)},
        {"Issuer:", offsetof(struct sec_tls_info, issuer)},
        {"Expire date:", offsetof(struct sec_tls_info, expires)},
        {"X509v3 Subject Alternative Name:", offsetof(struct sec_tls_info, sans)},
    };
    for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            size_t n = strlen(keys[k].prefix);
            char **slot = (char **)((char *)info + keys[k].off);
            if (strncmp(s->data, keys[k].prefix, n) == 0 && !*slot)
                *slot = strdup(s->data + n);
        }
    }
    info->chain_length = ci->num_of_certs;
}

/* Protocol, cipher and the leaf's days left, from the OpenSSL session.
 * libcurl gives no SSL pointer after a CONNECT_ONLY transfer: they are
 * read when the handshake is done, from an info callback installed on the
 * SSL_CTX, which carries *info as ex_data. */
static int info_index = -1;

static void take_session(const SSL *ssl, int where, int ret)
{
    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE))
        return;
    struct sec_tls_info *info = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), info_index);
    if (!info || info->protocol)
        return;
    info->protocol = strdup(SSL_get_version(ssl));
    const char *cipher = SSL_get_cipher_name(ssl);
    info->cipher = cipher ? strdup(cipher) : NULL;
    X509 *leaf = SSL_get1_peer_certificate(ssl);
    if (!leaf)
        return;
    int days = 0;
    int secs = 0;
    if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(leaf)) == 1) {
        info->days_left = days + secs / 86400.0;
        info->has_days = 1;
    }
    X509_free(leaf);
}

static CURLcode on_ssl_ctx(CURL *c, void *ssl_ctx, void *user)
{
    (void)c;
    if (info_index < 0)
        info_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (info_index < 0 || SSL_CTX_set_ex_data(ssl_ctx, info_index, user) != 1)
        return CURLE_OUT_OF_MEMORY;
    SSL_CTX_set_info_callback(ssl_ctx, take_session);
    return CURLE_OK;
}

static void set_common(CURL *c, const char *url, const struct sec_tls_probe *p,
                       struct sec_tls_info *info, char *errbuf)
{
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, info);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, p->verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, p->verify_host ? 2L : 0L);
    if (p->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, p->ca_file);
    if (p->old_protocols) {
        curl_easy_setopt(c, CURLOPT_SSLVERSION,
                         (long)(CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_1));
        /* our own OpenSSL refuses TLS 1.0/1.1 at its default security
         * level: lowered, the probe really offers them */
        curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, "DEFAULT@SECLEVEL=0");
    }
    long ms = (long)ceil(p->timeout * 1000.0);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
}

int sec_tls_probe(const char *url, const struct sec_tls_probe *p,
                  struct sec_tls_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    char *http = sec_http_url(url);
    CURL *c = curl_easy_init();
    if (!http || !c) {
        free(http);
        curl_easy_cleanup(c);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    set_common(c, http, p, info, errbuf);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        take_certinfo(c, info);
    } else {
        snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    curl_easy_cleanup(c);
    free(http);
    return rc == CURLE_OK ? 0 : -1;
}

void sec_tls_info_free(struct sec_tls_info *info)
{
    free(info->subject);
    free(info->issuer);
    free(info->expires);
    free(info->sans);
    free(info->protocol);
    free(info->cipher);
    memset(info, 0, sizeof *info);
}
