#!/bin/sh
# ws-basic reconnect: a server that drops its client and is away for a
# while, one that never comes back, and one that never drops.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"

FLAKY="$top_srcdir/tests/integration/ws-basic-peer-flaky.py"
start_peer flaky-back "$PYTHON_WS" "$FLAKY" --drop-after 0.2 --down-for 0.6
COMES_BACK=$PEER_URL
start_peer flaky-gone "$PYTHON_WS" "$FLAKY" --drop-after 0.2 --down-for -1
GONE=$PEER_URL
start_raw_peer good
STEADY=$PEER_URL

cat >"$WSC_TMP/reconnect.json" <<'EOF'
{
  "name": "reconnect",
  "tests": [
    {"name": "server away for a while", "plugin": "ws-basic", "check": "reconnect",
     "timeout": 8, "params": {"url": "${back}", "recover_within": 5}},
    {"name": "server gone", "plugin": "ws-basic", "check": "reconnect",
     "timeout": 4, "params": {"url": "${gone}", "recover_within": 1, "backoff_initial": 0.2}},
    {"name": "server never drops", "plugin": "ws-basic", "check": "reconnect",
     "timeout": 1.5, "params": {"url": "${steady}", "recover_within": 1}},
    {"name": "client drops, server steady", "plugin": "ws-basic", "check": "reconnect",
     "timeout": 3, "params": {"url": "${steady}", "drop_after": 0.1, "recover_within": 1}},
    {"name": "recover_within beyond the timeout", "plugin": "ws-basic", "check": "reconnect",
     "timeout": 1, "params": {"url": "${steady}", "recover_within": 5}}
  ]
}
EOF
run_scenario reconnect --var "back=$COMES_BACK" --var "gone=$GONE" --var "steady=$STEADY"
expect_reports reconnect 1 "reconnect scenario"
expect_test reconnect "server away for a while" passed ""
report_true reconnect "o('server away for a while')['drop'] == 'server' and o('server away for a while')['drop_close_code'] == 1001" \
    "the server's drop and its close code are in the outputs"
# The server refuses connections from before its close frame until it is
# back: the first attempt cannot succeed, so backoff had to retry.
report_true reconnect "o('server away for a while')['attempts'] >= 2 and units('server away for a while') == {'recovery_ms': 'ms'}" \
    "recovered after retries with backoff; metric recovery_ms"
expect_test reconnect "server gone" failed \
    '^no successful reconnection within 1\.[0-9]+ s after the drop \([0-9]+ attempts; last: .*127\.0\.0\.1.*\)$'
report_true reconnect "o('server gone')['attempts'] >= 2 and 'recovery_ms' not in m('server gone')" \
    "a failed recovery made several attempts and reports no recovery_ms"
expect_test reconnect "server never drops" failed \
    '^the server did not drop the connection within 0\.[0-9]+ s \(drop_after closes it from the client\)$'
expect_test reconnect "client drops, server steady" passed ""
report_true reconnect "o('client drops, server steady') == {'drop': 'client', 'attempts': 1}" \
    "drop_after: closed by the client, reconnected at the first attempt"
expect_test reconnect "recover_within beyond the timeout" error \
    "^no time left to wait for a drop: the test's timeout \(1\.000 s\) must exceed recover_within \(5\.000 s\)$"
finish
