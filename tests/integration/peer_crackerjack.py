"""An independent implementation of crackerjack's endpoints, written from
the protocol notes (shared/protocols/crackerjack.md), to test the
crackerjack plugin against. Python `websockets` (10.4) answers plain HTTP
on the WebSocket port through process_request. Run it with $PYTHON_WS.

  peer_crackerjack.py serve --dir DIR [--port N] [--bug NAME]...
      The progress server: GET /, /latest, /monitor/{id}, /test, the
      WebSocket /ws/progress/{job_id}; job files are read from DIR
      (job-<id>.json), which a test or the `mcp` mode writes. Prints
      "http://127.0.0.1:PORT" once listening. Intended behaviour (jobs
      listed, the file pushed again on every change) unless --bug:
        route-403         every progress handshake 403 (v0.31.0-.10)
        prefix            / lists no job, /latest says no_jobs (v0.31.12+)
        sanitize          / and /latest sanitised, with _security
        no-message-count  the echo lacks message_count (v0.31)
        no-push           the job file is never pushed, only sent first
        drop              a progress socket is dropped (no close frame)
                          right after its first frame
        accept-invalid    invalid job ids are accepted
      --idle S: close 1000 after S s without a client frame (default 25).

  peer_crackerjack.py mcp --dir DIR [--step-ms N]
      crackerjack's MCP server on stdio (one JSON-RPC message a line): the
      seven stable tools of §10; execute_crackerjack writes job-<id>.json
      into DIR (step 1 before it answers) and advances it through the §4
      sequence, one step every N ms (default 100). Its kwargs: max_iterations
      (default 5), peer_iterations (iterations run, default 2: the ones
      before the last retry), peer_script: backwards (overall_progress
      100 then 40), stall (stops after creating_orchestrator), range
      (stage_progress 150), unknown_status (a status "bogus"), raise (an
      exception in iteration 1: failed/error, then failed/failed), fail
      (an unsuccessful result: failed/completed).
"""
import argparse
import asyncio
import datetime
import http
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid

# ---- job files -------------------------------------------------------------


def job_path(directory, job_id):
    return os.path.join(directory, f"job-{job_id}.json")


def read_job(directory, job_id):
    """The job file, or None when absent. Writes are not atomic: a file
    caught mid-write is read again."""
    for _ in range(50):
        try:
            with open(job_path(directory, job_id), encoding="utf-8") as f:
                return json.load(f)
        except OSError:
            return None
        except ValueError:
            time.sleep(0.002)
    return None


def list_jobs(directory):
    """(job_id, mtime, job) of every readable job file."""
    out = []
    try:
        names = os.listdir(directory)
    except OSError:
        return out
    for name in names:
        m = re.fullmatch(r"job-(.+)\.json", name)
        if not m:
            continue
        job = read_job(directory, m.group(1))
        if job is not None:
            mtime = os.path.getmtime(job_path(directory, m.group(1)))
            out.append((m.group(1), mtime, job))
    return out


# ---- job ids (§3) ----------------------------------------------------------

FORBIDDEN = {"union", "select", "insert", "update", "delete", "drop", "create",
             "alter", "exec", "execute", "xp_cmdshell", "sp_executesql",
             "getattr", "setattr", "delattr", "__import__"}


def valid_id(job_id):
    try:
        uuid.UUID(job_id)
        return True
    except ValueError:
        pass
    if not re.fullmatch(r"[A-Za-z0-9_-]+", job_id) or len(job_id) > 128:
        return False
    if set(job_id) <= {"-", "_"} or "--" in job_id:
        return False
    for word in job_id.split("-"):
        if word.lower() in FORBIDDEN or word.lower().startswith("subprocess"):
            return False
    return True


# ---- HTTP ------------------------------------------------------------------


def json_response(status, obj):
    body = json.dumps(obj, separators=(",", ":")).encode()
    return http.HTTPStatus(status), [("Content-Type", "application/json")], body


def html_response(status, text):
    return (http.HTTPStatus(status), [("Content-Type", "text/html; charset=utf-8")],
            text.encode())


