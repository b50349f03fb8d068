#!/usr/bin/env bash
# wscheck load when the ephemeral ports of one loopback source address run
# out: in a private network namespace whose ip_local_port_range holds 8
# ports, 30 connections to wscheck-mock all succeed because the engine binds
# further 127/8 source addresses, and the JSON report counts them. With 4
# connections one source address is enough (so the count can fail). The
# sysctl is per namespace: the host is untouched.
if [ -z "${WSC_IN_NETNS:-}" ]; then
    if ! unshare --net true 2>/dev/null; then
        echo "1..0 # SKIP cannot create a private network namespace (unshare --net needs root)"
        exit 0
    fi
    WSC_IN_NETNS=1 exec unshare --net "$BASH" "$0" "$@"
fi
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/load.json"
ip link set lo up || { not_ok "loopback is up in the namespace"; finish; exit 1; }
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
# shrink the range only after the mock holds its listening ports
echo "40000 40007" >/proc/sys/net/ipv4/ip_local_port_range ||
    { not_ok "the ephemeral port range can be shrunk"; finish; exit 1; }

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 4 --iterations 4 \
    --json "$T/few.json"
expect_status 0 "4 sessions within the 8 ephemeral ports exit 0"
expect_json "$T/few.json" 'r["source_addresses"] == 1' "... from one source address"

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 30 --iterations 30 \
    --json "$T/many.json"
expect_status 0 "30 connections with 8 ephemeral ports exit 0"
expect_json "$T/many.json" 'r["tests"][0]["sessions_ok"] == 30' "... every session ok"
expect_json "$T/many.json" 'r["tests"][0]["errors"]["connect"] == 0' "... no connection error"
expect_json "$T/many.json" 'r["source_addresses"] >= 2' "... from several loopback source addresses"

finish
