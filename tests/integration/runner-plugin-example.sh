#!/usr/bin/env bash
# Builds the out-of-tree example plugin of wscheck-plugin(7) the way the man
# page says (cc + pkg-config wscheck) and uses it from a scenario.
. "$top_srcdir/tests/integration/lib.sh"
T=$WSC_TMP

# A wscheck.pc pointing at this build tree stands in for the installed one.
cat >"$T/wscheck.pc" <<PC
includedir=$top_srcdir/lib/include
libdir=$top_builddir/lib/.libs
plugindir=$T/plugins
Name: wscheck
Description: wscheck plugin API
Version: 0
Requires: json-c
Libs: -L\${libdir} -lwscheck
Cflags: -I\${includedir} -I$top_builddir/lib/include
PC
mkdir -p "$T/plugins"
export PKG_CONFIG_PATH="$T${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
check "pkg-config wscheck gives the plugin directory" \
    test "$(pkg-config --variable=plugindir wscheck)" = "$T/plugins"
# shellcheck disable=SC2046
check "the example plugin builds with cc and pkg-config" \
    cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -o "$T/plugins/envcheck.so" \
        "$top_srcdir/docs/examples/envcheck.c" $(pkg-config --cflags --libs wscheck)

cat >"$T/env.json" <<'JSON'
{ "name": "environment",
  "tests": [
    { "name": "shell is set", "plugin": "envcheck", "check": "variable",
      "params": { "name": "WSC_EXAMPLE", "expect": { "value": { "$regex": "^hello" } } } },
    { "name": "unset variable", "plugin": "envcheck", "check": "variable",
      "params": { "name": "WSC_EXAMPLE_UNSET" } } ] }
JSON
WSC_EXAMPLE="hello world" run_wscheck run --plugin-path "$T/plugins" --json "$T/r.json" "$T/env.json"
expect_status 1 "the example plugin's checks run (one passes, one fails)"
check "the passing check passed and the unset variable failed with its name" \
    test "$(json_get "$T/r.json" "[(x['status'], x.get('message')) for x in r['suites'][0]['tests']]")" \
    = "[('passed', None), ('failed', 'WSC_EXAMPLE_UNSET is not set')]"
WSC_EXAMPLE="bye" run_wscheck run --plugin-path "$T/plugins" --filter 'shell*' "$T/env.json"
expect_status 1 "the example's matcher failure fails the test"
expect_match '/value: expected to match /\^hello/, got "bye"' "$out" "the matcher's message is shown"
run_wscheck plugins --plugin-path "$T/plugins"
expect_match 'envcheck\.variable' "$out" "wscheck plugins lists the example"
finish
