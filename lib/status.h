/* The four results of a test: shared by the check context and the runner. */
#ifndef WSC_STATUS_H
#define WSC_STATUS_H

enum wsc_status { WSC_PASSED = 0, WSC_FAILED, WSC_ERROR, WSC_SKIPPED };

const char *wsc_status_name(enum wsc_status s); /* "passed", "failed", ... */
/* The reverse of wsc_status_name(). Returns 0, or -1 for an unknown name. */
int wsc_status_from_name(const char *name, enum wsc_status *s);

#endif
