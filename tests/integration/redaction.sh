#!/bin/sh
# Secrets never leave the process: one distinct secret planted in each place
# a user has them (URL userinfo, a secret query parameter, Authorization and
# Cookie headers, a JSON member echoed back, a server's Set-Cookie, a value
# captured from a server into a $secret capture, a $secret var from the
# environment, a --secret var (a JWT longer than a trace entry keeps), bytes
# of a binary frame, a quick check URL), run with passing and failing tests,
# at every verbosity, with every report; every byte written is searched for
# every secret.
. "$top_srcdir/tests/integration/lib.sh"
require_mock
require_peers python-websockets
. "$top_srcdir/tests/integration/http-common.sh"
T=$WSC_TMP
OUT=$T/written
mkdir -p "$OUT"

start_mock || { not_ok "wscheck-mock starts"; finish; exit 1; }
start_peer || { not_ok "the HTTP peer starts"; finish; exit 1; }
start_bg "$T/echo.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_websockets.py"
ECHO_URL=$(wait_for_line "$T/echo.log" '^ws://[^ ]+') || { not_ok "the echo peer starts"; finish; exit 1; }

S_USERINFO=pw-userinfo-S1q
S_QUERY=qtok-S2q
S_AUTH=hdr-auth-S3q
S_COOKIE=cookie-S4q
S_JSON=json-pw-S5q
S_SETCOOKIE=srv-cookie-S6q   # sent by peer_http.py /login
S_CAPTURED=srv-ticket-S7q    # sent by peer_http.py /login
S_ENV=env-secret-S8q
# a JWT: longer than the 64 bytes a trace entry keeps
S_JWT=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTOXEtand0LXN1YmplY3QtbG9uZyJ9.S9q-c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw
S_BINARY=bin-secret-S10q
S_QUICK=quick-pw-S11q
ALL="$S_USERINFO $S_QUERY $S_AUTH $S_COOKIE $S_JSON $S_SETCOOKIE $S_CAPTURED $S_ENV $S_JWT $S_BINARY $S_QUICK"
# the JWT starts before the 200 bytes a message shows and ends after them
PAD=$(printf '%0180d' 0)
BIN_B64=$(printf 'head-%s-tail\001\002' "$S_BINARY" | base64 | tr -d '\n')
HOSTPORT=127.0.0.1:$MOCK_PORT
CLOSED_PORT=$(free_port)

# Each place twice: in a test that passes (outputs are kept) and in one that
# fails (message, notes, trace are kept).
cat >"$T/secrets.json" <<EOF
{
  "name": "secrets",
  "defaults": {"timeout": 5},
  "vars": {"apitok": {"\$secret": "\${env:REDACT_ENV_SECRET}"}},
  "tests": [
    {"name": "login", "plugin": "http", "check": "request",
     "params": {"url": "$PEER_URL/login"},
     "capture": {"ticket": {"\$secret": "/json/ticket"}}},
    {"name": "login fails", "plugin": "http", "check": "request",
     "params": {"url": "$PEER_URL/login", "expect": {"status": 201}}},
    {"name": "userinfo, query and headers", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://user:$S_USERINFO@$HOSTPORT/chat?token=$S_QUERY&room=1",
                "headers": {"Authorization": "Bearer $S_AUTH", "Cookie": "sid=$S_COOKIE"},
                "steps": [
       {"expect": {"type": "welcome"}, "capture": {"cid": {"\$secret": "/client_id"}}},
       {"send": {"type": "echo", "password": "$S_JSON", "note": "\${apitok}",
                 "jwt": "\${jwt}", "ticket": "\${ticket}", "client": "\${cid}"}},
       {"expect": {"type": "echo_response"}, "capture": {"echoed": "/original_message"}}
     ]}},
    {"name": "the same, failing", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://user:$S_USERINFO@$HOSTPORT/chat?token=$S_QUERY&room=1",
                "headers": {"Authorization": "Bearer $S_AUTH", "Cookie": "sid=$S_COOKIE"},
                "steps": [
       {"expect": {"type": "welcome"}},
       {"send": {"type": "echo", "password": "$S_JSON", "note": "\${apitok}",
                 "jwt": "\${jwt}", "ticket": "\${ticket}"}},
       {"expect": {"type": "no such reply"}, "within": 0.5}
     ]}},
    {"name": "a JWT alone in a frame", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://$HOSTPORT/", "steps": [
       {"expect": {"type": "welcome"}},
       {"send": "\${jwt}"},
       {"expect": {"type": "never"}, "within": 0.5}
     ]}},
    {"name": "a secret in a binary frame", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "ws://$HOSTPORT/", "steps": [
       {"expect": {"type": "welcome"}},
       {"send_binary": "$BIN_B64"},
       {"expect": {"type": "never"}, "within": 0.5}
     ]}},
    {"name": "a binary frame echoed", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "$ECHO_URL", "steps": [
       {"send_binary": "$BIN_B64"},
       {"expect_binary": {"len": 1}, "within": 1}
     ]}},
    {"name": "a long text echoed, cut in the message", "plugin": "ws-basic", "check": "conversation",
     "params": {"url": "$ECHO_URL", "steps": [
       {"send": "$PAD \${jwt}"},
       {"expect_binary": {"len": 1}, "within": 1}
     ]}},
    {"name": "a refused connection", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "ws://user:$S_USERINFO@127.0.0.1:$CLOSED_PORT/?token=$S_QUERY"}},
    {"name": "an http error", "plugin": "http", "check": "request",
     "params": {"url": "http://user:$S_USERINFO@127.0.0.1:$CLOSED_PORT/?access_token=$S_QUERY"}},
    {"name": "the wrong scheme", "plugin": "ws-basic", "check": "handshake",
     "params": {"url": "ftp://user:$S_USERINFO@$HOSTPORT/"}}
  ]
}
EOF

