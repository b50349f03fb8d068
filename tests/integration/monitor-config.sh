#!/usr/bin/env bash
# wscheck monitor takes its interval, alert settings, variables and test
# defaults from the configuration file (wscheck-config(5)), below its own
# options: a command line channel replaces the file's, `on_failure: false`
# mutes the file's channels, and a broken file is a FILE:LINE:COL error.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitor-common.sh"

T=$WSC_TMP
cd "$T" || exit 1
start_listener || { echo "Bail out! no listener"; exit 1; }
REFUSED=$(free_port)
cat >"$T/suite.json" <<'JSON'
{ "name": "services",
  "tests": [
    { "name": "up", "plugin": "port", "check": "listening",
      "params": { "host": "127.0.0.1", "port": "${up_port}" } },
    { "name": "down", "plugin": "port", "check": "listening",
      "params": { "host": "127.0.0.1", "port": "${down_port}" } } ] }
JSON
# config FILE ALERTS-MEMBERS: a configuration whose alert command appends
# each event to $T/<name>.events
config() {
    cat >"$1" <<JSON
{ "defaults": { "health_check_interval": 0.2, "timeout": 2 },
  "vars": { "up_port": "$LISTEN_PORT", "down_port": "$REFUSED" },
  "alerts": { "command": "cat >>$T/file.events", "down_after": 2$2 } }
JSON
}
events() { grep -c '"state":"down"' "$1" 2>/dev/null || echo 0; }

config "$T/wscheck.json" ""
run_wscheck monitor --no-jitter --count 3 --log-results "$T/log.jsonl" "$T/suite.json"
expect_status 1 "the last round failed: status 1"
expect_json_lines() { "$PYTHON_WS" -c "
import json, sys
lines = [json.loads(l) for l in open('$T/log.jsonl')]
sys.exit(0 if ($1) else 1)"; }
check "variables come from the configuration: 'up' passes, 'down' fails" \
    expect_json_lines "[l['status'] for l in lines[:2]] == ['passed', 'failed']"
check "the file's alert command got one down event, after down_after 2 failures" \
    test "$(events "$T/file.events")" = 1
expect_match "round 2: DOWN services / down" "$out" "the state changes at round 2 (down_after from the file)"

rm -f "$T/file.events"
run_wscheck monitor --no-jitter --count 2 --down-after 1 --alert-cmd "cat >>$T/cli.events" \
    "$T/suite.json"
check "a command line --alert-cmd replaces the file's command" \
    test "$(events "$T/cli.events")/$(events "$T/file.events")" = 1/0
expect_match "round 1: DOWN services / down" "$out" "--down-after on the command line wins over the file"

config "$T/muted.json" ', "on_failure": false'
run_wscheck monitor --config "$T/muted.json" --no-jitter --count 2 "$T/suite.json"
check "on_failure false mutes the file's channels" test "$(events "$T/file.events")" = 0
expect_match "round 2: DOWN services / down" "$out" "the states are still kept and shown"

printf '{ "alerts": { "down_after": "two" } }\n' >"$T/broken.json"
run_wscheck monitor --config "$T/broken.json" --count 1 "$T/suite.json"
expect_status 2 "a broken configuration: status 2"
expect_match "broken.json:1:[0-9]+: " "$err" "the error has the file's position"
finish
