/* wscheck-mock --grade-clients: the behaviour of a client in one case.
 * The first judgement stands; what happens afterwards (the closing
 * handshake) only adds behavior_close, or turns an OK into NON-STRICT or
 * FAILED when the client does not close properly. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <wscheck/ws.h>

#include "grade_run.h"

/* RFC 6455 7.1.1 wants the server to close TCP first: this long after the
 * close handshake of case 7.4.1 the server does, unless the client did. */
#define LINGER_MAX 1.0

static void judge(struct grade_run *r, enum grade_behavior b, double now, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
static void judge(struct grade_run *r, enum grade_behavior b, double now, const char *fmt,
                  ...)
{
    if (r->judged)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->res.reason, sizeof r->res.reason, fmt, ap);
    va_end(ap);
    r->res.behavior = b;
    r->res.duration_ms = (now - r->started) * 1000.0;
    r->judged = 1;
    r->deadline = now + r->timeout; /* now for the closing handshake */
}

static const char *kind(unsigned op)
{
    return op == WSC_WS_OP_TEXT ? "text" : op == WSC_WS_OP_BINARY ? "binary" : "control";
}

static void describe_expected(struct grade_run *r)
{
    const struct grade_plan *p = &r->plan;
    const struct grade_case *c = r->c;
    char *e = r->res.expected;
    size_t n = sizeof r->res.expected;
    switch (c->expect) {
    case GX_ECHO:
        if (p->pongs)
            snprintf(e, n, "the %s message of %zu bytes echoed, %d pong(s) of %zu bytes",
                     kind(p->echo_opcode), p->echo_len, p->pongs, p->pong_len);
        else
            snprintf(e, n, "the %s message of %zu bytes echoed", kind(p->echo_opcode),
                     p->echo_len);
        break;
    case GX_PONG:
        snprintf(e, n, "a pong with the ping's %zu bytes", p->pong_len);
        break;
    case GX_FAIL:
        snprintf(e, n, "the connection failed with close %d", c->fail_code);
        break;
    case GX_CLOSE_ECHO:
        if (p->close_code < 0)
            snprintf(e, n, "a close answered");
        else
            snprintf(e, n, "close %d echoed", p->close_code);
        break;
    case GX_CLOSE_ORDER:
        snprintf(e, n,
                 "a close answered, the TCP connection left to the server to close");
        break;
    }
}

int grade_run_start(struct grade_run *r, size_t n, double timeout, double now)
{
    memset(r, 0, sizeof *r);
    r->c = grade_case_get(n);
    if (!r->c || grade_plan_build(n, &r->plan) != 0)
        return -1;
    r->timeout = timeout;
    r->started = now;
    r->deadline = now + timeout;
    r->server_close = r->plan.server_close;
    r->res.behavior_close = "UNCLEAN";
    r->res.tcp_closed_by = "server";
    describe_expected(r);
    return 0;
}

void grade_run_free(struct grade_run *r)
{
    grade_plan_free(&r->plan);
}

static void note(struct grade_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct grade_run *r, const char *fmt, ...)
{
    size_t used = strlen(r->res.received);
    if (used + 3 >= sizeof r->res.received)
        return;
    if (used)
        used +=
            (size_t)snprintf(r->res.received + used, sizeof r->res.received - used, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->res.received + used, sizeof r->res.received - used, fmt, ap);
    va_end(ap);
}

/* Where two byte strings first differ. */
static size_t first_difference(const unsigned char *a, size_t alen,
                               const unsigned char *b, size_t blen)
{
    size_t i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    return i;
}

static void check_done(struct grade_run *r, double now)
{
    const struct grade_plan *p = &r->plan;
    int echo_needed = r->c->expect == GX_ECHO;
    if ((!echo_needed || r->echoed) && r->pongs >= p->pongs)
        judge(r, GRADE_OK, now, "%s",
              echo_needed ? "echoed intact" : "pong payload echoed");
}

