/* Listening-socket owners from /proc (see procnet.h). */
#include "procnet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMDLINE_MAX 65536
#define MAX_INODES 64

/* ---- /proc/net/tcp lines ---------------------------------------------------- */

/* The kernel prints the address as 32-bit words in host byte order ("%08X"
 * of each word), so reading each word back as a native integer restores the
 * bytes in network order. */
static int decode_addr(const char *hex, struct tcp_socket *out)
{
    size_t len = strlen(hex);
    if (len != 8 && len != 32)
        return -1;
    out->family = len == 8 ? AF_INET : AF_INET6;
    memset(out->addr, 0, sizeof out->addr);
    for (size_t w = 0; w < len / 8; w++) {
        char word[9];
        memcpy(word, hex + 8 * w, 8);
        word[8] = '\0';
        char *end;
        uint32_t v = (uint32_t)strtoul(word, &end, 16);
        if (*end != '\0')
            return -1;
        memcpy(out->addr + 4 * w, &v, 4);
    }
    return 0;
}

int procnet_parse_line(const char *line, struct tcp_socket *out)
{
    char local[40];
    unsigned port, state, uid;
    unsigned long inode;
    /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode ... */
    int n = sscanf(line,
                   " %*u: %39[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x "
                   "%*x:%*x %*x %u %*d %lu",
                   local, &port, &state, &uid, &inode);
    if (n != 5 || port > 65535 || decode_addr(local, out) != 0)
        return -1;
    out->port = port;
    out->state = state;
    out->uid = uid;
    out->inode = inode;
    return 0;
}

static int is_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static int is_v4_mapped(const unsigned char *a16)
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a16, prefix, sizeof prefix) == 0;
}

/* Does a listener on `s` take connections to the IPv4 address v4? */
static int serves_v4(const struct tcp_socket *s, const unsigned char *v4)
{
    if (s->family == AF_INET)
        return is_zero(s->addr, 4) || memcmp(s->addr, v4, 4) == 0;
    if (is_zero(s->addr, 16))
        return 1; /* [::] is dual-stack unless IPV6_V6ONLY, which /proc hides */
    return is_v4_mapped(s->addr) && memcmp(s->addr + 12, v4, 4) == 0;
}

static int serves_v6(const struct tcp_socket *s, const unsigned char *v6)
{
    if (is_v4_mapped(v6))
        return serves_v4(s, v6 + 12);
    if (s->family != AF_INET6)
        return 0;
    return is_zero(s->addr, 16) || memcmp(s->addr, v6, 16) == 0;
}

int procnet_serves(const struct tcp_socket *s, const struct addrinfo *addrs)
{
    if (!addrs)
        return 1;
    for (const struct addrinfo *ai = addrs; ai; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET) {
            const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
            if (serves_v4(s, (const unsigned char *)&sin->sin_addr))
                return 1;
        } else if (ai->ai_family == AF_INET6) {
            const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ai->ai_addr;
            if (serves_v6(s, sin6->sin6_addr.s6_addr))
                return 1;
        }
    }
    return 0;
}

void procnet_addr_text(const struct tcp_socket *s, char *buf, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(s->family, s->addr, text, sizeof text))
        snprintf(text, sizeof text, "?");
    snprintf(buf, size, "%s", text);
}

/* ---- Listeners on a port ------------------------------------------------ */

struct listeners {
    unsigned long inode[MAX_INODES];
    size_t count;
    struct tcp_socket first;
};

/* Adds the LISTEN sockets of one table. A missing tcp6 (IPv6 disabled) is
 * not an error; a missing tcp is. */
static int read_table(const char *procroot, const char *name, int required, unsigned port,
                      const struct addrinfo *addrs, struct listeners *found, char *err,
                      size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/net/%s", procroot, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        struct tcp_socket s;
        if (procnet_parse_line(line, &s) != 0 || s.state != PROCNET_TCP_LISTEN ||
            s.port != port || s.inode == 0 || !procnet_serves(&s, addrs))
            continue;
        if (found->count == 0)
            found->first = s;
        if (found->count < MAX_INODES)
            found->inode[found->count++] = s.inode;
    }
    fclose(f);
    return 0;
}

/* ---- Processes holding a socket --------------------------------------------- */

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int holds_inode(const char *link, const struct listeners *found)
{
    unsigned long inode;
    char tail;
    if (sscanf(link, "socket:[%lu%c", &inode, &tail) != 2 || tail != ']')
        return 0;
    for (size_t i = 0; i < found->count; i++)
        if (found->inode[i] == inode)
            return 1;
    return 0;
}

/* 1: the process holds one of the sockets, 0: not, -1: its fds are not
 * readable (another user's process), -2: it is gone. */
