"""wscheck-mock --profile monitoring as a monitoring client sees it: the
metrics, historical, alert and dashboard sockets with their shapes and
(short, configured) periods, request_update, alerts raised by POST
/alerts/trigger, the MCP tool trigger_alert and a threshold, synthetic
series, each fault mode, and the profile composed with crackerjack.
Clients: Python websockets, http.client, raw sockets."""
import asyncio
import importlib.util
import json
import os
import re
import subprocess

spec = importlib.util.spec_from_file_location(
    "cjlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "cj-lib.py"))
cjl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cjl)
lib = cjl.lib
websockets = cjl.websockets

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")
METRICS = {"timestamp": str, "quality_score": int, "test_coverage": float,
           "hook_duration": float, "active_jobs": int, "error_count": int,
           "trend_direction": str, "predictions": dict}
ALERT = {"severity": str, "message": str, "metric_name": str, "current_value": float,
         "threshold_value": float, "triggered_at": str, "git_hash": type(None)}
DASHBOARD = {"current_metrics": dict, "historical_data": list, "active_alerts": list,
             "system_health": dict, "recommendations": list, "last_updated": str}


class Mon:
    """wscheck-mock --profile monitoring (plus extra arguments)."""

    def __init__(self, *args, profile="monitoring"):
        self.mock = lib.Mock("--profile", profile, "--monitoring-port", "0", *args)
        with open(self.mock.ready) as f:
            self.port = json.load(f).get("monitoring_port")
        self.mcp = cjl.Mcp(self.mock)

    def stop(self):
        return self.mock.stop()

    def ws(self, path):
        return websockets.connect("ws://127.0.0.1:%d%s" % (self.port, path),
                                  ping_interval=None, open_timeout=10)

    def http(self, method, path, body=None, headers=None):
        st, h, raw = self.mock.http(method, path, body=body, headers=headers, port=self.port)
        return st, h, raw.decode("utf-8", "replace")

    def trigger(self, alert, query=""):
        st, _, text = self.http("POST", "/alerts/trigger" + query, body=json.dumps(alert),
                                headers={"Content-Type": "application/json"})
        return st, json.loads(text)


def shape_errors(obj, shape):
    """Members of shape missing from obj or of another type."""
    if not isinstance(obj, dict):
        return ["not an object: %r" % (obj,)]
    return ["%s: %r" % (k, obj.get(k)) for k, t in shape.items()
            if k not in obj or type(obj[k]) is not t]


async def recv(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def nothing(ws, seconds):
    """True when no frame arrives within seconds."""
    try:
        await asyncio.wait_for(ws.recv(), seconds)
        return False
    except asyncio.TimeoutError:
        return True


async def test_live(t, mon):
    async with mon.ws("/ws/metrics/live") as a, mon.ws("/ws/metrics/live") as b:
        first = await recv(a)
        second = await recv(b)
        t.eq(first["type"], "initial_metrics", "the live socket starts with initial_metrics")
        t.eq(shape_errors(first["data"], METRICS), [],
             "initial_metrics carries a UnifiedMetrics with its member types")
        t.ok(ISO.match(first["timestamp"]) and ISO.match(first["data"]["timestamp"]),
             "timestamps are local ISO times", first)
        t.eq((first["data"]["quality_score"], first["data"]["test_coverage"],
              first["data"]["hook_duration"], first["data"]["predictions"]),
             (80, 75.0, 12.5, {}), "default series: quality 80, coverage 75.0, hooks 12.5")
        t.ok(second["data"]["active_jobs"] >= 2,
             "active_jobs counts the open connections by default", second)
        await a.send(json.dumps({"type": "request_update"}))
        upd = await recv(a)
        t.ok(upd["type"] == "metrics_update" and not shape_errors(upd["data"], METRICS),
             "request_update is answered with a metrics_update", upd)
        t.ok(await nothing(b, 0.5), "the answer goes to the sender only")
        await a.send(json.dumps({"type": "something_else"}))
        t.ok(await nothing(a, 0.5), "other objects are ignored")


async def test_periodic(t):
    mon = Mon("--metrics-interval", "0.3")
    async with mon.ws("/ws/metrics/live") as ws:
        frames = [await recv(ws) for _ in range(4)]
        t.eq([f["type"] for f in frames],
             ["initial_metrics", "metrics_update", "metrics_update", "metrics_update"],
             "a silent client gets metrics_update every --metrics-interval")
        stamps = [f["timestamp"] for f in frames]
        t.eq(stamps, sorted(stamps), "timestamps never go back")
        t.eq(len(set(stamps)), len(stamps), "no frame is sent twice")
    async with mon.ws("/ws/metrics/live") as ws:
        await recv(ws)
        await ws.send("not json")
        try:
            await asyncio.wait_for(ws.recv(), 5)
            t.ok(False, "a frame that is not a JSON object drops the socket")
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd, None, "a frame that is not a JSON object drops the socket "
                 "without a close frame, as crackerjack does")
    t.eq(mon.stop(), 0, "the mock exits 0")


