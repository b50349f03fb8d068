"""wscheck-mock's MCP over WebSocket (subprotocol "mcp" on the seed port,
and the dev-toolkit profile's port), the toolkit's streaming run_command,
get_status and cancellation, and on Streamable HTTP the SSE answers and the
GET stream. Clients: Python websockets and http.client."""
import asyncio
import http.client
import importlib.util
import json
import os
import signal

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)
import websockets  # noqa: E402 (mock-lib skips the script without it)

SEED_TOOLS = ["get_websocket_server_status", "send_websocket_message",
              "get_websocket_clients", "test_websocket_connection"]
INIT = {"protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "mock-mcp-ws test", "version": "1"}}


class WsMcp:
    """An MCP session over one WebSocket."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 1

    async def send(self, msg):
        await self.ws.send(json.dumps(msg))

    async def recv(self, timeout=5):
        return await lib.recv_json(self.ws, timeout)

    async def rpc(self, method, params=None):
        """Sends a request; returns (messages before the response, response)."""
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        await self.send(msg)
        before = []
        while True:
            m = await self.recv(10)
            if m.get("id") == rid and "method" not in m:
                return before, m
            before.append(m)

    async def initialize(self):
        _, r = await self.rpc("initialize", INIT)
        await self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return r


def ws_connect(mock, path="/", subprotocols=("mcp",)):
    return mock.ws(path, subprotocols=list(subprotocols) if subprotocols else None)


def progress_of(msgs):
    return [m["params"] for m in msgs if m.get("method") == "notifications/progress"]


def lines_of(msgs):
    return [m["params"] for m in msgs if m.get("method") == "notifications/message"
            and m["params"].get("logger") == "run_command"]


def tool_json(resp):
    return json.loads(resp["result"]["content"][0]["text"])


async def test_seed_port(t, mock):
    async with ws_connect(mock, "/any/path") as ws:
        t.eq(ws.subprotocol, "mcp", "seed port: the subprotocol mcp is echoed, on any path")
        c = WsMcp(ws)
        _, r = await c.rpc("tools/list")
        t.eq(r.get("error", {}).get("code"), -32600, "a request before initialize: -32600")
        _, r = await c.rpc("ping")
        t.eq(r.get("result"), {}, "ping before initialize: {}")
        r = await c.initialize()
        t.eq(r["result"]["serverInfo"]["name"], "WebSocketMockMCP", "initialize: server info")
        t.eq(r["result"]["capabilities"], {"tools": {}}, "initialize: the tools capability")
        _, r = await c.rpc("tools/list")
        t.eq([x["name"] for x in r["result"]["tools"]], SEED_TOOLS,
             "tools/list: the same four tools as the HTTP endpoint")
        _, r = await c.rpc("tools/call", {"name": "get_websocket_server_status", "arguments": {}})
        t.eq(tool_json(r)["websocket_server"]["port"], mock.port,
             "tools/call get_websocket_server_status: the live server's status")
        _, r = await c.rpc("tools/call", {"name": "test_websocket_connection",
                                          "arguments": {"test_type": "stress"}})
        t.eq(tool_json(r)["status"], "no_clients",
             "MCP sessions are not seed clients (no_clients)")
        await ws.send("{not json")
        r = await c.recv()
        t.ok(r["error"]["code"] == -32700 and r["id"] is None, "bad JSON: -32700", r)
        await ws.send("[]")
        t.eq((await c.recv())["error"]["code"], -32600, "a batch: -32600")
        _, r = await c.rpc("resources/list")
        t.eq(r["error"]["code"], -32601, "an unknown method: -32601")
        _, r = await c.rpc("tools/call", {"name": "nope", "arguments": {}})
        t.eq(r["error"]["code"], -32602, "an unknown tool: -32602")
        await ws.send(b'{"jsonrpc":"2.0","id":99,"method":"ping"}')
        try:
            await c.recv()
            t.ok(False, "a binary frame closes the session")
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd.code if e.rcvd else None, 1003, "a binary frame: close 1003")
    ws, welcome = await lib.connect_client(mock)
    t.eq(welcome["type"], "welcome", "without the subprotocol: the seed protocol, welcome first")
    await ws.close()
    try:
        async with mock.ws("/", subprotocols=["mcp"], origin="http://evil.example"):
            t.ok(False, "an MCP upgrade from a foreign Origin is refused")
    except websockets.InvalidStatusCode as e:
        t.eq(e.status_code, 403, "an MCP upgrade from a foreign Origin: 403")
    async with mock.ws("/", subprotocols=["mcp"], origin="http://localhost:3000") as ws:
        t.eq(ws.subprotocol, "mcp", "an MCP upgrade from a localhost Origin is accepted")


async def run_call(c, args, token=None):
    params = {"name": "run_command", "arguments": args}
    if token is not None:
        params["_meta"] = {"progressToken": token}
    return await c.rpc("tools/call", params)


async def test_streaming(t, mock):
    async with ws_connect(mock, "/") as ws:
        t.eq(ws.subprotocol, "mcp", "toolkit port: mcp echoed")
        c = WsMcp(ws)
        r = await c.initialize()
        t.eq(r["result"]["capabilities"], {"tools": {}, "logging": {}},
             "toolkit: tools and logging capabilities")
        _, r = await c.rpc("tools/list")
        t.eq([x["name"] for x in r["result"]["tools"]], ["run_command", "get_status"],
             "toolkit: run_command and get_status")
        msgs, r = await run_call(c, {"command": "test", "lines": 5, "interval_ms": 10}, "tok-1")
        prog = progress_of(msgs)
        t.eq([p["progress"] for p in prog], [1, 2, 3, 4, 5],
             "run_command: progress strictly increasing, before the result")
        t.ok(all(p["progressToken"] == "tok-1" and p["total"] == 5 for p in prog),
             "progress echoes the token, total 5", prog)
        lines = lines_of(msgs)
        t.eq(len(lines), 5, "five output lines as logging notifications")
        res = tool_json(r)
        t.ok(r["result"]["isError"] is False and res["exit_code"] == 0 and
             res["output"] == [x["data"]["line"] for x in lines],
             "the result: exit code 0, the output lines", r)
        t.ok(await lib.recv_none(ws, 0.3), "nothing after the result")
        msgs, r = await run_call(c, {"command": "build", "lines": 3, "interval_ms": 0, "fail": True})
        t.ok(r["result"]["isError"] is True and tool_json(r)["exit_code"] == 1,
             "fail: isError true, exit code 1", r)
        t.eq(lines_of(msgs)[-1]["level"], "error", "fail: the last line at level error")
        t.eq(progress_of(msgs), [], "no progressToken: no progress notifications")
        msgs, r = await run_call(c, {"command": "lint", "lines": 3, "interval_ms": 0,
                                     "misbehave": "progress_backwards"}, 7)
        t.eq([p["progress"] for p in progress_of(msgs)], [1, 2, 1],
             "misbehave progress_backwards: the last progress goes back")
        msgs, r = await run_call(c, {"command": "lint", "lines": 2, "interval_ms": 0,
                                     "misbehave": "notification_after_result"}, "t")
        late = await c.recv()
        t.eq(late.get("method"), "notifications/message",
             "misbehave notification_after_result: a notification after the result")
        _, r = await run_call(c, {"command": "deploy"})
        t.ok(r["error"]["code"] == -32602 and "deploy" in r["error"]["message"],
             "an unknown command: -32602 naming it", r)
        _, r = await run_call(c, {"command": "lint", "lines": "many"})
        t.eq(r["error"]["code"], -32602, "lines of the wrong type: -32602")
        _, r = await c.rpc("logging/setLevel", {"level": "info"})
        t.eq(r.get("result"), {}, "logging/setLevel info: {}")
        msgs, r = await run_call(c, {"command": "lint", "lines": 1, "interval_ms": 0})
        status = [m["params"]["data"]["event"] for m in msgs
                  if m.get("method") == "notifications/message" and m["params"]["logger"] == "status"]
        late = await c.recv()
        t.eq(status + [late["params"]["data"]["event"]], ["command_started", "command_finished"],
             "after logging/setLevel: status updates of the session's commands")
        _, r = await c.rpc("logging/setLevel", {"level": "loud"})
        t.eq(r.get("error", {}).get("code"), -32602, "logging/setLevel with an unknown level: -32602")
        _, r = await c.rpc("logging/setLevel", {"level": "error"})
        t.eq(r.get("result"), {}, "logging/setLevel: {}")
        msgs, r = await run_call(c, {"command": "test", "lines": 3, "interval_ms": 0, "fail": True})
        t.eq([x["level"] for x in lines_of(msgs)], ["error"],
             "at level error only the error line is sent")


async def test_cancel(t, mock):
    async with ws_connect(mock, "/") as ws:
        c = WsMcp(ws)
        await c.initialize()
        await c.send({"jsonrpc": "2.0", "id": "run-1", "method": "tools/call",
                      "params": {"name": "run_command", "_meta": {"progressToken": 1},
                                 "arguments": {"command": "build", "lines": 1000,
                                               "interval_ms": 20}}})
        first = await c.recv()
        while first.get("method") != "notifications/progress":
            first = await c.recv()
        _, st = await c.rpc("tools/call", {"name": "get_status", "arguments": {}})
        running = tool_json(st)["commands"]["running"]
        t.ok(len(running) == 1 and running[0]["request_id"] == "run-1",
             "get_status lists the running command", running)
        await c.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                      "params": {"requestId": "run-1", "reason": "test"}})
        msgs, st = await c.rpc("tools/call", {"name": "get_status", "arguments": {}})
        cmds = tool_json(st)["commands"]
        t.ok(cmds["running"] == [] and cmds["cancelled"] == 1,
             "notifications/cancelled stops the command", cmds)
        t.ok(all(m.get("id") != "run-1" for m in msgs), "no result for the cancelled call", msgs)
        t.ok(await lib.recv_none(ws, 0.3), "nothing more after the cancellation")
        await c.send({"jsonrpc": "2.0", "id": "stall", "method": "tools/call",
                      "params": {"name": "run_command",
                                 "arguments": {"command": "lint", "lines": 1, "interval_ms": 0,
                                               "stall": True}}})
        await c.recv()
        _, st = await c.rpc("tools/call", {"name": "get_status", "arguments": {}})
        t.eq([x["state"] for x in tool_json(st)["commands"]["running"]], ["stalled"],
             "stall: the command stays, stalled, without a result")


# ---- HTTP ----

class Http:
    def __init__(self, mock):
        self.mock = mock
        self.session = None

    def headers(self, accept="application/json, text/event-stream"):
        h = {"Content-Type": "application/json", "Accept": accept}
        if self.session:
            h["Mcp-Session-Id"] = self.session
            h["MCP-Protocol-Version"] = "2025-06-18"
        return h

    def open(self, msg, accept="application/json, text/event-stream"):
        conn = http.client.HTTPConnection("127.0.0.1", self.mock.mcp_port, timeout=10)
        conn.request("POST", "/mcp", body=json.dumps(msg), headers=self.headers(accept))
        return conn, conn.getresponse()

    def post(self, msg, accept="application/json, text/event-stream"):
        conn, r = self.open(msg, accept)
        try:
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def initialize(self):
        st, h, body = self.post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": INIT})
        self.session = h.get("mcp-session-id")
        return st


def sse_events(fp):
    """Yields each event's data (parsed JSON) until the stream ends."""
    data = []
    while True:
        line = fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield json.loads("\n".join(data))
            data = []


def test_http(t, mock):
    c = Http(mock)
    t.eq(c.initialize(), 200, "HTTP: initialize")
    call = {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
            "params": {"name": "run_command", "_meta": {"progressToken": "p"},
                       "arguments": {"command": "lint", "lines": 3, "interval_ms": 5}}}
    conn, r = c.open(call)
    t.eq((r.status, r.getheader("content-type")), (200, "text/event-stream"),
         "tools/call with a progressToken, Accept with text/event-stream: an SSE answer")
    events = list(sse_events(r))
    conn.close()
    t.eq([p["progress"] for p in progress_of(events)], [1, 2, 3],
         "SSE: progress 1, 2, 3 on the stream")
    t.ok(events and events[-1].get("id") == 5 and "result" in events[-1],
         "SSE: the response last, then the stream ends", events[-1:])
    st, h, body = c.post(call, accept="application/json")
    t.ok(st == 200 and json.loads(body)["id"] == 5,
         "Accept application/json only: a plain JSON answer", (st, body[:200]))
    # GET stream: status updates of the session
    g = http.client.HTTPConnection("127.0.0.1", mock.mcp_port, timeout=10)
    g.request("GET", "/mcp", headers=c.headers("text/event-stream"))
    gr = g.getresponse()
    t.eq((gr.status, gr.getheader("content-type")), (200, "text/event-stream"),
         "GET with a session: an SSE stream")
    st, h, _ = mock.http("GET", "/mcp", headers=c.headers("text/event-stream"), port=mock.mcp_port)
    t.eq(st, 409, "a second GET stream for the session: 409")
    st, h, _ = mock.http("GET", "/mcp", headers=c.headers("application/json"), port=mock.mcp_port)
    t.eq(st, 406, "GET without text/event-stream in Accept: 406")
    st, _, _ = c.post(dict(call, id=6), accept="application/json")
    events = sse_events(gr)
    got = [next(events)["params"]["data"]["event"] for _ in range(2)]
    t.eq(got, ["command_started", "command_finished"],
         "the GET stream carries the session's status updates")
    g.close()
    # cancellation over HTTP: the SSE answer ends without a response
    conn, r = c.open({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                      "params": {"name": "run_command", "_meta": {"progressToken": 3},
                                 "arguments": {"command": "test", "lines": 1000,
                                               "interval_ms": 20}}})
    events = sse_events(r)
    first = next(events)
    st, _, _ = c.post({"jsonrpc": "2.0", "method": "notifications/cancelled",
                       "params": {"requestId": 7}})
    t.eq(st, 202, "notifications/cancelled: 202")
    rest = list(events)
    conn.close()
    t.ok(all("id" not in e for e in [first] + rest),
         "cancelled: the stream ends without a response", rest[-3:])


async def main(t):
    mock = lib.Mock()
    await test_seed_port(t, mock)
    t.eq(mock.stop(), 0, "the default-profile mock exits 0")
    kit = lib.Mock("--profile", "dev-toolkit")
    t.ok(kit.port and kit.mcp_port == kit.port,
         "dev-toolkit: WebSocket and MCP on one port", (kit.url, kit.mcp_url))
    await test_streaming(t, kit)
    await test_cancel(t, kit)
    async with ws_connect(kit, "/", subprotocols=None) as ws:
        c = WsMcp(ws)
        r = await c.initialize()
        t.ok("result" in r, "dev-toolkit: a WebSocket without subprotocol speaks MCP too", r)
    try:
        async with ws_connect(kit, "/", subprotocols=("chat",)):
            t.ok(False, "dev-toolkit: a WebSocket offering only another subprotocol is refused")
    except websockets.InvalidStatusCode as e:
        t.eq(e.status_code, 400, "dev-toolkit: only another subprotocol: 400")
    st, h, body = kit.http("GET", "/health", port=kit.mcp_port)
    t.ok(st == 200 and json.loads(body)["status"] == "ok", "dev-toolkit: GET /health", (st, body))
    await asyncio.to_thread(test_http, t, kit)
    async with ws_connect(kit, "/") as ws:
        await WsMcp(ws).initialize()
        kit.proc.send_signal(signal.SIGTERM)
        try:
            await lib.recv_json(ws, 10)
            t.ok(False, "SIGTERM closes an open MCP session")
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd.code if e.rcvd else None, 1001, "SIGTERM closes an open MCP session with 1001")
    t.eq(kit.stop(), 0, "the dev-toolkit mock exits 0 on SIGTERM")
    t.ok(kit.sanitizer_clean(), "no sanitizer report", kit.log()[-3000:])


lib.run(main)
