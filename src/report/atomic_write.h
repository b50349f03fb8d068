/* The atomic file write both file reports (JUnit XML, JSON) use. */
#ifndef WSC_ATOMIC_WRITE_H
#define WSC_ATOMIC_WRITE_H

#include <stddef.h>

/* Writes data to PATH.tmp.XXXXXX in the same directory, then renames it to
 * PATH, so readers see the old file or the whole new one. The file gets the
 * usual 0666 & ~umask mode. Returns 0, or -1 with *err (malloc'ed)
 * "cannot write PATH: reason" and no temporary file left behind. */
int wsc_report_write_file(const char *path, const char *data, size_t len, char **err);

/* Fails as wsc_report_write_file() does, for a writer that fails before it
 * has data to write: *err (malloc'ed, when err is not NULL) "cannot write
 * PATH: strerror(error)", errno = error. Returns -1. */
int wsc_report_write_error(const char *path, int error, char **err);

#endif
