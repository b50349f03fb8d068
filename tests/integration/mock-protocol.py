"""wscheck-mock: every row of the protocol (mock-server.md) with Python
websockets as the client - welcome, the seven message types, the errors,
the errors counter, delays and the error-test block, per-client order."""
import asyncio
import importlib.util
import json
import os

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)

TYPES_ERROR_KEYS = ["type", "error", "available_types", "timestamp"]


async def test_welcome(t, mock):
    ws, w = await lib.connect_client(mock)
    t.eq(list(w), ["type", "client_id", "server_info", "timestamp"], "welcome: keys in order")
    t.eq(w["type"], "welcome", "welcome: type")
    t.ok(lib.ID_RE.match(w["client_id"]), "welcome: client_id is 8 lowercase hex digits", w)
    t.eq(w["server_info"], {"name": "WebSocket Mock Server", "version": "1.0.0",
                            "capabilities": lib.CAPABILITIES},
         "welcome: server_info with the 7 capabilities in order")
    t.ok(isinstance(w["timestamp"], float) and w["timestamp"] > 1.5e9,
         "welcome: timestamp is epoch seconds with a fraction", w["timestamp"])
    await ws.close()


async def test_ping_echo(t, mock):
    ws, w = await lib.connect_client(mock)
    cid = w["client_id"]
    r = await lib.request(ws, {"type": "ping", "test_id": "x", "n": 1})
    t.eq(list(r), ["type", "client_id", "timestamp", "server_time"], "pong: keys in order")
    t.ok(r["type"] == "pong" and r["client_id"] == cid, "pong: type and client_id", r)
    t.ok(lib.ISO_RE.match(r["server_time"]), "pong: server_time is YYYY-MM-DDTHH:MM:SS.ffffff", r)
    msg = {"type": "echo", "n": 42, "pi": 3.25, "big": 123456789012345678901234567890,
           "neg": -0.5, "ok": True, "no": False, "nothing": None,
           "list": [1, "two", {"three": [3.0]}], "nested": {"a": {"b": []}},
           "text": "h\u00e9llo \u2603 \"q\" \\ /slash\n\ttab", "emoji": "\U0001F600"}
    r = await lib.request(ws, msg)
    t.eq(list(r), ["type", "client_id", "original_message", "timestamp"], "echo_response: keys in order")
    t.eq(r["original_message"], msg, "echo: the whole request with non-string fields comes back")
    t.eq(list(r["original_message"]), list(msg), "echo: original key order kept")
    r = await lib.request(ws, '{"type":"echo","a":1,"a":2}')
    t.eq(r["original_message"], {"type": "echo", "a": 2}, "echo: a repeated key keeps the last value, as Python")
    await ws.send(json.dumps({"type": "ping"}).encode())
    r = await lib.recv_json(ws)
    t.eq(r["type"], "pong", "a binary frame holding JSON is handled like text")
    await ws.send(json.dumps({"type": "ping"}).encode("utf-16"))
    r = await lib.recv_json(ws)
    t.eq(r["type"], "pong", "a binary frame in UTF-16 is decoded as json.loads(bytes) does")
    await ws.close()


async def test_errors(t, mock):
    ws, w = await lib.connect_client(mock)
    r = await lib.request(ws, {"type": "nope"})
    t.eq(list(r), TYPES_ERROR_KEYS, "unknown type: keys in order")
    t.eq((r["type"], r["error"], r["available_types"]),
         ("error", "Unknown message type: nope", lib.CAPABILITIES), "unknown type: error and available types")
    for raw, shown in [('{}', "unknown"), ('{"type":5}', "5"), ('{"type":5.0}', "5.0"),
                       ('{"type":true}', "True"), ('{"type":null}', "None"),
                       ('{"type":"PING"}', "PING")]:
        r = await lib.request(ws, raw)
        t.eq(r["error"], "Unknown message type: " + shown, "type in %s shows as %s" % (raw, shown))
    bad = ["", "not json", "{", '{"type": "ping",}', '{"type" "ping"}', "[1, 2", '"abc',
           '{"a":1} x', "\ufeff{}", '{"t":"\\x"}', '{"t":"a\tb"}', "[01]", "\n\n  {\n  ]",
           '{"t": "\u00e9\u00e9", x}', "nul", "-"]
    for doc in bad:
        try:
            json.loads(doc)
            expected = None
        except json.JSONDecodeError as e:
            expected = "Invalid JSON: %s" % e
        r = await lib.request(ws, doc)
        t.eq((list(r), r.get("error")), (["type", "error", "timestamp"], expected),
             "invalid JSON %r: Python's message" % doc)
    await ws.close()


