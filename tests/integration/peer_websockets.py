"""A WebSocket test peer on Python's `websockets` (10.4, Debian's
python3-websockets): an independent server implementation to test wscheck
against. Run it with the interpreter that has the module ($PYTHON_WS).

Prints "ws://127.0.0.1:PORT" once listening (port 0: the system chooses).

Options (the same as peer-ws.js where they exist):
  --host H --port N
  --protocols a,b       subprotocols the server supports
  --welcome TEXT        sent to every client on connect
  --ping-interval S     the server pings every client every S seconds
  --close-after S --close-code N --close-reason TEXT
                        closes every connection S seconds after it opens
  --reject-status N     refuses every upgrade with this HTTP status
  --heartbeat TEXT      sent before every reply (a heartbeat that tests
                        must ignore, at a place known in advance)

Every message is echoed except the text commands
  wsc:close CODE [REASON], wsc:ping [PAYLOAD], wsc:fragments N TEXT,
  wsc:big N, wsc:binary N
(see peer-ws.js), and
  wsc:broadcast TEXT    TEXT to every other client; the sender gets
                        "wsc:sent N" (N: how many received it).
"""
import argparse
import asyncio
import http
import signal
import sys

import websockets


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--protocols", default="")
    p.add_argument("--welcome")
    p.add_argument("--ping-interval", type=float, default=0)
    p.add_argument("--close-after", type=float, default=0)
    p.add_argument("--close-code", type=int, default=1000)
    p.add_argument("--close-reason", default="")
    p.add_argument("--reject-status", type=int, default=0)
    p.add_argument("--heartbeat")
    return p.parse_args()


CLIENTS = set()


async def broadcast(ws, text):
    others = [c for c in CLIENTS if c is not ws and c.open]
    for other in others:
        try:
            await other.send(text)
        except websockets.ConnectionClosed:
            pass
    await ws.send(f"wsc:sent {len(others)}")


async def command(ws, text):
    """Runs a wsc: command; returns False when text is not one."""
    parts = text.split(" ")
    name = parts[0]
    if name == "wsc:broadcast":
        await broadcast(ws, " ".join(parts[1:]))
    elif name == "wsc:close":
        await ws.close(int(parts[1]), " ".join(parts[2:]))
    elif name == "wsc:ping":
        await ws.ping(" ".join(parts[1:]))
    elif name == "wsc:fragments":
        n = max(1, int(parts[1]))
        body = " ".join(parts[2:])
        size = max(1, -(-len(body) // n))
        await ws.send([body[i * size:(i + 1) * size] for i in range(n)])
    elif name == "wsc:big":
        await ws.send("x" * int(parts[1]))
    elif name == "wsc:binary":
        await ws.send(bytes(i & 0xFF for i in range(int(parts[1]))))
    else:
        return False
    return True


def make_handler(opts):
    async def handler(ws, _path=None):
        closer = None
        if opts.close_after > 0:
            async def close_later():
                await asyncio.sleep(opts.close_after)
                await ws.close(opts.close_code, opts.close_reason)
            closer = asyncio.ensure_future(close_later())
        CLIENTS.add(ws)
        try:
            if opts.welcome is not None:
                await ws.send(opts.welcome)
            async for msg in ws:
                if opts.heartbeat is not None:
                    await ws.send(opts.heartbeat)
                if isinstance(msg, str) and await command(ws, msg):
                    continue
                await ws.send(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            CLIENTS.discard(ws)
            if closer:
                closer.cancel()
    return handler


def make_process_request(opts):
    async def process_request(_path, _headers):
        if opts.reject_status:
            status = http.HTTPStatus(opts.reject_status)
            return status, [("Content-Type", "text/plain")], b"rejected by peer\n"
        return None
    return process_request


async def serve(opts):
    protocols = [p for p in opts.protocols.split(",") if p] or None
    server = await websockets.serve(
        make_handler(opts), opts.host, opts.port,
        subprotocols=protocols,
        ping_interval=opts.ping_interval or None,
        ping_timeout=None,
        max_size=None,
        compression=None,
        process_request=make_process_request(opts))
    port = server.sockets[0].getsockname()[1]
    print(f"ws://{opts.host}:{port}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    await stop
    server.close()
    await server.wait_closed()


def main():
    opts = parse_args()
    asyncio.run(serve(opts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
