#!/bin/sh
# ws-basic compliance (RFC 6455, Autobahn-style cases on raw frames) graded
# against independent servers (node `ws` and Python `websockets`, both
# strict), wscheck-mock (libwebsockets, with its known gaps as expected
# failures: scenarios/compliance.json), and deliberately broken raw servers
# that must fail the cases they violate.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-ws python-websockets
require_mock
. "$top_srcdir/tests/integration/ws-basic-common.sh"

# suite NAME URL [PARAMS]: a scenario of one compliance test named "suite".
suite() {
    cat >"$WSC_TMP/$1.json" <<EOF2
{"name": "compliance", "defaults": {"timeout": 60},
 "tests": [{"name": "suite", "plugin": "ws-basic", "check": "compliance",
            "params": {"url": "$2"${3:+, $3}}}]}
EOF2
}

# cases NAME EXPR "description": EXPR over c, the test's cases by id.
cases() {
    report_true "$1" "(lambda c: $2)({x['name']: x for x in t['suite']['cases']})" "$3"
}

# ---- strict servers: every case OK or NON-STRICT ---------------------------------
for peer in node websockets; do
    if [ "$peer" = node ]; then
        node_ws_available || { not_ok "node ws installed"; continue; }
        start_node_peer
    else
        start_py_peer
    fi
    suite "$peer" "$PEER_URL"
    run_scenario "$peer"
    expect_reports "$peer" 0 "$peer: the whole suite"
    cases "$peer" "len(c) >= 90 and all(x['status'] == 'passed' for x in c.values())" \
        "$peer: every case passed"
    report_true "$peer" "o('suite')['counts']['failed'] == 0 and o('suite')['counts']['ok'] >= 90" \
        "$peer: counts say OK"
    cases "$peer" "c['8.1']['message'] == 'unmasked text frame refused with 1002: OK'" \
        "$peer: a case's message names it and its behaviour"
    check "$peer: JUnit has one testcase per case" \
        grep -q 'testcase name="suite / 7.3.11"' "$WSC_TMP/$peer.xml"
    stop_pid "$PEER_PID"
done

# ---- wscheck-mock: scenarios/compliance.json with its expected failures --------------
start_node_peer
NODE_URL=$PEER_URL
if start_mock; then
    cp "$top_srcdir/scenarios/compliance.json" "$WSC_TMP/scenario.json"
    run_scenario scenario --var "echo_url=$NODE_URL/" --var "port=$MOCK_PORT"
    expect_reports scenario 0 "scenarios/compliance.json against node ws and the mock"
    report_true scenario "all(x['status'] == 'passed' for x in t['echo server']['cases'])" \
        "scenario: the echo server passes every case"
    report_true scenario "[x['status'] for x in t['wscheck-mock']['cases'] if x['name'] == '8.1'] == ['skipped']" \
        "scenario: the mock's unmasked-frame gap is an expected failure"
    report_true scenario "all(x['message'].startswith('expected failure (') for x in t['wscheck-mock']['cases'] if x['status'] == 'skipped')" \
        "scenario: expected failures say so"
    report_true scenario "o('wscheck-mock')['counts']['expected_failures'] > 0 and o('wscheck-mock')['behaviours']['4.1.1'] == 'OK'" \
        "scenario: the mock refuses reserved opcodes"
    check "scenario: JUnit reports expected failures as skipped" \
        grep -q '<skipped message="expected failure' "$WSC_TMP/scenario.xml"
    stop_pid "$MOCK_PID"
else
    not_ok "wscheck-mock started"
fi

# ---- an expected failure that passes is a warning --------------------------------------
suite passing "$NODE_URL" '"cases": ["8.*"], "expected_failures": ["8.1"]'
run_scenario passing
expect_reports passing 0 "an expected failure that passes"
cases passing "c['8.1']['status'] == 'passed' and 'though listed in expected_failures' in c['8.1']['message']" \
    "8.1: passed, though listed"
report_true passing "any('remove it from expected_failures' in w for w in t['suite'].get('warnings') or [])" \
    "a warning names the case to remove"
stop_pid "$PEER_PID"

# ---- a server that validates nothing fails the cases it violates -----------------------
start_raw_peer lax-echo
suite lax "$PEER_URL" '"case_timeout": 0.5, "cases": ["1.1.2", "2.4", "3.*", "4.*", "5.*", "6.2.*", "7.1.5", "7.1.6", "7.3.*", "8.1"]'
run_scenario lax
expect_reports lax 1 "lax-echo"
cases lax "c['1.1.2']['status'] == 'passed' and all(x['status'] == 'failed' for n, x in c.items() if n != '1.1.2')" \
    "lax-echo: the echo passes, every violation fails"
cases lax "'expected a close 1002 (Protocol Error)' in c['8.1']['message'] and 'answered with a text message' in c['8.1']['message']" \
    "lax-echo: 8.1 says what came instead of the close"
cases lax "'not allowed on the wire' in c['7.3.10']['message']" \
    "lax-echo: an echoed invalid close code is named"
cases lax "'reserved opcode' in c['4.2.1']['message']" "lax-echo: an echoed reserved opcode is named"
report_true lax "(lambda tr: [e.get('kind') for e in tr[[e.get('data') for e in tr].index('8.1'):]][:5] == ['case', 'http', 'http', 'text', 'text'])(trace('suite'))" \
    "lax-echo: the trace still shows the last case's frames"
stop_pid "$PEER_PID"

# ---- pings answered only by the latest: allowed, INFORMATIONAL ---------------------------
start_raw_peer latest-pong
suite latest "$PEER_URL" '"cases": ["2.6"]'
run_scenario latest
expect_reports latest 0 "latest-pong"
cases latest "c['2.6']['status'] == 'passed' and c['2.6']['message'] == '10 pings in a row answered, the last one at least: INFORMATIONAL: 1 of 10 pings answered (the most recent one always)'" \
    "latest-pong: 2.6 is INFORMATIONAL and says how many were answered"
report_true latest "o('suite')['behaviours'] == {'2.6': 'INFORMATIONAL'} and o('suite')['counts']['informational'] == 1" \
    "latest-pong: outputs count it"
stop_pid "$PEER_PID"

# ---- a server that drops every connection: each case fails, the suite goes on ----------
start_raw_peer close-no-frame
suite drop "$PEER_URL" '"case_timeout": 0.5, "cases": ["1.1.1", "1.2.*", "8.1"]'
run_scenario drop
expect_reports drop 1 "close-no-frame"
cases drop "len(c) == 10 and all(x['status'] == 'failed' for n, x in c.items() if n != '8.1')" \
    "close-no-frame: every echo case failed, and all ran"
cases drop "'closed the TCP connection instead of echoing' in c['1.2.3']['message']" \
    "close-no-frame: the failure says the server closed"
cases drop "c['8.1']['message'].startswith('unmasked text frame refused with 1002: NON-STRICT: the server dropped')" \
    "close-no-frame: a drop instead of a close is NON-STRICT"
stop_pid "$PEER_PID"

# ---- a case glob that matches nothing is refused before the run ----------------------------
suite typo "ws://127.0.0.1:9/" '"cases": ["9.*"]'
run_wscheck validate "$WSC_TMP/typo.json"
expect_status 2 "validate: a glob that matches no case"
expect_match "'9[.][*]' matches no case id" "$err$out" "validate: the message names the glob"

finish
