#!/usr/bin/env bash
# --shard I/N, `wscheck merge` and --tap as a CI pipeline uses them: four
# shards run as separate processes against wscheck-mock, their union is the
# selection with no test twice (the capture chain in one shard), and the
# merged JUnit and JSON reports have the totals of an unsharded run.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/shards.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

# py EXPR FILE...: a Python expression over the JSON documents in FILE...
# (`d` is the list of documents, `names(doc)` the test names of one, `tot`
# its summary); prints the value.
py() {
    local expr=$1; shift
    "$PYTHON_WS" -c '
import json, sys
d = [json.load(open(f)) for f in sys.argv[2:]]
def names(doc): return [t["name"] for s in doc["suites"] for t in s["tests"]]
def tot(doc): return doc["summary"]
print(eval(sys.argv[1]))' "$expr" "$@"
}

# junit_totals FILE: "tests failures errors skipped" summed over the suites.
junit_totals() {
    "$PYTHON_WS" -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().findall("testsuite")
print(*[sum(int(x.get(k)) for x in s) for k in ("tests", "failures", "errors", "skipped")])' "$1"
}

# ---- the unsharded run ----------------------------------------------------------
run_wscheck run --json "$T/all.json" --junit "$T/all.xml" "$S"
expect_status 1 "the unsharded run exits 1 for its failing test"
check "the unsharded run has 13 tests" test "$(py 'tot(d[0])["total"]' "$T/all.json")" = 13
check "an unsharded JSON report says shard: null" test "$(py 'd[0]["shard"]' "$T/all.json")" = None

# ---- four shards, four processes -----------------------------------------------
statuses=""
for i in 1 2 3 4; do
    "$WSCHECK" run --shard "$i/4" --json "$T/shard$i.json" --junit "$T/shard$i.xml" "$S" \
        >"$T/shard$i.out" 2>&1
    statuses="$statuses $?"
done
check "one shard exits 1 (the failing test), the others 0" \
    test "$(echo $statuses | tr ' ' '\n' | sort | tr -d '\n')" = 0001
check "each shard says what it runs" grep -q '^shard 3/4: [0-9]* of 13 selected tests$' "$T/shard3.out"
check "the shards together run each test once" \
    test "$(py 'sorted(sum((names(x) for x in d[1:]), [])) == sorted(names(d[0]))' \
        "$T/all.json" "$T"/shard[1-4].json)" = True
check "the capture chain runs in one shard" \
    test "$(py '[n for x in d for n in ["welcome", "echo the id", "recall the echo"] if n in names(x)] == ["welcome", "echo the id", "recall the echo"]' \
        "$T"/shard[1-4].json)" = True
check "each JSON report says its shard" \
    test "$(py '[x["shard"] for x in d]' "$T"/shard[1-4].json)" = \
    "[{'index': 1, 'total': 4}, {'index': 2, 'total': 4}, {'index': 3, 'total': 4}, {'index': 4, 'total': 4}]"
check "a shard's JUnit suites carry the property shard=2/4" \
    grep -q '<property name="shard" value="2/4"/>' "$T/shard2.xml"
check "the shards' JUnit reports are valid against both schemas" \
    sh -c 'for f in "$1"/shard[1-4].xml; do xmllint --noout --schema "$2/ant-junit.xsd" "$f" && xmllint --noout --schema "$2/jenkins-junit-10.xsd" "$f" || exit 1; done' \
    sh "$T" "$JUNIT_XSD_DIR"

# ---- merged --------------------------------------------------------------------
# Reverse order on the command line: merge orders by shard itself.
run_wscheck merge --json "$T/merged.json" --junit "$T/merged.xml" --tap "$T/merged.tap" \
    "$T/shard4.json" "$T/shard3.json" "$T/shard2.json" "$T/shard1.json"
expect_status 1 "merge exits 1: a merged test failed"
expect_match '^11 passed, 1 failed, 0 errors, 1 skipped' "$out" "merge prints the merged summary"
check "the merged JSON totals equal the unsharded run's" \
    test "$(py 'tot(d[0]) == tot(d[1]) and d[0]["suites"][0]["summary"] == d[1]["suites"][0]["summary"]' \
        "$T/all.json" "$T/merged.json")" = True
check "the merged JSON report has every test once, in one suite, in file order" \
    test "$(py 'len(d[0]["suites"]) == 1 and names(d[0]) == names(d[1])' \
        "$T/merged.json" "$T/all.json")" = True
check "the merged run's time is the sum of the shards' times" \
    test "$(py 'abs(d[0]["duration"] - sum(x["duration"] for x in d[1:])) < 0.01' \
        "$T/merged.json" "$T"/shard[1-4].json)" = True
check "the merged JUnit totals equal the unsharded run's" \
    test "$(junit_totals "$T/merged.xml")" = "$(junit_totals "$T/all.xml")"
check "the merged JUnit totals are 13 1 0 1" test "$(junit_totals "$T/merged.xml")" = "13 1 0 1"
check "the merged JUnit report lists the test cases as the unsharded one does" \
    test "$(grep -o '<testcase name="[^"]*"' "$T/merged.xml")" = "$(grep -o '<testcase name="[^"]*"' "$T/all.xml")"
