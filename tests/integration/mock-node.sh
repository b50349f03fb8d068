# wscheck-mock against node's ws client: the test is mock-node.js; this
# wrapper only makes a missing node or ws a loud failure, not a skip.
if ! "${NODE:-node}" -e 'require("ws")' >/dev/null 2>&1; then
    echo "not ok 1 - node and its ws package are available (NODE=${NODE:-} NODE_PATH=${NODE_PATH:-}); make check installs ws"
    echo "1..1"
    exit 1
fi
exec "${NODE:-node}" "$top_srcdir/tests/integration/mock-node.js"
