#!/usr/bin/env bash
# wscheck load --raw-samples against wscheck-mock: every sample of the run
# written once (as many lines per histogram as the report counts), in the
# documented form, the report's p99 within 1% of the exact p99 of those
# samples, and a file that cannot be created refused before the run.
# Counts and relations only: no rate or time is asserted.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
S="$top_srcdir/tests/integration/fixtures/load.json"
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --connections 4 --iterations 40 \
    --json "$T/r.json" --raw-samples "$T/raw.tsv"
expect_status 0 "40 echo sessions with --raw-samples (exit 0)"
check "the raw samples file is there" test -s "$T/raw.tsv"
check "each line is TEST<TAB>HISTOGRAM<TAB>VALUE" \
    awk -F'\t' 'NF != 3 || $1 != "0" || $3 !~ /^[0-9.e+-]+$/ { bad = 1 } END { exit bad }' "$T/raw.tsv"
expect_json "$T/r.json" 'r["tests"][0]["histograms"]["session_ms"]["count"] == 40' \
    "the report counts 40 sessions"

# The samples of each histogram, against the report's count and p99.
cat >"$T/compare.py" <<'PY'
import json, math, sys
report = json.load(open(sys.argv[1]))["tests"][0]
samples = {}
for line in open(sys.argv[2]):
    _, name, value = line.rstrip("\n").split("\t")
    samples.setdefault(name, []).append(float(value))
hists = report["histograms"]
if set(samples) != {n for n, h in hists.items() if h["count"]}:
    sys.exit(f"histograms differ: {sorted(samples)} vs {sorted(hists)}")
for name, values in samples.items():
    if len(values) != hists[name]["count"]:
        sys.exit(f"{name}: {len(values)} samples, the report counts {hists[name]['count']}")
    values.sort()
    exact = values[math.ceil(0.99 * len(values)) - 1]
    base = name[:-3] if name.endswith("_ms") else name
    key = "".join(c if c.isalnum() else "_" for c in base)
    reported = report["metrics"][key + "_p99_ms"]
    if exact and abs(reported - exact) / exact >= 0.01:
        sys.exit(f"{name}: reported p99 {reported}, exact {exact}")
PY
check "every histogram has as many samples as it counts, its p99 within 1% of theirs" \
    python3 "$T/compare.py" "$T/r.json" "$T/raw.tsv"
check "session_ms, handshake_ms and the steps are among them" \
    grep -q $'\tsession_ms\t' "$T/raw.tsv"
check "... handshake_ms" grep -q $'\thandshake_ms\t' "$T/raw.tsv"
check "... step 2 expect" grep -q $'\tstep 2 expect\t' "$T/raw.tsv"

run_wscheck load "$S" --test echo --var "url=$MOCK_URL" --iterations 1 \
    --raw-samples "$T/no/such/dir/raw.tsv"
expect_status 2 "a --raw-samples file that cannot be created is refused (exit 2)"
expect_match "--raw-samples $T/no/such/dir/raw.tsv: No such file" "$err" "... naming the file and why"

finish
