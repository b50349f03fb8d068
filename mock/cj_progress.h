/* wscheck-mock: crackerjack's progress sockets, /ws/progress/{job_id}:
 * the job file (or a waiting object) as first frame, an echo of every
 * text frame, the file pushed again when it changes, and a close (1000)
 * after a binary frame or a silent client. */
#ifndef WSCHECK_MOCK_CJ_PROGRESS_H
#define WSCHECK_MOCK_CJ_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "reassembly.h"
#include "cj.h"
#include "clients.h"

struct cj_sock {
    struct lws *wsi;
    struct cj_state *cj;
    char id[CJ_ID_MAX + 1];
    uint64_t count; /* text frames echoed */
    struct mock_outq out;
    lws_sorted_usec_list_t idle; /* the client's silence */
    struct mock_reassembly partial;
    bool binary;      /* the message being read is binary */
    bool drop;        /* cut without a close frame after the first frame */
    bool live;        /* established, not yet closed */
    bool closing;     /* a close is on its way */
    bool close_after; /* close 1000 once the queue is written */
    struct cj_sock *prev, *next;
};

/* Job ids with at least one open progress socket. */
size_t cj_progress_active_jobs(const struct cj_state *cj);

/* The job's file changed: text (compact JSON) goes to its sockets. */
void cj_progress_push(struct cj_state *cj, const char *id, const char *text);

/* Closes every socket with 1001 (server exit). */
void cj_progress_shutdown(struct cj_state *cj);

/* The upgrade check and the WebSocket reasons of the port. */
int cj_progress_confirm(struct mock_server *srv, struct lws *wsi);
int cj_progress_callback(struct lws *wsi, enum lws_callback_reasons reason,
                         struct cj_sock *s, void *in, size_t len);

#endif
