"""wscheck-mock --profile crackerjack as crackerjack's clients see it: the
HTTP routes on its port, the progress sockets (403s, first frame, echo,
pushes, closes), jobs run by execute_crackerjack through crackerjack's
update sequence and each fault their kwargs ask for, job files written by
the test, and the MCP tools. Clients: Python websockets, http.client, raw
sockets."""
import asyncio
import importlib.util
import json
import os
import time

spec = importlib.util.spec_from_file_location(
    "cjlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "cj-lib.py"))
cjl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cjl)
lib = cjl.lib
websockets = cjl.websockets

TOOLS = ["execute_crackerjack", "get_job_progress", "get_comprehensive_status",
         "get_server_stats", "get_stage_status", "get_next_action", "session_management"]


def test_http(t, cj):
    st, h, r = cj.get_json("/")
    t.eq(st, 200, "GET / answers 200")
    t.eq(h.get("content-type"), "application/json", "GET / is JSON")
    t.eq((r["status"], r["message"], r["active_connections"], r["jobs"]),
         ("running", "Crackerjack WebSocket Server", 0, []),
         "GET / reports a running server without jobs or connections")
    t.eq(r["endpoints"], {"status": "/", "latest_job": "/latest",
                          "job_monitor": "/monitor/{job_id}", "test": "/test",
                          "websocket": "/ws/progress/{job_id}"}, "GET / lists the endpoints")
    t.ok("_security" not in r, "GET / is not sanitised by default")
    st, _, r = cj.get_json("/latest")
    t.eq((st, r), (200, {"status": "no_jobs", "message": "No jobs found", "job_id": None,
                         "progress": None}), "GET /latest without jobs says no_jobs")
    st, h, text = cj.get("/monitor/abc12345")
    t.ok(st == 200 and h.get("content-type") == "text/html; charset=utf-8" and
         "<title>Job Monitor - abc12345</title>" in text and
         "Crackerjack Job Monitor" in text and "/ws/progress/abc12345" in text,
         "GET /monitor/{id} is an HTML page naming the job", text)
    st, _, text = cj.get("/monitor/bad@id")
    t.eq((st, text), (400, "<h1>Error</h1><p>Invalid job ID</p>"),
         "an invalid id on /monitor gets 400 Invalid job ID")
    cases = {"a_update": 200, "a-update": 400, "x--y": 400, "---": 400, "A" * 128: 200,
             "A" * 129: 400, "job-Union": 400, "subprocessing": 400,
             "{12345678-1234-5678-1234-567812345678}": 200, "%7Bdeadbeef%7D": 400}
    got = {k: cj.get("/monitor/" + k)[0] for k in cases}
    t.eq(got, cases, "job ids are checked by the v0.31.12+ rules")
    st, _, text = cj.get("/test")
    t.ok(st == 200 and text.startswith("<!DOCTYPE html>") and
         "WebSocket Test Page" in text and "Check Status" in text and
         "Get Latest Job" in text and "Test WebSocket" in text and
         'id="testJobId" value="test-123"' in text, "GET /test is the test page", text)
    t.eq(cj.get("/nope")[::2], (404, '{"detail":"Not Found"}'),
         "an unknown path gets 404 with FastAPI's detail")
    t.eq(cj.get("/ws/progress/abc12345")[::2], (404, '{"detail":"Not Found"}'),
         "a plain GET of a progress path gets 404")
    st, h, text = cj.get("/test", method="HEAD")
    t.eq((st, text), (405, ""), "HEAD gets 405 without a body, as FastAPI")
    st, h, text = cj.get("/", method="POST", body="x=1",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.eq((st, text), (405, '{"detail":"Method Not Allowed"}'),
         "another method on a route gets 405 with FastAPI's detail")


def test_handshakes(t, cj):
    for path, what in (("/ws/progress/bad@id", "an invalid job id"),
                       ("/ws/progress/a--b", "an id with --"),
                       ("/ws/other", "a path without a WebSocket route"),
                       ("/", "the root")):
        s, status, rest = lib.raw_connect(cj.port, path)
        s.close()
        t.ok(status.startswith("HTTP/1.1 403") and rest == b"",
             "a progress handshake for %s gets 403 with an empty body" % what, status)
    s, status, _ = lib.raw_connect(cj.port, "/ws/progress/abc12345")
    s.close()
    t.ok(status.startswith("HTTP/1.1 101"), "a valid id is accepted (101)", status)
    s, status, _ = lib.raw_connect(cj.port, "/ws/progress/abc12345",
                                   "Sec-WebSocket-Protocol: chat\r\n")
    s.close()
    t.ok(status.startswith("HTTP/1.1 400"), "a subprotocol offered gets 400, not a silent drop",
         status)


async def test_socket(t, cj):
    async with cj.ws("feed0001") as ws:
        first = await lib.recv_json(ws)
        t.eq(first, {"job_id": "feed0001", "status": "waiting",
                     "message": "Waiting for job to start...", "overall_progress": 0,
                     "iteration": 0, "max_iterations": 10, "current_stage": "Initializing"},
             "without a job file the first frame is the waiting object")
        echoes = []
        for text in ("hello", '{"type":"ping"}', "ünï"):
            echoes.append(await lib.request(ws, text))
        t.eq(echoes, [{"type": "echo", "message": "Received: " + m, "job_id": "feed0001",
                       "message_count": i + 1}
                      for i, m in enumerate(("hello", '{"type":"ping"}', "ünï"))],
             "text frames are echoed with a message_count")
        await ws.send(b"\x00\x01")
        try:
            extra = await asyncio.wait_for(ws.recv(), 5)
            t.ok(False, "a binary frame gets no echo", extra)
        except websockets.ConnectionClosed as e:
            t.eq((e.rcvd.code if e.rcvd else None), 1000,
                 "a binary frame ends the socket with close 1000 and no echo")


async def test_message_limit(t, cj):
    async with cj.ws("feed0004") as ws:
        await lib.recv_json(ws)
        for i in range(10000):
            await ws.send("m")
        last = None
        try:
            while True:
                last = json.loads(await asyncio.wait_for(ws.recv(), 10))
        except websockets.ConnectionClosed as e:
            t.ok(last and last["message_count"] == 10000 and e.rcvd and e.rcvd.code == 1000,
                 "after 10000 messages the socket closes with 1000", (last, repr(e)))


async def test_idle(t):
    cj = cjl.Cj("--crackerjack-idle-timeout", "1")
    async with cj.ws("feed0002") as ws:
        await lib.recv_json(ws)
        for i in range(4):  # each frame is life: the socket stays
            await asyncio.sleep(0.4)
            await lib.request(ws, "keep-alive %d" % i)
        t.ok(ws.close_code is None, "a client sending more often than the timeout stays")
        try:
            extra = await asyncio.wait_for(ws.recv(), 10)
            t.ok(False, "a silent client is closed", extra)
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd.code if e.rcvd else None, 1000,
                 "a client silent for --crackerjack-idle-timeout is closed with 1000")
    async with cj.ws("feed0003") as ws:
        await lib.recv_json(ws)
        rc = await asyncio.to_thread(cj.stop)
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd.code if e.rcvd else None, 1001,
                 "SIGTERM closes open progress sockets with 1001")
    t.eq(rc, 0, "the mock exits 0")


