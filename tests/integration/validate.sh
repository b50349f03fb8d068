#!/usr/bin/env bash
# `wscheck validate` and the check phase of `wscheck run` find every mistake
# before anything runs: all of them, in every file, in one pass, each as
# FILE:LINE:COL: message (with "did you mean" for misspelt names), exit 2.
# Runs that would pass by mistake (a selection of nothing, a --var nothing
# uses) are refused the same way.
. "$top_srcdir/tests/integration/lib.sh"

T=$WSC_TMP
FIX=$top_srcdir/tests/integration/fixtures
cp "$FIX/mistakes-1.json" "$T/m1.json"
cp "$FIX/mistakes-2.json" "$T/m2.json"

# Each expected line, in order: file, place, message.
WANT=$(cat <<EOF
$T/m1.json:7:44: test 'misspelt plugin': unknown plugin 'ws-basik' (did you mean 'ws-basic'?)
$T/m1.json:9:64: test 'misspelt check': plugin 'ws-basic' has no check 'handshak' (did you mean 'handshake'?)
$T/m1.json:12:53: test 'misspelt param': params: unknown param 'subprotocls' (did you mean 'subprotocols'?)
$T/m1.json:14:62: test 'wrong param type': params.count: expected integer, got string
$T/m1.json:16:26: test 'undefined variable': params.url: undefined variable 'prot' (no test captures it; did you mean 'port'?)
$T/m2.json:8:19: test 'steps': params.steps[0].sned: unknown step action 'sned' (did you mean 'send'?)
$T/m2.json:9:49: test 'steps': params.steps[1].within: expected a number >= 0, got "2s"
$T/m2.json:10:41: test 'steps': params.steps[2].within: within 10 s is longer than the test's timeout (2 s): raise the test's timeout
$T/m2.json:11:22: test 'steps': params.steps[3].capture: 'a.b' is not a variable name, so \${...} could never use it (letters, digits, '_' and '-', not starting with a digit or '-')
$T/m2.json:14:70: test 'body and json': params.json: give either body or json, not both (json sets the body)
EOF
)

# every_line TEXT: each wanted line is in TEXT, and TEXT has no other line.
every_line() {
    local text=$1 missing=0
    while IFS= read -r line; do
        if ! printf '%s\n' "$text" | grep -qxF -- "$line"; then
            echo "missing: $line"
            missing=1
        fi
    done <<<"$WANT"
    [ "$(printf '%s\n' "$text" | grep -c .)" -eq "$(printf '%s\n' "$WANT" | grep -c .)" ] ||
        { echo "other lines:"; printf '%s\n' "$text"; missing=1; }
    [ "$missing" -eq 0 ]
}

# ---- validate: ten mistakes in two files, one pass ------------------------------
run_wscheck validate "$T/m1.json" "$T/m2.json"
expect_status 2 "validate exits 2 on mistakes"
check "validate reports all ten mistakes with their FILE:LINE:COL" every_line "$err"
check "validate says no file is ok" test -z "$out"

# ---- run: the same, and nothing runs -----------------------------------------------
run_wscheck run --junit "$T/r.xml" --json "$T/r.json" "$T/m1.json" "$T/m2.json"
expect_status 2 "run exits 2 on mistakes"
check "run reports the same ten mistakes" every_line "$err"
check "run wrote no report (nothing ran)" test ! -e "$T/r.xml" -a ! -e "$T/r.json"
check "run printed no test result" test -z "$out"

# ---- a broken file does not hide the problems of the others --------------------------
printf '{ "name": "x", "tests": [ { "name": "a" "plugin": "p" } ] }\n' >"$T/syntax.json"
printf '{ "name": "x", "tests": [ { "name": "a", "plugin": "ws-basic", "chek": "x" },\n  { "name": "b", "plugin": "ws-basic", "check": "handshake", "params": { "url": "${nope}" } } ] }\n' >"$T/structure.json"
run_wscheck validate "$T/syntax.json" "$T/structure.json" "$T/m2.json"
expect_status 2 "validate exits 2 with an unparsable file among others"
expect_match "syntax\.json:1:[0-9]+: syntax error" "$err" "the syntax error is reported"
expect_match "structure\.json:1:[0-9]+: test 'a': unknown key 'chek' \(did you mean 'check'\?\)" "$err" \
    "a structure error is reported with a suggestion"
expect_match "structure\.json:2:[0-9]+: test 'b': params\.url: undefined variable 'nope'" "$err" \
    "the other tests of a file with structure errors are still validated"
expect_match "m2\.json:14:70: .*give either body or json" "$err" "the other files are still validated"

# ---- selections that select nothing -------------------------------------------------
export WSCHECK_PLUGIN_PATH=$top_builddir/tests/plugins/.libs
cat >"$T/a.json" <<'JSON'
{ "name": "a", "vars": { "port": "1", "url": "http://h:${port}/" }, "tests": [
  { "name": "first", "plugin": "testkit", "check": "output", "tags": ["smoke"],
    "params": { "value": "${url}" } },
  { "name": "second", "plugin": "testkit", "check": "output", "params": { "value": "${greeting}" } } ] }
JSON
cat >"$T/b.json" <<'JSON'
{ "name": "b", "tests": [ { "name": "third", "plugin": "testkit", "check": "pass", "tags": ["slow"] } ] }
JSON
run_wscheck run --var greeting=hi --tag nightly --json "$T/sel.json" "$T/a.json" "$T/b.json"
expect_status 2 "--tag selecting no test exits 2"
expect_match "^wscheck: no test is selected by --tag 'nightly' in 2 scenario files$" "$err" \
    "--tag selecting nothing says so"
check "--tag selecting nothing ran nothing" test ! -e "$T/sel.json"
run_wscheck run --var greeting=hi --filter 'fir*' --tag slow "$T/a.json" "$T/b.json"
expect_status 2 "--filter and --tag together selecting nothing exit 2"
expect_match "no test is selected by --tag 'slow' --filter 'fir\*'" "$err" "both are named"
run_wscheck run --var greeting=hi --var unused=1 "$T/a.json" "$T/b.json"
expect_status 2 "a --var no test uses exits 2"
expect_match "^wscheck: --var unused: no test uses \\$\{unused\}$" "$err" \
    "the unused --var is named"
run_wscheck run --var greeting=hi --tag slow --tag smoke "$T/a.json" "$T/b.json"
expect_status 0 "a selection spread over several files runs"
run_wscheck run --var greeting=hi --tag slow "$T/a.json" "$T/b.json"
expect_status 0 "a --var that only a test left out by --tag uses is fine (it is validated)"
run_wscheck run --var greting=hi --var port=2 "$T/a.json" "$T/b.json"
expect_status 2 "a misspelt --var exits 2"
expect_match "^wscheck: --var greting: no test uses \\$\{greting\} \(did you mean 'greeting'\?\)$" \
    "$err" "a misspelt --var gets a suggestion"
check "a --var used through the file's vars is not reported" \
    sh -c '! printf "%s" "$1" | grep -q -- "--var port"' sh "$err"
run_wscheck validate --var no.such=1 "$T/b.json"
expect_status 2 "a --var name \${...} could never use exits 2"
expect_match "invalid variable name" "$err" "the --var name rule is explained"

finish
