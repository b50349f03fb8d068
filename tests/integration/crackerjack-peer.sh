#!/usr/bin/env bash
# The crackerjack plugin against an independent implementation of
# crackerjack's endpoints (peer_crackerjack.py: the progress server, and
# its MCP server on stdio writing job files): every check passes in the
# intended mode, and each known upstream bug and each misbehaving job fails
# the right check with its precise message.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets

T=$WSC_TMP
PEER=$top_srcdir/tests/integration/peer_crackerjack.py
JOBS=$T/jobs
mkdir -p "$JOBS"
export CJ_MCP="stdio:$PYTHON_WS $PEER mcp --dir $JOBS"

# start_peer [--bug NAME]...: the progress server on a free port; sets
# CJ_BASE (exported for the scenarios) and PEER_PID.
start_peer() {
    start_bg "$T/peer.$TAP_N.log" "$PYTHON_WS" "$PEER" serve --dir "$JOBS" "$@"
    PEER_PID=$last_pid
    CJ_BASE=$(wait_for_line "$T/peer.$TAP_N.log" '^http://[^ ]+') || return 1
    export CJ_BASE
}

# suite NAME TESTS-JSON: a scenario file of these tests, with defaults.
suite() {
    cat >"$T/$1.json" <<JSON
{ "name": "$1", "defaults": { "timeout": 10 },
  "vars": { "base": "\${env:CJ_BASE}", "mcp": "\${env:CJ_MCP}" },
  "tests": $2 }
JSON
}

# ---- the intended behaviour: every check passes ---------------------------
start_peer || { not_ok "the crackerjack peer starts"; finish; exit 1; }
suite good '[
  { "name": "server", "plugin": "crackerjack", "check": "server",
    "params": { "base": "${base}", "expect": { "status": "running" } } },
  { "name": "latest", "plugin": "crackerjack", "check": "latest_job",
    "params": { "base": "${base}" } },
  { "name": "monitor", "plugin": "crackerjack", "check": "job_monitor",
    "params": { "base": "${base}" } },
  { "name": "echo", "plugin": "crackerjack", "check": "echo",
    "params": { "base": "${base}", "text": "hello crackerjack" } },
  { "name": "mcp", "plugin": "crackerjack", "check": "mcp",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "expect": { "serverInfo": { "name": "crackerjack-mcp-server" } } },
    "capture": { "job": "/job_id" } },
  { "name": "stream", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "expect": { "final": { "status": "completed", "overall_progress": 100 } } } },
  { "name": "stream of a finished job", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "job_id": "${job}", "follow": "reconnect" } },
  { "name": "stream by polling", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "follow": "poll", "interval": 0.02 } },
  { "name": "discovery", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "mcp": "${mcp}" } },
  { "name": "discovery of a file", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "via": "file", "progress_dir": "'"$JOBS"'",
                "job_id": "cafe0001" } },
  { "name": "auto fix", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "follow": "reconnect", "interval": 0.01,
                "kwargs": { "max_iterations": 3, "peer_iterations": 3 },
                "expect": { "iterations_used": 3 } } }
]'
run_wscheck run --json "$T/good.out.json" "$T/good.json"
expect_status 0 "every check passes against the intended behaviour"
R=$T/good.out.json
expect_json "$R" 'len(t) == 11 and all(x["status"] == "passed" for x in t.values())' \
    "all eleven tests passed"
expect_json "$R" 'o("echo")["echo"] == {"type": "echo", "message": "Received: hello crackerjack", "job_id": "wscheck-echo", "message_count": 1}' \
    "the echo is an output"
expect_json "$R" 'len(o("mcp")["job_id"]) == 8 and o("mcp")["final"]["current_stage"] == "completed"' \
    "mcp started a job and followed it to completed"
expect_json "$R" '"StateManager" in (t["mcp"].get("log") or "")' \
    "get_stage_status's error is a note naming the missing method"
expect_json "$R" 'm("stream")["pushes"] > 0 and m("stream")["updates"] >= 8 and "time_to_completion_ms" in m("stream") and "max_gap_ms" in m("stream")' \
    "the stream is followed by pushes, with its metrics"
expect_json "$R" 'm("stream by polling")["pushes"] == 0 and m("stream by polling")["updates"] >= 2' \
    "polling get_job_progress follows without pushes"
expect_json "$R" 'o("discovery of a file")["listed_in"] == "/" and o("discovery of a file")["job_id"] == "cafe0001"' \
    "a job file written by the check is listed in /"
check "the job file written by the check is removed" test ! -e "$JOBS/job-cafe0001.json"
expect_json "$R" 'm("auto fix")["iterations_used"] == 3 and o("auto fix")["stages"][-1] == "completed" and "retrying" in o("auto fix")["statuses"]' \
    "auto_fix reports the iterations used, stages and statuses"