async def test_counting(t, mock):
    """Non-object JSON and unhashable types: no reply, errors += 1."""
    ws, w = await lib.connect_client(mock)
    before = await lib.stats(ws)
    for raw in ["[1,2]", '"ping"', "42", "null", '{"type":[1]}', '{"type":{"a":1}}',
                '{"type":"simulate_delay","delay_seconds":"2"}',
                '{"type":"simulate_delay","delay_seconds":null}',
                '{"type":"error_test","error_type":"exception"}']:
        await ws.send(raw)
    await ws.send(b"\x80{}")          # bytes that are not UTF-8
    after = await lib.stats(ws)        # replies keep order: nothing came before
    t.eq(after["errors"] - before["errors"], 10,
         "no reply and errors += 1 for non-objects, unhashable types, bad delays, exception, undecodable bytes")
    t.eq(after["total_messages"] - before["total_messages"], 10,
         "total_messages counts every parsed message, get_stats included")
    t.ok(await lib.recv_none(ws, 0.3), "no stray reply after the error cases")
    await ws.send("not json")
    await lib.recv_json(ws)
    again = await lib.stats(ws)
    t.eq(again["total_messages"] - after["total_messages"], 1,
         "invalid JSON leaves the counters alone")
    t.eq(again["errors"], after["errors"], "invalid JSON does not count as an error")
    r = await lib.request(ws, {"type": "ping"})
    t.eq(r["type"], "pong", "the connection stays usable after the errors")
    await ws.close()


async def test_broadcast(t, mock):
    a, wa = await lib.connect_client(mock)
    r = await lib.request(a, {"type": "broadcast", "message": "alone"})
    t.eq(list(r), ["type", "client_id", "recipients", "timestamp"], "broadcast_sent: keys in order")
    t.ok(r["type"] == "broadcast_sent" and r["recipients"] == 0 and r["client_id"] == wa["client_id"],
         "broadcast with one client: 0 recipients", r)
    t.ok(await lib.recv_none(a, 0.2), "broadcast with one client: the sender gets no copy")
    b, wb = await lib.connect_client(mock)
    c, wc = await lib.connect_client(mock)
    r = await lib.request(a, {"type": "broadcast", "message": {"text": "hi", "n": [1, 2]}})
    t.eq(r["recipients"], 2, "broadcast with three clients: 2 recipients")
    for ws, name in [(b, "second"), (c, "third")]:
        m = await lib.recv_json(ws)
        t.eq(list(m), ["type", "from_client", "message", "timestamp"], "broadcast: keys in order (%s client)" % name)
        t.eq((m["type"], m["from_client"], m["message"]),
             ("broadcast", wa["client_id"], {"text": "hi", "n": [1, 2]}),
             "broadcast reaches the %s client with from_client and message" % name)
    await c.close()
    r = await lib.request(b, {"type": "broadcast"})
    t.eq(r["recipients"], 1, "broadcast with two clients: 1 recipient")
    m = await lib.recv_json(a)
    t.eq(m["message"], "", "broadcast without message sends \"\"")
    r = await lib.request(b, {"type": "broadcast", "message": None})
    m = await lib.recv_json(a)
    t.eq(m["message"], None, "an explicit null message stays null")
    await a.close()
    await b.close()


