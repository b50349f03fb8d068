#include "cli.h"
int wsc_is_shortcut_option(const char *arg) { (void)arg; return 0; }
int wsc_cmd_shortcut(int argc, char **argv) { (void)argc; (void)argv; return WSC_EXIT_USAGE; }
