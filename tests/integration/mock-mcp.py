"""wscheck-mock's MCP interface over Streamable HTTP: sessions, the JSON-RPC
methods and errors, Origin checks, and the four tools end to end - what a
tool pushes, connected WebSocket clients (Python websockets) receive."""
import asyncio
import importlib.util
import json
import os
import re
import time

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)

TOOLS = ["get_websocket_server_status", "send_websocket_message",
         "get_websocket_clients", "test_websocket_connection"]
JSON_HEADERS = {"Content-Type": "application/json",
                "Accept": "application/json, text/event-stream"}


class McpClient:
    def __init__(self, mock, origin=None, source=None):
        self.mock = mock
        self.session = None
        self.origin = origin
        self.source = source    # local address to connect from
        self.next_id = 1

    def post(self, body, session=True, headers=None, path="/mcp"):
        """POSTs body (an object, or raw text); returns (status, headers, JSON or None)."""
        h = dict(JSON_HEADERS)
        if self.session and session:
            h["Mcp-Session-Id"] = self.session
            h["MCP-Protocol-Version"] = "2025-06-18"
        if self.origin:
            h["Origin"] = self.origin
        h.update(headers or {})
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        st, rh, raw = self.mock.http("POST", path, body=data, headers=h, port=self.mock.mcp_port,
                                     source=self.source)
        return st, rh, json.loads(raw) if raw else None

    def rpc(self, method, params=None, **kw):
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        self.next_id += 1
        if params is not None:
            msg["params"] = params
        return self.post(msg, **kw)

    def initialize(self, version="2025-06-18"):
        st, h, r = self.rpc("initialize", {"protocolVersion": version, "capabilities": {},
                                           "clientInfo": {"name": "mock-mcp test", "version": "1"}})
        self.session = h.get("mcp-session-id")
        return st, h, r

    def tool(self, name, args=None):
        """A tool's result object, parsed from its text content."""
        st, h, r = self.rpc("tools/call", {"name": name, "arguments": args or {}})
        if st != 200 or "result" not in r:
            raise AssertionError("tools/call %s: %s %r" % (name, st, r))
        return json.loads(r["result"]["content"][0]["text"])

    async def atool(self, name, args=None):
        return await asyncio.to_thread(self.tool, name, args)


def test_session(t, mock):
    c = McpClient(mock)
    st, h, r = c.initialize()
    t.ok(st == 200 and h.get("content-type", "").startswith("application/json"),
         "initialize: 200 application/json", (st, h))
    t.ok(re.match(r"^[0-9a-f]{32}$", c.session or ""), "initialize: Mcp-Session-Id header", h)
    t.eq(list(r), ["jsonrpc", "id", "result"], "initialize: a JSON-RPC 2.0 response")
    t.eq(r["result"], {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                       "serverInfo": {"name": "WebSocketMockMCP", "version": "1.0.0"}},
         "initialize: protocol version, tools capability, server info")
    st, h, r = McpClient(mock).initialize("2025-03-26")
    t.eq(r["result"]["protocolVersion"], "2025-03-26", "initialize: a supported older version is kept")
    st, h, r = McpClient(mock).initialize("1999-01-01")
    t.eq(r["result"]["protocolVersion"], "2025-06-18", "initialize: an unknown version gets the latest")
    st, h, r = c.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
    t.eq((st, r), (202, None), "notifications/initialized: 202 without a body")
    st, h, r = c.post({"jsonrpc": "2.0", "id": "srv-1", "result": {}})
    t.eq((st, r), (202, None), "a JSON-RPC response from the client: 202")
    st, h, r = c.rpc("ping")
    t.eq((st, r["result"]), (200, {}), "ping: {}")
    st, h, r = c.rpc("tools/list")
    tools = r["result"]["tools"]
    t.eq([x["name"] for x in tools], TOOLS, "tools/list: the four tools in order")
    t.ok(all(x["description"] and x["inputSchema"]["type"] == "object" for x in tools),
         "tools/list: each has a description and an object inputSchema", tools)
    t.eq(tools[1]["inputSchema"].get("required"), ["message_type"],
         "send_websocket_message requires message_type")
    t.eq(sorted(tools[3]["inputSchema"]["properties"]), ["target_client", "test_type"],
         "test_websocket_connection takes test_type and target_client")
    return c


