"""wscheck-mock against bad and many clients: close codes 1009/1007/1002,
fragments, 200 concurrent clients, clients that vanish, keepalive pings,
subprotocols, invalid opening handshakes, and plain HTTP on the WebSocket
port."""
import asyncio
import base64
import importlib.util
import json
import os
import re
import socket
import struct
import time

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)
websockets = lib.websockets  # imported (or the test skipped) by mock-lib.py


async def closed_with(ws, send):
    """Sends, then returns the close code the server sent (None if none)."""
    try:
        await send(ws)
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    except websockets.ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None


async def test_sizes(t, mock):
    limit = 65536
    ws, w = await lib.connect_client(mock)
    big = {"type": "echo", "pad": "x" * (limit - 40)}
    text = json.dumps(big)
    r = await lib.request(ws, text)
    t.ok(len(text) <= limit and r["original_message"] == big, "a message just under the limit is echoed whole")
    code = await closed_with(ws, lambda w: w.send("x" * (limit + 1)))
    t.eq(code, 1009, "a message over --max-message-size closes with 1009")
    ws, w = await lib.connect_client(mock)
    code = await closed_with(ws, lambda w: w.send(b"y" * (4 << 20)))
    t.eq(code, 1009, "a 4 MiB frame is refused with 1009, read but never stored")
    ws, w = await lib.connect_client(mock)
    parts = ['{"type":"echo",', '"frag":"', "y" * 100000, '"}']
    code = await closed_with(ws, lambda w: w.send(iter(parts)))
    t.eq(code, 1009, "a fragmented message growing over the limit closes with 1009")
    ws, w = await lib.connect_client(mock)
    await ws.send(iter(['{"type":"echo",', '"frag":', '"', "z" * 30000, '"}']))
    r = await lib.recv_json(ws)
    t.eq(r["original_message"], {"type": "echo", "frag": "z" * 30000},
         "a fragmented message is reassembled before it is handled")
    await ws.send(iter([b'{"type":', b'"ping"}']))
    t.eq((await lib.recv_json(ws))["type"], "pong", "a fragmented binary message is reassembled too")
    await ws.close()


def raw_case(port, data, seconds=5):
    s, status, rest = lib.raw_connect(port)
    try:
        lib.read_frames(s, rest, seconds=5, count=1)  # the welcome
        s.sendall(data)
        return status, lib.close_code(lib.read_frames(s, b"", seconds=seconds))
    finally:
        s.close()


def test_raw_frames(t, mock):
    p = mock.port
    cases = [
        ("invalid UTF-8 in a text frame", lib.frame(1, b'{"type":"ping","x":"\xc3\x28"}'), 1007),
        ("invalid UTF-8 split across fragments",
         lib.frame(1, b'{"x":"\xe2\x82', fin=False) + lib.frame(0, b'\x28"}'), 1007),
        ("reserved bits set", lib.frame(1, b"{}", rsv=4), 1002),
        ("an unknown opcode", lib.frame(3, b"{}"), 1002),
        ("a continuation with nothing to continue", lib.frame(0, b"{}"), 1002),
        ("a fragmented control frame", lib.frame(9, b"x", fin=False), 1002),
        ("a new message inside a fragmented one",
         lib.frame(1, b'{"a":', fin=False) + lib.frame(1, b"{}"), 1002),
        ("a close frame with an invalid status", lib.frame(8, struct.pack("!H", 999)), 1002),
    ]
    for name, data, code in cases:
        status, got = raw_case(p, data)
        t.ok(status.startswith("HTTP/1.1 101") and got == code,
             "%s closes with %d" % (name, code), "handshake %r, close code %r" % (status, got))
    s, status, rest = lib.raw_connect(p)
    lib.read_frames(s, rest, seconds=5, count=1)
    s.sendall(lib.frame(1, b'{"type":"ping"}', fin=False) + lib.frame(9, b"mid") +
              lib.frame(0, b"", fin=True))
    frames = lib.read_frames(s, b"", seconds=5, count=2)
    ops = [op for op, _ in frames]
    t.ok(10 in ops and any(op == 1 and b'"pong"' in pl for op, pl in frames),
         "a ping between fragments is answered and the message still handled", frames)
    s.sendall(lib.frame(8, struct.pack("!H", 1000)))
    t.eq(lib.close_code(lib.read_frames(s, b"", seconds=3)), 1000, "a normal close is echoed")
    s.close()


