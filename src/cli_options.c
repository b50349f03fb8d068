/* The one line every wscheck command prints for an option getopt_long()
 * refused: the option, what is wrong with it, and where the help is. The
 * whole help text would bury the one word that is wrong. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Is arg "--NAME=..." for a NAME of longopts (a flag given a value)? */
static int flag_with_value(const char *arg, const struct option *longopts)
{
    size_t len = strcspn(arg, "=");
    if (strncmp(arg, "--", 2) != 0 || arg[len] != '=')
        return 0;
    for (const struct option *o = longopts; o && o->name; o++)
        if (strlen(o->name) == len - 2 && strncmp(arg + 2, o->name, len - 2) == 0)
            return 1;
    return 0;
}

int wsc_option_error(const char *cmd, int opt, char *const *argv,
                     const struct option *longopts)
{
    const char *sep = *cmd ? " " : "";
    /* getopt has stepped past a long option or an option missing its value;
     * an unknown short one (maybe inside a cluster such as -xv) is optopt. */
    const char *arg = argv[optind - 1];
    int flag = flag_with_value(arg, longopts);
    char shown[3] = {'-', (char)optopt, '\0'};
    if (opt == '?' && !flag && optopt > ' ' && optopt < 127)
        arg = shown;
    int len = (int)strcspn(arg, "=");
    const char *what = flag ? "takes no value" : opt == ':' ? "needs a value" : NULL;
    if (what)
        fprintf(stderr, "wscheck%s%s: option '%.*s' %s; see 'wscheck%s%s --help'\n", sep,
                cmd, len, arg, what, sep, cmd);
    else
        fprintf(stderr, "wscheck%s%s: unknown option '%.*s'; see 'wscheck%s%s --help'\n",
                sep, cmd, len, arg, sep, cmd);
    return WSC_EXIT_USAGE;
}
