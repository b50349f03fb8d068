"""Shared helpers for the wscheck-mock integration tests (loaded with
importlib by the mock-*.py scripts): TAP output, a mock server started on
free ports and stopped by pid, raw WebSocket frames, and HTTP requests.

Every wait is bounded; a failure prints the mock's log as TAP diagnostics.
"""
import asyncio
import base64
import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time


def skip_all(reason):
    """Skips the whole script: the TAP plan "1..0 # SKIP reason"."""
    print("1..0 # SKIP " + reason, flush=True)
    sys.exit(0)


if not os.environ.get("WSCHECK_MOCK"):
    skip_all("wscheck-mock is not built (configure found no libwebsockets, or --disable-mock)")
try:
    import websockets
except ImportError:
    # scripts/test fails a run with a "missing peer" skip
    skip_all("missing peer: python3 websockets (scripts/install-deps installs the test peers)")

ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")
ID_RE = re.compile(r"^[0-9a-f]{8}$")
CAPABILITIES = ["ping", "echo", "broadcast", "get_clients", "get_stats",
                "simulate_delay", "error_test"]
SANITIZER_RE = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer")


class Tap:
    """TAP producer: one line per case, the plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, desc), flush=True)
        if not cond:
            self.failed += 1
            if diag is not None:
                self.diag(diag)
        return bool(cond)

    def eq(self, got, expected, desc):
        return self.ok(got == expected, desc,
                       "expected: %r\n     got: %r" % (expected, got))

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def finish(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0


class Mock:
    """wscheck-mock on 127.0.0.1, free ports, output in a log file."""

    started = []    # stopped by run() whatever happens

    def __init__(self, *args, mcp=True, env=None, wait=True):
        self.tmp = tempfile.mkdtemp(prefix="wscheck-mock-test.")
        self.ready = os.path.join(self.tmp, "ready.json")
        self.log_path = os.path.join(self.tmp, "mock.log")
        cmd = [os.environ["WSCHECK_MOCK"], "--host", "127.0.0.1", "--port", "0",
               "--ready-file", self.ready]
        cmd += ["--mcp-host", "127.0.0.1", "--mcp-port", "0"] if mcp else ["--no-mcp"]
        cmd += list(args)
        self.logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.logf, stderr=subprocess.STDOUT,
                                     env=env)
        Mock.started.append(self)
        self.port = self.mcp_port = None
        self.url = self.mcp_url = None
        if wait:
            self.wait_ready()

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_ready(self, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.log()
            m = re.search(r"^wss?://[^ \n]+:(\d+)$", text, re.M)
            if m and (self.proc.poll() is not None or os.path.exists(self.ready)):
                self.url = m.group(0)
                self.port = int(m.group(1))
                h = re.search(r"^(http://[^ \n]+:(\d+)/mcp)$", text, re.M)
                if h:
                    self.mcp_url, self.mcp_port = h.group(1), int(h.group(2))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("wscheck-mock did not start:\n" + self.log())

    def stop(self, sig=signal.SIGTERM, seconds=15):
        """Signals the mock (by pid) and returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.logf.close()
        return rc

    def sanitizer_clean(self):
        return not SANITIZER_RE.search(self.log())

    def ws(self, path="/", **kw):
        kw.setdefault("ping_interval", None)
        kw.setdefault("max_size", None)
        kw.setdefault("open_timeout", 10)
        return websockets.connect("ws://127.0.0.1:%d%s" % (self.port, path), **kw)

    def http(self, method, path, body=None, headers=None, port=None, source=None):
        """One HTTP request (from the address source, e.g. 127.0.0.2);
        returns (status, headers dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=10,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()


async def recv_json(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_none(ws, seconds):
    """True if nothing arrives within seconds."""
    try:
        msg = await asyncio.wait_for(ws.recv(), seconds)
    except asyncio.TimeoutError:
        return True
    raise AssertionError("unexpected message: %s" % msg)


async def connect_client(mock, **kw):
    """A connected client and its welcome message."""
    ws = await mock.ws(**kw)
    return ws, await recv_json(ws)


async def request(ws, msg, timeout=5):
    await ws.send(msg if isinstance(msg, (str, bytes)) else json.dumps(msg))
    return await recv_json(ws, timeout)


async def stats(ws):
    return (await request(ws, {"type": "get_stats"}))["stats"]


# ---- raw WebSocket ----

def raw_connect(port, path="/", extra_headers="", timeout=5):
    """A socket after a WebSocket handshake; returns (socket, status line, rest)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n%s\r\n" % (path, port, key, extra_headers)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    return s, head.split(b"\r\n")[0].decode(), rest


def raw_http(port, data, seconds=5, source=None):
    """Sends raw request bytes and reads one response; returns (status code
    or None, headers dict with lower-case names, body). None: the server
    closed or reset the connection without answering (or took longer than
    seconds)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=seconds,
                                 source_address=(source, 0) if source else None)
    buf = b""
    try:
        s.sendall(data)
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ", lines[0] + " ")
        if not m:
            return None, {}, buf
        headers = {}
        for k, _, v in (line.partition(":") for line in lines[1:]):
            k = k.strip().lower()   # a repeated header: values joined, as HTTP allows
            headers[k] = headers[k] + ", " + v.strip() if k in headers else v.strip()
        want = int(headers.get("content-length", "0"))
        while len(body) < want:
            d = s.recv(65536)
            if not d:
                break
            body += d
        return int(m.group(1)), headers, body
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return None, {}, buf
    finally:
        s.close()


def upgrade_request(port, method="GET", version="13", key="auto", http="HTTP/1.1",
                    connection="Upgrade", host=True):
    """A WebSocket opening handshake, with any part changed or left out (None)."""
    lines = ["%s / %s" % (method, http)]
    if host:
        lines.append("Host: 127.0.0.1:%d" % port)
    lines.append("Upgrade: websocket")
    if connection is not None:
        lines.append("Connection: " + connection)
    if key == "auto":
        key = base64.b64encode(os.urandom(16)).decode()
    if key is not None:
        lines.append("Sec-WebSocket-Key: " + key)
    if version is not None:
        lines.append("Sec-WebSocket-Version: " + version)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def frame(opcode, payload=b"", fin=True, rsv=0, masked=True):
    """One client frame."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, (0x80 if masked else 0) | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, (0x80 if masked else 0) | 126, n)
    else:
        head = struct.pack("!BBQ", b0, (0x80 if masked else 0) | 127, n)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def read_frames(s, buf=b"", seconds=5, until_close=True, count=None):
    """Server frames as (opcode, payload) until a close frame (or count
    frames), EOF or the time limit."""
    frames = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (count is None or len(frames) < count):
        while len(buf) >= 2:
            op, n, hl = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, hl = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, hl = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < hl + n:
                break
            frames.append((op, buf[hl:hl + n]))
            buf = buf[hl + n:]
            if (op == 8 and until_close) or (count is not None and len(frames) >= count):
                return frames
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            d = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not d:
            break
        buf += d
    return frames


def close_code(frames):
    """The status code of the close frame among frames, or None."""
    for op, payload in frames:
        if op == 8:
            return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
    return None


def run(main):
    """Runs an async test main(tap) and exits with the TAP result."""
    tap = Tap()
    try:
        asyncio.run(main(tap))
    except Exception:  # a crash is a failed case, not a silent exit
        import traceback
        tap.ok(False, "test script ran to the end", traceback.format_exc())
    finally:
        for m in Mock.started:
            if m.proc.poll() is None:
                m.proc.kill()
                m.proc.wait()
    sys.exit(tap.finish())
