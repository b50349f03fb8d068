/* wscheck-mock: clocks and the time formats of the protocol.
 * Protocol timestamps are epoch seconds with a fractional part; ISO times
 * are local time "YYYY-MM-DDTHH:MM:SS.ffffff" without a zone, as the
 * reference server (Python's datetime.isoformat()) writes them. */
#ifndef WSCHECK_MOCK_TIMEFMT_H
#define WSCHECK_MOCK_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define MOCK_ISO_LEN 32

/* Wall clock, microseconds since the epoch. */
int64_t mock_wall_us(void);

/* Monotonic clock in microseconds, for durations and timers. */
int64_t mock_mono_us(void);

/* Writes the local ISO time of wall_us into buf (MOCK_ISO_LEN bytes).
 * Returns buf, or a fixed placeholder if the time cannot be converted. */
const char *mock_iso_local(int64_t wall_us, char buf[MOCK_ISO_LEN]);

/* A JSON number with six decimals for an epoch time in microseconds. */
json_object *mock_json_epoch(int64_t wall_us);

/* A JSON number with six decimals for "now". */
json_object *mock_json_now(void);

/* A JSON number with six decimals for a duration in microseconds. */
json_object *mock_json_seconds(int64_t us);

/* A JSON string with the local ISO time of wall_us. */
json_object *mock_json_iso(int64_t wall_us);

#endif
