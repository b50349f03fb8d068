/* wscheck-mock: clocks and time formats. */
#include "timefmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;

    /* Both clocks exist on every system we build for; a failure would
     * leave ts unset, so fall back to zero rather than garbage. */
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mock_wall_us(void)
{
    return clock_us(CLOCK_REALTIME);
}

int64_t mock_mono_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

const char *mock_iso_local(int64_t wall_us, char buf[MOCK_ISO_LEN])
{
    time_t secs = (time_t)(wall_us / 1000000);
    long micros = (long)(wall_us % 1000000);
    struct tm tm;
    size_t n;

    if (!localtime_r(&secs, &tm))
        return "1970-01-01T00:00:00.000000";
    n = strftime(buf, MOCK_ISO_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0)
        return "1970-01-01T00:00:00.000000";
    snprintf(buf + n, MOCK_ISO_LEN - n, ".%06ld", micros);
    return buf;
}

/* json-c would print a double with up to 17 significant digits; giving it
 * the text keeps the output to the microsecond and stable. */
static json_object *seconds_with_text(int64_t us)
{
    char text[32];
    int64_t whole = us / 1000000, frac = us % 1000000;

    if (frac < 0) {
        frac += 1000000;
        whole -= 1;
    }
    snprintf(text, sizeof(text), "%" PRId64 ".%06" PRId64, whole, frac);
    return json_object_new_double_s((double)us / 1e6, text);
}

json_object *mock_json_epoch(int64_t wall_us)
{
    return seconds_with_text(wall_us);
}

json_object *mock_json_now(void)
{
    return seconds_with_text(mock_wall_us());
}

json_object *mock_json_seconds(int64_t us)
{
    return seconds_with_text(us);
}

json_object *mock_json_iso(int64_t wall_us)
{
    char buf[MOCK_ISO_LEN];

    return json_object_new_string(mock_iso_local(wall_us, buf));
}
