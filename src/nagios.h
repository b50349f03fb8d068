/* `wscheck run --nagios`: the output and exit status of a Nagios plugin
 * (also read by Icinga, Naemon, Shinken, Sensu...). */
#ifndef WSC_NAGIOS_H
#define WSC_NAGIOS_H

#include <stdio.h>

#include "result.h"

enum wsc_nagios_state {
    WSC_NAGIOS_OK = 0,
    WSC_NAGIOS_WARNING = 1,
    WSC_NAGIOS_CRITICAL = 2,
    WSC_NAGIOS_UNKNOWN = 3,
};

/* Prints the status line with its performance data, then one line per
 * failed, flaky or warned test, for a finished run (interrupted: the signal
 * that stopped it, else 0). Returns the Nagios state:
 *   CRITICAL a test failed or errored;
 *   WARNING  none did, but one passed only after retries (flaky) or passed
 *            with warnings;
 *   UNKNOWN  interrupted, or no test ran (none selected, all skipped);
 *   OK       otherwise. */
enum wsc_nagios_state wsc_nagios_report(FILE *out, const struct wsc_run_result *rr,
                                        int interrupted);

/* The status line of a run that did not happen, from wscheck's exit status
 * (2: usage or scenario error, 3: internal error). Returns UNKNOWN. */
enum wsc_nagios_state wsc_nagios_unknown(FILE *out, int status);

#endif
