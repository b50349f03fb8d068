/* What the files implementing scenario.h share: positions, the collector of
 * problems (reported in file order, like a compiler's), the per-test state
 * of validation and the steps each file provides to the others. Not used
 * outside src/scenario_*.c. */
#ifndef WSC_SCENARIO_INTERNAL_H
#define WSC_SCENARIO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <json-c/json.h>

#include "scenario.h"
#include "wscheck/plugin.h"

/* ---- positions and problems (scenario_report.c) ------------------------- */

/* Position of the value (or, with at_key, the member name) at pointer,
 * falling back to the nearest parent. 0, or -1 (1:1) when unknown. */
int scn_find_pos(const struct wsc_scenario *sc, const char *pointer, int at_key,
                 int *line, int *col);
/* Is there a value at exactly pointer (no fallback)? */
int scn_has_pos(const struct wsc_scenario *sc, const char *pointer);
/* Same, with the file the position is in (an included file for its tests
 * and vars) and its rank (the order files are reported in). */
int scn_find_pos_in(const struct wsc_scenario *sc, const char *pointer, int at_key,
                    int *line, int *col, const char **file, size_t *rank);

struct scn_msg {
    int line, col;
    size_t seq;
    char *text;
    const char *file; /* NULL: the scenario file */
    size_t rank;      /* files are reported in this order */
};

/* Problems of one file, kept until flushed so they come out in file order. */
struct scn_reporter {
    const struct wsc_scenario *sc;
    struct wsc_diag *diag;
    int errors;
    struct scn_msg *msgs;
    size_t n_msgs, cap_msgs;
};

/* Takes ownership of text (NULL: out of memory). */
void scn_add_msg(struct scn_reporter *r, int line, int col, char *text);
/* Same, in another file of the scenario (file NULL: its own). */
void scn_add_msg_in(struct scn_reporter *r, const char *file, size_t rank, int line,
                    int col, char *text);
/* Reports what was collected, in file order, through the diag. */
void scn_flush(struct scn_reporter *r);
/* Moves the messages of `from` into r, without counting them again. */
void scn_take(struct scn_reporter *r, struct scn_reporter *from);
/* Drops what was collected, unreported. */
void scn_discard(struct scn_reporter *r);
/* A problem at the value (or, with at_key, the member name) at pointer. */
void scn_vcollect(struct scn_reporter *r, const char *pointer, int at_key,
                  const char *fmt, va_list ap) WSC_PRINTF(4, 0);
void scn_collect(struct scn_reporter *r, const char *pointer, int at_key, const char *fmt,
                 ...) WSC_PRINTF(4, 5);

/* "a, b, c". Malloc'ed; NULL when out of memory. */
char *scn_join_list(const char *const *list);

/* ---- include (scenario_include.c) ------------------------------------------- */

struct scn_part {
    char *file;                 /* as reached: relative to the including file */
    struct wsc_source_map *pos; /* owned */
    size_t first, n;            /* its own tests in the merged "tests" */
};

/* Reads the files sc->root's "include" names (recursively; relative to the
 * including file), and merges their vars and tests into sc->root: included
 * tests come first, in include order, and the file's own vars win over
 * included ones. Missing files, cycles and unknown keys are reported with
 * their positions. Returns the number of problems. */
int scn_resolve_includes(struct wsc_scenario *sc, struct wsc_diag *diag);
void scn_free_parts(struct wsc_scenario *sc);
/* The pointer in the file where the value at pointer (in the merged tree)
 * is written, and that file's source map; NULL pos means sc's own. */
char *scn_part_pointer(const struct wsc_scenario *sc, const char *pointer,
                       const struct scn_part **part, size_t *rank);

/* ---- structure (scenario_structure.c) ------------------------------------- */

/* Checks the structure of sc->root (keys, types, limits, tests) and fills
 * in sc->name, sc->vars and sc->tests. The problems are reported; with
 * keep, they are kept in sc->pending instead, for wsc_scenario_validate()
 * to report with its own in file order. Returns their number. */
int scn_check_structure(struct wsc_scenario *sc, struct wsc_diag *diag, int keep);

/* ---- one test being validated (scenario_validate.c) --------------------- */

struct scn_test_check {
    const struct wsc_scenario *sc;
    struct scn_reporter *r;
    const struct wsc_test *t;
    const char *base;   /* "/tests/N/params" */
    const char *prefix; /* "test 'name': " */
};

/* A problem of the test, its message prefixed with the test's name. */
void scn_test_problem(struct scn_test_check *tc, const char *pointer, int at_key,
                      const char *fmt, ...) WSC_PRINTF(4, 5);

/* ---- plugins and checks (scenario_checks.c) --------------------------------- */

/* The check a test names; an unknown plugin or check is reported (with a
 * "did you mean" when one is close) and gives NULL. test_ptr: "/tests/N". */
const struct wsc_loaded_check *scn_find_check(struct scn_test_check *tc,
                                              const struct wsc_registry *reg,
                                              const char *test_ptr);

/* ---- variables (scenario_vars.c) ------------------------------------------ */

/* The file's vars expanded in order on top of cli_vars; a var that fails is
 * reported and marked unknown, so later uses do not cascade. NULL when out
 * of memory (reported). */
struct wsc_vars *scn_build_vars(const struct wsc_scenario *sc,
                                const struct wsc_vars *cli_vars, struct scn_reporter *r);

/* ---- params (scenario_params.c) -------------------------------------------- */

/* Is the top-level param `key` deferred ("x-wsc-deferred") in schema? */
int scn_param_deferred(const struct json_object *schema, const char *key);
/* Gives "${port}" back its text where the schema wants a string and the
 * expansion made a number of it. -1 when out of memory. */
int scn_restore_text(const struct json_object *schema, struct json_object *value,
                     const struct json_object *tmpl, const struct wsc_vars *vars);
/* Expands into out the params (deferred ones or the others) that can be
 * expanded now; a failure is reported and the param kept as written. -1
 * when out of memory. */
int scn_expand_params(struct scn_test_check *tc, const struct json_object *schema,
                      const struct wsc_vars *vars, int deferred, struct json_object *out);

/* Marks the variables the file's redact.vars names as secret. 0 or -1. */
int scn_mark_secret_vars(const struct wsc_scenario *sc, struct wsc_vars *v);

/* ---- captures (scenario_capture.c) ------------------------------------------ */

/* Declares (value unknown) the names that "capture" objects anywhere inside
 * v define; a --var of the same name keeps winning. -1 when out of memory. */
int scn_declare_captures(const struct json_object *v, struct wsc_vars *into);
/* Declares the names of a test's own `capture`. -1 when out of memory. */
int scn_declare_test_captures(const struct wsc_test *t, struct wsc_vars *into);

/* ---- expectations (scenario_expect.c) --------------------------------------- */

/* Checks the expectations in full (the params with defaults): values whose
 * schema says "x-wsc-expect", and "expect" members at any depth of deferred
 * params. */
void scn_check_expectations(struct scn_test_check *tc, const struct json_object *schema,
                            const struct json_object *full);

/* ---- thresholds (scenario_metrics.c) ---------------------------------------- */

/* Checks a test's `expect_metrics`: its variables defined, each matcher well
 * formed, and, when the check declares its metrics (lc not NULL and
 * lc->check->metrics set), each name one it declares (with a "did you
 * mean"). test_ptr: "/tests/N". */
void scn_check_expect_metrics(struct scn_test_check *tc,
                              const struct wsc_loaded_check *lc,
                              const struct wsc_vars *vars, const char *test_ptr);

#endif
