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
import os
import socket
import struct
import sys
import threading
import time

# The handshake and framing are peer_raw.py's, next to this script; no
# bytecode is written into the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_raw import frame, handshake, read_frame, read_request  # noqa: E402


def serve(conn, lock):
    """Echoes text and binary, answers pings and closes, until the end."""
    try:
        headers = read_request(conn)
        if headers is None:
            return
        handshake(conn, headers)
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