static int process_holds(const char *procroot, const char *pid,
                         const struct listeners *found)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/fd", procroot, pid);
    DIR *d = opendir(path);
    if (!d)
        return (errno == EACCES || errno == EPERM) ? -1 : -2;
    int hit = 0;
    struct dirent *de;
    while (!hit && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char link[128];
        ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof link - 1);
        if (n <= 0)
            continue;
        link[n] = '\0';
        hit = holds_inode(link, found);
    }
    closedir(d);
    return hit;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int push_pid(struct proc_owner *out, size_t *cap, int pid)
{
    if (out->npids == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        int *p = realloc(out->pids, ncap * sizeof *p);
        if (!p)
            return -1;
        out->pids = p;
        *cap = ncap;
    }
    out->pids[out->npids++] = pid;
    return 0;
}

static int scan_processes(const char *procroot, const struct listeners *found,
                          struct proc_owner *out, char *err, size_t errlen)
{
    DIR *d = opendir(procroot);
    if (!d) {
        snprintf(err, errlen, "cannot read %s: %s", procroot, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (!all_digits(de->d_name))
            continue;
        int held = process_holds(procroot, de->d_name, found);
        if (held == -1)
            out->unreadable++;
        if (held == 1 && push_pid(out, &cap, atoi(de->d_name)) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    closedir(d);
    if (out->npids > 1)
        qsort(out->pids, out->npids, sizeof *out->pids, cmp_int);
    return rc;
}

/* ---- Describing a process ------------------------------------------------------ */

/* Reads at most size-1 bytes of a small file. Returns the length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

static void read_comm(const char *procroot, int pid, char *buf, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%d/comm", procroot, pid);
    if (read_small(path, buf, size) < 0)
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* The arguments, NULs turned into spaces; empty for kernel threads. */
static char *read_cmdline(const char *procroot, int pid)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%d/cmdline", procroot, pid);
    char *buf = malloc(CMDLINE_MAX);
    if (!buf)
        return NULL;
    ssize_t n = read_small(path, buf, CMDLINE_MAX);
    if (n < 0)
        n = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    char *small = realloc(buf, (size_t)n + 1);
    return small ? small : buf;
}

/* The effective uid ("Uid: real effective saved fs"), else the owner of the
 * process directory. */
static unsigned read_uid(const char *procroot, int pid)
{
    char path[4096], status[8192];
    snprintf(path, sizeof path, "%s/%d/status", procroot, pid);
    if (read_small(path, status, sizeof status) > 0) {
        const char *p = strstr(status, "\nUid:");
        unsigned ruid, euid;
        if (p && sscanf(p + 5, "%u %u", &ruid, &euid) == 2)
            return euid;
    }
    struct stat st;
    snprintf(path, sizeof path, "%s/%d", procroot, pid);
    return stat(path, &st) == 0 ? (unsigned)st.st_uid : (unsigned)-1;
}

void procnet_user_name(unsigned uid, char *buf, size_t size)
{
    struct passwd pw, *res = NULL;
    char tmp[4096];
    if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof tmp, &res) == 0 && res)
        snprintf(buf, size, "%s", res->pw_name);
    else
        snprintf(buf, size, "%u", uid);
}

/* ---- The lookup ------------------------------------------------------------------ */

enum owner_status procnet_find_owner(const char *procroot, unsigned port,
                                     const struct addrinfo *addrs, struct proc_owner *out,
                                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->port = port;
    struct listeners found;
    memset(&found, 0, sizeof found);
    if (read_table(procroot, "tcp", 1, port, addrs, &found, err, errlen) != 0 ||
        read_table(procroot, "tcp6", 0, port, addrs, &found, err, errlen) != 0)
        return OWNER_FAILED;
    if (found.count == 0)
        return OWNER_NO_LISTENER;
    procnet_addr_text(&found.first, out->address, sizeof out->address);
    out->socket_uid = found.first.uid;
    out->inode = found.first.inode;
    if (scan_processes(procroot, &found, out, err, errlen) != 0)
        return OWNER_FAILED;
    if (out->npids == 0)
        return OWNER_HIDDEN;
    out->pid = out->pids[0];
    read_comm(procroot, out->pid, out->command, sizeof out->command);
    out->cmdline = read_cmdline(procroot, out->pid);
    if (!out->cmdline) {
        snprintf(err, errlen, "out of memory");
        return OWNER_FAILED;
    }
    out->uid = read_uid(procroot, out->pid);
    procnet_user_name(out->uid, out->user, sizeof out->user);
    return OWNER_FOUND;
}

void procnet_owner_free(struct proc_owner *o)
{
    free(o->pids);
    free(o->cmdline);
    o->pids = NULL;
    o->cmdline = NULL;
    o->npids = 0;
}
