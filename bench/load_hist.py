"""wscheck's histograms in their JSON form (lib/histogram_internal.h):
{"layout", "count", "min", "max", "sum", "buckets": [[index, count], ...]},
log-linear, 64 linear buckets per power of two from 2^-11 to 2^23 ms. Adds
several up and reads a percentile the way wsc_hist_percentile() does, for
bench/load's figures."""
import math

LAYOUT = "log-linear 64/2^-11..2^23"
SUB_BUCKETS = 64
EXP_MIN = -10
EXP_MAX = 23
OVERFLOW = 1 + (EXP_MAX - EXP_MIN + 1) * SUB_BUCKETS


def merge(hists):
    """The sum of histograms in JSON form: (count, min, max, {bucket: count})."""
    count, lo, hi, buckets = 0, math.inf, -math.inf, {}
    for h in hists:
        if h.get("layout") != LAYOUT:
            raise ValueError(f"unknown histogram layout {h.get('layout')!r}")
        if h["count"] == 0:
            continue
        count += h["count"]
        lo, hi = min(lo, h["min"]), max(hi, h["max"])
        for index, n in h["buckets"]:
            buckets[index] = buckets.get(index, 0) + n
    return count, lo, hi, buckets


def bucket_value(index, lo, hi):
    if index == 0:
        return lo
    if index == OVERFLOW:
        return hi
    i = index - 1
    e = EXP_MIN + i // SUB_BUCKETS
    return math.ldexp(0.5 + (i % SUB_BUCKETS + 0.5) / (2 * SUB_BUCKETS), e)


def percentile(hists, p):
    count, lo, hi, buckets = merge(hists)
    if count == 0:
        return 0.0
    rank = max(1, min(count, math.ceil(p * count / 100.0 * (1 - 1e-12))))
    seen = 0
    for index in sorted(buckets):
        seen += buckets[index]
        if seen >= rank:
            return min(max(bucket_value(index, lo, hi), lo), hi)
    return hi


def merge_p99(hists, p=99.0):
    return percentile(hists, p)
