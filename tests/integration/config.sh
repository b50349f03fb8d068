#!/usr/bin/env bash
# The configuration file, --vars-file and include: where the file is found
# (--config, ./wscheck.json, $XDG_CONFIG_HOME), each precedence boundary of
# the timeout and the retries (built-in < configuration < environment <
# scenario defaults < the test's own < --timeout/--retries), errors with
# positions, include cycles, and an endpoint of the configuration used by a
# scenario against wscheck-mock. Timeouts are observed through the message
# naming the limit; retries through the attempts in the JSON report.
. "$top_srcdir/tests/integration/lib.sh"

T=$WSC_TMP
export XDG_CONFIG_HOME=$T/xdg HOME=$T/home
mkdir -p "$T/home" "$T/xdg/wscheck" "$T/cwd" "$T/empty"
CLOSED=$(free_port) || { not_ok "a free port is found"; finish; exit 1; }

# ---- where the configuration comes from ------------------------------------------
cd "$T/empty" || exit 1
run_wscheck config
expect_status 0 "no configuration file at all is fine"
expect_match '^config file: \(none\)' "$out" "wscheck config says there is none"
expect_match 'defaults\.timeout = 5 \(built-in\)' "$out" "the built-in timeout is 5 s"

echo '{ "defaults": { "timeout": 4 } }' >"$T/xdg/wscheck/config.json"
run_wscheck config
expect_match "defaults\.timeout = 4 \($T/xdg/wscheck/config\.json:1:28\)" "$out" \
    "\$XDG_CONFIG_HOME/wscheck/config.json is read, the value placed"
cd "$T/cwd" || exit 1
printf '{\n  "defaults": { "timeout": 3 }\n}\n' >wscheck.json
run_wscheck config
expect_match 'defaults\.timeout = 3 \(wscheck\.json:2:28\)' "$out" \
    "./wscheck.json comes before the XDG file"
echo '{ "defaults": { "retry_attempts": 6 } }' >"$T/other.json"
run_wscheck config --config "$T/other.json"
expect_match "defaults\.retry_attempts = 6 \($T/other\.json:1:35\)" "$out" \
    "--config FILE comes before both"
expect_match 'defaults\.timeout = 5 \(built-in\)' "$out" "only the --config file is read then"
run_wscheck config --config "$T/nope.json"
expect_status 2 "a missing --config file is an error"
expect_match "nope\.json: cannot read: No such file" "$err" "which names the file"
rm -f "$T/xdg/wscheck/config.json"
unset XDG_CONFIG_HOME
mkdir -p "$T/home/.config/wscheck"
echo '{ "defaults": { "timeout": 2 } }' >"$T/home/.config/wscheck/config.json"
(cd "$T/empty" && "$WSCHECK" config) >"$T/home.out" 2>&1
check "without XDG_CONFIG_HOME, ~/.config/wscheck/config.json is read" \
    grep -q "defaults.timeout = 2 ($T/home/.config/wscheck/config.json:1:28)" "$T/home.out"

# ---- errors with positions ----------------------------------------------------------
cat >"$T/bad.json" <<'JSON'
{
  "defaults": { "timout": 1, "retry_attempts": -1 },
  "mcp_server_endpoints": { "crackerjack": { "url": "ftp://x" } },
  "alerts": { "on_failure": "yes" }
}
JSON
for cmd in config validate run; do
    if [ $cmd = config ]; then run_wscheck config --config "$T/bad.json"
    else run_wscheck $cmd --config "$T/bad.json" "$T/none.json"; fi
    expect_status 2 "$cmd: a configuration with errors is a usage error"
done
expect_match "bad\.json:2:17: defaults: unknown key 'timout' \(did you mean 'timeout'\?\)" "$err" \
    "an unknown key is placed, with a did-you-mean"
expect_match "bad\.json:2:48: defaults: 'retry_attempts' must be an integer >= 0" "$err" \
    "a value out of range is placed"
expect_match "bad\.json:3:53: endpoint 'crackerjack': 'url' must be a ws\(s\):// or http\(s\):// URL" \
    "$err" "an endpoint URL of the wrong scheme is placed"
expect_match "bad\.json:4:29: alerts: 'on_failure' must be true or false, got \"yes\"" "$err" \
    "a wrong type is placed"

# ---- check_websocket.py's configuration, as its users have it -------------------------
cat >"$T/seed.json" <<'JSON'
{
    "websocket_testing": {
        "default_timeout": 5.0,
        "retry_attempts": 3,
        "health_check_interval": 30,
        "performance_monitoring": true
    },
    "mcp_server_endpoints": {
        "crackerjack": "ws://localhost:8675",
        "development_toolkit": "ws://localhost:8676",
        "monitoring": "ws://localhost:8677",
        "api": "https://127.0.0.1:8443/health"
    }
}
JSON
run_wscheck config --config "$T/seed.json"
expect_status 0 "check_websocket.py's configuration is valid as it is"
expect_match "defaults\.retry_attempts = 3 \($T/seed\.json:4:27\)" "$out" \
    "websocket_testing holds the defaults, with their positions"
