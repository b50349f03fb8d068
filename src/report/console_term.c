/* What the console does on a terminal: colours and the live status line,
 * decided once the stream the console writes to is known (standard error
 * when a report takes standard output). */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* NO_COLOR (no-color.org): any non-empty value. FORCE_COLOR: as Node's
 * tools read it, "0" and "false" do not force. An explicit --color wins. */
static int color_wanted(enum wsc_when mode, FILE *out)
{
    if (mode != WSC_WHEN_AUTO)
        return mode == WSC_WHEN_ALWAYS;
    const char *no = getenv("NO_COLOR"), *force = getenv("FORCE_COLOR");
    if (no && *no)
        return 0;
    if (force && *force)
        return strcmp(force, "0") != 0 && strcmp(force, "false") != 0;
    return isatty(fileno(out));
}

void wsc_console_open(struct wsc_console *c)
{
    FILE *out = c->out ? c->out : stdout;
    c->color = color_wanted(c->color_mode, out);
    wsc_progress_free(c->progress);
    /* Out of memory: the run goes on without the live part. */
    c->progress = wsc_progress_new(out, c->progress_mode);
}

void wsc_console_close(struct wsc_console *c)
{
    wsc_progress_clear(c->progress);
    wsc_progress_free(c->progress);
    c->progress = NULL;
}
