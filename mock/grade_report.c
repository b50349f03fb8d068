/* wscheck-mock --grade-clients: each agent's results and its two reports,
 * DIR/<agent>.json and DIR/<agent>.xml (JUnit).
 *
 * The JUnit file validates against both the Ant and the Jenkins junit-10
 * schemas, which agree only on a narrow shape (as the wscheck runner's
 * writer): <testsuites> without attributes; one <testsuite> with name,
 * timestamp, hostname, tests, failures, errors, skipped, time, package and
 * id, its children in the order <properties>, <testcase>*, <system-out>,
 * <system-err>; a <testcase> with at most a <failure> and no output of its
 * own, so each case's behaviour is a suite property and a line of the
 * suite's <system-out>. Strings that came from the client (its agent name)
 * are escaped and reduced to printable ASCII. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "jsonout.h"

#define MAX_AGENTS 256

struct agent {
    char *name;
    struct grade_result *results; /* grade_case_count() entries, by case - 1 */
};

static struct agent agents[MAX_AGENTS];
static size_t n_agents;

static struct agent *find_agent(const char *name, int create)
{
    for (size_t i = 0; i < n_agents; i++)
        if (strcmp(agents[i].name, name) == 0)
            return &agents[i];
    if (!create || n_agents == MAX_AGENTS)
        return NULL;
    struct agent *a = &agents[n_agents];
    a->name = strdup(name);
    a->results = calloc(grade_case_count(), sizeof *a->results);
    if (!a->name || !a->results) {
        free(a->name);
        free(a->results);
        return NULL;
    }
    n_agents++;
    return a;
}

int grade_report_record(const char *agent, size_t n, const struct grade_result *r)
{
    struct agent *a = find_agent(agent, 1);
    if (!a || n < 1 || n > grade_case_count())
        return -1;
    a->results[n - 1] = *r;
    a->results[n - 1].done = 1;
    return 0;
}

void grade_report_free_all(void)
{
    for (size_t i = 0; i < n_agents; i++) {
        free(agents[i].name);
        free(agents[i].results);
    }
    n_agents = 0;
}

void grade_agent_file_name(const char *agent, char *out, size_t outlen)
{
    size_t o = 0;
    for (const char *p = agent; *p && o + 1 < outlen && o < 64; p++) {
        char c = *p;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && o > 0);
        out[o++] = keep ? c : '_';
    }
    if (o == 0 && outlen > 1)
        out[o++] = '_';
    out[o] = '\0';
}

/* ---- JSON ---- */

static json_object *case_json(size_t n, const struct grade_result *r)
{
    const struct grade_case *c = grade_case_get(n);
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    mock_json_add(o, "case", json_object_new_int((int)n));
    mock_json_add(o, "id", json_object_new_string(c->id));
    mock_json_add(o, "description", json_object_new_string(c->description));
    mock_json_add(o, "behavior",
                  json_object_new_string(grade_behavior_name(r->behavior)));
    mock_json_add(o, "behavior_close", json_object_new_string(r->behavior_close));
    char ms[32];
    snprintf(ms, sizeof ms, "%.3f", r->duration_ms);
    mock_json_add(o, "duration_ms", json_object_new_double_s(r->duration_ms, ms));
    mock_json_add(o, "reason", json_object_new_string(r->reason));
    mock_json_add(o, "expected", json_object_new_string(r->expected));
    mock_json_add(o, "received", json_object_new_string(r->received));
    mock_json_add(o, "remote_close_code",
                  r->remote_close_code ? json_object_new_int(r->remote_close_code)
                                       : NULL);
    mock_json_add(o, "tcp_closed_by", json_object_new_string(r->tcp_closed_by));
    return o;
}

static json_object *agent_json(const struct agent *a)
{
    json_object *o = json_object_new_object(), *cases = json_object_new_array();
    size_t counts[4] = {0}, total = 0;
    if (!o || !cases) {
        json_object_put(o);
        json_object_put(cases);
        return NULL;
    }
    for (size_t i = 0; i < grade_case_count(); i++) {
        if (!a->results[i].done)
            continue;
        json_object *c = case_json(i + 1, &a->results[i]);
        if (!c || mock_json_append(cases, c) != 0) {
            json_object_put(o);
            json_object_put(cases);
            return NULL;
        }
        counts[a->results[i].behavior]++;
        total++;
    }
    json_object *cnt = json_object_new_object();
    for (int b = GRADE_OK; cnt && b <= GRADE_FAILED; b++)
        mock_json_add(cnt, grade_behavior_name((enum grade_behavior)b),
                      json_object_new_int((int)counts[b]));
    mock_json_add(o, "agent", json_object_new_string(a->name));
    mock_json_add(o, "cases", cases);
    mock_json_add(o, "counts", cnt);
    mock_json_add(o, "total", json_object_new_int((int)total));
    mock_json_add(o, "case_count", json_object_new_int((int)grade_case_count()));
    return o;
}

