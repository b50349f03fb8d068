/* The four results of a test, and their names in reports. */
#include "status.h"

#include <string.h>

static const char *const status_names[] = {
    [WSC_PASSED] = "passed",
    [WSC_FAILED] = "failed",
    [WSC_ERROR] = "error",
    [WSC_SKIPPED] = "skipped",
};
#define N_STATUSES (sizeof status_names / sizeof status_names[0])

const char *wsc_status_name(enum wsc_status s)
{
    if ((unsigned)s < N_STATUSES)
        return status_names[s];
    return "unknown";
}

int wsc_status_from_name(const char *name, enum wsc_status *s)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < N_STATUSES; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *s = (enum wsc_status)i;
            return 0;
        }
    }
    return -1;
}
