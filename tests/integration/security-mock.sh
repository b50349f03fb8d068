#!/usr/bin/env bash
# security plugin against wscheck-mock's security options: the example
# suite scenarios/security.json as a user runs it against a secure mock,
# the same suite failing with precise messages against the mock without
# those options (the deliberately insecure configuration), and each of the
# mock's token mechanisms.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
SECURE=(--no-mcp --allowed-origin https://app.example --auth-token s3cret
    --role viewer:vtok:ping,get_stats)

start_mock "${SECURE[@]}" || { not_ok "secure mock starts"; finish; exit 1; }
run_wscheck run --junit "$T/secure.xml" --json "$T/secure.json" \
    "$top_srcdir/scenarios/security.json"
expect_status 0 "scenarios/security.json passes against the secure mock"
check "its JUnit report is valid against both schemas" validate_junit "$T/secure.xml"
expect_json "$T/secure.json" "len(t['a viewer cannot echo or broadcast']['cases']) == 4" \
    "authorization reports a case per action"
if grep -qe 's3cret' -e 'vtok' "$T/secure.json" "$T/secure.xml" "$T/stdout"; then
    not_ok "no token in the reports"
else ok "no token in the reports"; fi
stop_pid "$MOCK_PID"

# The mock without its security options: everything is accepted.
start_mock --no-mcp || { not_ok "insecure mock starts"; finish; exit 1; }
run_wscheck run --json "$T/open.json" "$top_srcdir/scenarios/security.json"
expect_status 1 "the suite fails against the insecure mock"
R=$T/open.json
for name in "foreign origins are refused, with credentials too" \
            "the bearer token is required" "a viewer cannot echo or broadcast"; do
    report_status "$R" "$name" failed
done
expect_json "$R" "[c['message'] for c in t['foreign origins are refused, with credentials too']['cases'] if c['name'] == 'foreign Origin null with credentials'] == ['a foreign Origin null with credentials (cross-site WebSocket hijacking) was accepted (HTTP 101); expected a refusal: HTTP 401/403 or close 1008/4001-4999']" \
    "origin: the accepted foreign Origin is named with the answer"
expect_json "$R" "[c['message'] for c in t['the bearer token is required']['cases'] if c['name'] == 'no credentials'] == ['an upgrade with no credentials (bearer) was accepted (HTTP 101); expected a refusal: HTTP 401/403 or close 1008/4001-4999']" \
    "authentication: the accepted upgrade without credentials is named"
expect_json "$R" "[c['message'] for c in t['a viewer cannot echo or broadcast']['cases'] if c['name'] == 'denied: echo'][0].startswith('the denied action echo was performed (answered {\"type\":\"echo_response\"')" \
    "authorization: the performed action and its answer are named"
stop_pid "$MOCK_PID"

# mechanism_suite MECHANISM EXTRA: a suite of one authentication test by
# MECHANISM, EXTRA being more params (JSON members with a leading comma).
mechanism_suite() {
    cat <<JSON
{ "name": "mechanisms",
  "tests": [ { "name": "auth", "plugin": "security", "check": "authentication",
               "params": { "url": "$MOCK_URL", "mechanism": "$1", "token": "s3cret"$2 } } ] }
JSON
}

# Each token mechanism of the mock, secure, then against the mock without a
# token (no and wrong credentials accepted).
for mechanism in query cookie subprotocol message; do
    case $mechanism in
    subprotocol) extra=', "prefix": "bearer.", "subprotocols": ["wscheck-mock"]' ;;
    message) extra=', "accept": { "type": "auth_ok" }' ;;
    *) extra="" ;;
    esac
    start_mock --no-mcp --auth-token s3cret --auth-via "$mechanism" ||
        { not_ok "mock with --auth-via $mechanism starts"; continue; }
    mechanism_suite "$mechanism" "$extra" >"$T/$mechanism.suite.json"
    run_wscheck run --json "$T/$mechanism.json" "$T/$mechanism.suite.json"
    expect_status 0 "authentication by $mechanism passes against --auth-via $mechanism"
    stop_pid "$MOCK_PID"
    start_mock --no-mcp || { not_ok "open mock starts"; continue; }
    mechanism_suite "$mechanism" "$extra" >"$T/$mechanism.suite.json"
    run_wscheck run --json "$T/$mechanism.open.json" "$T/$mechanism.suite.json"
    expect_status 1 "authentication by $mechanism fails against a mock without a token"
    expect_json "$T/$mechanism.open.json" "[c['status'] for c in t['auth']['cases']][:2] == ['failed', 'failed']" \
        "$mechanism: no and wrong credentials accepted, the failures say so"
    stop_pid "$MOCK_PID"
done
finish
