#!/usr/bin/env bash
# `wscheck report` over real `wscheck run --json` reports against
# wscheck-mock (two runs of four tests: passing, skipped, failing with a
# trace), and its HTML report: self-contained, well-formed, escaped, and
# rendered in headless Chromium (not blank, key texts in the DOM).
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/report/mock.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

# html_check FILE TEXT...: the cases of html-check.py as TAP cases here.
html_check() {
    local line
    mkdir -p "$T/chromium"
    "$PYTHON_WS" "$top_srcdir/tests/integration/report/html-check.py" "$1" "$T/chromium" \
        "${@:2}" >"$T/html-check.out" 2>&1
    while IFS= read -r line; do
        case $line in
        "pass "*) ok "HTML: ${line#pass }" ;;
        "fail "*) not_ok "HTML: ${line#fail }" ;;
        *) echo "$line" | diag ;;
        esac
    done <"$T/html-check.out"
    grep -q '^pass ' "$T/html-check.out" || not_ok "html-check.py ran"
}

for i in 1 2; do
    run_wscheck run --json "$T/run$i.json" "$S"
    expect_status 1 "run $i against wscheck-mock exits 1 for its failing test"
done

run_wscheck report --json "$T/r.json" --html "$T/r.html" "$T/run1.json" "$T/run2.json"
expect_status 0 "a report over two JSON reports"
expect_match '^wscheck report: 8 results from 2 inputs' "$out" "eight results from two inputs"
expect_match '^  report on mock / upgrade +2 +2 +0 +0 +0 +100\.00%' "$out" "the passing test: 100.00%"
expect_match '^  report on mock / not today +2 +0 +0 +0 +2 +- ' "$out" \
    "a test that was only skipped has no success rate"
expect_match '^  report on mock / wrong reply +2 +0 +2 +0 +0 +0\.00%' "$out" "the failing test: 0.00%"
expect_json "$T/r.json" 'r["summary"]["total"] == 8 and r["summary"]["success_rate"] == 66.66666667' \
    "JSON: 4 passed of 6 that ran"
expect_json "$T/r.json" '[(s["server"], s["tests"], s["calls"]["other"]) for s in r["servers"]] == [("-", 4, 8)]' \
    "JSON reports give no server: one '-' server with four tests"
expect_json "$T/r.json" '{t["test"]: t["latency"]["duration_ms"]["count"] for t in r["tests"]} == {"upgrade": 2, "ping": 2, "not today": 0, "wrong reply": 2}' \
    "skipped results give no duration"
expect_json "$T/r.json" 'r["tests"][0]["latency"]["handshake_ms"]["count"] == 2' \
    "the handshake_ms metric (unit ms) is a latency"
expect_json "$T/r.json" 'len(r["error_patterns"]) == 1 and r["error_patterns"][0]["count"] == 2 and r["error_patterns"][0]["tests"] == ["report on mock / wrong reply"]' \
    "the two failures of one test are one pattern"
expect_json "$T/r.json" 'r["window"]["bucket_seconds"] == 3600' "hour buckets for a short window"
pattern=$(json_get "$T/r.json" 'r["error_patterns"][0]["pattern"]')
example=$(json_get "$T/r.json" 'r["error_patterns"][0]["example"]')
html_check "$T/r.html" "Error patterns" "Summary" "upgrade" "wrong reply" "not today" \
    "report on mock" "$pattern" "$example" "Trace:"
check "the failures' traces are in the HTML" grep -q 'class="trace"' "$T/r.html"

# ---- escaping: strings from the results are text, never markup ------------------------
cat >"$T/hostile.log" <<'LOG'
{"time": "2026-12-01T00:00:00Z", "suite": "<b>suite</b>", "test": "x\" onload=\"y", "status": "failed", "duration_ms": 1, "server": "h:1", "message": "<script>alert(1)</script> & see https://example.invalid/x"}
{"time": "2026-12-01T01:00:00Z", "suite": "<b>suite</b>", "test": "x\" onload=\"y", "status": "passed", "duration_ms": 2, "server": "h:1"}
LOG
run_wscheck report --quiet --html "$T/hostile.html" "$T/hostile.log"
expect_status 0 "a report over hostile strings"
check "markup in messages is escaped" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; see' "$T/hostile.html"
check "quotes in names are escaped" grep -qF 'x&quot; onload=&quot;y' "$T/hostile.html"
html_check "$T/hostile.html" "<b>suite</b>" "<script>alert(1)</script> & see https://example.invalid/x"

# ---- thousands of results: charts stay at their bucket count -------------------------
"$PYTHON_WS" -c '
import json
for i in range(6000):
    t = 1764547200 + i * 300  # every 5 minutes from 2025-12-01, about 21 days
    print(json.dumps({"time": __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(t)),
        "suite": "s", "test": "t%d" % (i % 3), "status": "passed" if i % 17 else "failed",
        "duration_ms": 10 + i % 7, "message": None if i % 17 else "closed with %d" % (1000 + i % 5)}))
' | sed 's/, "message": null//' >"$T/many.log"
run_wscheck report --quiet --json "$T/many.json" --html "$T/many.html" "$T/many.log"
expect_status 0 "a report over 6000 results"
expect_json "$T/many.json" 'r["summary"]["total"] == 6000 and r["window"]["bucket_seconds"] == 86400' \
    "day buckets over three weeks"
expect_json "$T/many.json" '[p["pattern"] for p in r["error_patterns"]] == ["closed with <n>"]' \
    "close codes are one pattern"
check "the HTML has one point per bucket, not per result" \
    test "$(grep -c '<rect class=' "$T/many.html")" -le 66
check "the failures shown are capped" test "$(grep -c 'class="failure"' "$T/many.html")" -eq 200

finish
