/* wscheck-mock: the monitoring profile's WebSockets - /ws/metrics/live,
 * /ws/metrics/historical/{days}, /ws/alerts/subscribe and
 * /ws/dashboard/overview - with the faults a socket is asked for. */
#ifndef WSCHECK_MOCK_MON_SOCKS_H
#define WSCHECK_MOCK_MON_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "reassembly.h"
#include "clients.h"

struct mock_server;
struct mon_state;

enum mon_endpoint { MON_LIVE, MON_HISTORICAL, MON_ALERTS, MON_DASHBOARD };

struct mon_sock {
    struct mon_state *mon;
    struct lws *wsi;
    struct mon_sock *prev, *next;
    enum mon_endpoint ep;
    struct mock_outq out;
    lws_sorted_usec_list_t timer; /* silence, chunk pacing or refresh */
    bool live, closing, shutting_down;
    /* faults: from --monitoring-fault and ?fault=; they hit the frames
     * from number `after` (0 = the first) on */
    unsigned faults;
    unsigned after;
    char metric[32], panel[32];
    unsigned frames; /* frames sent so far */
    int64_t last_ts; /* wall us of the latest frame's timestamp */
    /* historical */
    int64_t records, sent, span_us;
    int chunk, chunks;
    /* a message in several pieces */
    struct mock_reassembly partial;
    bool binary;
};

/* LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 403 for a path without a route. */
int mon_socks_confirm(struct mock_server *srv, struct lws *wsi);

int mon_socks_callback(struct lws *wsi, enum lws_callback_reasons reason,
                       struct mon_sock *s, void *in, size_t len);

/* metrics_update to every metrics subscriber (live, historical and
 * dashboard sockets), one snapshot for all. */
void mon_socks_broadcast_metrics(struct mon_state *mon);

/* An alert frame to every alert subscriber that does not drop alerts;
 * returns how many it went to. */
size_t mon_socks_send_alert(struct mon_state *mon, json_object *alert);

/* Server exit: close with 1001 once the queues are written. */
void mon_socks_shutdown(struct mon_state *mon);

#endif