expect_match "defaults\.health_check_interval = 30 \($T/seed\.json:5:34\)" "$out" \
    "health_check_interval from websocket_testing"
expect_match 'endpoint crackerjack: ws://localhost:8675, kind crackerjack' "$out" \
    "an endpoint given as a URL takes its kind from its name"
expect_match 'endpoint api: https://127\.0\.0\.1:8443/health, kind http' "$out" \
    "or from the URL's scheme"
cat >"$T/seed-bad.json" <<'JSON'
{"defaults": {"timeout": 2}, "websocket_testing": {"default_timeout": 5},
 "mcp_server_endpoints": {"x": "ftp://h:1", "y": 7}}
JSON
run_wscheck config --config "$T/seed-bad.json"
expect_status 2 "the short forms are checked too"
expect_match "seed-bad\.json:1:51: 'websocket_testing' and 'defaults' are the same settings: keep one" \
    "$err" "defaults given twice are refused, with the position"
expect_match "seed-bad\.json:2:32: endpoint 'x': expected a ws\(s\):// or http\(s\):// URL, got \"ftp://h:1\"" \
    "$err" "an endpoint URL with another scheme is refused"
expect_match "seed-bad\.json:2:50: endpoint 'y': expected a URL or an object with 'url', got integer" \
    "$err" "an endpoint that is neither is refused"

# ---- wscheck config prints no secret ---------------------------------------------------
cat >"$T/secret.json" <<'JSON'
{ "mcp_server_endpoints": {
    "api": { "url": "wss://bob:pw-s3cr3t@127.0.0.1:1/?token=tk-s3cr3t",
             "headers": { "Authorization": "Bearer hd-s3cr3t" } } },
  "vars": { "key": { "$secret": "var-s3cr3t" } } }
JSON
run_wscheck config --config "$T/secret.json"
expect_status 0 "a configuration with secrets is valid"
check "wscheck config prints none of them" sh -c "! printf '%s' \"\$1\" | grep -q s3cr3t" sh "$out$err"
expect_match 'endpoint api: wss://bob:\*\*\*@127\.0\.0\.1:1/\?token=\*\*\*, kind websocket' "$out" \
    "a URL's password and token are redacted"
expect_match 'vars\.key = "\*\*\*"' "$out" "a secret variable is shown as \"***\""

# ---- precedence of the retries (attempts in the JSON report) --------------------------
cat >"$T/r.json" <<JSON
{ "name": "retries", "defaults": { "retry_delay": 0 }, "tests": [
  { "name": "t", "plugin": "port", "check": "listening",
    "params": { "host": "127.0.0.1", "port": $CLOSED } } ] }
JSON
cat >"$T/r-defaults.json" <<JSON
{ "name": "retries", "defaults": { "retry_delay": 0, "retries": 2 }, "tests": [
  { "name": "t", "plugin": "port", "check": "listening",
    "params": { "host": "127.0.0.1", "port": $CLOSED } } ] }
JSON
cat >"$T/r-test.json" <<JSON
{ "name": "retries", "defaults": { "retry_delay": 0, "retries": 2 }, "tests": [
  { "name": "t", "plugin": "port", "check": "listening", "retries": 3,
    "params": { "host": "127.0.0.1", "port": $CLOSED } } ] }
JSON
echo '{ "defaults": { "retry_attempts": 4 } }' >"$T/conf-r.json"
attempts() { json_get "$T/out.json" "t['t']['attempts']"; }
retries_case() { # WANT DESCRIPTION ARGS...
    local want=$1 desc=$2; shift 2
    run_wscheck run --quiet --json "$T/out.json" "$@"
    check "$desc" test "$(attempts)" = "$want"
}
echo '{}' >"$T/empty.json"
retries_case 1 "built-in: no retries" --config "$T/empty.json" "$T/r.json"
retries_case 5 "the configuration's retry_attempts over the built-in" \
    --config "$T/conf-r.json" "$T/r.json"
export WSCHECK_RETRIES=1
retries_case 2 "WSCHECK_RETRIES over the configuration" --config "$T/conf-r.json" "$T/r.json"
retries_case 3 "the scenario's defaults over WSCHECK_RETRIES" \
    --config "$T/conf-r.json" "$T/r-defaults.json"
