#!/usr/bin/env bash
# http plugin, discover: which paths of a server respond, and how.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
start_peer || { not_ok "the HTTP test server starts"; finish; exit 1; }
# A port nothing listens on: free a moment ago, chosen now.
CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }

cat >"$T/discover.json" <<'JSON'
{
  "name": "http discovery",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "some paths", "plugin": "http", "check": "discover",
      "params": { "url": "${base}/", "paths": ["/health", "json", "/nope", "/status/500", "/redirect/1"],
                  "expect": { "responding": { "$contains": "/health" } } },
      "capture": { "first": "/responding/0" } },
    { "name": "default paths", "plugin": "http", "check": "discover",
      "params": { "url": "${base}" } },
    { "name": "expectation not met", "plugin": "http", "check": "discover",
      "params": { "url": "${base}", "paths": ["/health", "/nope"],
                  "expect": { "responding": { "$contains": "/nope" } } } },
    { "name": "host down", "plugin": "http", "check": "discover",
      "params": { "url": "http://${closed}", "paths": ["/health", "/status"] } },
    { "name": "captured path", "plugin": "http", "check": "health",
      "params": { "url": "${base}${first}" } }
  ]
}
JSON
run_wscheck run --junit "$T/d.xml" --json "$T/d.out.json" --var "base=$PEER_URL" \
    --var "closed=127.0.0.1:$CLOSED_PORT" "$T/discover.json"
expect_status 1 "the discovery suite (with two failures) exits 1"
check "its JUnit report is valid" validate_junit "$T/d.xml"
R=$T/d.out.json
expect_test "$R" "some paths" passed
expect_json "$R" "[e['path'] for e in t['some paths']['outputs']['endpoints']] == ['/health', 'json', '/nope', '/status/500', '/redirect/1']" "every path is reported, in order"
expect_json "$R" "[e['status'] for e in t['some paths']['outputs']['endpoints']] == [200, 200, 404, 500, 302]" "each with its status"
expect_json "$R" "t['some paths']['outputs']['endpoints'][0]['content_type'] == 'application/json'" "and its content type"
expect_json "$R" "all(e['total_ms'] > 0 for e in t['some paths']['outputs']['endpoints'])" "and its time"
expect_json "$R" "t['some paths']['outputs']['responding'] == ['/health', 'json', '/redirect/1']" "responding lists statuses below 400"
expect_test "$R" "default paths" passed
expect_json "$R" "'/health' in t['default paths']['outputs']['responding'] and '/metrics' not in t['default paths']['outputs']['responding']" "the default paths find /health"
expect_json "$R" "t['expectation not met']['status'] == 'failed' and t['expectation not met']['message'].startswith('/responding')" "an unmet expectation names its path"
expect_test "$R" "host down" failed "connect to 127.0.0.1:$CLOSED_PORT failed: Connection refused"
expect_test "$R" "captured path" passed

finish
