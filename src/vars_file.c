/* --vars-file and the configuration's variables: see vars_file.h. */
#include "vars_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "json_doc.h"
#include "json_pointer_build.h"
#include "scenario.h"
#include "util.h"

/* Expands one value (its $secret wrapper taken off) with what vars holds so
 * far and sets it in layer. Returns 0, or -1 (reported at ptr). */
static int set_one(const struct wsc_json_doc *doc, const char *ptr, const char *name,
                   const struct json_object *written, enum wsc_var_layer layer,
                   struct wsc_vars *vars, struct wsc_diag *diag)
{
    const struct json_object *tmpl = wsc_secret_wrapped(written);
    char *err = NULL, *where = NULL;
    if (tmpl && wsc_vars_mark_secret(vars, name) < 0)
        return -1;
    struct json_object *val =
        wsc_vars_expand_at(vars, tmpl ? tmpl : written, &err, &where);
    if (err) {
        char *at =
            wsc_strdup_printf("%s%s%s", ptr, tmpl ? "/$secret" : "", where ? where : "");
        wsc_json_doc_error(doc, diag, at ? at : ptr, 0, "vars.%s: %s", name, err);
        free(at);
        free(err);
        free(where);
        return -1;
    }
    return wsc_vars_set(vars, layer, name, val);
}

int wsc_vars_file_load(const char *path, struct wsc_vars *vars,
                       const struct wsc_vars *args, struct wsc_diag *diag)
{
    struct wsc_json_doc doc;
    int errors = 0;
    if (wsc_json_doc_load(&doc, path, 1, diag) < 0)
        return -1;
    if (!json_object_is_type(doc.root, json_type_object)) {
        wsc_json_doc_error(&doc, diag, "", 0,
                           "a vars file must be an object (variable name -> value), "
                           "got %s",
                           wsc_json_type_name(doc.root));
        wsc_json_doc_clear(&doc);
        return -1;
    }
    json_object_object_foreach(doc.root, name, val) {
        char *ptr = wsc_json_pointer_join("", name);
        if (!ptr) {
            errors++;
            break;
        }
        if (!wsc_var_name_valid(name)) {
            wsc_json_doc_error(&doc, diag, ptr, 1,
                               "invalid variable name '%s' (letters, digits, '_' and "
                               "'-', not starting with a digit or '-')",
                               name);
            errors++;
        } else if (wsc_vars_layer(args, name) != WSC_VARS_CLI &&
                   set_one(&doc, ptr, name, val, WSC_VARS_CLI, vars, diag) < 0) {
            errors++;
        }
        free(ptr);
    }
    wsc_json_doc_clear(&doc);
    return errors ? -1 : 0;
}

char *wsc_endpoint_var(const char *name, const char *member)
{
    return wsc_strdup_printf("endpoint-%s-%s", name, member);
}

/* endpoint-NAME-url, -kind and -headers. */
static int endpoint_vars(const struct wsc_config *cfg, const struct wsc_endpoint *e,
                         struct wsc_vars *vars, struct wsc_diag *diag)
{
    char *base = wsc_json_pointer_join("/mcp_server_endpoints", e->name);
    char *ptr = base ? wsc_json_pointer_join(base, "url") : NULL;
    char *url = wsc_endpoint_var(e->name, "url"),
         *kind = wsc_endpoint_var(e->name, "kind");
    char *headers = wsc_endpoint_var(e->name, "headers");
    struct json_object *u = json_object_new_string(e->url);
    int rc = -1;
    if (ptr && url && kind && headers && u &&
        set_one(&cfg->doc, ptr, url, u, WSC_VARS_FILE, vars, diag) == 0 &&
        wsc_vars_set(vars, WSC_VARS_FILE, kind,
                     json_object_new_string(wsc_endpoint_kind_name(e->kind))) == 0) {
        char *hp = e->headers ? wsc_json_pointer_join(base, "headers") : NULL;
        rc = 0;
        /* expanded like the URL: a token from ${env:...} */
        if (e->headers && (!hp || set_one(&cfg->doc, hp, headers, e->headers,
                                          WSC_VARS_FILE, vars, diag) < 0))
            rc = -1;
        free(hp);
    }
    json_object_put(u);
    free(base);
    free(ptr);
    free(url);
    free(kind);
    free(headers);
    return rc;
}

int wsc_config_apply(const struct wsc_config *cfg, struct wsc_vars *vars,
                     struct wsc_redactor *red, struct wsc_diag *diag)
{
    int errors = 0;
    if (cfg->vars) {
        json_object_object_foreach((struct json_object *)cfg->vars, name, val) {
            char *ptr = wsc_json_pointer_join("/vars", name);
            if (!ptr || set_one(&cfg->doc, ptr, name, val, WSC_VARS_FILE, vars, diag) < 0)
                errors++;
            free(ptr);
        }
    }
    for (size_t i = 0; i < cfg->n_endpoints; i++)
        if (cfg->endpoints[i].url &&
            endpoint_vars(cfg, &cfg->endpoints[i], vars, diag) < 0)
            errors++;
    for (size_t i = 0; cfg->secrets && i < json_object_array_length(cfg->secrets); i++)
        if (wsc_vars_mark_secret(vars, json_object_get_string(json_object_array_get_idx(
                                           cfg->secrets, i))) < 0)
            errors++;
    for (size_t i = 0; cfg->names && i < json_object_array_length(cfg->names); i++)
        if (wsc_redactor_add_name(red, json_object_get_string(
                                           json_object_array_get_idx(cfg->names, i))) < 0)
            errors++;
    return errors ? -1 : 0;
}
