/* How both file reports reach their path: atomically (a temporary file in
 * the same directory, fsync, rename) when the path is a regular file or
 * absent; written through when it is a device, a FIFO or anything else a
 * rename would destroy (as root, `--json /dev/null` must not replace
 * /dev/null); "-" is standard output. */
#include "atomic_write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int wsc_report_write_error(const char *path, int error, char **err)
{
    if (err && asprintf(err, "cannot write %s: %s", path, strerror(error)) < 0)
        *err = NULL;
    errno = error;
    return -1;
}

int wsc_report_is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int wsc_report_target(const char *path, char **target)
{
    struct stat st, lst;
    *target = NULL;
    if (wsc_report_is_stdout(path))
        return WSC_REPORT_THROUGH;
    int is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (stat(path, &st) < 0) /* absent (a dangling link: creates its target) */
        return errno == ENOENT && !is_link ? WSC_REPORT_ATOMIC : WSC_REPORT_THROUGH;
    if (!S_ISREG(st.st_mode))
        return WSC_REPORT_THROUGH;
    if (is_link) {
        /* Replace the file the link points to, never the link itself. */
        char *real = realpath(path, NULL);
        if (!real)
            return WSC_REPORT_THROUGH;
        *target = real;
    }
    return WSC_REPORT_ATOMIC;
}

/* Into what is there: standard output, a device, a FIFO (opening it waits
 * for a reader, as any writer does). */
static int write_through(const char *path, const char *data, size_t len, char **err)
{
    int fd = wsc_report_is_stdout(path)
                 ? STDOUT_FILENO
                 : open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return wsc_report_write_error(path, errno, err);
    int error = wsc_write_all(fd, data, len) != 0 ? errno : 0;
    if (fd != STDOUT_FILENO && close(fd) != 0 && !error)
        error = errno;
    return error ? wsc_report_write_error(path, error, err) : 0;
}

static int write_atomic(const char *shown, const char *path, const char *data, size_t len,
                        char **err)
{
    char *tmp;
    if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        return wsc_report_write_error(shown, ENOMEM, err);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int error = errno;
        free(tmp);
        return wsc_report_write_error(shown, error, err);
    }
    /* mkstemp() creates the file 0600; a report is an ordinary file, so it
     * gets the mode open() would have given it. umask() can only be read
     * by setting it, hence the pair. */
    mode_t mask = umask(0);
    umask(mask);

    int error = 0;
    if (wsc_write_all(fd, data, len) != 0 || fchmod(fd, 0666 & ~mask) != 0 ||
        fsync(fd) != 0)
        error = errno;
    if (close(fd) != 0 && !error)
        error = errno;
    if (!error && rename(tmp, path) != 0)
        error = errno;
    if (error) {
        unlink(tmp);
        free(tmp);
        return wsc_report_write_error(shown, error, err);
    }
    free(tmp);
    return 0;
}

int wsc_report_write_file(const char *path, const char *data, size_t len, char **err)
{
    if (err)
        *err = NULL;
    char *target;
    int rc;
    if (wsc_report_target(path, &target) == WSC_REPORT_THROUGH)
        rc = write_through(path, data, len, err);
    else
        rc = write_atomic(path, target ? target : path, data, len, err);
    free(target);
    return rc;
}
