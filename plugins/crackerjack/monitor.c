/* job_monitor: GET /monitor/{id} is an HTML page naming the job, an invalid
 * id gets 400 "Invalid job ID", and (test_page) GET /test is an HTML page.
 * The URLs inside the pages are not checked (sanitised from v0.31.12). */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

static int is_html(const struct wsc_http_response *resp)
{
    struct json_object *ct = NULL;
    return json_object_object_get_ex(resp->headers, "content-type", &ct) &&
           strstr(json_object_get_string(ct), "text/html") != NULL;
}

/* GET path; the status must be `status`, the page HTML holding each of
 * the NULL-ended `needles`. */
static void page(struct wsc_ctx *ctx, const struct json_object *params, const char *path,
                 long status, const char *const *needles)
{
    struct wsc_http_response resp;
    if (cj_get(ctx, params, path, &resp) != 0)
        return;
    if (resp.status != status)
        wsc_fail(ctx, "GET %s: HTTP %ld, expected %ld", path, resp.status, status);
    else if (!is_html(&resp))
        wsc_fail(ctx, "GET %s: Content-Type is not text/html", path);
    for (size_t i = 0; resp.status == status && needles[i]; i++)
        if (!memmem(resp.body, resp.body_len, needles[i], strlen(needles[i])))
            wsc_fail(ctx, "GET %s: the page does not contain \"%s\"", path, needles[i]);
    wsc_http_response_free(&resp);
}

void cj_check_job_monitor(struct wsc_ctx *ctx, struct json_object *params)
{
    const char *id = wsc_param_string(params, "job_id", "test-123");
    const char *bad = wsc_param_string(params, "invalid_id", "bad@id");
    char *path = malloc(strlen(id) + sizeof "/monitor/");
    char *bad_path = malloc(strlen(bad) + sizeof "/monitor/");
    if (!path || !bad_path) {
        wsc_error(ctx, "out of memory");
    } else {
        strcpy(path, "/monitor/"), strcat(path, id);
        strcpy(bad_path, "/monitor/"), strcat(bad_path, bad);
        const char *const job[] = {"Crackerjack Job Monitor", id, NULL};
        const char *const invalid[] = {"Invalid job ID", NULL};
        const char *const test[] = {"<!DOCTYPE html>", NULL};
        page(ctx, params, path, 200, job);
        page(ctx, params, bad_path, 400, invalid);
        if (wsc_param_bool(params, "test_page", 1))
            page(ctx, params, "/test", 200, test);
        wsc_output(ctx, "job_id", json_object_new_string(id));
    }
    free(path);
    free(bad_path);
}