EXPECTED = [("started", "initialization", 1, 5, 0, 0, "Crackerjack execution started"),
            ("starting", "initialization", 1, 5, 0, 0, "Initializing crackerjack execution..."),
            ("websocket_ready", "service_check", 1, 5, 0, 0, None),
            ("ready", "initialization", 1, 5, 0, 0, ""),
            ("creating_orchestrator", "setup", 1, 5, 0, 0,
             "Setting up workflow orchestrator..."),
            ("running", "iteration", 1, 3, 0, 0, ""),
            ("retrying", "iteration", 1, 5, 0, 0, "Issues found in iteration 1, retrying..."),
            ("running", "iteration", 2, 3, 0, 0, ""),
            ("cancelled", "keep_alive", 1, 5, 0, 0, ""),
            ("completed", "completed", 1, 5, 100, 100, "Execution completed")]


def row(f):
    return (f["status"], f["current_stage"], f["iteration"], f["max_iterations"],
            f["overall_progress"], f["stage_progress"], f["message"])


def matches(rows, expected):
    return len(rows) == len(expected) and all(
        all(e is None or g == e for g, e in zip(r, x)) for r, x in zip(rows, expected))


async def follow(cj, job_id, seconds=20):
    async with cj.ws(job_id) as ws:
        return await cjl.frames_until(ws, cjl.terminal, seconds)


