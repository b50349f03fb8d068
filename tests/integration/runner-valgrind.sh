#!/usr/bin/env bash
# The runner under valgrind: no invalid accesses and no leaks in wscheck itself
# (parse, validate, run with every kind of result, capture, reports). Only in
# builds without sanitizers; scripts/test runs it in a plain build.
. "$top_srcdir/tests/integration/lib.sh"
export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
T=$WSC_TMP
cat >"$T/vg.json" <<'JSON'
{ "name": "valgrind", "vars": { "home": "${env:HOME:-/}" }, "tests": [
  { "name": "passes", "plugin": "testkit", "check": "pass" },
  { "name": "fails", "plugin": "testkit", "check": "fail" },
  { "name": "crashes", "plugin": "testkit", "check": "crash" },
  { "name": "hangs", "plugin": "testkit", "check": "hang", "timeout": 0.3 },
  { "name": "outputs", "plugin": "testkit", "check": "output",
    "params": { "value": { "x": "${home}" } }, "capture": { "v": "/value/x" } },
  { "name": "uses capture", "plugin": "testkit", "check": "output", "params": { "value": "${v}" } },
  { "name": "hostile", "plugin": "testkit", "check": "hostile" },
  { "name": "flaky", "plugin": "testkit", "check": "fail", "retries": 1, "retry_delay": 0 },
  { "name": "skipped", "plugin": "testkit", "check": "pass", "skip": "not now" } ] }
JSON
vg() { # vg NAME ARGS...: one case per wscheck command under valgrind
    local name=$1; shift
    "$top_builddir/libtool" --mode=execute valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --child-silent-after-fork=yes \
        "$top_builddir/wscheck" "$@" >"$T/vg.out" 2>&1
    local rc=$?
    if [ "$rc" -ne 99 ] && ! grep -q '==[0-9]*== ' "$T/vg.out"; then ok "$name: valgrind clean (exit $rc)"
    else not_ok "$name: valgrind reports errors"; diag <"$T/vg.out"; fi
}
vg "run with every kind of result" run --junit "$T/r.xml" --json "$T/r.json" "$T/vg.json"
vg "validate" validate "$T/vg.json"
vg "a malformed file" validate "$top_srcdir/tests/integration/runner-valgrind.sh"
vg "plugins --json" plugins --json
vg "parallel files" run --jobs 2 --quiet "$T/vg.json" "$T/vg.json"
vg "run --store-results" run --quiet --store-results "$T/store.jsonl" "$T/vg.json"
vg "monitor rounds, states, alerts, log" monitor --count 3 --interval 0 --no-jitter \
    --log-results "$T/monitor.jsonl" --alert-cmd "cat >/dev/null" "$T/vg.json"
finish
