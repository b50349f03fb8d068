/* wscheck plugin ABI.
 *
 * A plugin is a shared object that exports one symbol, `wscheck_plugin`, a
 * `const struct wsc_plugin`. The core loads it with dlopen(RTLD_NOW|RTLD_LOCAL),
 * checks `abi_version` and `struct_size`, then calls the checks that scenario
 * files name. Each check runs in its own forked child, reports through the
 * context it is given and must honour the context's deadline.
 *
 *   static void ping(struct wsc_ctx *ctx, struct json_object *params) { ... }
 *   static const struct wsc_check checks[] = {
 *       { .name = "ping", .summary = "one ping",
 *         .params_schema = "{\"type\":\"object\",\"properties\":{}}", .run = ping },
 *       { .name = NULL }
 *   };
 *   WSC_PLUGIN("example", "1.0.0", "An example plugin", checks);
 *
 * Build out of tree with:  cc -shared -fPIC $(pkg-config --cflags --libs wscheck)
 * and install into $(pkg-config --variable=plugindir wscheck).
 */
#ifndef WSCHECK_PLUGIN_H
#define WSCHECK_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The plugin ABI this header describes (wscheck-plugin(7), "Versions"):
 * bumped only when a struct changes incompatibly or a function is removed.
 * Within one ABI, structs grow at their end only (see struct_size). */
#define WSC_ABI_VERSION 2u
#define WSC_PLUGIN_SYMBOL "wscheck_plugin"

/* The release these headers come from, for plugins that need a feature added
 * in a later release: WSC_VERSION_NUM is 0xMMmmpp (major, minor, patch). */
#include <wscheck/version.h>

#include <wscheck/export.h>

struct wsc_ctx;
struct wsc_validation;

/* A check. `params` has been validated against `params_schema`, defaults are
 * filled in and variables expanded (except inside params the schema marks
 * with "x-wsc-deferred": true, which the check expands with wsc_expand()).
 * The check owns nothing it is given. Returning without calling wsc_fail(),
 * wsc_error() or wsc_skip() means the test passed (warnings aside, see
 * wsc_warn()). */
typedef void (*wsc_check_fn)(struct wsc_ctx *ctx, struct json_object *params);

/* Optional: checks what the schema cannot, before anything runs (`wscheck
 * validate` and the check phase of `wscheck run`). `params` are as written
 * in the scenario, defaults filled in, variables NOT expanded (a "${...}"
 * string may stand where a number is expected). Report every problem with
 * wsc_invalid(); never stop at the first. Must not do I/O. */
typedef void (*wsc_validate_fn)(struct wsc_validation *v,
                                const struct json_object *params);

/* A metric a check emits, so that `expect_metrics` thresholds naming it can
 * be validated before the run. Durations are in "ms". */
struct wsc_metric_decl {
    const char *name;    /* e.g. "rtt_p99_ms"; NULL ends a table */
    const char *unit;    /* "ms", "bytes", "count", "ratio", "1/s", ... */
    const char *summary; /* one line, shown by `wscheck plugins` */
};

/* Bits of struct wsc_check.flags. */
#define WSC_CHECK_CASES 0x1u /* reports its outcome as cases (wsc_case()) */

struct wsc_check {
    const char *name;          /* unique within the plugin */
    const char *summary;       /* one line, shown by `wscheck plugins` */
    const char *params_schema; /* JSON Schema subset as JSON text (see
                                * wscheck-plugin(7)); NULL: no params */
    wsc_check_fn run;
    /* ---- ABI 2 ---- */
    wsc_validate_fn validate;              /* NULL: the schema is enough */
    const struct wsc_metric_decl *metrics; /* ended by a NULL name; NULL: the
                                             * check declares none */
    uint32_t flags;                        /* WSC_CHECK_* */
};

/* Growth rule: a later release may add members at the end of struct
 * wsc_plugin and struct wsc_check, never elsewhere. struct_size and
 * check_size record the sizes the plugin was built with; the loader steps
 * through `checks` by check_size, reads the members it knows, and accepts
 * members it does not know only when they are all zero (a plugin that uses a
 * newer feature is refused by an older wscheck, with a message, rather than
 * run without it). */