async def test_historical(t, mon):
    async with mon.ws("/ws/metrics/historical/3") as ws:
        frames = []
        while not frames or frames[-1]["type"] != "historical_complete":
            frames.append(await recv(ws))
    chunks = frames[:-1]
    t.eq([(f["type"], f["chunk_index"], f["total_chunks"], len(f["data"])) for f in chunks],
         [("historical_chunk", i, 3, 100) for i in range(3)],
         "3 days of 100 records a day come in 3 chunks of 100")
    t.eq(frames[-1]["total_records"], 300, "historical_complete counts the records")
    records = [r for f in chunks for r in f["data"]]
    t.ok(all(not shape_errors(r, METRICS) for r in records), "every record is a UnifiedMetrics")
    stamps = [r["timestamp"] for r in records]
    t.ok(stamps == sorted(stamps) and len(set(stamps)) == 300,
         "records are in time order, oldest first", stamps[:3])
    async with mon.ws("/ws/metrics/historical/0") as ws:
        f = await recv(ws)
        t.eq((f["type"], f["total_records"]), ("historical_complete", 0),
             "0 days: the completion alone")
    for path in ("/ws/metrics/historical/366", "/ws/metrics/historical/abc",
                 "/ws/metrics/historical/-1", "/ws/nope", "/"):
        s, status, rest = lib.raw_connect(mon.port, path)
        s.close()
        t.ok(status.startswith("HTTP/1.1 403") and rest == b"",
             "a handshake for %s gets 403 with an empty body" % path, status)