def test_errors(t, mock, c):
    st, h, r = c.post("{not json")
    t.ok(st == 400 and r["error"]["code"] == -32700 and r["id"] is None, "bad JSON: 400, -32700", (st, r))
    st, h, r = c.post([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
    t.ok(st == 400 and r["error"]["code"] == -32600, "a batch: 400, -32600 (not in 2025-06-18)", (st, r))
    st, h, r = c.post({"id": 1, "method": "ping"})
    t.ok(st == 400 and r["error"]["code"] == -32600, "no jsonrpc member: 400, -32600", (st, r))
    st, h, r = c.post({"jsonrpc": "2.0", "id": 1, "method": 7})
    t.ok(st == 400 and r["error"]["code"] == -32600, "a method that is not a string: -32600", (st, r))
    st, h, r = c.rpc("resources/list")
    t.ok(st == 200 and r["error"]["code"] == -32601 and r["id"] == c.next_id - 1,
         "an unknown method: -32601 with the request id", (st, r))
    st, h, r = c.rpc("tools/call", {"name": "no_such_tool", "arguments": {}})
    t.ok(r.get("error", {}).get("code") == -32602 and "no_such_tool" in r["error"]["message"],
         "an unknown tool: -32602", r)
    st, h, r = c.rpc("tools/call", {"name": "send_websocket_message", "arguments": {}})
    t.ok(r.get("error", {}).get("code") == -32602 and "message_type" in r["error"]["message"],
         "a missing required argument: -32602 naming it", r)
    st, h, r = c.rpc("tools/call", {"name": "send_websocket_message",
                                    "arguments": {"message_type": "x", "payload": "text"}})
    t.eq(r.get("error", {}).get("code"), -32602, "an argument of the wrong type: -32602")
    st, h, r = c.rpc("tools/call", {"arguments": {}})
    t.eq(r.get("error", {}).get("code"), -32602, "tools/call without a name: -32602")
    st, h, r = c.rpc("tools/list", session=False)
    t.eq(st, 400, "no Mcp-Session-Id: 400")
    st, h, r = c.rpc("tools/list", session=False, headers={"Mcp-Session-Id": "0" * 32})
    t.eq(st, 404, "an unknown session: 404")
    st, h, r = c.rpc("tools/list", headers={"MCP-Protocol-Version": "1999-01-01"})
    t.eq(st, 400, "an unsupported MCP-Protocol-Version: 400")
    st, h, r = c.rpc("tools/list", headers={"MCP-Protocol-Version": "2025-03-26"})
    t.eq(st, 200, "a supported older MCP-Protocol-Version: 200")
    st, h, r = c.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session=False)
    t.eq(st, 400, "a notification without a session: 400")
    st, h, raw = mock.http("GET", "/mcp", headers={"Accept": "text/event-stream"}, port=mock.mcp_port)
    t.eq(st, 400, "GET /mcp without a session: 400")
    st, h, r = c.post({"jsonrpc": "2.0", "id": 1, "method": "ping"}, path="/other")
    t.eq(st, 404, "another path: 404")
    st, h, r = c.post({"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers={"Content-Type": "text/plain"})
    t.eq(st, 415, "a body that is not application/json: 415")
    st, h, r = c.post({"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers={"Accept": "text/html"})
    t.eq(st, 406, "an Accept without application/json: 406")
    s, status, rest = lib.raw_connect(mock.mcp_port, "/mcp")
    s.close()
    t.ok(status.startswith("HTTP/1.1 400"), "a WebSocket upgrade on the MCP port: 400", status)


def test_framing(t, mock, c):
    """Bodies at the edges: empty, and a Content-Length that frames none."""
    st, h, r = c.post(b"")
    t.ok(st == 400 and r["error"]["code"] == -32700 and r["id"] is None,
         "an empty body (Content-Length: 0): 400, -32700", (st, r))
    st, h, r = c.post(b"", session=False)
    t.ok(st == 400 and r["error"]["code"] == -32700, "an empty body without a session: 400, -32700",
         (st, r))
    for value in ["-1", "1e20", "abc", "12 34", "99999999999999999999999"]:
        req = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Accept: application/json\r\nContent-Length: %s\r\n\r\n" % value).encode()
        st, h, body = lib.raw_http(mock.mcp_port, req)
        t.ok(st == 400 and b"Content-Length" in body and h.get("connection") == "close",
             "Content-Length: %s: 400, connection closed" % value, (st, h, body))
    req = (b"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n")
    st, h, body = lib.raw_http(mock.port, req)
    t.eq(st, 400, "Content-Length: -1 on the WebSocket port: 400")
    req = (b"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
    st, h, body = lib.raw_http(mock.port, req)
    t.ok(st == 405 and h.get("allow", "").count("GET") == 1,
         "an empty POST on the WebSocket port: one 405 with one Allow", (st, h, body))


def test_origins(t, mock, other):
    for origin, status in [("http://evil.example", 403), ("null", 403),
                           ("http://localhost.evil.example", 403),
                           ("http://localhost:3000", 200), ("http://127.0.0.1", 200),
                           ("https://[::1]:8443", 200)]:
        st, h, r = McpClient(mock, origin=origin).initialize()
        t.eq(st, status, "Origin %s: %d" % (origin, status))
    st, h, r = McpClient(mock, origin="http://localhost:3000").initialize()
    t.eq(h.get("access-control-allow-origin"), "http://localhost:3000", "an allowed Origin gets CORS headers")
    st, h, _ = mock.http("OPTIONS", "/mcp", headers={"Origin": "http://localhost:3000"}, port=mock.mcp_port)
    t.ok(st == 204 and "mcp-session-id" in h.get("access-control-allow-headers", ""),
         "a CORS preflight from an allowed Origin: 204", (st, h))
    st, h, r = McpClient(other, origin="http://app.test").initialize()
    t.eq(st, 200, "--allowed-origin admits that Origin")
    st, h, r = McpClient(other, origin="http://other.test").initialize()
    t.eq(st, 403, "--allowed-origin admits only that Origin")


async def test_tools(t, mock, c):
    r = await c.atool("send_websocket_message", {"message_type": "x"})
    t.eq(r, dict(r, status="no_clients", message="No clients connected to send message to"),
         "send_websocket_message without clients: no_clients")
    r = await c.atool("test_websocket_connection", {"test_type": "nope"})
    t.eq((r["status"], r["message"]), ("no_clients", "No clients connected to test"),
         "test_websocket_connection without clients: no_clients (before the type is looked at)")
    r = await c.atool("get_websocket_clients")
    t.eq((r["status"], r["clients"], r["total_clients"]), ("success", [], 0),
         "get_websocket_clients without clients: success, empty")
    a, wa = await lib.connect_client(mock)
    b, wb = await lib.connect_client(mock)
    r = await c.atool("get_websocket_server_status")
    t.eq(list(r), ["websocket_server", "mcp_server", "timestamp"], "server status: keys in order")
    t.eq(r["mcp_server"], {"mcp_server_name": "WebSocketMockMCP", "mcp_server_type": "websocket_mock",
                           "mcp_server_version": "1.0.0"}, "server status: mcp_server")
    ws_ = r["websocket_server"]
    t.ok(ws_["port"] == mock.port and ws_["clients_connected"] == 2 and ws_["is_running"] and
         ws_["url"] == "ws://127.0.0.1:%d" % mock.port and ws_["capabilities"] == lib.CAPABILITIES,
         "server status: the live WebSocket server", ws_)
    r = await c.atool("get_websocket_clients")
    t.eq(list(r), ["status", "clients", "total_clients", "server_info", "timestamp"], "clients: keys in order")
    t.ok(r["total_clients"] == 2 and {x["id"] for x in r["clients"]} == {wa["client_id"], wb["client_id"]} and
         all(x["connection_status"] == "open" for x in r["clients"]),
         "clients: both, with connection_status open", r)
    t.eq(r["server_info"], {"host": "127.0.0.1", "port": mock.port, "url": "ws://127.0.0.1:%d" % mock.port},
         "clients: server_info")

    r = await c.atool("send_websocket_message", {"message_type": "notice", "payload": {"n": 1, "s": "x"}})
    t.eq(list(r), ["status", "message_type", "target_client", "sent_to_clients", "total_clients",
                   "errors", "timestamp"], "send: keys in order")
    t.eq((r["status"], r["message_type"], r["target_client"], r["sent_to_clients"], r["total_clients"], r["errors"]),
         ("sent", "notice", None, 2, 2, []), "send to all: sent to 2 of 2")
    for ws, name in [(a, "first"), (b, "second")]:
        m = await lib.recv_json(ws)
        t.eq(list(m), ["type", "from_mcp_server", "payload", "timestamp"], "pushed message: keys in order (%s)" % name)
        t.eq((m["type"], m["from_mcp_server"], m["payload"]), ("notice", True, {"n": 1, "s": "x"}),
             "the %s WebSocket client receives the tool's message" % name)
    r = await c.atool("send_websocket_message", {"message_type": "only-a", "target_client": wa["client_id"]})
    m = await lib.recv_json(a)
    t.ok(r["sent_to_clients"] == 1 and r["target_client"] == wa["client_id"] and
         m["type"] == "only-a" and m["payload"] == {},
         "send to one client: only it receives, payload defaults to {}", (r, m))
    t.ok(await lib.recv_none(b, 0.2), "send to one client: the other receives nothing")
    r = await c.atool("send_websocket_message", {"message_type": "x", "target_client": "deadbeef"})
    t.eq((r["status"], r["sent_to_clients"], r["errors"]), ("sent", 0, ["Client deadbeef not found"]),
         "send to an unknown client: sent 0, an error naming it")

    for test_type, payload_type, extra in [("ping", "ping", None),
                                           ("echo", "echo", ("test_data", "WebSocket echo test"))]:
        r = await c.atool("test_websocket_connection", {"test_type": test_type, "target_client": wa["client_id"]})
        m = await lib.recv_json(a)
        prefix = "test_" if test_type == "ping" else "echo_test_"
        t.ok(r["status"] == "test_completed" and r["test_type"] == test_type and
             r["result"]["sent_to_clients"] == 1 and list(r) == ["status", "test_type", "result", "timestamp"],
             "test %s: test_completed with the send result" % test_type, r)
        t.ok(m["type"] == payload_type and m["from_mcp_server"] and m["payload"]["type"] == payload_type and
             re.match("^%s[0-9]+$" % prefix, m["payload"]["test_id"]) and
             (extra is None or m["payload"][extra[0]] == extra[1]),
             "test %s: the client receives the test message" % test_type, m)
    r = await c.atool("test_websocket_connection", {"test_type": "broadcast", "target_client": wa["client_id"]})
    ma, mb = await lib.recv_json(a), await lib.recv_json(b)
    t.ok(r["result"]["sent_to_clients"] == 2 and ma["payload"]["message"] == "Test broadcast from MCP server" and
         mb["type"] == "broadcast", "test broadcast: goes to every client, whatever the target", (r, ma, mb))
    r = await c.atool("test_websocket_connection")
    m = await lib.recv_json(a)
    await lib.recv_json(b)
    t.eq(r["test_type"], "ping", "test_type defaults to ping")
    r = await c.atool("test_websocket_connection", {"test_type": "nope"})
    t.eq(r, dict(r, error="Unknown test type: nope", available_types=["ping", "echo", "broadcast", "stress"]),
         "an unknown test type: error with the available types")

    # stress: five pings 0.1 s apart, then one answer with the five results
    got = []

    async def collect():
        while len(got) < 5:
            got.append((time.monotonic(), await lib.recv_json(a, timeout=5)))
    collector = asyncio.create_task(collect())
    r = await c.atool("test_websocket_connection", {"test_type": "stress", "target_client": wa["client_id"]})
    answered = time.monotonic()
    await asyncio.wait_for(collector, 5)
    t.ok(r["status"] == "stress_test_completed" and r["test_type"] == "stress" and len(r["results"]) == 5 and
         all(x["sent_to_clients"] == 1 for x in r["results"]),
         "stress: stress_test_completed with five send results", r)
    ids = [m["payload"]["test_id"] for _, m in got]
    t.ok(all(re.match(r"^stress_test_%d_[0-9]+$" % i, x) for i, x in enumerate(ids)),
         "stress: the client receives five pings in order", ids)
    t.ok(got[-1][0] - got[0][0] >= 0.3 and answered >= got[-1][0],
         "stress: the pings are spread out and the answer comes after the last",
         [round(x - got[0][0], 3) for x, _ in got])
    t.ok(await lib.recv_none(b, 0.1), "stress with a target: the other client gets none")
    st, h, r = c.rpc("ping")
    t.eq(st, 200, "the MCP connection serves requests after the stress test")
    await a.close()
    await b.close()


async def test_big_list(t, mock, c):
    """A reply bigger than one HTTP write chunk (16 KiB)."""
    clients = await asyncio.gather(*[lib.connect_client(mock) for _ in range(150)])
    r = await c.atool("get_websocket_clients")
    t.ok(r["total_clients"] == 150 and {x["id"] for x in r["clients"]} ==
         {w["client_id"] for _, w in clients},
         "get_websocket_clients lists 150 clients (a reply written in several chunks)", r["total_clients"])
    await asyncio.gather(*[ws.close() for ws, _ in clients])


def test_session_bounds(t, mock):
    """One client opening session after session is refused once it holds
    its share (100 by default); the sessions of others stay."""
    victim = McpClient(mock)
    victim.initialize()
    greedy = McpClient(mock, source="127.0.0.2")
    statuses = []
    for _ in range(1100):
        st, h, r = greedy.initialize()
        statuses.append(st)
        if st != 200:
            break
    t.ok(statuses.count(200) == 100 and st == 429 and r["error"]["code"] == -32000 and
         "127.0.0.2" in r["error"]["message"] and "--mcp-sessions-per-client" in r["error"]["message"],
         "the 101st session from one address: 429 with a JSON-RPC error naming the bound",
         (statuses.count(200), st, r))
    st, h, r = victim.rpc("ping")
    t.eq((st, r.get("result")), (200, {}), "another client's session survives 1,000 initialize calls")
    st, h, r = McpClient(mock).initialize()
    t.eq(st, 200, "another address can still open sessions")


def test_session_expiry(t):
    mock = lib.Mock("--mcp-sessions-per-client", "2", "--mcp-session-timeout", "1")
    a, b, c = McpClient(mock), McpClient(mock), McpClient(mock)
    sts = [a.initialize()[0], b.initialize()[0], c.initialize()[0]]
    t.eq(sts, [200, 200, 429], "--mcp-sessions-per-client 2: the third session is refused")
    time.sleep(1.5)
    st, h, r = a.rpc("ping")
    t.eq(st, 404, "a session unused for --mcp-session-timeout has ended")
    st, h, r = c.initialize()
    t.eq(st, 200, "expired sessions free the client's share")
    t.eq(mock.stop(), 0, "the session-expiry mock exits 0")


def test_delete(t, mock, c):
    st, h, r = mock.http("DELETE", "/mcp", headers={"Mcp-Session-Id": c.session}, port=mock.mcp_port)
    t.eq(st, 200, "DELETE ends the session")
    st, h, r = c.rpc("ping")
    t.eq(st, 404, "the ended session is unknown: 404")


async def main(t):
    mock = lib.Mock()
    other = lib.Mock("--allowed-origin", "http://app.test", "--mcp-path", "/mcp")
    t.ok(mock.mcp_url == "http://127.0.0.1:%d/mcp" % mock.mcp_port, "the MCP URL is printed", mock.mcp_url)
    c = test_session(t, mock)
    test_errors(t, mock, c)
    test_framing(t, mock, c)
    test_origins(t, mock, other)
    await test_tools(t, mock, c)
    await test_big_list(t, mock, c)
    test_delete(t, mock, c)
    test_session_bounds(t, mock)
    test_session_expiry(t)
    for m, name in [(mock, "mock"), (other, "second mock")]:
        t.eq(m.stop(), 0, "the %s exits 0 on SIGTERM" % name)
        t.ok(m.sanitizer_clean(), "no sanitizer report in the %s's output" % name, m.log()[-3000:])


lib.run(main)
