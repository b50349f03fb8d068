/* Scenario files, format v1: reading and parsing with positions (syntax
 * errors, size and NUL limits), then handing the parsed text to the
 * structure checks (scenario_structure.c); freeing. */
#include "scenario_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "json_text.h"
#include "util.h"

#define MAX_FILE_SIZE ((size_t)64 * 1024 * 1024)
/* A file somewhat over MAX_FILE_SIZE is read, and wsc_scenario_parse() names
 * the limit; reading gives up (EFBIG) at twice the limit, so a huge file or
 * a device is never read to its end. */
#define MAX_READ_SIZE (2 * MAX_FILE_SIZE - 1)

static struct wsc_scenario *new_scenario(const char *file)
{
    struct wsc_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->file = strdup(file ? file : "-");
    if (!sc->file) {
        free(sc);
        return NULL;
    }
    return sc;
}

/* Parses text (NUL-terminated at len) into sc->root and sc->pos. */
static int parse_text(struct wsc_scenario *sc, const char *text, size_t len,
                      struct wsc_diag *diag)
{
    return wsc_json_text_parse(sc->file, text, len, &sc->root, &sc->pos, diag);
}

/* Parses; with keep_bad, a file whose structure has errors is returned
 * too (sc->structure_errors says how many were reported). */
static struct wsc_scenario *parse_scenario(const char *file, const char *text, size_t len,
                                           struct wsc_diag *diag, int keep_bad)
{
    struct wsc_scenario *sc = new_scenario(file);
    char *copy = NULL;
    const char *nul;
    int line, col;

    if (!sc) {
        wsc_diag_at(diag, file, 0, 0, "out of memory");
        return NULL;
    }
    if (!text)
        len = 0, text = "";
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* a UTF-8 byte order mark: editors do not count it */
        len -= 3;
    }
    if (len > MAX_FILE_SIZE) {
        wsc_diag_at(diag, sc->file, 0, 0, "file too large (over %zu MiB)",
                    MAX_FILE_SIZE >> 20);
        goto fail;
    }
    if ((nul = memchr(text, '\0', len)) != NULL) {
        wsc_text_linecol(text, len, (size_t)(nul - text), &line, &col);
        wsc_diag_at(diag, sc->file, line, col, "a NUL byte in the file");
        goto fail;
    }
    if (!(copy = malloc(len + 1))) {
        wsc_diag_at(diag, sc->file, 0, 0, "out of memory");
        goto fail;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (parse_text(sc, copy, len, diag) < 0)
        goto fail;
    /* Problems of included files are reported at once: their tests would
     * otherwise be missing from what is checked next. */
    if (scn_resolve_includes(sc, diag) > 0)
        goto fail;
    sc->structure_errors = scn_check_structure(sc, diag, keep_bad);
    if (sc->structure_errors > 0 && !keep_bad)
        goto fail;
    free(copy);
    return sc;
fail:
    free(copy);
    wsc_scenario_free(sc);
    return NULL;
}

struct wsc_scenario *wsc_scenario_parse(const char *file, const char *text, size_t len,
                                        struct wsc_diag *diag)
{
    return parse_scenario(file, text, len, diag, 0);
}

struct wsc_scenario *wsc_scenario_parse_all(const char *file, const char *text,
                                            size_t len, struct wsc_diag *diag)
{
    return parse_scenario(file, text, len, diag, 1);
}

static struct wsc_scenario *load_scenario(const char *path, struct wsc_diag *diag,
                                          int keep_bad)
{
    size_t len = 0;
    char *text = wsc_read_file(path, MAX_READ_SIZE, &len);
    struct wsc_scenario *sc;
    if (!text) {
        int err = errno;
        wsc_diag_at(diag, path, 0, 0, "cannot read: %s", strerror(err ? err : ENOMEM));
        return NULL;
    }
    sc = parse_scenario(path, text, len, diag, keep_bad);
    free(text);
    return sc;
}

struct wsc_scenario *wsc_scenario_load(const char *path, struct wsc_diag *diag)
{
    return load_scenario(path, diag, 0);
}

struct wsc_scenario *wsc_scenario_load_all(const char *path, struct wsc_diag *diag)
{
    return load_scenario(path, diag, 1);
}

void wsc_scenario_free(struct wsc_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_tests; i++) {
        struct wsc_test *t = &sc->tests[i];
        free(t->name);
        free(t->plugin);
        free(t->check);
        free(t->skip);
        json_object_put(t->params);
        json_object_put(t->capture);
        json_object_put(t->expect_metrics);
        for (size_t k = 0; k < t->n_tags; k++)
            free(t->tags[k]);
        free(t->tags);
    }
    free(sc->tests);
    free(sc->file);
    free(sc->name);
    json_object_put(sc->root);
    wsc_source_map_free(sc->pos);
    scn_free_parts(sc);
    if (sc->pending)
        scn_discard(sc->pending);
    free(sc->pending);
    free(sc);
}