async def test_alerts(t, mon):
    async with mon.ws("/ws/alerts/subscribe") as ws:
        first = await recv(ws)
        t.eq((first["type"], first["data"]), ("active_alerts", []),
             "alert subscribers start with an empty active_alerts")
        st, r = mon.trigger({"severity": "critical", "message": "coverage fell",
                             "metric_name": "test_coverage", "current_value": 41.5,
                             "threshold_value": 60})
        t.eq((st, r["status"], r["subscribers"]), (200, "triggered", 1),
             "POST /alerts/trigger accepts the alert and names its subscribers")
        frame = await recv(ws)
        t.eq(frame["type"], "alert", "the subscriber gets an alert frame")
        t.eq(shape_errors(frame["data"], ALERT), [], "the alert is a QualityAlert")
        t.eq({k: frame["data"][k] for k in ("severity", "message", "metric_name",
                                            "current_value", "threshold_value")},
             {"severity": "critical", "message": "coverage fell",
              "metric_name": "test_coverage", "current_value": 41.5,
              "threshold_value": 60.0}, "the alert carries what was triggered")
        t.eq(frame["data"], r["alert"], "the frame's alert is the one the trigger answered")
        await ws.send(json.dumps({"type": "acknowledge_alert", "triggered_at":
                                  frame["data"]["triggered_at"]}))
        ack = await recv(ws)
        t.eq((ack["type"], ack["data"]["triggered_at"]),
             ("alert_acknowledged", frame["data"]["triggered_at"]),
             "acknowledge_alert is answered with alert_acknowledged")
        mon.mcp.initialize()
        names = [x["name"] for x in mon.mcp.rpc("tools/list")[1]["result"]["tools"]]
        t.ok("trigger_alert" in names, "the MCP port lists trigger_alert", names)
        r = mon.mcp.tool("trigger_alert", {"severity": "info", "message": "from MCP"})
        t.eq((r["status"], r["subscribers"]), ("triggered", 1), "trigger_alert answers")
        frame = await recv(ws)
        t.eq((frame["type"], frame["data"]["severity"], frame["data"]["message"]),
             ("alert", "info", "from MCP"), "trigger_alert's alert reaches the subscriber")
        t.ok(await nothing(ws, 0.3), "each alert comes once")
    async with mon.ws("/ws/alerts/subscribe") as ws:
        first = await recv(ws)
        t.eq([a["message"] for a in first["data"]], ["coverage fell", "from MCP"],
             "a later subscriber finds the alerts in active_alerts")
    st, r = mon.trigger({"severity": "urgent"})
    t.eq((st, r["detail"]), (422, "severity: must be info, warning or critical"),
         "an alert with an unknown severity gets 422")
    st, r = mon.trigger({"current_value": "high"})
    t.eq((st, r["detail"]), (422, "current_value: wrong type"),
         "an alert with a non-numeric value gets 422")
    t.eq(mon.http("GET", "/alerts/trigger")[::2], (405, '{"detail":"Method Not Allowed"}'),
         "GET /alerts/trigger gets 405")
    t.eq(mon.http("GET", "/nope")[::2], (404, '{"detail":"Not Found"}'),
         "an unknown path gets 404 with FastAPI's detail")
    t.eq(mon.http("GET", "/ws/metrics/live")[0], 404,
         "a plain GET of a socket path gets 404")
    try:
        mon.mcp.tool("trigger_alert", {"severity": 5})
        t.ok(False, "trigger_alert with a bad severity is refused")
    except AssertionError as e:
        t.ok("severity" in str(e), "trigger_alert with a bad severity is refused", str(e))


async def test_threshold(t):
    mon = Mon("--series", "quality_score=ramp:50,10", "--alert-threshold",
              "quality_score>60:critical")
    async with mon.ws("/ws/alerts/subscribe") as ws:
        await recv(ws)
        frame = await recv(ws, 10)
        t.eq((frame["type"], frame["data"]["severity"], frame["data"]["metric_name"],
              frame["data"]["threshold_value"]), ("alert", "critical", "quality_score", 60.0),
             "a series passing its --alert-threshold raises an alert")
        t.ok(frame["data"]["current_value"] > 60, "the alert carries the value", frame)
        t.ok(await nothing(ws, 1), "a threshold fires once while it stays crossed")
    t.eq(mon.stop(), 0, "the mock exits 0")


async def test_series(t):
    mon = Mon("--series", "quality_score=33", "--series", "test_coverage=ramp:10,0,10,10",
              "--series", "hook_duration=sine:5,0,60", "--series", "error_count=7",
              "--series", "active_jobs=walk:4,0,42")
    async with mon.ws("/ws/metrics/live") as ws:
        d = (await recv(ws))["data"]
        t.eq((d["quality_score"], d["test_coverage"], d["hook_duration"], d["error_count"],
              d["active_jobs"]), (33, 10.0, 5.0, 7, 4), "--series sets each member")
    t.eq(mon.stop(), 0, "the mock exits 0")
    conf = os.path.join(mon.mock.tmp, "mock.json")
    with open(conf, "w") as f:
        json.dump({"series": ["quality_score=12", "error_count=counter:mcp_calls"],
                   "monitoring-fault": "missing-metric", "metrics-interval": 60}, f)
    mon = Mon("--config", conf)
    async with mon.ws("/ws/metrics/live?after=0") as ws:
        d = (await recv(ws))["data"]
        t.ok(d["quality_score"] == 12 and d["error_count"] == 0 and
             "test_coverage" not in d, "series and faults can come from --config", d)
    t.eq(mon.stop(), 0, "the mock exits 0")


