#!/usr/bin/env bash
# The quick check --test-crackerjack-mcp (with --verify-progress-streaming,
# --test-job-monitoring and --validate-mcp-protocol) against the
# independent crackerjack peer: its progress server on a port chosen at run
# time (--crackerjack-port) and its MCP server on stdio (--crackerjack-mcp).
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets

T=$WSC_TMP
PEER=$top_srcdir/tests/integration/peer_crackerjack.py
mkdir -p "$T/jobs"
MCP="stdio:$PYTHON_WS $PEER mcp --dir $T/jobs"
start_bg "$T/peer.log" "$PYTHON_WS" "$PEER" serve --dir "$T/jobs"
BASE=$(wait_for_line "$T/peer.log" '^http://[^ ]+') ||
    { not_ok "the crackerjack peer starts"; finish; exit 1; }
PORT=${BASE##*:}

run_wscheck --test-crackerjack-mcp --crackerjack-port "$PORT" --crackerjack-mcp "$MCP" \
    --verify-progress-streaming --test-job-monitoring --validate-mcp-protocol \
    --json "$T/all.json"
expect_status 0 "--test-crackerjack-mcp passes against the peer"
R=$T/all.json
expect_json "$R" 'sorted(x["check"] for x in t.values()) == ["echo", "job_discovery", "job_monitor", "latest_job", "mcp", "progress_stream", "protocol", "server"]' \
    "every part ran: $(json_get "$R" 'sorted(x["check"] for x in t.values())')"
expect_json "$R" "t['crackerjack server: http://127.0.0.1:$PORT']['status'] == 'passed'" \
    "the progress server's test names its URL on the given port"
expect_json "$R" '[len(x["outputs"]["job_id"]) == 8 and x["outputs"]["first"]["status"] != "waiting" for n, x in t.items() if n.startswith("crackerjack MCP: stdio:")] == [True]' \
    "the MCP test started a job whose first progress frame is the job's"
expect_match "crackerjack progress stream: http://127.0.0.1:$PORT: job [0-9a-f]{8} ended in [0-9]+ ms after [0-9]+ updates" \
    "$out" "the diagnosis names the job followed"

run_wscheck --test-crackerjack-mcp --crackerjack-port "$PORT" --crackerjack-mcp "$MCP" \
    --json "$T/plain.json"
expect_status 0 "--test-crackerjack-mcp alone passes"
expect_json "$T/plain.json" 'sorted(x["check"] for x in t.values()) == ["mcp", "server"]' \
    "alone it checks the progress server and the MCP server"

CLOSED=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
run_wscheck --test-crackerjack-mcp --crackerjack-port "$CLOSED" --port "$CLOSED" \
    --json "$T/closed.json"
expect_status 1 "--test-crackerjack-mcp fails when nothing listens"
expect_json "$T/closed.json" "msg('crackerjack server: http://127.0.0.1:$CLOSED').startswith('GET /: ')" \
    "the failure names the request: $(json_get "$T/closed.json" "msg('crackerjack server: http://127.0.0.1:$CLOSED')")"
expect_json "$T/closed.json" "msg('crackerjack MCP: http://127.0.0.1:$CLOSED/mcp').startswith('MCP http://127.0.0.1:$CLOSED/mcp: initialize: ')" \
    "the MCP failure names the endpoint and initialize: $(json_get "$T/closed.json" "msg('crackerjack MCP: http://127.0.0.1:$CLOSED/mcp')")"

run_wscheck --test-crackerjack-mcp --crackerjack-port 0
expect_status 2 "--crackerjack-port out of range is a usage error"
expect_match "crackerjack-port needs a port number 1-65535" "$err" "the usage error says why"
run_wscheck --help
expect_match "--test-crackerjack-mcp" "$out" "--help lists --test-crackerjack-mcp"

finish
