/* Who listens on a TCP port, the Linux way: LISTEN sockets from
 * /proc/net/tcp and /proc/net/tcp6 give the socket inode, a scan of
 * /proc/PID/fd finds the processes holding "socket:[inode]", and
 * /proc/PID/{comm,cmdline,status} describe them. The proc root is a
 * parameter so that tests can point it at a fixture tree. */
#ifndef WSC_PORT_PROCNET_H
#define WSC_PORT_PROCNET_H

#include <stddef.h>

struct addrinfo;

#define PROCNET_TCP_LISTEN 0x0Au

/* One socket line of /proc/net/tcp or /proc/net/tcp6. */
struct tcp_socket {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16]; /* local address in network byte order */
    unsigned port;
    unsigned state; /* PROCNET_TCP_LISTEN for listeners */
    unsigned uid;   /* the socket's owner */
    unsigned long inode;
};

/* Parses one line. Returns 0, or -1 for the header and malformed lines. */
int procnet_parse_line(const char *line, struct tcp_socket *out);

/* Does a listener bound to this socket's local address accept connections
 * made to one of `addrs`? Wildcard binds (0.0.0.0, ::) serve every address
 * of their family (:: also IPv4, dual-stack), IPv4-mapped IPv6 addresses
 * match their IPv4 form. addrs NULL: any host. */
int procnet_serves(const struct tcp_socket *s, const struct addrinfo *addrs);

/* The socket's local address as text: "127.0.0.1", "::1". */
void procnet_addr_text(const struct tcp_socket *s, char *buf, size_t size);

enum owner_status {
    OWNER_FOUND,       /* out is filled in */
    OWNER_NO_LISTENER, /* no LISTEN socket on that port (and host) */
    OWNER_HIDDEN,      /* a socket listens, but no visible process holds it */
    OWNER_FAILED       /* /proc could not be read; err says why */
};

struct proc_owner {
    int pid;   /* the lowest pid holding the socket */
    int *pids; /* all of them, ascending */
    size_t npids;
    char command[64]; /* /proc/PID/comm */
    char *cmdline;    /* arguments joined by spaces */
    unsigned uid;     /* the process's effective uid */
    char user[64];    /* its name, or the number when unknown */
    unsigned port;
    char address[64];    /* the listener's local address */
    unsigned socket_uid; /* from /proc/net/tcp */
    unsigned long inode;
    unsigned unreadable; /* processes whose fds we could not read */
};

/* Finds the process listening on `port` (on one of `addrs` when not NULL).
 * `out` is filled in as far as known for every status but OWNER_FAILED
 * (port, address, socket_uid and inode for OWNER_HIDDEN). Release with
 * procnet_owner_free(). */
enum owner_status procnet_find_owner(const char *procroot, unsigned port,
                                     const struct addrinfo *addrs, struct proc_owner *out,
                                     char *err, size_t errlen);
void procnet_owner_free(struct proc_owner *o);

/* A uid's user name, or its number as text. */
void procnet_user_name(unsigned uid, char *buf, size_t size);

#endif