async def test_dashboard(t):
    mon = Mon("--dashboard-interval", "0.3")
    async with mon.ws("/ws/dashboard/overview") as ws:
        frames = [await recv(ws) for _ in range(2)]
    t.eq([f["type"] for f in frames], ["dashboard_update"] * 2,
         "the dashboard sends dashboard_update every --dashboard-interval")
    d = frames[0]["data"]
    t.eq(shape_errors(d, DASHBOARD), [], "dashboard_update carries a DashboardState")
    t.eq(shape_errors(d["current_metrics"], METRICS), [], "its current_metrics are UnifiedMetrics")
    t.eq(sorted(d["system_health"]), ["cpu_usage", "disk_usage", "memory_usage",
                                      "overall_status", "service_status"],
         "system_health has its members")
    t.eq(sorted(frames[1]["data"]), sorted(d), "a refresh keeps the same panels")
    t.ok(len(frames[1]["data"]["historical_data"]) >= 1, "historical_data fills up")
    t.eq(mon.stop(), 0, "the mock exits 0")


async def test_faults(t, mon):
    async with mon.ws("/ws/metrics/live?fault=stall") as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "request_update"}))
        t.ok(await nothing(ws, 0.6), "fault stall: nothing after the first frame")
    async with mon.ws("/ws/metrics/live?fault=duplicate") as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "request_update"}))
        a, b = await recv(ws), await recv(ws)
        t.eq(a, b, "fault duplicate: a frame comes twice")
    async with mon.ws("/ws/metrics/live?fault=out-of-order") as ws:
        first = await recv(ws)
        await ws.send(json.dumps({"type": "request_update"}))
        upd = await recv(ws)
        t.ok(upd["timestamp"] < first["timestamp"] and
             upd["data"]["timestamp"] < first["data"]["timestamp"],
             "fault out-of-order: a timestamp goes back", (first, upd))
    async with mon.ws("/ws/metrics/live?fault=missing-metric&metric=hook_duration") as ws:
        first = await recv(ws)
        await ws.send(json.dumps({"type": "request_update"}))
        upd = await recv(ws)
        t.ok("hook_duration" in first["data"] and "hook_duration" not in upd["data"] and
             "quality_score" in upd["data"],
             "fault missing-metric: the member named drops out of later frames", upd)
    async with mon.ws("/ws/metrics/live?fault=missing-metric&after=0") as ws:
        first = await recv(ws)
        t.ok("test_coverage" not in first["data"],
             "after=0 hits the first frame; test_coverage is the default metric", first)
    async with mon.ws("/ws/alerts/subscribe?fault=alert-dropped") as dropped, \
            mon.ws("/ws/alerts/subscribe") as good:
        await recv(dropped)
        await recv(good)
        st, r = mon.trigger({"message": "one"})
        t.eq((st, r["subscribers"]), (200, 1), "the trigger counts only subscribers sent to")
        t.eq((await recv(good))["data"]["message"], "one", "a healthy subscriber gets it")
        t.ok(await nothing(dropped, 0.5), "fault alert-dropped: the subscriber never gets it")
        st, r = mon.trigger({"message": "two"}, "?fault=alert-dropped")
        t.eq((st, r["status"], r["subscribers"]), (200, "triggered", 0),
             "a trigger with ?fault=alert-dropped is accepted")
        t.ok(await nothing(good, 0.5), "and its alert is never sent")
        r = mon.mcp.tool("trigger_alert", {"message": "three", "drop": True})
        t.ok(r["subscribers"] == 0 and await nothing(good, 0.5),
             "trigger_alert with drop true is accepted and never sent", r)
    async with mon.ws("/ws/alerts/subscribe?fault=duplicate") as ws:
        await recv(ws)
        mon.trigger({"message": "twice"})
        a, b = await recv(ws), await recv(ws)
        t.ok(a == b and a["type"] == "alert", "fault duplicate on alerts: an alert twice")


