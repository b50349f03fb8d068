/* The context a check reports through (struct wsc_ctx), and its transfer from
 * the forked child that ran the check back to the runner. */
#ifndef WSC_CONTEXT_H
#define WSC_CONTEXT_H

#include <stdio.h>

#include "wscheck/plugin.h"
#include "status.h"
#include "util.h"
#include "vars.h"
#include "redact.h"

struct wsc_ctx {
    enum wsc_status status;
    struct wsc_buf message;
    struct wsc_buf log;
    double started;  /* monotonic */
    double deadline; /* monotonic */
    double timeout;  /* seconds */
    int verbose;
    struct json_object *metrics;    /* array of {name, value, unit} */
    struct json_object *outputs;    /* object */
    struct json_object *trace;      /* array */
    struct json_object *new_vars;   /* object: variables set by the check */
    struct json_object *warnings;   /* array of strings (wsc_warn) */
    struct json_object *cases;      /* array of {name, status, duration, message} */
    struct json_object *histograms; /* object name -> JSON form, or NULL */
    struct wsc_vars *vars;          /* owned copy, for wsc_expand */
    /* Every string recorded goes through it when stored (a live printer
     * sees it redacted) and again when the report is made (secrets
     * registered later count too). */
    struct wsc_redactor *redactor;
    int secret_lost; /* a secret could not be kept: report nothing it could be in */
    /* Live lines (--verbose): where, the test's label, and whether a status
     * line may be on that terminal (context_live.c). NULL out: stderr. */
    FILE *live_out;
    char *live_label;
    int live_clear;
};

/* vars is copied. Returns NULL when out of memory. */
struct wsc_ctx *wsc_ctx_new(double timeout, const struct wsc_vars *vars, int verbose);
/* The same, redacting with a copy of `redactor` (the run's names and
 * secrets; NULL: the default names). NULL when out of memory. */
struct wsc_ctx *wsc_ctx_new_redacting(double timeout, const struct wsc_vars *vars,
                                      int verbose, const struct wsc_redactor *redactor);
void wsc_ctx_free(struct wsc_ctx *ctx);

/* Where debug lines and (verbose >= 2) trace entries are printed as they
 * happen, labelled "[label]"; with clear_line, each starts by clearing the
 * terminal line (an interactive status line is there). label is copied. */
void wsc_ctx_set_live(struct wsc_ctx *ctx, FILE *out, const char *label, int clear_line);
/* One debug line (already redacted text), from wsc_debug(). */
void wsc_ctx_print_debug(const struct wsc_ctx *ctx, const char *text);
/* A trace entry as stored, at verbose >= 2, from wsc_trace(). */
void wsc_ctx_print_trace(const struct wsc_ctx *ctx, struct json_object *entry);

/* The child's report: {"status","message","log","metrics","outputs","trace",
 * "warnings","cases","vars"} (and "histograms" when there are any), redacted, plus what only the runner may read:
 * "raw_outputs" (for captures) and "secrets" (the literal secrets, for later
 * tests). The status is the test's: what the check said, made worse by its
 * cases. When redaction cannot be done, an error report withholding
 * everything the check recorded. */
struct json_object *wsc_ctx_to_json(const struct wsc_ctx *ctx);
#endif