void grade_run_message(struct grade_run *r, unsigned op, const unsigned char *data,
                       size_t len, double now)
{
    const struct grade_plan *p = &r->plan;
    note(r, "a %s message of %zu bytes", kind(op), len);
    if (r->judged || r->client_close)
        return;
    switch (r->c->expect) {
    case GX_ECHO:
        if (op == p->echo_opcode && len == p->echo_len &&
            (len == 0 || memcmp(data, p->echo, len) == 0)) {
            r->echoed = 1;
            check_done(r, now);
        } else if (op != p->echo_opcode) {
            judge(r, GRADE_FAILED, now, "echoed a %s message, expected %s", kind(op),
                  kind(p->echo_opcode));
        } else {
            judge(r, GRADE_FAILED, now,
                  "echo differs: %zu bytes instead of %zu, first difference at byte %zu",
                  len, p->echo_len, first_difference(data, len, p->echo, p->echo_len));
        }
        break;
    case GX_FAIL:
        judge(r, GRADE_FAILED, now,
              "echoed a message instead of failing the connection (expected close %d)",
              r->c->fail_code);
        break;
    case GX_PONG:
        judge(r, GRADE_FAILED, now, "sent a %s message where a pong was expected",
              kind(op));
        break;
    default:
        break; /* data after the server's close is ignored */
    }
}

void grade_run_pong(struct grade_run *r, const unsigned char *data, size_t len,
                    double now)
{
    const struct grade_plan *p = &r->plan;
    note(r, "a pong of %zu bytes", len);
    if (r->judged || r->client_close)
        return;
    if (r->c->expect == GX_FAIL) {
        judge(r, GRADE_FAILED, now,
              "answered a ping sent after the invalid frame: the connection was not "
              "failed (expected close %d)",
              r->c->fail_code);
        return;
    }
    if (p->pongs == 0)
        return; /* an unsolicited pong of the client's own is allowed */
    if (len != p->pong_len || (len > 0 && memcmp(data, p->pong, len) != 0)) {
        judge(r, GRADE_FAILED, now,
              "pong payload differs from the ping's: %zu bytes, expected %zu", len,
              p->pong_len);
        return;
    }
    r->pongs++;
    check_done(r, now);
}

static void judge_close(struct grade_run *r, int code, double now)
{
    const struct grade_case *c = r->c;
    int want = r->plan.close_code;
    if (code < 0) {
        judge(r, c->expect == GX_FAIL ? GRADE_FAILED : GRADE_NON_STRICT, now,
              "answered with a malformed close (a 1-byte payload)%s",
              c->expect == GX_FAIL ? ", not the close expected" : "");
        return;
    }
    switch (c->expect) {
    case GX_FAIL:
        if (code == c->fail_code)
            judge(r, GRADE_OK, now, "failed the connection with close %d", code);
        else if (r->plan.server_close && code == want && !wsc_ws_close_code_valid(code))
            judge(r, GRADE_FAILED, now, "echoed the invalid close code %d instead of %d",
                  code, c->fail_code);
        else
            judge(r, GRADE_FAILED, now, "closed with %d, expected %d", code,
                  c->fail_code);
        break;
    case GX_CLOSE_ECHO:
        if (code == want || (want < 0 && (code == 1005 || code == 1000)))
            judge(r, GRADE_OK, now, "answered the close with %d", code);
        else
            judge(r, GRADE_NON_STRICT, now,
                  "answered the close with %d, expected %d echoed", code, want);
        break;
    case GX_CLOSE_ORDER:
        r->linger_until = now + (r->timeout < LINGER_MAX ? r->timeout : LINGER_MAX);
        break;
    default:
        if (r->echoed)
            judge(r, GRADE_FAILED, now, "closed with %d before the %d pong(s) expected",
                  code, r->plan.pongs);
        else
            judge(r, GRADE_FAILED, now, "closed with %d before %s", code,
                  c->expect == GX_PONG ? "answering the ping" : "echoing the message");
        break;
    }
}

