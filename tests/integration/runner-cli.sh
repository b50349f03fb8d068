#!/usr/bin/env bash
# wscheck's command line as a user meets it: exit codes, messages, reports,
# bad input, plugins, selection, interruption. Uses the testkit plugin.
. "$top_srcdir/tests/integration/lib.sh"

PLUGINS="$top_builddir/tests/plugins/.libs"
BROKEN="$top_builddir/tests/plugins/broken/.libs"
T=$WSC_TMP
export WSCHECK_PLUGIN_PATH=$PLUGINS

# ---- basics -------------------------------------------------------------------
run_wscheck --version
expect_status 0 "--version exits 0"
expect_match '^wscheck [0-9]+\.[0-9]+\.[0-9]+' "$out" "--version names the version"
for cmd in "--help=COMMAND" "run --help=run" "validate --help=validate" "plugins --help=plugins"; do
    # shellcheck disable=SC2086
    run_wscheck ${cmd%=*}
    expect_status 0 "wscheck ${cmd%=*} exits 0"
    expect_match "^Usage: wscheck ${cmd#*=} " "$out" "wscheck ${cmd%=*} prints its own usage"
done
run_wscheck frobnicate
expect_status 2 "an unknown command exits 2"
check "an unknown command is one line naming it and --help" \
    test "$err" = "wscheck: unknown command 'frobnicate'; see 'wscheck --help'"
# An unknown or misused option: one line naming it and the command's --help,
# for every command (not the whole help text).
for cmd in run validate plugins; do
    run_wscheck $cmd --frobnicate "$T/none.json"
    expect_status 2 "wscheck $cmd --frobnicate exits 2"
    check "wscheck $cmd: the unknown option in one line" \
        test "$err" = "wscheck $cmd: unknown option '--frobnicate'; see 'wscheck $cmd --help'"
done
run_wscheck run -x "$T/none.json"
check "an unknown short option is named" \
    test "$err" = "wscheck run: unknown option '-x'; see 'wscheck run --help'"
run_wscheck run "$T/none.json" --json
check "a missing value names the option" \
    test "$err" = "wscheck run: option '--json' needs a value; see 'wscheck run --help'"
run_wscheck run --fail-fast=yes "$T/none.json"
check "a value given to a flag names the flag" \
    test "$err" = "wscheck run: option '--fail-fast' takes no value; see 'wscheck run --help'"
run_wscheck run
expect_status 2 "run without a scenario exits 2"
run_wscheck run --retries x "$T/none.json"
expect_status 2 "a bad option value exits 2"

# ---- plugins --------------------------------------------------------------------
run_wscheck plugins
expect_status 0 "plugins exits 0"
expect_match 'testkit\.pass' "$out" "plugins lists the testkit checks"
run_wscheck plugins --json
expect_status 0 "plugins --json exits 0"
printf '%s' "$out" >"$T/plugins.json"
check "plugins --json lists checks with their params schema" \
    test "$(json_get "$T/plugins.json" "[c['params']['properties']['seconds']['type'] for p in r['plugins'] if p['name']=='testkit' for c in p['checks'] if c['name']=='sleep'][0]")" = number
run_wscheck plugins --plugin-path "$PLUGINS" --plugin-path "$BROKEN"
expect_status 0 "plugins still lists the good plugins when bad ones are on the path"
for f in "nosymbol.so: not a wscheck plugin" "badabi.so: built for plugin ABI 99" \
         "dupname.so: duplicate plugin name 'testkit'" "nocheckname.so: check #1 has no name" \
         "badschema.so: check 'x' has an invalid params schema"; do
    expect_match "$f" "$err" "a refused plugin is named: ${f%%:*}"
done