async def test_job(t, cj):
    started = cj.start_job(mock_stall_after=1)
    job = started["job_id"]
    t.ok(cjl.HEX8.match(job) and started["status"] == "running" and
         started["message"] == "Execution started. Use get_job_progress(job_id) to monitor "
         "progress." and isinstance(started["timestamp"], float),
         "execute_crackerjack answers an 8-hex job id, running", started)
    with open(cj.file(job)) as f:
        text = f.read()
    doc = json.loads(text)
    t.eq(row(doc), EXPECTED[0], "the job file holds update 1 when the tool returns")
    t.eq(text, json.dumps(doc, indent=2), "job files are JSON with indent 2")
    t.eq(list(doc), cjl.MEMBERS, "a job file has crackerjack's nine members in order")
    t.ok(cjl.ISO.match(doc["timestamp"]), "timestamps are local isoformat() without a zone",
         doc["timestamp"])

    r = cj.start_job(max_iterations=3, mock_iterations=2, mock_step_ms=40)
    frames = await follow(cj, r["job_id"])
    rows = [row(f) for f in frames if f["status"] != "heartbeat"]
    k = next((i for i, e in enumerate(EXPECTED) if rows and e[0] == rows[0][0]), None)
    t.ok(k is not None and matches(rows, EXPECTED[k:]),
         "the job's socket sees every update of crackerjack's sequence to completed", rows)
    with open(cj.file(r["job_id"])) as f:
        t.eq(json.load(f), frames[-1], "the last frame is the file on disk")
    t.ok(all(cjl.ISO.match(f["timestamp"]) for f in frames), "every timestamp is isoformat")
    t.eq(cj.mcp.tool("get_job_progress", {"job_id": r["job_id"]}), frames[-1],
         "get_job_progress returns the job file")
    st, _, latest = cj.get_json("/latest")
    t.eq((latest["status"], latest["job_id"], latest["progress"]),
         ("success", r["job_id"], frames[-1]), "GET /latest shows the newest job")

    r = cj.start_job(mock_heartbeat_ms=20, mock_iteration_ms=400, mock_step_ms=20)
    frames = await follow(cj, r["job_id"])
    beats = [f for f in frames if f["status"] == "heartbeat"]
    t.ok(beats and all(row(b) == ("heartbeat", "keep_alive", 1, 5, 0, 0,
                                  "Keep-alive heartbeat to prevent connection timeout")
                       for b in beats),
         "heartbeats come during the iterations (mock_heartbeat_ms)", frames)
    statuses = [f["status"] for f in frames]
    t.ok(beats and statuses.index("heartbeat") > statuses.index("running") and
         max(i for i, s in enumerate(statuses) if s == "heartbeat") <
         statuses.index("cancelled"), "heartbeats only between running and cancelled",
         statuses)


async def test_faults(t, cj):
    r = cj.start_job(mock_iterations=3, mock_fail_at_iteration=2, mock_step_ms=20)
    rows = [row(f) for f in await follow(cj, r["job_id"])]
    t.ok(("failed", "error", 2, 5, 0, 0, "") in rows and
         rows[-2][:2] == ("cancelled", "keep_alive") and
         rows[-1][:6] == ("failed", "failed", 1, 5, 0, 0) and
         rows[-1][6].startswith("Execution failed: "),
         "mock_fail_at_iteration: failed/error, cancelled, then final failed/failed", rows)
    r = cj.start_job(mock_fail=True, mock_step_ms=20)
    rows = [row(f) for f in await follow(cj, r["job_id"])]
    t.eq(rows[-1], ("failed", "completed", 1, 5, 100, 100, "Execution failed"),
         "mock_fail: the final update is failed/completed, Execution failed")
    r = cj.start_job(max_iterations=2, mock_iterations=4, mock_step_ms=20)
    rows = [row(f) for f in await follow(cj, r["job_id"])]
    t.ok([x[2] for x in rows if x[0] == "running"] == [1, 2] and
         rows[-1] == ("failed", "completed", 1, 5, 100, 100, "Execution failed"),
         "more failing iterations than max_iterations: two run, then Execution failed", rows)
    r = cj.start_job(mock_backwards=True, mock_step_ms=20)
    progress = [f["overall_progress"] for f in await follow(cj, r["job_id"])]
    t.ok(60 in progress and progress[progress.index(60) + 1] == 40,
         "mock_backwards: overall_progress goes from 60 to 40", progress)
    r = cj.start_job(mock_backwards="timestamp", mock_step_ms=20)
    stamps = [f["timestamp"] for f in await follow(cj, r["job_id"])]
    t.ok(any(b < a for a, b in zip(stamps, stamps[1:])),
         "mock_backwards \"timestamp\": a timestamp goes back", stamps)
    r = cj.start_job(mock_stall_after=3, mock_step_ms=20)
    async with cj.ws(r["job_id"]) as ws:
        seen = [await lib.recv_json(ws)]
        try:
            while True:
                seen.append(json.loads(await asyncio.wait_for(ws.recv(), 1.5)))
        except asyncio.TimeoutError:
            pass
    t.eq([f["status"] for f in seen][-1], "websocket_ready",
         "mock_stall_after 3: the stream stops after update 3")
    with open(cj.file(r["job_id"])) as f:
        t.eq(json.load(f)["status"], "websocket_ready", "a stalled job's file stays")
    r = cj.start_job(mock_drop_socket=True, mock_step_ms=20)
    async with cj.ws(r["job_id"]) as ws:
        first = await lib.recv_json(ws)
        try:
            await asyncio.wait_for(ws.recv(), 5)
            t.ok(False, "mock_drop_socket drops the socket")
        except websockets.ConnectionClosed as e:
            t.ok(first["job_id"] == r["job_id"] and e.rcvd is None,
                 "mock_drop_socket: cut after the first frame without a close frame",
                 repr(e))


