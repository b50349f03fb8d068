#!/usr/bin/env bash
# Warnings and cases as a user meets them: in the console, the JUnit and the
# JSON report, counted in the summary, through forked workers (--jobs), and
# --strict turning warnings into failures.
. "$top_srcdir/tests/integration/lib.sh"

export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
T=$WSC_TMP

cat >"$T/cases.json" <<'JSON'
{ "name": "cases",
  "tests": [
    { "name": "warns", "plugin": "testkit", "check": "warn",
      "params": { "warnings": ["no close reason", "odd <header> & co"] } },
    { "name": "suite", "plugin": "testkit", "check": "cases",
      "params": { "cases": { "1.1.1": "passed", "1.1.2": "failed", "1.1.3": "skipped" } } },
    { "name": "all good", "plugin": "testkit", "check": "cases",
      "params": { "cases": { "a": "passed", "b": "passed" } } },
    { "name": "errs", "plugin": "testkit", "check": "cases",
      "params": { "cases": { "x": "error", "y": "passed" } } },
    { "name": "own failure", "plugin": "testkit", "check": "cases",
      "params": { "cases": { "z": "passed" }, "fail": "the check failed itself" } }
  ] }
JSON
run_wscheck run --junit "$T/cases.xml" --json "$T/cases.out" "$T/cases.json"
expect_status 1 "a failed case fails the run"
# lines_after REGEX N: the N lines of $out after the first line matching
# REGEX, with runs of spaces squeezed and durations dropped.
lines_after() {
    printf '%s\n' "$out" | grep -A"$2" -m1 -E -- "$1" | tail -n "$2" |
        sed -e 's/  *(.*)$//' -e 's/  */ /g'
}
check "the console shows warnings under the test" test "$(lines_after 'cases › warns' 2)" = \
" warning: no close reason
 warning: odd <header> & co"
check "the console lists each case with its status and message" test "$(lines_after 'cases › suite' 5)" = \
" PASS 1.1.1
 FAIL 1.1.2
 case 1.1.2 failed
 SKIP 1.1.3
 case 1.1.3 skipped"
expect_match '6 passed, 2 failed, 1 errors, 1 skipped in' "$out" "the summary counts cases as tests"
check "the JUnit report is valid against both schemas" validate_junit "$T/cases.xml"
check "JUnit: each case is a test case named TEST / CASE" \
    grep -q '<testcase name="suite / 1.1.2" classname="cases.testkit"' "$T/cases.xml"
check "JUnit: a case's failure carries its message" \
    grep -q '<failure message="case 1.1.2 failed"' "$T/cases.xml"
check "JUnit: a test whose outcome is its cases is not a test case itself" \
    sh -c "! grep -q '<testcase name=\"suite\"' '$T/cases.xml'"
check "JUnit: a test that failed beyond its cases is a test case too" \
    grep -q '<failure message="the check failed itself"' "$T/cases.xml"
check "JUnit: the counts are of test cases" grep -q 'tests="10" failures="2" errors="1" skipped="1"' "$T/cases.xml"
check "JUnit: warnings are in system-out" grep -q 'warning: odd &lt;header&gt; &amp; co' "$T/cases.xml"
expect_json "$T/cases.out" "t['warns']['warnings'] == ['no close reason', 'odd <header> & co'] and t['warns']['status'] == 'passed'" \
    "JSON: a test's warnings, and it passed"
expect_json "$T/cases.out" "[(c['name'], c['status']) for c in t['suite']['cases']] == [('1.1.1', 'passed'), ('1.1.2', 'failed'), ('1.1.3', 'skipped')]" \
    "JSON: a test's cases in order, with their statuses"
expect_json "$T/cases.out" "t['suite']['cases'][1]['message'] == 'case 1.1.2 failed' and t['suite']['cases'][1]['duration'] == 0.002" \
    "JSON: a case's message and duration (seconds)"
expect_json "$T/cases.out" "[t[n]['status'] for n in ('suite', 'all good', 'errs', 'own failure')] == ['failed', 'passed', 'error', 'failed']" \
    "a test fails when a case failed, errors when one errored"
expect_json "$T/cases.out" "r['summary'] == {'passed': 6, 'failed': 2, 'errors': 1, 'skipped': 1, 'total': 10, 'flaky': 0}" \
    "JSON: the summary counts cases as tests"

# Through forked workers, the cases and warnings survive.
run_wscheck run --jobs 2 --json "$T/jobs.out" "$T/cases.json" "$T/cases.json"
expect_status 1 "--jobs 2 exits 1 on a failed case"
expect_json "$T/jobs.out" "r['summary']['total'] == 20 and r['suites'][1]['tests'][1]['cases'][1]['status'] == 'failed' and r['suites'][1]['tests'][0]['warnings'][0] == 'no close reason'" \
    "--jobs keeps every case and warning"

# --strict
cat >"$T/warn.json" <<'JSON'
{ "name": "warn",
  "tests": [
    { "name": "warns", "plugin": "testkit", "check": "warn",
      "params": { "warnings": ["no close reason", "slow pong"] } },
    { "name": "clean", "plugin": "testkit", "check": "pass" }
  ] }
JSON
run_wscheck run --json "$T/warn.out" "$T/warn.json"
expect_status 0 "warnings alone do not fail a run"
run_wscheck run --strict --junit "$T/strict.xml" --json "$T/strict.out" "$T/warn.json"
expect_status 1 "--strict: a test with warnings fails the run"
expect_json "$T/strict.out" "t['warns']['status'] == 'failed' and msg('warns') == 'warnings (--strict): no close reason; slow pong'" \
    "--strict: the failure message lists the warnings"
expect_json "$T/strict.out" "t['clean']['status'] == 'passed'" "--strict: a test without warnings passes"
expect_match 'FAIL  +warn › warns' "$out" "--strict: the console shows the failure"
check "--strict: JUnit has the failure" grep -q '<failure message="warnings (--strict): no close reason; slow pong"' "$T/strict.xml"
run_wscheck --strict --json "$T/quick.out" "$T/warn.json"
expect_status 1 "--strict works with the quick checks' options too"

finish
