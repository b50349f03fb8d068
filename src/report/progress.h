/* The console's live part: on a terminal, a status line (running tests,
 * their elapsed time, counts so far) redrawn in place; elsewhere a "still
 * running" line now and then for a test that runs long. */
#ifndef WSC_PROGRESS_H
#define WSC_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

enum wsc_when { WSC_WHEN_AUTO, WSC_WHEN_ALWAYS, WSC_WHEN_NEVER };

struct wsc_progress;

/* "auto", "always", "never"; -1 for anything else. */
int wsc_when_parse(const char *s, enum wsc_when *out);

/* For the console stream OUT: a status line with ALWAYS, or with AUTO when
 * OUT is a terminal (not TERM=dumb); "still running" lines otherwise, unless
 * NEVER. NULL when out of memory. */
struct wsc_progress *wsc_progress_new(FILE *out, enum wsc_when mode);
void wsc_progress_free(struct wsc_progress *p);

/* Every function below takes a NULL progress (no console) too. */

/* Is a status line drawn on the console stream? Lines written there by
 * another process must then clear the terminal line first. */
int wsc_progress_live(const struct wsc_progress *p);
/* A test starts or ends in this process. */
void wsc_progress_begin(struct wsc_progress *p, const char *suite, const char *test);
void wsc_progress_end(struct wsc_progress *p, const struct wsc_result *r);
/* "suite › test" of the test this process runs, or NULL. */
const char *wsc_progress_label(const struct wsc_progress *p);
/* Called often (several times a second) while tests run: redraws the
 * status line at a modest rate, prints the "still running" lines that are
 * due, takes in what workers reported. */
void wsc_progress_tick(struct wsc_progress *p);
/* Writes whole lines to OUT (the console stream) in one write, clearing
 * the status line first. */
void wsc_progress_print(struct wsc_progress *p, FILE *out, const char *text, size_t len);
/* Clears the status line (before the summary, or other output). */
void wsc_progress_clear(struct wsc_progress *p);

/* --jobs: the parent calls wsc_progress_share() before forking workers
 * (0, or -1 when the channel cannot be made: the run goes on without it);
 * each worker then calls wsc_progress_worker() and reports its tests'
 * starts and ends to the parent, which draws. */
int wsc_progress_share(struct wsc_progress *p);
void wsc_progress_worker(struct wsc_progress *p);

#endif
