#!/usr/bin/env bash
# The crackerjack plugin against wscheck-mock --profile crackerjack: the
# example suite scenarios/crackerjack.json, the quick check, each
# misbehaviour a job can be told to show (its kwargs) failing the right
# check with a precise message, and each bug switch named in the failure
# (or the note) of the check that meets it.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP

# start_cj [ARGS...]: the mock with the crackerjack profile on free ports
# (start_crackerjack_mock); sets CRACKERJACK_BASE and CRACKERJACK_MCP
# (exported for the scenarios).
start_cj() {
    start_crackerjack_mock --crackerjack-poll-interval 0.05 "$@" || return 1
    CRACKERJACK_BASE=$CJ_URL
    CRACKERJACK_MCP=$MOCK_MCP_URL
    export CRACKERJACK_BASE CRACKERJACK_MCP
}

# suite NAME TESTS-JSON: a scenario file of these tests.
suite() {
    cat >"$T/$1.json" <<JSON
{ "name": "$1", "defaults": { "timeout": 10 },
  "vars": { "base": "\${env:CRACKERJACK_BASE}", "mcp": "\${env:CRACKERJACK_MCP}" },
  "tests": $2 }
JSON
}

# ---- the intended behaviour ------------------------------------------------
start_cj || { not_ok "wscheck-mock --profile crackerjack starts"; finish; exit 1; }
run_wscheck run --junit "$T/example.xml" --json "$T/example.out.json" \
    "$top_srcdir/scenarios/crackerjack.json"
expect_status 0 "scenarios/crackerjack.json passes against the mock"
check "its JUnit report is valid" validate_junit "$T/example.xml"
expect_json "$T/example.out.json" 'len(t) == 8 and all(x["status"] == "passed" for x in t.values())' \
    "every example test passed"

suite good '[
  { "name": "mcp end to end", "plugin": "crackerjack", "check": "mcp",
    "params": { "base": "${base}", "mcp": "${mcp}", "kwargs": { "mock_step_ms": 20 },
                "expect": { "serverInfo": { "name": "crackerjack-mcp-server" },
                            "final": { "status": "completed" } } } },
  { "name": "auto fix", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "follow": "push",
                "kwargs": { "max_iterations": 5, "mock_iterations": 3, "mock_step_ms": 20 },
                "expect": { "iterations_used": 3 } } },
  { "name": "discovery of a file", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "via": "file", "progress_dir": "'"$CJ_PROGRESS_DIR"'" } }
]'
run_wscheck run --json "$T/good.out.json" "$T/good.json"
expect_status 0 "mcp end to end, auto_fix and a job file discovered pass"
R=$T/good.out.json
expect_json "$R" 'm("auto fix")["pushes"] > 0 and o("auto fix")["statuses"].count("retrying") == 1 and "retrying" in o("auto fix")["statuses"]' \
    "the mock pushes every update; the retried iterations are seen"
expect_json "$R" 'o("discovery of a file")["listed_in"] in ("/", "/latest")' \
    "a job file written by the check is discovered by the mock"

run_wscheck --test-crackerjack-mcp --crackerjack-port "$CJ_PORT" --port "$MOCK_PORT" \
    --verify-progress-streaming --test-job-monitoring --validate-mcp-protocol \
    --timeout 20 --json "$T/quick.json"
expect_status 0 "--test-crackerjack-mcp passes against the mock on its ports"
expect_json "$T/quick.json" 'len(t) == 8 and all(x["status"] == "passed" for x in t.values())' \
    "every quick check passed"
expect_match "job [0-9a-f]{8} ended in [0-9]+ ms" "$out" "the diagnosis names the job followed"

# ---- misbehaving jobs --------------------------------------------------------
suite jobs '[
  { "name": "progress backwards", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "kwargs": { "mock_step_ms": 20, "mock_backwards": true } } },
  { "name": "timestamp backwards", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "kwargs": { "mock_step_ms": 20, "mock_backwards": "timestamp" } } },
  { "name": "stall", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "max_gap": 0.5,
                "kwargs": { "mock_step_ms": 20, "mock_stall_after": 3 } } },
  { "name": "dropped socket", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "kwargs": { "mock_step_ms": 20, "mock_drop_socket": true } } },
  { "name": "unsuccessful run", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}",
                "kwargs": { "mock_step_ms": 20, "mock_fail": true } } },
  { "name": "exception", "plugin": "crackerjack", "check": "auto_fix",
    "params": { "base": "${base}", "mcp": "${mcp}", "follow": "push",
                "kwargs": { "mock_step_ms": 20, "mock_fail_at_iteration": 1 } } }
]'
run_wscheck run --json "$T/jobs.out.json" "$T/jobs.json"
expect_status 1 "the misbehaving jobs fail the run"
R=$T/jobs.out.json
expect_json "$R" '"/overall_progress went from 60 to 40 (non_decreasing)" in msg("progress backwards")' \
    "mock_backwards fails progress_stream: $(json_get "$R" 'msg("progress backwards")')"
