/* Variables from outside the scenario files: --vars-file FILE (a JSON
 * object of variables) and the configuration file's `vars` and endpoints.
 * Values may use ${env:NAME} and the variables defined before them, and
 * {"$secret": X} as in a scenario's vars; errors are FILE:LINE:COL. */
#ifndef WSC_VARS_FILE_H
#define WSC_VARS_FILE_H

#include "config_file.h"
#include "diag.h"
#include "redact.h"
#include "vars.h"

/* Sets every member of the --vars-file at path in the command-line layer
 * of vars (a later file wins), except the names args (the --var ones)
 * defines: --var wins. Returns 0, or -1 (reported) on error. */
int wsc_vars_file_load(const char *path, struct wsc_vars *vars,
                       const struct wsc_vars *args, struct wsc_diag *diag);

/* The configuration's vars, then one variable per endpoint member
 * (endpoint-NAME-url, endpoint-NAME-kind, endpoint-NAME-headers), in the
 * file layer of vars: a scenario's own vars, captures, --vars-file and
 * --var all win over them. Also its redaction settings: secrets (variable
 * names) marked in vars, names added to red. 0, or -1 (reported). */
int wsc_config_apply(const struct wsc_config *cfg, struct wsc_vars *vars,
                     struct wsc_redactor *red, struct wsc_diag *diag);

/* "endpoint-NAME-MEMBER" (malloc'ed), the variable of an endpoint member. */
char *wsc_endpoint_var(const char *name, const char *member);

#endif
