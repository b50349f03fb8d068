#!/usr/bin/env bash
# wscheck load --shard I/N and wscheck merge of load reports: four
# generators as local processes against wscheck-mock, merged, and one
# generator doing the same work. The two runs measure different latencies,
# so what must be equal is compared exactly (sessions, every counter), and
# the merge itself is checked exactly: the merged histograms are the
# bucket-wise sum of the four shards' and the merged percentiles are those
# of that sum, not averages.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/load.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

# py EXPR FILE...: a Python expression over the JSON documents (`d`);
# `hist(doc, name)` is a histogram of the echo test, `buckets(h)` its
# bucket counts as a dict.
py() {
    local expr=$1; shift
    "$PYTHON_WS" -c '
import json, sys
d = [json.load(open(f)) for f in sys.argv[2:]]
def test(doc): return doc["tests"][0]
def hist(doc, name): return test(doc)["histograms"][name]
def buckets(h): return {i: n for i, n in h["buckets"]}
print(eval(sys.argv[1]))' "$expr" "$@"
}

# Four generators at once, 42 sessions in all (11 11 10 10), and one alone.
pids=""
for i in 1 2 3 4; do
    "$WSCHECK" load "$S" --test echo --var "url=$MOCK_URL" --connections 4 \
        --iterations 42 --shard "$i/4" --quiet --json "$T/shard-$i.json" \
        >"$T/shard-$i.log" 2>&1 &
    pids="$pids $!"
    WSC_PIDS="$WSC_PIDS $!"
done
failed=0
for pid in $pids; do wait_bounded 120 "$pid" || failed=1; done
check "four generators run their shards (exit 0)" test "$failed" = 0
run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 4 --iterations 42 \
    --quiet --json "$T/single.json"
expect_status 0 "one generator runs the same work (exit 0)"

check "the shards split the iterations 11 11 10 10" \
    test "$(py '[test(x)["sessions"] for x in d]' "$T"/shard-{1,2,3,4}.json)" = "[11, 11, 10, 10]"
check "each shard's report says which shard it is" \
    test "$(py '[(x["shard"]["index"], x["shard"]["total"]) for x in d]' "$T"/shard-{1,2,3,4}.json)" = \
    "[(1, 4), (2, 4), (3, 4), (4, 4)]"

run_wscheck merge --json "$T/merged.json" --junit "$T/merged.xml" "$T"/shard-{3,1,4,2}.json
expect_status 0 "wscheck merge of the four load reports exits 0"
expect_match "sessions: 42 ok, 0 failed" "$out" "... and prints the merged summary"
counters='["sessions", "sessions_ok", "sessions_failed", "messages_sent", "messages_received", "bytes_sent", "bytes_received", "errors", "close_codes"]'
check "the merged counters equal the single generator's, every one" \
    test "$(py "[test(d[0])[k] == test(d[1])[k] for k in $counters]" "$T/merged.json" "$T/single.json")" = \
    "[True, True, True, True, True, True, True, True, True]"
check "the merged report has 42 sessions, as the single run" \
    test "$(py 'test(d[0])["sessions"], test(d[1])["sessions"]' "$T/merged.json" "$T/single.json")" = "(42, 42)"
check "the merged histograms are the bucket-wise sum of the shards', min and max included" \
    test "$("$PYTHON_WS" -c '
import json, sys
m = json.load(open(sys.argv[1]))["tests"][0]["histograms"]
s = [json.load(open(f))["tests"][0]["histograms"] for f in sys.argv[2:]]
ok = sorted(m) == sorted(s[0])
for n in m:
    b = {}
    for x in s:
        for i, c in x[n]["buckets"]: b[i] = b.get(i, 0) + c
    ok = ok and {i: c for i, c in m[n]["buckets"]} == b
    ok = ok and m[n]["min"] == min(x[n]["min"] for x in s) and m[n]["max"] == max(x[n]["max"] for x in s)
print(ok)' "$T/merged.json" "$T"/shard-{1,2,3,4}.json)" = True

# The merged percentiles recomputed from the sum: merging the merged report
# with nothing else gives the same figures, and a percentile that lies in
# one shard only is not averaged away.
run_wscheck merge --json "$T/again.json" "$T/merged.json"
expect_status 0 "a merged report merges again"
check "... to the same metrics (percentiles come from the histograms)" \
    test "$(py 'test(d[0])["metrics"] == test(d[1])["metrics"]' "$T/merged.json" "$T/again.json")" = True
check "the merged max is the largest shard max, not an average" \
    test "$(py 'test(d[0])["metrics"]["session_max_ms"] == max(test(x)["metrics"]["session_max_ms"] for x in d[1:])' \
        "$T/merged.json" "$T"/shard-{1,2,3,4}.json)" = True
check "the merged duration is the longest shard's" \
    test "$(py 'd[0]["duration"] == max(x["duration"] for x in d[1:])' "$T/merged.json" "$T"/shard-{1,2,3,4}.json)" = True
check "the merged JUnit report is valid on both schemas" validate_junit "$T/merged.xml"

# Thresholds are applied again to the totals: 42 sessions pass 'sessions
# >= 40' though no shard alone does.
"$PYTHON_WS" -c '
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f))
    r["tests"][0]["rules"].append({"metric": "sessions", "expect": {"$gte": 40}, "source": "--threshold"})
    json.dump(r, open(f + ".rule", "w"))' "$T"/shard-{1,2,3,4}.json
run_wscheck merge --json "$T/rule.json" "$T"/shard-{1,2,3,4}.json.rule
expect_status 0 "a threshold no shard meets alone holds on the merged totals"
expect_json "$T/rule.json" '[x["status"] for x in r["tests"][0]["thresholds"] if x["metric"] == "sessions"] == ["pass"]' \
    "... and the merged report lists it as passed"

run_wscheck merge --json "$T/one.json" "$T/shard-1.json"
expect_status 0 "a single shard merges ..."
expect_match "no report of shard 2/4" "$err" "... with a warning for each missing shard"

run_wscheck run --json "$T/run.json" --var "url=$MOCK_URL" --filter echo "$S"
run_wscheck merge --json "$T/mixed.json" "$T/shard-1.json" "$T/run.json"
expect_status 2 "load and run reports cannot be merged together"
expect_match "cannot be merged together" "$err" "... and the message says so"
finish
