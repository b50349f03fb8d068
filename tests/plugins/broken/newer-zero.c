/* Built for a newer wscheck but leaving what it added unset: loads, and its
 * checks run (stepping through the table by its larger check size). */
#include "newer.h"

static void first(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)p;
    wsc_output(ctx, "which", json_object_new_string("first"));
}

static void second(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)p;
    wsc_output(ctx, "which", json_object_new_string("second"));
}

static const struct newer_check checks[] = {
    {.name = "first",
     .summary = "outputs which=first",
     .run = first,
     .later_entry = NULL},
    {.name = "second",
     .summary = "outputs which=second",
     .run = second,
     .later_entry = NULL},
    {.name = NULL, .later_entry = NULL},
};

NEWER_PLUGIN("newerzero", checks, 0u);
