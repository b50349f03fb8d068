/* `wscheck report --html`: inline SVG charts of one test. */
#ifndef WSC_REPORT_SVG_H
#define WSC_REPORT_SVG_H

#include <stdlib.h>

#include "report_model.h"
#include "util.h"

/* Append to b (which latches failures). */
void rep_svg_latency(struct wsc_buf *b, const struct rep_agg *a, struct rep_test *t);
void rep_svg_availability(struct wsc_buf *b, const struct rep_agg *a,
                          const struct rep_test *t);

#endif
