#!/usr/bin/env bash
# `wscheck report` over results logs (JSON lines): a monitor log of two
# servers over twelve hours, where one test is down for three hours early on
# (better in the second half) and the other gets slower and errors late
# (worse). Every figure is checked exactly, as text and as JSON; filters;
# malformed lines (FILE:LINE, skipped and counted; exit 2 only when nothing
# is readable); standard input.
. "$top_srcdir/tests/integration/lib.sh"

T=$WSC_TMP
LOG="$top_srcdir/tests/integration/report/results.jsonl"

# ---- text ---------------------------------------------------------------------
run_wscheck report "$LOG"
expect_status 0 "a report over a results log exits 0"
expect_match '^wscheck report: 25 results from 1 input, 2026-12-01T00:00:00Z to 2026-12-01T12:00:00Z \(buckets of 1 hour\)' \
    "$out" "the header gives the count and the window"
expect_match '^ +25 +19 +3 +2 +1 +79\.17% +20\.0 +5000\.0$' "$out" \
    "summary: 25 results, 19 passed, 3 failed, 2 errors, 1 skipped, 79.17% success"
expect_match '127\.0\.0\.1:9004 +1 +12 +9 +3 +0 +0 +75\.00% +10\.0 +3012\.0' "$out" \
    "server 127.0.0.1:9004: one test, 75.00% success, p50 10.0 ms, p99 3012.0 ms"
expect_match '127\.0\.0\.1:8676 +1 +13 +10 +0 +2 +1 +83\.33% +20\.0 +5000\.0' "$out" \
    "server 127.0.0.1:8676: skipped results are left out of the success rate"
expect_match '127\.0\.0\.1:8676 +13 +0 +0 +0$' "$out" \
    "usage: 13 dev-toolkit calls on 127.0.0.1:8676"
expect_match 'handshake_ms: p50 6\.0, p90 10\.0, p99 10\.0, max 10\.0 ms \(9 values\)' "$out" \
    "percentiles of a metric in ms (nearest rank)"
expect_match 'mcp tools: messages_per_s mean 80\.0, min 50\.0, max 100\.0 \(10 values\)' "$out" \
    "throughput from a per-second metric"
expect_match "^  3 x connection refused by <ip>:<port> after <n> ms$" "$out" \
    "three refusals with other ports and times are one pattern"
expect_match "^      first seen 2026-12-01T03:00:00Z, last seen 2026-12-01T05:00:00Z$" "$out" \
    "the pattern's first and last seen"
expect_match "^  2 x tool '<value>' timed out after <n> ms \(request <uuid>\)$" "$out" \
    "quoted values and UUIDs are replaced"
expect_match '^  overall: better \(success 75\.00% -> 83\.33%, p50 20\.0 -> 10\.0 ms\)$' "$out" \
    "the overall trend, with its figures"
expect_match '^  websocket services / handshake: better \(success 50\.00% -> 100\.00%' "$out" \
    "the test that recovered is better"
expect_match '^  mcp servers / mcp tools: worse \(success 100\.00% -> 66\.67%, p50 20\.0 -> 40\.0 ms\)$' \
    "$out" "the test that slows down and errors is worse"

# ---- JSON ------------------------------------------------------------------------
run_wscheck report --json "$T/r.json" --quiet "$LOG"
expect_status 0 "--json writes the figures"
check "--quiet prints no text" test -z "$out"
expect_json "$T/r.json" 'r["summary"]["success_rate"] == 79.16666667 and r["summary"]["total"] == 25' \
    "JSON: the overall success rate"
expect_json "$T/r.json" '[(s["server"], s["tests"], s["success_rate"], s["calls"]["dev-toolkit"]) for s in r["servers"]] == [("127.0.0.1:9004", 1, 75, 0), ("127.0.0.1:8676", 1, 83.33333333, 13)]' \
    "JSON: per server success rates and calls"
expect_json "$T/r.json" 'r["tests"][0]["latency"]["duration_ms"] == {"count": 12, "p50": 10, "p90": 3005, "p99": 3012, "max": 3012}' \
    "JSON: duration percentiles of a test"
expect_json "$T/r.json" 'r["tests"][0]["latency"]["handshake_ms"]["p50"] == 6' \
    "JSON: metric percentiles"
expect_json "$T/r.json" 'r["window"]["bucket_seconds"] == 3600 and len(r["tests"][1]["buckets"]) == 13' \
    "JSON: hour buckets over a 12-hour window"
expect_json "$T/r.json" '[(b["start"], b["failed"], b["success_rate"]) for b in r["tests"][0]["buckets"][3:6]] == [("2026-12-01T03:00:00Z", 1, 0), ("2026-12-01T04:00:00Z", 1, 0), ("2026-12-01T05:00:00Z", 1, 0)]' \
    "JSON: the buckets when the test was down"
expect_json "$T/r.json" '[b["metrics"].get("handshake_ms", {}).get("p50") for b in r["tests"][0]["buckets"]][:7] == [2, 3, 4, None, None, None, 5]' \
    "JSON: latency metrics per bucket"
expect_json "$T/r.json" '[b["p50_ms"] for b in r["tests"][1]["buckets"]][5:8] == [20, 40, 40]' \
    "JSON: p50 per bucket (a '+02:00' time lands in its UTC hour)"
expect_json "$T/r.json" '[(p["pattern"], p["count"], p["first_seen"], p["last_seen"], p["tests"]) for p in r["error_patterns"]] == [("connection refused by <ip>:<port> after <n> ms", 3, "2026-12-01T03:00:00Z", "2026-12-01T05:00:00Z", ["websocket services / handshake"]), ("tool '"'"'<value>'"'"' timed out after <n> ms (request <uuid>)", 2, "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z", ["mcp servers / mcp tools"])]' \
    "JSON: error patterns with counts, first and last seen, tests"
