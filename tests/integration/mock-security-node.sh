# wscheck-mock's security options against node's ws client: the test is
# mock-security-node.js; this wrapper skips it when the mock was not built
# or node's ws is missing.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers node-ws
"$NODE" "$top_srcdir/tests/integration/mock-security-node.js"
