/* Traces as a person reads them, one line per frame or event:
 *
 *   +0.412 ms  → http 152 B  GET /chat HTTP/1.1
 *                            Host: 127.0.0.1:41234
 *                            ...
 *   +1.207 ms  → text 15 B  {"type":"ping"}
 *   +1.530 ms  ← binary 4 B  de ad be ef
 *   +2.114 ms  ← close 9 B  4000 (private use) "bad input"
 *
 * Times are milliseconds since the test started, to the microsecond; "→"
 * is sent, "←" received, "·" anything else. Text payloads are shown with
 * line breaks and tabs escaped, binary ones as hex, close frames decoded
 * (code, its name from the close-code table, reason), header blocks one
 * header per line. A payload cut to what the trace keeps ends in "…".
 *
 * The text is not made safe for any medium: the JUnit writer passes it
 * through wsc_xml_safe(), the console through wsc_term_safe(). */
#ifndef WSC_TRACE_TEXT_H
#define WSC_TRACE_TEXT_H

#include <json-c/json.h>

/* One entry of a trace ({"t_ms", "dir", "kind", "len", "data", "hex"}),
 * without a final newline; a header block spans several lines. Malloc'ed,
 * NULL when out of memory. */
char *wsc_trace_entry_text(const struct json_object *entry);
/* Every entry of a trace array, each line ended by a newline; "" for NULL
 * or an empty trace. Malloc'ed, NULL when out of memory. */
char *wsc_trace_text(const struct json_object *trace);

#endif