async def test_kwargs_errors(t, cj):
    c = cj.mcp
    t.eq(c.tool("execute_crackerjack", {"args": "", "kwargs": "{"})["error"][:22],
         "Invalid JSON in kwargs", "kwargs that are not JSON get Invalid JSON in kwargs")
    t.ok("mock_step_ms" in c.tool("execute_crackerjack",
                                  {"args": "", "kwargs": '{"mock_step_ms": -1}'})["error"],
         "a bad mock_* member is named in the error")
    r = c.call("execute_crackerjack", {"args": ""})
    t.ok(r["isError"] is True and "kwargs" in r["content"][0]["text"],
         "kwargs is required: isError with the argument named", r)
    r = c.tool("execute_crackerjack", {"args": "", "kwargs": ""})
    t.ok(cjl.HEX8.match(r["job_id"]), "kwargs \"\" means {}", r)


async def test_discovery(t, cj):
    doc = cj.write_job("cafe0001", overall_progress=20, message="written by the test")
    t.ok(cjl.wait_until(lambda: any(j["job_id"] == "cafe0001"
                                    for j in cj.get_json("/")[2]["jobs"])),
         "a job file written by someone else is listed in GET /")
    entry = next(j for j in cj.get_json("/")[2]["jobs"] if j["job_id"] == "cafe0001")
    t.eq(entry, {"job_id": "cafe0001", "status": "running",
                 "message": "written by the test", "progress": 20},
         "a GET / job entry has job_id, status, message and progress")
    t.eq(cj.get_json("/latest")[2]["progress"], doc, "and it is the latest job")
    async with cj.ws("cafe0001") as ws, cj.ws("cafe0001") as ws2, cj.ws("cafe0002") as ws3:
        t.eq(await lib.recv_json(ws), doc, "its progress socket's first frame is the file")
        await lib.recv_json(ws2)
        await lib.recv_json(ws3)
        t.eq(cj.get_json("/")[2]["active_connections"], 2,
             "active_connections counts job ids with a progress socket")
        doc2 = cj.write_job("cafe0001", overall_progress=50, message="later")
        t.eq(await lib.recv_json(ws, 10), doc2, "a change of the file is pushed")
        t.eq(await lib.recv_json(ws2, 10), doc2, "to every socket of the job")
        t.ok(await lib.recv_none(ws3, 0.5), "and not to other jobs' sockets")
    for i in range(12):
        cj.write_job("beef%04d" % i)
    want = sorted(["cafe0001"] + ["beef%04d" % i for i in range(12)], reverse=True)[:10]
    t.ok(cjl.wait_until(lambda: [j["job_id"] for j in cj.get_json("/")[2]["jobs"]] == want),
         "GET / lists at most 10 jobs, by id descending", cj.get_json("/")[2]["jobs"])
    cj.write_job("dead0001", status="running")
    old = time.time() - 31 * 60
    os.utime(cj.file("dead0001"), (old, old))
    t.ok(cjl.wait_until(lambda: json.load(open(cj.file("dead0001")))["status"] == "failed"),
         "a job running without update for 30 minutes is failed")
    t.eq(json.load(open(cj.file("dead0001")))["message"],
         "Job timed out (no updates for 30 minutes)", "with crackerjack's message")


