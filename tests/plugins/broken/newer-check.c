/* Built for a newer wscheck; one check sets a member this wscheck does not
 * know: refused, naming the check. */
#include "newer.h"

static void run(struct wsc_ctx *ctx, struct json_object *p)
{
    (void)ctx;
    (void)p;
}

static void later(void)
{
}

static const struct newer_check checks[] = {
    {.name = "plain", .summary = "nothing new", .run = run, .later_entry = NULL},
    {.name = "later",
     .summary = "uses a newer entry point",
     .run = run,
     .later_entry = later},
    {.name = NULL, .later_entry = NULL},
};

NEWER_PLUGIN("newercheck", checks, 0u);