async def test_clients_and_stats(t, mock):
    a, wa = await lib.connect_client(mock)
    b, wb = await lib.connect_client(mock)
    first = await lib.stats(a)
    r = await lib.request(a, {"type": "get_clients"})
    t.eq(list(r), ["type", "client_id", "clients", "total_clients", "timestamp"], "clients_list: keys in order")
    by_id = {c["id"]: c for c in r["clients"]}
    t.ok(wa["client_id"] in by_id and wb["client_id"] in by_id, "clients_list has both clients", r)
    t.eq(r["total_clients"], len(r["clients"]), "total_clients is the length of the list")
    ca, cb = by_id.get(wa["client_id"], {}), by_id.get(wb["client_id"], {})
    t.eq(list(ca), ["id", "connected_at", "last_ping", "metadata", "remote_address"], "client entry: keys in order")
    t.eq(ca.get("remote_address"), "127.0.0.1:%d" % a.local_address[1],
         "remote_address is the client's own ip:port")
    t.ok(lib.ISO_RE.match(ca.get("connected_at", "")) and lib.ISO_RE.match(ca.get("last_ping") or ""),
         "connected_at and last_ping (set by the request) are ISO times", ca)
    t.eq((cb.get("last_ping"), cb.get("metadata")), (None, {}), "a client that sent nothing: last_ping null, metadata {}")
    s = await lib.stats(a)
    t.eq(list(s), ["total_connections", "total_messages", "start_time", "errors", "uptime_seconds",
                   "current_clients", "server_info"], "stats: keys in order")
    t.eq(s["server_info"], {"host": "127.0.0.1", "port": mock.port, "is_running": True},
         "stats: server_info with host, port in use, is_running")
    t.eq(s["total_messages"] - first["total_messages"], 2, "get_stats and get_clients both counted")
    t.ok(lib.ISO_RE.match(s["start_time"]) and isinstance(s["uptime_seconds"], float) and s["uptime_seconds"] >= 0,
         "stats: start_time ISO, uptime_seconds a float", s)
    c, wc = await lib.connect_client(mock)
    s2 = await lib.stats(a)
    t.eq((s2["total_connections"] - s["total_connections"], s2["current_clients"] - s["current_clients"]),
         (1, 1), "a new connection: total_connections and current_clients + 1")
    await c.close()
    await b.close()
    s3 = await lib.stats(a)
    t.eq((s3["total_connections"], s3["current_clients"]), (s2["total_connections"], s2["current_clients"] - 2),
         "closed clients stop counting at once; total_connections stays")
    await a.close()


async def test_delay(t, mock):
    a, wa = await lib.connect_client(mock)
    b, wb = await lib.connect_client(mock)
    for d, shown in [(-5, 0), (0.2, 0.2), (0, 0), (0.05, 0.05)]:
        r = await lib.request(a, {"type": "simulate_delay", "delay_seconds": d}, timeout=5)
        t.ok(r["delay_seconds"] == shown and type(r["delay_seconds"]) is type(shown),
             "simulate_delay %r replies delay_seconds %r (%s)" % (d, shown, type(shown).__name__), r)
    t.eq(list(r), ["type", "client_id", "delay_seconds", "timestamp"], "delay_completed: keys in order")
    r = await lib.request(a, {"type": "simulate_delay"}, timeout=5)
    t.ok(r["delay_seconds"] == 1.0 and isinstance(r["delay_seconds"], float),
         "simulate_delay without delay_seconds waits 1.0 (a float)", r)
    # One client's delay holds neither another client nor its own order.
    await a.send(json.dumps({"type": "simulate_delay", "delay_seconds": 1}))
    await a.send(json.dumps({"type": "ping"}))
    r = await lib.request(b, {"type": "ping"})
    t.eq(r["type"], "pong", "another client's ping is answered during the delay")
    t.ok(await lib.recv_none(a, 0.2), "the delayed client has no reply yet when the other got its pong")
    first, second = await lib.recv_json(a), await lib.recv_json(a)
    t.eq((first["type"], first["delay_seconds"], second["type"]), ("delay_completed", 1, "pong"),
         "the delayed client's ping waits for its delay: replies in request order, integer 1 stays 1")
    await a.close()
    await b.close()