def test_mcp(t, cj):
    c = cj.mcp
    st, r = c.initialize()
    t.eq(r["result"]["serverInfo"]["name"], "crackerjack-mcp-server",
         "the crackerjack profile alone is crackerjack-mcp-server")
    st, r = c.rpc("tools/list")
    tools = {x["name"]: x for x in r["result"]["tools"]}
    t.ok(all(n in tools for n in TOOLS), "tools/list has crackerjack's stable tools",
         list(tools))
    t.ok(all(tools[n]["outputSchema"] == {"type": "object",
                                          "properties": {"result": {"type": "string"}},
                                          "required": ["result"],
                                          "x-fastmcp-wrap-result": True} for n in TOOLS),
         "each has FastMCP's wrapped-result outputSchema")
    t.eq(tools["execute_crackerjack"]["inputSchema"]["required"], ["args", "kwargs"],
         "execute_crackerjack requires args and kwargs")
    res = c.call("get_job_progress", {"job_id": "deadbeef"})
    text = res["content"][0]["text"]
    t.eq(json.loads(text), {"error": "Job deadbeef not found", "job_id": "deadbeef"},
         "get_job_progress of an unknown id returns its error shape")
    t.ok(res["isError"] is False and res["structuredContent"] == {"result": text} and
         text == json.dumps(json.loads(text), indent=2),
         "results are text JSON (indent 2), structuredContent {result}, isError false", res)
    t.eq(c.tool("get_job_progress", {"job_id": "bad@id"}), {"error": "Invalid job_id: bad@id"},
         "an invalid id gets Invalid job_id")
    t.eq(c.tool("session_management", {"action": "start"}),
         {"status": "session_started", "action": "start"}, "session_management start")
    t.eq(c.tool("session_management", {"action": "checkpoint", "checkpoint_name": "c1"}),
         {"status": "checkpoint_created", "action": "checkpoint", "name": "c1"},
         "session_management checkpoint")
    t.eq(c.tool("session_management", {"action": "fly"}),
         {"error": "Invalid action: fly. Valid actions: start, checkpoint, complete, reset"},
         "session_management with an unknown action")
    s = c.tool("get_stage_status")
    t.ok(set(s["stages"]) == {"fast", "comprehensive", "tests", "cleaning"} and
         set(s["session"]) == {"total_iterations", "current_iteration", "session_active"},
         "get_stage_status has stages and session", s)
    n = c.tool("get_next_action")
    t.ok(n.get("recommended_action") in ("run_stage", "complete", "initialize"),
         "get_next_action recommends an action", n)
    s = c.tool("get_comprehensive_status")
    t.ok({"services", "jobs", "server_stats", "collection_info"} <= set(s) and
         {"active_count", "completed_count", "failed_count", "details"} <= set(s["jobs"]),
         "get_comprehensive_status has services, jobs, server_stats", s)
    s = c.tool("get_server_stats")
    t.ok(s["server_info"]["websocket_port"] == cj.port and "rate_limiting" in s,
         "get_server_stats names the progress server's port", s)


def test_cli(t):
    import subprocess
    mock = os.environ["WSCHECK_MOCK"]
    r = subprocess.run([mock, "--crackerjack-bug", "nope"], capture_output=True, text=True)
    t.ok(r.returncode == 2 and "crackerjack-bug" in r.stderr,
         "an unknown --crackerjack-bug exits 2", r.stderr)
    r = subprocess.run([mock, "--help"], capture_output=True, text=True)
    t.ok(all(o in r.stdout for o in ("--crackerjack-port", "--progress-dir",
                                     "--crackerjack-idle-timeout", "--crackerjack-bug",
                                     "route-spaces")), "--help describes the profile")


async def main(t):
    test_cli(t)
    cj = cjl.Cj()
    t.ok(cj.port and cj.port > 0, "the ready file names the crackerjack port")
    t.ok(("http://127.0.0.1:%d/" % cj.port) in cj.mock.log(),
         "the mock prints the crackerjack server's URL")
    test_http(t, cj)
    test_handshakes(t, cj)
    await test_socket(t, cj)
    await test_message_limit(t, cj)
    test_mcp(t, cj)
    await test_job(t, cj)
    await test_faults(t, cj)
    await test_kwargs_errors(t, cj)
    t.eq(cj.stop(), 0, "the mock exits 0 after SIGTERM")
    t.ok(cj.mock.sanitizer_clean(), "no sanitizer reports", cj.mock.log()[-2000:])
    cj = cjl.Cj()  # no simulated job that could be newer than the test's files
    await test_discovery(t, cj)
    t.eq(cj.stop(), 0, "the mock exits 0")
    await test_idle(t)


lib.run(main)
