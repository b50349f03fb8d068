# wscheck-mock --grade-clients with node's ws package as the graded client
# (grade-client-ws.js, an Autobahn-style driver): every case OK, NON-STRICT
# or INFORMATIONAL, the reports written when the last case ran and on
# /updateReports, JUnit valid on both schemas.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers node-ws

REPORTS=$WSC_TMP/reports
start_mock --grade-clients "$REPORTS" || { not_ok "wscheck-mock --grade-clients starts"; finish; exit; }
MOCK_LOG=$WSC_TMP/mock.$$.$TAP_N.log
ok "wscheck-mock --grade-clients starts and prints its ws:// URL"

"$NODE" "$top_srcdir/tests/integration/grade-client-ws.js" "$MOCK_URL" "node ws" \
    >"$WSC_TMP/driver.out" 2>&1 &
driver=$!
WSC_PIDS="$WSC_PIDS $driver"
if wait_bounded 120 "$driver"; then ok "the node ws driver ran every case"
else not_ok "the node ws driver ran every case"; diag <"$WSC_TMP/driver.out"; fi

J=$REPORTS/node_ws.json
check "the reports are DIR/node_ws.json and DIR/node_ws.xml" test -s "$J" -a -s "$REPORTS/node_ws.xml"
expect_json "$J" 'r["agent"] == "node ws" and r["total"] == r["case_count"] >= 50' \
    "the JSON report has every case of the agent"
expect_json "$J" '[c["id"] for c in r["cases"] if c["behavior"] == "FAILED"] == []' \
    "node ws fails no case"
expect_json "$J" 'all(c["behavior"] in ("OK", "NON-STRICT", "INFORMATIONAL") and c["reason"] and c["expected"] for c in r["cases"])' \
    "each case has a behaviour, a reason and what was expected"
expect_json "$J" '{c["id"]: c["remote_close_code"] for c in r["cases"]}["5.3"] == 1002' \
    "a new message inside a fragmented one: node ws fails the connection with 1002"
# ws ends its side of TCP as soon as the close handshake is done; RFC 6455
# 7.1.1 leaves that to the server, which the case reports as informational
expect_json "$J" '[(c["behavior"], c["tcp_closed_by"]) for c in r["cases"] if c["id"] == "7.4.1"][0] in [("INFORMATIONAL", "client"), ("OK", "server")]' \
    "who closed TCP first is reported (7.4.1)"
check "the JUnit report is valid on both schemas" validate_junit "$REPORTS/node_ws.xml"
check "the JUnit classname is wscheck-mock.grade.<agent>" \
    grep -q 'classname="wscheck-mock.grade.node ws"' "$REPORTS/node_ws.xml"

kill "$MOCK_PID"
if wait_bounded 15 "$MOCK_PID"; then ok "SIGTERM stops the grading server with status 0"
else not_ok "SIGTERM stops the grading server with status 0"; diag <"$MOCK_LOG"; fi
if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$MOCK_LOG"; then
    not_ok "no sanitizer report"; diag <"$MOCK_LOG"
else ok "no sanitizer report"; fi
finish
