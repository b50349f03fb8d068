#!/usr/bin/env bash
# The loader and ABI 2: a plugin built for ABI 1, or for a newer wscheck
# whose additions it uses, is refused with a message naming the file and
# saying what to do; a newer plugin that leaves its additions unset loads;
# the run of the remaining plugins goes on.
. "$top_srcdir/tests/integration/lib.sh"

PLUGINS="$top_builddir/tests/plugins/.libs"
BROKEN="$top_builddir/tests/plugins/broken/.libs"
T=$WSC_TMP
VERSION=$("$WSCHECK" --version | sed -n 's/^wscheck \([0-9.]*\).*/\1/p')

cat >"$T/abi.json" <<'JSON'
{ "name": "abi",
  "tests": [
    { "name": "testkit runs", "plugin": "testkit", "check": "pass" },
    { "name": "newer plugin runs", "plugin": "newerzero", "check": "second" }
  ] }
JSON
run_wscheck run --plugin-path "$PLUGINS" --plugin-path "$BROKEN" --json "$T/abi.out" "$T/abi.json"
expect_status 0 "refused plugins do not stop the run of the others"
expect_match "plugin refused: $BROKEN/abi1.so: built for plugin ABI 1; this wscheck \\($VERSION\\) loads ABI 2: rebuild the plugin against its headers \\(pkg-config wscheck\\)" \
    "$err" "an ABI 1 plugin is refused, naming the file and what to do"
expect_match "plugin refused: $BROKEN/badabi.so: built for plugin ABI 99; .*upgrade wscheck" \
    "$err" "a plugin for a later ABI is refused, saying to upgrade"
expect_match "plugin refused: $BROKEN/newer-set.so: built for a newer wscheck .*: upgrade wscheck, or rebuild the plugin" \
    "$err" "a newer plugin that sets members this wscheck does not know is refused"
expect_match "plugin refused: $BROKEN/newer-check.so: check 'later' was built for a newer wscheck" \
    "$err" "a newer check entry that sets unknown members is refused, naming the check"
expect_match "plugin refused: $BROKEN/badmetric.so: check 'measure' declares metric 'lost' without a unit" \
    "$err" "a metric declared without a unit is refused"
if printf '%s' "$err" | grep -q "newer-zero"; then not_ok "a newer plugin with unset additions is not refused"
else ok "a newer plugin with unset additions is not refused"; fi
expect_json "$T/abi.out" "o('newer plugin runs')['which'] == 'second'" \
    "the newer plugin's second check runs (the table is stepped by its check size)"
expect_json "$T/abi.out" "t['testkit runs']['status'] == 'passed'" "the testkit check still runs"

# A scenario naming a refused plugin is an error before anything runs.
cat >"$T/old.json" <<'JSON'
{ "name": "old", "tests": [ { "name": "old", "plugin": "abi1", "check": "old" } ] }
JSON
run_wscheck run --plugin-path "$PLUGINS" --plugin-path "$BROKEN" "$T/old.json"
expect_status 2 "a scenario that needs a refused plugin exits 2"
expect_match "abi1" "$err" "the error names the plugin"

run_wscheck plugins --plugin-path "$PLUGINS" --plugin-path "$BROKEN"
expect_status 0 "plugins lists what loaded despite refusals"
expect_match 'newerzero\.first' "$out" "the newer plugin's checks are listed"
if printf '%s' "$out" | grep -q 'abi1\.old'; then not_ok "the ABI 1 plugin is not listed"
else ok "the ABI 1 plugin is not listed"; fi

# Declared metrics, flags and the validate callback in `wscheck plugins`.
run_wscheck plugins --plugin-path "$PLUGINS"
check "plugins lists a check's declared metrics" test \
    "$(printf '%s\n' "$out" | grep -A2 -m1 'testkit\.pass:' | tail -n 2 | sed 's/  */ /g')" = \
" metrics:
 answer count always 42"
expect_match 'testkit\.cases: .* \(reports cases\)' "$out" "plugins says which checks report cases"
run_wscheck plugins --json --plugin-path "$PLUGINS"
printf '%s' "$out" >"$T/plugins.json"
expect_json "$T/plugins.json" "[c['metrics'] for p in r['plugins'] if p['name'] == 'testkit' for c in p['checks'] if c['name'] == 'pass'] == [[{'name': 'answer', 'unit': 'count', 'summary': 'always 42'}]]" \
    "plugins --json lists declared metrics"
expect_json "$T/plugins.json" "[(c['flags'], c['validate']) for p in r['plugins'] if p['name'] == 'testkit' for c in p['checks'] if c['name'] in ('cases', 'fail')] == [([], False), (['cases'], False)]" \
    "plugins --json gives each check's flags and whether it validates"

finish
