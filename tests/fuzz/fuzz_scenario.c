/* libFuzzer harness: scenario files (src/scenario_*.c) as `wscheck validate`
 * reads them. Each input is parsed twice, strictly (wsc_scenario_parse) and
 * keeping files with structure errors (wsc_scenario_parse_all), and each
 * result is validated: against the in-tree plugins of the build tree when
 * they load, and without a registry. See tests/fuzz/README. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wsc_registry reg;
static int have_reg;

/* The plugins built next to this harness: validation then checks params
 * against their real schemas. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const names[] = {"port", "http", "ws-basic", "ping-pong"};
    char *dirs[sizeof names / sizeof names[0]];
    size_t n = 0;
    char *err = NULL;

    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len = strlen(WSC_BUILD_PLUGINDIR) + strlen(names[i]) + sizeof "//.libs";
        dirs[n] = malloc(len);
        if (!dirs[n])
            break;
        snprintf(dirs[n], len, "%s/%s/.libs", WSC_BUILD_PLUGINDIR, names[i]);
        n++;
    }
    have_reg = n == sizeof names / sizeof names[0] &&
               wsc_registry_load(&reg, dirs, n, &err) == 0 &&
               reg.n_plugins == sizeof names / sizeof names[0];
    if (!have_reg)
        fprintf(stderr,
                "fuzz_scenario: in-tree plugins not loaded (%s); validating"
                " without a registry only\n",
                err ? err : "build them first");
    free(err);
    for (size_t i = 0; i < n; i++)
        free(dirs[i]);
    return 0;
}

static void parse_and_validate(const char *text, size_t len, int keep_bad,
                               const struct wsc_registry *r)
{
    struct wsc_diag d = {.quiet = 1};
    struct wsc_scenario *sc = keep_bad
                                  ? wsc_scenario_parse_all("fuzz.json", text, len, &d)
                                  : wsc_scenario_parse("fuzz.json", text, len, &d);
    if (sc) {
        (void)wsc_scenario_validate(sc, r, NULL, &d);
        wsc_scenario_free(sc);
    }
    wsc_diag_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parser takes text ended by a NUL at text[len], as a file read
     * with wsc_read_file() is. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    parse_and_validate(text, size, 0, have_reg ? &reg : NULL);
    parse_and_validate(text, size, 1, NULL);
    free(text);
    return 0;
}