void grade_run_close(struct grade_run *r, int code, double now)
{
    if (r->client_close)
        return;
    r->client_close = 1;
    r->res.remote_close_code = code;
    r->res.behavior_close = "OK";
    note(r, code < 0 ? "a malformed close" : "close %d", code);
    if (!r->judged)
        judge_close(r, code, now);
}

void grade_run_end(struct grade_run *r, int by_client, double now)
{
    if (r->ended)
        return;
    r->ended = 1;
    r->res.tcp_closed_by = by_client ? "client" : "server";
    if (by_client)
        note(r, "the client closed the TCP connection");
    const struct grade_case *c = r->c;
    if (!r->judged && !r->client_close) {
        if (c->expect == GX_FAIL)
            judge(r, GRADE_NON_STRICT, now,
                  "dropped the TCP connection without a close frame (expected close %d)",
                  c->fail_code);
        else if (c->expect == GX_CLOSE_ECHO || c->expect == GX_CLOSE_ORDER)
            judge(r, GRADE_FAILED, now,
                  "dropped the TCP connection without answering the server's close");
        else
            judge(r, GRADE_FAILED, now, "dropped the TCP connection before %s",
                  c->expect == GX_PONG ? "answering the ping" : "echoing the message");
    } else if (!r->judged && c->expect == GX_CLOSE_ORDER) {
        if (by_client && now < r->linger_until)
            judge(r, GRADE_INFORMATIONAL, now,
                  "the client closed the TCP connection first (RFC 6455 7.1.1: the "
                  "server should)");
        else
            judge(r, GRADE_OK, now, "answered the close; the server closed TCP first");
    } else if (r->judged && !r->client_close && r->server_close &&
               r->res.behavior == GRADE_OK) {
        r->res.behavior = GRADE_NON_STRICT;
        snprintf(
            r->res.reason + strlen(r->res.reason),
            sizeof r->res.reason - strlen(r->res.reason),
            ", but dropped the TCP connection instead of answering the server's close");
    }
    r->res.done = 1;
}

void grade_run_client_error(struct grade_run *r, const char *what, double now)
{
    note(r, "%s", what);
    judge(r, GRADE_FAILED, now, "%s", what);
}

void grade_run_tick(struct grade_run *r, double now)
{
    if (r->ended || r->expired || now < r->deadline)
        return;
    const struct grade_case *c = r->c;
    if (!r->judged) {
        switch (c->expect) {
        case GX_ECHO:
            if (r->echoed)
                judge(r, GRADE_FAILED, now, "%d of %d pongs within %.1f s (case timeout)",
                      r->pongs, r->plan.pongs, r->timeout);
            else
                judge(r, GRADE_FAILED, now, "no echo within %.1f s (case timeout)",
                      r->timeout);
            break;
        case GX_PONG:
            judge(r, GRADE_FAILED, now, "no pong within %.1f s (case timeout)",
                  r->timeout);
            break;
        case GX_FAIL:
            judge(r, GRADE_FAILED, now,
                  "the connection was not failed within %.1f s (case timeout): expected "
                  "close %d",
                  r->timeout, c->fail_code);
            break;
        default:
            judge(r, GRADE_FAILED, now, "no close answer within %.1f s (case timeout)",
                  r->timeout);
            break;
        }
        r->deadline = now + r->timeout;
        return;
    }
    /* judged, and the closing handshake did not finish in time either */
    if (!r->client_close && r->res.behavior == GRADE_OK) {
        r->res.behavior = GRADE_FAILED;
        snprintf(r->res.reason + strlen(r->res.reason),
                 sizeof r->res.reason - strlen(r->res.reason),
                 ", but no close answer within %.1f s (case timeout)", r->timeout);
    }
    r->deadline = now + 3600;
    r->expired = 1; /* the server closes now */
}

int grade_run_wants_close(const struct grade_run *r)
{
    return r->judged && !r->server_close && !r->ended;
}

int grade_run_wants_end(const struct grade_run *r, double now)
{
    if (r->ended || r->expired)
        return 1;
    if (r->c->expect == GX_CLOSE_ORDER && r->client_close && !r->judged)
        return now >= r->linger_until;
    return r->judged && r->client_close;
}
