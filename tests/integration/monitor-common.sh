# Shared by the monitor-*.sh tests (sourced after lib.sh): loopback
# listeners and receivers started on free ports, and waits on the results
# log, which grows one line per test per round.

# start_listener [PORT]: a TCP listener on 127.0.0.1 (on a free port unless
# PORT is given) that accepts and closes every connection; sets LISTEN_PORT
# and LISTEN_PID.
start_listener() {
    cat >"$WSC_TMP/listener.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    c.close()
PY
    start_bg "$WSC_TMP/listener.out" "$PYTHON_WS" "$WSC_TMP/listener.py" "${1:-0}"
    LISTEN_PID=$last_pid
    LISTEN_PORT=$(wait_for_line "$WSC_TMP/listener.out" '^[0-9]+$') || return 1
}

# start_webhook FILE [dead|flaky]: an HTTP receiver on 127.0.0.1 appending
# each POST body as a line to FILE and answering 204; with "flaky" the
# first POST gets a 503 instead (and is not recorded); with "dead", a
# listener that accepts connections and never answers. Sets HOOK_URL.
start_webhook() {
    cat >"$WSC_TMP/webhook.py" <<'PY'
import http.server, socket, sys, time
out, mode = sys.argv[1], sys.argv[2]
if mode == "dead":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print("http://127.0.0.1:%d/hook" % s.getsockname()[1], flush=True)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)
refused = []
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if mode == "flaky" and not refused:
            refused.append(body)
            self.send_response(503)
            self.end_headers()
            return
        with open(out, "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print("http://127.0.0.1:%d/hook" % srv.server_address[1], flush=True)
srv.serve_forever()
PY
    : >"$1"
    start_bg "$WSC_TMP/webhook.$TAP_N.out" "$PYTHON_WS" "$WSC_TMP/webhook.py" "$1" "${2:-live}"
    HOOK_URL=$(wait_for_line "$WSC_TMP/webhook.$TAP_N.out" '^http://[^ ]+') || return 1
}

# log_lines FILE: the number of lines of FILE (0 when missing).
log_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# wait_log FILE PYEXPR [SECONDS]: waits (default 60 s) until PYEXPR holds
# over the results log FILE: `lines` is its list of parsed JSON lines.
wait_log() {
    "$PYTHON_WS" - "$1" "$2" "${3:-60}" <<'PY'
import json, sys, time
path, expr, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + limit
while True:
    try:
        with open(path) as f:
            lines = [json.loads(l) for l in f if l.endswith("\n")]
        if eval(expr):
            sys.exit(0)
    except (OSError, ValueError):
        pass
    if time.monotonic() > end:
        sys.exit("timed out waiting for: %s" % expr)
    time.sleep(0.05)
PY
}
