/* Unit tests of the port plugin's internals: port lists, the compact port
 * display, /proc/net/tcp parsing and owner lookup (on a fixture tree and on
 * this process's own listeners), and the connect engine against listeners
 * opened here on 127.0.0.1 and ::1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tap.h"
#include "testutil.h"
#include "../../plugins/port/portlist.h"
#include "../../plugins/port/probe.h"
#include "../../plugins/port/procnet.h"

/* ---- helpers ------------------------------------------------------------- */

static struct json_object *json(const char *text)
{
    struct json_object *v = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return v;
}

/* A listening socket on addr:0; sets *port. -1 when the family is not
 * available here. */
static int listen_on(int family, const char *addr, int backlog, unsigned *port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        inet_pton(AF_INET, addr, &sin->sin_addr);
        len = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, addr, &sin6->sin6_addr);
        len = sizeof *sin6;
    }
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static struct addrinfo *resolve(const char *host)
{
    char err[256];
    struct addrinfo *ai = NULL;
    if (probe_resolve(host, &ai, err, sizeof err) != 0)
        return NULL;
    return ai;
}

static int run_one(struct addrinfo *ai, unsigned port, double budget, double attempt,
                   struct probe_result *r)
{
    char err[256];
    struct probe_opts opts = {budget, attempt, 0};
    r->port = (uint16_t)port;
    return probe_run(ai, r, 1, &opts, err, sizeof err);
}

/* ---- port specs ----------------------------------------------------------- */

static void spec_ok(const char *spec, unsigned lo, unsigned hi)
{
    unsigned a = 0, b = 0;
    char err[160] = "";
    CU_ASSERT_EQUAL(portlist_parse_spec(spec, &a, &b, err, sizeof err), 0);
    CU_ASSERT_EQUAL(a, lo);
    CU_ASSERT_EQUAL(b, hi);
}

