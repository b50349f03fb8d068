"""A monitoring WebSocket server on Python's `websockets`, written from the
protocol notes (crackerjack's live metrics, historical metrics, alerts and
dashboard endpoints): an independent server for the monitoring plugin's
feed checks. Run it with the interpreter that has the module ($PYTHON_WS).

Prints "ws://127.0.0.1:PORT" once listening. Endpoints, as crackerjack's:

  /ws/metrics/live              initial_metrics, then metrics_update after
                                --period seconds without a frame from the
                                client; {"type": "request_update"} is
                                answered with a metrics_update at once
  /ws/metrics/historical/DAYS   DAYS * 40 records in historical_chunk
                                messages of 100, then historical_complete;
                                DAYS not an integer up to 365: 403
  /ws/alerts/subscribe          active_alerts (empty), then an alert message
                                for each trigger; {"type": "ack",
                                "metric_name": M} gets {"type":
                                "ack_received", "metric_name": M}
  /ws/dashboard/overview        dashboard_update after 0.05 s, then every
                                --dashboard-period seconds
  /trigger?metric=NAME          (plain HTTP GET) raises an alert on every
                                alert subscriber: 200 {"triggered": N}
  /mcp                          MCP over WebSocket (subprotocol "mcp"): the
                                tool trigger_alert {metric_name} raises one

A first path segment before /ws picks a fault for that connection:

  /stall       live: two updates, then nothing; dashboard: the first message,
               then nothing
  /duplicate   live: the first update is sent twice
  /backwards   live: the second update's timestamp goes back
  /missing     live: the second update lacks error_count
  /noanswer    live: request_update is ignored
  /burst       live: the second update follows the first at once
  /drop        live, dashboard: the socket is dropped right after the
               handshake, without a close frame (crackerjack 0.44.29+)
  /dropalert   alerts: a trigger is accepted but no alert is sent
  /twice       alerts: every alert is sent twice
  /noalerts    alerts: like crackerjack, never any alert message
  /panel       dashboard: the first refresh lacks active_alerts
  /gap         historical: chunk 1 is never sent
  /total       historical: total_records is one more than the records
  /anydays     historical: any DAYS is accepted (no 403)
"""
import argparse
import asyncio
import datetime
import http
import json
import signal
import sys
import urllib.parse

import websockets

OPTS = None
SUBSCRIBERS = {}  # alert subscriber socket -> its fault


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--period", type=float, default=0.2)
    p.add_argument("--dashboard-period", type=float, default=0.2)
    return p.parse_args()


CLOCK = [datetime.datetime(2025, 1, 1, 10, 0, 0)]


def now_iso(step=1):
    """Timestamps that move on by `step` seconds at each call."""
    CLOCK[0] += datetime.timedelta(seconds=step)
    return CLOCK[0].isoformat()


def metrics(n, drop=None):
    m = {"timestamp": now_iso(), "quality_score": 80 + n % 5,
         "test_coverage": 71.5, "hook_duration": 1.25, "active_jobs": n % 3,
         "error_count": n % 2, "trend_direction": "stable", "predictions": {}}
    if drop:
        del m[drop]
    return m


def frame(kind, data, timestamp=None):
    return json.dumps({"type": kind, "data": data,
                       "timestamp": timestamp or now_iso(0)})


def split(path):
    """'/stall/ws/metrics/live' -> ('stall', '/ws/metrics/live')."""
    parts = path.split("?")[0].split("/")
    if len(parts) > 2 and parts[1] != "ws":
        return parts[1], "/" + "/".join(parts[2:])
    return "", path.split("?")[0]


async def live(ws, fault):
    n = 0
    await ws.send(frame("initial_metrics", metrics(n)))
    sent = []
    while True:
        try:
            text = await asyncio.wait_for(ws.recv(), OPTS.period)
            if json.loads(text).get("type") == "request_update" and fault != "noanswer":
                n += 1
                await ws.send(frame("metrics_update", metrics(n)))
            continue
        except asyncio.TimeoutError:
            pass
        n += 1
        if fault == "stall" and n > 2:
            await ws.wait_closed()
            return
        stamp = None
        if fault == "backwards" and n == 3:
            stamp = "2024-12-31T23:59:59"
        text = frame("metrics_update",
                     metrics(n, "error_count" if fault == "missing" and n == 3 else None),
                     stamp)
        await ws.send(text)
        sent.append(text)
        if fault == "duplicate" and n == 2:
            await ws.send(text)
        if fault == "burst" and n == 2:
            n += 1
            await ws.send(frame("metrics_update", metrics(n)))


