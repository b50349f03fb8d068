/* wscheck-mock: --config FILE, a JSON object whose keys are the long
 * option names ("port", "mcp-host" or "mcp_host", ...; lists as arrays). */
#ifndef WSCHECK_MOCK_CONFIG_FILE_H
#define WSCHECK_MOCK_CONFIG_FILE_H

#include <stddef.h>

struct mock_options;

/* Applies the file's settings to opt. Returns 0, or -1 with err set. */
int config_load(struct mock_options *opt, const char *path, char *err, size_t errlen);

#endif
