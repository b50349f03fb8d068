#!/usr/bin/env bash
# security plugin (origin, authentication, authorization) against
# independent servers: node `ws` (tests/integration/peer_secure_ws.js) and
# Python `websockets` (tests/integration/peer_secure_websockets.py), each in
# secure and deliberately insecure configurations. Every insecure one must
# fail with a message that names what was accepted; no credential may reach
# a report.
. "$top_srcdir/tests/integration/lib.sh"
require_peers node-ws node-mcp python-websockets
. "$top_srcdir/tests/integration/ping-pong-common.sh"

T=$WSC_TMP
VARS=()

# peer VAR node|python ARGS...: starts a guarded peer; its URL becomes the
# scenario variable VAR.
peer() {
    local var=$1 kind=$2 log
    shift 2
    log=$T/peer.$var.log
    if [ "$kind" = node ]; then
        start_bg "$log" "$NODE" "$top_srcdir/tests/integration/peer_secure_ws.js" "$@"
    else
        start_bg "$log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_secure_websockets.py" "$@"
    fi
    local url
    url=$(wait_for_line "$log" '^ws://127\.0\.0\.1:[0-9]+') ||
        { not_ok "peer $var starts"; finish; exit 1; }
    VARS+=(--var "$var=$url")
}

# case_message FILE TEST CASE REGEX: the message of one case matches REGEX.
case_message() {
    expect_match "$4" "$(json_get "$1" "[c.get('message') or '' for c in t['$2']['cases'] if c['name'] == arg][0]" "$3" 2>&1)" \
        "$2 / $3: message matches /$4/"
}

GOOD=https://good.example
peer n_origin node --allowed-origin "$GOOD"
peer n_origin_close node --allowed-origin "$GOOD" --origin-close 4003
peer n_origin_open node
peer n_origin_creds node --allowed-origin "$GOOD" --origin-skip-with-credentials
peer n_bearer node --token s3cret-bearer
peer n_header node --token s3cret-header --auth-via header
peer n_query node --token s3cret-query --auth-via query
peer n_cookie node --token s3cret-cookie --auth-via cookie
peer n_basic node --token s3cret-pass --auth-via basic --user alice
peer n_subprotocol node --token s3cret-sub --auth-via subprotocol
peer n_message node --token s3cret-msg --auth-via message
peer n_any node --token s3cret-any --any-token
peer n_status500 node --token s3cret-500 --auth-status 500
peer n_roles node --role reader:s3cret-reader:read,subscribe --role admin:s3cret-admin:read,delete
peer n_roles_close node --role reader:s3cret-reader:read --deny-close 4003
peer n_roles_off node --role reader:s3cret-reader:read --no-roles-enforced
peer p_secure python --allowed-origin "$GOOD" --token s3cret-py
peer p_close python --allowed-origin "$GOOD" --token s3cret-py --deny-close 4001
peer p_prefix python --allowed-origin "$GOOD" --origin-prefix
peer p_any python --token s3cret-py --any-token --auth-via query

