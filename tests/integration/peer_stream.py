"""A WebSocket server that streams JSON progress objects, on Python's
`websockets`: an independent server for the stream engine (ws-basic
`stream`). Run it with the interpreter that has the module ($PYTHON_WS).

Prints "ws://127.0.0.1:PORT" once listening. The request path picks what
a connection gets (messages INTERVAL seconds apart, --interval, 0.05):

  /good        progress 0, 20, 40, 60, 80 with a {"type": "heartbeat"}
               after the second, then the terminal object (stage
               "completed"); the connection stays open
  /backwards   progress 0, 20, 60, 40, then the terminal object
  /silent      progress 0, 20, 40, then nothing (the connection stays open)
  /close       progress 0, 20, then a close with 1011 "Internal error"
  /drop        progress 0, 20, then the TCP connection is dropped without a
               close frame (as a crashed server's)
  /text        progress 0, then the text "hello" (not JSON)
  /subscribe   nothing until the client sends {"op": "subscribe"}, then as
               /good; any other first message: close 1008 "subscribe first"
  /snapshot/KEY  one progress object, 25 more than the previous connection
               to the same KEY got (from 25), with stage "completed" at 100;
               the connection then stays open, as a server that pushes
               only a first frame (followed by reconnecting)
  /idle        one waiting object, then an echo of each client text
               ({"type": "echo", "message": "Received: TEXT"}); a client
               silent for --idle seconds (1.0) is closed with 1000, as
               crackerjack does after 25 s
"""
import argparse
import asyncio
import json
import signal
import sys

import websockets


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--interval", type=float, default=0.05)
    p.add_argument("--idle", type=float, default=1.0)
    return p.parse_args()


OPTS = None
SNAPSHOTS = {}


def progress(pct, n):
    return json.dumps({"job_id": "0badc0de", "status": "running",
                       "current_stage": "iteration", "overall_progress": pct,
                       "timestamp": f"2025-01-01T10:00:{n:02d}"})


TERMINAL = json.dumps({"job_id": "0badc0de", "status": "completed",
                       "current_stage": "completed", "overall_progress": 100,
                       "timestamp": "2025-01-01T10:00:59"})


async def send_all(ws, frames):
    for f in frames:
        await ws.send(f)
        await asyncio.sleep(OPTS.interval)


def steps(values):
    return [progress(p, i) for i, p in enumerate(values)]


async def good(ws):
    frames = steps([0, 20, 40, 60, 80])
    frames.insert(2, json.dumps({"type": "heartbeat"}))
    await send_all(ws, frames + [TERMINAL])
    await ws.wait_closed()


async def idle(ws):
    await ws.send(json.dumps({"job_id": "0badc0de", "status": "waiting"}))
    while True:
        try:
            text = await asyncio.wait_for(ws.recv(), OPTS.idle)
        except asyncio.TimeoutError:
            await ws.close(1000, "")
            return
        await ws.send(json.dumps({"type": "echo", "message": f"Received: {text}"}))


async def subscribe(ws):
    first = await ws.recv()
    try:
        ok = json.loads(first) == {"op": "subscribe"}
    except ValueError:
        ok = False
    if not ok:
        await ws.close(1008, "subscribe first")
        return
    await good(ws)


async def snapshot(ws, key):
    pct = min(100, SNAPSHOTS.get(key, 0) + 25)
    SNAPSHOTS[key] = pct
    await ws.send(json.dumps({"job_id": key, "overall_progress": pct,
                              "current_stage": "completed" if pct == 100 else "iteration"}))
    await ws.wait_closed()


async def handler(ws, path=None):
    path = path if path is not None else ws.path
    try:
        if path == "/good":
            await good(ws)
        elif path == "/backwards":
            await send_all(ws, steps([0, 20, 60, 40]) + [TERMINAL])
            await ws.wait_closed()
        elif path == "/silent":
            await send_all(ws, steps([0, 20, 40]))
            await ws.wait_closed()
        elif path == "/close":
            await send_all(ws, steps([0, 20]))
            await ws.close(1011, "Internal error")
        elif path == "/drop":
            await send_all(ws, steps([0, 20]))
            ws.transport.abort()
        elif path == "/text":
            await send_all(ws, steps([0]) + ["hello"])
            await ws.wait_closed()
        elif path == "/subscribe":
            await subscribe(ws)
        elif path.startswith("/snapshot/"):
            await snapshot(ws, path[len("/snapshot/"):])
        elif path == "/idle":
            await idle(ws)
        else:
            await ws.close(1008, "unknown path")
    except websockets.ConnectionClosed:
        pass


async def serve():
    server = await websockets.serve(handler, "127.0.0.1", OPTS.port,
                                    ping_interval=None, compression=None)
    port = server.sockets[0].getsockname()[1]
    print(f"ws://127.0.0.1:{port}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    await stop
    server.close()
    await server.wait_closed()


def main():
    global OPTS
    OPTS = parse_args()
    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