# ---- the example suite, against the peer --------------------------------------
# The example polls every 0.1 s, and the peer shows an iteration for one
# step: steps of 0.5 s leave the poller room on a busy machine (with the
# default 0.1 s, one late poll missed iteration 2).
CRACKERJACK_BASE=$CJ_BASE CRACKERJACK_MCP="$CJ_MCP --step-ms 500" \
    run_wscheck run --json "$T/example.out.json" "$top_srcdir/scenarios/crackerjack.json"
expect_status 0 "scenarios/crackerjack.json passes against the peer"
expect_json "$T/example.out.json" 'len(t) == 8 and all(x["status"] == "passed" for x in t.values())' \
    "every example test passed"
expect_json "$T/example.out.json" 'm("auto-fix workflow")["iterations_used"] == 2' \
    "the auto-fix run used the peer's two iterations"

# ---- misbehaving jobs (the peer's MCP server scripts them) -----------------
suite jobs '[
  { "name": "backwards", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "backwards" } } },
  { "name": "stall", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "max_gap": 0.5,
                "kwargs": { "peer_script": "stall" } } },
  { "name": "range", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "range" } } },
  { "name": "unknown status", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "unknown_status" } } },
  { "name": "iteration goes back", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "monotonic_iteration": true,
                "kwargs": { "peer_iterations": 2 } } },
  { "name": "raises", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "raise" } } },
  { "name": "fails", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "fail" } } },
  { "name": "fails as expected", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "peer_script": "fail" },
                "expect": { "final": { "status": "failed", "message": "Execution failed" } } } },
  { "name": "missing tool", "plugin": "crackerjack", "check": "mcp",
    "params": { "base": "${base}", "mcp": "${mcp}", "tools": ["execute_crackerjack", "run_tests"],
                "end_to_end": "none" } },
  { "name": "valid id refused", "plugin": "crackerjack", "check": "job_monitor",
    "params": { "base": "${base}", "invalid_id": "valid-id" } }
]'
run_wscheck run --json "$T/jobs.out.json" "$T/jobs.json"
expect_status 1 "the misbehaving jobs fail the run"
R=$T/jobs.out.json
expect_json "$R" '"/overall_progress went from 100 to 40 (non_decreasing)" in msg("backwards")' \
    "progress going back fails naming the rule: $(json_get "$R" 'msg("backwards")')"
expect_json "$R" '"(max_gap 0.5 s)" in msg("stall") and "creating_orchestrator" not in msg("stall")' \
    "a stalled job fails on the configured gap: $(json_get "$R" 'msg("stall")')"
expect_json "$R" '"/stage_progress is 150, outside [0, 100] (ranges)" in msg("range")' \
    "progress out of range fails: $(json_get "$R" 'msg("range")')"
expect_json "$R" 't["unknown status"]["status"] == "passed" and "bogus" in (t["unknown status"].get("log") or "")' \
    "an unknown status is noted, not failed"
expect_json "$R" '"/iteration went from 2 to 1 (non_decreasing)" in msg("iteration goes back")' \
    "monotonic_iteration makes the upstream counter reset fail: $(json_get "$R" 'msg("iteration goes back")')"
expect_json "$R" 'msg("raises").endswith("ended failed/failed: Execution failed: peer exception (iterations used: 1 of 5)")' \
    "a job that raises fails auto_fix: $(json_get "$R" 'msg("raises")')"
expect_json "$R" '"ended failed/completed: Execution failed" in msg("fails")' \
    "an unsuccessful run fails auto_fix: $(json_get "$R" 'msg("fails")')"
expect_json "$R" 't["fails as expected"]["status"] == "passed"' \
    "expect.final replaces the default completed"
expect_json "$R" 'msg("missing tool") == "tools/list: no tool \"run_tests\""' \
    "a missing tool is named: $(json_get "$R" 'msg("missing tool")')"
expect_json "$R" 'msg("valid id refused") == "GET /monitor/valid-id: HTTP 200, expected 400"' \
    "a monitor page that is not refused fails: $(json_get "$R" 'msg("valid id refused")')"
stop_pid "$PEER_PID"

# ---- known upstream bugs ---------------------------------------------------
# v0.31.0-.10: every progress handshake 403
start_peer --bug route-403 || { not_ok "the peer starts (route-403)"; finish; exit 1; }
suite route '[
  { "name": "echo", "plugin": "crackerjack", "check": "echo", "params": { "base": "${base}" } },
  { "name": "stream", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}" } }
]'
run_wscheck run --json "$T/route.out.json" "$T/route.json"
expect_status 1 "a 403 for a valid id fails"
R=$T/route.out.json
expect_json "$R" 'msg("echo") == "progress socket of job \"wscheck-echo\": HTTP 403 for a valid job id; crackerjack v0.31.0–v0.31.10 registered the progress route with spaces, so every progress handshake gets 403 (fixed in v0.31.12)"' \
    "echo names the route bug and its versions: $(json_get "$R" 'msg("echo")')"
expect_json "$R" '"HTTP 403 for a valid job id; crackerjack v0.31.0–v0.31.10" in msg("stream")' \
    "progress_stream names it too"
