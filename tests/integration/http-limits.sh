#!/usr/bin/env bash
# http plugin limits: a slow server fails the test within its timeout (plus
# one second), a huge body is refused without holding it in memory.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
start_peer || { not_ok "the HTTP test server starts"; finish; exit 1; }

cat >"$T/limits.json" <<'JSON'
{
  "name": "http limits",
  "tests": [
    { "name": "slow response", "plugin": "http", "check": "request", "timeout": 1,
      "params": { "url": "${base}/slow?s=20" } },
    { "name": "slow health", "plugin": "http", "check": "health", "timeout": 1,
      "params": { "url": "${base}/slow?s=20" } },
    { "name": "stalled body", "plugin": "http", "check": "request", "timeout": 1,
      "params": { "url": "${base}/stall" } },
    { "name": "huge body", "plugin": "http", "check": "request", "timeout": 10,
      "params": { "url": "${base}/big?n=50000000&chunked=1" } },
    { "name": "huge declared body", "plugin": "http", "check": "request", "timeout": 10,
      "params": { "url": "${base}/big?n=50000000" } },
    { "name": "max_body_size", "plugin": "http", "check": "request", "timeout": 5,
      "params": { "url": "${base}/big?n=2000", "max_body_size": 1000 } },
    { "name": "within max_body_size", "plugin": "http", "check": "request", "timeout": 5,
      "params": { "url": "${base}/big?n=1000", "max_body_size": 1000,
                  "expect": { "body": { "$len": 1000 } } } },
    { "name": "large body cut in outputs", "plugin": "http", "check": "request", "timeout": 5,
      "params": { "url": "${base}/big?n=200000", "expect": { "body": { "$len": 200000 } } } }
  ]
}
JSON

run_wscheck run --filter 'slow response' --json "$T/slow.out.json" --var "base=$PEER_URL" "$T/limits.json"
expect_status 1 "a slow server fails the test"
expect_test "$T/slow.out.json" "slow response" failed "GET $PEER_URL/slow?s=20: no response within 1.0 s"

run_wscheck run --filter 'slow health' --json "$T/health.out.json" --var "base=$PEER_URL" "$T/limits.json"
expect_status 1 "a slow health endpoint fails the test"
expect_test "$T/health.out.json" "slow health" failed "GET $PEER_URL/slow?s=20: no response within 1.0 s"

run_wscheck run --junit "$T/limits.xml" --json "$T/limits.out.json" --var "base=$PEER_URL" "$T/limits.json"
expect_status 1 "the limits suite exits 1"
check "its JUnit report is valid" validate_junit "$T/limits.xml"
R=$T/limits.out.json
# the seconds shown are the test's timeout (1 s), the limit that applied
expect_test "$R" "stalled body" failed "GET $PEER_URL/stall: response not complete within 1.0 s"
expect_test "$R" "huge body" failed "GET $PEER_URL/big?n=50000000&chunked=1: response body larger than 8388608 bytes"
expect_test "$R" "huge declared body" failed "GET $PEER_URL/big?n=50000000: response body larger than 8388608 bytes"
expect_test "$R" "max_body_size" failed "GET $PEER_URL/big?n=2000: response body larger than 1000 bytes"
expect_test "$R" "within max_body_size" passed
expect_test "$R" "large body cut in outputs" passed
expect_json "$R" "len(t['large body cut in outputs']['outputs']['body']) == 65536" "the body output is cut at 64 KiB"
check "the JSON report stays small" test "$(wc -c <"$R")" -lt 300000

finish
