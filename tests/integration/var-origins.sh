#!/usr/bin/env bash
# An undefined variable names where it should have come from: the test that
# captures it and what became of that test (failed, errored, skipped, not
# selected, later in the file), or that no test captures it (with a "did you
# mean"). Real checks against a closed loopback port: nothing to start.
. "$top_srcdir/tests/integration/lib.sh"

T=$WSC_TMP
CLOSED=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
U="ws://127.0.0.1:$CLOSED/"

cat >"$T/run.json" <<JSON
{ "name": "origins", "tests": [
  { "name": "login", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U" }, "capture": { "sid": "/session" } },
  { "name": "broken login", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "ftp://127.0.0.1:$CLOSED/" }, "capture": { "key": "/key" } },
  { "name": "skipped login", "plugin": "ws-basic", "check": "handshake",
    "skip": "not today", "params": { "url": "$U" }, "capture": { "tok": "/tok" } },
  { "name": "uses sid", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?sid=\${sid}" } },
  { "name": "uses key", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?key=\${key}" } },
  { "name": "uses tok", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?tok=\${tok}" } }
] }
JSON
run_wscheck run --json "$T/r.json" "$T/run.json"
expect_status 1 "tests whose variables were never captured make the run fail"
R=$T/r.json
expect_json "$R" "msg('uses sid') == \"params.url: undefined variable 'sid' (captured by test 'login', which failed)\"" \
    "a variable whose capturing test failed names that test"
expect_json "$R" "msg('uses key') == \"params.url: undefined variable 'key' (captured by test 'broken login', which errored)\"" \
    "a variable whose capturing test errored says so"
expect_json "$R" "msg('uses tok') == \"params.url: undefined variable 'tok' (captured by test 'skipped login', which was skipped)\"" \
    "a variable whose capturing test was skipped says so"
expect_match "undefined variable 'sid' \(captured by test 'login', which failed\)" "$out" \
    "the console shows the cause too"

run_wscheck run --json "$T/f.json" --filter 'uses sid' "$T/run.json"
expect_status 1 "a test run without the one that captures its variable errors"
expect_json "$T/f.json" "msg('uses sid') == \"params.url: undefined variable 'sid' (captured by test 'login', which was not selected)\"" \
    "a variable whose capturing test was not selected says so"

cat >"$T/order.json" <<JSON
{ "name": "origins", "tests": [
  { "name": "too early", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?sid=\${sid}" } },
  { "name": "login", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U" }, "capture": { "sid": "/session" } },
  { "name": "typo", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?sid=\${sidd}" } },
  { "name": "nowhere", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "$U?x=\${zzzqqq}" } }
] }
JSON
for cmd in validate run; do
    run_wscheck $cmd "$T/order.json"
    expect_status 2 "$cmd: undefined variables are scenario errors"
    expect_match "order\.json:3:[0-9]+: test 'too early': params\.url: undefined variable 'sid' \(captured by test 'login' later in the file\)" \
        "$err" "$cmd: a variable captured by a later test says so"
done
expect_match "order\.json:7:[0-9]+: test 'typo': params\.url: undefined variable 'sidd' \(no test captures it; did you mean 'sid'\?\)" \
    "$err" "a misspelt variable: no test captures it, did you mean"
expect_match "order\.json:9:[0-9]+: test 'nowhere': params\.url: undefined variable 'zzzqqq' \(not in vars or --var, and no test captures it\)" \
    "$err" "a variable nobody defines says where it could have come from"
finish
