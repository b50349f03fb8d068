/* The atomic file write both file reports use: a temporary file in the same
 * directory, fsync, rename. */
#include "atomic_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int wsc_report_write_error(const char *path, int error, char **err)
{
    if (err && asprintf(err, "cannot write %s: %s", path, strerror(error)) < 0)
        *err = NULL;
    errno = error;
    return -1;
}

int wsc_report_write_file(const char *path, const char *data, size_t len, char **err)
{
    if (err)
        *err = NULL;
    char *tmp;
    if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        return wsc_report_write_error(path, ENOMEM, err);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int error = errno;
        free(tmp);
        return wsc_report_write_error(path, error, err);
    }
    /* mkstemp() creates the file 0600; a report is an ordinary file, so it
     * gets the mode open() would have given it. umask() can only be read
     * by setting it, hence the pair. */
    mode_t mask = umask(0);
    umask(mask);

    int error = 0;
    if (write_all(fd, data, len) != 0 || fchmod(fd, 0666 & ~mask) != 0 || fsync(fd) != 0)
        error = errno;
    if (close(fd) != 0 && !error)
        error = errno;
    if (!error && rename(tmp, path) != 0)
        error = errno;
    if (error) {
        unlink(tmp);
        free(tmp);
        return wsc_report_write_error(path, error, err);
    }
    free(tmp);
    return 0;
}
