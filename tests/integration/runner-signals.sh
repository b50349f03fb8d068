#!/usr/bin/env bash
# Signals to wscheck: SIGINT/SIGTERM/SIGHUP end the run with the reports
# written (also with --jobs, whose workers get the signal); SIGKILL leaves
# no check running; --fail-fast stops the other files of --jobs.
. "$top_srcdir/tests/integration/lib.sh"

export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
T=$WSC_TMP

# alive PID: a live process (a zombie waiting for init is not); waits up to
# 10 s for it to go.
gone() {
    local i=0 state
    while [ "$i" -lt 200 ]; do
        kill -0 "$1" 2>/dev/null || return 0
        state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
        [ "$state" = Z ] && return 0
        sleep 0.05; i=$((i + 1))
    done
    echo "process $1 still runs"; return 1
}

# scenario FILE NAME PIDFILE: a quick test, one that records its pid and
# hangs, one never started.
scenario() {
    cat >"$1" <<JSON
{ "name": "$2", "tests": [
  { "name": "quick", "plugin": "testkit", "check": "pass" },
  { "name": "hangs", "plugin": "testkit", "check": "pids", "timeout": 60,
    "params": { "pid_file": "$3" } },
  { "name": "never", "plugin": "testkit", "check": "pass" } ] }
JSON
}

# wait_file FILE: waits up to 10 s for FILE to have content.
wait_file() {
    local i=0
    while [ "$i" -lt 200 ]; do [ -s "$1" ] && return 0; sleep 0.05; i=$((i + 1)); done
    echo "no $1"; return 1
}

# start_run ARGS...: wscheck run in the background; sets $pid.
start_run() {
    "$WSCHECK" run "$@" >"$T/run.log" 2>&1 &
    pid=$!
    WSC_PIDS="$WSC_PIDS $pid"
}

# ---- --jobs: SIGTERM and SIGINT reach the workers ------------------------------
for sig in TERM INT HUP; do
    code=$((128 + $(kill -l "$sig")))
    rm -f "$T"/pid-*
    scenario "$T/a.json" a "$T/pid-a"
    scenario "$T/b.json" b "$T/pid-b"
    start_run --jobs 2 --junit "$T/jobs.xml" --json "$T/jobs.out" "$T/a.json" "$T/b.json"
    check "--jobs: both checks are running ($sig)" sh -c "$(declare -f wait_file); wait_file '$T/pid-a' && wait_file '$T/pid-b'"
    kill -"$sig" "$pid"
    # Bounded: a run that ignores the signal is killed after 20 s.
    wait_bounded 20 "$pid" KILL; status=$?
    out=$(cat "$T/run.log"); err=""
    expect_status "$code" "--jobs: SIG$sig ends the run with $code"
    check "--jobs: SIG$sig: the running and unstarted tests are skipped as interrupted" \
        test "$(json_get "$T/jobs.out" "[(t['status'], t.get('message')) for s in r['suites'] for t in s['tests']]")" = \
        "[('passed', None), ('skipped', 'interrupted'), ('skipped', 'interrupted'), ('passed', None), ('skipped', 'interrupted'), ('skipped', 'interrupted')]"
    for f in a b; do
        check "--jobs: SIG$sig: the check of $f is gone" gone "$(cut -d' ' -f1 "$T/pid-$f")"
    done
done
check "--jobs: JUnit names the real host" grep -q "hostname=\"$(hostname)\"" "$T/jobs.xml"

# ---- SIGHUP without --jobs: reports written, 129 ------------------------------------
rm -f "$T"/pid-*
scenario "$T/a.json" a "$T/pid-a"
start_run --json "$T/hup.out" "$T/a.json"
wait_file "$T/pid-a" >/dev/null
kill -HUP "$pid"
wait "$pid"; status=$?
out=$(cat "$T/run.log"); err=""
expect_status 129 "SIGHUP ends the run with 129"
check "SIGHUP: the report is written" \
    test "$(json_get "$T/hup.out" "[t['status'] for t in r['suites'][0]['tests']]")" = "['passed', 'skipped', 'skipped']"
check "SIGHUP: the check is gone" gone "$(cut -d' ' -f1 "$T/pid-a")"

# ---- SIGKILL: the running check dies with wscheck --------------------------------------
for jobs in 1 2; do
    rm -f "$T"/pid-*
    scenario "$T/a.json" a "$T/pid-a"
    scenario "$T/b.json" b "$T/pid-b"
    start_run --jobs "$jobs" "$T/a.json" "$T/b.json"
    wait_file "$T/pid-a" >/dev/null
    read -r check_pid check_pgid <"$T/pid-a"
    check "the check runs in its own process group (--jobs $jobs)" test "$check_pid" = "$check_pgid"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    check "SIGKILL to wscheck (--jobs $jobs): its check is gone" gone "$check_pid"
    kill -KILL "$check_pid" 2>/dev/null
done

# ---- --fail-fast across --jobs -----------------------------------------------------------
cat >"$T/fails.json" <<'JSON'
{ "name": "fails", "tests": [ { "name": "f", "plugin": "testkit", "check": "fail" } ] }
JSON
cat >"$T/slow.json" <<'JSON'
{ "name": "slow", "tests": [
  { "name": "waits", "plugin": "testkit", "check": "sleep", "params": { "seconds": 8 }, "timeout": 20 },
  { "name": "after", "plugin": "testkit", "check": "pass" } ] }
JSON
cat >"$T/later.json" <<'JSON'
{ "name": "later", "tests": [ { "name": "l", "plugin": "testkit", "check": "pass" } ] }
JSON
run_wscheck run --jobs 2 --fail-fast --json "$T/ff.out" "$T/slow.json" "$T/fails.json" "$T/later.json"
expect_status 1 "--jobs --fail-fast exits 1"
check "--jobs --fail-fast: tests of the other files not yet started are skipped" \
    test "$(json_get "$T/ff.out" "[(t['name'], t['status']) for s in r['suites'] for t in s['tests']]")" = \
    "[('waits', 'passed'), ('after', 'skipped'), ('f', 'failed'), ('l', 'skipped')]"

finish
