/* `wscheck load`: from the command line's numbers to the engine's plan
 * (load.h), and the part of it one shard of N generators runs. */
#ifndef WSC_LOAD_PLAN_H
#define WSC_LOAD_PLAN_H

#include <stdint.h>

#include <json-c/json.h>

#include "load.h"
#include "shard.h"

/* What the options say about the shape of the run. */
struct wsc_load_shape {
    unsigned connections;          /* --connections: VUs (closed model) */
    double duration;               /* --duration, s; < 0: not given */
    double ramp_up, ramp_down;     /* s */
    double rate;                   /* --rate, sessions/s; 0: closed model */
    unsigned max_connections;      /* --max-connections; 0: the fd limit */
    unsigned max_connecting;       /* --max-connecting; 0: no limit */
    struct wsc_load_stage *stages; /* --stage D:T..., or NULL */
    size_t n_stages;
    uint64_t iterations; /* --iterations; 0: none */
    struct wsc_shard shard;
};

/* Without --duration, --stage or --iterations, a run lasts this long. */
#define WSC_LOAD_DEFAULT_DURATION 10.0
/* With --iterations and no --duration: a limit, not a length. */
#define WSC_LOAD_ITERATIONS_LIMIT 86400.0

/* "30s", "2m", "1h", "500ms" or plain seconds ("1.5"). 0, or -1. */
int wsc_load_parse_duration(const char *text, double *seconds);
/* "DURATION:TARGET" ("30s:100"). 0, or -1. */
int wsc_load_parse_stage(const char *text, struct wsc_load_stage *out);

/* This shard's part of `total` (1-based index of N): total / N, and one
 * more for the first total % N shards. The whole when not sharded. */
uint64_t wsc_load_share(uint64_t total, const struct wsc_shard *sh);

/* The stages this generator runs (its shard's part of every target:
 * closed-model targets split as whole VUs, rates divided), malloc'ed in
 * *stages. 0, or -1 when out of memory. */
int wsc_load_stages(const struct wsc_load_shape *s, struct wsc_load_stage **stages,
                    size_t *n);
/* The highest target of the stages. */
double wsc_load_peak(const struct wsc_load_stage *stages, size_t n);

/* The plan as the JSON report shows it. NULL when out of memory. */
struct json_object *wsc_load_plan_json(const struct wsc_load_plan *plan,
                                       const struct wsc_load_shape *s,
                                       uint64_t iterations);

/* ---- the tests of the run (load_setup.c) ---------------------------------------- */

struct wsc_load_report;
struct wsc_registry;
struct wsc_redactor;

/* The --threshold rules: rules[i] applies to the test tests[i] (NULL:
 * every test). */
struct wsc_load_cli_rules {
    char **tests;
    struct json_object **rules;
    size_t n;
};

struct wsc_load_setup {
    const struct wsc_scenario *scenario;
    const struct wsc_registry *reg;
    char *const *names; /* --test NAME...; none: every test not skipped */
    size_t n_names;
    double timeout; /* --timeout; 0: each test's own */
    const struct wsc_load_cli_rules *cli_rules;
    struct wsc_redactor *red; /* the scenario's secrets, for messages; the
                                 values of credential headers are added */
};

enum { WSC_LOAD_SETUP_REFUSED = 1, WSC_LOAD_SETUP_INTERNAL = 2 };

/* Selects the tests, initialises r for them (figures and threshold
 * rules), expands their params with vars and compiles each into
 * (*scripts)[i] (script i is test i). Every problem is printed. Returns 0,
 * WSC_LOAD_SETUP_REFUSED (an unknown name, a test that cannot run under
 * load) or WSC_LOAD_SETUP_INTERNAL; *scripts is then still to be freed. */
int wsc_load_prepare(const struct wsc_load_setup *s, const struct wsc_vars *vars,
                     struct wsc_load_report *r, struct wsc_load_script ***scripts,
                     size_t *n_scripts);
void wsc_load_scripts_free(struct wsc_load_script **scripts, size_t n);

/* Gives every test without a threshold on its errors the rule
 * "sessions_failed == 0" (source "default"). 0, or -1 when out of memory. */
int wsc_load_default_rules(struct wsc_load_report *r);

#endif
