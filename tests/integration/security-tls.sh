#!/usr/bin/env bash
# security tls: a CA and server certificates made here (valid, expired, expiring
# soon, for another host), Python websockets servers over TLS (one that
# still accepts TLS 1.0/1.1) and a plain one, each flagged precisely.
. "$top_srcdir/tests/integration/lib.sh"
require_peers python-websockets

T=$WSC_TMP
PEER=$top_srcdir/tests/integration/peer_hardening.py
# cert NAME DAYS SAN: NAME.pem/key signed by the test CA.
cert() {
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
        -keyout "$T/$1.key" -out "$T/$1.csr" 2>/dev/null &&
        printf 'subjectAltName=%s\n' "$3" >"$T/$1.ext" &&
        openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
            -CAcreateserial -days "$2" -extfile "$T/$1.ext" -out "$T/$1.pem" 2>/dev/null
}
make_certs() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 60 -subj "/CN=wscheck test CA" \
        -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null &&
        cert good 90 "IP:127.0.0.1,DNS:localhost" &&
        cert soon 5 "IP:127.0.0.1" &&
        cert other 90 "DNS:other.example" &&
        expired
}
# expired: expired.pem/key, valid in January 2020 only (openssl ca sets the
# dates that openssl x509 cannot).
expired() {
    openssl req -newkey rsa:2048 -nodes -subj "/CN=expired" \
        -keyout "$T/expired.key" -out "$T/expired.csr" 2>/dev/null &&
        : >"$T/index.txt" && echo 01 >"$T/serial" &&
        printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nnew_certs_dir = %s\nserial = %s/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' \
            "$T" "$T" "$T" >"$T/ca.cnf" &&
        openssl ca -batch -config "$T/ca.cnf" -cert "$T/ca.pem" -keyfile "$T/ca.key" \
            -in "$T/expired.csr" -out "$T/expired.pem" -extfile "$T/good.ext" \
            -startdate 20200101000000Z -enddate 20200201000000Z >/dev/null 2>&1
}
check "test certificates are made" make_certs

# serve NAME ARGS...: a server; its URL in $url.
serve() {
    local name=$1; shift
    start_bg "$T/$name.log" "$PYTHON_WS" "$PEER" "$@"
    url=$(wait_for_line "$T/$name.log" '^wss?://127\.0\.0\.1:[0-9]+') ||
        { not_ok "the $name server starts"; finish; exit 1; }
}
serve good --tls "$T/good.pem" "$T/good.key"; GOOD=$url
serve soon --tls "$T/soon.pem" "$T/soon.key"; SOON=$url
serve other --tls "$T/other.pem" "$T/other.key"; OTHER=$url
serve expired --tls "$T/expired.pem" "$T/expired.key"; EXPIRED=$url
serve old --tls "$T/good.pem" "$T/good.key" --old-tls; OLD=$url
serve plain; PLAIN=$url

cat >"$T/tls.json" <<'JSON'
{ "name": "tls",
  "defaults": { "timeout": 10 },
  "tests": [
    { "name": "good", "plugin": "security", "check": "tls", "params": { "url": "${good}", "ca_file": "${dir}/ca.pem",
                                  "require_tls": true } },
    { "name": "unknown CA", "plugin": "security", "check": "tls", "params": { "url": "${good}" } },
    { "name": "expires soon", "plugin": "security", "check": "tls", "params": { "url": "${soon}", "ca_file": "${dir}/ca.pem" } },
    { "name": "expired", "plugin": "security", "check": "tls", "params": { "url": "${expired}", "ca_file": "${dir}/ca.pem" } },
    { "name": "other host", "plugin": "security", "check": "tls", "params": { "url": "${other}", "ca_file": "${dir}/ca.pem" } },
    { "name": "old protocols", "plugin": "security", "check": "tls", "params": { "url": "${old}", "ca_file": "${dir}/ca.pem" } },
    { "name": "plain served", "plugin": "security", "check": "tls", "params": { "url": "${good}", "ca_file": "${dir}/ca.pem",
                                          "require_tls": true, "plain_url": "${plain}" } }
  ] }
