/* The monitor's metrics: what each observation and round adds, the caps on
 * series, dropping the tests a reload removed, and the textfile. Every
 * entry point takes the lock: the listener thread renders while the
 * monitor loop observes. */
#include "monitor_metrics_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_write.h"
#include "util.h"

const double mm_test_buckets[MM_TEST_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                 1,     2.5,  5,     10,   30,  60};
const double mm_round_buckets[MM_ROUND_BUCKETS] = {0.1, 0.25, 0.5, 1,   2.5, 5,
                                                   10,  30,   60,  120, 300};
const char *const mm_status_names[MM_N_STATUS] = {"passed", "failed", "error", "skipped"};

struct monitor_metrics *monitor_metrics_new(void)
{
    struct monitor_metrics *m = calloc(1, sizeof(*m));
    if (m && pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

static void test_free(struct mm_test *t)
{
    for (size_t i = 0; i < t->n_metrics; i++)
        free(t->metrics[i].name);
    free(t->metrics);
    free(t->suite);
    free(t->test);
}

void monitor_metrics_free(struct monitor_metrics *m)
{
    if (!m)
        return;
    /* The listener first: it reads what is freed below. */
    if (m->listener)
        mm_listener_stop(m->listener);
    for (size_t i = 0; i < m->n_tests; i++)
        test_free(&m->tests[i]);
    free(m->tests);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static void histogram_add(struct mm_histogram *h, const double *bounds, size_t n,
                          double v)
{
    size_t i = 0;
    if (!(v >= 0)) /* NaN or negative: a clock step; counted as 0 */
        v = 0;
    while (i < n && v > bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += v;
}

static int status_index(const char *status)
{
    for (int i = 0; i < MM_N_STATUS; i++)
        if (status && strcmp(status, mm_status_names[i]) == 0)
            return i;
    return -1;
}

/* The test's series, made on first use; NULL when the cap on series
 * refuses a new test (counted as dropped) or out of memory. */
static struct mm_test *find_test(struct monitor_metrics *m, const char *suite,
                                 const char *test)
{
    for (size_t i = 0; i < m->n_tests; i++)
        if (strcmp(m->tests[i].suite, suite) == 0 && strcmp(m->tests[i].test, test) == 0)
            return &m->tests[i];
    if (m->series + MM_SERIES_PER_TEST > MONITOR_METRICS_MAX_SERIES) {
        m->dropped += MM_SERIES_PER_TEST;
        return NULL;
    }
    if (m->n_tests == m->cap_tests) {
        size_t cap = m->cap_tests ? m->cap_tests * 2 : 16;
        struct mm_test *t = realloc(m->tests, cap * sizeof(*t));
        if (!t)
            return NULL;
        m->tests = t;
        m->cap_tests = cap;
    }
    struct mm_test *t = &m->tests[m->n_tests];
    memset(t, 0, sizeof(*t));
    t->suite = strdup(suite);
    t->test = strdup(test);
    if (!t->suite || !t->test) {
        test_free(t);
        return NULL;
    }
    m->n_tests++;
    m->series += MM_SERIES_PER_TEST;
    return t;
}

/* Sets one check metric's gauge; a new one past either cap is dropped. */
static int set_gauge(struct monitor_metrics *m, struct mm_test *t, const char *name,
                     double v)
{
    for (size_t i = 0; i < t->n_metrics; i++)
        if (strcmp(t->metrics[i].name, name) == 0) {
            t->metrics[i].value = v;
            return 0;
        }
    if (t->n_metrics >= MONITOR_METRICS_PER_TEST ||
        m->series + 1 > MONITOR_METRICS_MAX_SERIES) {
        m->dropped++;
        return 0;
    }
    struct mm_gauge *g = realloc(t->metrics, (t->n_metrics + 1) * sizeof(*g));
    if (!g)
        return -1;
    t->metrics = g;
    if (!(g[t->n_metrics].name = strdup(name)))
        return -1;
    g[t->n_metrics++].value = v;
    m->series++;
    return 0;
}

static int set_gauges(struct monitor_metrics *m, struct mm_test *t,
                      const struct json_object *metrics)
{
    if (!metrics || !json_object_is_type(metrics, json_type_object))
        return 0;
    json_object_object_foreach((struct json_object *)metrics, name, value) {
        json_type type = json_object_get_type(value);
        if (type != json_type_double && type != json_type_int)
            continue;
        if (set_gauge(m, t, name, json_object_get_double(value)) < 0)
            return -1;
    }
    return 0;
}

int monitor_metrics_observe(struct monitor_metrics *m,
                            const struct monitor_observation *o)
{
    int st = status_index(o->status);
    if (!o->suite || !o->test || st < 0) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&m->lock);
    int rc = 0;
    struct mm_test *t = find_test(m, o->suite, o->test);
    if (t) {
        t->up = o->up ? 1 : 0;
        t->status = st;
        t->runs++;
        if (st == MM_FAILED || st == MM_ERROR)
            t->failures++;
        if (st == MM_PASSED && o->finished > t->last_success)
            t->last_success = o->finished;
        /* A skipped test did not run: its duration says nothing. */
        if (st != MM_SKIPPED)
            histogram_add(&t->duration, mm_test_buckets, MM_TEST_BUCKETS, o->duration_s);
        rc = set_gauges(m, t, o->metrics);
    } else if (m->series + MM_SERIES_PER_TEST <= MONITOR_METRICS_MAX_SERIES) {
        rc = -1; /* not the cap: out of memory */
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int monitor_metrics_round(struct monitor_metrics *m, double round_s, int overran)
{
    pthread_mutex_lock(&m->lock);
    m->rounds++;
    if (overran)
        m->overruns++;
    histogram_add(&m->round_duration, mm_round_buckets, MM_ROUND_BUCKETS, round_s);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static int kept(const struct mm_test *t, const char *const *keep, size_t n)
{
    size_t ls = strlen(t->suite);
    for (size_t i = 0; i < n; i++)
        if (keep[i] && strncmp(keep[i], t->suite, ls) == 0 && keep[i][ls] == '\t' &&
            strcmp(keep[i] + ls + 1, t->test) == 0)
            return 1;
    return 0;
}

void monitor_metrics_retain(struct monitor_metrics *m, const char *const *keep, size_t n)
{
    pthread_mutex_lock(&m->lock);
    size_t out = 0;
    m->series = 0;
    for (size_t i = 0; i < m->n_tests; i++) {
        if (!kept(&m->tests[i], keep, n)) {
            test_free(&m->tests[i]);
            continue;
        }
        m->tests[out++] = m->tests[i];
        m->series += MM_SERIES_PER_TEST + m->tests[i].n_metrics;
    }
    m->n_tests = out;
    pthread_mutex_unlock(&m->lock);
}

char *monitor_metrics_render(struct monitor_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    char *text = mm_render_locked(m);
    pthread_mutex_unlock(&m->lock);
    return text;
}

int monitor_metrics_port(struct monitor_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    int port = m->listener ? mm_listener_port(m->listener) : -1;
    pthread_mutex_unlock(&m->lock);
    return port;
}

int monitor_metrics_write_textfile(struct monitor_metrics *m, const char *dir, char **err)
{
    struct stat st;
    int e = stat(dir, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e) {
        if (err)
            *err = wsc_strdup_printf("cannot write the textfile in %s: %s", dir,
                                     strerror(e));
        return -1;
    }
    char *text = monitor_metrics_render(m);
    char *path = wsc_strdup_printf("%s/wscheck.prom", dir);
    int rc = -1;
    if (text && path)
        /* A temporary file in DIR renamed over wscheck.prom: the collector
         * reads only *.prom files, and sees the old file or the new one. */
        rc = wsc_report_write_file(path, text, strlen(text), err);
    else if (err)
        *err = wsc_strdup_printf("cannot write the textfile in %s: out of memory", dir);
    free(text);
    free(path);
    return rc;
}