def sanitised(obj):
    out = dict(obj)
    for key in ("websocket_url", "monitor_url"):
        if isinstance(out.get(key), str) and len(out[key]) > 4:
            out[key] = out[key][:2] + "*" * (len(out[key]) - 4) + out[key][-2:]
    if "endpoints" in out:
        out["endpoints"] = {k: re.sub(r"/[A-Za-z0-9_./-]{3,}", "[REDACTED_PATH]", v)
                            for k, v in out["endpoints"].items()}
    out["_security"] = {"sanitized": True, "verbosity": "standard",
                        "timestamp": time.time()}
    return out


class Server:
    def __init__(self, opts):
        self.dir = opts.dir
        self.bugs = set(opts.bug)
        self.idle = opts.idle
        self.sockets = {}  # job id -> open progress sockets

    def status(self):
        jobs = [] if "prefix" in self.bugs else list_jobs(self.dir)
        jobs.sort(key=lambda j: j[0], reverse=True)
        obj = {"status": "running", "message": "Crackerjack WebSocket Server",
               "active_connections": sum(1 for n in self.sockets.values() if n),
               "jobs": [{"job_id": i, "status": j.get("status"),
                         "message": j.get("message"),
                         "progress": j.get("overall_progress")}
                        for i, _, j in jobs[:10]],
               "websocket_url": "ws://localhost:8675/ws/progress/{job_id}",
               "endpoints": {"status": "/", "latest_job": "/latest",
                             "job_monitor": "/monitor/{job_id}", "test": "/test",
                             "websocket": "/ws/progress/{job_id}"}}
        return sanitised(obj) if "sanitize" in self.bugs else obj

    def latest(self):
        jobs = [] if "prefix" in self.bugs else list_jobs(self.dir)
        if not jobs:
            return {"status": "no_jobs", "message": "No jobs found", "job_id": None,
                    "progress": None}
        job_id, _, job = max(jobs, key=lambda j: j[1])
        obj = {"status": "success", "message": f"Latest job: {job_id}",
               "job_id": job_id, "progress": job,
               "websocket_url": f"ws://localhost:8675/ws/progress/{job_id}",
               "monitor_url": f"http://localhost:8675/monitor/{job_id}"}
        return sanitised(obj) if "sanitize" in self.bugs else obj

    def get(self, path):
        if path == "/":
            return json_response(200, self.status())
        if path == "/latest":
            return json_response(200, self.latest())
        if path == "/test":
            return html_response(200, "<!DOCTYPE html><html><head><title>WebSocket Test "
                                      "Page</title></head><body><button>Check Status"
                                      "</button><input id=\"testJobId\" value=\"test-123\">"
                                      "</body></html>")
        if path.startswith("/monitor/"):
            job_id = urllib.parse.unquote(path[len("/monitor/"):])
            if not valid_id(job_id):
                return html_response(400, "<h1>Error</h1><p>Invalid job ID</p>")
            return html_response(200, f"<!DOCTYPE html><html><head><title>Job Monitor - "
                                      f"{job_id}</title></head><body><h1>Crackerjack Job "
                                      f"Monitor</h1><p>{job_id}</p></body></html>")
        return json_response(404, {"detail": "Not Found"})

    async def process_request(self, path, headers):
        path = path.split("?", 1)[0]
        upgrade = "websocket" in headers.get("Upgrade", "").lower()
        if not upgrade:
            return self.get(path)
        if not path.startswith("/ws/progress/") or "route-403" in self.bugs:
            return http.HTTPStatus.FORBIDDEN, [], b""
        job_id = urllib.parse.unquote(path[len("/ws/progress/"):])
        if not valid_id(job_id) and "accept-invalid" not in self.bugs:
            return http.HTTPStatus.FORBIDDEN, [], b""
        return None

    # ---- the progress socket ----

    def first_frame(self, job_id):
        return read_job(self.dir, job_id) or {
            "job_id": job_id, "status": "waiting",
            "message": "Waiting for job to start...", "overall_progress": 0,
            "iteration": 0, "max_iterations": 10, "current_stage": "Initializing"}

    async def pusher(self, ws, job_id, sent):
        while True:
            await asyncio.sleep(0.01)
            job = read_job(self.dir, job_id)
            if job is not None and job != sent[0]:
                sent[0] = job
                await ws.send(json.dumps(job, separators=(",", ":")))

    async def reader(self, ws, job_id):
        count = 0
        while True:
            try:
                msg = await asyncio.wait_for(ws.recv(), self.idle)
            except asyncio.TimeoutError:
                await ws.close(1000)
                return
            if isinstance(msg, bytes):
                await ws.close(1000)
                return
            count += 1
            echo = {"type": "echo", "message": f"Received: {msg}", "job_id": job_id}
            if "no-message-count" not in self.bugs:
                echo["message_count"] = count
            await ws.send(json.dumps(echo, separators=(",", ":")))

    async def handler(self, ws, path):
        job_id = urllib.parse.unquote(path.split("?", 1)[0][len("/ws/progress/"):])
        self.sockets[job_id] = self.sockets.get(job_id, 0) + 1
        try:
            first = self.first_frame(job_id)
            await ws.send(json.dumps(first, separators=(",", ":")))
            if "drop" in self.bugs:
                ws.transport.abort()
                return
            tasks = [asyncio.ensure_future(self.reader(ws, job_id))]
            if "no-push" not in self.bugs:
                tasks.append(asyncio.ensure_future(self.pusher(ws, job_id, [first])))
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for t in tasks:
                t.cancel()
        except Exception:  # a closed connection ends the handler
            pass
        finally:
            self.sockets[job_id] -= 1


