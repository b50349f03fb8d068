#!/bin/sh
# ws-basic stream (libwscheck's stream engine through
# wsc_stream_follow_ws()) against a Python `websockets` server that streams
# progress objects: a stream that reaches its terminal message, one going
# backwards, one going silent, one closed early, one dropped, text that is
# not JSON, a subscription, and keep-alives a server needs to keep the
# client.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ws-basic-common.sh"
require_peers python-websockets

start_peer stream "$PYTHON_WS" "$top_srcdir/tests/integration/peer_stream.py" --idle 1.0
URL=$PEER_URL

cat >"$WSC_TMP/stream.json" <<'EOF_SCENARIO'
{
  "name": "stream",
  "defaults": {"timeout": 5},
  "tests": [
    {"name": "good", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/good",
                "ignore": {"type": "heartbeat"},
                "match": {"job_id": "0badc0de", "status": {"$type": "string"}},
                "terminal": {"current_stage": {"$in": ["completed", "failed"]}},
                "ranges": {"/overall_progress": [0, 100]},
                "allowed": {"/status": ["running", "completed"]},
                "non_decreasing": ["/overall_progress", "/timestamp"],
                "max_gap": 2, "min_messages": 6,
                "expect": {"last": {"status": "completed"}, "messages": 6, "received": 7}},
     "capture": {"final": "/last/status"}},
    {"name": "backwards", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/backwards", "non_decreasing": ["/overall_progress"],
                "terminal": {"current_stage": "completed"}}},
    {"name": "silent", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/silent", "max_gap": 0.8,
                "terminal": {"current_stage": "completed"}}},
    {"name": "closed early", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/close", "terminal": {"current_stage": "completed"}}},
    {"name": "dropped", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/drop", "duration": 2}},
    {"name": "not JSON", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/text", "duration": 1}},
    {"name": "not JSON ignored", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/text", "duration": 0.5, "non_json": "ignore",
                "expect": {"messages": 1, "received": 2}}},
    {"name": "subscribed", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/subscribe", "subscribe": {"op": "subscribe"},
                "ignore": {"type": "heartbeat"},
                "terminal": {"current_stage": "completed"}}},
    {"name": "no subscription", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/subscribe", "subscribe": "hello",
                "terminal": {"current_stage": "completed"}}},
    {"name": "kept alive", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/idle", "duration": 2,
                "keepalive": {"every": 0.3, "message": "ping"},
                "ignore": {"type": "echo", "message": "Received: ping"},
                "expect": {"messages": 1}}},
    {"name": "dropped without keep-alives", "plugin": "ws-basic", "check": "stream",
     "params": {"url": "${url}/idle", "duration": 2}},
    {"name": "terminal never came", "plugin": "ws-basic", "check": "stream",
     "timeout": 1,
     "params": {"url": "${url}/silent", "terminal": {"current_stage": "completed"}}}
  ]
}
EOF_SCENARIO
run_scenario stream --var "url=$URL"
expect_reports stream 1 "stream scenario"

expect_test stream good passed ""
report_true stream "m('good')['messages'] == 6 and m('good')['ignored_messages'] == 1 and 'time_to_terminal_ms' in m('good') and units('good')['max_gap_ms'] == 'ms'" \
    "good: messages counted, the heartbeat ignored, time to terminal and gaps measured"
report_true stream "o('good')['last']['status'] == 'completed' and o('good')['messages'] == 6" \
    "good: the last message and the counts are outputs"
expect_test stream backwards failed \
    '^message 4 at \+[0-9.]+ s: /overall_progress went from 60 to 40 \(non_decreasing\)$'
report_true stream "sum(1 for e in trace('backwards') if e.get('dir') == 'recv' and e.get('kind') == 'text') >= 4" \
    "backwards: the messages received up to the failure are in the trace"
expect_test stream silent failed \
    '^no message for 0\.8 s after message 3 at \+[0-9.]+ s \(max_gap 0\.8 s\)$'
expect_test stream "closed early" failed \
    '^the server closed the connection with 1011 \(Internal Error\) "Internal error" after message 2 at \+[0-9.]+ s, before a terminal message \(require_terminal\)$'
expect_test stream dropped failed \
    '^the connection failed: .+ after message 2 at \+[0-9.]+ s, before the end of duration 2\.0 s \(allow_close\)$'
expect_test stream "not JSON" failed '^message 2 at \+[0-9.]+ s: not JSON: "hello" \(non_json\)$'
expect_test stream "not JSON ignored" passed ""
expect_test stream subscribed passed ""
expect_test stream "no subscription" failed \
    '^the server closed the connection with 1008 \(Policy Violation\) "subscribe first" before any message \(require_terminal\)$'
expect_test stream "kept alive" passed ""
report_true stream "m('kept alive')['ignored_messages'] >= 3" \
    "kept alive: the keep-alives were sent and echoed"
expect_test stream "dropped without keep-alives" failed \
    '^the server closed the connection with 1000 \(Normal Closure\) after message 1 at \+[0-9.]+ s, before the end of duration 2\.0 s \(allow_close\)$'
expect_test stream "terminal never came" failed \
    "^the test's timeout of 1 s ran out after message 3 at \+[0-9.]+ s, before a terminal message \(require_terminal\)$"
# What the schema cannot say is reported before anything runs.
cat >"$WSC_TMP/invalid.json" <<'EOF_SCENARIO'
{
  "name": "invalid",
  "tests": [
    {"name": "bad", "plugin": "ws-basic", "check": "stream", "timeout": 5,
     "params": {"url": "ws://127.0.0.1:1/x", "non_decreasing": ["progress"],
                "ranges": {"/p": [10, 0]}, "duration": 9}}
  ]
}
EOF_SCENARIO
run_wscheck validate "$WSC_TMP/invalid.json"
expect_status 2 "validate: invalid stream options"
expect_match "invalid.json:[0-9]+:[0-9]+: test 'bad': params.non_decreasing\[0\]: 'progress' is not a JSON Pointer" \
    "$err" "validate: a pointer that is not one"
expect_match "params.ranges./p: min 10 is above max 0" "$err" "validate: a range upside down"
expect_match "params.duration: 9 s does not fit in the test's timeout of 5 s" "$err" \
    "validate: a duration beyond the timeout"
finish
