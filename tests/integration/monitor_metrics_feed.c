/* Feeds the monitor's metrics module a few rounds of observations (names
 * that need escaping, check metrics, every status), then, by its options:
 *   --render           prints the exposition and exits;
 *   --textfile DIR     writes DIR/wscheck.prom;
 *   --listen ADDR      serves it, prints "port N", and waits for SIGTERM or
 *                      SIGINT, then frees everything (valgrind checks that). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_metrics.h"

static int feed(struct monitor_metrics *m)
{
    static const char *const status[] = {"passed", "failed", "error", "skipped"};
    int rc = 0;
    for (int round = 0; round < 5; round++) {
        struct json_object *metrics = json_tokener_parse(
            "{\"handshake_ms\": 3.25, \"rtt_p99_ms\": 12, \"lost\": 0, \"label\": \"x\"}");
        struct monitor_observation o[] = {
            {"websocket services", "handshake", "passed", 1, 0.012, 1764826200.0 + round,
             metrics},
            {"websocket services", "echo \"quoted\" \\ back\nslash", status[round % 4],
             round < 2, 0.3 * round, 1764826200.0 + round, NULL},
            {"mcp", "tools/list", round == 4 ? "failed" : "passed", 1, 61, 1764826201.0,
             NULL},
        };
        for (size_t i = 0; i < sizeof(o) / sizeof(*o); i++)
            rc |= monitor_metrics_observe(m, &o[i]);
        rc |= monitor_metrics_round(m, 0.4 + round, round == 3);
        json_object_put(metrics);
    }
    return rc;
}

static int serve(struct monitor_metrics *m, const char *addr)
{
    char *err = NULL;
    sigset_t set;
    int sig;
    /* Blocked before the listener thread starts, so that it inherits the
     * mask too and sigwait() below takes the signal. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (monitor_metrics_listen(m, addr, &err) < 0) {
        fprintf(stderr, "monitor_metrics_feed: %s\n", err ? err : "cannot listen");
        free(err);
        return 1;
    }
    printf("port %d\n", monitor_metrics_port(m));
    fflush(stdout);
    sigwait(&set, &sig);
    return 0;
}

int main(int argc, char **argv)
{
    struct monitor_metrics *m = monitor_metrics_new();
    int status = 0;
    if (!m || feed(m) != 0) {
        fprintf(stderr, "monitor_metrics_feed: cannot feed the metrics\n");
        monitor_metrics_free(m);
        return 1;
    }
    for (int i = 1; i < argc && status == 0; i++) {
        char *err = NULL;
        if (strcmp(argv[i], "--render") == 0) {
            char *text = monitor_metrics_render(m);
            status = text && fputs(text, stdout) >= 0 ? 0 : 1;
            free(text);
        } else if (strcmp(argv[i], "--textfile") == 0 && i + 1 < argc) {
            if (monitor_metrics_write_textfile(m, argv[++i], &err) < 0) {
                fprintf(stderr, "monitor_metrics_feed: %s\n", err ? err : "?");
                status = 1;
            }
            free(err);
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            status = serve(m, argv[++i]);
        } else {
            fprintf(stderr, "monitor_metrics_feed: unknown argument %s\n", argv[i]);
            status = 2;
        }
    }
    monitor_metrics_free(m);
    return status;
}