async def test_many_clients(t, mock):
    n = 200
    clients = await asyncio.gather(*[lib.connect_client(mock) for _ in range(n)])
    ids = [w["client_id"] for _, w in clients]
    t.ok(len(set(ids)) == n and all(lib.ID_RE.match(i) for i in ids),
         "%d concurrent clients get %d distinct 8-hex-digit ids" % (n, n), ids[:5])
    replies = await asyncio.gather(*[lib.request(ws, {"type": "ping", "i": i})
                                     for i, (ws, _) in enumerate(clients)])
    t.ok(all(r["type"] == "pong" and r["client_id"] == ids[i] for i, r in enumerate(replies)),
         "each of the %d clients gets its own pong" % n)
    ws0 = clients[0][0]
    r = await lib.request(ws0, {"type": "get_clients"})
    t.ok(set(ids) <= {c["id"] for c in r["clients"]}, "get_clients lists all %d" % n)
    r = await lib.request(ws0, {"type": "broadcast", "message": "all"})
    got = await asyncio.gather(*[lib.recv_json(ws) for ws, _ in clients[1:]])
    t.ok(r["recipients"] == n - 1 and all(m["message"] == "all" for m in got),
         "a broadcast reaches the other %d" % (n - 1), r)
    await asyncio.gather(*[ws.close() for ws, _ in clients[1:]])
    s = await lib.stats(ws0)
    t.eq(s["current_clients"], 1, "after %d clients closed, one is left" % (n - 1))
    await ws0.close()


async def wait_clients(ws, pred, seconds=5):
    deadline = time.monotonic() + seconds
    while True:
        r = await lib.request(ws, {"type": "get_clients"})
        ids = {c["id"] for c in r["clients"]}
        if pred(ids) or time.monotonic() > deadline:
            return ids
        await asyncio.sleep(0.05)


async def test_vanishing(t, mock):
    watcher, ww = await lib.connect_client(mock)
    gone, wg = await lib.connect_client(mock)
    await gone.send(json.dumps({"type": "simulate_delay", "delay_seconds": 5}))
    gone.transport.abort()          # no close frame: the TCP connection just ends
    ids = await wait_clients(watcher, lambda ids: wg["client_id"] not in ids)
    t.ok(wg["client_id"] not in ids, "a client that vanishes mid-delay leaves the list", ids)
    s, status, rest = lib.raw_connect(mock.port)
    welcome = json.loads(lib.read_frames(s, rest, seconds=5, count=1)[0][1])
    s.sendall(lib.frame(1, b'{"type":"echo","x":', fin=False))
    s.shutdown(socket.SHUT_RDWR)
    s.close()
    ids = await wait_clients(watcher, lambda ids: welcome["client_id"] not in ids)
    t.ok(welcome["client_id"] not in ids, "a client that vanishes mid-message leaves the list", ids)
    r = await lib.request(watcher, {"type": "ping"})
    t.eq(r["type"], "pong", "the others are still served")
    await watcher.close()


async def test_keepalive(t):
    mock = lib.Mock("--ping-interval", "0.3", "--ping-timeout", "0.6", mcp=False)
    alive = await mock.ws()           # websockets answers pings by itself
    await lib.recv_json(alive)
    s, status, rest = lib.raw_connect(mock.port)   # never answers pings
    # Read in a thread: the loop must stay free to answer the other
    # client's pings.
    frames = await asyncio.to_thread(lib.read_frames, s, rest, 4)
    t.ok(any(op == 9 for op, _ in frames), "the server pings an idle client", frames)
    t.eq(lib.close_code(frames), 1011, "a client that never answers pings is closed with 1011")
    s.close()
    r = await lib.request(alive, {"type": "ping"})
    t.eq(r["type"], "pong", "a client that answers pings stays connected")
    await alive.close()
    t.eq(mock.stop(), 0, "the keepalive mock exits 0")
    t.ok(mock.sanitizer_clean(), "no sanitizer report from the keepalive mock", mock.log()[-2000:])


