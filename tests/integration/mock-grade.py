"""wscheck-mock --grade-clients with Python websockets as the graded
client (an Autobahn-style driver, as websockets' own compliance client):
every case OK, NON-STRICT or INFORMATIONAL, the reports in JSON and JUnit
(valid on both schemas); the fuzzingserver URLs (/getCaseCount,
/getCaseInfo) and bad requests, each refused with a reason that says why."""
import asyncio
import importlib.util
import json
import os
import struct
import subprocess
import tempfile

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)
websockets = lib.websockets  # imported (or the test skipped) by mock-lib.py

AGENT = "websockets client/1"   # its file name: websockets_client_1


async def text_then_close(url):
    """The first message of a connection the server closes, and its close
    code and reason."""
    msg = None
    async with websockets.connect(url, ping_interval=None) as ws:
        try:
            msg = await asyncio.wait_for(ws.recv(), 10)
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed:
            pass
    return msg, ws.close_code, ws.close_reason


async def run_case(base, n, agent):
    url = "%s/runCase?case=%d&agent=%s" % (base, n, agent)
    try:
        async with websockets.connect(url, ping_interval=None, max_size=2 ** 25) as ws:
            async for msg in ws:
                await ws.send(msg)
    except websockets.ConnectionClosed:
        pass


async def drive(base, agent):
    """The Autobahn client protocol: count, every case, update reports."""
    count, _, _ = await text_then_close(base + "/getCaseCount")
    count = int(count)
    for n in range(1, count + 1):
        await asyncio.wait_for(run_case(base, n, agent.replace(" ", "%20")), 60)
    await text_then_close(base + "/updateReports?agent=" + agent.replace(" ", "%20"))
    return count


def validate_junit(path):
    xsd = os.environ.get("JUNIT_XSD_DIR") or os.path.join(
        os.environ["top_srcdir"], "tests", "junit")
    for schema in ("ant-junit.xsd", "jenkins-junit-10.xsd"):
        p = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(xsd, schema), path],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return schema + ": " + p.stderr
    return None