expect_json "$R" '"/timestamp went from" in msg("timestamp backwards") and "(non_decreasing)" in msg("timestamp backwards")' \
    "a timestamp going back fails: $(json_get "$R" 'msg("timestamp backwards")')"
expect_json "$R" '"(max_gap 0.5 s)" in msg("stall")' \
    "mock_stall_after fails on the configured gap: $(json_get "$R" 'msg("stall")')"
expect_json "$R" '"without a close frame" in msg("dropped socket") and "crackerjack drops a progress socket" in msg("dropped socket")' \
    "mock_drop_socket fails, naming the drop: $(json_get "$R" 'msg("dropped socket")')"
expect_json "$R" '"ended failed/completed: Execution failed" in msg("unsuccessful run")' \
    "mock_fail fails auto_fix: $(json_get "$R" 'msg("unsuccessful run")')"
expect_json "$R" '"ended failed/failed: Execution failed" in msg("exception")' \
    "mock_fail_at_iteration fails auto_fix: $(json_get "$R" 'msg("exception")')"
stop_pid "$MOCK_PID"

# ---- bug switches --------------------------------------------------------------
start_cj --crackerjack-bug route-spaces ||
    { not_ok "the mock starts (route-spaces)"; finish; exit 1; }
suite route '[
  { "name": "echo", "plugin": "crackerjack", "check": "echo", "params": { "base": "${base}" } }
]'
run_wscheck run --json "$T/route.out.json" "$T/route.json"
expect_status 1 "route-spaces fails echo"
expect_json "$T/route.out.json" '"HTTP 403 for a valid job id; crackerjack v0.31.0–v0.31.10 registered the progress route with spaces" in msg("echo")' \
    "the route bug is named: $(json_get "$T/route.out.json" 'msg("echo")')"
stop_pid "$MOCK_PID"

start_cj --crackerjack-bug prefix,no-push,sanitize,stage-status ||
    { not_ok "the mock starts (a v0.31.12+ server)"; finish; exit 1; }
suite late '[
  { "name": "server", "plugin": "crackerjack", "check": "server", "params": { "base": "${base}" } },
  { "name": "latest", "plugin": "crackerjack", "check": "latest_job",
    "params": { "base": "${base}", "expect": { "status": "no_jobs" } } },
  { "name": "mcp", "plugin": "crackerjack", "check": "mcp",
    "params": { "base": "${base}", "mcp": "${mcp}", "end_to_end": "first_frame" } },
  { "name": "discovery", "plugin": "crackerjack", "check": "job_discovery",
    "params": { "base": "${base}", "mcp": "${mcp}", "within": 1 } },
  { "name": "push only", "plugin": "crackerjack", "check": "progress_stream", "timeout": 2,
    "params": { "base": "${base}", "mcp": "${mcp}", "follow": "push",
                "kwargs": { "mock_step_ms": 20 } } },
  { "name": "auto", "plugin": "crackerjack", "check": "progress_stream",
    "params": { "base": "${base}", "mcp": "${mcp}", "interval": 0.05,
                "kwargs": { "mock_step_ms": 20 } } }
]'
run_wscheck run --json "$T/late.out.json" "$T/late.json"
expect_status 1 "a v0.31.12+ server fails discovery and push-only following"
R=$T/late.out.json
expect_json "$R" 't["server"]["status"] == "passed" and "sanitise" in (t["server"].get("log") or "")' \
    "a sanitised GET / passes, with a note"
expect_json "$R" 't["latest"]["status"] == "passed"' "/latest saying no_jobs passes"
expect_json "$R" 't["mcp"]["status"] == "passed" and "StateManager.get_stage_status" in (t["mcp"].get("log") or "")' \
    "get_stage_status's error is a note naming the upstream bug"
expect_json "$R" '"neither / nor /latest lists it within 1 s; crackerjack v0.31.12 and later look for job files with the prefix" in msg("discovery")' \
    "the prefix bug is named: $(json_get "$R" 'msg("discovery")')"
expect_json "$R" '"no push came: crackerjack pushes a job file at most once" in msg("push only")' \
    "no-push is named when following by pushes: $(json_get "$R" 'msg("push only")')"
expect_json "$R" 't["auto"]["status"] == "passed" and m("auto")["pushes"] == 0' \
    "auto follows by reconnecting"

finish