async def test_subprotocols(t):
    mock = lib.Mock("--subprotocol", "chat", "--subprotocol", "mcp", mcp=False)
    async with mock.ws(subprotocols=["superchat", "chat"]) as ws:
        await lib.recv_json(ws)
        t.eq(ws.subprotocol, "chat", "an accepted subprotocol is selected")
    async with mock.ws() as ws:
        t.eq((await lib.recv_json(ws))["type"], "welcome", "a client offering no subprotocol is accepted")
    try:
        async with mock.ws(subprotocols=["other"]) as ws:
            t.ok(False, "a client offering only unknown subprotocols is refused")
    except websockets.InvalidStatusCode as e:
        t.eq(e.status_code, 400, "a client offering only unknown subprotocols gets 400")
    t.eq(mock.stop(), 0, "the subprotocol mock exits 0")


def test_http(t, mock):
    st, h, body = mock.http("GET", "/health")
    j = json.loads(body)
    t.ok(st == 200 and h.get("content-type", "").startswith("application/json") and
         list(j) == ["status", "uptime", "clients"] and j["status"] == "ok",
         "GET /health: 200 JSON with status, uptime, clients", (st, h, body))
    st, h, body = mock.http("GET", "/status")
    j = json.loads(body)
    t.ok(st == 200 and list(j) == ["websocket_server", "mcp_server", "timestamp"] and
         j["websocket_server"]["port"] == mock.port and
         j["websocket_server"]["url"] == "ws://127.0.0.1:%d" % mock.port,
         "GET /status: the server status object", (st, body[:300]))
    t.eq(list(j["websocket_server"]), ["host", "port", "is_running", "url", "clients_connected",
                                       "stats", "capabilities"], "GET /status: websocket_server keys in order")
    st, h, body = mock.http("HEAD", "/health")
    t.ok(st == 200 and body == b"", "HEAD /health: 200 without a body", (st, body))
    st, h, body = mock.http("GET", "/")
    t.ok(st == 426 and h.get("upgrade", "").lower() == "websocket",
         "GET / without an upgrade: 426 Upgrade Required", (st, h))
    st, h, body = mock.http("GET", "/some/ws/path?x=1")
    t.eq(st, 426, "GET on any other path without an upgrade: 426")
    st, h, body = mock.http("POST", "/health", body=b'{"x":1}', headers={"Content-Type": "application/json"})
    t.ok(st == 405 and "GET" in h.get("allow", ""), "POST: 405 with Allow", (st, h))
    st, h, body = mock.http("DELETE", "/status")
    t.eq(st, 405, "DELETE: 405")
    s = socket.create_connection(("127.0.0.1", mock.port), timeout=5)
    s.sendall(b"GARBAGE\r\n\r\n")
    try:
        data = s.recv(4096)
    except (socket.timeout, ConnectionResetError):
        data = None
    s.close()
    t.ok(data is not None and (data == b"" or re.match(rb"HTTP/1\.[01] 4\d\d ", data)),
         "a malformed request is refused or closed, not left hanging", data)


