/* wscheck-mock: the JSON configuration file. */
#include "config_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "server_options.h"
#include "pyjson.h"

#define CONFIG_MAX_BYTES (1 << 20)

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(CONFIG_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    *len = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
    if (ferror(f) || *len > CONFIG_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path,
                 ferror(f) ? "read error" : "file too large");
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* One scalar as the text an option takes on the command line. */
static int scalar_text(json_object *v, char *out, size_t outlen)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        snprintf(out, outlen, "%s", json_object_get_string(v));
        return 0;
    case json_type_int:
    case json_type_double:
        snprintf(out, outlen, "%s", json_object_to_json_string(v));
        return 0;
    case json_type_boolean:
        snprintf(out, outlen, "%s", json_object_get_boolean(v) ? "true" : "false");
        return 0;
    default:
        return -1;
    }
}

static int apply(struct mock_options *opt, const char *path, const char *key,
                 json_object *val, char *err, size_t errlen)
{
    char text[1024], why[256];
    size_t n = 1;
    bool is_list = json_object_is_type(val, json_type_array);

    if (strcmp(key, "config") == 0) {
        snprintf(err, errlen, "%s: \"config\" cannot be set in a config file", path);
        return -1;
    }
    if (is_list) {
        options_clear_list(opt, key);
        n = json_object_array_length(val);
    }
    for (size_t i = 0; i < n; i++) {
        json_object *item = is_list ? json_object_array_get_idx(val, i) : val;

        if (scalar_text(item, text, sizeof(text)) != 0) {
            snprintf(err, errlen, "%s: \"%s\" must be a string, number or boolean%s",
                     path, key, is_list ? " (or a list of them)" : "");
            return -1;
        }
        if (options_set(opt, key, text, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s: %s", path, why);
            return -1;
        }
    }
    return 0;
}

int config_load(struct mock_options *opt, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(path, &len, err, errlen), perr[200];
    json_object *root = NULL;
    int rc = 0;

    if (!text)
        return -1;
    if (pyjson_parse(text, len, false, &root, perr, sizeof(perr)) != PYJSON_OK) {
        snprintf(err, errlen, "%s: invalid JSON: %s", path, perr);
        rc = -1;
    } else if (!json_object_is_type(root, json_type_object)) {
        snprintf(err, errlen, "%s: expected a JSON object of option names", path);
        rc = -1;
    } else {
        json_object_object_foreach(root, key, val) {
            if (apply(opt, path, key, val, err, errlen) != 0) {
                rc = -1;
                break;
            }
        }
    }
    json_object_put(root);
    free(text);
    return rc;
}
