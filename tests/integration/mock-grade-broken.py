"""wscheck-mock --grade-clients against a broken client on a raw socket: it
never answers pings, accepts invalid frames (reserved bits and opcodes, a
masked server frame), does not echo fragmented messages, does not check
UTF-8 and echoes any close payload as it came. The cases it violates are
FAILED with the reason that names the fault; the others stay OK. Its
reports are written when its last case ran, without /updateReports."""
import base64
import importlib.util
import json
import os
import re
import socket
import struct
import tempfile
import time

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)

TIMEOUT = "1"  # --grade-timeout: the broken client makes cases wait for it


def connect(port, path):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            raise RuntimeError("no upgrade answer for " + path)
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("upgrade refused: %r" % head)
    return s, rest


def xor(data, mask):
    """data masked with the 4 bytes of mask (one big-integer XOR: a 1 MiB
    echo must not take longer than the case timeout)."""
    n = len(data)
    if n == 0:
        return b""
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def client_frame(op, data):
    """One masked client frame."""
    n = len(data)
    head = bytes([0x80 | op])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    return head + mask + xor(data, mask)


def frames(s, buf):
    """Yields (fin, opcode, payload) for each server frame until EOF,
    unmasking whatever was masked."""
    while True:
        while len(buf) >= 2:
            fin, op, masked, n, hl = buf[0] >> 7, buf[0] & 0x0F, buf[1] >> 7, buf[1] & 0x7F, 2
            if n == 126:
                n, hl = (struct.unpack("!H", buf[2:4])[0], 4) if len(buf) >= 4 else (None, 0)
            elif n == 127:
                n, hl = (struct.unpack("!Q", buf[2:10])[0], 10) if len(buf) >= 10 else (None, 0)
            if n is None or len(buf) < hl + 4 * masked + n:
                break
            mask = buf[hl:hl + 4] if masked else b"\0\0\0\0"
            hl += 4 * masked
            data = xor(buf[hl:hl + n], mask) if masked else buf[hl:hl + n]
            buf = buf[hl + n:]
            yield fin, op, data
        try:
            d = s.recv(1 << 20)
        except (ConnectionResetError, socket.timeout):
            return
        if not d:
            return
        buf += d


def broken_case(port, n):
    """One case the broken way: echo single-frame messages only, echo the
    close payload as it came and hang up; ignore everything else."""
    s, rest = connect(port, "/runCase?case=%d&agent=broken" % n)
    try:
        for fin, op, data in frames(s, rest):
            if op in (1, 2) and fin:
                s.sendall(client_frame(op, data))
            elif op == 8:
                s.sendall(client_frame(8, data))
                break
    finally:
        s.close()


def case_count(port):
    s, rest = connect(port, "/getCaseCount")
    try:
        for _, op, data in frames(s, rest):
            if op == 1:
                return int(data)
    finally:
        s.close()


def wait_for(path, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not os.path.exists(path):
        time.sleep(0.05)
    return os.path.exists(path)


FAILED = {
    "1.3.1": r"^no echo within 1\.0 s \(case timeout\)$",
    "1.3.2": r"^no echo within 1\.0 s \(case timeout\)$",
    "1.4.1": r"^no echo within 1\.0 s \(case timeout\)$",
    "2.1": r"^no pong within 1\.0 s \(case timeout\)$",
    "2.2": r"^no pong within 1\.0 s \(case timeout\)$",
    "2.4": r"^the connection was not failed within 1\.0 s \(case timeout\): expected close 1002$",
    "3.1": r"^echoed a message instead of failing the connection \(expected close 1002\)$",
    "3.5": r"^the connection was not failed within 1\.0 s",
    "4.1.1": r"^the connection was not failed within 1\.0 s",
    "4.2.1": r"^the connection was not failed within 1\.0 s",
    "5.1": r"^the connection was not failed within 1\.0 s",
    "6.2.1": r"^echoed a message instead of failing the connection \(expected close 1007\)$",
    "6.2.2": r"^echoed a message instead of failing the connection \(expected close 1007\)$",
    "7.1.5": r"^answered with a malformed close \(a 1-byte payload\)",
    "7.1.6": r"^closed with 1000, expected 1007$",
    "7.3.1": r"^echoed the invalid close code 0 instead of 1002$",
    "7.3.3": r"^echoed the invalid close code 1004 instead of 1002$",
    "7.3.10": r"^echoed the invalid close code 5000 instead of 1002$",
    "8.1": r"^echoed a message instead of failing the connection \(expected close 1002\)$",
}
OK = ["1.1.1", "1.1.8", "1.2.7", "2.5", "7.1.1", "7.1.2", "7.1.3", "7.2.9", "7.2.12"]


async def main(tap):
    out = tempfile.mkdtemp(prefix="wscheck-grade.")
    mock = lib.Mock("--grade-clients", out, "--grade-timeout", TIMEOUT, mcp=False)
    count = case_count(mock.port)
    for n in range(1, count + 1):
        broken_case(mock.port, n)
    path = os.path.join(out, "broken.json")
    tap.ok(wait_for(path), "the reports are written when the agent's last case ran",
           "files: %r" % os.listdir(out))
    with open(path) as f:
        report = json.load(f)
    by_id = {c["id"]: c for c in report["cases"]}
    tap.eq(len(by_id), count, "every case is in the report")
    for cid, pattern in FAILED.items():
        c = by_id[cid]
        tap.ok(c["behavior"] == "FAILED" and re.search(pattern, c["reason"]),
               "%s %s: FAILED, saying why" % (cid, c["description"]),
               "%s: %s" % (c["behavior"], c["reason"]))
    for cid in OK:
        c = by_id[cid]
        tap.eq(c["behavior"], "OK", "%s %s: OK" % (cid, c["description"]))
    tap.eq(report["counts"]["FAILED"], sum(1 for c in report["cases"] if c["behavior"] == "FAILED"),
           "the counts match the cases")
    with open(os.path.join(out, "broken.xml")) as f:
        xml = f.read()
    tap.eq(xml.count("<failure "), report["counts"]["FAILED"],
           "each FAILED case is a JUnit <failure>")
    tap.ok('message="echoed the invalid close code 1004 instead of 1002" type="FAILED"' in xml,
           "the failure's message is the reason")
    tap.eq(mock.stop(), 0, "SIGTERM stops the grading server with status 0")
    tap.ok(mock.sanitizer_clean(), "no sanitizer report", mock.log())


lib.run(main)