check "the merged JUnit report is valid against both schemas" validate_junit "$T/merged.xml"
check "the merged histograms count what the unsharded run's do" \
    test "$(py '{k: (v["count"], v["tests"]) for k, v in d[0]["histograms"].items()} == {k: (v["count"], v["tests"]) for k, v in d[1]["histograms"].items()} and "rtt_ms" in d[0]["histograms"]' \
        "$T/merged.json" "$T/all.json")" = True
# sum_buckets FILE...: the rtt_ms buckets of the JSON reports, added up.
sum_buckets() {
    "$PYTHON_WS" -c '
import json, sys, collections
total = collections.Counter()
for f in sys.argv[1:]:
    for b, c in json.load(open(f))["histograms"].get("rtt_ms", {}).get("buckets", []):
        total[b] += c
print(sorted(total.items()))' "$@"
}
check "the merged rtt_ms histogram adds the shards' buckets exactly" \
    test "$(sum_buckets "$T/merged.json")" = "$(sum_buckets "$T"/shard[1-4].json)"

# ---- merge refuses what would give wrong totals ----------------------------------
run_wscheck merge --json "$T/twice.json" "$T/shard1.json" "$T/shard2.json" "$T/shard1.json"
expect_status 2 "a report given twice: exit 2"
expect_match "shard1.json: test '[^']+' of 'shards' is also in .*shard1.json" "$err" \
    "the duplicated test is named, with both reports"
check "no merged report is written then" test ! -e "$T/twice.json"
echo 'not json' >"$T/junk.json"
run_wscheck merge "$T/shard1.json" "$T/junk.json"
expect_status 2 "an invalid report: exit 2"
expect_match "^wscheck: .*junk.json: not JSON" "$err" "the invalid report is named"
py 'json.dump(dict(d[0], report_version=7), open(sys.argv[2] + ".v7", "w"))' "$T/shard1.json" >/dev/null
run_wscheck merge "$T/shard1.json.v7"
expect_status 2 "a report of another report_version: exit 2"
expect_match "shard1.json.v7: JSON report version 7; this wscheck reads report_version 1" "$err" \
    "the version is named"
run_wscheck merge "$T/absent.json"
expect_status 2 "a missing report: exit 2"
expect_match "absent.json: cannot read: No such file" "$err" "the missing report is named"
run_wscheck merge --json "$T/three.json" "$T/shard1.json" "$T/shard2.json" "$T/shard3.json"
expect_match "warning: merge: no report of shard 4/4" "$err" "a missing shard is warned about"
py 'json.dump(dict(d[0], shard={"index": 3, "total": 3}), open(sys.argv[2] + ".of3", "w"))' "$T/shard3.json" >/dev/null
run_wscheck merge --json "$T/mixed.json" "$T/shard1.json" "$T/shard3.json.of3"
expect_match "warning: merge: reports of runs split in 4 and in 3 shards" "$err" \
    "reports of runs split differently are warned about"
run_wscheck merge --help
expect_status 0 "merge --help exits 0"
expect_match "Usage: wscheck merge" "$out" "merge --help prints the usage"

# ---- an empty shard, --shard errors ------------------------------------------------
empty=0
for i in 1 2 3; do
    run_wscheck run --shard "$i/3" --filter upgrade --json "$T/one$i.json" "$S"
    [ "$status" -eq 0 ] || { not_ok "shard $i/3 of one test exits 0 (exit $status)"; echo "$err" | diag; }
    [ "$(py 'tot(d[0])["total"]' "$T/one$i.json")" = 0 ] && empty=$((empty + 1))
done
check "of three shards of one test, two are empty runs with exit 0" test "$empty" = 2
run_wscheck run --shard 5/4 "$S"
expect_status 2 "--shard 5/4: exit 2"
expect_match "--shard needs I/N with 1 <= I <= N, got: 5/4" "$err" "--shard 5/4 is explained"

# ---- TAP for prove ---------------------------------------------------------------
run_wscheck run --tap - "$S"
expect_status 1 "--tap - exits 1 for the failing test"
printf '%s\n' "$out" >"$T/run.tap"
check "--tap - prints only TAP on stdout" sh -c 'head -2 "$1" | tr "\n" " " | grep -qx "TAP version 13 1..13 "' sh "$T/run.tap"
expect_match '11 passed, 1 failed, 0 errors, 1 skipped' "$err" "with --tap -, the console goes to stderr"
check "the TAP report says why a test failed" grep -q '^  message: "step 2 (expect): /type: expected' "$T/run.tap"
check "the TAP report marks the skipped test" grep -q '^ok [0-9]* - shards: not today # SKIP skipped on purpose$' "$T/run.tap"
if command -v prove >/dev/null 2>&1; then
    prove --exec cat "$T/run.tap" >"$T/prove.out" 2>&1
    prove_status=$?
    check "prove fails the run (a test failed)" test "$prove_status" -ne 0
    check "prove counts 13 tests, 1 failed, 1 skipped" \
        sh -c 'grep -q "Tests=13" "$1" && grep -q "Failed 1/13 subtests" "$1" &&
               grep -q "less 1 skipped subtest" "$1"' sh "$T/prove.out"
    prove --exec cat "$T/merged.tap" >"$T/prove2.out" 2>&1
    check "prove reads the merged TAP report: 13 tests" grep -q "Tests=13" "$T/prove2.out"
else
    check "the TAP report has 13 test points" test "$(grep -c '^\(not \)\?ok ' "$T/run.tap")" = 13
fi

finish
