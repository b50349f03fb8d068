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
  ping-flood            a correct handshake, then pings as fast as it can,
                        never reading a byte (so pongs pile up on the client)
  text-flood            a correct handshake, then text messages as fast as
                        it can ({"n": N}), never reading a byte
  deep-json             a correct handshake; answers a message "N" with a
                        JSON array nested N levels deep ([[[...]]])

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
         "never-answers-close", "close-no-frame", "good", "ping-flood",
         "text-flood", "deep-json"]
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
    headers = {}
    for line in data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]:
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
              connection=True):
    lines = ["HTTP/1.1 101 Switching Protocols"]
    if upgrade:
        lines.append("Upgrade: websocket")
    if connection:
        lines.append("Connection: Upgrade")
    key = headers.get("sec-websocket-key", "")
    lines.append("Sec-WebSocket-Accept: " + (accept or accept_for(key)))
    lines.extend(extra)
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())


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


def serve(conn, mode, size):
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
        elif mode == "ping-flood":
            handshake(conn, headers)
            flood(conn, lambda i: frame(0x9, b"flood %d" % i))
        elif mode == "text-flood":
            handshake(conn, headers)
            flood(conn, lambda i: frame(0x1, b'{"n": %d}' % i))
        elif mode == "deep-json":
            handshake(conn, headers)
            deep_json_loop(conn)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser(description="deliberately broken WebSocket server")
    p.add_argument("mode", choices=MODES)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--size", type=int, default=2 * 1024 * 1024)
    opts = p.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((opts.host, opts.port))
    srv.listen(16)
    print(f"ws://{opts.host}:{srv.getsockname()[1]}", flush=True)
    try:
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve, args=(conn, opts.mode, opts.size),
                             daemon=True).start()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
