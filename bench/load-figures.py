#!/usr/bin/env python3
"""The figures of one bench/load client run, as one JSON line.

  load-figures.py wscheck REPORT.json     wscheck load's JSON report
  load-figures.py node OUTPUT             bench/load-client.js's line
  load-figures.py artillery REPORT.json   artillery run -o's report
  load-figures.py resources TIMEFILE N FIGURES
      adds the client's CPU (user+sys, from GNU time's "%U %S %M") and
      its peak RSS per connection to FIGURES (a line of the above)

Figures: messages (received, the welcomes included), seconds (the client's
own measure of its run), rate (messages/s), rtt_p99 (the echo round trips'
p99, "n/a" where the client does not measure them), session_p99_ms, errors.
"""
import json
import sys

from load_hist import merge_p99  # bench/load_hist.py, beside this script


def ms(v):
    return f"{v:.3f} ms"


def from_wscheck(path):
    with open(path) as f:
        report = json.load(f)
    tests = report["tests"]
    if len(tests) != 1:
        sys.exit(f"{path}: expected one test, got {len(tests)}")
    t = tests[0]
    hists = t["histograms"]
    # The echo round trips: every "step N expect" but the first (the welcome).
    expects = sorted((int(name.split()[1]), h) for name, h in hists.items()
                     if name.startswith("step ") and name.endswith(" expect"))
    messages = t["messages_received"]
    seconds = report["duration"]
    return {
        "messages": messages, "seconds": seconds, "rate": round(messages / seconds),
        "rtt_p99": merged_p99([h for _, h in expects[1:]]),
        "session_p99_ms": round(merge_p99([hists["session_ms"]]), 3),
        "errors": t["sessions_failed"],
    }


def merged_p99(hists):
    """p99 of several histograms added up, from their mergeable form."""
    if not hists:
        return "n/a"
    return ms(merge_p99(hists, 99.0))


def from_node(path):
    with open(path) as f:
        lines = [line for line in f if line.startswith("{")]
    r = json.loads(lines[-1])
    return {
        "messages": r["messages"], "seconds": r["seconds"], "rate": r["rate"],
        "rtt_p99": ms(r["rtt_p99_ms"]), "session_p99_ms": r["session_p99_ms"],
        "errors": r["errors"],
    }


def from_artillery(path):
    with open(path) as f:
        a = json.load(f)["aggregate"]
    counters = a["counters"]
    messages = counters.get("websocket.messages_received", 0)
    seconds = (a["lastCounterAt"] - a["firstCounterAt"]) / 1000.0
    session = a["summaries"].get("vusers.session_length", {})
    return {
        "messages": messages, "seconds": seconds,
        "rate": round(messages / seconds) if seconds > 0 else 0,
        "rtt_p99": "n/a", "session_p99_ms": session.get("p99", 0),
        "errors": counters.get("vusers.failed", 0),
    }


def resources(timefile, n, figures):
    with open(timefile) as f:
        # GNU time writes "Command exited with non-zero status" first then.
        user, sys_, rss = f.read().split()[-3:]
    r = json.loads(figures)
    r["cpu_s"] = round(float(user) + float(sys_), 2)
    r["cpu_us_per_msg"] = round(r["cpu_s"] * 1e6 / r["messages"], 1) if r["messages"] else 0
    r["rss_kib"] = int(rss)
    r["rss_per_conn_kib"] = round(int(rss) / int(n), 1)
    return r


def main():
    mode = sys.argv[1]
    if mode == "resources":
        r = resources(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        r = {"wscheck": from_wscheck, "node": from_node,
             "artillery": from_artillery}[mode](sys.argv[2])
    print(json.dumps(r))


if __name__ == "__main__":
    main()
