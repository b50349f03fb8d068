#!/usr/bin/env python3
"""p99 precision of wscheck load: the p99 of each histogram of its JSON
report (the test's metric NAME_p99_ms, as wscheck computes it from the
buckets), against the exact p99 of
the raw samples the same run wrote (--raw-samples: one
"TEST<TAB>HISTOGRAM<TAB>VALUE" line per sample, TEST the test's index in
the report, VALUE in ms). Prints a Markdown table; exits 1 when a difference
is 1% or more (the target), 2 when the files do not agree (a histogram's
count differs from its samples').

  load-p99.py REPORT.json RAW.tsv
"""
import json
import math
import sys



def metric_name(hist):
    """wscheck's metric name of a histogram's p99 (wsc_load_metric_name)."""
    base = hist[:-3] if len(hist) > 3 and hist.endswith("_ms") else hist
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in base) + "_p99_ms"


def exact_p99(values):
    """The smallest sample such that at least 99% are less or equal."""
    values.sort()
    return values[max(1, math.ceil(0.99 * len(values) * (1 - 1e-12))) - 1]


def main():
    report_path, raw_path = sys.argv[1:3]
    with open(report_path) as f:
        tests = json.load(f)["tests"]
    samples = {}
    with open(raw_path) as f:
        for line in f:
            test, name, value = line.rstrip("\n").split("\t")
            samples.setdefault((int(test), name), []).append(float(value))
    rows = []
    for i, t in enumerate(tests):
        for name, h in sorted(t["histograms"].items()):
            raw = samples.get((i, name), [])
            if h["count"] == 0 and not raw:
                continue
            if len(raw) != h["count"]:
                print(f"{name}: the report counts {h['count']} samples, the raw file has {len(raw)}",
                      file=sys.stderr)
                sys.exit(2)
            reported = t["metrics"][metric_name(name)]
            exact = exact_p99(raw)
            diff = (reported - exact) / exact * 100 if exact else 0.0
            rows.append((name, len(raw), reported, exact, diff))
    # Every histogram but the conversation's steps, then the step whose p99
    # is furthest off (a conversation has one histogram per step).
    steps = [r for r in rows if r[0].startswith("step ")]
    shown = [r for r in rows if not r[0].startswith("step ")]
    if steps:
        w = max(steps, key=lambda r: abs(r[4]))
        shown.append((f"{w[0]} (furthest of {len(steps)} steps)",) + w[1:])
    for name, n, reported, exact, diff in shown:
        print(f"| {name} | {n} | {reported:.4f} ms | {exact:.4f} ms | {diff:+.2f}% |")
    worst = max((abs(r[4]) for r in rows), default=0.0)
    print(f"\nlargest difference over {len(rows)} histograms: {worst:.2f}% (target: under 1%)")
    sys.exit(0 if worst < 1.0 else 1)

if __name__ == "__main__":
    main()