# ---- a mixed run: every status, both reports ---------------------------------------
cat >"$T/mixed.json" <<'JSON'
{
  // comments are allowed
  "name": "mixed <suite> & co",
  "defaults": { "timeout": 2 },
  "tests": [
    { "name": "passes", "plugin": "testkit", "check": "pass", "tags": ["smoke"] },
    { "name": "fails", "plugin": "testkit", "check": "fail", "params": { "message": "expected 1, got 2" } },
    { "name": "errors", "plugin": "testkit", "check": "error" },
    { "name": "crashes", "plugin": "testkit", "check": "crash" },
    { "name": "hangs", "plugin": "testkit", "check": "hang", "timeout": 0.5 },
    { "name": "is skipped", "plugin": "testkit", "check": "pass", "skip": "not today" },
    { "name": "hostile", "plugin": "testkit", "check": "hostile" },
    { "name": "secret", "plugin": "testkit", "check": "secret", "params": { "token": "s3cr3t-t0ken" } }
  ]
}
JSON
run_wscheck run --junit "$T/mixed.xml" --json "$T/mixed.json.out" "$T/mixed.json"
expect_status 1 "a run with failures exits 1"
expect_match '1 passed, 4 failed, 2 errors, 1 skipped in [0-9.]+ s' "$out" "the summary line counts every status"
check "the JUnit report is valid against both schemas" validate_junit "$T/mixed.xml"
check "the JSON report has one entry per test" test "$(json_get "$T/mixed.json.out" "len(r['suites'][0]['tests'])")" = 8
check "a crash is an error naming the signal" \
    test "$(json_get "$T/mixed.json.out" "[t['status']+':'+t['message'] for t in r['suites'][0]['tests'] if t['name']=='crashes'][0]")" = "error:check crashed: signal 11 (Segmentation fault)"
check "a hang is a failure after the timeout" \
    test "$(json_get "$T/mixed.json.out" "[t['status']+':'+t['message'] for t in r['suites'][0]['tests'] if t['name']=='hangs'][0]")" = "failed:timed out after 0.5 s"
check "a skip keeps its reason" \
    test "$(json_get "$T/mixed.json.out" "[t['status']+':'+t['message'] for t in r['suites'][0]['tests'] if t['name']=='is skipped'][0]")" = "skipped:not today"
check "JUnit records the failure message" grep -q 'message="expected 1, got 2"' "$T/mixed.xml"
check "JUnit records errors as <error>" grep -q '<error ' "$T/mixed.xml"
check "secrets never reach the JUnit report" sh -c "test -s '$T/mixed.xml' && ! grep -q s3cr3t-t0ken '$T/mixed.xml'"
check "secrets never reach the JSON report" sh -c "test -s '$T/mixed.json.out' && ! grep -q s3cr3t-t0ken '$T/mixed.json.out'"
check "secrets never reach the console" sh -c "test -s '$WSC_TMP/stdout' && ! grep -q s3cr3t-t0ken '$WSC_TMP/stdout'"
check "no colour codes when stdout is not a terminal" sh -c "test -s '$WSC_TMP/stdout' && ! grep -q \$(printf '\\033') '$WSC_TMP/stdout'"
# On a terminal (script(1) gives wscheck a pty): colours, unless NO_COLOR or
# --no-color (the status line's clear-line sequences are no colours).
if command -v script >/dev/null 2>&1; then
    tty_run() { script -qec "$*" /dev/null </dev/null >"$T/tty.out" 2>&1; }
    tty_run "'$WSCHECK' run '$T/mixed.json'"
    check "colours on a terminal" grep -q "$(printf '\033')\[" "$T/tty.out"
    tty_run "NO_COLOR=1 '$WSCHECK' run '$T/mixed.json'"
    check "NO_COLOR turns colours off on a terminal" sh -c "grep -q 'passes' '$T/tty.out' && ! grep -q \"\$(printf '\\033')\[[0-9;]*m\" '$T/tty.out'"
    tty_run "'$WSCHECK' run --no-color '$T/mixed.json'"
    check "--no-color turns colours off on a terminal" sh -c "grep -q 'passes' '$T/tty.out' && ! grep -q \"\$(printf '\\033')\[[0-9;]*m\" '$T/tty.out'"
else
    not_ok "script(1) is needed to test colours on a terminal"
fi

# ---- all passing ------------------------------------------------------------------
cat >"$T/ok.json" <<'JSON'
{ "name": "ok", "vars": { "greeting": "hi", "n": "${env:WSC_TEST_N:-3}" },
  "tests": [
    { "name": "one", "plugin": "testkit", "check": "output", "params": { "value": "${greeting}" },
      "capture": { "said": "/value" } },
    { "name": "two", "plugin": "testkit", "check": "output", "params": { "value": "${said} again, ${n}" } },
    { "name": "three", "plugin": "testkit", "check": "output", "params": { "value": "${n}" } },
    { "name": "literal", "plugin": "testkit", "check": "output", "params": { "value": "$${not a var}" } }
  ] }
