/* Diagnostics about input files: "FILE:LINE:COL: message" on stderr. */
#ifndef WSC_DIAG_H
#define WSC_DIAG_H

#include <stdarg.h>
#include "wscheck/plugin.h"

struct wsc_diag {
    int count;  /* messages emitted */
    int quiet;  /* collect but do not print (tests) */
    char *last; /* the last message, malloc'ed (tests read it) */
    char *all;  /* every message so far, each ended by '\n', malloc'ed */
};

/* Emits "FILE:LINE:COL: message" (or "FILE: message" when line <= 0) on
 * stderr, unless d->quiet, and records it in d. d may be NULL: then the
 * message is only printed. file may be NULL ("-"). */
void wsc_diag_at(struct wsc_diag *d, const char *file, int line, int col, const char *fmt,
                 ...) WSC_PRINTF(5, 6);
void wsc_diag_vat(struct wsc_diag *d, const char *file, int line, int col,
                  const char *fmt, va_list ap) WSC_PRINTF(5, 0);
/* Frees what d holds and zeroes the counts (quiet is kept). */
void wsc_diag_clear(struct wsc_diag *d);

#endif
