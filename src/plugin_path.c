/* Where plugins are looked up. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

/* The running executable's absolute path: /proc/self/exe where there is a
 * /proc, else the file the dynamic linker loaded this function from (the
 * path the program was started by), resolved. Returns 0, or -1. */
static int exe_path(char out[PATH_MAX])
{
    ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 1);
    if (n > 0) {
        out[n] = '\0';
        return 0;
    }
    Dl_info info;
    if (dladdr((void *)exe_path, &info) == 0 || !info.dli_fname)
        return -1;
    return realpath(info.dli_fname, out) ? 0 : -1;
}

/* Running from the build tree means our executable lives under it (libtool
 * keeps the real binary in .libs/). */
static int running_from_build_tree(void)
{
    char exe[PATH_MAX];
    if (exe_path(exe) != 0)
        return 0;
    size_t bl = strlen(WSC_BUILDDIR);
    return strncmp(exe, WSC_BUILDDIR, bl) == 0 && exe[bl] == '/';
}

/* Each plugin is built in plugins/<name>/.libs/ of the build tree. */
static int push_build_tree_dirs(char ***dirs, size_t *n)
{
    DIR *d = opendir(WSC_BUILD_PLUGINDIR);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char *dir = wsc_strdup_printf("%s/%s/.libs", WSC_BUILD_PLUGINDIR, e->d_name);
        struct stat st;
        if (!dir)
            rc = -1;
        else if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            rc = wsc_strv_push(dirs, n, dir);
        free(dir);
    }
    closedir(d);
    return rc;
}

static int push_env_dirs(char ***dirs, size_t *n)
{
    const char *env = getenv("WSCHECK_PLUGIN_PATH");
    if (!env || !*env)
        return 0;
    char *copy = strdup(env), *save = NULL;
    if (!copy)
        return -1;
    int rc = 0;
    for (char *tok = strtok_r(copy, ":", &save); tok && rc == 0;
         tok = strtok_r(NULL, ":", &save))
        if (*tok)
            rc = wsc_strv_push(dirs, n, tok);
    free(copy);
    return rc;
}

int wsc_plugin_dirs(char *const *extra, size_t n_extra, char ***dirs, size_t *n)
{
    *dirs = NULL;
    *n = 0;
    for (size_t i = 0; i < n_extra; i++)
        if (wsc_strv_push(dirs, n, extra[i]) < 0)
            return -1;
    if (push_env_dirs(dirs, n) < 0)
        return -1;
    if (running_from_build_tree())
        return push_build_tree_dirs(dirs, n);
    return wsc_strv_push(dirs, n, WSC_PLUGINDIR);
}
