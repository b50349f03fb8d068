/* Diagnostics about input files: "FILE:LINE:COL: message" on stderr. */
#ifndef WSC_DIAG_H
#define WSC_DIAG_H

#include "wscheck/plugin.h"

struct wsc_diag {
    int count;      /* messages emitted */
    int quiet;      /* collect but do not print (tests) */
    char *last;     /* the last message, malloc'ed (tests read it) */
};

void wsc_diag_at(struct wsc_diag *d, const char *file, int line, int col,
                 const char *fmt, ...) WSC_PRINTF(5, 6);
void wsc_diag_clear(struct wsc_diag *d);

#endif
