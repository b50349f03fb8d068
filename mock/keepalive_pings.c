/* wscheck-mock: keepalive pings. */
#include "keepalive_pings.h"

#include <math.h>

#include "clients.h"
#include "log.h"
#include "server.h"
#include "timefmt.h"

static int64_t seconds_to_us(double s)
{
    return (int64_t)llround(s * 1e6);
}

/* A quarter of the shorter period, within 50 ms..1 s: precise enough for
 * short test settings, idle enough for the 30 s default. */
static int64_t tick_us(const struct mock_server *srv)
{
    double s = fmin(srv->opt->ping_interval, srv->opt->ping_timeout) / 4;

    return seconds_to_us(fmax(0.05, fmin(1.0, s)));
}

static void check_client(struct mock_server *srv, struct mock_client *c, int64_t now)
{
    if (c->closing)
        return;
    if (c->ping_outstanding) {
        if (now >= c->ping_deadline) {
            mock_log(MOCK_LOG_INFO, "client %s: no pong, closing", c->id);
            client_drop(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
                        "keepalive ping timeout");
        }
        return;
    }
    if (now >= c->next_ping_at) {
        c->ping_due = true;
        c->ping_outstanding = true;
        c->ping_deadline = now + seconds_to_us(srv->opt->ping_timeout);
        lws_callback_on_writable(c->wsi);
    }
}

static void tick(lws_sorted_usec_list_t *sul)
{
    struct mock_server *srv = lws_container_of(sul, struct mock_server, keepalive_sul);
    int64_t now = mock_mono_us();

    for (struct mock_client *c = srv->clients.head; c; c = c->next)
        check_client(srv, c, now);
    lws_sul_schedule(srv->ctx, 0, &srv->keepalive_sul, tick, tick_us(srv));
}

void keepalive_start(struct mock_server *srv)
{
    if (srv->opt->ping_interval <= 0)
        return;
    lws_sul_schedule(srv->ctx, 0, &srv->keepalive_sul, tick, tick_us(srv));
}

void keepalive_stop(struct mock_server *srv)
{
    lws_sul_cancel(&srv->keepalive_sul);
}

void keepalive_client_init(struct mock_server *srv, struct mock_client *c)
{
    c->next_ping_at = mock_mono_us() + seconds_to_us(srv->opt->ping_interval);
    c->ping_outstanding = false;
    c->ping_due = false;
}

void keepalive_pong(struct mock_server *srv, struct mock_client *c)
{
    if (!c->ping_outstanding)
        return; /* unsolicited pong: RFC 6455 says ignore it */
    c->ping_outstanding = false;
    c->next_ping_at = mock_mono_us() + seconds_to_us(srv->opt->ping_interval);
}