/* ---- JUnit ---- */

/* Escaped for an attribute or text; anything outside printable ASCII
 * becomes '?', so the file is valid whatever the agent sent. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else
            fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
    }
}

static void xml_attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    xml_text(f, value);
    fputc('"', f);
}

static void junit_case(FILE *f, const char *classname, size_t n,
                       const struct grade_result *r)
{
    const struct grade_case *c = grade_case_get(n);
    char name[300];
    snprintf(name, sizeof name, "%s %s", c->id, c->description);
    fputs("    <testcase", f);
    xml_attr(f, "name", name);
    xml_attr(f, "classname", classname);
    fprintf(f, " time=\"%.3f\"", r->duration_ms / 1000.0);
    if (r->behavior != GRADE_FAILED) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n      <failure", f);
    xml_attr(f, "message", r->reason);
    xml_attr(f, "type", "FAILED");
    fputs(">expected: ", f);
    xml_text(f, r->expected);
    fputs("\nreceived: ", f);
    xml_text(f, r->received);
    fputs("</failure>\n    </testcase>\n", f);
}

static void junit_suite(FILE *f, const struct agent *a)
{
    size_t failures = 0, total = 0;
    double seconds = 0;
    for (size_t i = 0; i < grade_case_count(); i++)
        if (a->results[i].done) {
            total++;
            failures += a->results[i].behavior == GRADE_FAILED;
            seconds += a->results[i].duration_ms / 1000.0;
        }
    char classname[400], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm))
        snprintf(stamp, sizeof stamp, "1970-01-01T00:00:00");
    snprintf(classname, sizeof classname, "wscheck-mock.grade.%s", a->name);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite", f);
    xml_attr(f, "name", classname);
    fprintf(f,
            " timestamp=\"%s\" hostname=\"localhost\" tests=\"%zu\" failures=\"%zu\""
            " errors=\"0\" skipped=\"0\" time=\"%.3f\"",
            stamp, total, failures, seconds);
    xml_attr(f, "package", "wscheck-mock.grade");
    fputs(" id=\"0\">\n    <properties>\n      <property name=\"agent\"", f);
    xml_attr(f, "value", a->name);
    fputs("/>\n", f);
    for (size_t i = 0; i < grade_case_count(); i++)
        if (a->results[i].done) {
            fprintf(f, "      <property name=\"%s.behavior\" value=\"%s\"/>\n",
                    grade_case_get(i + 1)->id,
                    grade_behavior_name(a->results[i].behavior));
        }
    fputs("    </properties>\n", f);
    for (size_t i = 0; i < grade_case_count(); i++)
        if (a->results[i].done)
            junit_case(f, classname, i + 1, &a->results[i]);
    fputs("    <system-out>", f);
    for (size_t i = 0; i < grade_case_count(); i++)
        if (a->results[i].done) {
            const struct grade_result *r = &a->results[i];
            fprintf(f, "%s %s (close %s): ", grade_case_get(i + 1)->id,
                    grade_behavior_name(r->behavior), r->behavior_close);
            xml_text(f, r->reason);
            fputc('\n', f);
        }
    fputs("</system-out>\n    <system-err></system-err>\n  </testsuite>\n</testsuites>\n",
          f);
}

/* ---- files ---- */

/* Written aside and renamed: a reader never sees half a file. */
static int write_file(const char *path, const struct agent *a, int xml, char *err,
                      size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    int bad = 0;
    if (xml) {
        junit_suite(f, a);
    } else {
        json_object *o = agent_json(a);
        bad =
            !o ||
            fprintf(f, "%s\n",
                    json_object_to_json_string_ext(
                        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
        json_object_put(o);
    }
    bad |= ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path,
                 bad ? "out of memory or I/O error" : strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int grade_report_write(const char *dir, const char *agent, char *err, size_t errlen)
{
    struct agent *a = find_agent(agent, 1);
    if (!a) {
        snprintf(err, errlen, "too many agents (at most %d)", MAX_AGENTS);
        return -1;
    }
    char base[80], path[4096];
    grade_agent_file_name(agent, base, sizeof base);
    snprintf(path, sizeof path, "%s/%s.json", dir, base);
    if (write_file(path, a, 0, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.xml", dir, base);
    return write_file(path, a, 1, err, errlen);
}
