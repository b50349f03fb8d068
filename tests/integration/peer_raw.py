"""A deliberately broken WebSocket server on raw sockets, for testing that
wscheck reports each fault precisely and never hangs. Standard library only.

    peer_raw.py MODE [--host H] [--port N] [--size BYTES]

Prints "ws://127.0.0.1:PORT" once listening (port 0: the system chooses).
Each connection is served by MODE:

  bad-accept            101 with a wrong Sec-WebSocket-Accept
  no-upgrade            101 without the Upgrade header
  no-connection         101 without the Connection header
  unoffered-subprotocol 101 selecting subprotocol "unoffered"
  unoffered-extension   101 accepting extension "permessage-deflate"
  reject                403 with a header X-Reason and a short body
  silent                accepts TCP and never says anything
  no-handshake-answer   reads the upgrade request and never answers
  close-mid-frame       a correct handshake, then half a text frame, then
                        the TCP connection is closed
  oversize-frame        a correct handshake, then one text frame of --size
                        bytes (default 2 MiB)
  oversize-fragments    the same size split over 64 KiB continuation frames
  never-answers-close   a correct handshake; echoes messages but never
                        answers a close frame (and keeps TCP open)
  close-no-frame        a correct handshake; on the first message it closes
                        TCP without a close frame
  good                  a correct handshake; echoes text and answers close
  bad-text              a correct handshake, then one text message that the
                        URL's path chooses, then echoes: /ff (bytes FF FE FD),
                        /surrogate (ED A0 80), /overlong (C0 AF), /truncated
                        (E2 82 at the end of a fragmented message), /split
                        (valid: a character split over two fragments);
                        the default is /ff
  bad-close             a correct handshake, then a close frame that the
                        URL's path chooses: /1byte (a 1-byte payload),
                        /bad-reason (1000 and the reason FF), /N (code N);
                        the default is /1005
  interleaved           a correct handshake, then the first fragment of a text
                        message and a new text message before its end
  status-1010           "HTTP/1.1 1010 Switching Protocols" (with valid headers)
  http10-upgrade        "HTTP/1.0 101 Switching Protocols" (with valid headers)
  http-2000             any HTTP request gets "HTTP/1.1 2000 OK" and a body
  early-pongs           a correct handshake sent together with pongs for the
                        pings ping-pong control will send ("wscheck-1" to
                        "wscheck-5"); never answers a ping
  unsolicited-pongs     a correct handshake sent with a pong "hello"; answers
                        each ping with a pong "unsolicited", then its pong
  ping-flood            a correct handshake, then pings as fast as it can,
                        never reading a byte (so pongs pile up on the client)
  text-flood            a correct handshake, then text messages as fast as
                        it can ({"n": N}), never reading a byte
  deep-json             a correct handshake; answers a message "N" with a
                        JSON array nested N levels deep ([[[...]]])
  lax-echo              a correct handshake; echoes every frame as it came
                        (fin bit and opcode, reserved ones included), pongs
                        pings of any size, echoes any close payload: it
                        checks nothing (RSV bits, opcodes, masking, UTF-8,
                        fragmentation, close codes), for the compliance
                        cases it must fail
  latest-pong           a correct handshake; echoes messages and answers
                        only the latest of pings that arrive together (as
                        RFC 6455 5.5.3 allows), once 0.1 s pass without more
  fail-first            a correct handshake; the first --fail N connections
                        (default 2) answer their first message with a close
                        4000 "bad input", later ones echo (for retries)

ws-basic-peer-flaky.py imports its request reading, handshake and framing.
"""
import argparse
import base64
import hashlib
import socket
import struct
import sys
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MODES = ["bad-accept", "no-upgrade", "no-connection", "unoffered-subprotocol",
         "unoffered-extension", "reject", "silent", "no-handshake-answer",
         "close-mid-frame", "oversize-frame", "oversize-fragments",
         "never-answers-close", "close-no-frame", "good", "bad-text",
         "bad-close", "interleaved", "status-1010", "http10-upgrade",
         "http-2000", "early-pongs", "unsolicited-pongs", "ping-flood",
         "text-flood", "deep-json", "fail-first", "lax-echo", "latest-pong"]
BAD_TEXT = {
    "ff": [(0x1, b"ok \xff\xfe\xfd", True)],
    "surrogate": [(0x1, b"ok \xed\xa0\x80", True)],
    "overlong": [(0x1, b"ok \xc0\xaf", True)],
    "truncated": [(0x1, b"ok ", False), (0x0, b"\xe2\x82", True)],
    "split": [(0x1, b"ok \xe2", False), (0x0, b"\x82\xac", True)],
}
MAX_REQUEST = 65536