expect_json "$T/r.json" 'r["trend"]["verdict"] == "better" and [t["trend"]["verdict"] for t in r["tests"]] == ["better", "worse"]' \
    "JSON: trends"
expect_json "$T/r.json" 'r["tests"][1]["trend"]["second_half"]["p50_ms"] == 40 and r["tests"][1]["throughput"]["messages_per_s"]["mean"] == 80' \
    "JSON: trend figures and throughput"

run_wscheck report --json - "$LOG"
expect_status 0 "--json - writes to standard output"
printf '%s\n' "$out" >"$T/stdout.json"
expect_json "$T/stdout.json" 'r["summary"]["total"] == 25' "--json - replaces the text"

# ---- filters -------------------------------------------------------------------------
run_wscheck report --json - --since 2026-12-01T06:00:00Z "$LOG"
printf '%s\n' "$out" >"$T/since.json"
expect_json "$T/since.json" 'r["summary"]["total"] == 13 and r["window"]["from"] == "2026-12-01T06:00:00Z"' \
    "--since keeps the results from that time on"
run_wscheck report --json - --since 2026-12-01T03:00:00+01:00 --until 2026-12-01T04:00:00Z "$LOG"
printf '%s\n' "$out" >"$T/until.json"
expect_json "$T/until.json" 'r["summary"]["total"] == 6' "--since with an offset and --until (both inclusive)"
run_wscheck report --json - --suite 'mcp*' "$LOG"
printf '%s\n' "$out" >"$T/suite.json"
expect_json "$T/suite.json" '[t["test"] for t in r["tests"]] == ["mcp tools"]' "--suite takes a wildcard"
run_wscheck report --json - --test handshake "$LOG"
printf '%s\n' "$out" >"$T/test.json"
expect_json "$T/test.json" 'r["summary"]["total"] == 12' "--test selects a test"
# the log is from 2026-12-01: an hour before now leaves every result out
run_wscheck report --since 1h "$LOG"
expect_status 0 "a relative --since that leaves every result out is still a report"
expect_match '^wscheck report: 0 results from 1 input' "$out" "nothing in the window: 0 results"
run_wscheck report --since yesterday "$LOG"
expect_status 2 "an unreadable --since is a usage error"
expect_match "--since 'yesterday' is neither an RFC 3339 time" "$err" "and says what it takes"

# ---- standard input, several inputs ------------------------------------------------
status=0
"$WSCHECK" report --json "$T/stdin.json" - <"$LOG" >/dev/null 2>&1 || status=$?
check "'-' reads standard input" test "$status" = 0
expect_json "$T/stdin.json" 'r["summary"]["total"] == 25 and r["inputs"] == 1' "the log from stdin"
run_wscheck report --json "$T/two.json" "$LOG" "$LOG"
expect_json "$T/two.json" 'r["summary"]["total"] == 50 and r["inputs"] == 2' "two inputs add up"

# ---- malformed input -----------------------------------------------------------------
{
    head -n 2 "$LOG"
    echo 'not json at all'
    echo '[1, 2]'
    echo '{"time": "2026-12-01T01:00:00Z", "status": "passed"}'
    echo '{"time": "yesterday", "test": "x", "status": "passed"}'
    echo '{"time": "2026-12-01T01:00:00Z", "test": "x", "status": "fine"}'
    echo
    "$PYTHON_WS" -c 'print("{\"test\": \"" + "x" * (1100 * 1024) + "\"}")'
    sed -n 3p "$LOG"
} >"$T/bad.log"
run_wscheck report --json "$T/bad.json" "$T/bad.log"
expect_status 0 "a log with some malformed lines is still reported"
expect_match "bad\.log:3: not JSON" "$err" "FILE:LINE for a line that is not JSON"
expect_match "bad\.log:4: not a JSON object" "$err" "FILE:LINE for an array"
expect_match 'bad\.log:5: no "test"' "$err" "FILE:LINE for a missing test"
expect_match 'bad\.log:6: "time" is not an RFC 3339 time' "$err" "FILE:LINE for a bad time"
expect_match 'bad\.log:7: "status" is not passed, failed, error or skipped' "$err" "FILE:LINE for a bad status"
expect_match 'bad\.log:9: line longer than 1 MiB, skipped' "$err" "a line over 1 MiB is skipped, not read"
expect_json "$T/bad.json" 'r["summary"]["total"] == 3 and r["malformed"] == 6' \
    "the good lines are counted, the malformed ones too"
printf 'garbage\n{"also": "bad"}\n' >"$T/garbage.log"
run_wscheck report "$T/garbage.log"
expect_status 2 "nothing readable: exit 2"
expect_match 'no readable result' "$err" "and it says so"
expect_match 'garbage\.log:1: not JSON' "$err" "a first line that is not JSON is a malformed log line"
expect_match 'garbage\.log:2: no "test"' "$err" "and the next lines are read as a log"
run_wscheck report "$top_srcdir/tests/integration/report/mock.json"
expect_status 2 "a scenario is not a result"
expect_match 'mock\.json: neither a results log nor a wscheck JSON report' "$err" "and is named as such"
run_wscheck report "$T/none.log"
expect_status 2 "a missing file: exit 2"
expect_match 'none\.log: cannot read' "$err" "naming the file"
: >"$T/empty.log"
run_wscheck report "$T/empty.log" "$LOG"
expect_status 0 "an empty input among good ones is only reported"
expect_match 'empty\.log: empty' "$err" "as empty"
run_wscheck report
expect_status 2 "no input is a usage error"
run_wscheck report --help
expect_status 0 "--help"
expect_match 'Usage: wscheck report' "$out" "--help prints the usage"

finish