stop_pid "$PEER_PID"

# v0.31.12+: the prefix bug; sanitised status; no message_count; invalid ids
start_peer --bug prefix --bug sanitize --bug no-message-count --bug accept-invalid ||
    { not_ok "the peer starts (prefix, sanitize)"; finish; exit 1; }
suite prefix '[
  { "name": "server", "plugin": "crackerjack", "check": "server", "params": { "base": "${base}" } },
  { "name": "latest", "plugin": "crackerjack", "check": "latest_job",
    "params": { "base": "${base}", "expect": { "status": "no_jobs" } } },
  { "name": "file never listed", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "via": "file", "progress_dir": "'"$JOBS"'",
                "job_id": "cafe0002", "within": 0.5 } },
  { "name": "listing not required", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "mcp": "${mcp}", "within": 0.5, "listed": false } },
  { "name": "echo", "plugin": "crackerjack", "check": "echo", "params": { "base": "${base}" } }
]'
run_wscheck run --json "$T/prefix.out.json" "$T/prefix.json"
expect_status 1 "a job file never listed fails"
R=$T/prefix.out.json
expect_json "$R" 't["server"]["status"] == "passed" and "sanitise" in (t["server"].get("log") or "")' \
    "a sanitised GET / passes, with a note"
expect_json "$R" 't["latest"]["status"] == "passed"' "/latest saying no_jobs passes"
expect_json "$R" 'msg("file never listed").startswith("job \"cafe0002\": its progress socket sends it, but neither / nor /latest lists it within 0.5 s; crackerjack v0.31.12 and later look for job files with the prefix \"job -\"")' \
    "the prefix bug is named: $(json_get "$R" 'msg("file never listed")')"
expect_json "$R" 't["listing not required"]["status"] == "passed" and "prefix" in " ".join(t["listing not required"].get("warnings") or [])' \
    "listed: false turns it into a warning"
expect_json "$R" 'msg("echo").startswith("progress socket of the invalid job id \"bad@id\": accepted (101), expected 403") and "message_count" in (t["echo"].get("log") or "")' \
    "an accepted invalid id fails echo, a missing message_count is a note: $(json_get "$R" 'msg("echo")')"
stop_pid "$PEER_PID"

# pushes never come; sockets dropped after the first frame
start_peer --bug no-push || { not_ok "the peer starts (no-push)"; finish; exit 1; }
suite nopush '[
  { "name": "push only", "plugin": "crackerjack", "check": "progress_stream",
    "timeout": 8, "params": { "base": "${base}", "mcp": "${mcp}", "follow": "push" } },
  { "name": "auto", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "interval": 0.05 } }
]'
run_wscheck run --json "$T/nopush.out.json" "$T/nopush.json"
expect_status 1 "following by pushes alone fails without pushes"
R=$T/nopush.out.json
expect_json "$R" '"did not reach completed or failed within the test'"'"'s timeout (8 s)" in msg("push only") and "no push came: crackerjack pushes a job file at most once" in msg("push only")' \
    "push-only names the missing pushes: $(json_get "$R" 'msg("push only")')"
expect_json "$R" 't["auto"]["status"] == "passed" and m("auto")["pushes"] == 0' \
    "auto follows by reconnecting when nothing is pushed"
stop_pid "$PEER_PID"

start_peer --bug drop || { not_ok "the peer starts (drop)"; finish; exit 1; }
suite drop '[
  { "name": "dropped", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}" } }
]'
run_wscheck run --json "$T/drop.out.json" "$T/drop.json"
expect_status 1 "a dropped progress socket fails"
expect_json "$T/drop.out.json" '"crackerjack drops a progress socket with 1011 or without a close frame" in msg("dropped")' \
    "the drop is explained: $(json_get "$T/drop.out.json" 'msg("dropped")')"
stop_pid "$PEER_PID"

# ---- what validate refuses before any run ------------------------------------
cat >"$T/bad.json" <<'JSON'
{ "name": "bad", "tests": [
  { "name": "a", "plugin": "crackerjack", "check": "echo",
    "params": { "job_id": "bad--id", "base": "ws://x" } },
  { "name": "b", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "keepalive": 30, "mcp": "ftp://x" } }
]}
JSON
run_wscheck validate "$T/bad.json"
expect_status 2 "wscheck validate refuses bad crackerjack params"
expect_match "params.job_id: 'bad--id' is not a job id crackerjack accepts" "$err" \
    "an id crackerjack refuses is named"
expect_match "params.base: base must be an http:// or https:// URL" "$err" "a ws:// base is refused"
expect_match "params.keepalive: keepalive 30 s: crackerjack drops a client silent for 25 s" \
    "$err" "a keep-alive slower than the server's 25 s is refused"
expect_match "params.mcp: mcp must be an http\(s\)://, ws\(s\):// or stdio:COMMAND endpoint" \
    "$err" "an MCP endpoint of another scheme is refused"

finish