cat >"$T/security.json" <<'JSON'
{
  "name": "security against peers",
  "defaults": { "timeout": 10 },
  "vars": { "good": "https://good.example" },
  "tests": [
    { "name": "node origin", "plugin": "security", "check": "origin",
      "params": { "url": "${n_origin}", "allowed_origins": ["${good}"],
                  "foreign_origins": ["https://evil.example", "null"], "require_origin": true } },
    { "name": "node origin by close", "plugin": "security", "check": "origin",
      "params": { "url": "${n_origin_close}", "allowed_origins": ["${good}"] } },
    { "name": "node origin unchecked", "plugin": "security", "check": "origin",
      "params": { "url": "${n_origin_open}", "allowed_origins": ["${good}"] } },
    { "name": "node origin hijacking", "plugin": "security", "check": "origin",
      "params": { "url": "${n_origin_creds}", "allowed_origins": ["${good}"],
                  "headers": { "Cookie": "session=s3cret-cookie-session" } } },
    { "name": "node bearer", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_bearer}", "token": "s3cret-bearer" } },
    { "name": "node header", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_header}", "mechanism": "header", "token": "s3cret-header" } },
    { "name": "node query", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_query}", "mechanism": "query", "token": "s3cret-query" } },
    { "name": "node cookie", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_cookie}", "mechanism": "cookie", "token": "s3cret-cookie" } },
    { "name": "node basic", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_basic}", "mechanism": "basic", "username": "alice",
                  "password": "s3cret-pass" } },
    { "name": "node subprotocol", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_subprotocol}", "mechanism": "subprotocol",
                  "prefix": "token.", "token": "s3cret-sub" } },
    { "name": "node first message", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_message}", "mechanism": "message", "token": "s3cret-msg",
                  "accept": { "type": "auth_ok" } } },
    { "name": "node any token", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_any}", "token": "s3cret-any" } },
    { "name": "node refusal status", "plugin": "security", "check": "authentication",
      "params": { "url": "${n_status500}", "token": "s3cret-500" } },
    { "name": "node reader role", "plugin": "security", "check": "authorization",
      "params": { "url": "${n_roles}", "headers": { "Authorization": "Bearer s3cret-reader" },
                  "denied": [ { "name": "delete", "send": { "type": "delete", "id": 1 } } ],
                  "allowed": [ { "name": "read", "send": { "type": "read" },
                                 "expect": { "type": "ok", "for": "read" } },
                               { "send": { "type": "subscribe", "channel": "news" } } ] } },
    { "name": "node reader role by close", "plugin": "security", "check": "authorization",
      "params": { "url": "${n_roles_close}",
                  "headers": { "Authorization": "Bearer s3cret-reader" },
                  "denied": [ { "name": "delete", "send": { "type": "delete" } } ] } },
    { "name": "node roles not enforced", "plugin": "security", "check": "authorization",
      "params": { "url": "${n_roles_off}",
                  "headers": { "Authorization": "Bearer s3cret-reader" },
                  "denied": [ { "name": "delete", "send": { "type": "delete" } } ],
                  "allowed": [ { "name": "read", "send": { "type": "read" } } ] } },
    { "name": "node wrong role", "plugin": "security", "check": "authorization",
      "params": { "url": "${n_roles}", "headers": { "Authorization": "Bearer s3cret-admin" },
                  "denied": [ { "name": "delete", "send": { "type": "delete" } } ] } },
    { "name": "python origin", "plugin": "security", "check": "origin",
      "params": { "url": "${p_secure}", "allowed_origins": ["${good}"],
                  "headers": { "Authorization": "Bearer s3cret-py" } } },
    { "name": "python bearer", "plugin": "security", "check": "authentication",
      "params": { "url": "${p_secure}", "origin": "${good}", "token": "s3cret-py" } },
    { "name": "python refusal by close", "plugin": "security", "check": "authentication",
      "params": { "url": "${p_close}", "origin": "${good}", "token": "s3cret-py",
                  "refuse_statuses": [], "refuse_close_codes": [4001] } },
    { "name": "python origin prefix", "plugin": "security", "check": "origin",
      "params": { "url": "${p_prefix}", "allowed_origins": ["${good}"],
                  "foreign_origins": ["https://good.example.evil.test"] } },
    { "name": "python any token", "plugin": "security", "check": "authentication",
      "params": { "url": "${p_any}", "mechanism": "query", "token": "s3cret-py" } }
  ]
}
JSON
run_wscheck run --junit "$T/security.xml" --json "$T/security.out.json" "${VARS[@]}" \
    "$T/security.json"
expect_status 1 "the suite with insecure servers exits 1"
check "its JUnit report is valid against both schemas" validate_junit "$T/security.xml"
stderr_clean "no sanitizer report or crash on stderr"
R=$T/security.out.json

