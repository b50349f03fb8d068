"""Helpers for the tests of wscheck-mock's crackerjack profile (loaded with
importlib): the mock started with the profile on free ports, its progress
directory in a temporary directory, an MCP client over Streamable HTTP, and
a progress-socket reader. Clients are independent of the mock: Python
websockets, http.client and raw sockets."""
import asyncio
import importlib.util
import json
import os
import re
import shutil
import tempfile
import time

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)
import websockets  # noqa: E402 (mock-lib skips the script without it)

HEX8 = re.compile(r"^[0-9a-f]{8}$")
# Python's datetime.isoformat(): no zone, the fraction only when not zero
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")
JSON_HEADERS = {"Content-Type": "application/json",
                "Accept": "application/json, text/event-stream"}
MEMBERS = ["job_id", "status", "iteration", "max_iterations", "overall_progress",
           "current_stage", "stage_progress", "message", "timestamp"]


class Cj:
    """wscheck-mock --profile crackerjack (plus extra arguments)."""

    def __init__(self, *args, profile="crackerjack"):
        self.tmp = tempfile.mkdtemp(prefix="wscheck-cj-test.")
        self.dir = os.path.join(self.tmp, "progress")
        self.mock = lib.Mock("--profile", profile, "--crackerjack-port", "0",
                             "--progress-dir", self.dir, "--crackerjack-poll-interval",
                             "0.1", *args)
        with open(self.mock.ready) as f:
            ready = json.load(f)
        self.port = ready.get("crackerjack_port")
        self.mcp = Mcp(self.mock)

    def stop(self):
        rc = self.mock.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return rc

    def get(self, path, method="GET", body=None, headers=None):
        """(status, headers, body text)"""
        st, h, raw = self.mock.http(method, path, body=body, headers=headers, port=self.port)
        return st, h, raw.decode("utf-8", "replace")

    def get_json(self, path):
        st, h, text = self.get(path)
        return st, h, json.loads(text)

    def ws(self, job_id, **kw):
        kw.setdefault("ping_interval", None)
        kw.setdefault("open_timeout", 10)
        return websockets.connect("ws://127.0.0.1:%d/ws/progress/%s" % (self.port, job_id),
                                  **kw)

    def file(self, job_id):
        return os.path.join(self.dir, "job-%s.json" % job_id)

    def write_job(self, job_id, **fields):
        doc = {"job_id": job_id, "status": "running", "iteration": 1, "max_iterations": 5,
               "overall_progress": 0, "current_stage": "iteration", "stage_progress": 0,
               "message": "", "timestamp": "2026-01-01T10:00:00.500000"}
        doc.update(fields)
        with open(self.file(job_id) + ".part", "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(self.file(job_id) + ".part", self.file(job_id))
        return doc

    def start_job(self, **kwargs):
        """execute_crackerjack with these kwargs; returns its parsed answer."""
        return self.mcp.tool("execute_crackerjack", {"args": "", "kwargs": json.dumps(kwargs)})


class Mcp:
    """An MCP session over Streamable HTTP on the mock's MCP port."""

    def __init__(self, mock):
        self.mock = mock
        self.session = None
        self.next_id = 1

    def rpc(self, method, params=None):
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        self.next_id += 1
        if params is not None:
            msg["params"] = params
        h = dict(JSON_HEADERS)
        if self.session:
            h["Mcp-Session-Id"] = self.session
        st, rh, raw = self.mock.http("POST", "/mcp", body=json.dumps(msg), headers=h,
                                     port=self.mock.mcp_port)
        if method == "initialize":
            self.session = rh.get("mcp-session-id")
        return st, json.loads(raw) if raw else None

    def initialize(self):
        return self.rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                       "clientInfo": {"name": "cj test", "version": "1"}})

    def call(self, name, args=None):
        """The JSON-RPC result of tools/call."""
        if not self.session:
            self.initialize()
        st, r = self.rpc("tools/call", {"name": name, "arguments": args or {}})
        if st != 200 or "result" not in r:
            raise AssertionError("tools/call %s: %s %r" % (name, st, r))
        return r["result"]

    def tool(self, name, args=None):
        """The tool's answer: its text parsed as JSON."""
        return json.loads(self.call(name, args)["content"][0]["text"])


async def frames_until(ws, done, seconds=20):
    """Frames (parsed) until done(frame) holds or the socket closes;
    raises on the deadline."""
    out = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no terminal frame within %g s: %r" % (seconds, out))
        try:
            msg = json.loads(await asyncio.wait_for(ws.recv(), left))
        except websockets.ConnectionClosed:
            return out
        out.append(msg)
        if done(msg):
            return out


def terminal(frame):
    return frame.get("current_stage") in ("completed", "failed")


def wait_until(pred, seconds=10):
    """Polls pred() until it is true (returns True) or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return bool(pred())