async def test_delay_clamp_high(t, mock):
    """20 s is clamped to 10: runs beside the other tests."""
    ws, w = await lib.connect_client(mock)
    r = await lib.request(ws, {"type": "simulate_delay", "delay_seconds": 20}, timeout=25)
    t.ok(r["delay_seconds"] == 10 and isinstance(r["delay_seconds"], int),
         "simulate_delay 20 is clamped to the integer 10", r)
    await ws.close()


async def test_error_test(t, mock):
    ws, w = await lib.connect_client(mock)
    cid = w["client_id"]
    r = await lib.request(ws, {"type": "error_test"})
    t.eq(r, dict(r, type="error_test_response", client_id=cid, error_type="generic",
                 message="Simulated error of type: generic"), "error_test defaults to generic")
    t.eq(list(r), ["type", "client_id", "error_type", "message", "timestamp"], "error_test_response: keys in order")
    r = await lib.request(ws, {"type": "error_test", "error_type": "boom"})
    t.eq(r["message"], "Simulated error of type: boom", "error_test with another type names it")
    r = await lib.request(ws, {"type": "error_test", "error_type": ["a", 1]})
    t.eq((r["error_type"], r["message"]), (["a", 1], "Simulated error of type: ['a', 1]"),
         "a non-string error_type is echoed and shown as Python's str()")
    r = await lib.request(ws, {"type": "error_test", "error_type": "invalid_json"})
    t.eq(list(r), ["type", "error_type", "message", "timestamp"], "invalid_json: no client_id")
    t.eq((r["type"], r["error_type"], r["message"]),
         ("error_test_response", "invalid_json", "Simulated invalid JSON error"), "invalid_json: the simulated error")
    before = await lib.stats(ws)
    await ws.send(json.dumps({"type": "error_test", "error_type": "exception"}))
    t.ok(await lib.recv_none(ws, 0.3), "exception: no reply")
    after = await lib.stats(ws)
    t.eq(after["errors"] - before["errors"], 1, "exception: errors + 1")
    await ws.close()


async def test_timeout_block(t, mock):
    """error_test timeout: no reply, and the client's next message waits 15 s
    while another client is served. Runs beside the other tests."""
    a, wa = await lib.connect_client(mock)
    b, wb = await lib.connect_client(mock)
    loop = asyncio.get_running_loop()
    await a.send(json.dumps({"type": "error_test", "error_type": "timeout"}))
    await a.send(json.dumps({"type": "ping"}))
    # More than the server holds before it stops reading from the socket.
    for i in range(400):
        await a.send(json.dumps({"type": "echo", "seq": i}))
    start = loop.time()
    r = await lib.request(b, {"type": "ping"})
    t.eq(r["type"], "pong", "timeout block: another client is answered at once")
    t.ok(await lib.recv_none(a, 5), "timeout block: the blocked client gets nothing for 5 s")
    r = await lib.recv_json(a, timeout=20)
    t.ok(r["type"] == "pong" and loop.time() - start > 10,
         "timeout block: the next message is answered after the block (about 15 s), with no reply to the test itself",
         (r, loop.time() - start))
    seqs = [(await lib.recv_json(a))["original_message"]["seq"] for _ in range(400)]
    t.eq(seqs, list(range(400)), "timeout block: 400 messages held meanwhile are answered in order")
    await a.close()
    await b.close()


async def main(t):
    mock = lib.Mock(mcp=False)
    # The slow cases get their own server, so broadcasts stay between the
    # clients a case opened.
    slow_mock = lib.Mock(mcp=False)
    slow = [asyncio.create_task(test_timeout_block(t, slow_mock)),
            asyncio.create_task(test_delay_clamp_high(t, slow_mock))]
    for test in [test_welcome, test_ping_echo, test_errors, test_counting, test_broadcast,
                 test_clients_and_stats, test_delay, test_error_test]:
        await test(t, mock)
    await asyncio.gather(*slow)
    for m, name in [(mock, "mock"), (slow_mock, "second mock")]:
        rc = m.stop()
        t.eq(rc, 0, "the %s exits 0 on SIGTERM" % name)
        t.ok(m.sanitizer_clean(), "no sanitizer report in the %s's output" % name, m.log()[-3000:])


lib.run(main)
