/* The defaults below the scenario files, with where each came from:
 * built-in, the configuration file, the environment (see config_file.h). */
#include "config_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"

void wsc_config_origin(const struct wsc_config *cfg, const char *pointer,
                       struct wsc_origin *o)
{
    int line, col;
    wsc_json_doc_pos(&cfg->doc, pointer, 0, &line, &col);
    o->kind = WSC_FROM_FILE;
    snprintf(o->where, sizeof o->where, "%s:%d:%d", cfg->doc.file ? cfg->doc.file : "-",
             line, col);
}

static void builtin(struct wsc_origin *o)
{
    o->kind = WSC_FROM_BUILTIN;
    snprintf(o->where, sizeof o->where, "built-in");
}

static void from_env(struct wsc_origin *o, const char *name)
{
    o->kind = WSC_FROM_ENV;
    snprintf(o->where, sizeof o->where, "%s", name);
}

/* The pointer of a defaults setting, in whichever spelling the file used. */
static void file_origin(const struct wsc_config *cfg, const char *ours, const char *alias,
                        struct wsc_origin *o)
{
    struct json_object *d;
    char ptr[64];
    const char *key = ours, *section = cfg->defaults ? cfg->defaults : "defaults";
    if (json_object_object_get_ex(cfg->doc.root, section, &d) &&
        !json_object_object_get_ex(d, ours, NULL))
        key = alias;
    snprintf(ptr, sizeof ptr, "/%s/%s", section, key);
    wsc_config_origin(cfg, ptr, o);
}

/* An environment value: a number >= min (an integer when integral). 1 when
 * set and valid, 0 when unset or empty, -1 (reported) when malformed. */
static int env_number(const char *name, double min, double max, int integral, double *out,
                      struct wsc_diag *diag)
{
    const char *s = getenv(name);
    char *end;
    if (!s || !*s)
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min || v > max ||
        (integral && v != floor(v))) {
        wsc_diag_at(diag, "wscheck", 0, 0, "%s: expected %s, got '%s'", name,
                    integral ? "an integer >= 0" : "a number of seconds > 0", s);
        return -1;
    }
    *out = v;
    return 1;
}

int wsc_settings_resolve(struct wsc_settings *s, const struct wsc_config *cfg,
                         struct wsc_diag *diag)
{
    double v;
    int rc, status = 0;
    memset(s, 0, sizeof *s);
    s->timeout = 5.0; /* WSC_DEFAULT_TIMEOUT */
    builtin(&s->timeout_from);
    s->retries = 0;
    builtin(&s->retries_from);
    if (cfg && (cfg->set & WSC_CFG_TIMEOUT)) {
        s->timeout = cfg->timeout;
        file_origin(cfg, "timeout", "default_timeout", &s->timeout_from);
    }
    if (cfg && (cfg->set & WSC_CFG_RETRIES)) {
        s->retries = cfg->retries;
        file_origin(cfg, "retry_attempts", "retries", &s->retries_from);
    }
    if ((rc = env_number("WSCHECK_TIMEOUT", 0.001, 1000000.0, 0, &v, diag)) > 0) {
        s->timeout = v;
        from_env(&s->timeout_from, "WSCHECK_TIMEOUT");
    }
    status |= rc < 0;
    if ((rc = env_number("WSCHECK_RETRIES", 0, 1000000.0, 1, &v, diag)) > 0) {
        s->retries = (int)v;
        from_env(&s->retries_from, "WSCHECK_RETRIES");
    }
    status |= rc < 0;
    return status ? -1 : 0;
}