struct wsc_plugin {
    uint32_t abi_version; /* WSC_ABI_VERSION */
    uint32_t struct_size; /* sizeof(struct wsc_plugin) */
    const char *name;     /* unique among loaded plugins */
    const char *version;
    const char *summary;
    const struct wsc_check *checks; /* ended by an entry whose name is NULL */
    uint32_t check_size;            /* sizeof(struct wsc_check) */
};

#define WSC_PLUGIN(NAME, VERSION, SUMMARY, CHECKS)        \
    WSC_EXPORT const struct wsc_plugin wscheck_plugin = { \
        WSC_ABI_VERSION,                                  \
        (uint32_t)sizeof(struct wsc_plugin),              \
        (NAME),                                           \
        (VERSION),                                        \
        (SUMMARY),                                        \
        (CHECKS),                                         \
        (uint32_t)sizeof(struct wsc_check)}

/* ---- Validating params (the validate callback) --------------------------- */

/* One problem with the params. `pointer` is a JSON Pointer relative to the
 * test's params ("/steps/3/within", "" for params as a whole); the runner
 * reports it as FILE:LINE:COL of that place. */
WSC_EXPORT void wsc_invalid(struct wsc_validation *v, const char *pointer,
                            const char *fmt, ...) WSC_PRINTF(3, 4);
/* The test's timeout in seconds (after defaults), to compare durations with. */
WSC_EXPORT double wsc_validation_timeout(const struct wsc_validation *v);
/* Is `name` a variable that `${name}` could reference at this test (file
 * vars, --var, env, or captured by an earlier test)? */
WSC_EXPORT int wsc_validation_has_var(const struct wsc_validation *v, const char *name);
/* Is `name` a valid variable name (the one rule for variables and
 * captures: [A-Za-z_][A-Za-z0-9_-]*)? */
WSC_EXPORT int wsc_var_name_valid(const char *name);
/* The closest of `candidates` (NULL-ended) to `word` within a small edit
 * distance, for "did you mean" hints; NULL when none is close. */
WSC_EXPORT const char *wsc_did_you_mean(const char *word, const char *const *candidates);

/* ---- Reporting a result ------------------------------------------------ */

