/* Splitting a run across CI jobs (see shard.h).
 *
 * The unit of the split is a group: the tests of one scenario linked by
 * captures (a test referencing a variable an earlier test captures joins
 * that test's group). A group is assigned by a hash of its scenario's and
 * its first test's names, not by its position: a test added elsewhere leaves every other assignment as it
 * was, which keeps the history of a CI job comparable. The price is a
 * balance that is statistical (about equal shares with many groups), not
 * exact. */
#include "shard.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int wsc_shard_parse(const char *text, struct wsc_shard *out)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(text, &end, 10);
    if (errno || end == text || *end != '/' || text[0] == '-' || text[0] == '+')
        return -1;
    const char *rest = end + 1;
    unsigned long n = strtoul(rest, &end, 10);
    if (errno || end == rest || *end || rest[0] == '-' || rest[0] == '+' || i < 1 ||
        n < 1 || i > n || n > 100000)
        return -1;
    out->index = (unsigned)i;
    out->total = (unsigned)n;
    return 0;
}

/* FNV-1a, then a 64-bit finaliser (splitmix64) so that names differing in
 * their last byte still spread over every shard. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

unsigned wsc_shard_of(const char *scenario, const char *group, unsigned total)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = hash_bytes(h, scenario, strlen(scenario) + 1); /* with its NUL */
    h = hash_bytes(h, group, strlen(group));
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return total ? (unsigned)(h % total) : 0;
}

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Joins the groups of a and b; the root is the earlier test, so a group's
 * root is its first test. */
static void join(size_t *parent, size_t a, size_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

static int only_test(const struct wsc_test *t, const void *arg)
{
    return t == arg;
}

/* Adds the member names of obj to the set `names`. */
static int add_names(const struct json_object *obj, struct json_object *names)
{
    json_object_object_foreach((struct json_object *)obj, name, val) {
        (void)val;
        if (json_object_object_add(names, name, NULL) != 0)
            return -1;
    }
    return 0;
}

/* Adds to `names` the names of every "capture" object inside v (the
 * steps of deferred params capture for later tests too). Any "capture"
 * member counts, whatever the schema says: grouping too much is safe. */
static int add_captures(const struct json_object *v, struct json_object *names)
{
    if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (add_captures(json_object_array_get_idx(v, i), names) < 0)
                return -1;
        return 0;
    }
    if (!json_object_is_type(v, json_type_object))
        return 0;
    json_object_object_foreach((struct json_object *)v, key, val) {
        if (strcmp(key, "capture") != 0 || !json_object_is_type(val, json_type_object)) {
            if (add_captures(val, names) < 0)
                return -1;
            continue;
        }
        if (add_names(val, names) < 0)
            return -1;
    }
    return 0;
}

/* What a test uses and what it captures: sets of variable names. */
struct test_vars {
    struct json_object *uses, *captures;
};

static void free_test_vars(struct test_vars *tv, size_t n)
{
    for (size_t i = 0; tv && i < n; i++) {
        json_object_put(tv[i].uses);
        json_object_put(tv[i].captures);
    }
    free(tv);
}

static struct test_vars *collect_test_vars(const struct wsc_scenario *sc)
{
    struct test_vars *tv = calloc(sc->n_tests ? sc->n_tests : 1, sizeof *tv);
    for (size_t i = 0; tv && i < sc->n_tests; i++) {
        const struct wsc_test *t = &sc->tests[i];
        tv[i].uses = json_object_new_object();
        tv[i].captures = json_object_new_object();
        if (!tv[i].uses || !tv[i].captures ||
            wsc_scenario_var_refs(sc, only_test, t, tv[i].uses) < 0 ||
            (t->capture && add_names(t->capture, tv[i].captures) < 0) ||
            (t->params && add_captures(t->params, tv[i].captures) < 0)) {
            free_test_vars(tv, i + 1);
            return NULL;
        }
    }
    return tv;
}

/* Fills parent (union-find over sc->tests) with the capture groups: a test
 * joins every earlier test capturing a variable it uses, unless it
 * captures that variable itself (then it uses its own value, as the
 * conversations that capture the client id of their own connection do). */
static int group_tests(const struct wsc_scenario *sc, size_t *parent)
{
    struct test_vars *tv = collect_test_vars(sc);
    if (!tv)
        return -1;
    for (size_t i = 0; i < sc->n_tests; i++)
        parent[i] = i;
    for (size_t k = 0; k < sc->n_tests; k++) {
        json_object_object_foreach(tv[k].uses, name, unused) {
            (void)unused;
            if (json_object_object_get_ex(tv[k].captures, name, NULL))
                continue;
            for (size_t i = 0; i < k; i++)
                if (json_object_object_get_ex(tv[i].captures, name, NULL))
                    join(parent, i, k);
        }
    }
    free_test_vars(tv, sc->n_tests);
    return 0;
}

int wsc_shard_apply(struct wsc_scenario *const *scs, size_t n, const struct wsc_shard *sh,
                    const struct wsc_run_options *o, size_t *selected, size_t *kept)
{
    *selected = *kept = 0;
    for (size_t s = 0; s < n; s++) {
        const struct wsc_scenario *sc = scs[s];
        size_t *parent = calloc(sc->n_tests ? sc->n_tests : 1, sizeof *parent);
        if (!parent || group_tests(sc, parent) < 0) {
            free(parent);
            return -1;
        }
        for (size_t i = 0; i < sc->n_tests; i++) {
            struct wsc_test *t = &sc->tests[i];
            const char *group = sc->tests[find(parent, i)].name;
            t->other_shard = 0; /* a shard applied before counts for nothing */
            if (!wsc_test_selected(t, o))
                continue;
            (*selected)++;
            t->other_shard = wsc_shard_of(sc->name, group, sh->total) != sh->index - 1;
            *kept += t->other_shard ? 0 : 1;
        }
        free(parent);
    }
    return 0;
}