# The report flags and verbosities this wscheck has ("-vv" and "--tap" when
# it knows them: every output there is gets searched).
HELP=$("$WSCHECK" run --help 2>&1)
VERBOSITIES="none --verbose"
case $HELP in *-vv*) VERBOSITIES="$VERBOSITIES -vv" ;; esac
TAP_FLAG=
case $HELP in *--tap*) TAP_FLAG=--tap ;; esac

# --secret BINSEC: no variable of that name, so the environment's value
export REDACT_ENV_SECRET=$S_ENV BINSEC=$S_BINARY
n=0
for v in $VERBOSITIES; do
    for file in secrets; do
        n=$((n + 1))
        set -- --junit "$OUT/$n.xml" --json "$OUT/$n.json"
        [ -n "$TAP_FLAG" ] && set -- "$@" --tap "$OUT/$n.tap"
        [ "$v" != none ] && set -- "$@" "$v"
        "$WSCHECK" run "$@" --var "jwt=$S_JWT" --secret jwt --secret BINSEC \
            "$T/$file.json" >"$OUT/$n.stdout" 2>"$OUT/$n.stderr"
        echo "$?" >"$OUT/$n.status"
    done
    # the quick checks: a URL with a password, passing and failing
    n=$((n + 1))
    set -- --junit "$OUT/$n.xml" --json "$OUT/$n.json"
    [ "$v" != none ] && set -- "$@" "$v"
    "$WSCHECK" --test-websocket "ws://u:$S_QUICK@$HOSTPORT/" \
        --test-websocket "ws://u:$S_QUICK@127.0.0.1:$CLOSED_PORT/" \
        "$@" >"$OUT/$n.stdout" 2>"$OUT/$n.stderr"
    echo "$?" >"$OUT/$n.status"
    # the reports on standard output
    n=$((n + 1))
    "$WSCHECK" run --json - --var "jwt=$S_JWT" --secret jwt --secret BINSEC "$T/secrets.json" \
        >"$OUT/$n.stdout" 2>"$OUT/$n.stderr"
    n=$((n + 1))
    "$WSCHECK" run --junit - --var "jwt=$S_JWT" --secret jwt --secret BINSEC "$T/secrets.json" \
        >"$OUT/$n.stdout" 2>"$OUT/$n.stderr"
done

# The runs did what the search relies on: tests passed and failed, the
# reports were written, the failures carry traces.
J=$OUT/1.json
expect_json "$J" "t['login']['status'] == 'passed' and t['userinfo, query and headers']['status'] == 'passed'" \
    "the passing tests passed (their outputs are in the report)"
expect_json "$J" "all(t[n]['status'] in ('failed', 'error') for n in ['login fails', 'the same, failing', 'a JWT alone in a frame', 'a secret in a binary frame', 'a binary frame echoed', 'a long text echoed, cut in the message', 'a refused connection', 'an http error'])" \
    "the failing tests failed (their messages and traces are in the report)"
expect_json "$J" "len(trace('the same, failing')) > 2 and len(trace('a secret in a binary frame')) > 2" \
    "failed tests keep their traces"
expect_json "$J" "'***' in str(o('login')) and '***' in str(o('userinfo, query and headers'))" \
    "outputs show the redaction"
expect_json "$J" "o('userinfo, query and headers')['captured']['cid'] == '***' and o('userinfo, query and headers')['captured']['echoed']['client'] == '***'" \
    "a step's secret capture: its value is redacted where it is kept and where it is echoed"
expect_json "$J" "'binary' in msg('a binary frame echoed') and msg('a long text echoed, cut in the message').endswith('...')" \
    "echoed frames are shown in the messages (binary as hex, long text cut)"
expect_json "$J" "any(e.get('kind') == 'binary' and e.get('data') for e in trace('a secret in a binary frame'))" \
    "the binary frame is traced"
expect_json "$OUT/2.json" "len(t) == 6 and sum(x['status'] == 'passed' for x in t.values()) == 3" \
    "the quick checks ran: 3 passed, 3 failed"
expect_json "$J" "msg('the wrong scheme').startswith('url: expected a ws:// or wss:// URL, got') and ':***@' in msg('the wrong scheme')" \
    "the wrong scheme's error shows the URL without its password"

# Every byte written: zero hits for every secret, its hex forms (plain and
# spaced), its first and its last 10 characters (a secret cut in half).
for secret in $ALL; do
    hex=$(printf '%s' "$secret" | od -An -tx1 | tr -d ' \n')
    spaced=$(printf '%s' "$secret" | od -An -tx1 -w1000 | sed 's/^ //')
    head=$(printf '%s' "$secret" | cut -c1-10)
    tail=$(printf '%s' "$secret" | rev | cut -c1-10 | rev)
    hits=$(grep -lF -e "$secret" -e "$hex" -e "$spaced" -e "$head" -e "$tail" "$OUT"/* 2>/dev/null)
    if [ -z "$hits" ]; then
        ok "no output holds $secret"
    else
        not_ok "no output holds $secret"
        for f in $hits; do
            grep -nF -e "$secret" -e "$hex" -e "$spaced" -e "$head" -e "$tail" "$f" | head -3 | sed "s|^|$(basename "$f"): |"
        done | diag
    fi
done
finish
