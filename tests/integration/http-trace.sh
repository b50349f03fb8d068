#!/bin/sh
# The trace of a failed HTTP test, as JUnit shows it: each request and each
# answer (a redirect too) with its status or request line and every header,
# one per line, with arrows and microsecond times.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/http-common.sh"

start_peer || { not_ok "the HTTP test server starts"; finish; exit 1; }
cat >"$WSC_TMP/trace.json" <<'JSON'
{
  "name": "http trace",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "redirected", "plugin": "http", "check": "request",
      "params": { "url": "${base}/redirect/1", "follow_redirects": true,
                  "headers": { "X-Trace": "wanted" },
                  "expect": { "status": 201 } } }
  ]
}
JSON
run_wscheck run --junit "$WSC_TMP/trace.xml" --var "base=$PEER_URL" "$WSC_TMP/trace.json"
expect_status 1 "the test fails (so its trace is kept)"
check "JUnit valid against both schemas" validate_junit "$WSC_TMP/trace.xml"
failure=$("$PYTHON_WS" -c '
import sys, xml.etree.ElementTree as ET
print(ET.parse(sys.argv[1]).findtext("testsuite/testcase/failure") or "")' "$WSC_TMP/trace.xml")
T='^\+[0-9]+\.[0-9]{3} ms  '
expect_match "${T}→ http [0-9]+ B  GET /redirect/1 HTTP/1\\.1\$" "$failure" \
    "the first request line, sent"
expect_match '^ +X-Trace: wanted$' "$failure" "the request's own header"
expect_match "^ +Host: $PEER_HOSTPORT\$" "$failure" "the Host header libcurl adds"
expect_match "${T}← http [0-9]+ B  HTTP/1\\.[01] 302 " "$failure" "the redirect's status line"
expect_match '^ +Location: /redirect/0$' "$failure" "the redirect's Location header"
expect_match "${T}→ http [0-9]+ B  GET /redirect/0 HTTP/1\\.1\$" "$failure" \
    "the redirected request"
expect_match "${T}← http [0-9]+ B  HTTP/1\\.[01] 200 " "$failure" "the final answer"
finish