async def serve(opts):
    import websockets
    srv = Server(opts)
    server = await websockets.serve(srv.handler, "127.0.0.1", opts.port,
                                    process_request=srv.process_request,
                                    ping_interval=None, compression=None)
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    await stop
    server.close()
    await server.wait_closed()


# ---- MCP on stdio ----------------------------------------------------------

STRING_RESULT = {"type": "object", "properties": {"result": {"type": "string"}},
                 "required": ["result"], "x-fastmcp-wrap-result": True}


def tool(name, props, required):
    return {"name": name, "description": f"crackerjack {name}",
            "inputSchema": {"type": "object", "properties": props,
                            "required": required},
            "outputSchema": STRING_RESULT}


TOOLS = [
    tool("execute_crackerjack", {"args": {"type": "string"}, "kwargs": {"type": "string"}},
         ["args", "kwargs"]),
    tool("get_job_progress", {"job_id": {"type": "string"}}, ["job_id"]),
    tool("get_comprehensive_status", {}, []),
    tool("get_server_stats", {}, []),
    tool("get_stage_status", {}, []),
    tool("get_next_action", {}, []),
    tool("session_management", {"action": {"type": "string"},
                                "checkpoint_name": {"type": ["string", "null"]}},
         ["action"]),
]


def now_iso():
    return datetime.datetime.now().isoformat()


class Job(threading.Thread):
    def __init__(self, directory, job_id, kwargs, step):
        super().__init__(daemon=True)
        self.dir, self.job_id, self.kwargs, self.step = directory, job_id, kwargs, step
        self.max = int(kwargs.get("max_iterations", 5))
        self.last_ts = ""

    def write(self, status, stage, iteration=1, max_iterations=5, overall=0,
              stage_progress=0, message=""):
        ts = now_iso()
        if self.kwargs.get("peer_script") == "backwards" and status == "cancelled":
            overall = 100
        job = {"job_id": self.job_id, "status": status, "iteration": iteration,
               "max_iterations": max_iterations, "overall_progress": overall,
               "current_stage": stage, "stage_progress": stage_progress,
               "message": message, "timestamp": ts}
        with open(job_path(self.dir, self.job_id), "w", encoding="utf-8") as f:
            json.dump(job, f, indent=2)

    def run(self):
        script = self.kwargs.get("peer_script", "")
        steps = [("starting", "initialization", "Initializing crackerjack execution..."),
                 ("websocket_ready", "service_check", "WebSocket server ready"),
                 ("ready", "initialization", ""),
                 ("creating_orchestrator", "setup", "Setting up workflow orchestrator...")]
        for status, stage, message in steps:
            time.sleep(self.step)
            self.write(status, stage, message=message)
        if script == "stall":
            return
        runs = int(self.kwargs.get("peer_iterations", 2))
        for i in range(1, runs + 1):
            time.sleep(self.step)
            self.write("running", "iteration", i, self.max)
            if script == "raise":
                time.sleep(self.step)
                self.write("failed", "error", i)
                time.sleep(self.step)
                self.write("failed", "failed", message="Execution failed: peer exception")
                return
            if script == "range":
                time.sleep(self.step)
                self.write("running", "iteration", i, self.max, stage_progress=150)
            if script == "unknown_status":
                time.sleep(self.step)
                self.write("bogus", "iteration", i, self.max)
            if i < runs:
                time.sleep(self.step)
                self.write("retrying", "iteration", i, 5,
                           message=f"Issues found in iteration {i}, retrying...")
        time.sleep(self.step)
        self.write("heartbeat", "keep_alive",
                   message="Keep-alive heartbeat to prevent connection timeout")
        time.sleep(self.step)
        self.write("cancelled", "keep_alive")
        time.sleep(self.step)
        if script == "backwards":
            self.write("completed", "completed", overall=40, stage_progress=100,
                       message="Execution completed")
        elif script == "fail":
            self.write("failed", "completed", overall=100, stage_progress=100,
                       message="Execution failed")
        else:
            self.write("completed", "completed", overall=100, stage_progress=100,
                       message="Execution completed")


