#!/usr/bin/env bash
# The port plugin as a user meets it: `wscheck run` on scenarios against real
# listeners started here (Python, on 127.0.0.1 and ::1), asserting on exit
# status, the JSON report (status, message, metrics, outputs) and JUnit
# validity.
. "$top_srcdir/tests/integration/lib.sh"

T=$WSC_TMP

# ---- listeners ------------------------------------------------------------------
# A block of ten consecutive ports on 127.0.0.1: BASE+1, BASE+4 and BASE+5
# listen, the other seven are bound without listening, so that they refuse
# connections and nobody else can take them while the test runs. Plus one
# listener on [::1] when this system has IPv6 loopback, and one ($FULL) whose
# accept queue is full, so that connects to it time out. Accepted
# connections are closed at once.
cat >"$T/listen.py" <<'PY'
import random, select, socket, sys

def block():
    for _ in range(200):
        base = random.randint(20000, 60000)
        socks = []
        try:
            for p in range(base, base + 10):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base, socks
        except OSError:
            for s in socks:
                s.close()
    sys.exit("no block of ten free ports found")

base, socks = block()
listening = [socks[1], socks[4], socks[5]]
for s in listening:
    s.listen(16)
try:
    v6 = socket.socket(socket.AF_INET6)
    v6.bind(("::1", 0))
    v6.listen(16)
    listening.append(v6)
    v6port = v6.getsockname()[1]
except OSError:
    v6port = 0
# a listener that never accepts, its queue filled: further SYNs are dropped
full = socket.socket()
full.bind(("127.0.0.1", 0))
full.listen(0)
fillers = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(full.getsockname())
    fillers.append(c)
print("base %d v6 %d full %d" % (base, v6port, full.getsockname()[1]), flush=True)
while True:
    for s in select.select(listening, [], [])[0]:
        conn, _ = s.accept()
        conn.close()
PY

start_bg "$T/listen.out" "$PYTHON_WS" "$T/listen.py"
LISTENER_PID=$last_pid
line=$(wait_for_line "$T/listen.out" '^base [0-9]+ v6 [0-9]+ full [0-9]+') || {
    not_ok "the test listeners start"; finish; exit 1; }
read -r _ BASE _ V6PORT _ FULL <<<"$line"
P1=$((BASE + 1)) P4=$((BASE + 4)) P5=$((BASE + 5))
SHUT=$((BASE + 2)) LAST=$((BASE + 9))

# json_check REPORT "description" PYTHON-EXPR: one case from an expression
# over the report; t(name) is a test, metric(name, m) its metric values.
json_check() {
    local report=$1 desc=$2 expr=$3
    check "$desc" "$PYTHON_WS" -c "
import json, sys
r = json.load(open(sys.argv[1]))
tests = {x['name']: x for s in r['suites'] for x in s['tests']}
def t(name): return tests[name]
def metric(name, m): return [x['value'] for x in tests[name]['metrics'] if x['name'] == m]
if not ($expr):
    print(json.dumps(r, indent=1))
    sys.exit(1)
" "$report"
}

# ---- everything that should pass ---------------------------------------------------
cat >"$T/pass.json" <<JSON
{
  "name": "port checks that pass",
  "vars": { "port": "\${env:WSC_PORT_TEST:-$P1}" },
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "one port listens", "plugin": "port", "check": "listening",
      "params": { "port": "\${port}" } },
    { "name": "a list and a range listen", "plugin": "port", "check": "listening",
      "params": { "host": "127.0.0.1", "ports": [$P1, "$P4-$P5"] } },
    { "name": "refused ports are closed", "plugin": "port", "check": "closed",
      "params": { "ports": ["$SHUT-$((BASE + 3))", $((BASE + 6))] } },
    { "name": "a port that does not answer is closed", "plugin": "port",
      "check": "closed", "params": { "port": $FULL, "connect_timeout": 0.3 } },
    { "name": "owner is the python listener", "plugin": "port", "check": "owner",
      "params": { "port": $P1, "listen_host": "127.0.0.1",
                  "expect": { "command": { "\$regex": "^python" },
                              "pid": $LISTENER_PID } } },
    { "name": "scan finds the listeners", "plugin": "port", "check": "scan",
      "params": { "ports": ["$BASE-$LAST"],
                  "expect": { "open": [$P1, $P4, $P5], "open_count": 3,
                              "closed_count": 7, "scanned": 10 } } }
  ]
}
JSON

run_wscheck run "$T/pass.json" --junit "$T/pass.xml" --json "$T/pass.json.out"
expect_status 0 "listening, closed, owner and scan pass against live listeners"
check "the JUnit report is valid against both schemas" validate_junit "$T/pass.xml"
R=$T/pass.json.out
json_check "$R" "every test passed" \
    "all(x['status'] == 'passed' for x in tests.values()) and len(tests) == 6"