async def main(tap):
    out = tempfile.mkdtemp(prefix="wscheck-grade.")
    mock = lib.Mock("--grade-clients", out, mcp=False)
    base = "ws://127.0.0.1:%d" % mock.port

    count = await drive(base, AGENT)
    tap.ok(count >= 50, "getCaseCount gives the number of cases (%d)" % count)
    json_path = os.path.join(out, "websockets_client_1.json")
    xml_path = os.path.join(out, "websockets_client_1.xml")
    tap.ok(os.path.exists(json_path) and os.path.exists(xml_path),
           "updateReports wrote DIR/<agent>.json and .xml, the name made safe",
           "files: %r" % os.listdir(out))
    with open(json_path) as f:
        report = json.load(f)
    tap.eq(report["agent"], AGENT, "the report names the agent")
    tap.eq(report["total"], count, "every case is in the report")
    failed = [c for c in report["cases"] if c["behavior"] not in ("OK", "NON-STRICT", "INFORMATIONAL")]
    tap.ok(not failed, "websockets passes every case (none FAILED)", json.dumps(failed, indent=1))
    tap.eq(sum(report["counts"].values()), count, "the counts add up to the cases run")
    keys = {"id", "description", "behavior", "behavior_close", "duration_ms", "reason",
            "expected", "received", "tcp_closed_by"}
    tap.ok(all(keys <= set(c) for c in report["cases"]), "each case has its fields",
           json.dumps(report["cases"][0], indent=1))
    by_id = {c["id"]: c for c in report["cases"]}
    tap.eq((by_id["1.1.8"]["behavior"], by_id["1.1.8"]["reason"]), ("OK", "echoed intact"),
           "a 1 MiB text message is echoed intact")
    tap.eq((by_id["7.3.3"]["behavior"], by_id["7.3.3"]["remote_close_code"]), ("OK", 1002),
           "an invalid close code (1004) is refused with 1002")
    tap.eq(by_id["6.2.1"]["reason"], "failed the connection with close 1007",
           "invalid UTF-8 fails the connection with 1007")
    tap.eq((by_id["7.4.1"]["behavior"], by_id["7.4.1"]["tcp_closed_by"]), ("OK", "server"),
           "websockets waits for the server to close TCP first")
    err = validate_junit(xml_path)
    tap.ok(err is None, "the JUnit report is valid on the Ant and Jenkins schemas", err)
    with open(xml_path) as f:
        xml = f.read()
    tap.ok('classname="wscheck-mock.grade.websockets client/1"' in xml and
           xml.count("<testcase") == count and "<failure" not in xml,
           "one JUnit test case per case, classname wscheck-mock.grade.<agent>, no failure")

    info, code, _ = await text_then_close(base + "/getCaseInfo?case=1")
    tap.eq((json.loads(info), code), ({"id": "1.1.1", "description": "text message of 0 bytes"}, 1000),
           "getCaseInfo gives the case's id and description, then closes 1000")
    bad = [
        ("/runCase?case=999&agent=a", "unknown case '999': cases are 1 to %d" % count),
        ("/runCase?case=1", "missing agent: /runCase needs ?agent=NAME"),
        ("/runCase?agent=a", "missing case: ?case=N with N from 1 to %d" % count),
        ("/updateReports", "missing agent: /updateReports needs ?agent=NAME"),
        ("/getCaseInfo?case=0", "unknown case '0': cases are 1 to %d" % count),
    ]
    for path, reason in bad:
        msg, code, why = await text_then_close(base + path)
        tap.eq((msg, code, why), (None, 1008, reason), "%s: close 1008 saying why" % path)
    _, code, why = await text_then_close(base + "/nowhere")
    tap.ok(code == 1008 and why.startswith("unknown path /nowhere: use /getCaseCount"),
           "an unknown path: close 1008 naming the URLs", "%r %r" % (code, why))
    status, headers, body = mock.http("GET", "/getCaseCount")
    tap.ok(status == 426 and headers.get("upgrade") == "websocket" and b"WebSocket only" in body,
           "a plain HTTP request gets 426 Upgrade Required", "%r %r %r" % (status, headers, body))
    status, _, body = lib.raw_http(mock.port, lib.upgrade_request(mock.port, key="short"))
    tap.ok(status == 400 and b"Sec-WebSocket-Key" in body, "a malformed key gets 400 saying so",
           "%r %r" % (status, body))
    # the server checks the client's frames as RFC 6455 wants of a server
    s, _, rest = lib.raw_connect(mock.port, "/runCase?case=1&agent=raw")
    s.sendall(lib.frame(1, b"", masked=False))
    frames = lib.read_frames(s, rest)
    s.close()
    tap.ok(frames and frames[-1] == (8, b"\x03\xeasent an unmasked frame"),
           "an unmasked client frame: close 1002 \"sent an unmasked frame\"", repr(frames))
    s, _, rest = lib.raw_connect(mock.port, "/runCase?case=1&agent=raw")
    s.sendall(b"\x81\xff" + struct.pack("!Q", 17 << 20) + b"mask")
    frames = lib.read_frames(s, rest)
    s.close()
    tap.eq(lib.close_code(frames), 1009, "a client frame over 16 MiB: close 1009")
    await text_then_close(base + "/updateReports?agent=raw")
    with open(os.path.join(out, "raw.json")) as f:
        raw = json.load(f)["cases"][0]
    tap.eq((raw["behavior"], raw["reason"]), ("FAILED", "sent a frame larger than 16 MiB"),
           "the case the client broke the protocol in is FAILED, saying how")

    with open(os.path.join(os.environ["top_srcdir"], "docs", "wscheck-mock.1")) as f:
        page = f.read()
    missing = []
    for n in range(1, count + 1):
        info, _, _ = await text_then_close("%s/getCaseInfo?case=%d" % (base, n))
        case = json.loads(info)
        line = "%2d  %-7s %s" % (n, case["id"], case["description"].replace("-", "\\-"))
        if line not in page:
            missing.append(line)
    tap.ok(not missing, "wscheck-mock(1) lists every case as getCaseInfo gives it",
           "\n".join(missing))
    tap.eq(mock.stop(), 0, "SIGTERM stops the grading server with status 0")
    tap.ok(mock.sanitizer_clean(), "no sanitizer report", mock.log())


def command_line(tap):
    mock = os.environ["WSCHECK_MOCK"]
    p = subprocess.run([mock, "--help"], capture_output=True, text=True)
    tap.ok("--grade-clients DIR" in p.stdout and "--grade-timeout SECS" in p.stdout,
           "--help lists --grade-clients and --grade-timeout", p.stdout)
    p = subprocess.run([mock, "--grade-clients", "/tmp", "--grade-timeout", "0"],
                       capture_output=True, text=True)
    tap.eq((p.returncode, p.stderr.strip()),
           (2, "wscheck-mock: invalid value for grade-timeout: '0'"),
           "a timeout under 0.1 s is a usage error")
    blocker = tempfile.mkstemp(prefix="wscheck-grade.")[1]
    p = subprocess.run([mock, "--port", "0", "--grade-clients", blocker],
                       capture_output=True, text=True, timeout=10)
    os.unlink(blocker)
    tap.eq((p.returncode, p.stderr.strip()),
           (1, "wscheck-mock: --grade-clients %s: not a writable directory" % blocker),
           "a report directory that cannot be one: exit 1 saying so")


async def all_tests(tap):
    command_line(tap)
    await main(tap)


lib.run(all_tests)
