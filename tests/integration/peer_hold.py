"""A server that accepts TCP connections and never answers, and says how
many it held open at once: for testing that a load generator limits the
connections it sets up at the same time. Standard library only.

    peer_hold.py [--host H] [--port N]

Prints "ws://127.0.0.1:PORT" once listening (port 0: the system chooses),
then "max N" each time the most connections open at once grows.

One thread and one poll set. In each round the connections the client
closed are counted out before new ones are accepted: the client closes a
connection before it opens the next, so the figure is what the client held,
not an artefact of the order this server happens to look at them.
"""
import argparse
import selectors
import socket
import sys


def main():
    p = argparse.ArgumentParser(description="holds TCP connections, never answers")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    opts = p.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((opts.host, opts.port))
    srv.listen(1024)
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    print(f"ws://{opts.host}:{srv.getsockname()[1]}", flush=True)
    held, most = 0, 0
    try:
        while True:
            events = sel.select()
            for key, _ in events:
                if key.fileobj is srv:
                    continue
                conn = key.fileobj
                try:
                    data = conn.recv(65536)
                except ConnectionError:
                    data = b""
                if not data:
                    sel.unregister(conn)
                    conn.close()
                    held -= 1
            if any(key.fileobj is srv for key, _ in events):
                while True:
                    try:
                        conn, _ = srv.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ)
                    held += 1
                    if held > most:
                        most = held
                        print(f"max {most}", flush=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
