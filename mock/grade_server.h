/* wscheck-mock --grade-clients: the grading server (see grade.h). */
#ifndef WSCHECK_MOCK_GRADE_SERVER_H
#define WSCHECK_MOCK_GRADE_SERVER_H

#include "server_options.h"

/* Serves the grading protocol on opt->host and opt->port until SIGINT or
 * SIGTERM. Returns the exit status: 0 after a signal, 1 when it cannot
 * start (the reports' directory, the listener). */
int grade_server_run(const struct mock_options *opt);

#endif
