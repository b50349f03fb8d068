"""HTTP test server for the http helper and plugin tests.

Listens on 127.0.0.1, on a free port unless --port is given, and prints
"http://127.0.0.1:PORT" (or https:// with --tls CERT KEY; --client-ca CA
then requires a client certificate signed by CA) once ready. Routes:
  /health                 200 {"status":"ok"}
  /json                   200 application/json object
  /badjson                200 application/json that does not parse
  /text                   200 text/plain "all ok here"
  /binary                 200 bytes with NUL and invalid UTF-8
  /status/N               status N, body "status N"
  /redirect/N             302 to /redirect/N-1; /redirect/0 is 200 "arrived"
  /loop                   302 to itself
  /slow?s=S               waits S seconds, then 200 "slow"
  /stall                  sends the headers, then waits 30 s before the body
  /headers                repeated headers (X-Multi, Set-Cookie)
  /login                  200 {"user":"bob","ticket":T} and Set-Cookie sid=C,
                          T and C fixed values the redaction test looks for
  /echo                   any method: {"method","path","headers","body"}
  /big?n=N[&chunked=1]    N bytes of "x" (Content-Length, or chunked)
  /upgrade                WebSocket upgrade; query: status=N rejects with N,
                          accept=bad sends a wrong Sec-WebSocket-Accept,
                          proto=P selects P, origin=O rejects another Origin
                          with 403; otherwise 101, the first offered
                          subprotocol, and a close handshake
Everything else is 404.
"""
import argparse
import base64
import hashlib
import json
import ssl
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep the test output quiet
        pass

    def reply(self, status, body=b"", ctype="text/plain", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, obj):
        self.reply(status, json.dumps(obj), "application/json")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        body = self.read_body()
        if url.path == "/health":
            return self.reply_json(200, {"status": "ok", "uptime": 1.5})
        if url.path == "/json":
            return self.reply_json(200, {"status": "ok", "items": [1, 2, 3],
                                         "nested": {"name": "wscheck"}})
        if url.path == "/badjson":
            return self.reply(200, '{"status": ', "application/json")
        if url.path == "/text":
            return self.reply(200, "all ok here")
        if url.path == "/binary":
            return self.reply(200, b"ab\x00c\xff\xfed\xc3\xa9", "application/octet-stream")
        if parts[0] == "status" and len(parts) == 2:
            return self.reply(int(parts[1]), "status " + parts[1])
        if parts[0] == "redirect" and len(parts) == 2:
            n = int(parts[1])
            if n <= 0:
                return self.reply(200, "arrived")
            return self.reply(302, "", headers=[("Location", "/redirect/%d" % (n - 1))])
        if url.path == "/loop":
            return self.reply(302, "", headers=[("Location", "/loop")])
        if url.path == "/slow":
            time.sleep(float(q.get("s", "5")))
            return self.reply(200, "slow")
        if url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.flush()
            time.sleep(30)
            return None
        if url.path == "/headers":
            return self.reply(200, "headers", headers=[
                ("X-Multi", "one"), ("X-Multi", "two"),
                ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                ("X-Single", "Value With Case")])
        if url.path == "/login":
            return self.reply(200, json.dumps({"user": "bob", "ticket": "srv-ticket-S7q"}),
                              "application/json",
                              headers=[("Set-Cookie", "sid=srv-cookie-S6q; HttpOnly")])
        if url.path == "/echo":
            return self.reply_json(200, {
                "method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")})
        if url.path == "/big":
            return self.big(int(q.get("n", "1000")), q.get("chunked") == "1")
        if url.path == "/upgrade":
            return self.upgrade(q)
        return self.reply(404, "not found")

    def big(self, n, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(n))
        self.end_headers()
        block = b"x" * 65536
        try:
            while n > 0:
                part = block[:min(n, len(block))]
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                else:
                    self.wfile.write(part)
                n -= len(part)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client gave up (body too large): fine
            self.close_connection = True

    def upgrade(self, q):
        if "status" in q:
            return self.reply(int(q["status"]), "upgrade refused")
        if "origin" in q and self.headers.get("Origin") != q["origin"]:
            return self.reply(403, "origin not allowed")
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if q.get("accept") == "bad":
            accept = base64.b64encode(b"not the right accept").decode()
        offered = [p.strip() for p in
                   self.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        proto = q.get("proto") or (offered[0] if offered else None)
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        if proto:
            self.send_header("Sec-WebSocket-Protocol", proto)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        self.close_handshake()

    def close_handshake(self):
        """Echoes the client's close frame (or gives up after 5 s)."""
        self.connection.settimeout(5)
        try:
            while True:
                head = self.rfile.read(2)
                if len(head) < 2:
                    return
                opcode, n = head[0] & 0x0F, head[1] & 0x7F
                if n == 126:
                    n = int.from_bytes(self.rfile.read(2), "big")
                elif n == 127:
                    n = int.from_bytes(self.rfile.read(8), "big")
                mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(n)))
                if opcode == 8:
                    self.wfile.write(bytes([0x88, len(data[:125])]) + data[:125])
                    self.wfile.flush()
                    return
        except OSError:
            return

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = route


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are part of the tests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--client-ca")
    args = ap.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    scheme = "http"
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*args.tls)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
        scheme = "https"
    print("%s://127.0.0.1:%d" % (scheme, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