for name in "node origin" "node origin by close" "node bearer" "node header" "node query" \
            "node cookie" "node basic" "node subprotocol" "node first message" \
            "node reader role" "node reader role by close" "python origin" \
            "python bearer" "python refusal by close"; do
    report_status "$R" "$name" passed
done
for name in "node origin unchecked" "node origin hijacking" "node any token" \
            "node refusal status" "node roles not enforced" "node wrong role" \
            "python origin prefix" "python any token"; do
    report_status "$R" "$name" failed
done
case_message "$R" "node origin unchecked" "foreign Origin https://evil.example" \
    '^a foreign Origin https://evil\.example was accepted \(HTTP 101\); expected a refusal: HTTP 401/403 or close 1008/4001-4999$'
case_message "$R" "node origin hijacking" \
    "foreign Origin https://evil.example with credentials" \
    'a foreign Origin https://evil\.example with credentials \(cross-site WebSocket hijacking\) was accepted \(HTTP 101\)'
case_message "$R" "node any token" "wrong credentials" \
    '^an upgrade with wrong credentials \(bearer\) was accepted \(HTTP 101\); expected a refusal: HTTP 401/403'
case_message "$R" "node refusal status" "no credentials" \
    'an upgrade with no credentials \(bearer\) was not refused as configured \(HTTP 500\); expected a refusal: HTTP 401/403'
case_message "$R" "node roles not enforced" "denied: delete" \
    '^the denied action delete was performed \(answered \{"type":"ok","for":"delete"\}\); expected a refusal'
case_message "$R" "python origin prefix" "foreign Origin https://good.example.evil.test" \
    '^a foreign Origin https://good\.example\.evil\.test was accepted \(HTTP 101\)'
case_message "$R" "python any token" "wrong credentials" 'an upgrade with wrong credentials \(query\) was accepted'
expect_json "$R" "[c['name'] for c in t['node origin']['cases']] == ['allowed Origin https://good.example', 'foreign Origin https://evil.example', 'foreign Origin null', 'no Origin']" \
    "origin: one case per Origin, in order"
expect_json "$R" "[c['name'] for c in t['node bearer']['cases']] == ['no credentials', 'wrong credentials', 'right credentials']" \
    "authentication: a case each for no, wrong and right credentials"
expect_json "$R" "[c['status'] for c in t['node wrong role']['cases']] == ['failed']" \
    "a role allowed to delete fails the denied case"
expect_match 'testcase[^>]*name="node bearer / right credentials"' "$(cat "$T/security.xml")" \
    "JUnit has a test case per sub-test"

# No credential, nor the wrong token derived from one, nor basic auth's
# base64 form, reaches any report.
leaks=$(grep -l -e 's3cret' -e 'YWxpY2U6' "$T/security.out.json" "$T/security.xml" "$T/stdout")
if [ -z "$leaks" ]; then ok "no credential in the JSON, JUnit or console output"
else not_ok "no credential in the reports"; echo "$leaks" | diag; fi

# MCP tools, against the TypeScript SDK (peer-mcp.js) over Streamable HTTP
# behind a bearer token and over WebSocket. The SDK peer has no roles: its
# tool `fail` answers isError: true, which stands for a refused call, and
# `echo` for one performed.
MCP_PEER_TOKEN=1 start_bg "$T/mcp-http.log" "$NODE" "$top_srcdir/tests/integration/peer-mcp.js" http
MCP_HTTP=$(wait_for_line "$T/mcp-http.log" '^http://127\.0\.0\.1:[0-9]+/mcp') ||
    { not_ok "MCP peer over HTTP starts"; finish; exit 1; }
start_bg "$T/mcp-ws.log" "$NODE" "$top_srcdir/tests/integration/peer-mcp.js" ws
MCP_WS=$(wait_for_line "$T/mcp-ws.log" '^ws://127\.0\.0\.1:[0-9]+/mcp') ||
    { not_ok "MCP peer over WebSocket starts"; finish; exit 1; }
