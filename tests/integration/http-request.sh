#!/usr/bin/env bash
# http plugin, request and health checks against the Python HTTP test server:
# methods, bodies, expectations, redirects, captures and the reports.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
start_peer || { not_ok "the HTTP test server starts"; finish; exit 1; }
# A port nothing listens on: free a moment ago, chosen now.
CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }

# ---- everything passes -------------------------------------------------------
cat >"$T/pass.json" <<'JSON'
{
  "name": "http requests",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "get json", "plugin": "http", "check": "request",
      "params": { "url": "${base}/json",
                  "expect": { "status": 200,
                              "headers": { "Content-Type": "application/json" },
                              "json": { "status": "ok", "items": { "$len": 3 } } } },
      "capture": { "who": "/json/nested/name" } },
    { "name": "captured value is sent", "plugin": "http", "check": "request",
      "params": { "method": "POST", "url": "${base}/echo",
                  "headers": { "X-Name": "${who}" },
                  "json": { "hello": "${who}", "n": [1, 2] },
                  "expect": { "json": { "method": "POST",
                                        "headers": { "x-name": "wscheck",
                                                     "content-type": "application/json" },
                                        "body": "{\"hello\":\"wscheck\",\"n\":[1,2]}" } } } },
    { "name": "put text body", "plugin": "http", "check": "request",
      "params": { "method": "PUT", "url": "${base}/echo", "body": "plain text",
                  "headers": { "Content-Type": "text/plain" },
                  "expect": { "json": { "method": "PUT", "body": "plain text" } } } },
    { "name": "body matchers", "plugin": "http", "check": "request",
      "params": { "url": "${base}/text",
                  "expect": { "body": { "$contains": "ok" } } } },
    { "name": "body regex", "plugin": "http", "check": "request",
      "params": { "url": "${base}/text",
                  "expect": { "status": [200, 204], "body": { "$regex": "^all ok" } } } },
    { "name": "repeated headers", "plugin": "http", "check": "request",
      "params": { "url": "${base}/headers",
                  "expect": { "headers": { "x-multi": "one, two",
                                           "x-single": { "$regex": "^Value" } } } } },
    { "name": "redirect not followed", "plugin": "http", "check": "request",
      "params": { "url": "${base}/redirect/2",
                  "expect": { "status": 302, "headers": { "location": "/redirect/1" } } } },
    { "name": "redirect followed", "plugin": "http", "check": "request",
      "params": { "url": "${base}/redirect/2", "follow_redirects": true,
                  "expect": { "status": 200, "body": "arrived" } } },
    { "name": "expected 404", "plugin": "http", "check": "request",
      "params": { "url": "${base}/nowhere", "expect": { "status": 404 } } },
    { "name": "status matcher", "plugin": "http", "check": "request",
      "params": { "url": "${base}/status/503", "expect": { "status": { "$gte": 500 } } } },
    { "name": "head", "plugin": "http", "check": "request",
      "params": { "method": "HEAD", "url": "${base}/json",
                  "expect": { "headers": { "content-length": { "$exists": true } } } } },
    { "name": "health", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health", "expect": { "json": { "status": "ok" } } } },
    { "name": "health plain", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health" } }
  ]
}
JSON
run_wscheck run --junit "$T/pass.xml" --json "$T/pass.out.json" --var "base=$PEER_URL" "$T/pass.json"
expect_status 0 "a passing HTTP suite exits 0"
expect_match '13 passed, 0 failed' "$out" "the summary counts every test"
check "the JUnit report is valid against both schemas" validate_junit "$T/pass.xml"
expect_json "$T/pass.out.json" "all(x['status'] == 'passed' for x in t.values())" "every test passed"
expect_json "$T/pass.out.json" "t['get json']['outputs']['status'] == 200" "outputs hold the status"
expect_json "$T/pass.out.json" "t['get json']['outputs']['json']['items'] == [1, 2, 3]" "outputs hold the parsed JSON"
expect_json "$T/pass.out.json" "t['get json']['outputs']['headers']['content-type'] == 'application/json'" "outputs hold lower-cased headers"
expect_json "$T/pass.out.json" "t['body matchers']['outputs']['body'] == 'all ok here'" "outputs hold the body text"
expect_json "$T/pass.out.json" "'json' not in t['body matchers']['outputs']" "no json output for a text body"
expect_json "$T/pass.out.json" "t['redirect followed']['outputs']['url'].endswith('/redirect/0')" "outputs name the URL finally fetched"
expect_json "$T/pass.out.json" "sorted(m('get json')) == ['connect_ms', 'dns_ms', 'tls_ms', 'total_ms', 'ttfb_ms']" "request reports the five timings"
expect_json "$T/pass.out.json" "all(x['unit'] == 'ms' for x in t['get json']['metrics'])" "timings are in ms"
expect_json "$T/pass.out.json" "0 < m('get json')['ttfb_ms'] <= m('get json')['total_ms']" "ttfb is within total"
check "JUnit carries the timings as properties" grep -q 'ttfb_ms' "$T/pass.xml"

