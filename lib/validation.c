/* What a check's validate callback calls: wsc_invalid() hands each problem
 * to the runner, which turns the pointer into FILE:LINE:COL. */
#include "validation.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

void wsc_invalid(struct wsc_validation *v, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    if (!v)
        return;
    va_start(ap, fmt);
    msg = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    v->count++;
    if (v->report)
        v->report(v->arg, pointer ? pointer : "", msg ? msg : "out of memory");
    free(msg);
}

double wsc_validation_timeout(const struct wsc_validation *v)
{
    return v ? v->timeout : 0;
}

int wsc_validation_has_var(const struct wsc_validation *v, const char *name)
{
    return v && name && wsc_vars_state(v->vars, name) != WSC_VAR_UNDEFINED;
}
