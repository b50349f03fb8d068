#!/usr/bin/env bash
# http plugin over TLS: a CA and certificates made here, a server that
# requires client certificates, and the TLS params (ca_file, insecure,
# client_cert, client_key).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/http-common.sh"

T=$WSC_TMP
# make_certs: ca.pem, server.pem/key (for 127.0.0.1), client.pem/key.
make_certs() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=wscheck test CA" \
        -keyout "$T/ca.key" -out "$T/ca.pem" &&
    for who in server client; do
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" \
            -keyout "$T/$who.key" -out "$T/$who.csr" || return 1
        printf 'subjectAltName=IP:127.0.0.1\n' >"$T/$who.ext"
        openssl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
            -CAcreateserial -days 2 -extfile "$T/$who.ext" -out "$T/$who.pem" || return 1
    done
}
check "test certificates are made" make_certs
start_bg "$T/peer_tls.log" "$PYTHON_WS" "$top_srcdir/tests/integration/peer_http.py" \
    --tls "$T/server.pem" "$T/server.key" --client-ca "$T/ca.pem"
TLS_URL=$(wait_for_line "$T/peer_tls.log" '^https://127\.0\.0\.1:[0-9]+') ||
    { not_ok "the HTTPS test server starts"; finish; exit 1; }

cat >"$T/tls.json" <<'JSON'
{
  "name": "http over TLS",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "verified with client certificate", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health", "ca_file": "${dir}/ca.pem",
                  "client_cert": "${dir}/client.pem", "client_key": "${dir}/client.key",
                  "expect": { "json": { "status": "ok" } } } },
    { "name": "insecure with client certificate", "plugin": "http", "check": "request",
      "params": { "url": "${base}/json", "insecure": true,
                  "client_cert": "${dir}/client.pem", "client_key": "${dir}/client.key" } },
    { "name": "unknown CA", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health",
                  "client_cert": "${dir}/client.pem", "client_key": "${dir}/client.key" } },
    { "name": "no client certificate", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health", "ca_file": "${dir}/ca.pem" } },
    { "name": "missing CA file", "plugin": "http", "check": "health",
      "params": { "url": "${base}/health", "ca_file": "${dir}/nope.pem" } }
  ]
}
JSON
run_wscheck run --junit "$T/tls.xml" --json "$T/tls.out.json" --var "base=$TLS_URL" --var "dir=$T" "$T/tls.json"
expect_status 1 "the TLS suite (with failures) exits 1"
check "its JUnit report is valid" validate_junit "$T/tls.xml"
R=$T/tls.out.json
expect_test "$R" "verified with client certificate" passed
expect_json "$R" "m('verified with client certificate')['tls_ms'] > 0" "the TLS handshake time is measured"
expect_test "$R" "insecure with client certificate" passed
expect_json "$R" "t['unknown CA']['status'] == 'failed' and t['unknown CA']['message'].startswith('GET $TLS_URL/health: TLS: ')" "an unknown CA fails with a TLS message"
expect_json "$R" "t['no client certificate']['status'] == 'failed'" "a missing client certificate fails"
expect_json "$R" "t['missing CA file']['status'] == 'failed' and 'TLS' in t['missing CA file']['message']" "a missing CA file fails, named"

finish