static void spec_bad(const char *spec, const char *needle)
{
    unsigned a = 0, b = 0;
    char err[160] = "";
    CU_ASSERT_EQUAL(portlist_parse_spec(spec, &a, &b, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void test_spec_valid(void)
{
    spec_ok("8675", 8675, 8675);
    spec_ok("8678-8680", 8678, 8680);
    spec_ok(" 8678 - 8680 ", 8678, 8680);
    spec_ok("1", 1, 1);
    spec_ok("65535", 65535, 65535);
    spec_ok("1-65535", 1, 65535);
    spec_ok("80-80", 80, 80);
    spec_ok("08675", 8675, 8675);
}

static void test_spec_invalid(void)
{
    const char *syntax = "neither a port number nor a range";
    spec_bad("", syntax);
    spec_bad("   ", syntax);
    spec_bad("abc", syntax);
    spec_bad("-5", syntax);
    spec_bad("5-", syntax);
    spec_bad("-", syntax);
    spec_bad("+5", syntax);
    spec_bad("0x10", syntax);
    spec_bad("8675a", syntax);
    spec_bad("1.5", syntax);
    spec_bad("1-2-3", syntax);
    spec_bad("1,2", syntax);
    spec_bad("0", "between 1 and 65535");
    spec_bad("65536", "between 1 and 65535");
    spec_bad("0-10", "between 1 and 65535");
    spec_bad("10-70000", "between 1 and 65535");
    spec_bad("99999999999999999999999", "between 1 and 65535");
    spec_bad("9-3", "starts at 9, after its end 3");
    spec_bad("8680-8678", "\"8680-8678\"");
}

/* ---- port lists ------------------------------------------------------------- */

static void test_array_merges_and_sorts(void)
{
    struct json_object *a = json("[8680, \"8675\", \"8678-8680\", 8675, 22.0]");
    struct portlist list;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(portlist_from_array(a, &list, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(list.count, 5);
    const uint16_t want[] = {22, 8675, 8678, 8679, 8680};
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(list.ports[i], want[i]);
    portlist_free(&list);
    json_object_put(a);
}

static void test_array_full_range(void)
{
    struct json_object *a = json("[\"1-65535\", \"1-65535\", 80]");
    struct portlist list;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(portlist_from_array(a, &list, err, sizeof err), 0);
    CU_ASSERT_EQUAL(list.count, 65535);
    CU_ASSERT_EQUAL(list.ports[0], 1);
    CU_ASSERT_EQUAL(list.ports[65534], 65535);
    portlist_free(&list);
    json_object_put(a);
}

static void array_bad(const char *text, const char *needle)
{
    struct json_object *a = json(text);
    struct portlist list;
    char err[256] = "";
    CU_ASSERT_EQUAL(portlist_from_array(a, &list, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(list.ports);
    if (!strstr(err, needle))
        printf("# message: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
    json_object_put(a);
}

static void test_array_errors(void)
{
    array_bad("[]", "empty");
    array_bad("{}", "expected an array");
    array_bad("[80, 0]", "ports[1]: 0 is not a port");
    array_bad("[70000]", "ports[0]: 70000 is not a port");
    array_bad("[-1]", "ports[0]: -1 is not a port");
    array_bad("[80.5]", "ports[0]: 80.5 is not a port");
    array_bad("[80, true]", "ports[1]: expected a port number or a range");
    array_bad("[null]", "got null");
    array_bad("[[80]]", "got array");
    array_bad("[\"80\", \"90-85\"]", "ports[1]: \"90-85\": the range starts at 90");
    array_bad("[\"8678-\"]", "ports[0]: \"8678-\" is neither");
}

static void params_case(const char *text, int rc, size_t count, const char *needle)
{
    struct json_object *p = json(text);
    struct portlist list;
    char err[256] = "";
    CU_ASSERT_EQUAL(portlist_from_params(p, &list, err, sizeof err), rc);
    if (rc == 0)
        CU_ASSERT_EQUAL(list.count, count);
    if (needle)
        CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
    portlist_free(&list);
    json_object_put(p);
}

static void test_params(void)
{
    params_case("{\"port\": 8675}", 0, 1, NULL);
    params_case("{\"port\": \"8675\"}", 0, 1, NULL);
    params_case("{\"ports\": [\"8675\", \"8678-8680\"]}", 0, 4, NULL);
    params_case("{\"port\": 1, \"ports\": [2]}", -1, 0, "either port or ports");
    params_case("{\"host\": \"::1\"}", -1, 0, "one of port or ports");
    params_case("{\"port\": \"8678-8680\"}", -1, 0, "use ports for ranges");
    params_case("{\"port\": 0}", -1, 0, "port: 0 is not a port");
    params_case("{\"port\": \"http\"}", -1, 0, "port: \"http\" is neither");
    params_case("{\"port\": true}", -1, 0, "port: true");
}

/* ---- compact display ---------------------------------------------------------- */

static void test_groups(void)
{
    char buf[256];
    struct portgroup_writer w;
    portgroup_init(&w, buf, sizeof buf, 10);
    portgroup_add(&w, 8675, "refused");
    portgroup_add(&w, 8676, "refused");
    portgroup_add(&w, 8677, "refused");
    portgroup_add(&w, 8678, "timed out");
    portgroup_add(&w, 8680, "timed out");
    portgroup_end(&w);
    CU_ASSERT_STRING_EQUAL(buf,
                           "8675-8677 (refused), 8678 (timed out), 8680 (timed out)");

    portgroup_init(&w, buf, sizeof buf, 10);
    portgroup_add(&w, 22, NULL);
    portgroup_add(&w, 80, NULL);
    portgroup_add(&w, 81, NULL);
    portgroup_end(&w);
    CU_ASSERT_STRING_EQUAL(buf, "22, 80-81");

    portgroup_init(&w, buf, sizeof buf, 10);
    portgroup_end(&w);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_groups_limit_and_truncation(void)
{
    char buf[256];
    struct portgroup_writer w;
    portgroup_init(&w, buf, sizeof buf, 2);
    for (unsigned p = 10; p <= 20; p += 2) /* six single ports */
        portgroup_add(&w, p, NULL);
    portgroup_add(&w, 21, NULL); /* joins 20: 20-21 */
    portgroup_end(&w);
    CU_ASSERT_STRING_EQUAL(buf, "10, 12, and 5 more");

    char tiny[8];
    portgroup_init(&w, tiny, sizeof tiny, 100);
    for (unsigned p = 1000; p < 1100; p += 2)
        portgroup_add(&w, p, "refused");
    portgroup_end(&w);
    CU_ASSERT_EQUAL(strlen(tiny), sizeof tiny - 1);
    CU_ASSERT_NSTRING_EQUAL(tiny, "1000 (r", 7);
}

/* ---- /proc/net/tcp lines ------------------------------------------------------- */

/* A line as the kernel writes it, for an address given as text. */
static int kernel_line(char *buf, size_t size, int family, const char *addr,
                       unsigned port, unsigned state, unsigned uid, unsigned long inode)
{
    unsigned char bytes[16];
    char hex[33] = "";
    if (inet_pton(family, addr, bytes) != 1)
        return -1;
    for (size_t w = 0; w < (family == AF_INET ? 1u : 4u); w++) {
        uint32_t v;
        memcpy(&v, bytes + 4 * w, 4);
        snprintf(hex + 8 * w, 9, "%08X", v);
    }
    snprintf(buf, size,
             "   3: %s:%04X %s:0000 %02X 00000000:00000000 00:00000000 "
             "00000000 %5u        0 %lu 1 0000000000000000 100 0 0 10 0\n",
             hex, port,
             family == AF_INET ? "00000000" : "00000000000000000000000000000000", state,
             uid, inode);
    return 0;
}

static void test_parse_kernel_lines(void)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Verbatim lines from x86-64 kernels. */
    struct tcp_socket s;
    CU_ASSERT_EQUAL_FATAL(
        procnet_parse_line(
            "   0: 0100007F:21E3 00000000:0000 0A 00000000:00000000 00:00000000 "
            "00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0",
            &s),
        0);
    char text[64];
    procnet_addr_text(&s, text, sizeof text);
    CU_ASSERT_EQUAL(s.family, AF_INET);
    CU_ASSERT_STRING_EQUAL(text, "127.0.0.1");
    CU_ASSERT_EQUAL(s.port, 8675);
    CU_ASSERT_EQUAL(s.state, PROCNET_TCP_LISTEN);
    CU_ASSERT_EQUAL(s.uid, 1000);
    CU_ASSERT_EQUAL(s.inode, 123456);
    CU_ASSERT_EQUAL_FATAL(
        procnet_parse_line(
            "   1: 00000000000000000000000001000000:21E4 "
            "00000000000000000000000000000000:0000 0A 00000000:00000000 "
            "00:00000000 00000000     0        0 98765 1 0000000000000000 100 0 0 10 0",
            &s),
        0);
    procnet_addr_text(&s, text, sizeof text);
    CU_ASSERT_EQUAL(s.family, AF_INET6);
    CU_ASSERT_STRING_EQUAL(text, "::1");
    CU_ASSERT_EQUAL(s.port, 8676);
    CU_ASSERT_EQUAL(s.inode, 98765);
    CU_ASSERT_EQUAL_FATAL(
        procnet_parse_line(
            "  12: 0000000000000000FFFF00000100007F:1F90 "
            "0000000000000000FFFF00000100007F:D2F0 01 00000000:00000000 "
            "00:00000000 00000000  1000        0 5555 1 0000000000000000 20 4 30 10 -1",
            &s),
        0);
    procnet_addr_text(&s, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "::ffff:127.0.0.1");
    CU_ASSERT_EQUAL(s.port, 8080);
    CU_ASSERT_EQUAL(s.state, 1); /* ESTABLISHED */
#endif
}

static void roundtrip(int family, const char *addr, unsigned port)
{
    char line[512], text[64];
    struct tcp_socket s;
    CU_ASSERT_EQUAL_FATAL(
        kernel_line(line, sizeof line, family, addr, port, 0x0A, 33, 4242), 0);
    CU_ASSERT_EQUAL_FATAL(procnet_parse_line(line, &s), 0);
    procnet_addr_text(&s, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, addr);
    CU_ASSERT_EQUAL(s.family, family);
    CU_ASSERT_EQUAL(s.port, port);
    CU_ASSERT_EQUAL(s.uid, 33);
    CU_ASSERT_EQUAL(s.inode, 4242);
}

static void test_parse_roundtrip(void)
{
    roundtrip(AF_INET, "127.0.0.1", 8675);
    roundtrip(AF_INET, "0.0.0.0", 1);
    roundtrip(AF_INET, "192.168.10.20", 65535);
    roundtrip(AF_INET6, "::1", 8680);
    roundtrip(AF_INET6, "::", 443);
    roundtrip(AF_INET6, "2001:db8::8:800:200c:417a", 8678);
    roundtrip(AF_INET6, "fe80::1", 22);
}

static void test_parse_rejects(void)
{
    struct tcp_socket s;
    CU_ASSERT_EQUAL(
        procnet_parse_line(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            "retrnsmt   uid  timeout inode",
            &s),
        -1);
    CU_ASSERT_EQUAL(procnet_parse_line("", &s), -1);
    CU_ASSERT_EQUAL(procnet_parse_line("   0: 0100007F:21E3", &s), -1);
    /* 6 hex digits: neither IPv4 nor IPv6 */
    CU_ASSERT_EQUAL(
        procnet_parse_line(
            "   0: 00007F:21E3 00000000:0000 0A 00000000:00000000 00:00000000 "
            "00000000  1000        0 1 1 0000000000000000 100 0 0 10 0",
            &s),
        -1);
    /* a port above 65535 */
    CU_ASSERT_EQUAL(
        procnet_parse_line(
            "   0: 0100007F:121E3 00000000:0000 0A 00000000:00000000 00:00000000 "
            "00000000  1000        0 1 1 0000000000000000 100 0 0 10 0",
            &s),
        -1);
}

static struct tcp_socket sock_at(int family, const char *addr)
{
    struct tcp_socket s;
    memset(&s, 0, sizeof s);
    s.family = family;
    inet_pton(family, addr, s.addr);
    return s;
}

static void test_serves(void)
{
    struct addrinfo *v4 = resolve("127.0.0.1"), *v6 = resolve("::1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v4);
    struct tcp_socket lo4 = sock_at(AF_INET, "127.0.0.1");
    struct tcp_socket any4 = sock_at(AF_INET, "0.0.0.0");
    struct tcp_socket other4 = sock_at(AF_INET, "127.0.0.2");
    struct tcp_socket lo6 = sock_at(AF_INET6, "::1");
    struct tcp_socket any6 = sock_at(AF_INET6, "::");
    struct tcp_socket mapped = sock_at(AF_INET6, "::ffff:127.0.0.1");
    CU_ASSERT_TRUE(procnet_serves(&lo4, NULL));
    CU_ASSERT_TRUE(procnet_serves(&lo4, v4));
    CU_ASSERT_TRUE(procnet_serves(&any4, v4));
    CU_ASSERT_FALSE(procnet_serves(&other4, v4));
    CU_ASSERT_FALSE(procnet_serves(&lo6, v4));
    CU_ASSERT_TRUE(procnet_serves(&any6, v4)); /* dual-stack */
    CU_ASSERT_TRUE(procnet_serves(&mapped, v4));
    if (v6) {
        CU_ASSERT_TRUE(procnet_serves(&lo6, v6));
        CU_ASSERT_TRUE(procnet_serves(&any6, v6));
        CU_ASSERT_FALSE(procnet_serves(&lo4, v6));
        CU_ASSERT_FALSE(procnet_serves(&any4, v6));
    }
    probe_free_addrs(v4);
    probe_free_addrs(v6);
}

/* ---- owner lookup on a fixture /proc ------------------------------------------- */

static char fixture[64];
static int fixture_broken; /* set when building the fixture tree failed */

static void put_file(const char *rel, const char *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fixture, rel);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len)
        fixture_broken = 1;
    if (f && fclose(f) != 0)
        fixture_broken = 1;
}

static void put_dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fixture, rel);
    if (mkdir(path, 0755) != 0)
        fixture_broken = 1;
}

static void put_link(const char *rel, const char *target)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fixture, rel);
    if (symlink(target, path) != 0)
        fixture_broken = 1;
}

static void put_listener(char *table, size_t size, int family, const char *addr,
                         unsigned port, unsigned state, unsigned uid, unsigned long inode)
{
    char line[512];
    if (kernel_line(line, sizeof line, family, addr, port, state, uid, inode) != 0)
        fixture_broken = 1;
    else
        strncat(table, line, size - strlen(table) - 1);
}

static void put_process(const char *pid, const char *comm, const char *cmdline,
                        size_t cmdlen, unsigned euid)
{
    char rel[64], status[128];
    put_dir(pid);
    snprintf(rel, sizeof rel, "%s/fd", pid);
    put_dir(rel);
    snprintf(rel, sizeof rel, "%s/fd/0", pid);
    put_link(rel, "/dev/null");
    snprintf(rel, sizeof rel, "%s/comm", pid);
    put_file(rel, comm, strlen(comm));
    snprintf(rel, sizeof rel, "%s/cmdline", pid);
    put_file(rel, cmdline, cmdlen);
    snprintf(status, sizeof status,
             "Name:\t%s\nUmask:\t0022\nUid:\t1000\t%u\t1000\t1000\n", comm, euid);
    snprintf(rel, sizeof rel, "%s/status", pid);
    put_file(rel, status, strlen(status));
}

static int fixture_setup(void)
{
    if (wsc_test_mkdtemp(fixture, sizeof fixture, "wsc-port-proc") != 0)
        return -1;
    char table[2048];
    put_dir("net");
    /* tcp: a listener on 127.0.0.1:8675 (inode 777), a connection from
     * 8675 (not a listener), a listener on 0.0.0.0:8676 (inode 778) */
    snprintf(table, sizeof table,
             "  sl  local_address rem_address   st tx_queue "
             "rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    put_listener(table, sizeof table, AF_INET, "127.0.0.1", 8675, 0x0A, 1000, 777);
    put_listener(table, sizeof table, AF_INET, "127.0.0.1", 8678, 0x01, 1000, 999);
    put_listener(table, sizeof table, AF_INET, "0.0.0.0", 8676, 0x0A, 0, 778);
    put_file("net/tcp", table, strlen(table));
    /* tcp6: [::1]:8677 (inode 779), held by no visible process */
    snprintf(table, sizeof table, "  sl  local_address remote_address st ...\n");
    put_listener(table, sizeof table, AF_INET6, "::1", 8677, 0x0A, 4321, 779);
    put_file("net/tcp6", table, strlen(table));
    /* a server (4242) and its forked worker (4243) share socket 777; the
     * literal is split because a NUL escape followed by "127" would read
     * as one octal escape */
    static const char cmd[] = "python3\0-m\0http.server\0--bind\0"
                              "127.0.0.1\0";
    put_process("4243", "python3\n", cmd, sizeof cmd - 1, 1001);
    put_link("4243/fd/5", "socket:[777]");
    put_process("4242", "python3\n", cmd, sizeof cmd - 1, 1001);
    put_link("4242/fd/3", "socket:[777]");
    put_link("4242/fd/4", "socket:[7770]");
    /* pid 17 holds 778; a kernel thread has an empty command line */
    put_process("17", "sshd\n", "", 0, 0);
    put_link("17/fd/9", "socket:[778]");
    put_dir("self"); /* not a pid: ignored */
    return fixture_broken ? -1 : 0;
}

static int fixture_teardown(void)
{
    return wsc_test_rmtree(fixture);
}

static void test_owner_found(void)
{
    struct proc_owner o;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(procnet_find_owner(fixture, 8675, NULL, &o, err, sizeof err),
                          OWNER_FOUND);
    CU_ASSERT_EQUAL(o.pid, 4242);
    CU_ASSERT_EQUAL_FATAL(o.npids, 2);
    CU_ASSERT_EQUAL(o.pids[0], 4242);
    CU_ASSERT_EQUAL(o.pids[1], 4243);
    CU_ASSERT_STRING_EQUAL(o.command, "python3");
    CU_ASSERT_STRING_EQUAL(o.cmdline, "python3 -m http.server --bind 127.0.0.1");
    CU_ASSERT_EQUAL(o.uid, 1001);
    CU_ASSERT_EQUAL(o.port, 8675);
    CU_ASSERT_STRING_EQUAL(o.address, "127.0.0.1");
    CU_ASSERT_EQUAL(o.socket_uid, 1000);
    CU_ASSERT_EQUAL(o.inode, 777);
    procnet_owner_free(&o);
}

static void test_owner_wildcard_and_host(void)
{
    struct proc_owner o;
    char err[256] = "";
    struct addrinfo *v4 = resolve("127.0.0.1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v4);
    /* 0.0.0.0:8676 serves 127.0.0.1 */
    CU_ASSERT_EQUAL(procnet_find_owner(fixture, 8676, v4, &o, err, sizeof err),
                    OWNER_FOUND);
    CU_ASSERT_EQUAL(o.pid, 17);
    CU_ASSERT_STRING_EQUAL(o.command, "sshd");
    CU_ASSERT_STRING_EQUAL(o.cmdline, "");
    CU_ASSERT_STRING_EQUAL(o.user, "root");
    CU_ASSERT_STRING_EQUAL(o.address, "0.0.0.0");
    procnet_owner_free(&o);
    /* ::1:8677 does not serve 127.0.0.1 */
    CU_ASSERT_EQUAL(procnet_find_owner(fixture, 8677, v4, &o, err, sizeof err),
                    OWNER_NO_LISTENER);
    procnet_owner_free(&o);
    probe_free_addrs(v4);
}

static void test_owner_missing_and_hidden(void)
{
    struct proc_owner o;
    char err[256] = "";
    /* 8678 only has an established connection (inode 999), no listener */
    CU_ASSERT_EQUAL(procnet_find_owner(fixture, 8678, NULL, &o, err, sizeof err),
                    OWNER_NO_LISTENER);
    CU_ASSERT_EQUAL(o.port, 8678);
    procnet_owner_free(&o);
    CU_ASSERT_EQUAL(procnet_find_owner(fixture, 8677, NULL, &o, err, sizeof err),
                    OWNER_HIDDEN);
    CU_ASSERT_EQUAL(o.socket_uid, 4321);
    CU_ASSERT_STRING_EQUAL(o.address, "::1");
    CU_ASSERT_EQUAL(o.inode, 779);
    CU_ASSERT_EQUAL(o.npids, 0);
    procnet_owner_free(&o);
}

static void test_owner_no_proc(void)
{
    struct proc_owner o;
    char err[256] = "";
    char root[128];
    snprintf(root, sizeof root, "%s/nonexistent", fixture);
    CU_ASSERT_EQUAL(procnet_find_owner(root, 8675, NULL, &o, err, sizeof err),
                    OWNER_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot read"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "net/tcp"));
    procnet_owner_free(&o);
}

/* ---- owner lookup on this system ------------------------------------------------ */

static void own_listener(int family, const char *addr)
{
#ifdef __linux__
    unsigned port;
    int fd = listen_on(family, addr, 4, &port);
    if (fd < 0) {
        printf("# no %s here, skipped\n", addr);
        return;
    }
    struct proc_owner o;
    char err[256] = "", comm[64] = "";
    struct addrinfo *ai = resolve(addr);
    CU_ASSERT_EQUAL(procnet_find_owner("/proc", port, ai, &o, err, sizeof err),
                    OWNER_FOUND);
    CU_ASSERT_EQUAL(o.pid, (int)getpid());
    CU_ASSERT_STRING_EQUAL(o.address, addr);
    CU_ASSERT_EQUAL(o.uid, (unsigned)geteuid());
    FILE *f = fopen("/proc/self/comm", "r");
    if (f) {
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    CU_ASSERT_STRING_EQUAL(o.command, comm);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.cmdline, "test_port"));
    procnet_owner_free(&o);
    probe_free_addrs(ai);
    close(fd);
    /* the socket is gone: nobody listens any more */
    CU_ASSERT_EQUAL(procnet_find_owner("/proc", port, NULL, &o, err, sizeof err),
                    OWNER_NO_LISTENER);
    procnet_owner_free(&o);
#else
    (void)family;
    (void)addr;
#endif
}

static void test_owner_self_v4(void)
{
    own_listener(AF_INET, "127.0.0.1");
}
static void test_owner_self_v6(void)
{
    own_listener(AF_INET6, "::1");
}

/* ---- the connect engine ---------------------------------------------------------- */

static void test_resolve(void)
{
    char err[256] = "";
    struct addrinfo *ai = NULL;
    CU_ASSERT_EQUAL_FATAL(probe_resolve("127.0.0.1", &ai, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ai->ai_family, AF_INET);
    CU_ASSERT_PTR_NULL(ai->ai_next); /* one address, duplicates dropped */
    char text[64];
    probe_addr_text(ai, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "127.0.0.1");
    probe_free_addrs(ai);
    CU_ASSERT_EQUAL_FATAL(probe_resolve("::1", &ai, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ai->ai_family, AF_INET6);
    probe_addr_text(ai, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "[::1]");
    probe_free_addrs(ai);
    CU_ASSERT_EQUAL_FATAL(probe_resolve("[::1]", &ai, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ai->ai_family, AF_INET6);
    probe_free_addrs(ai);
    CU_ASSERT_EQUAL(probe_resolve("[localhost]", &ai, err, sizeof err), -1);
    CU_ASSERT_EQUAL(probe_resolve("[]", &ai, err, sizeof err), -1);
    CU_ASSERT_EQUAL(probe_resolve("host.invalid", &ai, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot resolve host \"host.invalid\""));
    CU_ASSERT_PTR_NULL(ai);
    CU_ASSERT_EQUAL(probe_resolve("", &ai, err, sizeof err), -1);
}

static void test_probe_open_and_refused(void)
{
    unsigned port;
    int fd = listen_on(AF_INET, "127.0.0.1", 16, &port);
    CU_ASSERT_FATAL(fd >= 0);
    struct addrinfo *ai = resolve("127.0.0.1");
    struct probe_result r;
    CU_ASSERT_EQUAL(run_one(ai, port, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_OPEN);
    CU_ASSERT(r.connect_ms >= 0 && r.connect_ms < 5000);
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), "open");
    int gone = wsc_test_closed_port();
    CU_ASSERT_FATAL(gone > 0);
    CU_ASSERT_EQUAL(run_one(ai, (unsigned)gone, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_REFUSED);
    CU_ASSERT_EQUAL(r.err, ECONNREFUSED);
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), "refused");
    probe_free_addrs(ai);
    close(fd);
}

static void test_probe_ipv6(void)
{
    unsigned port;
    int fd = listen_on(AF_INET6, "::1", 16, &port);
    if (fd < 0) {
        printf("# no ::1 here, skipped\n");
        return;
    }
    struct addrinfo *v6 = resolve("::1"), *v4 = resolve("127.0.0.1");
    struct probe_result r;
    CU_ASSERT_EQUAL(run_one(v6, port, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_OPEN);
    /* bound to ::1 only: IPv4 loopback does not reach it */
    CU_ASSERT_EQUAL(run_one(v4, port, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_REFUSED);
    probe_free_addrs(v6);
    probe_free_addrs(v4);
    close(fd);
}

/* A port is open when any of the host's addresses accepts. */
static void test_probe_tries_every_address(void)
{
    unsigned port;
    int fd = listen_on(AF_INET, "127.0.0.1", 16, &port);
    CU_ASSERT_FATAL(fd >= 0);
    struct addrinfo *first = resolve("127.0.0.2"), *second = resolve("127.0.0.1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    struct addrinfo chain = *first; /* a two-address host, built by hand */
    chain.ai_next = second;
    struct probe_result r;
    CU_ASSERT_EQUAL(run_one(first, port, 5.0, 0, &r), 0);
    CU_ASSERT_NOT_EQUAL(r.state, PROBE_OPEN);
    CU_ASSERT_EQUAL(run_one(&chain, port, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_OPEN);
    /* neither address: the last outcome is reported */
    int gone = wsc_test_closed_port();
    CU_ASSERT_FATAL(gone > 0);
    CU_ASSERT_EQUAL(run_one(&chain, (unsigned)gone, 5.0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_REFUSED);
    probe_free_addrs(first);
    probe_free_addrs(second);
    close(fd);
}

/* Many ports through few slots: every port settles, each with its outcome. */
static void test_probe_many_ports(void)
{
    enum { LISTENERS = 5, CLOSED = 40 };
    int fds[LISTENERS];
    struct probe_result res[LISTENERS + CLOSED];
    size_t n = 0;
    for (int i = 0; i < LISTENERS; i++) {
        unsigned port;
        fds[i] = listen_on(AF_INET, "127.0.0.1", 16, &port);
        CU_ASSERT_FATAL(fds[i] >= 0);
        res[n++].port = (uint16_t)port;
    }
    for (int i = 0; i < CLOSED; i++) {
        int gone = wsc_test_closed_port();
        CU_ASSERT_FATAL(gone > 0);
        res[n++].port = (uint16_t)gone;
    }
    struct addrinfo *ai = resolve("127.0.0.1");
    struct probe_opts opts = {10.0, 0, 4};
    char err[256] = "";
    CU_ASSERT_EQUAL(probe_run(ai, res, n, &opts, err, sizeof err), 0);
    size_t open = 0, refused = 0;
    for (size_t i = 0; i < n; i++) {
        if (i < LISTENERS)
            CU_ASSERT_EQUAL(res[i].state, PROBE_OPEN);
        open += res[i].state == PROBE_OPEN;
        refused += res[i].state == PROBE_REFUSED;
    }
    CU_ASSERT_EQUAL(open, LISTENERS);
    /* a "closed" port could have been taken by someone else meanwhile */
    CU_ASSERT(refused + open == n);
    probe_free_addrs(ai);
    for (int i = 0; i < LISTENERS; i++)
        close(fds[i]);
}

/* A listener whose accept queue is full drops SYNs: the connect times out,
 * within the attempt timeout, not the whole budget. */
static void test_probe_timeout(void)
{
    unsigned port;
    int fd = listen_on(AF_INET, "127.0.0.1", 0, &port);
    CU_ASSERT_FATAL(fd >= 0);
    struct addrinfo *ai = resolve("127.0.0.1");
    int fillers[4];
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 4; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM, 0);
        CU_ASSERT_FATAL(fillers[i] >= 0);
        CU_ASSERT_EQUAL(fcntl(fillers[i], F_SETFL, O_NONBLOCK), 0);
        if (connect(fillers[i], (struct sockaddr *)&sin, sizeof sin) != 0 &&
            errno == EINPROGRESS) {
            struct pollfd p = {fillers[i], POLLOUT, 0};
            poll(&p, 1, 200);
        }
    }
    struct probe_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(run_one(ai, port, 10.0, 0.3, &r), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took =
        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT_EQUAL(r.state, PROBE_TIMEOUT);
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), "timed out");
    CU_ASSERT(took < 5.0);
    /* the budget bounds everything, too */
    CU_ASSERT_EQUAL(run_one(ai, port, 0.2, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_TIMEOUT);
    for (int i = 0; i < 4; i++)
        close(fillers[i]);
    probe_free_addrs(ai);
    close(fd);
}

static void test_probe_no_budget(void)
{
    struct addrinfo *ai = resolve("127.0.0.1");
    struct probe_result r;
    CU_ASSERT_EQUAL(run_one(ai, 80, 0, 0, &r), 0);
    CU_ASSERT_EQUAL(r.state, PROBE_NOT_RUN);
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), "not tried");
    char err[256] = "";
    struct probe_opts opts = {1.0, 0, 0};
    CU_ASSERT_EQUAL(probe_run(NULL, &r, 1, &opts, err, sizeof err), -1);
    probe_free_addrs(ai);
}

static void test_probe_errno_map(void)
{
    CU_ASSERT_EQUAL(probe_state_from_errno(ECONNREFUSED), PROBE_REFUSED);
    CU_ASSERT_EQUAL(probe_state_from_errno(ETIMEDOUT), PROBE_TIMEOUT);
    CU_ASSERT_EQUAL(probe_state_from_errno(ENETUNREACH), PROBE_UNREACHABLE);
    CU_ASSERT_EQUAL(probe_state_from_errno(EHOSTUNREACH), PROBE_UNREACHABLE);
    CU_ASSERT_EQUAL(probe_state_from_errno(EADDRNOTAVAIL), PROBE_ERROR);
    struct probe_result r = {80, PROBE_UNREACHABLE, EHOSTUNREACH, 0};
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), "unreachable");
    r.state = PROBE_ERROR;
    r.err = EADDRNOTAVAIL;
    CU_ASSERT_STRING_EQUAL(probe_describe(&r), strerror(EADDRNOTAVAIL));
}

static CU_TestInfo spec_tests[] = {
    {"valid specs", test_spec_valid},
    {"invalid specs", test_spec_invalid},
    {"arrays merge and sort", test_array_merges_and_sorts},
    {"the full range", test_array_full_range},
    {"array errors", test_array_errors},
    {"port or ports params", test_params},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo group_tests[] = {
    {"ranges and labels", test_groups},
    {"group limit and truncation", test_groups_limit_and_truncation},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo procnet_tests[] = {
    {"kernel lines", test_parse_kernel_lines},
    {"address round trips", test_parse_roundtrip},
    {"header and malformed lines", test_parse_rejects},
    {"which listeners serve a host", test_serves},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo fixture_tests[] = {
    {"owner found, forked workers", test_owner_found},
    {"wildcard listener and host filter", test_owner_wildcard_and_host},
    {"no listener, hidden owner", test_owner_missing_and_hidden},
    {"no /proc", test_owner_no_proc},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo self_tests[] = {
    {"own IPv4 listener", test_owner_self_v4},
    {"own IPv6 listener", test_owner_self_v6},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo probe_tests[] = {
    {"resolve", test_resolve},
    {"open and refused", test_probe_open_and_refused},
    {"IPv6", test_probe_ipv6},
    {"every address is tried", test_probe_tries_every_address},
    {"many ports, few slots", test_probe_many_ports},
    {"timeouts", test_probe_timeout},
    {"no budget", test_probe_no_budget},
    {"errno mapping", test_probe_errno_map},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"port specs", NULL, NULL, NULL, NULL, spec_tests},
    {"port groups", NULL, NULL, NULL, NULL, group_tests},
    {"proc net tcp", NULL, NULL, NULL, NULL, procnet_tests},
    {"owner (fixture)", fixture_setup, fixture_teardown, NULL, NULL, fixture_tests},
    {"owner (this process)", NULL, NULL, NULL, NULL, self_tests},
    {"probe", NULL, NULL, NULL, NULL, probe_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
