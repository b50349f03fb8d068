"""A deliberately broken MCP server, for testing that wscheck's MCP client
reports each fault precisely and within its deadline. Standard library only
(the WebSocket modes reuse peer_raw.py's framing).

    peer_mcp_broken.py MODE

Streamable HTTP modes print "http://127.0.0.1:PORT/mcp"; each breaks the
answer to initialize (every other POST gets 202):
  wrong-id            the id echoed as the string "1" for the integer 1
  result-and-error    a response with both result and error
  no-jsonrpc          a response without "jsonrpc"
  error-code-string   an error whose code is the string "-32000"
  result-array        a result that is an array
  unknown-id          a response to id 99, which was never sent
  session-id-spaces   a correct answer with the header Mcp-Session-Id "a b"
  silent              reads the request and never answers
  unauthorized        401 with WWW-Authenticate: Bearer realm="mcp"
  notification-200    a correct answer; notifications get 200, not 202
  old-version         a correct answer choosing protocolVersion 1999-01-01
  batch               the answer wrapped in a JSON array (a batch)
  resumable           (not broken) answers initialize with an event stream
                      that ends after a priming event "id: e1"; a GET with
                      Last-Event-ID: e1 replays the response
  retry               (not broken) answers initialize with an event stream
                      "retry: 500", "id: r1" that ends before the response;
                      a GET with Last-Event-ID: r1 gets the response if it
                      came at least 500 ms after that stream ended, else a
                      JSON-RPC error saying how early it was
  stream-ends         an event stream without event ids that ends before
                      the response
  progress-backwards  a correct answer; tools/list lists "run"; tools/call
                      streams progress 1, 3, 2 then its result
  progress-after-result  a correct answer; tools/call streams progress 1,
                      its result, then progress 2
  cursor-loop         tools/list pages: "a" then "c1", "b" then "c1" again
  duplicate-tool      tools/list pages: "a" then "p2", "a" again
  bad-tools           tools/list: "bad name" whose inputSchema is a string
                      schema, "weather" with an outputSchema; calling
                      weather gives structuredContent {"temperature": "hot"}
  close-each          a correct answer with Connection: close (a client that
                      keeps one connection for a session cannot go on)
  delete-405          (not broken) a session "s-405" whose DELETE gets 405
                      (the server does not let clients end sessions);
                      ping answered with {}, an unsupported
                      MCP-Protocol-Version with 400, any Origin with 403
WebSocket modes print "ws://127.0.0.1:PORT/mcp":
  ws-no-subprotocol   101 without Sec-WebSocket-Protocol
  ws-binary           101 with "mcp", then every answer in a binary frame
  ws-unauthorized     401 with WWW-Authenticate: Bearer realm="mcp"
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from peer_raw import frame, handshake, read_frame, read_request

HTTP_MODES = ["wrong-id", "result-and-error", "no-jsonrpc", "error-code-string",
              "result-array", "unknown-id", "session-id-spaces", "silent",
              "unauthorized", "notification-200", "old-version", "batch",
              "resumable", "retry", "stream-ends", "progress-backwards",
              "progress-after-result", "cursor-loop", "duplicate-tool", "bad-tools",
              "delete-405", "close-each"]
WS_MODES = ["ws-no-subprotocol", "ws-binary", "ws-unauthorized"]

RETRY_MS = 500

INIT_RESULT = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
               "serverInfo": {"name": "broken", "version": "0"}}


def progress_stream(mode, msg):
    """The event stream answering tools/call in the progress modes."""
    token = msg.get("params", {}).get("_meta", {}).get("progressToken")

    def progress(n):
        return {"jsonrpc": "2.0", "method": "notifications/progress",
                "params": {"progressToken": token, "progress": n, "total": 3}}
    result = {"jsonrpc": "2.0", "id": msg.get("id"),
              "result": {"content": [{"type": "text", "text": "done"}]}}
    if mode == "progress-backwards":
        messages = [progress(1), progress(3), progress(2), result]
    else:
        messages = [progress(1), result, progress(2)]
    return "".join("data: " + json.dumps(m) + "\n\n" for m in messages)


def tool(name, **extra):
    return dict({"name": name, "description": "a tool",
                 "inputSchema": {"type": "object"}}, **extra)


def tools_answer(mode, msg):
    """The result of tools/list or tools/call in the tools modes."""
    cursor = msg.get("params", {}).get("cursor")
    if msg["method"] == "tools/call":
        return {"content": [{"type": "text", "text": "{}"}],
                "structuredContent": {"temperature": "hot"}}
    if mode == "cursor-loop":
        return {"tools": [tool("b" if cursor else "a")], "nextCursor": "c1"}
    if mode == "duplicate-tool":
        return {"tools": [tool("a")], **({} if cursor else {"nextCursor": "p2"})}
    schema = {"type": "object", "required": ["temperature"],
              "properties": {"temperature": {"type": "number"}}}
    return {"tools": [tool("bad name", inputSchema={"type": "string"}),
                      tool("weather", outputSchema=schema)]}


def initialize_answer(mode, req_id):
    """The (broken) answer to initialize: (headers, body)."""
    ok = {"jsonrpc": "2.0", "id": req_id, "result": INIT_RESULT}
    if mode == "wrong-id":
        return {}, dict(ok, id=str(req_id))
    if mode == "result-and-error":
        return {}, dict(ok, error={"code": -32000, "message": "both"})
    if mode == "no-jsonrpc":
        return {}, {"id": req_id, "result": INIT_RESULT}
    if mode == "error-code-string":
        return {}, {"jsonrpc": "2.0", "id": req_id,
                    "error": {"code": "-32000", "message": "string code"}}
    if mode == "result-array":
        return {}, dict(ok, result=[1, 2])
    if mode == "unknown-id":
        return {}, dict(ok, id=99)
    if mode == "session-id-spaces":
        return {"Mcp-Session-Id": "a b"}, ok
    if mode == "batch":
        return {}, [ok]
    if mode == "delete-405":
        return {"Mcp-Session-Id": "s-405"}, ok
    if mode == "close-each":
        return {"Mcp-Session-Id": "s-close", "Connection": "close"}, ok
    if mode == "old-version":
        return {}, dict(ok, result=dict(INIT_RESULT, protocolVersion="1999-01-01"))
    return {}, ok


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, headers, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def event_stream(self, text):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(text.encode())
        self.close_connection = True

    def do_GET(self):
        if self.server.mode == "resumable" and self.headers.get("Last-Event-ID") == "e1":
            answer = {"jsonrpc": "2.0", "id": 1, "result": INIT_RESULT}
            self.event_stream("id: e2\ndata: " + json.dumps(answer) + "\n\n")
            return
        if self.server.mode == "retry" and self.headers.get("Last-Event-ID") == "r1":
            self.event_stream("id: r2\ndata: " + json.dumps(self.retry_answer()) + "\n\n")
            return
        self.reply(405, {})

    def retry_answer(self):
        """The response, or an error when the resumption came before the
        retry the ended stream asked for (measured from when it ended)."""
        waited_ms = (time.monotonic() - self.server.stream_ended) * 1000
        if waited_ms < RETRY_MS:
            return {"jsonrpc": "2.0", "id": 1, "error": {
                "code": -32000,
                "message": f"resumed {waited_ms:.0f} ms after the stream ended; "
                           f"its retry field asked for {RETRY_MS} ms"}}
        return {"jsonrpc": "2.0", "id": 1, "result": INIT_RESULT}

    def do_POST(self):
        mode = self.server.mode
        n = int(self.headers.get("Content-Length", "0"))
        msg = json.loads(self.rfile.read(n) or b"{}")
        if mode == "unauthorized":
            self.reply(401, {"WWW-Authenticate": 'Bearer realm="mcp"'})
            return
        if mode == "delete-405" and self.conforming_refusal(msg):
            return
        if msg.get("method") == "tools/call" and mode.startswith("progress-"):
            self.event_stream(progress_stream(mode, msg))
            return
        if msg.get("method") == "tools/list" and mode.startswith("progress-"):
            self.reply(200, {}, {"jsonrpc": "2.0", "id": msg["id"],
                                 "result": {"tools": [tool("run")]}})
            return
        if msg.get("method") in ("tools/list", "tools/call") and \
                mode in ("cursor-loop", "duplicate-tool", "bad-tools"):
            self.reply(200, {}, {"jsonrpc": "2.0", "id": msg["id"],
                                 "result": tools_answer(mode, msg)})
            return
        if msg.get("method") != "initialize":
            is_note = "id" not in msg
            status = 200 if mode == "notification-200" and is_note else 202
            self.reply(status, {})
            return
        if mode == "silent":
            time.sleep(60)
            return
        if mode == "resumable":
            self.event_stream("id: e1\ndata: \n\n")
            return
        if mode == "retry":
            self.event_stream(f"retry: {RETRY_MS}\nid: r1\ndata: \n\n")
            self.wfile.flush()
            self.server.stream_ended = time.monotonic()
            return
        if mode == "stream-ends":
            self.event_stream(": nothing to say\n\n")
            return
        headers, body = initialize_answer(mode, msg.get("id"))
        self.reply(200, headers, body)

    def conforming_refusal(self, msg):
        """delete-405: what a conforming server answers besides initialize;
        True when it answered."""
        if self.headers.get("Origin"):
            self.reply(403, {})
        elif self.headers.get("MCP-Protocol-Version") == "1999-01-01":
            self.reply(400, {})
        elif msg.get("method") == "ping":
            self.reply(200, {}, {"jsonrpc": "2.0", "id": msg.get("id"), "result": {}})
        else:
            return False
        return True

    def do_DELETE(self):
        self.reply(405 if self.server.mode == "delete-405" else 200, {})


def serve_ws(conn, mode):
    try:
        headers = read_request(conn)
        if headers is None:
            return
        if mode == "ws-unauthorized":
            conn.sendall(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="mcp"'
                         b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        extra = () if mode == "ws-no-subprotocol" else ("Sec-WebSocket-Protocol: mcp",)
        handshake(conn, headers, extra=extra)
        while True:
            f = read_frame(conn)
            if f is None or f[0] == 8:
                return
            msg = json.loads(f[1])
            if msg.get("method") == "initialize":
                answer = {"jsonrpc": "2.0", "id": msg["id"], "result": INIT_RESULT}
                conn.sendall(frame(2, json.dumps(answer).encode()))
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode in HTTP_MODES:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.daemon_threads = True
        srv.mode = mode
        print(f"http://127.0.0.1:{srv.server_address[1]}/mcp", flush=True)
        srv.serve_forever()
        return 0
    if mode in WS_MODES:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        print(f"ws://127.0.0.1:{srv.getsockname()[1]}/mcp", flush=True)
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve_ws, args=(conn, mode), daemon=True).start()
    print(f"unknown mode {mode!r}; modes: {', '.join(HTTP_MODES + WS_MODES)}",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