retries_case 4 "the test's own retries over the scenario's defaults" \
    --config "$T/conf-r.json" "$T/r-test.json"
retries_case 1 "--retries over the test's own" --retries 0 \
    --config "$T/conf-r.json" "$T/r-test.json"
export WSCHECK_RETRIES=x
run_wscheck run --config "$T/empty.json" "$T/r.json"
expect_status 2 "a malformed WSCHECK_RETRIES is a usage error"
expect_match "WSCHECK_RETRIES: expected an integer >= 0, got 'x'" "$err" "which says so"
unset WSCHECK_RETRIES

# ---- precedence of the timeout (a server that never answers) ------------------------------
start_bg "$T/hold.log" "$PYTHON_WS" -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print("port", s.getsockname()[1], flush=True)
time.sleep(600)'
HOLD=$(wait_for_line "$T/hold.log" '^port [0-9]+') && HOLD=${HOLD#port }
hang_file() { # FILE DEFAULTS TEST-EXTRA
    cat >"$1" <<JSON
{ "name": "timeouts", "defaults": { $2 }, "tests": [
  { "name": "t", "plugin": "ws-basic", "check": "handshake" $3,
    "params": { "url": "ws://127.0.0.1:$HOLD/" } } ] }
JSON
}
hang_file "$T/h.json" '"retries": 0' ''
hang_file "$T/h-defaults.json" '"timeout": 0.5' ''
hang_file "$T/h-test.json" '"timeout": 0.5' ', "timeout": 0.6'
echo '{ "defaults": { "timeout": 0.3 } }' >"$T/conf-t.json"
timeout_case() { # LIMIT DESCRIPTION ARGS...
    local limit=$1 desc=$2; shift 2
    run_wscheck run --json "$T/out.json" "$@"
    expect_json "$T/out.json" "'within $limit s' in msg('t')" "$desc"
}
timeout_case 0.3 "the configuration's timeout over the built-in" \
    --config "$T/conf-t.json" "$T/h.json"
export WSCHECK_TIMEOUT=0.4
timeout_case 0.4 "WSCHECK_TIMEOUT over the configuration" --config "$T/conf-t.json" "$T/h.json"
timeout_case 0.5 "the scenario's defaults over WSCHECK_TIMEOUT" \
    --config "$T/conf-t.json" "$T/h-defaults.json"
timeout_case 0.6 "the test's own timeout over the scenario's defaults" \
    --config "$T/conf-t.json" "$T/h-test.json"
timeout_case 0.7 "--timeout over the test's own" --timeout 0.7 \
    --config "$T/conf-t.json" "$T/h-test.json"
run_wscheck config --config "$T/conf-t.json"
expect_match 'defaults\.timeout = 0\.4 \(WSCHECK_TIMEOUT\)' "$out" \
    "wscheck config shows the environment's value and its origin"
unset WSCHECK_TIMEOUT
stop_pid "$last_pid"

# ---- variables: configuration < scenario < --vars-file (a later one wins) < --var --------
# Each test's port is a variable; the failure message names the port its
# value came to, so which layer won shows.
P_CONF=$(free_port); P_SCN=$(free_port); P_VF1=$(free_port); P_VF2=$(free_port)
P_CLI=$(free_port)
cat >"$T/v.json" <<JSON
{ "name": "vars", "vars": { "b": $P_SCN, "c": 1, "d": 1 }, "tests": [
  { "name": "a", "plugin": "port", "check": "listening", "params": { "host": "127.0.0.1", "port": "\${a}" } },
  { "name": "b", "plugin": "port", "check": "listening", "params": { "host": "127.0.0.1", "port": "\${b}" } },
  { "name": "c", "plugin": "port", "check": "listening", "params": { "host": "127.0.0.1", "port": "\${c}" } },
  { "name": "d", "plugin": "port", "check": "listening", "params": { "host": "127.0.0.1", "port": "\${d}" } },
  { "name": "e", "plugin": "port", "check": "listening", "params": { "host": "127.0.0.1", "port": "\${e}" } } ] }
JSON
echo "{ \"vars\": { \"a\": $P_CONF, \"b\": 1, \"c\": 1, \"d\": 1 } }" >"$T/conf-v.json"
printf '{\n  "c": %s, "d": 1, "e": 1, "z": "unused is fine"\n}\n' "$P_VF1" >"$T/vars1.json"
echo "{ \"e\": $P_VF2 }" >"$T/vars2.json"
run_wscheck run --json "$T/out.json" --config "$T/conf-v.json" --vars-file "$T/vars1.json" \
    --vars-file "$T/vars2.json" --var "d=$P_CLI" "$T/v.json"
expect_status 1 "a run with configuration vars, two --vars-file and a --var (unused ones are fine)"
expect_json "$T/out.json" "'port $P_CONF ' in msg('a')" "a variable only the configuration sets"
expect_json "$T/out.json" "'port $P_SCN ' in msg('b')" "the scenario's vars over the configuration's"
expect_json "$T/out.json" "'port $P_VF1 ' in msg('c')" "--vars-file over the scenario's vars"
expect_json "$T/out.json" "'port $P_CLI ' in msg('d')" "--var over --vars-file"
expect_json "$T/out.json" "'port $P_VF2 ' in msg('e')" "a later --vars-file over an earlier one"
printf '{\n  "x": "${nope}"\n}\n' >"$T/badvars.json"
run_wscheck validate --vars-file "$T/badvars.json" "$T/v.json"
expect_status 2 "a --vars-file with an undefined reference is an error"
expect_match "badvars\.json:2:8: vars\.x: undefined variable 'nope'" "$err" "placed in that file"
run_wscheck run --vars-file "$T/missing.json" "$T/v.json"
expect_status 2 "a missing --vars-file is an error"

# ---- include ---------------------------------------------------------------------------
mkdir -p "$T/inc/shared"
cat >"$T/inc/shared/common.json" <<JSON
{ "vars": { "host": "127.0.0.1" },
  "tests": [
    { "name": "shared", "plugin": "port", "check": "listening",
      "params": { "host": "\${host}", "port": $CLOSED } } ] }
JSON
cat >"$T/inc/suite.json" <<JSON
{ "name": "inc", "include": ["shared/common.json"], "defaults": { "retry_delay": 0 },
  "tests": [
    { "name": "own", "plugin": "port", "check": "listening",
      "params": { "host": "\${host}", "port": $CLOSED } } ] }
JSON
run_wscheck run --json "$T/out.json" --config "$T/empty.json" "$T/inc/suite.json"
expect_status 1 "a suite with an include runs"
expect_json "$T/out.json" "[x['name'] for x in r['suites'][0]['tests']] == ['shared', 'own']" \
    "included tests come first, then the file's own"
cat >"$T/inc/dup.json" <<JSON
{ "name": "inc", "include": ["shared/common.json"],
  "tests": [
    { "name": "shared", "plugin": "port", "check": "listening",
      "params": { "port": "\${hots}" } } ] }
JSON
run_wscheck validate "$T/inc/dup.json"
expect_status 2 "a duplicate test name across an include is an error"
expect_match "dup\.json:3:15: duplicate test name 'shared' \(first at [^ ]*shared/common\.json:3:15\)" \
    "$err" "reported with both positions"
cat >"$T/inc/shared/a.json" <<'JSON'
{ "include": ["b.json"] }
JSON
printf '{\n  "include": ["a.json"]\n}\n' >"$T/inc/shared/b.json"
cat >"$T/inc/cycle.json" <<JSON
{ "name": "c", "include": ["shared/a.json", "shared/gone.json"],
  "tests": [ { "name": "t", "plugin": "port", "check": "listening", "params": { "port": 1 } } ] }
JSON
run_wscheck validate "$T/inc/cycle.json"
expect_status 2 "an include cycle is an error"
expect_match "shared/b\.json:2:15: include cycle: [^ ]*shared/a\.json -> [^ ]*shared/b\.json -> [^ ]*shared/a\.json" \
    "$err" "placed at the include that closes it, naming the files"
expect_match "cycle\.json:1:45: include 'shared/gone\.json': cannot read" "$err" \
    "a missing included file is placed at its entry"

# ---- an endpoint of the configuration against wscheck-mock ------------------------------
if [ -n "${WSCHECK_MOCK:-}" ] && start_mock; then
    cat >"$T/ep.json" <<JSON
{ "mcp_server_endpoints": { "mock": { "url": "$MOCK_URL", "kind": "websocket" } } }
JSON
    cat >"$T/ep-suite.json" <<'JSON'
{ "name": "endpoints", "tests": [
  { "name": "mock handshake", "plugin": "ws-basic", "check": "handshake",
    "params": { "url": "${endpoint-mock-url}" } } ] }
JSON
    run_wscheck run --json "$T/out.json" --config "$T/ep.json" "$T/ep-suite.json"
    expect_status 0 "a scenario reaches the mock through the configured endpoint"
    expect_json "$T/out.json" "t['mock handshake']['status'] == 'passed'" \
        "the handshake passed"
    run_wscheck config --config "$T/ep.json"
    expect_match "endpoint mock: $MOCK_URL, kind websocket, \\$\\{endpoint-mock-url\\}" "$out" \
        "wscheck config lists the endpoint and its variable"
    stop_pid "$MOCK_PID"
else
    ok "# SKIP wscheck-mock is not built"
fi
finish
