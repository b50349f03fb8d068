/* Diagnostics about input files, formatted the way compilers do so editors
 * and CI log parsers can jump to the spot. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "util.h"

/* A message about a scenario may quote a URL or a header from it: it is
 * redacted like every output (the default names). NULL when out of memory. */
static char *redacted(const char *msg)
{
    struct wsc_redactor *r = msg ? wsc_redactor_new() : NULL;
    char *safe = r ? wsc_redactor_text(r, msg) : NULL;
    wsc_redactor_free(r);
    return safe;
}

/* Appends line and a newline to *all; leaves *all as it was on failure. */
static void append_line(char **all, const char *line)
{
    size_t old = *all ? strlen(*all) : 0;
    size_t add = strlen(line);
    char *grown = realloc(*all, old + add + 2);
    if (!grown)
        return;
    memcpy(grown + old, line, add);
    grown[old + add] = '\n';
    grown[old + add + 1] = '\0';
    *all = grown;
}

void wsc_diag_vat(struct wsc_diag *d, const char *file, int line, int col,
                  const char *fmt, va_list ap)
{
    char *raw = wsc_strdup_vprintf(fmt, ap);
    char *msg = redacted(raw);
    char *full = NULL;
    free(raw);
    int rc;

    if (!file)
        file = "-";
    if (line > 0)
        rc = asprintf(&full, "%s:%d:%d: %s", file, line, col > 0 ? col : 1,
                      msg ? msg : "(out of memory)");
    else
        rc = asprintf(&full, "%s: %s", file, msg ? msg : "(out of memory)");
    free(msg);
    if (rc < 0)
        full = NULL;

    if (!d || !d->quiet) {
        fputs(full ? full : "wscheck: out of memory", stderr);
        fputc('\n', stderr);
    }
    if (!d) {
        free(full);
        return;
    }
    d->count++;
    if (full)
        append_line(&d->all, full);
    free(d->last);
    d->last = full;
}

void wsc_diag_at(struct wsc_diag *d, const char *file, int line, int col, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    wsc_diag_vat(d, file, line, col, fmt, ap);
    va_end(ap);
}

void wsc_diag_clear(struct wsc_diag *d)
{
    if (!d)
        return;
    free(d->last);
    free(d->all);
    d->last = NULL;
    d->all = NULL;
    d->count = 0;
}