JSON
run_wscheck run --junit "$T/tls.xml" --json "$T/tls.out" --var "good=$GOOD" \
    --var "soon=$SOON" --var "other=$OTHER" --var "expired=$EXPIRED" --var "old=$OLD" --var "plain=$PLAIN" \
    --var "dir=$T" "$T/tls.json"
expect_status 1 "the TLS suite (with insecure servers) exits 1"
check "its JUnit report is valid" validate_junit "$T/tls.xml"
R=$T/tls.out
c() { echo "{c['name']: (c['status'], c.get('message') or '') for c in t['$1']['cases']}"; }
expect_json "$R" "t['good']['status'] == 'passed' and [x['name'] for x in t['good']['cases']] == ['chain', 'host_name', 'expiry', 'protocol', 'plain_refused']" \
    "a sound server passes every case, plain ws:// on its port refused"
expect_json "$R" "o('good')['protocol'] in ('TLSv1.2', 'TLSv1.3') and o('good')['subject'] == 'CN = good' and 'CN = wscheck test CA' in o('good')['issuer'] and 'IP Address:127.0.0.1' in o('good')['sans'] and bool(o('good')['cipher']) and bool(o('good')['expires'])" \
    "its outputs: protocol, cipher, subject, issuer, SANs, expiry"
expect_json "$R" "89 < m('good')['cert_days_left'] <= 90" "cert_days_left is measured"
expect_json "$R" "($(c 'unknown CA'))['chain'][0] == 'failed' and 'the certificate chain is not valid: SSL certificate problem' in ($(c 'unknown CA'))['chain'][1] and ($(c 'unknown CA'))['host_name'][0] == 'passed'" \
    "a chain to an unknown CA fails the chain case only, with libcurl's reason"
expect_json "$R" "($(c 'expires soon'))['expiry'][0] == 'failed' and ($(c 'expires soon'))['expiry'][1].startswith('the certificate expires in 5.0 days (') and ($(c 'expires soon'))['expiry'][1].endswith('expected at least 14')" \
    "a certificate expiring in 5 days fails min_days 14"
expect_json "$R" "($(c 'expired'))['chain'] == ('failed', 'the certificate chain is not valid: SSL certificate problem: certificate has expired') and ($(c 'expired'))['expiry'][1].startswith('the certificate expired ') and ($(c 'expired'))['expiry'][1].endswith(' days ago (Feb  1 00:00:00 2020 GMT), expected at least 14 days left')" \
    "an expired certificate fails the chain and expiry cases, named"
expect_json "$R" "($(c 'other host'))['host_name'][0] == 'failed' and 'the host name does not match' in ($(c 'other host'))['host_name'][1] and ($(c 'other host'))['chain'][0] == 'passed'" \
    "a certificate for another host fails the host name case"
expect_json "$R" "($(c 'good'))['protocol'][0] == 'passed'" "a server refusing TLS 1.0/1.1 passes the protocol case"
if [ "$(json_get "$R" "($(c 'old protocols'))['protocol'][0]")" = error ]; then
    ok "# SKIP this system's OpenSSL cannot offer TLS 1.0/1.1: $(json_get "$R" "($(c 'old protocols'))['protocol'][1]")"
else
    expect_json "$R" "($(c 'old protocols'))['protocol'] [0] == 'failed' and ($(c 'old protocols'))['protocol'][1].startswith('the server accepted TLSv1') and ($(c 'old protocols'))['protocol'][1].endswith('expected TLS 1.2 or later only')" \
        "a server still accepting TLS 1.0/1.1 fails, naming the protocol"
fi
expect_json "$R" "($(c 'plain served'))['plain_refused'] == ('failed', 'plain $PLAIN accepted a WebSocket upgrade (HTTP 101); require_tls expects it refused')" \
    "require_tls: a plain endpoint that serves fails, named"

# a bad URL is refused before anything runs
cat >"$T/bad.json" <<'JSON'
{ "name": "bad", "tests": [ { "name": "plain url", "plugin": "security", "check": "tls",
    "params": { "url": "ws://127.0.0.1:1" } } ] }
JSON
run_wscheck validate "$T/bad.json"
expect_status 2 "validate refuses a tls url that is not wss:// or https://"
expect_match "expected a wss:// or https:// URL, got 'ws://127.0.0.1:1'" "$out$err" "and says why"

finish
