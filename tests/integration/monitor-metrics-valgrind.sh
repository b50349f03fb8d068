#!/usr/bin/env bash
# The monitor's metrics under valgrind: rendering, the textfile, and the
# listener thread serving scrapes, then stopped by monitor_metrics_free():
# no invalid accesses, no leaks. Only in builds without sanitizers.
. "$top_srcdir/tests/integration/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
T=$WSC_TMP
VG="$top_builddir/libtool --mode=execute valgrind -q --leak-check=full \
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=99"
mkdir "$T/textfile"
$VG "$top_builddir/tests/integration/monitor_metrics_feed" --render --textfile "$T/textfile" \
    >"$T/render.out" 2>"$T/render.err"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q '==[0-9]*== ' "$T/render.err"; then ok "render and textfile: valgrind clean"
else not_ok "render and textfile: valgrind reports errors (exit $rc)"; diag <"$T/render.err"; fi

start_bg "$T/feed.log" $VG "$top_builddir/tests/integration/monitor_metrics_feed" \
    --listen 127.0.0.1:0
FEED_PID=$last_pid
port=$(wait_for_line "$T/feed.log" '^port [0-9]+$' 60 | cut -d' ' -f2)
check "the listener serves under valgrind" sh -c \
    'curl -fsS "http://127.0.0.1:$1/metrics" | grep -q "^wscheck_rounds_total 5$"' sh "$port"
curl -s -o /dev/null "http://127.0.0.1:$port/nowhere"
kill "$FEED_PID"
wait "$FEED_PID"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q '==[0-9]*== ' "$T/feed.log"; then ok "listener stopped by free: valgrind clean"
else not_ok "listener: valgrind reports errors (exit $rc)"; diag <"$T/feed.log"; fi
finish
