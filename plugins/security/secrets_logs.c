/* secrets_in_logs: a service's logs must not hold secrets. Scans the files
 * that `files` (glob patterns) name and the body of `log_url` (an HTTP
 * endpoint serving logs), line by line, for the values in `secrets` and for
 * whatever the redaction engine would hide (credential headers, secret-named
 * values, URL passwords: wscheck-plugin(7), "Secrets and redaction"). The
 * engine is the judge: a line the context's redaction changes holds a
 * secret. Findings name the place and the kind, and show the line only as
 * redacted: the secret itself never reaches a report. */
#include "checks_hardening.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <wscheck/params.h>

#define EXCERPT_LEN 120

struct scan {
    struct wsc_ctx *ctx;
    const struct json_object *secrets; /* array of the given values */
    struct json_object *findings;      /* array, published at the end */
    size_t count;
    size_t max_reported;
    size_t lines;
};

/* What made the line secret: a given value, or the engine's rules. */
static void kind_of(const struct scan *s, const char *line, char *out, size_t size)
{
    size_t n = s->secrets ? json_object_array_length(s->secrets) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(s->secrets, i));
        if (v && *v && strstr(line, v)) {
            snprintf(out, size, "secrets[%zu]", i);
            return;
        }
    }
    snprintf(out, size, "redaction rule");
}

static void scan_line(struct scan *s, const char *where, size_t lineno, const char *line)
{
    s->lines++;
    char *red = wsc_redacted(s->ctx, line);
    if (!red) {
        wsc_error(s->ctx, "out of memory");
        return;
    }
    if (strcmp(red, line) != 0) {
        char kind[96];
        kind_of(s, line, kind, sizeof kind);
        if (strlen(red) > EXCERPT_LEN)
            strcpy(red + EXCERPT_LEN - 3, "...");
        /* the excerpt goes to a note of its own: the header rule hides a
         * line's rest, so in the message it would swallow what follows */
        if (s->count < s->max_reported)
            wsc_note(s->ctx, "%s:%zu: %s: %s", where, lineno, kind, red);
        struct json_object *f = json_object_new_object();
        json_object_object_add(f, "file", json_object_new_string(where));
        json_object_object_add(f, "line", json_object_new_int64((int64_t)lineno));
        json_object_object_add(f, "pattern", json_object_new_string(kind));
        json_object_object_add(f, "excerpt", json_object_new_string(red));
        json_object_array_add(s->findings, f);
        s->count++;
    }
    free(red);
}

/* Scans text (len bytes, not NUL-terminated) line by line. */
static void scan_text(struct scan *s, const char *where, const char *text, size_t len)
{
    size_t lineno = 1;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n')
            continue;
        if (i == len && start == len)
            break; /* no line after the last newline */
        size_t n = i - start;
        if (n > 0 && text[start + n - 1] == '\r')
            n--;
        char *line = strndup(text + start, n);
        if (!line) {
            wsc_error(s->ctx, "out of memory");
            return;
        }
        scan_line(s, where, lineno++, line);
        free(line);
        start = i + 1;
    }
}

static void scan_file(struct scan *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        wsc_error(s->ctx, "%s: cannot open it", path);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t lineno = 1;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        scan_line(s, path, lineno++, line);
    }
    free(line);
    fclose(f);
}

static void scan_globs(struct scan *s, const struct json_object *files)
{
    size_t n = files ? json_object_array_length(files) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *pattern = json_object_get_string(json_object_array_get_idx(files, i));
        glob_t g;
        int rc = glob(pattern, GLOB_NOSORT, NULL, &g);
        if (rc == GLOB_NOMATCH) {
            wsc_error(s->ctx, "files[%zu]: no file matches %s", i, pattern);
            continue;
        }
        if (rc != 0) {
            wsc_error(s->ctx, "files[%zu]: cannot expand %s", i, pattern);
            continue;
        }
        for (size_t k = 0; k < g.gl_pathc; k++)
            scan_file(s, g.gl_pathv[k]);
        globfree(&g);
    }
}

struct body {
    char *data;
    size_t len;
    size_t max;
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *user)
{
    struct body *b = user;
    size_t n = size * nmemb;
    if (b->len + n > b->max)
        return 0; /* stops the transfer: reported as too large */
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return n;
}

static void scan_url(struct scan *s, const char *url, size_t max_bytes)
{
    CURL *c = curl_easy_init();
    struct body b = {NULL, 0, max_bytes};
    if (!c) {
        wsc_error(s->ctx, "out of memory");
        return;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    long ms = (long)ceil(wsc_remaining(s->ctx) * 1000.0);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        wsc_error(s->ctx, "log_url: %s%s", curl_easy_strerror(rc),
                  rc == CURLE_WRITE_ERROR ? " (larger than max_bytes?)" : "");
    else if (status >= 400)
        wsc_error(s->ctx, "log_url: HTTP %ld", status);
    else
        scan_text(s, url, b.data ? b.data : "", b.len);
    free(b.data);
}

/* One failure for all findings: "N lines hold secrets: FILE:LINE
 * (PATTERN), ..." (the first max_reported; excerpts are in the notes and
 * the findings output). */
static void report(const struct scan *s)
{
    if (s->count == 0)
        return;
    char list[4096] = "";
    size_t used = 0;
    size_t shown = s->count < s->max_reported ? s->count : s->max_reported;
    for (size_t i = 0; i < shown && used < sizeof list; i++) {
        struct json_object *f = json_object_array_get_idx(s->findings, i);
        struct json_object *file, *line, *pattern;
        json_object_object_get_ex(f, "file", &file);
        json_object_object_get_ex(f, "line", &line);
        json_object_object_get_ex(f, "pattern", &pattern);
        int w = snprintf(list + used, sizeof list - used, "%s%s:%d (%s)", i ? ", " : "",
                         json_object_get_string(file), json_object_get_int(line),
                         json_object_get_string(pattern));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (shown < s->count)
        wsc_fail(s->ctx,
                 "%zu lines hold secrets: %s and %zu more (see the findings output)",
                 s->count, list, s->count - shown);
    else
        wsc_fail(s->ctx, "%zu line%s hold%s secrets: %s", s->count,
                 s->count == 1 ? "" : "s", s->count == 1 ? "s" : "", list);
}

void sec_check_secrets_in_logs(struct wsc_ctx *ctx, struct json_object *params)
{
    struct scan s = {
        .ctx = ctx,
        .secrets = wsc_param_array(params, "secrets"),
        .findings = json_object_new_array(),
        .max_reported = (size_t)wsc_param_int(params, "max_reported", 10),
    };
    if (!s.findings) {
        wsc_error(ctx, "out of memory");
        return;
    }
    /* registered first: from now on every report hides them */
    size_t n = s.secrets ? json_object_array_length(s.secrets) : 0;
    for (size_t i = 0; i < n; i++)
        wsc_secret(ctx, json_object_get_string(json_object_array_get_idx(s.secrets, i)));
    scan_globs(&s, wsc_param_array(params, "files"));
    const char *url = wsc_param_string(params, "log_url", NULL);
    if (url)
        scan_url(&s, url, (size_t)wsc_param_int(params, "max_bytes", 67108864));
    report(&s);
    wsc_metric(ctx, "findings", (double)s.count, "count");
    wsc_metric(ctx, "lines", (double)s.lines, "count");
    wsc_output(ctx, "findings", s.findings);
}
