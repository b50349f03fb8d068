/* How both file reports (JUnit XML, JSON) reach their path. */
#ifndef WSC_ATOMIC_WRITE_H
#define WSC_ATOMIC_WRITE_H

#include <stddef.h>

/* Writes data to PATH. A regular file (or no file) is replaced atomically:
 * PATH.tmp.XXXXXX in the same directory, then renamed to PATH, so readers
 * see the old file or the whole new one; the file gets the usual
 * 0666 & ~umask mode. A symbolic link to a regular file keeps the link: its
 * target is replaced. A device, a FIFO or a link to one is written through
 * (opened and written, never replaced); "-" is standard output. Returns 0,
 * or -1 with *err (malloc'ed) "cannot write PATH: reason" and no temporary
 * file left behind. */
int wsc_report_write_file(const char *path, const char *data, size_t len, char **err);

/* Fails as wsc_report_write_file() does, for a writer that fails before it
 * has data to write: *err (malloc'ed, when err is not NULL) "cannot write
 * PATH: strerror(error)", errno = error. Returns -1. */
int wsc_report_write_error(const char *path, int error, char **err);

/* Is PATH "-", standard output? */
int wsc_report_is_stdout(const char *path);

enum { WSC_REPORT_ATOMIC, WSC_REPORT_THROUGH };
/* How PATH will be written: WSC_REPORT_ATOMIC (then *target is the
 * malloc'ed file a symbolic link points to, or NULL for PATH itself) or
 * WSC_REPORT_THROUGH (*target NULL). */
int wsc_report_target(const char *path, char **target);

#endif