async def test_panel_fault(t):
    mon = Mon("--dashboard-interval", "0.3")
    async with mon.ws("/ws/dashboard/overview?fault=panel-missing&panel=active_alerts") as ws:
        a, b = await recv(ws), await recv(ws)
    t.ok("active_alerts" in a["data"] and "active_alerts" not in b["data"] and
         "current_metrics" in b["data"],
         "fault panel-missing: the panel named is gone from the refresh", b)
    t.eq(mon.stop(), 0, "the mock exits 0")
    mon = Mon("--monitoring-fault", "stall", "--metrics-interval", "0.2")
    async with mon.ws("/ws/metrics/live") as ws:
        await recv(ws)
        t.ok(await nothing(ws, 0.8), "--monitoring-fault stall stalls every socket")
    t.eq(mon.stop(), 0, "the mock exits 0")


def test_cli(t):
    mock = os.environ["WSCHECK_MOCK"]
    for args, what in ((["--series", "nope=1"], "an unknown series member"),
                       (["--series", "quality_score=ramp:1"], "a ramp without a slope"),
                       (["--alert-threshold", "quality_score=5"], "a threshold without < or >"),
                       (["--alert-threshold", "quality_score>5:loud"], "an unknown severity"),
                       (["--monitoring-fault", "explode"], "an unknown fault"),
                       (["--metrics-interval", "0"], "a zero interval")):
        r = subprocess.run([mock, "--profile", "monitoring"] + args, capture_output=True,
                           text=True, timeout=10)
        t.ok(r.returncode == 2 and "invalid value" in r.stderr, "%s exits 2" % what, r.stderr)
    r = subprocess.run([mock, "--help"], capture_output=True, text=True)
    t.ok(all(o in r.stdout for o in ("monitoring", "--monitoring-port", "--metrics-interval",
                                     "--dashboard-interval", "--series",
                                     "--alert-threshold", "--monitoring-fault")),
         "--help describes the profile")


async def test_compose(t):
    cj = cjl.Cj("--monitoring-port", "0", profile="crackerjack,monitoring")
    with open(cj.mock.ready) as f:
        port = json.load(f)["monitoring_port"]
    t.ok(cj.port and port and cj.port != port, "crackerjack and monitoring run side by side")
    async with websockets.connect("ws://127.0.0.1:%d/ws/metrics/live" % port,
                                  ping_interval=None) as ws:
        t.eq((await recv(ws))["type"], "initial_metrics", "the monitoring socket works")
    cj.mcp.initialize()
    names = [x["name"] for x in cj.mcp.rpc("tools/list")[1]["result"]["tools"]]
    t.ok("execute_crackerjack" in names and "trigger_alert" in names,
         "the MCP port lists both profiles' tools", names)
    t.eq(cj.stop(), 0, "the mock exits 0")


async def test_shutdown(t):
    mon = Mon()
    async with mon.ws("/ws/metrics/live") as ws:
        await recv(ws)
        mon.mock.proc.terminate()
        try:
            await asyncio.wait_for(ws.recv(), 10)
            t.ok(False, "SIGTERM closes the monitoring sockets")
        except websockets.ConnectionClosed as e:
            t.eq(e.rcvd.code if e.rcvd else None, 1001,
                 "SIGTERM closes the monitoring sockets with 1001")
    t.eq(mon.stop(), 0, "the mock exits 0 after SIGTERM")


async def main(t):
    test_cli(t)
    mon = Mon("--historical-per-day", "100")
    t.ok(mon.port and mon.port > 0, "the ready file names the monitoring port")
    t.ok(("http://127.0.0.1:%d/metrics" % mon.port) in mon.mock.log(),
         "the mock prints the monitoring port's URL")
    await test_live(t, mon)
    await test_historical(t, mon)
    await test_alerts(t, mon)
    await test_faults(t, mon)
    t.eq(mon.stop(), 0, "the mock exits 0 after SIGTERM")
    t.ok(mon.mock.sanitizer_clean(), "no sanitizer reports", mon.mock.log()[-2000:])
    await test_periodic(t)
    await test_threshold(t)
    await test_series(t)
    await test_dashboard(t)
    await test_panel_fault(t)
    await test_compose(t)
    await test_shutdown(t)


lib.run(main)
