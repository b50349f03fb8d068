/* The structs as a later release might grow them: each gains a member at
 * its end (the growth rule of wscheck/plugin.h), written out flat as that
 * release's header would. */
#ifndef NEWER_H
#define NEWER_H
#include <wscheck/plugin.h>

struct newer_check {
    const char *name;
    const char *summary;
    const char *params_schema;
    wsc_check_fn run;
    wsc_validate_fn validate;
    const struct wsc_metric_decl *metrics;
    uint32_t flags;
    void (*later_entry)(void); /* a member this wscheck does not know */
};

struct newer_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name;
    const char *version;
    const char *summary;
    const struct wsc_check *checks;
    uint32_t check_size;
    uint32_t later_flags; /* lands where ABI 2 has padding */
};

#define NEWER_PLUGIN(NAME, CHECKS, LATER)                   \
    WSC_EXPORT const struct newer_plugin wscheck_plugin = { \
        WSC_ABI_VERSION,                                    \
        (uint32_t)sizeof(struct newer_plugin),              \
        (NAME),                                             \
        "1.0.0",                                            \
        "built for a newer wscheck",                        \
        (const struct wsc_check *)(const void *)(CHECKS),   \
        (uint32_t)sizeof(struct newer_check),               \
        (LATER)}
#endif