def accept_for(key):
    digest = hashlib.sha1((key + GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def read_request(conn):
    """Reads the HTTP request head; returns its headers (lower-case names)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > MAX_REQUEST:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    request_line = head[0].split(" ")
    headers = {":path": request_line[1] if len(request_line) > 1 else "/"}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def frame(opcode, payload, fin=True):
    """A server frame (unmasked)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(conn):
    """Reads one (masked) client frame; returns (opcode, payload) or None."""
    head = read_exact(conn, 2)
    if head is None:
        return None
    opcode, n = head[0] & 0x0F, head[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(conn, 2) or b"\0\0")[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(conn, 8) or b"\0" * 8)[0]
    mask = read_exact(conn, 4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = read_exact(conn, n) if n else b""
    if mask is None or payload is None:
        return None
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def handshake(conn, headers, accept=None, extra=(), upgrade=True,
              connection=True, status_line="HTTP/1.1 101 Switching Protocols",
              then=b""):
    lines = [status_line]
    if upgrade:
        lines.append("Upgrade: websocket")
    if connection:
        lines.append("Connection: Upgrade")
    key = headers.get("sec-websocket-key", "")
    lines.append("Sec-WebSocket-Accept: " + (accept or accept_for(key)))
    lines.extend(extra)
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + then)


def echo_loop(conn, answer_close=True, drop_on_message=False):
    while True:
        got = read_frame(conn)
        if got is None:
            return
        opcode, payload = got
        if drop_on_message:
            return
        if opcode == 0x8:
            if answer_close:
                conn.sendall(frame(0x8, payload))
                return
            continue
        if opcode == 0x9:
            conn.sendall(frame(0xA, payload))
        elif opcode in (0x1, 0x2):
            conn.sendall(frame(opcode, payload))


def lax_echo_loop(conn):
    """Echoes every frame with its fin bit and opcode, validating nothing."""
    while True:
        head = read_exact(conn, 2)
        if head is None:
            return
        fin, opcode, n = bool(head[0] & 0x80), head[0] & 0x0F, head[1] & 0x7F
        if n == 126:
            n = struct.unpack("!H", read_exact(conn, 2) or b"\0\0")[0]
        elif n == 127:
            n = struct.unpack("!Q", read_exact(conn, 8) or b"\0" * 8)[0]
        mask = read_exact(conn, 4) if head[1] & 0x80 else b"\0\0\0\0"
        payload = read_exact(conn, n) if n else b""
        if mask is None or payload is None:
            return
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        if opcode == 0x9:
            conn.sendall(frame(0xA, payload))
            continue
        conn.sendall(frame(opcode, payload, fin))
        if opcode == 0x8:
            return


def latest_pong_loop(conn):
    """Echoes; of pings read back to back, pongs only the latest."""
    pending = None
    while True:
        conn.settimeout(0.1 if pending is not None else None)
        try:
            got = read_frame(conn)
        except socket.timeout:
            conn.sendall(frame(0xA, pending))
            pending = None
            continue
        if got is None:
            return
        opcode, payload = got
        if opcode == 0x9:
            pending = payload
        elif opcode == 0x8:
            conn.sendall(frame(0x8, payload))
            return
        elif opcode in (0x1, 0x2):
            conn.sendall(frame(opcode, payload))


def close_payload(path):
    """The close frame payload that bad-close sends for a URL path."""
    what = path.strip("/") or "1005"
    if what == "1byte":
        return b"\x03"
    if what == "bad-reason":
        return struct.pack("!H", 1000) + b"\xff"
    return struct.pack("!H", int(what))


def pong_loop(conn, answer=True):
    """Reads frames: answers pings (with an unsolicited pong first) or not;
    answers a close."""
    while True:
        got = read_frame(conn)
        if got is None:
            return
        opcode, payload = got
        if opcode == 0x8:
            conn.sendall(frame(0x8, payload[:2]))
            return
        if opcode == 0x9 and answer:
            conn.sendall(frame(0xA, b"unsolicited") + frame(0xA, payload))


def flood(conn, make):
    """Sends frames from make(i) until the client goes away: a first batch,
    then the same batch again and again (as fast as Python can)."""
    batch = b"".join(make(i) for i in range(4096))
    while True:
        conn.sendall(batch)


def deep_json_loop(conn):
    while True:
        got = read_frame(conn)
        if got is None:
            return
        if got[0] == 0x8:
            conn.sendall(frame(0x8, got[1]))
            return
        if got[0] in (0x1, 0x2):
            depth = int(got[1].decode().strip('" ') or 1)
            conn.sendall(frame(0x1, ("[" * depth + "]" * depth).encode()))


def idle(conn):
    """Keeps the connection open until the client goes away."""
    conn.settimeout(None)
    while conn.recv(4096):
        pass


def fail_first(conn, failing):
    """Closes with 4000 "bad input" on the first message, or echoes."""
    if not failing:
        echo_loop(conn)
        return
    got = read_frame(conn)
    if got is not None:
        conn.sendall(frame(0x8, struct.pack("!H", 4000) + b"bad input"))
        read_frame(conn)  # the client's answer to the close


def serve(conn, mode, size, failing=False):
    try:
        if mode == "silent":
            idle(conn)
            return
        headers = read_request(conn)
        if headers is None:
            return
        if mode == "no-handshake-answer":
            idle(conn)
        elif mode == "bad-accept":
            handshake(conn, headers, accept=accept_for("not the key"))
            idle(conn)
        elif mode == "no-upgrade":
            handshake(conn, headers, upgrade=False)
            idle(conn)
        elif mode == "no-connection":
            handshake(conn, headers, connection=False)
            idle(conn)
        elif mode == "unoffered-subprotocol":
            handshake(conn, headers, extra=["Sec-WebSocket-Protocol: unoffered"])
            echo_loop(conn)
        elif mode == "unoffered-extension":
            handshake(conn, headers,
                      extra=["Sec-WebSocket-Extensions: permessage-deflate"])
            echo_loop(conn)
        elif mode == "reject":
            body = b"go away\n"
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nX-Reason: testing\r\n"
                         b"Content-Type: text/plain\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            idle(conn)
        elif mode == "close-mid-frame":
            handshake(conn, headers)
            conn.sendall(frame(0x1, b"x" * 100)[:40])
            time.sleep(0.2)
        elif mode == "oversize-frame":
            handshake(conn, headers)
            conn.sendall(frame(0x1, b"x" * size))
            idle(conn)
        elif mode == "oversize-fragments":
            handshake(conn, headers)
            step = 65536
            for off in range(0, size, step):
                opcode = 0x1 if off == 0 else 0x0
                conn.sendall(frame(opcode, b"x" * min(step, size - off),
                                   fin=off + step >= size))
            idle(conn)
        elif mode == "never-answers-close":
            handshake(conn, headers)
            echo_loop(conn, answer_close=False)
            idle(conn)
        elif mode == "close-no-frame":
            handshake(conn, headers)
            echo_loop(conn, drop_on_message=True)
        elif mode == "good":
            handshake(conn, headers)
            echo_loop(conn)
        elif mode == "lax-echo":
            handshake(conn, headers)
            lax_echo_loop(conn)
        elif mode == "latest-pong":
            handshake(conn, headers)
            latest_pong_loop(conn)
        elif mode == "ping-flood":
            handshake(conn, headers)
            flood(conn, lambda i: frame(0x9, b"flood %d" % i))
        elif mode == "text-flood":
            handshake(conn, headers)
            flood(conn, lambda i: frame(0x1, b'{"n": %d}' % i))
        elif mode == "deep-json":
            handshake(conn, headers)
            deep_json_loop(conn)
        elif mode == "fail-first":
            handshake(conn, headers)
            fail_first(conn, failing)
        else:
            serve_protocol_fault(conn, mode, headers)
    except OSError:
        pass
    finally:
        conn.close()


def serve_protocol_fault(conn, mode, headers):
    """The modes that break RFC 6455 or HTTP after a well-formed request."""
    path = headers[":path"]
    if mode == "bad-text":
        frames = BAD_TEXT[path.strip("/") or "ff"]
        handshake(conn, headers, then=b"".join(frame(op, data, fin=fin)
                                               for op, data, fin in frames))
        echo_loop(conn)
    elif mode == "bad-close":
        handshake(conn, headers, then=frame(0x8, close_payload(path)))
        echo_loop(conn)
    elif mode == "interleaved":
        handshake(conn, headers, then=frame(0x1, b"first", fin=False)
                  + frame(0x1, b"second"))
        echo_loop(conn)
    elif mode == "status-1010":
        handshake(conn, headers, status_line="HTTP/1.1 1010 Switching Protocols")
        echo_loop(conn)
    elif mode == "http10-upgrade":
        handshake(conn, headers, status_line="HTTP/1.0 101 Switching Protocols")
        echo_loop(conn)
    elif mode == "http-2000":
        conn.sendall(b"HTTP/1.1 2000 OK\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 3\r\n\r\nok\n")
        idle(conn)
    elif mode == "early-pongs":
        pongs = b"".join(frame(0xA, f"wscheck-{n}".encode()) for n in range(1, 6))
        handshake(conn, headers, then=pongs)
        pong_loop(conn, answer=False)
    elif mode == "unsolicited-pongs":
        handshake(conn, headers, then=frame(0xA, b"hello"))
        pong_loop(conn)


def main():
    p = argparse.ArgumentParser(description="deliberately broken WebSocket server")
    p.add_argument("mode", choices=MODES)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--size", type=int, default=2 * 1024 * 1024)
    p.add_argument("--fail", type=int, default=2)
    opts = p.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((opts.host, opts.port))
    srv.listen(16)
    print(f"ws://{opts.host}:{srv.getsockname()[1]}", flush=True)
    try:
        while True:
            conn, _ = srv.accept()
            # fail-first counts connections in the order they are accepted
            failing = opts.mode == "fail-first" and opts.fail > 0
            opts.fail -= failing
            threading.Thread(target=serve, args=(conn, opts.mode, opts.size, failing),
                             daemon=True).start()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
