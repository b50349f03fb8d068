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
 *       { "ping", "one ping", "{\"type\":\"object\",\"properties\":{}}", ping },
 *       { NULL, NULL, NULL, NULL }
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

/* Bumped whenever struct wsc_plugin or struct wsc_check change incompatibly. */
#define WSC_ABI_VERSION 1u
#define WSC_PLUGIN_SYMBOL "wscheck_plugin"

#if defined(__GNUC__)
#define WSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WSC_EXPORT __attribute__((visibility("default")))
#else
#define WSC_PRINTF(f, a)
#define WSC_EXPORT
#endif

struct wsc_ctx;

/* A check. `params` has been validated against `params_schema`, defaults are
 * filled in and variables expanded (except inside params the schema marks
 * with "x-wsc-deferred": true, which the check expands with wsc_expand()).
 * The check owns nothing it is given. Returning without calling wsc_fail(),
 * wsc_error() or wsc_skip() means the test passed. */
typedef void (*wsc_check_fn)(struct wsc_ctx *ctx, struct json_object *params);

struct wsc_check {
    const char *name;          /* unique within the plugin */
    const char *summary;       /* one line, shown by `wscheck plugins` */
    const char *params_schema; /* JSON Schema subset as JSON text (see
                                * wscheck-plugin(7)); NULL: no params */
    wsc_check_fn run;
};

struct wsc_plugin {
    uint32_t abi_version;            /* WSC_ABI_VERSION */
    uint32_t struct_size;            /* sizeof(struct wsc_plugin) */
    const char *name;                /* unique among loaded plugins */
    const char *version;
    const char *summary;
    const struct wsc_check *checks;  /* ended by an entry whose name is NULL */
};

#define WSC_PLUGIN(NAME, VERSION, SUMMARY, CHECKS)                          \
    WSC_EXPORT const struct wsc_plugin wscheck_plugin = {                   \
        WSC_ABI_VERSION, (uint32_t)sizeof(struct wsc_plugin), (NAME),       \
        (VERSION), (SUMMARY), (CHECKS)}

/* ---- Reporting a result ------------------------------------------------ */

/* The assertion was not met. Several calls join their messages with "; ". */
WSC_EXPORT void wsc_fail(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* The check could not be run (bad environment, unsupported system, ...). */
WSC_EXPORT void wsc_error(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* The check decided not to run. */
WSC_EXPORT void wsc_skip(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);
/* Non-zero once wsc_fail() or wsc_error() was called. */
WSC_EXPORT int wsc_failed(const struct wsc_ctx *ctx);
/* Informational text for the report (JUnit system-out, JSON "log") and the
 * console with --verbose. */
WSC_EXPORT void wsc_note(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);

/* A measurement, e.g. wsc_metric(ctx, "connect_ms", 0.42, "ms"). */
WSC_EXPORT void wsc_metric(struct wsc_ctx *ctx, const char *name, double value,
                const char *unit);
/* Sets outputs[key] = value (ownership of value passes to the context).
 * Scenario `capture` pointers are resolved against the outputs object. */
WSC_EXPORT void wsc_output(struct wsc_ctx *ctx, const char *key, struct json_object *value);

/* ---- Variables ----------------------------------------------------------- */

/* Defines a variable for later steps of this check and for later tests of the
 * scenario (ownership of value passes to the context). */
WSC_EXPORT void wsc_set_var(struct wsc_ctx *ctx, const char *name, struct json_object *value);
/* Expands ${...} references in a copy of tmpl with the current variables.
 * Returns NULL and sets *err (malloc'ed) when a variable is undefined. */
WSC_EXPORT struct json_object *wsc_expand(struct wsc_ctx *ctx, const struct json_object *tmpl,
                               char **err);

/* ---- Time ------------------------------------------------------------------ */

WSC_EXPORT double wsc_now(void);                            /* monotonic seconds */
WSC_EXPORT double wsc_deadline(const struct wsc_ctx *ctx);  /* wsc_now() value at timeout */
WSC_EXPORT double wsc_remaining(const struct wsc_ctx *ctx); /* seconds left, >= 0 */
WSC_EXPORT double wsc_timeout(const struct wsc_ctx *ctx);   /* the test's timeout, seconds */
/* Sleeps up to `seconds`, never past the deadline. Returns 0, or -1 when the
 * deadline cut the sleep short. */
WSC_EXPORT int wsc_sleep(const struct wsc_ctx *ctx, double seconds);

/* ---- Traces, secrets, logging -------------------------------------------- */

/* Registers a secret: it is replaced by "***" in messages, notes, traces and
 * outputs from now on. */
WSC_EXPORT void wsc_secret(struct wsc_ctx *ctx, const char *secret);
/* Records one frame or event: dir "send", "recv" or "info"; kind e.g. "text",
 * "binary", "ping", "pong", "close", "http". At most 64 bytes of data are kept. */
WSC_EXPORT void wsc_trace(struct wsc_ctx *ctx, const char *dir, const char *kind,
               const void *data, size_t len);
/* Debug output on stderr when wscheck runs with --verbose. */
WSC_EXPORT void wsc_debug(struct wsc_ctx *ctx, const char *fmt, ...) WSC_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#include <wscheck/match.h>
#include <wscheck/histogram.h>

#endif