cat >"$T/tools.json" <<'JSON'
{
  "name": "MCP tools",
  "tests": [
    { "name": "tool refused", "plugin": "security", "check": "authorization",
      "params": { "url": "${http}", "headers": { "Authorization": "Bearer peer-token" },
                  "denied": [ { "tool": "fail" } ],
                  "allowed": [ { "tool": "echo", "arguments": { "text": "hi" },
                                 "expect": { "content": [ { "text": "hi" } ] } } ] } },
    { "name": "tool refused over websocket", "plugin": "security", "check": "authorization",
      "params": { "url": "${ws}", "tool_refusal": "isError", "denied": [ { "tool": "fail" } ] } },
    { "name": "tool refusal must be a JSON-RPC error", "plugin": "security",
      "check": "authorization",
      "params": { "url": "${ws}", "tool_refusal": "rpc", "denied": [ { "tool": "fail" } ] } },
    { "name": "tool performed", "plugin": "security", "check": "authorization",
      "params": { "url": "${ws}",
                  "denied": [ { "name": "echo", "tool": "echo", "arguments": { "text": "hi" } } ] } },
    { "name": "role credentials refused", "plugin": "security", "check": "authorization",
      "params": { "url": "${http}", "headers": { "Authorization": "Bearer s3cret-nope" },
                  "denied": [ { "tool": "fail" } ] } }
  ]
}
JSON
run_wscheck run --json "$T/tools.out.json" --var "http=$MCP_HTTP" --var "ws=$MCP_WS" "$T/tools.json"
expect_status 1 "the MCP suite with a performed tool exits 1"
R=$T/tools.out.json
report_status "$R" "tool refused" passed
report_status "$R" "tool refused over websocket" passed
report_status "$R" "tool refusal must be a JSON-RPC error" failed
report_status "$R" "tool performed" failed
report_status "$R" "role credentials refused" error
case_message "$R" "tool refusal must be a JSON-RPC error" "denied: tool fail" \
    '^the denied action tool fail was not refused \(answered isError: true'
case_message "$R" "tool performed" "denied: echo" \
    '^the denied action echo was performed \(answered \{"content":\[\{"type":"text","text":"hi"\}\]'
case_message "$R" "role credentials refused" "denied: tool fail" "the role's MCP session failed: .*401"
if grep -qe 'peer-token' -e 's3cret' "$R" "$T/stdout"; then not_ok "no MCP credential in the reports"
else ok "no MCP credential in the reports"; fi

# Params the schema cannot judge are refused before anything runs.
cat >"$T/invalid.json" <<'JSON'
{
  "name": "invalid security params",
  "tests": [
    { "name": "bad codes", "plugin": "security", "check": "origin",
      "params": { "url": "ws://127.0.0.1:1", "allowed_origins": ["https://a.example"],
                  "foreign_origins": ["https://a.example"],
                  "refuse_close_codes": ["5000-6000", 999] } },
    { "name": "basic without user", "plugin": "security", "check": "authentication",
      "params": { "url": "ws://127.0.0.1:1", "mechanism": "basic", "password": "x" } },
    { "name": "bad action", "plugin": "security", "check": "authorization",
      "params": { "url": "ws://127.0.0.1:1",
                  "denied": [ { "send": {}, "tool": "x", "expct": 1 } ] } }
  ]
}
JSON
run_wscheck validate "$T/invalid.json"
expect_status 2 "validate refuses params the schema cannot judge"
expect_match "refuse_close_codes\\[0\\]: expected a close code 1000-4999" "$err$out" "a bad close code range is named"
expect_match "foreign_origins\\[0\\]: .https://a.example. is also an allowed Origin" "$err$out" "an Origin both allowed and foreign is named"
expect_match "basic needs username" "$err$out" "basic without username is refused"
expect_match "denied\\[0\\]: give either send \\(a message\\) or tool" "$err$out" "an action with send and tool is refused"
expect_match "unknown member 'expct' \(did you mean 'expect'\?\)" "$err$out" "a misspelt action member gets a hint"
finish
