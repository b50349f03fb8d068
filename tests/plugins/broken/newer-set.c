/* Built for a newer wscheck and using what it added: refused. */
#include "newer.h"

static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)p;
    wsc_note(ctx, "must never run");
}

static const struct newer_check checks[] = {
    {.name = "later", .summary = "uses a newer feature", .run = run, .later_entry = NULL},
    {.name = NULL, .later_entry = NULL},
};

NEWER_PLUGIN("newerset", checks, 1u);