JSON
run_wscheck run --json "$T/ok.out" "$T/ok.json"
expect_status 0 "an all-passing run exits 0"
check "a captured value feeds a later test" test "$(json_get "$T/ok.out" "r['suites'][0]['tests'][1]['outputs']['value']")" = "hi again, 3"
check "a variable that is one number reference becomes a number" test "$(json_get "$T/ok.out" "type(r['suites'][0]['tests'][2]['outputs']['value']).__name__")" = int
check "\$\${ is a literal \${" test "$(json_get "$T/ok.out" "r['suites'][0]['tests'][3]['outputs']['value']")" = '${not a var}'
WSC_TEST_N=9 run_wscheck run --json "$T/ok.out" --var greeting=hello "$T/ok.json"
check "--var overrides the file and env feeds \${env:...}" test "$(json_get "$T/ok.out" "r['suites'][0]['tests'][1]['outputs']['value']")" = "hello again, 9"

# ---- selection, retries, fail-fast, jobs --------------------------------------------
run_wscheck run --json "$T/sel.out" --tag smoke "$T/mixed.json"
expect_status 0 "--tag runs only tagged tests"
check "--tag reports only the selected test" test "$(json_get "$T/sel.out" "[t['name'] for t in r['suites'][0]['tests']]")" = "['passes']"
run_wscheck run --json "$T/sel.out" --filter 'pa*' --filter 'is *' "$T/mixed.json"
check "--filter selects by glob" test "$(json_get "$T/sel.out" "[t['name'] for t in r['suites'][0]['tests']]")" = "['passes', 'is skipped']"
cat >"$T/flaky.json" <<JSON
{ "name": "flaky", "tests": [ { "name": "flaky", "plugin": "testkit", "check": "flaky",
  "retries": 3, "retry_delay": 0.01, "params": { "counter_file": "$T/counter", "fail_times": 2 } } ] }
JSON
run_wscheck run --json "$T/flaky.out" "$T/flaky.json"
expect_status 0 "a flaky test passes within its retries"
check "the report says how many attempts it took" test "$(json_get "$T/flaky.out" "r['suites'][0]['tests'][0]['attempts']")" = 3
cat >"$T/slow.json" <<'JSON'
{ "name": "slow", "defaults": { "timeout": 30 }, "tests": [
  { "name": "sleeps", "plugin": "testkit", "check": "sleep", "params": { "seconds": 5 } } ] }
JSON
run_wscheck run --json "$T/slow.out" --timeout 0.2 "$T/slow.json"
expect_status 1 "--timeout overrides the file's timeout"
check "the check was cut at the --timeout" test "$(json_get "$T/slow.out" "r['suites'][0]['tests'][0]['message']")" = "deadline reached before 5.000 s"
rm -f "$T/counter"
run_wscheck run --json "$T/flaky.out" --retries 0 "$T/flaky.json"
expect_status 1 "--retries 0 overrides the file's retries"
check "--retries 0 means one attempt" test "$(json_get "$T/flaky.out" "r['suites'][0]['tests'][0]['attempts']")" = 1
run_wscheck run --json "$T/ff.out" --fail-fast "$T/mixed.json"
check "--fail-fast skips everything after the first failure" \
    test "$(json_get "$T/ff.out" "[t['status'] for t in r['suites'][0]['tests']]")" = "['passed', 'failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']"
run_wscheck run --jobs 2 --junit "$T/jobs.xml" --json "$T/jobs.out" "$T/ok.json" "$T/mixed.json" "$T/flaky.json"
expect_status 1 "--jobs 2 runs every file and still exits 1 on failure"
check "--jobs keeps one suite per file, in order" test "$(json_get "$T/jobs.out" "[s['name'] for s in r['suites']]")" = "['ok', 'mixed <suite> & co', 'flaky']"
check "--jobs JUnit is valid" validate_junit "$T/jobs.xml"

