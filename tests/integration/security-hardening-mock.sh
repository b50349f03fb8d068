#!/usr/bin/env bash
# The security plugin's hardening checks against wscheck-mock: with its
# security options (TLS with a certificate made here, a connection limit,
# a rate limit, a message size limit) every case passes; without them
# (the deliberately insecure configuration) limits fails, named.
. "$top_srcdir/tests/integration/lib.sh"
require_mock

T=$WSC_TMP
check "a test certificate is made" sh -c "openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout '$T/key.pem' -out '$T/cert.pem' 2>/dev/null"

# start_mock waits for a ws:// URL; over TLS the mock announces wss://
start_bg "$T/secure.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port 0 --mcp-host 127.0.0.1 \
    --mcp-port 0 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" \
    --max-connections-per-ip 3 --rate-limit 20/s --max-message-size 64K
SECURE=$(wait_for_line "$T/secure.log" '^wss://[^ ]+') ||
    { not_ok "the secure mock starts"; finish; exit 1; }
start_mock --max-message-size 16M || { not_ok "the insecure mock starts"; finish; exit 1; }
INSECURE=$MOCK_URL

cat >"$T/mock.json" <<'JSON'
{ "name": "mock",
  "defaults": { "timeout": 20 },
  "tests": [
    { "name": "tls", "plugin": "security", "check": "tls",
      "params": { "url": "${secure}", "ca_file": "${dir}/cert.pem", "require_tls": true } },
    { "name": "limits", "plugin": "security", "check": "limits",
      "params": { "url": "${secure}", "ca_file": "${dir}/cert.pem", "oversize_bytes": 100000,
                  "connections": 5, "flood": 100 } },
    { "name": "robust", "plugin": "security", "check": "input_robustness",
      "params": { "url": "${secure}", "ca_file": "${dir}/cert.pem", "huge_bytes": 50000,
                  "templates": [ { "type": "echo", "data": "x" } ] } },
    { "name": "no limits", "plugin": "security", "check": "limits",
      "params": { "url": "${insecure}", "oversize_bytes": 100000, "connections": 5,
                  "flood": 100, "close_within": 0.5 } }
  ] }
JSON
run_wscheck run --junit "$T/mock.xml" --json "$T/mock.out" --var "secure=$SECURE" \
    --var "insecure=$INSECURE" --var "dir=$T" "$T/mock.json"
expect_status 1 "the suite (with the insecure mock) exits 1"
check "its JUnit report is valid" validate_junit "$T/mock.xml"
R=$T/mock.out
c() { echo "{c['name']: (c['status'], c.get('message') or '') for c in t['$1']['cases']}"; }
expect_json "$R" "t['tls']['status'] == 'passed' and len(t['tls']['cases']) == 5 and o('tls')['subject'] == 'CN = 127.0.0.1'" \
    "the mock over TLS passes every tls case (its port speaks TLS only)"
expect_json "$R" "t['limits']['status'] == 'passed' and len(t['limits']['cases']) == 3" \
    "--max-message-size, --max-connections-per-ip and --rate-limit pass the limits cases"
expect_json "$R" "t['robust']['status'] == 'passed' and len(t['robust']['cases']) == 6" \
    "the mock answers every hostile input and lives on"
expect_json "$R" "($(c 'no limits'))['oversize'] == ('failed', 'a 100000-byte message got no close (no close within 0.5 s); expected close 1009')" \
    "without a small size limit the oversize case fails, named"
expect_json "$R" "($(c 'no limits'))['connections'] == ('failed', 'all 5 connections were accepted and kept open; expected a refusal within 5 connections from one client')" \
    "without --max-connections-per-ip the connections case fails, named"
expect_json "$R" "($(c 'no limits'))['flood'][0] == 'failed' and ($(c 'no limits'))['flood'][1].startswith('100 messages were not rate-limited')" \
    "without --rate-limit the flood case fails, named"

# scenarios/security-hardening.json as a user runs it: a mock with a token, verbose,
# its log scanned for that token
TOKEN=tok-$$-s3cr3t
start_bg "$T/scenario.log" "$WSCHECK_MOCK" --host 127.0.0.1 --port 0 --mcp-host 127.0.0.1 \
    --mcp-port 0 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --auth-token "$TOKEN" \
    --max-connections-per-ip 3 --rate-limit 20/s --max-message-size 64K -vv
URL=$(wait_for_line "$T/scenario.log" '^wss://[^ ]+') ||
    { not_ok "the scenario's mock starts"; finish; exit 1; }
MOCK_SECURE_URL=$URL MOCK_CA=$T/cert.pem MOCK_LOG=$T/scenario.log \
    run_wscheck run --json "$T/scenario.out" --var "token=$TOKEN" --secret token \
    "$top_srcdir/scenarios/security-hardening.json"
expect_status 0 "scenarios/security-hardening.json passes against wscheck-mock"
expect_json "$T/scenario.out" "len(t) == 4 and all(x['status'] == 'passed' for x in t.values()) and m('no secrets in the log')['lines'] > 10" \
    "every test passed, the mock's verbose log scanned"
check "no report holds the token" sh -c "! grep -q -- '$TOKEN' '$T/scenario.out' '$WSC_TMP/stdout'"

finish