async def historical(ws, fault, days):
    records = [metrics(i) for i in range(days * 40)]
    chunks = [records[i:i + 100] for i in range(0, len(records), 100)]
    for i, chunk in enumerate(chunks):
        if fault == "gap" and i == 1:
            continue
        await ws.send(json.dumps({"type": "historical_chunk", "data": chunk,
                                  "chunk_index": i, "total_chunks": len(chunks),
                                  "timestamp": now_iso(0)}))
        await asyncio.sleep(0.02)
    total = len(records) + (1 if fault == "total" else 0)
    await ws.send(json.dumps({"type": "historical_complete", "total_records": total,
                              "timestamp": now_iso(0)}))
    await ws.wait_closed()


def quality_alert(metric):
    return {"severity": "warning", "message": f"{metric} passed its threshold",
            "metric_name": metric, "current_value": 12, "threshold_value": 10,
            "triggered_at": now_iso(0), "git_hash": None}


async def raise_alert(metric):
    for ws, fault in list(SUBSCRIBERS.items()):
        if fault in ("dropalert", "noalerts"):
            continue
        text = frame("alert", quality_alert(metric))
        try:
            await ws.send(text)
            if fault == "twice":
                await ws.send(text)
        except websockets.ConnectionClosed:
            pass
    return len(SUBSCRIBERS)


async def alerts(ws, fault):
    await ws.send(frame("active_alerts", []))
    SUBSCRIBERS[ws] = fault
    try:
        async for text in ws:
            msg = json.loads(text)
            if msg.get("type") == "ack":
                await ws.send(json.dumps({"type": "ack_received",
                                          "metric_name": msg.get("metric_name")}))
    finally:
        SUBSCRIBERS.pop(ws, None)


def dashboard_state(n, drop=None):
    state = {"current_metrics": metrics(n), "historical_data": [metrics(n)],
             "active_alerts": [],
             "system_health": {"overall_status": "healthy", "cpu_usage": 3.5,
                               "memory_usage": 41.0, "disk_usage": 57.25,
                               "service_status": {"quality_baseline": "healthy",
                                                  "git": "healthy", "cache": "healthy"}},
             "recommendations": ["keep going"], "last_updated": now_iso(0)}
    if drop:
        del state[drop]
    return state


async def dashboard(ws, fault):
    await asyncio.sleep(0.05)
    n = 0
    while True:
        drop = "active_alerts" if fault == "panel" and n == 1 else None
        await ws.send(frame("dashboard_update", dashboard_state(n, drop)))
        n += 1
        if fault == "stall":
            await ws.wait_closed()
            return
        await asyncio.sleep(OPTS.dashboard_period)


async def mcp(ws):
    async for text in ws:
        msg = json.loads(text)
        method, mid = msg.get("method"), msg.get("id")
        if mid is None:
            continue
        if method == "initialize":
            result = {"protocolVersion": msg["params"]["protocolVersion"],
                      "capabilities": {"tools": {}},
                      "serverInfo": {"name": "peer-monitoring", "version": "1"}}
        elif method == "tools/call" and msg["params"]["name"] == "trigger_alert":
            metric = msg["params"].get("arguments", {}).get("metric_name", "error_count")
            n = await raise_alert(metric)
            result = {"content": [{"type": "text", "text": f"alert raised for {n}"}],
                      "isError": False}
        else:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": mid,
                                      "error": {"code": -32601, "message": "unknown"}}))
            continue
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": mid, "result": result}))


def days_of(path, fault=""):
    try:
        days = int(path.rsplit("/", 1)[1])
    except ValueError:
        return None
    return days if 0 <= days <= 365 or fault == "anydays" else None


async def process_request(path, headers):
    """Plain HTTP (the trigger) and the 403 of a bad DAYS."""
    fault, route = split(path)
    if route == "/trigger":
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        n = await raise_alert(query.get("metric", ["error_count"])[0])
        body = json.dumps({"triggered": n}).encode()
        return http.HTTPStatus.OK, [("Content-Type", "application/json")], body
    if route.startswith("/ws/metrics/historical/") and days_of(route, fault) is None:
        return http.HTTPStatus.FORBIDDEN, [], b""
    return None


async def handler(ws, path=None):
    path = path if path is not None else ws.path
    fault, route = split(path)
    try:
        if fault == "drop" and route in ("/ws/metrics/live", "/ws/dashboard/overview"):
            ws.transport.abort()
        elif route == "/ws/metrics/live":
            await live(ws, fault)
        elif route.startswith("/ws/metrics/historical/"):
            await historical(ws, fault, min(days_of(route, fault), 7))
        elif route == "/ws/alerts/subscribe":
            await alerts(ws, fault)
        elif route == "/ws/dashboard/overview":
            await dashboard(ws, fault)
        elif route == "/mcp":
            await mcp(ws)
        else:
            await ws.close(1008, "unknown path")
    except websockets.ConnectionClosed:
        pass


async def serve():
    server = await websockets.serve(handler, "127.0.0.1", OPTS.port,
                                    process_request=process_request,
                                    subprotocols=["mcp"], ping_interval=None,
                                    compression=None)
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