json_check "$R" "one port: outputs.open is that port, closed is empty" \
    "t('one port listens')['outputs']['open'] == [$P1] and t('one port listens')['outputs']['closed'] == []"
json_check "$R" "one port: a connect_ms metric in ms" \
    "len(metric('one port listens', 'connect_ms')) == 1 and metric('one port listens', 'connect_ms')[0] >= 0 and t('one port listens')['metrics'][0]['unit'] == 'ms'"
json_check "$R" "several ports: connect_<port>_ms for each" \
    "sorted(m['name'] for m in t('a list and a range listen')['metrics']) == sorted(['connect_${P1}_ms', 'connect_${P4}_ms', 'connect_${P5}_ms'])"
json_check "$R" "several ports: outputs.open lists them in order" \
    "t('a list and a range listen')['outputs']['open'] == [$P1, $P4, $P5]"
json_check "$R" "closed: a port that does not answer counts as closed" \
    "t('a port that does not answer is closed')['outputs']['closed'] == [$FULL]"
json_check "$R" "closed: outputs.closed lists the refused ports" \
    "t('refused ports are closed')['outputs']['closed'] == [$SHUT, $((BASE + 3)), $((BASE + 6))] and t('refused ports are closed')['outputs']['open'] == []"
json_check "$R" "owner: the pid is the listener's" \
    "t('owner is the python listener')['outputs']['pid'] == $LISTENER_PID and $LISTENER_PID in t('owner is the python listener')['outputs']['pids']"
json_check "$R" "owner: command, command line, user, port and address" \
    "(lambda o: o['command'].startswith('python') and 'listen.py' in o['cmdline'] and o['user'] != '' and o['port'] == $P1 and o['address'] == '127.0.0.1')(t('owner is the python listener')['outputs'])"
json_check "$R" "scan: exactly the three listeners of the block" \
    "t('scan finds the listeners')['outputs']['open'] == [$P1, $P4, $P5] and t('scan finds the listeners')['outputs']['scanned'] == 10"
json_check "$R" "scan: a scan_ms metric" \
    "len(metric('scan finds the listeners', 'scan_ms')) == 1"

# ---- IPv6 ---------------------------------------------------------------------------
if [ "$V6PORT" -ne 0 ]; then
    cat >"$T/v6.json" <<JSON
{
  "name": "port checks on IPv6 loopback",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "::1 listens", "plugin": "port", "check": "listening",
      "params": { "host": "::1", "port": $V6PORT } },
    { "name": "::1 owner", "plugin": "port", "check": "owner",
      "params": { "listen_host": "::1", "port": $V6PORT,
                  "expect": { "address": "::1", "pid": $LISTENER_PID } } },
    { "name": "::1 scan", "plugin": "port", "check": "scan",
      "params": { "host": "::1", "ports": [$V6PORT, "$BASE-$LAST"],
                  "expect": { "open": [$V6PORT] } } },
    { "name": "IPv4 loopback does not reach a ::1 listener", "plugin": "port",
      "check": "closed", "params": { "host": "127.0.0.1", "port": $V6PORT } }
  ]
}
JSON
    run_wscheck run "$T/v6.json" --json "$T/v6.out" --junit "$T/v6.xml"
    expect_status 0 "listening, owner, scan and closed work on ::1"
    json_check "$T/v6.out" "::1: outputs.open and the owner's address" \
        "t('::1 listens')['outputs']['open'] == [$V6PORT] and t('::1 owner')['outputs']['address'] == '::1' and t('::1 owner')['outputs']['pid'] == $LISTENER_PID"
    check "the IPv6 JUnit report is valid" validate_junit "$T/v6.xml"
else
    ok "# SKIP no IPv6 loopback here"
fi

# ---- failures and errors --------------------------------------------------------------
cat >"$T/fail.json" <<JSON
{
  "name": "port checks that fail",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "a refused port", "plugin": "port", "check": "listening",
      "params": { "ports": [$P1, $SHUT] } },
    { "name": "a port that does not answer", "plugin": "port", "check": "listening",
      "params": { "ports": [$FULL, $P1], "connect_timeout": 0.3 } },
    { "name": "a listening port is not closed", "plugin": "port", "check": "closed",
      "params": { "port": $P1 } },
    { "name": "open ports in a closed range", "plugin": "port", "check": "closed",
      "params": { "ports": ["$BASE-$LAST"] } },
    { "name": "nobody owns it", "plugin": "port", "check": "owner",
      "params": { "port": $SHUT } },
    { "name": "the owner is not nginx", "plugin": "port", "check": "owner",
      "params": { "port": $P1, "expect": { "command": "nginx" } } },
    { "name": "the scan finds more", "plugin": "port", "check": "scan",
      "params": { "ports": ["$BASE-$LAST"], "expect": { "open": [$P1] } } },
    { "name": "a backwards range", "plugin": "port", "check": "listening",
      "params": { "ports": ["9-3"] } },
    { "name": "an unknown host", "plugin": "port", "check": "listening",
      "params": { "host": "no-such-host.invalid", "port": 80 } }
  ]
}
JSON

