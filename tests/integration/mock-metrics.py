"""wscheck-mock's GET /metrics from outside: the Prometheus text format on
every HTTP port (the WebSocket port and the MCP port of the default
profile, the MCP, crackerjack and monitoring ports of the others), and its
counters and gauges moving as clients connect, send and call MCP tools.
Clients: Python websockets and http.client; the exposition is parsed here
(promtool's own check is in mock-promtool.sh)."""
import asyncio
import importlib.util
import json
import os
import re

spec = importlib.util.spec_from_file_location(
    "cjlib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "cj-lib.py"))
cjl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cjl)
lib = cjl.lib
websockets = cjl.websockets

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
FAMILIES = {"wscheck_mock_connections": "gauge", "wscheck_mock_connections_total": "counter",
            "wscheck_mock_messages_received_total": "counter",
            "wscheck_mock_messages_sent_total": "counter",
            "wscheck_mock_errors_total": "counter",
            "wscheck_mock_mcp_requests_total": "counter",
            "wscheck_mock_mcp_request_errors_total": "counter",
            "wscheck_mock_mcp_request_duration_seconds": "histogram",
            "wscheck_mock_alerts_raised_total": "counter",
            "wscheck_mock_uptime_seconds": "gauge",
            "wscheck_mock_start_time_seconds": "gauge",
            "wscheck_mock_build_info": "gauge"}


def scrape(mock, port):
    """(status, content type, {family: type}, {(name, frozenset labels): value})"""
    st, h, raw = mock.http("GET", "/metrics", port=port)
    types, samples = {}, {}
    for line in raw.decode().splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            types[name] = typ
        elif line and not line.startswith("#"):
            m = SAMPLE.match(line)
            if not m:
                raise AssertionError("not a sample line: %r" % line)
            labels = frozenset(LABEL.findall(m.group(2) or ""))
            samples[(m.group(1), labels)] = float(m.group(3))
    return st, h.get("content-type"), types, samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