/* The assertion was not met. Several calls join their messages with "; ". */
WSC_EXPORT void wsc_fail(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* The check could not be run (bad environment, unsupported system, ...). */
WSC_EXPORT void wsc_error(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* The check decided not to run. */
WSC_EXPORT void wsc_skip(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* Non-zero once wsc_fail() or wsc_error() was called. */
WSC_EXPORT int wsc_failed(const struct wsc_ctx *ctx);
/* A warning: the check passed, but the server broke a SHOULD of its
 * protocol (or similar). Shown in every report; `--strict` turns a test with
 * warnings into a failure. Several calls are kept in order. */
WSC_EXPORT void wsc_warn(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);

/* Outcomes of a case. */
enum wsc_case_status {
    WSC_CASE_PASSED = 0,
    WSC_CASE_FAILED,
    WSC_CASE_ERROR,
    WSC_CASE_SKIPPED
};
/* One case of a check that reports several (a compliance suite, one case per
 * load threshold): each becomes its own test case in every report, named
 * "TEST / NAME". `message` (may be NULL) says why it did not pass;
 * duration_ms < 0: unknown. A test with cases fails when any case fails
 * (an error when one errored and none failed). Names must be unique within
 * the test; set WSC_CHECK_CASES in the check's flags. */
WSC_EXPORT void wsc_case(struct wsc_ctx *ctx, const char *name,
                         enum wsc_case_status status, double duration_ms, const char *fmt,
                         ...) WSC_PRINTF(5, 6);

/* Informational text for the report (JUnit system-out, JSON "log") and the
 * console with --verbose. */
WSC_EXPORT void wsc_note(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);

/* A measurement, e.g. wsc_metric(ctx, "connect_ms", 0.42, "ms"). */
WSC_EXPORT void wsc_metric(struct wsc_ctx *ctx, const char *name, double value,
                           const char *unit);
/* Attaches the distribution behind percentile metrics, e.g.
 * wsc_metric_histogram(ctx, "rtt_ms", h, "ms") next to the rtt_p50_ms ...
 * metrics computed from h (a copy is taken; h stays the caller's). The JSON
 * report keeps its bucket counts, so that `wscheck merge` adds the
 * histograms of several runs exactly and recomputes their percentiles.
 * Names must be unique within the test (a second call replaces the first);
 * an empty histogram is not attached. */
struct wsc_histogram;
WSC_EXPORT void wsc_metric_histogram(struct wsc_ctx *ctx, const char *name,
                                     const struct wsc_histogram *h, const char *unit);
/* Sets outputs[key] = value (ownership of value passes to the context).
 * Scenario `capture` pointers are resolved against the outputs object. */
WSC_EXPORT void wsc_output(struct wsc_ctx *ctx, const char *key,
                           struct json_object *value);

/* ---- Variables ----------------------------------------------------------- */

/* Defines a variable for later steps of this check and for later tests of the
 * scenario (ownership of value passes to the context). */
WSC_EXPORT void wsc_set_var(struct wsc_ctx *ctx, const char *name,
                            struct json_object *value);
/* Expands ${...} references in a copy of tmpl with the current variables.
 * Returns NULL and sets *err (malloc'ed) when a variable is undefined. */
WSC_EXPORT struct json_object *wsc_expand(struct wsc_ctx *ctx,
                                          const struct json_object *tmpl, char **err);

/* ---- Time ------------------------------------------------------------------ */

WSC_EXPORT double wsc_now(void); /* monotonic seconds */
WSC_EXPORT double wsc_deadline(
    const struct wsc_ctx *ctx); /* wsc_now() value at timeout */
WSC_EXPORT double wsc_remaining(const struct wsc_ctx *ctx); /* seconds left, >= 0 */
WSC_EXPORT double wsc_timeout(
    const struct wsc_ctx *ctx); /* the test's timeout, seconds */
/* Sleeps up to `seconds`, never past the deadline. Returns 0, or -1 when the
 * deadline cut the sleep short. */
WSC_EXPORT int wsc_sleep(const struct wsc_ctx *ctx, double seconds);

/* ---- Traces, secrets, logging -------------------------------------------- */

/* Everything a check records (messages, notes, warnings, cases, outputs,
 * trace data, debug lines) is redacted: registered secrets, URL passwords,
 * secret query parameters, credential headers, JSON members and name=value
 * pairs whose names look secret all become "***" (wscheck-plugin(7),
 * "Secrets and redaction"). */

/* Registers a secret: it is replaced by "***" everywhere from now on, in
 * later tests too. Fails closed: when it cannot be kept (out of memory)
 * the test is an error and nothing the check recorded is reported. */
WSC_EXPORT void wsc_secret(struct wsc_ctx *ctx, const char *secret);
/* Adds a secret-looking name (e.g. "pin"): values of JSON members, query
 * parameters, name=value pairs and headers so named become "***". Fails
 * closed like wsc_secret(). */
WSC_EXPORT void wsc_secret_name(struct wsc_ctx *ctx, const char *name);
/* text as every report would show it (malloc'ed; NULL when out of memory):
 * for a check that writes somewhere of its own (a file, a socket log). */
WSC_EXPORT char *wsc_redacted(const struct wsc_ctx *ctx, const char *text);
/* Records one frame or event: dir "send", "recv" or "info"; kind e.g. "text",
 * "binary", "ping", "pong", "close", "http". The data is redacted whole, then
 * at most 64 bytes of it are kept (of kind "http", a header block, 8 KiB), as
 * text, or as hex when it is not printable. */
WSC_EXPORT void wsc_trace(struct wsc_ctx *ctx, const char *dir, const char *kind,
                          const void *data, size_t len);
/* Debug output when wscheck runs with --verbose: a line on the console,
 * labelled with the test, printed as it happens (the trace entries too with
 * -vv). */
WSC_EXPORT void wsc_debug(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#include <wscheck/match.h>
#include <wscheck/histogram.h>

#endif
