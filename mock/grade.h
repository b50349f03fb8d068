/* wscheck-mock --grade-clients: what the grading server's files share.
 *
 * The grading server (grade_server.c) speaks Autobahn's fuzzingserver URL
 * protocol, so Autobahn client drivers run unchanged against it; each
 * /runCase connection runs one case of the table (grade_cases.c) against
 * the client, whose result goes to its agent's report (grade_report.c). */
#ifndef WSCHECK_MOCK_GRADE_H
#define WSCHECK_MOCK_GRADE_H

#include <stddef.h>
#include <stdint.h>

/* Autobahn's behaviours, best first. */
enum grade_behavior {
    GRADE_OK = 0,
    GRADE_NON_STRICT,
    GRADE_INFORMATIONAL,
    GRADE_FAILED,
};

/* "OK", "NON-STRICT", "INFORMATIONAL", "FAILED". */
const char *grade_behavior_name(enum grade_behavior b);

/* What a case expects of the client. */
enum grade_expect {
    GX_ECHO,        /* the message echoed intact (and pongs to its pings) */
    GX_PONG,        /* a pong with the ping's payload */
    GX_FAIL,        /* fail the connection: close with fail_code */
    GX_CLOSE_ECHO,  /* answer the server's close, echoing its code */
    GX_CLOSE_ORDER, /* answer the close, leave closing TCP to the server */
};

#define GRADE_REASON_MAX 256

/* The outcome of one run of a case. */
struct grade_result {
    enum grade_behavior behavior;
    char reason[GRADE_REASON_MAX];
    char expected[GRADE_REASON_MAX];
    char received[GRADE_REASON_MAX];
    /* the closing handshake: "OK" (close frames both ways), "UNCLEAN" (the
     * TCP connection ended without the client's close frame) */
    const char *behavior_close;
    int remote_close_code;     /* the client's close code, 1005 none, 0 no close frame */
    const char *tcp_closed_by; /* "server" or "client" */
    double duration_ms;
    int done; /* the case ran to its end (else the entry is empty) */
};

/* One case of the table. */
struct grade_case {
    const char *id; /* Autobahn-style, as ws-basic `compliance` names them */
    const char *description;
    enum grade_expect expect;
    int fail_code; /* GX_FAIL / bad closes: the close code expected */
};

size_t grade_case_count(void);
/* Case n, from 1 (as /runCase?case=N numbers them), or NULL. */
const struct grade_case *grade_case_get(size_t n);

/* What the server sends to run case n, and what it expects back. */
struct grade_plan {
    unsigned char *out; /* the frames to send, unmasked (malloc'd) */
    size_t out_len;
    unsigned echo_opcode; /* GX_ECHO: text or binary */
    unsigned char *echo;  /* GX_ECHO: the message expected back (malloc'd) */
    size_t echo_len;
    char pong[126]; /* GX_ECHO with pings / GX_PONG: the pong payload */
    size_t pong_len;
    int pongs;        /* how many pongs are expected */
    int server_close; /* the plan ends with the server's close frame */
    int close_code;   /* GX_CLOSE_ECHO: the code to echo */
};

/* Builds the plan of case n. Returns 0, or -1 when out of memory. */
int grade_plan_build(size_t n, struct grade_plan *plan);
void grade_plan_free(struct grade_plan *plan);

/* Per-agent results (grade_report.c). */
/* Records the result of case n for agent. Returns 0, or -1 out of memory. */
int grade_report_record(const char *agent, size_t n, const struct grade_result *r);
/* Writes DIR/<agent>.json and DIR/<agent>.xml (the agent's name made safe
 * for a file name). Returns 0, or -1 with a message in err. */
int grade_report_write(const char *dir, const char *agent, char *err, size_t errlen);
void grade_report_free_all(void);

/* The file name an agent's reports get, without extension: letters,
 * digits, '.', '-' and '_' kept, anything else '_', at most 64 bytes. */
void grade_agent_file_name(const char *agent, char *out, size_t outlen);

#endif