run_wscheck run "$T/fail.json" --junit "$T/fail.xml" --json "$T/fail.out"
expect_status 1 "failing port checks exit 1"
check "the failing run's JUnit report is valid" validate_junit "$T/fail.xml"
R=$T/fail.out
json_check "$R" "a refused port fails, named with the reason" \
    "t('a refused port')['status'] == 'failed' and '1 of 2 ports on 127.0.0.1 did not accept a connection: $SHUT (refused)' in t('a refused port')['message']"
json_check "$R" "a refused port: outputs split open and closed, the open one measured" \
    "t('a refused port')['outputs']['open'] == [$P1] and t('a refused port')['outputs']['closed'] == [$SHUT] and len(metric('a refused port', 'connect_${P1}_ms')) == 1"
json_check "$R" "a port that does not answer in connect_timeout has timed out" \
    "t('a port that does not answer')['status'] == 'failed' and '1 of 2 ports on 127.0.0.1 did not accept a connection: $FULL (timed out)' in t('a port that does not answer')['message']"
json_check "$R" "closed fails on a listening port, naming it" \
    "t('a listening port is not closed')['status'] == 'failed' and 'port $P1 on 127.0.0.1 accepts connections' in t('a listening port is not closed')['message']"
json_check "$R" "closed on a range names the open ports compactly" \
    "t('open ports in a closed range')['status'] == 'failed' and '3 of 10 ports on 127.0.0.1 accept connections: $P1, $P4-$P5' in t('open ports in a closed range')['message']"
json_check "$R" "owner fails when nobody listens" \
    "t('nobody owns it')['status'] == 'failed' and 'no process listens on port $SHUT' in t('nobody owns it')['message']"
json_check "$R" "owner fails on an unmet expectation with the matcher's path" \
    "t('the owner is not nginx')['status'] == 'failed' and '/command' in t('the owner is not nginx')['message'] and 'nginx' in t('the owner is not nginx')['message'] and t('the owner is not nginx')['outputs']['pid'] == $LISTENER_PID"
json_check "$R" "scan fails on an unmet expectation, outputs still reported" \
    "t('the scan finds more')['status'] == 'failed' and '/open' in t('the scan finds more')['message'] and t('the scan finds more')['outputs']['open'] == [$P1, $P4, $P5]"
json_check "$R" "a backwards range is an error that says so" \
    "t('a backwards range')['status'] == 'error' and 'the range starts at 9, after its end 3' in t('a backwards range')['message']"
json_check "$R" "an unknown host is an error naming it" \
    "t('an unknown host')['status'] == 'error' and 'cannot resolve host \"no-such-host.invalid\"' in t('an unknown host')['message']"

# ---- scenario errors: caught by the params schemas before anything runs ----------------
scenario_error() { # DESCRIPTION PARAMS-JSON CHECK REGEX
    cat >"$T/bad.json" <<JSON
{ "name": "bad", "tests": [ { "name": "t", "plugin": "port", "check": "$3",
  "params": $2 } ] }
JSON
    run_wscheck run "$T/bad.json"
    expect_status 2 "$1 exits 2"
    expect_match "$4" "$err$out" "$1 is named"
}
scenario_error "a port above 65535" '{ "port": 70000 }' listening \
    'params\.port: 70000 is greater than the maximum 65535'
scenario_error "a misspelt param" '{ "prot": 80 }' listening "unknown param 'prot'"
scenario_error "port and ports together" '{ "port": 1, "ports": [2] }' closed \
    "params: 'port' and 'ports' cannot be used together"
scenario_error "neither port nor ports" '{ "host": "::1" }' listening "params: needs 'port' or 'ports'"
scenario_error "a scan without ports" '{ "host": "::1" }' scan "missing required param 'ports'"
scenario_error "owner without a port" '{ "listen_host": "::1" }' owner "missing required param 'port'"
scenario_error "owner filters on listen_host, not host" '{ "port": 80, "host": "::1" }' owner \
    "unknown param 'host'"
scenario_error "a misspelt output in expect" '{ "ports": [80], "expect": { "open_cuont": 1 } }' scan \
    "unknown key 'open_cuont'"
scenario_error "a ports entry of the wrong type" '{ "ports": [true] }' closed \
    'params\.ports\[0\]: expected integer or string, got boolean'
scenario_error "an empty ports list" '{ "ports": [] }' closed 'params\.ports: .*1'
scenario_error "an empty host" '{ "host": "", "port": 80 }' listening 'params\.host'
scenario_error "a bad operator in expect" '{ "port": 80, "expect": { "pid": { "$nope": 1 } } }' \
    owner 'params\.expect: /pid: unknown operator \$nope'

run_wscheck validate "$T/pass.json" "$T/fail.json"
expect_status 0 "wscheck validate accepts the port scenarios"

stop_pid "$LISTENER_PID"
finish
