# wscheck-mock against the official MCP TypeScript SDK client: the test is
# mock-sdk.js; this wrapper skips it when the mock was not built or the SDK
# is missing.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers node-mcp
"$NODE" "$top_srcdir/tests/integration/mock-sdk.js"
