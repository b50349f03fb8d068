/* --shard: parsing I/N, every selected test in exactly one shard, tests
 * linked by captures kept together, and assignments that do not move when
 * unrelated tests are added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scenario.h"
#include "shard.h"
#include "tap.h"

static struct wsc_diag D = {.quiet = 1};

static struct wsc_scenario *parse(const char *text)
{
    wsc_diag_clear(&D);
    D.quiet = 1;
    struct wsc_scenario *sc = wsc_scenario_parse("t.json", text, strlen(text), &D);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    return sc;
}

/* A scenario of n independent tests "t0".."t<n-1>", with `extra` spliced in
 * the list of tests (after a comma) when not empty. Malloc'ed. */
static char *independent_tests(int n, const char *extra)
{
    size_t size = 128 + (size_t)n * 96 + strlen(extra);
    char *text = malloc(size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    int len = snprintf(text, size, "{\"name\": \"s\", \"tests\": [");
    for (int i = 0; i < n; i++)
        len += snprintf(text + len, size - (size_t)len,
                        "%s{\"name\": \"t%d\", \"plugin\": \"p\", \"check\": \"c\"}",
                        i ? ", " : "", i);
    snprintf(text + len, size - (size_t)len, "%s%s]}", *extra ? ", " : "", extra);
    return text;
}

/* Which shard (1-based) runs each test of sc, for N shards: 0 for none, -1
 * when a test is in two. */
static void shard_map(struct wsc_scenario *sc, unsigned total, int *where)
{
    struct wsc_run_options o = {0};
    struct wsc_scenario *scs[1] = {sc};
    for (size_t i = 0; i < sc->n_tests; i++)
        where[i] = 0;
    for (unsigned k = 1; k <= total; k++) {
        struct wsc_shard sh = {k, total};
        size_t selected, kept;
        CU_ASSERT_EQUAL_FATAL(wsc_shard_apply(scs, 1, &sh, &o, &selected, &kept), 0);
        CU_ASSERT_EQUAL(selected, sc->n_tests);
        for (size_t i = 0; i < sc->n_tests; i++)
            if (!sc->tests[i].other_shard)
                where[i] = where[i] ? -1 : (int)k;
    }
}

static void test_parse(void)
{
    struct wsc_shard sh = {0, 0};
    CU_ASSERT_EQUAL(wsc_shard_parse("1/1", &sh), 0);
    CU_ASSERT(sh.index == 1 && sh.total == 1);
    CU_ASSERT_EQUAL(wsc_shard_parse("3/4", &sh), 0);
    CU_ASSERT(sh.index == 3 && sh.total == 4);
    const char *bad[] = {"0/4",  "5/4",  "1",    "1/",  "/4", "a/4", "1/4x",
                         "-1/4", "1/-4", "+1/4", "1/0", "",   "1 /4"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = wsc_shard_parse(bad[i], &sh);
        if (rc != -1)
            printf("# accepted '%s'\n", bad[i]);
        CU_ASSERT_EQUAL(rc, -1);
    }
}

/* Every test in exactly one shard, and no shard left with nearly all. */
static void test_partition_and_balance(void)
{
    char *text = independent_tests(200, "");
    struct wsc_scenario *sc = parse(text);
    int where[200], per[5] = {0};
    shard_map(sc, 4, where);
    for (int i = 0; i < 200; i++) {
        CU_ASSERT(where[i] >= 1 && where[i] <= 4);
        if (where[i] >= 1 && where[i] <= 4)
            per[where[i]]++;
    }
    for (int k = 1; k <= 4; k++) {
        if (per[k] < 30 || per[k] > 70)
            printf("# shard %d has %d of 200 tests\n", k, per[k]);
        CU_ASSERT(per[k] >= 30 && per[k] <= 70);
    }
    wsc_scenario_free(sc);
    free(text);
}

/* Adding tests moves none of those already there. */
static void test_stable_when_tests_are_added(void)
{
    char *small = independent_tests(40, ""), *big = independent_tests(60, "");
    struct wsc_scenario *a = parse(small), *b = parse(big);
    int wa[40], wb[60], moved = 0;
    shard_map(a, 3, wa);
    shard_map(b, 3, wb);
    for (int i = 0; i < 40; i++)
        moved += wa[i] != wb[i];
    CU_ASSERT_EQUAL(moved, 0);
    wsc_scenario_free(a);
    wsc_scenario_free(b);
    free(small);
    free(big);
}

/* "login" captures sid (its own capture), "use" needs it through the
 * file's vars, "chain" needs what a step of "use" captures; "own" captures
 * and uses its own cid and so stays free. */
static const char captures[] =
    "{\"name\": \"s\", \"vars\": {\"auth\": \"Bearer ${sid}\"}, \"tests\": ["
    " {\"name\": \"login\", \"plugin\": \"p\", \"check\": \"c\","
    "  \"capture\": {\"sid\": \"/sid\"}},"
    " {\"name\": \"own\", \"plugin\": \"p\", \"check\": \"c\", \"params\": {\"steps\": ["
    "   {\"capture\": {\"cid\": \"/id\"}}, {\"send\": \"${cid}\"}]}},"
    " {\"name\": \"use\", \"plugin\": \"p\", \"check\": \"c\", \"params\": {"
    "   \"h\": \"${auth}\", \"steps\": [{\"capture\": {\"room\": \"/room\"}}]}},"
    " {\"name\": \"chain\", \"plugin\": \"p\", \"check\": \"c\","
    "  \"params\": {\"r\": \"${room}\"}}";

static void test_capture_groups_stay_together(void)
{
    /* With enough unrelated tests, some of them land away from the group
     * whatever the hash: the group is then seen kept together by choice. */
    char *text = malloc(sizeof captures + 64 * 80);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    int len = snprintf(text, sizeof captures + 64 * 80, "%s", captures);
    for (int i = 0; i < 60; i++)
        len += snprintf(text + len, sizeof captures + 64 * 80 - (size_t)len,
                        ", {\"name\": \"x%d\", \"plugin\": \"p\", \"check\": \"c\"}", i);
    snprintf(text + len, sizeof captures + 64 * 80 - (size_t)len, "]}");
    struct wsc_scenario *sc = parse(text);
    int where[64], apart = 0;
    for (unsigned total = 2; total <= 8; total++) {
        shard_map(sc, total, where);
        CU_ASSERT(where[0] > 0);
        CU_ASSERT_EQUAL(where[2], where[0]); /* use: through the file's vars */
        CU_ASSERT_EQUAL(where[3], where[0]); /* chain: a step's capture */
        apart += where[1] != where[0];
    }
    CU_ASSERT(apart > 0); /* own was not pulled in */
    wsc_scenario_free(sc);
    free(text);
}

/* The shard of a group is its scenario's and first test's names only. */
static void test_shard_of(void)
{
    CU_ASSERT_EQUAL(wsc_shard_of("s", "t", 1), 0);
    unsigned seen[4] = {0};
    char name[16];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "t%d", i);
        unsigned k = wsc_shard_of("s", name, 4);
        CU_ASSERT(k < 4);
        CU_ASSERT_EQUAL(k, wsc_shard_of("s", name, 4));
        if (k < 4)
            seen[k]++;
    }
    for (int k = 0; k < 4; k++)
        CU_ASSERT(seen[k] > 0);
}

