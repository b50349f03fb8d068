/* wscheck-mock: JSON and times as crackerjack's Python writes them.
 * Job files and tool results are json.dumps(..., indent=2) with
 * ensure_ascii; timestamps are datetime.now().isoformat(): local time
 * without a zone, the fraction left out when it is zero. */
#ifndef WSCHECK_MOCK_CJ_JSON_H
#define WSCHECK_MOCK_CJ_JSON_H

#include <stdint.h>

#include <json-c/json.h>

#define CJ_ISO_LEN 40

/* json.dumps(value, indent=2) as a new string (free()), or NULL. */
char *cj_json_indent(json_object *value);

/* Local isoformat() of wall_us into buf; returns buf. */
const char *cj_iso(int64_t wall_us, char buf[CJ_ISO_LEN]);

/* An epoch float (time.time()) for wall_us, printed as Python would. */
json_object *cj_json_epoch(int64_t wall_us);

#endif
