"""wscheck-mock --profile crackerjack with the known upstream bugs switched
on (--crackerjack-bug), each as crackerjack's clients see it, and the
profile beside dev-toolkit on one MCP port (Streamable HTTP and
WebSocket). Clients: Python websockets, http.client, raw sockets."""
import asyncio
import importlib.util
import json
import os

spec = importlib.util.spec_from_file_location(
    "cjlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "cj-lib.py"))
cjl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cjl)
lib = cjl.lib
websockets = cjl.websockets


def test_route_spaces(t):
    cj = cjl.Cj("--crackerjack-bug", "route-spaces")
    s, status, _ = lib.raw_connect(cj.port, "/ws/progress/abc12345")
    s.close()
    t.ok(status.startswith("HTTP/1.1 403"), "route-spaces: a valid progress handshake gets 403",
         status)
    t.eq(cj.get("/monitor/" + "a" * 51)[0], 400,
         "route-spaces: ids longer than 50 are invalid (v0.31.0-v0.31.10 rules)")
    t.eq(cj.get("/monitor/a-update")[0], 200,
         "route-spaces: the word rules of v0.31.12 do not apply")
    cj.write_job("cafe0001")
    t.ok(cjl.wait_until(lambda: cj.get_json("/")[2]["jobs"]), "route-spaces: jobs are listed")
    t.eq(cj.stop(), 0, "the mock exits 0")


async def test_prefix(t):
    cj = cjl.Cj("--crackerjack-bug", "prefix")
    job = cj.start_job(mock_step_ms=20, mock_stall_after=5)["job_id"]
    cj.write_job("cafe0001")
    t.ok(cjl.wait_until(lambda: json.load(open(cj.file(job)))["status"] ==
                        "creating_orchestrator"), "prefix: the job runs")
    t.eq(cj.get_json("/")[2]["jobs"], [], "prefix: GET / lists no job")
    t.eq(cj.get_json("/latest")[2]["status"], "no_jobs", "prefix: /latest says no_jobs")
    t.eq(cj.mcp.tool("get_job_progress", {"job_id": job})["status"], "creating_orchestrator",
         "prefix: get_job_progress still reads the file")
    async with cj.ws("cafe0001") as ws:
        t.eq((await lib.recv_json(ws))["job_id"], "cafe0001",
             "prefix: the first frame still reads the file")
        cj.write_job("cafe0001", overall_progress=50)
        t.ok(await lib.recv_none(ws, 1), "prefix: a change is never pushed")
    t.eq(cj.stop(), 0, "the mock exits 0")


async def test_no_push(t):
    cj = cjl.Cj("--crackerjack-bug", "no-push")
    cj.write_job("cafe0001")
    async with cj.ws("cafe0001") as ws:
        await lib.recv_json(ws)
        cj.write_job("cafe0001", overall_progress=50, message="later")
        t.ok(cjl.wait_until(lambda: (cj.get_json("/latest")[2]["progress"] or {}).get(
            "message") == "later"), "no-push: the server side sees the change")
        t.ok(await lib.recv_none(ws, 1), "no-push: it is not pushed")
        t.eq(await lib.request(ws, "x"), {"type": "echo", "message": "Received: x",
                                          "job_id": "cafe0001", "message_count": 1},
             "no-push: the socket still echoes")
    t.eq(cj.stop(), 0, "the mock exits 0")


def test_tools_bugs(t):
    cj = cjl.Cj("--crackerjack-bug", "stage-status,next-action")
    t.eq(cj.mcp.tool("get_stage_status"),
         {"error": "Failed to get stage status: 'StateManager' object has no attribute "
                   "'get_stage_status'"}, "stage-status: the era-A error text")
    t.ok(cj.mcp.tool("get_next_action")["error"].startswith(
        "Failed to determine next action: "), "next-action: an error")
    t.eq(cj.stop(), 0, "the mock exits 0")


def test_sanitize(t):
    cj = cjl.Cj("--crackerjack-bug", "sanitize")
    cj.write_job("cafe0001", message="saved to /home/user/project/out.txt")
    t.ok(cjl.wait_until(lambda: cj.get_json("/")[2]["jobs"]), "sanitize: jobs are listed")
    r = cj.get_json("/")[2]
    url = "ws://localhost:%d/ws/progress/{job_id}" % cj.port
    t.eq(r["websocket_url"], url[:2] + "*" * (len(url) - 4) + url[-2:],
         "sanitize: websocket_url is masked")
    t.eq(r["endpoints"], {"status": "/", "latest_job": "[REDACTED_PATH]",
                          "job_monitor": "[REDACTED_PATH]{job_id}",
                          "test": "[REDACTED_PATH]", "websocket": "[REDACTED_PATH]{job_id}"},
         "sanitize: path-like strings are redacted")
    t.eq(r["jobs"][0]["message"], "saved to [REDACTED_PATH]",
         "sanitize: paths inside messages too")
    t.ok(r["_security"]["sanitized"] is True and r["_security"]["verbosity"] == "standard" and
         isinstance(r["_security"]["timestamp"], float), "sanitize: GET / has _security", r)
    latest = cj.get_json("/latest")[2]
    t.ok("_security" in latest and "*" in latest["monitor_url"],
         "sanitize: /latest too", latest)
    t.ok("ws://[INTERNAL_URL]/ws/progress/cafe0001" in cj.get("/monitor/cafe0001")[2],
         "sanitize: the monitor page's socket URL is the placeholder")
    t.eq(json.load(open(cj.file("cafe0001")))["message"], "saved to /home/user/project/out.txt",
         "sanitize: the job file is left alone")
    t.eq(cj.stop(), 0, "the mock exits 0")


async def test_both_profiles(t):
    cj = cjl.Cj(profile="dev-toolkit,crackerjack")
    st, r = cj.mcp.initialize()
    t.eq(r["result"]["serverInfo"]["name"], "WebSocketMockMCP",
         "with dev-toolkit too the server keeps the mock's name")
    st, r = cj.mcp.rpc("tools/list")
    names = [x["name"] for x in r["result"]["tools"]]
    t.ok({"run_command", "get_status", "execute_crackerjack", "get_job_progress"} <= set(names),
         "both profiles' tools are listed", names)
    async with websockets.connect("ws://127.0.0.1:%d/mcp" % cj.mock.mcp_port,
                                  subprotocols=["mcp"], ping_interval=None) as ws:
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                  "params": {"protocolVersion": "2025-06-18",
                                             "capabilities": {},
                                             "clientInfo": {"name": "t", "version": "1"}}}))
        await lib.recv_json(ws)
        r = await lib.request(ws, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                   "params": {"name": "execute_crackerjack",
                                              "arguments": {"args": "",
                                                            "kwargs": '{"mock_step_ms": 20}'}}})
        job = json.loads(r["result"]["content"][0]["text"])["job_id"]
        t.ok(cjl.HEX8.match(job), "execute_crackerjack over MCP on WebSocket")
    async with cj.ws(job) as ws:
        frames = await cjl.frames_until(ws, cjl.terminal)
    t.eq(frames[-1]["status"], "completed", "that job runs to completed")
    t.eq(cj.stop(), 0, "the mock exits 0")


async def main(t):
    test_route_spaces(t)
    await test_prefix(t)
    await test_no_push(t)
    test_tools_bugs(t)
    test_sanitize(t)
    await test_both_profiles(t)


lib.run(main)