/* A test --tag leaves out is not counted; an empty shard keeps nothing. */
static void test_selection_counts(void)
{
    struct wsc_scenario *sc = parse(
        "{\"name\": \"s\", \"tests\": ["
        " {\"name\": \"a\", \"plugin\": \"p\", \"check\": \"c\", \"tags\": [\"x\"]},"
        " {\"name\": \"b\", \"plugin\": \"p\", \"check\": \"c\"}]}");
    char *tags[] = {"x"};
    struct wsc_run_options o = {.tags = tags, .n_tags = 1};
    struct wsc_scenario *scs[1] = {sc};
    size_t kept_total = 0;
    for (unsigned k = 1; k <= 3; k++) {
        struct wsc_shard sh = {k, 3};
        size_t selected, kept;
        CU_ASSERT_EQUAL(wsc_shard_apply(scs, 1, &sh, &o, &selected, &kept), 0);
        CU_ASSERT_EQUAL(selected, 1);
        kept_total += kept;
    }
    CU_ASSERT_EQUAL(kept_total, 1);
    wsc_scenario_free(sc);
}

static CU_TestInfo shard_tests[] = {
    {"parse I/N", test_parse},
    {"every test in one shard, balanced", test_partition_and_balance},
    {"stable when tests are added", test_stable_when_tests_are_added},
    {"capture groups stay together", test_capture_groups_stay_together},
    {"shard of a group", test_shard_of},
    {"counts follow the selection", test_selection_counts},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"shard", NULL, NULL, NULL, NULL, shard_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    int rc = wsc_tap_run(suites);
    wsc_diag_clear(&D);
    return rc;
}
