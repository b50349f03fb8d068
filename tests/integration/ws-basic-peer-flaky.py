"""A WebSocket server that drops its clients and then goes away for a while,
for the ws-basic `reconnect` check. Standard library only.

    ws-basic-peer-flaky.py --drop-after S [--down-for S] [--port N]

Prints "ws://127.0.0.1:PORT" once listening. Each connection gets a correct
handshake and an echo of its text messages; --drop-after S seconds after
the first connection opens, the server stops listening (new connections are
refused), closes that connection with 1001 "going away", and listens again
on the same port --down-for S seconds later (never when negative). Later
connections are served and never dropped.
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


def handshake(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > 65536:
            return False
        data += chunk
    key = ""
    for line in data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
                  "\r\n\r\n").encode())
    return True


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 126]) + struct.pack("!H", n)
    else:
        head = bytes([0x80 | opcode, 127]) + struct.pack("!Q", n)
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


def serve(conn, lock):
    """Echoes text and binary, answers pings and closes, until the end."""
    try:
        if not handshake(conn):
            return
        while True:
            got = read_frame(conn)
            if got is None:
                return
            opcode, payload = got
            with lock:
                if opcode == 0x8:
                    conn.sendall(frame(0x8, payload))
                    return
                if opcode == 0x9:
                    conn.sendall(frame(0xA, payload))
                elif opcode in (0x1, 0x2):
                    conn.sendall(frame(opcode, payload))
    except OSError:
        pass
    finally:
        conn.close()


def listen(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    return srv


def main():
    p = argparse.ArgumentParser(description="a WebSocket server that drops its clients")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--drop-after", type=float, required=True)
    p.add_argument("--down-for", type=float, default=0)
    opts = p.parse_args()
    srv = listen(opts.port)
    port = srv.getsockname()[1]
    print(f"ws://127.0.0.1:{port}", flush=True)

    conn, _ = srv.accept()
    lock = threading.Lock()
    threading.Thread(target=serve, args=(conn, lock), daemon=True).start()
    time.sleep(opts.drop_after)
    srv.close()  # refuse new connections before the client learns of the drop
    with lock:
        try:
            conn.sendall(frame(0x8, struct.pack("!H", 1001) + b"going away"))
        except OSError:
            pass
    if opts.down_for < 0:
        time.sleep(3600)
        return 0
    time.sleep(opts.down_for)
    srv = listen(port)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, threading.Lock()), daemon=True).start()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