# ---- bad input: exit 2, a precise message, nothing run --------------------------------
bad() { # bad NAME JSON MESSAGE-REGEX
    printf '%s\n' "$2" >"$T/$1.json"
    rm -f "$T/bad.xml"
    run_wscheck run --junit "$T/bad.xml" "$T/$1.json"
    expect_status 2 "$1: exits 2"
    expect_match "$3" "$err" "$1: says what is wrong and where"
    check "$1: nothing ran, no report" test ! -e "$T/bad.xml"
}
bad malformed '{ "name": "x",
  "tests": [ { "name": "a" "plugin": "testkit" } ] }' "malformed\.json:2:28: syntax error"
bad unknown-plugin '{ "name": "x", "tests": [ { "name": "a", "plugin": "nope", "check": "pass" } ] }' \
    "unknown-plugin\.json:1:[0-9]+: .*unknown plugin 'nope'"
bad unknown-check '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "nope" } ] }' \
    "unknown-check\.json:1:[0-9]+: .*no check 'nope'"
bad misspelt-check '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "slep" } ] }' \
    "misspelt-check\.json:1:[0-9]+: .*no check 'slep' \(did you mean 'sleep'\?\)"
bad unknown-param '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "sleep", "params": { "secnds": 1 } } ] }' \
    "unknown-param\.json:1:[0-9]+: .*unknown param 'secnds' \(did you mean 'seconds'\?\)"
bad wrong-type '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "sleep", "params": { "seconds": "long" } } ] }' \
    "wrong-type\.json:1:[0-9]+: .*seconds"
bad missing-param '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "flaky" } ] }' \
    "missing-param\.json:1:[0-9]+: .*counter_file"
bad duplicate '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "pass" },
  { "name": "a", "plugin": "testkit", "check": "pass" } ] }' "duplicate\.json:2:[0-9]+: .*duplicate test name 'a'"
bad undefined-var '{ "name": "x", "tests": [ { "name": "a", "plugin": "testkit", "check": "output", "params": { "value": "${nope}" } } ] }' \
    "undefined-var\.json:1:[0-9]+: .*undefined variable 'nope'"
run_wscheck run "$T/does-not-exist.json"
expect_status 2 "an unreadable file exits 2"
expect_match "does-not-exist\.json: .*(No such file|cannot read)" "$err" "an unreadable file is named"
run_wscheck validate "$T/ok.json" "$T/mixed.json"
expect_status 0 "validate accepts good files"
expect_match "ok\.json: ok \(4 tests\)" "$out" "validate says each file is ok"
run_wscheck validate "$T/unknown-param.json"
expect_status 2 "validate rejects a bad file with exit 2"

# ---- reports that cannot be written: exit 3 ---------------------------------------------
run_wscheck run --junit "$T/no/such/dir/r.xml" "$T/ok.json"
expect_status 3 "an unwritable JUnit path exits 3"
expect_match "cannot write .*no/such/dir/r\.xml" "$err" "the unwritable path and reason are given"
run_wscheck run --plugin-path "$T/nowhere" "$T/ok.json"
expect_status 0 "a missing extra plugin dir is not fatal when others exist"

# ---- interruption: reports still written ---------------------------------------------------
cat >"$T/long.json" <<'JSON'
{ "name": "long", "tests": [
  { "name": "quick", "plugin": "testkit", "check": "pass" },
  { "name": "slow", "plugin": "testkit", "check": "sleep", "params": { "seconds": 20 }, "timeout": 30 },
  { "name": "never", "plugin": "testkit", "check": "pass" } ] }
JSON
"$WSCHECK" run --junit "$T/int.xml" --json "$T/int.out" "$T/long.json" >"$T/int.log" 2>&1 &
pid=$!
WSC_PIDS="$WSC_PIDS $pid"
wait_for_line "$T/int.log" 'quick' 10 >/dev/null
sleep 0.3
kill -INT "$pid"
wait "$pid"
status=$?
out=$(cat "$T/int.log"); err=""
expect_status 130 "SIGINT ends the run with 130"
check "an interrupted run still writes valid JUnit" validate_junit "$T/int.xml"
check "the interrupted and unstarted tests are skipped as interrupted" \
    test "$(json_get "$T/int.out" "[(t['status'], t.get('message')) for t in r['suites'][0]['tests']]")" = "[('passed', None), ('skipped', 'interrupted'), ('skipped', 'interrupted')]"

finish
