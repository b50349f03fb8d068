#!/usr/bin/env bash
# Where reports go: a regular file is replaced atomically, a device, a FIFO
# or a link to one is written through, a link to a file is kept, "-" is
# standard output; a closed standard output loses no report file.
. "$top_srcdir/tests/integration/lib.sh"

export WSCHECK_PLUGIN_PATH="$top_builddir/tests/plugins/.libs"
T=$WSC_TMP
cat >"$T/ok.json" <<'JSON'
{ "name": "ok", "tests": [
  { "name": "one", "plugin": "testkit", "check": "pass" },
  { "name": "two", "plugin": "testkit", "check": "fail" } ] }
JSON

# ---- a device stays a device ------------------------------------------------------
# As root, a private null device: a wscheck that replaces its report path
# must not be able to replace the real /dev/null while this test finds out.
# Otherwise /dev/null, which such a wscheck cannot replace but fails on.
dev=/dev/null
if [ "$(id -u)" = 0 ] && mknod -m 666 "$T/null" c 1 3 2>/dev/null; then dev=$T/null; fi
run_wscheck run --json "$dev" --junit "$dev" "$T/ok.json"
expect_status 1 "--json $dev runs and exits 1 for the failure"
check "$dev is still a character device" test -c "$dev"
check "no temporary file is left next to it" sh -c "! ls '$dev'.tmp.* 2>/dev/null | grep -q ."

# ---- a FIFO read by a reader -----------------------------------------------------
mkfifo "$T/junit.fifo"
cat "$T/junit.fifo" >"$T/junit.read" &
reader=$!
WSC_PIDS="$WSC_PIDS $reader"
run_wscheck run --junit "$T/junit.fifo" "$T/ok.json"
expect_status 1 "--junit to a FIFO exits 1 for the failure"
# Bounded: a wscheck that replaced the FIFO never opens it for the reader.
wait_bounded 10 "$reader"
check "the reader of the FIFO got the JUnit report" validate_junit "$T/junit.read"
check "the FIFO is still a FIFO" test -p "$T/junit.fifo"

# ---- standard output ---------------------------------------------------------------
run_wscheck run --json - "$T/ok.json"
expect_status 1 "--json - exits 1 for the failure"
printf '%s\n' "$out" >"$T/stdout.json"
check "--json - prints the JSON report on stdout, alone" \
    test "$(json_get "$T/stdout.json" "[t['status'] for t in r['suites'][0]['tests']]")" = "['passed', 'failed']"
expect_match '1 passed, 1 failed' "$err" "with --json -, the console lines go to stderr"

# ---- symbolic links -------------------------------------------------------------------
echo old >"$T/real.json"
ln -s real.json "$T/link.json"
run_wscheck run --json "$T/link.json" "$T/ok.json"
check "a link to a report file is kept" test -L "$T/link.json"
check "the file it points to gets the report" \
    test "$(json_get "$T/real.json" "len(r['suites'][0]['tests'])")" = 2
ln -s "$dev" "$T/null-link"
run_wscheck run --json "$T/null-link" "$T/ok.json"
check "a link to a device is kept" test -L "$T/null-link"
check "and the device is still a character device" test -c "$dev"

# ---- a closed standard output -----------------------------------------------------------
rm -f "$T/pipe.json"
# Standard output is a pipe whose reader has already gone (as `| head -1`
# once head has its line): every write to it fails.
"$PYTHON_WS" -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w)
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' \
    "$WSCHECK" run --json "$T/pipe.json" "$T/ok.json" 2>"$T/pipe.err"
status=$?
out=""; err=$(cat "$T/pipe.err")
expect_status 1 "wscheck | head exits 1 for the failure, not 141"
check "wscheck | head still writes the report file" \
    test "$(json_get "$T/pipe.json" "len(r['suites'][0]['tests'])")" = 2

finish