def test_handshake(t, mock):
    """RFC 6455 section 4.2.1: what is not a valid opening handshake is
    refused with a status, never upgraded and never just dropped."""
    p = mock.port
    st, h, body = lib.raw_http(p, lib.upgrade_request(p, version="99"))
    t.ok(st == 426 and h.get("sec-websocket-version") == "13",
         "Sec-WebSocket-Version: 99 gets 426 with Sec-WebSocket-Version: 13", (st, h, body))
    st, h, body = lib.raw_http(p, lib.upgrade_request(p, version="8"))
    t.eq(st, 426, "Sec-WebSocket-Version: 8 gets 426")
    cases = [
        ("no Sec-WebSocket-Version", dict(version=None)),
        ("a POST upgrade", dict(method="POST")),
        ("a 3-character Sec-WebSocket-Key", dict(key="abc")),
        ("a Sec-WebSocket-Key of 15 bytes", dict(key=base64.b64encode(b"k" * 15).decode())),
        ("a Sec-WebSocket-Key of 17 bytes", dict(key=base64.b64encode(b"k" * 17).decode())),
        ("no Sec-WebSocket-Key", dict(key=None)),
        ("no Connection: Upgrade", dict(connection="keep-alive")),
        ("no Connection header", dict(connection=None)),
        ("an HTTP/1.0 upgrade", dict(http="HTTP/1.0")),
    ]
    for name, kw in cases:
        st, h, body = lib.raw_http(p, lib.upgrade_request(p, **kw))
        t.ok(st == 400 and body.strip(), "%s gets 400 with a reason" % name, (st, h, body))
    st, h, body = lib.raw_http(p, lib.upgrade_request(p, connection="keep-alive, Upgrade"))
    t.eq(st, 101, "Connection: keep-alive, Upgrade (as Firefox sends) is upgraded")
    st, h, body = lib.raw_http(p, lib.upgrade_request(p, key="dGhlIHNhbXBsZSBub25jZQ=="))
    t.ok(st == 101 and h.get("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
         "the RFC 6455 sample key gets the sample accept value", (st, h))


def big_get(port, url_len=0, pad=0):
    req = "GET /%s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % ("a" * url_len)
    if pad:
        req += "X-Pad: %s\r\n" % ("p" * pad)
    return lib.raw_http(port, (req + "\r\n").encode())


def test_header_limit(t, mock):
    """A request head over --max-header-size gets 431, not a silent close."""
    st, h, body = big_get(mock.port, url_len=100000)
    t.ok(st == 431 and b"8192" in body and h.get("connection") == "close",
         "a 100 KB URL gets 431 naming the 8192-byte limit", (st, h, body[:200]))
    st, h, body = big_get(mock.port, pad=20000)
    t.eq(st, 431, "a 20 KB header gets 431")
    st, h, body = big_get(mock.port, url_len=7000)
    t.eq(st, 426, "a 7 KB URL is within the default limit")
    s = socket.create_connection(("127.0.0.1", mock.port), timeout=5)
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = b""
        while not first.endswith(b"}"):     # the whole /health answer
            d = s.recv(65536)
            if not d:
                break
            first += d
        s.sendall(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        second = s.recv(65536)
    except (socket.timeout, ConnectionResetError) as e:
        second = repr(e).encode()
    finally:
        s.close()
    t.ok(first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 431"),
         "a 100 KB URL as the second request on a kept-alive connection gets 431", (first[:40], second[:80]))
    st, h, body = lib.raw_http(mock.port, lib.upgrade_request(mock.port)[:-2] +
                               b"X-Pad: " + b"p" * 30000 + b"\r\n\r\n")
    t.eq(st, 431, "an upgrade request with a 30 KB header gets 431")
    conf = os.path.join(mock.tmp, "big-headers.json")
    with open(conf, "w") as f:
        json.dump({"max-header-size": "64K"}, f)
    big = lib.Mock("--config", conf)
    st, h, body = big_get(big.port, url_len=30000)
    t.eq(st, 426, "max-header-size 64K in the config file: a 30 KB URL is read")
    st, h, body = big_get(big.mcp_port, pad=100000)
    t.ok(st == 431 and b"65536" in body, "a 100 KB header on the MCP port gets 431", (st, body[:200]))
    t.eq(big.stop(), 0, "the mock with a 64K header limit exits 0")
    t.ok(big.sanitizer_clean(), "no sanitizer report from the 64K mock", big.log()[-2000:])
    bad = lib.Mock("--max-header-size", "100", wait=False)
    t.eq(bad.proc.wait(15), 2, "--max-header-size below 1K is a usage error")


async def main(t):
    mock = lib.Mock("--max-message-size", "64K", mcp=False)
    await test_sizes(t, mock)
    test_raw_frames(t, mock)
    await test_many_clients(t, mock)
    await test_vanishing(t, mock)
    test_http(t, mock)
    test_handshake(t, mock)
    test_header_limit(t, mock)
    await test_keepalive(t)
    await test_subprotocols(t)
    t.eq(mock.stop(), 0, "the mock exits 0 on SIGTERM")
    t.ok(mock.sanitizer_clean(), "no sanitizer report in the mock's output", mock.log()[-3000:])


lib.run(main)