async def test_default(t):
    mock = lib.Mock()
    st, ctype, types, s = scrape(mock, mock.port)
    t.eq((st, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"),
         "GET /metrics on the WebSocket port answers the text format 0.0.4")
    t.eq({k: types.get(k) for k in FAMILIES}, FAMILIES,
         "every family is declared with its type")
    t.ok(all(n.startswith("wscheck_mock_") for n, _ in s), "every sample is wscheck_mock_*")
    t.eq(value(s, "wscheck_mock_connections", endpoint="websocket"), 0.0,
         "no connection at the start")
    async with mock.ws() as a, mock.ws() as b:
        await lib.recv_json(a)
        await lib.recv_json(b)
        s = scrape(mock, mock.port)[3]
        t.eq(value(s, "wscheck_mock_connections", endpoint="websocket"), 2.0,
             "two open clients show in the connections gauge")
        await lib.request(a, {"type": "echo", "data": "x"})
        await lib.request(a, {"type": "echo", "data": "y"})
        await lib.request(b, "not json")
        await lib.request(b, {"type": "no_such_type"})
        s = scrape(mock, mock.port)[3]
        t.eq((value(s, "wscheck_mock_messages_received_total", endpoint="websocket",
                    type="echo"),
              value(s, "wscheck_mock_messages_received_total", endpoint="websocket",
                    type="invalid"),
              value(s, "wscheck_mock_messages_received_total", endpoint="websocket",
                    type="unknown")), (2.0, 1.0, 1.0),
             "messages are counted by type; invalid and unknown types by those names")
    await asyncio.sleep(0.2)
    s = scrape(mock, mock.port)[3]
    t.eq((value(s, "wscheck_mock_connections", endpoint="websocket"),
          value(s, "wscheck_mock_connections_total", endpoint="websocket")), (0.0, 2.0),
         "closed clients leave the gauge, the total stays")
    mcp = cjl.Mcp(mock)
    mcp.initialize()
    mcp.rpc("tools/list")
    mcp.rpc("tools/call", {"name": "no_such_tool", "arguments": {}})
    mcp.rpc("tools/call", {"name": "get_websocket_server_status", "arguments": {}})
    mcp.rpc("no/such/method")
    st, _, _, s = scrape(mock, mock.mcp_port)
    t.eq(st, 200, "GET /metrics on the MCP port answers too")
    t.eq((value(s, "wscheck_mock_mcp_requests_total", method="initialize", tool=""),
          value(s, "wscheck_mock_mcp_requests_total", method="tools/list", tool=""),
          value(s, "wscheck_mock_mcp_requests_total", method="tools/call", tool="unknown"),
          value(s, "wscheck_mock_mcp_requests_total", method="tools/call",
                tool="get_websocket_server_status"),
          value(s, "wscheck_mock_mcp_requests_total", method="other", tool="")),
         (1.0, 1.0, 1.0, 1.0, 1.0),
         "MCP requests are counted by method and tool, unknown ones without their names")
    t.eq((value(s, "wscheck_mock_mcp_request_errors_total", method="tools/call",
                tool="unknown"),
          value(s, "wscheck_mock_mcp_request_errors_total", method="other", tool="")),
         (1.0, 1.0), "requests answered with an error are counted")
    t.eq((value(s, "wscheck_mock_mcp_request_duration_seconds_count"),
          value(s, "wscheck_mock_mcp_request_duration_seconds_bucket", le="+Inf")),
         (5.0, 5.0), "the latency histogram counts every request")
    buckets = sorted((float(dict(k[1])["le"]), v) for k, v in s.items()
                     if k[0] == "wscheck_mock_mcp_request_duration_seconds_bucket")
    t.ok([v for _, v in buckets] == sorted(v for _, v in buckets),
         "histogram buckets are cumulative", buckets)
    st, h, raw = mock.http("POST", "/metrics", body="x",
                           headers={"Content-Type": "text/plain"})
    t.eq(st, 405, "POST /metrics on the WebSocket port is refused")
    t.eq(mock.stop(), 0, "the mock exits 0")


async def test_profiles(t):
    cj = cjl.Cj("--monitoring-port", "0", profile="dev-toolkit,crackerjack,monitoring")
    with open(cj.mock.ready) as f:
        mon_port = json.load(f)["monitoring_port"]
    for port, what in ((cj.mock.mcp_port, "MCP"), (cj.port, "crackerjack"),
                       (mon_port, "monitoring")):
        st, ctype, types, _ = scrape(cj.mock, port)
        t.ok(st == 200 and ctype.startswith("text/plain; version=0.0.4") and
             types.get("wscheck_mock_connections") == "gauge",
             "GET /metrics on the %s port" % what, (st, ctype))
    async with websockets.connect("ws://127.0.0.1:%d/ws/metrics/live" % mon_port,
                                  ping_interval=None) as ws, \
            websockets.connect("ws://127.0.0.1:%d/ws/progress/abc12345" % cj.port,
                               ping_interval=None) as p:
        await lib.recv_json(ws)
        await lib.recv_json(p)
        s = scrape(cj.mock, mon_port)[3]
        t.eq((value(s, "wscheck_mock_connections", endpoint="monitoring"),
              value(s, "wscheck_mock_connections", endpoint="crackerjack"),
              value(s, "wscheck_mock_connections_total", endpoint="monitoring")),
             (1.0, 1.0, 1.0), "monitoring and progress sockets show in the gauges")
        t.eq(value(s, "wscheck_mock_messages_sent_total", endpoint="monitoring",
                   type="initial_metrics"), 1.0, "monitoring frames sent are counted")
    before = value(scrape(cj.mock, mon_port)[3], "wscheck_mock_errors_total")
    sock, status, _ = lib.raw_connect(mon_port, "/ws/no/such/route")
    sock.close()
    t.eq((status.split(" ")[1], value(scrape(cj.mock, mon_port)[3], "wscheck_mock_errors_total")),
         ("403", before + 1), "a refused handshake counts as an error")
    cj.mcp.initialize()
    cj.mcp.tool("trigger_alert", {"severity": "critical"})
    s = scrape(cj.mock, cj.mock.mcp_port)[3]
    t.eq((value(s, "wscheck_mock_alerts_raised_total", severity="critical"),
          value(s, "wscheck_mock_mcp_requests_total", method="tools/call",
                tool="trigger_alert")), (1.0, 1.0),
         "alerts raised and the tool call are counted")
    t.eq(cj.stop(), 0, "the mock exits 0")


async def main(t):
    await test_default(t)
    await test_profiles(t)


lib.run(main)
