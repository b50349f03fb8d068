/* What the tls check's files share: one TLS handshake and what it shows. */
#ifndef WSC_SECURITY_TLS_H
#define WSC_SECURITY_TLS_H

#include <stddef.h>

#include <curl/curl.h>

struct sec_tls_probe {
    const char *ca_file; /* NULL: the system's CAs */
    int verify_peer;     /* the chain against ca_file or the system */
    int verify_host;     /* the host name against the certificate */
    int old_protocols;   /* offer only TLS 1.0 and 1.1, at SECLEVEL=0 */
    double timeout;      /* seconds */
};

/* What a successful handshake showed (strings malloc'ed, NULL: unknown). */
struct sec_tls_info {
    char *subject;
    char *issuer;
    char *expires;  /* as OpenSSL prints notAfter */
    char *sans;     /* "DNS:localhost, IP Address:127.0.0.1" */
    char *protocol; /* "TLSv1.3" */
    char *cipher;
    int chain_length;
    double days_left; /* valid when has_days */
    int has_days;
};

/* url with its scheme replaced by the first pair of map (n pairs
 * {from, to}) that matches, or copied when none does (malloc'ed; NULL: out
 * of memory). */
char *sec_rescheme(const char *url, const char *const (*map)[2], size_t n);
/* "wss://" -> "https://", "ws://" -> "http://"; others copied. */
char *sec_http_url(const char *url);
/* One handshake with url's host and port. 0 with *info filled, or -1 with
 * libcurl's sentence in err (e.g. "SSL certificate problem: certificate has
 * expired"). */
int sec_tls_probe(const char *url, const struct sec_tls_probe *p,
                  struct sec_tls_info *info, char *err, size_t errlen);
void sec_tls_info_free(struct sec_tls_info *info);

#endif
