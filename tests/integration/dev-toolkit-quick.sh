#!/usr/bin/env bash
# The MCP quick checks: --test-dev-toolkit (with --port,
# --verify-tool-discovery, --test-command-streaming) against the TypeScript
# SDK over WebSocket, and --validate-mcp-protocol on --test-endpoint URLs
# (stdio:COMMAND, and wscheck-mock's Streamable HTTP endpoint when built).
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-mcp

T=$WSC_TMP
PEERS=$top_srcdir/tests/integration
start_bg "$T/ws.log" "$NODE" "$PEERS/peer-mcp.js" ws
WS_URL=$(wait_for_line "$T/ws.log" '^ws://[^ ]+') ||
    { not_ok "the SDK peer starts"; finish; exit 1; }
WS_PORT=${WS_URL##*:}
WS_PORT=${WS_PORT%%/*}

run_wscheck --test-dev-toolkit --port "$WS_PORT" --host 127.0.0.1 \
    --verify-tool-discovery --test-command-streaming --streaming-tool progress \
    --streaming-arguments '{"steps": 2}' --validate-mcp-protocol --json "$T/toolkit.json"
expect_status 0 "--test-dev-toolkit passes against the SDK over WebSocket"
R=$T/toolkit.json
expect_json "$R" 'sorted(x["check"] for x in t.values()) == ["command_streaming", "initialize", "protocol", "tool_discovery"]' \
    "handshake, protocol, tool discovery and command streaming ran"
expect_json "$R" "all(n.endswith('ws://127.0.0.1:$WS_PORT') for n in t)" \
    "every test names the toolkit's WebSocket URL on the given port"
expect_match "MCP 2025-11-25 over websocket" "$out" "the diagnosis names the negotiated version"

# A generous timeout: node loads the SDK before it answers, slowly on a busy machine.
run_wscheck --test-endpoint "stdio:$NODE $PEERS/peer-mcp.js stdio" --validate-mcp-protocol \
    --timeout 30 --json "$T/stdio.json"
expect_status 0 "--validate-mcp-protocol passes on a stdio:COMMAND endpoint"
expect_json "$T/stdio.json" 'sorted(x["check"] for x in t.values()) == ["initialize", "protocol"]' \
    "a stdio endpoint gets the MCP handshake and protocol validation"

CLOSED_PORT=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }
run_wscheck --test-dev-toolkit --port "$CLOSED_PORT" --host 127.0.0.1 --json "$T/closed.json"
expect_status 1 "--test-dev-toolkit fails when nothing listens"
expect_json "$T/closed.json" 'msg(list(t)[0]).startswith("initialize: ")' \
    "the failure names the MCP handshake"

run_wscheck --test-dev-toolkit --port 70000
expect_status 2 "--port out of range is a usage error"
expect_match "port number 1-65535" "$err" "the usage error says why"
run_wscheck --test-dev-toolkit --test-command-streaming --streaming-arguments '[1]'
expect_status 2 "--streaming-arguments must be a JSON object"

if [ -n "${WSCHECK_MOCK:-}" ]; then
    start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
    run_wscheck --test-endpoint "$MOCK_MCP_URL" --validate-mcp-protocol --json "$T/mock.json"
    expect_status 0 "--validate-mcp-protocol passes on wscheck-mock's MCP endpoint"
    expect_json "$T/mock.json" '"protocol" in [x["check"] for x in t.values()]' \
        "the HTTP endpoint is validated as MCP"
fi

finish
