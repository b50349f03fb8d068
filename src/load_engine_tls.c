/* TLS for the load engine: OpenSSL on the engine's non-blocking sockets.
 * One SSL_CTX per script (its verification settings), one SSL per session;
 * SNI and certificate verification (chain and host name) are on unless the
 * test says `insecure`. Buffers are released while a connection is idle
 * (SSL_MODE_RELEASE_BUFFERS) so that idle TLS sessions stay small. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "load_engine_internal.h"
#include "util.h"

static char *ssl_why(const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return wsc_strdup_printf("%s: %s", what, e ? buf : "unknown error");
}

void *load_tls_ctx(const struct wsc_load_script *sc, char **why)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        *why = ssl_why("TLS setup");
        return NULL;
    }
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_verify(ctx, sc->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
    int ok = sc->ca_file ? SSL_CTX_load_verify_locations(ctx, sc->ca_file, NULL)
                         : SSL_CTX_set_default_verify_paths(ctx);
    if (ok == 1 && sc->client_cert)
        ok = SSL_CTX_use_certificate_chain_file(ctx, sc->client_cert);
    if (ok == 1 && (sc->client_key || sc->client_cert))
        ok = SSL_CTX_use_PrivateKey_file(
            ctx, sc->client_key ? sc->client_key : sc->client_cert, SSL_FILETYPE_PEM);
    if (ok != 1) {
        *why = ssl_why(sc->ca_file && !sc->client_cert ? "ca_file" : "TLS certificates");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

void load_tls_ctx_free(void *ctx)
{
    SSL_CTX_free(ctx);
}

static int is_ip(const char *name)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

/* The name the certificate must carry: a DNS name (also sent as SNI), or
 * an IP address (never sent as SNI, RFC 6066). */
static int set_name(SSL *ssl, const char *name, int verify)
{
    if (is_ip(name))
        return !verify || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1;
    return SSL_set_tlsext_host_name(ssl, name) == 1 &&
           (!verify || SSL_set1_host(ssl, name) == 1);
}

int load_tls_start(struct wsc_load_sess *s, void *ctx)
{
    SSL *ssl = SSL_new(ctx);
    const char *name = s->sc->sni ? s->sc->sni : s->sc->host;
    if (!ssl || SSL_set_fd(ssl, s->fd) != 1 || !set_name(ssl, name, !s->sc->insecure)) {
        SSL_free(ssl);
        char *why = ssl_why("TLS setup");
        load_session_error(s, WSC_LOAD_ERR_TLS, "%s", why ? why : "TLS setup failed");
        free(why);
        return -1;
    }
    s->tls = ssl;
    return 0;
}

static void tls_failed(struct wsc_load_sess *s, SSL *ssl, int rc)
{
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK) {
        load_session_error(s, WSC_LOAD_ERR_TLS,
                           "TLS: certificate verification failed: %s",
                           X509_verify_cert_error_string(v));
        ERR_clear_error();
        return;
    }
    char *why = ssl_why("TLS handshake");
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_SYSCALL && errno)
        load_session_error(s, WSC_LOAD_ERR_TLS, "TLS handshake: %s", strerror(errno));
    else
        load_session_error(s, WSC_LOAD_ERR_TLS, "%s", why ? why : "TLS handshake failed");
    free(why);
}

void load_tls_step(struct wsc_load_sess *s)
{
    SSL *ssl = s->tls;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_connect(ssl);
    if (rc == 1) {
        if (load_epoll_set(s, 0) != 0) {
            load_session_error(s, WSC_LOAD_ERR_TLS, "epoll: %s", strerror(errno));
            return;
        }
        load_session_open(s);
        return;
    }
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (load_epoll_set(s, err == SSL_ERROR_WANT_WRITE) != 0)
            load_session_error(s, WSC_LOAD_ERR_TLS, "epoll: %s", strerror(errno));
        return;
    }
    tls_failed(s, ssl, rc);
}

long load_tls_read(struct wsc_load_sess *s, unsigned char *buf, size_t cap, int *closed)
{
    SSL *ssl = s->tls;
    size_t got = 0;
    ERR_clear_error();
    errno = 0;
    if (SSL_read_ex(ssl, buf, cap, &got) == 1)
        return (long)got;
    int err = SSL_get_error(ssl, 0);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return 0;
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno == 0) ||
        (err == SSL_ERROR_SYSCALL && errno == ECONNRESET)) {
        ERR_clear_error();
        *closed = 1;
        return -1;
    }
    char *why = ssl_why("TLS read");
    load_session_error(s, WSC_LOAD_ERR_CLOSED, "%s", why ? why : "TLS read failed");
    free(why);
    return -1;
}

long load_tls_write(struct wsc_load_sess *s, const void *p, size_t n)
{
    SSL *ssl = s->tls;
    size_t put = 0;
    if (n == 0)
        return 0;
    ERR_clear_error();
    errno = 0;
    if (SSL_write_ex(ssl, p, n, &put) == 1)
        return (long)put;
    int err = SSL_get_error(ssl, 0);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return 0;
    char *why = ssl_why("TLS write");
    load_session_error(s, WSC_LOAD_ERR_CLOSED, "%s", why ? why : "TLS write failed");
    free(why);
    return -1;
}

void load_tls_free(struct wsc_load_sess *s)
{
    if (s->tls) {
        SSL_free(s->tls);
        s->tls = NULL;
    }
}
