/* The one line every wscheck command prints for an option getopt_long()
 * refused: the option, what is wrong with it, and where the help is. The
 * whole help text would bury the one word that is wrong. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int wsc_option_error(const char *cmd, int opt, char *const *argv,
                     const struct option *longopts)
{
    const char *sep = *cmd ? " " : "";
    /* A long option is where getopt stopped; a short one (maybe inside a
     * cluster such as -xv) is optopt. */
    const char *arg = argv[optind - 1];
    char shown[3] = {'-', (char)optopt, '\0'};
    if (strncmp(arg, "--", 2) != 0 && optopt > ' ' && optopt < 127)
        arg = shown;
    int len = (int)strcspn(arg, "="); /* "--json=x" given to a flag */
    int known = 0;
    for (const struct option *o = longopts; o && o->name && !known; o++)
        known = strncmp(arg, "--", 2) == 0 && (int)strlen(o->name) == len - 2 &&
                strncmp(arg + 2, o->name, (size_t)len - 2) == 0;
    if (known && arg[len] == '=')
        fprintf(stderr,
                "wscheck%s%s: option '%.*s' takes no value; see 'wscheck%s%s --help'\n",
                sep, cmd, len, arg, sep, cmd);
    else if (opt == ':')
        fprintf(stderr,
                "wscheck%s%s: option '%.*s' needs a value; see 'wscheck%s%s --help'\n",
                sep, cmd, len, arg, sep, cmd);
    else
        fprintf(stderr, "wscheck%s%s: unknown option '%.*s'; see 'wscheck%s%s --help'\n",
                sep, cmd, len, arg, sep, cmd);
    return WSC_EXIT_USAGE;
}
