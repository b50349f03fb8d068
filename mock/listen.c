/* wscheck-mock: listening sockets. */
#include "listen.h"

#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

int listen_resolve(struct listen_spec *spec)
{
    struct addrinfo hints, *res = NULL, *pick = NULL;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(spec->host, NULL, &hints, &res);
    if (rc != 0) {
        mock_log(MOCK_LOG_ERR, "cannot resolve %s host '%s': %s", spec->name, spec->host,
                 gai_strerror(rc));
        return -1;
    }
    /* "localhost" gives ::1 and 127.0.0.1: prefer IPv4, which every
     * client reaches and which the reference's URLs assume. */
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET && !pick)
            pick = ai;
    if (!pick)
        pick = res;
    rc = getnameinfo(pick->ai_addr, pick->ai_addrlen, spec->addr, sizeof(spec->addr),
                     NULL, 0, NI_NUMERICHOST);
    spec->family = pick->ai_family;
    freeaddrinfo(res);
    if (rc != 0) {
        mock_log(MOCK_LOG_ERR, "cannot use %s host '%s': %s", spec->name, spec->host,
                 gai_strerror(rc));
        return -1;
    }
    return 0;
}

/* Binds a throwaway socket the way lws will (SO_REUSEADDR) to learn
 * whether the port is free, and if not, why: lws only says it failed.
 * Returns 0 or an errno value. */
static int probe(const struct listen_spec *spec, int port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int fd, one = 1, err = 0;

    memset(&ss, 0, sizeof(ss));
    if (spec->family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, spec->addr, &s6->sin6_addr) != 1)
            return EINVAL;
        sl = sizeof(*s6);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, spec->addr, &s4->sin_addr) != 1)
            return EINVAL;
        sl = sizeof(*s4);
    }
    fd = socket(spec->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&ss, sl) != 0)
        err = errno;
    close(fd);
    return err;
}

static struct lws_vhost *create(struct lws_context *ctx, const struct listen_spec *spec,
                                int port, unsigned long long vhost_options)
{
    struct lws_context_creation_info info;

    memset(&info, 0, sizeof(info));
    info.vhost_name = spec->name;
    info.port = port;
    info.iface = spec->addr;
    info.protocols = spec->protocols;
    info.options = vhost_options;
    info.keepalive_timeout = 30; /* idle HTTP keep-alive, seconds */
    if (spec->tls_cert) {
        /* lws reads the vhost's options too: without this it stays plain */
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = spec->tls_cert;
        info.ssl_private_key_filepath = spec->tls_key;
    }
    return lws_create_vhost(ctx, &info);
}

struct lws_vhost *listen_start(struct lws_context *ctx, struct listen_spec *spec,
                               unsigned long long vhost_options, int *port)
{
    int tries = spec->port == 0 ? 1 : spec->tries, err = 0;
    struct lws_vhost *vh;

    for (int i = 0; i < tries && spec->port + i <= 65535; i++) {
        int p = spec->port + i;

        if (p != 0) {
            err = probe(spec, p);
            if (err == EADDRINUSE) {
                mock_log(MOCK_LOG_INFO, "%s port %d is in use", spec->name, p);
                continue;
            }
            if (err != 0)
                break;
        }
        vh = create(ctx, spec, p, vhost_options);
        if (vh) {
            *port = lws_get_vhost_listen_port(vh);
            return vh;
        }
        err = EADDRINUSE; /* taken between probe and bind */
    }
    if (tries > 1)
        mock_log(MOCK_LOG_ERR, "cannot listen for %s on %s ports %d-%d: %s", spec->name,
                 spec->addr, spec->port, spec->port + tries - 1,
                 strerror(err ? err : EADDRINUSE));
    else
        mock_log(MOCK_LOG_ERR, "cannot listen for %s on %s port %d: %s", spec->name,
                 spec->addr, spec->port, strerror(err ? err : EADDRINUSE));
    return NULL;
}

void listen_url_host(const struct listen_spec *spec, char *out, size_t outlen)
{
    if (spec->family == AF_INET6)
        snprintf(out, outlen, "[%s]", spec->addr);
    else
        snprintf(out, outlen, "%s", spec->addr);
}
