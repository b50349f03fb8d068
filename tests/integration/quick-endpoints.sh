#!/usr/bin/env bash
# --test-all-mcp-servers and --test-deployment-endpoints: every endpoint of
# the configuration file's mcp_server_endpoints checked with the suite of
# its kind, against wscheck-mock; an endpoint that is down fails the run
# (and only in CI mode with --fail-on-error does a failure set the status,
# as the seed's --ci-mode says); no endpoints is a usage error.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
cd "$T" || exit 1
start_mock || { echo "Bail out! wscheck-mock did not start"; exit 1; }
DOWN=$(free_port)
cat >"$T/wscheck.json" <<JSON
{ "mcp_server_endpoints": {
    "echo": { "url": "$MOCK_URL", "kind": "websocket" },
    "development_toolkit": { "url": "$MOCK_MCP_URL" } } }
JSON
run_wscheck --test-all-mcp-servers --json "$T/all.json"
expect_status 0 "every configured endpoint passes: status 0"
expect_json "$T/all.json" "sorted(t) == sorted(['WebSocket handshake: $MOCK_URL', 'WebSocket echo: $MOCK_URL', 'WebSocket ping/pong: $MOCK_URL', 'MCP handshake: $MOCK_MCP_URL', 'MCP tool discovery: $MOCK_MCP_URL'])" \
    "a WebSocket endpoint gets handshake, echo and ping/pong; the toolkit MCP handshake and tool discovery"

cat >"$T/down.json" <<JSON
{ "mcp_server_endpoints": { "gone": { "url": "ws://127.0.0.1:$DOWN/" } } }
JSON
run_wscheck --test-all-mcp-servers --config "$T/down.json"
expect_status 1 "an endpoint that is down fails the run"
expect_match "WebSocket handshake: ws://127.0.0.1:$DOWN/" "$out" "the failing endpoint is named"
run_wscheck --test-deployment-endpoints --config "$T/down.json"
expect_status 0 "--test-deployment-endpoints is CI mode: failures reported, status 0"
run_wscheck --test-deployment-endpoints --fail-on-error --config "$T/down.json"
expect_status 1 "with --fail-on-error: status 1"

echo '{}' >"$T/none.json"
run_wscheck --test-all-mcp-servers --config "$T/none.json"
expect_status 2 "no endpoints configured: status 2"
expect_match "no endpoints configured: add mcp_server_endpoints to $T/none.json" "$err" \
    "and says what to add"
finish