# ---- failures with precise messages -----------------------------------------------
cat >"$T/fail.json" <<'JSON'
{
  "name": "http failures",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "wrong status", "plugin": "http", "check": "request",
      "params": { "url": "${base}/status/404", "expect": { "status": 200 } } },
    { "name": "default rule", "plugin": "http", "check": "request",
      "params": { "url": "${base}/status/500" } },
    { "name": "health 503", "plugin": "http", "check": "health",
      "params": { "url": "${base}/status/503" } },
    { "name": "health redirect", "plugin": "http", "check": "health",
      "params": { "url": "${base}/redirect/1" } },
    { "name": "wrong json", "plugin": "http", "check": "request",
      "params": { "url": "${base}/json", "expect": { "json": { "status": "down" } } } },
    { "name": "not json", "plugin": "http", "check": "request",
      "params": { "url": "${base}/text", "expect": { "json": { "status": "ok" } } } },
    { "name": "invalid json", "plugin": "http", "check": "request",
      "params": { "url": "${base}/badjson", "expect": { "json": { "status": "ok" } } } },
    { "name": "missing header", "plugin": "http", "check": "request",
      "params": { "url": "${base}/json", "expect": { "headers": { "X-Request-Id": { "$exists": true } } } } },
    { "name": "body mismatch", "plugin": "http", "check": "request",
      "params": { "url": "${base}/text", "expect": { "body": { "$contains": "down" } } } },
    { "name": "two mismatches", "plugin": "http", "check": "request",
      "params": { "url": "${base}/json", "expect": { "status": 201, "json": { "status": "down" } } } },
    { "name": "refused", "plugin": "http", "check": "request",
      "params": { "url": "http://${closed}/health" } },
    { "name": "redirect loop", "plugin": "http", "check": "request",
      "params": { "url": "${base}/loop", "follow_redirects": true } }
  ]
}
JSON
run_wscheck run --junit "$T/fail.xml" --json "$T/fail.out.json" --var "base=$PEER_URL" \
    --var "closed=127.0.0.1:$CLOSED_PORT" "$T/fail.json"
expect_status 1 "a failing HTTP suite exits 1"
check "the JUnit report of failures is valid" validate_junit "$T/fail.xml"
R=$T/fail.out.json
expect_test "$R" "wrong status" failed "/status: expected 200, got 404"
expect_test "$R" "default rule" failed "/status: expected < 400, got 500"
expect_test "$R" "health 503" failed "/status: expected < 300, got 503"
expect_test "$R" "health redirect" failed "/status: expected < 300, got 302"
expect_test "$R" "wrong json" failed '/json/status: expected "down", got "ok"'
expect_test "$R" "not json" failed "/json: the body is not JSON (content-type: text/plain, 11 bytes)"
expect_json "$R" "t['invalid json']['message'].startswith('/json: the body is not valid JSON: ')" "invalid JSON is named as such"
expect_json "$R" "t['missing header']['message'].startswith('/headers/x-request-id: ')" "a missing header names its path"
expect_json "$R" "t['body mismatch']['message'].startswith('/body: ')" "a body mismatch names the body"
expect_json "$R" "t['two mismatches']['message'].startswith('/status: expected 201, got 200; /json/status:')" "every mismatch is reported"
expect_test "$R" "refused" failed "connect to 127.0.0.1:$CLOSED_PORT failed: Connection refused"
expect_test "$R" "redirect loop" failed "GET $PEER_URL/loop: more than 10 redirects"
# body with json is refused before anything runs, at the json param.
printf '%s\n' '{ "name": "both", "tests": [ { "name": "body and json", "plugin": "http",' \
    '  "check": "request", "params": { "url": "http://127.0.0.1:1/", "body": "x",' \
    '  "json": { "a": 1 } } } ] }' >"$T/both.json"
run_wscheck run "$T/both.json"
expect_status 2 "body with json exits 2 before running"
expect_match "both\.json:3:11: test 'body and json': params\.json: give either body or json, not both" \
    "$err" "body with json is placed at json"
expect_json "$R" "t['wrong status']['outputs']['status'] == 404" "a failed test still has its outputs"
check "JUnit records the status failure" grep -q 'message="/status: expected 200, got 404"' "$T/fail.xml"
check "JUnit escapes the JSON mismatch" grep -q 'message="/json/status: expected &quot;down&quot;, got &quot;ok&quot;"' "$T/fail.xml"

# ---- validation catches mistakes before anything runs --------------------------------
cat >"$T/typo.json" <<JSON
{ "name": "typo", "tests": [
  { "name": "t", "plugin": "http", "check": "request",
    "params": { "url": "http://127.0.0.1:$CLOSED_PORT/", "methd": "GET" } } ] }
JSON
run_wscheck validate "$T/typo.json"
expect_status 2 "an unknown param is a scenario error"
expect_match 'methd' "$out$err" "the error names the unknown param"
cat >"$T/badmethod.json" <<JSON
{ "name": "bad method", "tests": [
  { "name": "t", "plugin": "http", "check": "request",
    "params": { "url": "http://127.0.0.1:$CLOSED_PORT/", "method": "FETCH" } } ] }
JSON
run_wscheck validate "$T/badmethod.json"
expect_status 2 "a method outside the enum is a scenario error"

# ---- secrets stay out of the reports ------------------------------------------------------
cat >"$T/secret.json" <<'JSON'
{ "name": "secrets", "defaults": { "timeout": 5 }, "tests": [
  { "name": "auth echo", "plugin": "http", "check": "request",
    "params": { "url": "${base}/echo",
                "headers": { "Authorization": "Bearer tok-4711-secret" },
                "expect": { "json": { "headers": { "authorization": "nope" } } } } } ] }
JSON
run_wscheck run --junit "$T/secret.xml" --json "$T/secret.out.json" --var "base=$PEER_URL" "$T/secret.json"
expect_status 1 "the secret test fails (so its trace is kept)"
check "the Authorization value never reaches the JSON report" \
    sh -c "test -s '$T/secret.out.json' && ! grep -q 'tok-4711-secret' '$T/secret.out.json'"
check "the Authorization value never reaches the JUnit report" \
    sh -c "test -s '$T/secret.xml' && ! grep -q 'tok-4711-secret' '$T/secret.xml'"
expect_json "$T/secret.out.json" "'***' in t['auth echo']['message']" "the message shows the redaction"

finish
