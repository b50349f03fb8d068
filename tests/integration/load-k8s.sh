#!/usr/bin/env bash
# contrib/k8s: the Indexed Job of load generators and the merge Job are
# well-formed Kubernetes objects (checked with PyYAML: no cluster here),
# agree with each other (shards, volumes, paths), and their containers'
# commands do what contrib/README.md says: run as local processes with
# JOB_COMPLETION_INDEX 0..3 against wscheck-mock, then the merge, they give
# one merged load report with every session.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
"$PYTHON_WS" -c 'import yaml' 2>/dev/null || skip_all "python3 yaml (PyYAML) is not installed"

T=$WSC_TMP
K="$top_srcdir/contrib/k8s"
GEN="$K/wscheck-load-generators.yaml"
MERGE="$K/wscheck-load-merge.yaml"

# k8s EXPR: a Python expression over the objects of both files: `gen` the
# generators' Job, `merge` the merge Job, `cm` the ConfigMap, `pvc` the
# claim, `env(c)` a container's environment as a dict, `c(job)` the first
# container of a Job.
k8s() {
    "$PYTHON_WS" -c '
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[2]))) + list(yaml.safe_load_all(open(sys.argv[3])))
kinds = {}
for x in docs: kinds.setdefault(x["kind"], []).append(x)
jobs = {j["metadata"]["name"]: j for j in kinds["Job"]}
gen, merge = jobs["wscheck-load-generators"], jobs["wscheck-load-merge"]
cm, pvc = kinds["ConfigMap"][0], kinds["PersistentVolumeClaim"][0]
def c(job): return job["spec"]["template"]["spec"]["containers"][0]
def env(x): return {e["name"]: e["value"] for e in x.get("env", [])}
def vols(job): return {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
print(eval(sys.argv[1]))' "$1" "$GEN" "$MERGE"
}

check "both files parse as YAML with apiVersion, kind and a name everywhere" \
    test "$(k8s 'all(x.get("apiVersion") and x.get("kind") and x["metadata"].get("name") for x in docs)')" = True
check "the generators are an Indexed Job with as many completions as parallel pods" \
    test "$(k8s 'gen["spec"]["completionMode"] == "Indexed" and gen["spec"]["completions"] == gen["spec"]["parallelism"]')" = True
check "... and SHARDS is that number" \
    test "$(k8s 'int(env(c(gen))["SHARDS"]) == gen["spec"]["completions"]')" = True
check "no generator is retried (it would run its shard twice)" \
    test "$(k8s 'gen["spec"]["backoffLimit"] == 0 and gen["spec"]["template"]["spec"]["restartPolicy"] == "Never"')" = True
check "the generators mount the scenario ConfigMap at SCENARIO's directory" \
    test "$(k8s 'vols(gen)["scenario"]["configMap"]["name"] == cm["metadata"]["name"] and any(m["name"] == "scenario" and env(c(gen))["SCENARIO"].startswith(m["mountPath"] + "/") for m in c(gen)["volumeMounts"])')" = True
check "generators and merge share the reports claim at REPORTS" \
    test "$(k8s 'all(vols(j)["reports"]["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"] and any(m["name"] == "reports" and m["mountPath"] == env(c(j))["REPORTS"] for m in c(j)["volumeMounts"]) for j in (gen, merge))')" = True
check "the claim can be mounted by every generator's node (ReadWriteMany)" \
    test "$(k8s 'pvc["spec"]["accessModes"] == ["ReadWriteMany"]')" = True

# The containers' commands, run here: the scenario from the ConfigMap
# (pointed at the mock), paths under $T.
start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
k8s 'cm["data"]["scenario.json"]' >"$T/scenario.json"
k8s 'c(gen)["command"][2]' >"$T/generator.sh"
k8s 'c(merge)["command"][2]' >"$T/merge.sh"
k8s '" ".join(c(gen)["command"][:2])' >"$T/shell"
mkdir -p "$T/bin" "$T/reports"
ln -s "$WSCHECK" "$T/bin/wscheck"

run_wscheck validate --var "url=$MOCK_URL" "$T/scenario.json"
expect_status 0 "the ConfigMap's scenario is valid"

shards=$(k8s 'env(c(gen))["SHARDS"]')
pids=""
for ((i = 0; i < shards; i++)); do
    PATH="$T/bin:$PATH" JOB_COMPLETION_INDEX=$i SHARDS=$shards CONNECTIONS=4 \
        DURATION=1h RAMP_UP=0s SCENARIO="$T/scenario.json" REPORTS="$T/reports" \
        LOAD_ARGS="--var url=$MOCK_URL --iterations 21 --quiet" \
        sh "$T/generator.sh" >"$T/gen-$i.log" 2>&1 &
    pids="$pids $!"
    WSC_PIDS="$WSC_PIDS $!"
done
failed=0
for pid in $pids; do wait_bounded 120 "$pid" || failed=1; done
check "every generator's command succeeds" test "$failed" = 0
check "... each writing shard-I.json, I from JOB_COMPLETION_INDEX + 1" \
    test "$(cd "$T/reports" && echo shard-*.json)" = "shard-1.json shard-2.json shard-3.json shard-4.json"
PATH="$T/bin:$PATH" REPORTS="$T/reports" sh "$T/merge.sh" >"$T/merge.log" 2>&1
merge_status=$?
check "the merge command succeeds" test "$merge_status" = 0
expect_json "$T/reports/load.json" 'r["kind"] == "load" and r["tests"][0]["sessions"] == 21 and r["tests"][0]["sessions_ok"] == 21' \
    "the merged report has every session of the four shards"
check "the merged JUnit report is valid on both schemas" validate_junit "$T/reports/load.xml"
finish