class Mcp:
    def __init__(self, opts):
        self.dir = opts.dir
        self.step = opts.step_ms / 1000.0

    def call(self, name, args):
        if name == "execute_crackerjack":
            if "args" not in args or "kwargs" not in args:
                return None
            try:
                kwargs = json.loads(args["kwargs"]) if args["kwargs"] else {}
            except ValueError as e:
                return {"error": f"Invalid JSON in kwargs: {e}"}
            job_id = uuid.uuid4().hex[:8]
            job = Job(self.dir, job_id, kwargs, self.step)
            job.write("started", "initialization", message="Crackerjack execution started")
            job.start()
            return {"job_id": job_id, "status": "running",
                    "message": "Execution started. Use get_job_progress(job_id) to "
                               "monitor progress.", "timestamp": time.time()}
        if name == "get_job_progress":
            job_id = args.get("job_id", "")
            if not valid_id(job_id):
                return {"error": f"Invalid job_id: {job_id}"}
            return read_job(self.dir, job_id) or {"error": f"Job {job_id} not found",
                                                  "job_id": job_id}
        if name == "get_stage_status":
            return {"error": "Failed to get stage status: 'StateManager' object has no "
                             "attribute 'get_stage_status'"}
        if name == "get_next_action":
            return {"error": "Failed to determine next action: no state"}
        if name == "session_management":
            action = args.get("action")
            done = {"start": "session_started", "checkpoint": "checkpoint_created",
                    "complete": "session_completed", "reset": "session_reset"}
            if action not in done:
                return {"error": f"Invalid action: {action}. Valid actions: start, "
                                 "checkpoint, complete, reset"}
            return {"status": done[action], "action": action}
        if name in ("get_comprehensive_status", "get_server_stats"):
            return {"timestamp": time.time(), "jobs": {"active_count": 0}}
        return None

    def answer(self, msg):
        method, params = msg.get("method"), msg.get("params") or {}
        if method == "initialize":
            version = params.get("protocolVersion")
            if version not in ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"):
                version = "2025-06-18"
            return {"protocolVersion": version, "capabilities": {"tools": {}},
                    "serverInfo": {"name": "crackerjack-mcp-server", "version": "2.14.1"}}
        if method == "tools/list":
            return {"tools": TOOLS}
        if method == "ping":
            return {}
        if method == "tools/call":
            result = self.call(params.get("name"), params.get("arguments") or {})
            if result is None:
                return {"content": [{"type": "text", "text": "Unknown tool or bad "
                                     "arguments"}], "isError": True}
            text = json.dumps(result, indent=2)
            return {"content": [{"type": "text", "text": text}],
                    "structuredContent": {"result": text}, "isError": False}
        raise KeyError(method)

    def run(self):
        for line in sys.stdin:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "id" not in msg or "method" not in msg:
                continue
            try:
                out = {"jsonrpc": "2.0", "id": msg["id"], "result": self.answer(msg)}
            except KeyError:
                out = {"jsonrpc": "2.0", "id": msg["id"],
                       "error": {"code": -32601, "message": "Method not found"}}
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["serve", "mcp"])
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--bug", action="append", default=[])
    p.add_argument("--idle", type=float, default=25)
    p.add_argument("--step-ms", type=float, default=100)
    opts = p.parse_args()
    if opts.mode == "serve":
        asyncio.run(serve(opts))
    else:
        Mcp(opts).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
