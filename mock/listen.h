/* wscheck-mock: listening sockets - resolving the host, then the port or,
 * while it is taken, the next ones. */
#ifndef WSCHECK_MOCK_LISTEN_H
#define WSCHECK_MOCK_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

struct listen_spec {
    const char *name; /* for messages and the vhost name */
    const char *host; /* as configured */
    int port;         /* 0: any free port */
    int tries;
    const struct lws_protocols *protocols;
    /* filled in by listen_resolve() */
    char addr[64]; /* numeric address */
    int family;
    /* PEM files for TLS on this port, or NULL: plain */
    const char *tls_cert, *tls_key;
};

/* Resolves spec->host (a name such as localhost, or an address), IPv4
 * first. Returns 0, or -1 with a message on stderr. */
int listen_resolve(struct listen_spec *spec);

/* Creates the vhost listening on spec; *port gets the port in use.
 * Returns NULL (message on stderr) when every port tried was taken or
 * binding failed otherwise. */
struct lws_vhost *listen_start(struct lws_context *ctx, struct listen_spec *spec,
                               unsigned long long vhost_options, int *port);

/* "127.0.0.1" or "[::1]", for URLs. */
void listen_url_host(const struct listen_spec *spec, char *out, size_t outlen);

#endif
