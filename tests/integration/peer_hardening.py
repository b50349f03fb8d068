"""A WebSocket server on Python's `websockets` for the security plugin's
hardening checks (tls, limits, input_robustness), hardened or
deliberately weak as its options say. Run it with $PYTHON_WS.

Prints "ws://127.0.0.1:PORT" (or wss://) once listening.

Options:
  --tls CERT KEY     serve wss:// with this certificate and key
  --old-tls          also accept TLS 1.0 and 1.1 (security level 0)
  --max-size N       largest message; larger ones get close 1009
  --max-conns N      upgrades beyond N open connections get HTTP 503
  --rate N           more than N messages within a second: close 1008
  --strict-json      every message must be a JSON object whose "type" is a
                     string of at most 64 characters and whose "channel",
                     if any, is a string; anything else gets
                     {"type": "error", ...}
  --weak             dies (exit 3) on the first message that is not JSON
Every other message is echoed.
"""
import argparse
import asyncio
import http
import json
import os
import signal
import ssl
import sys
import time
import warnings

import websockets

# TLS 1.0 is deprecated: that is what --old-tls is for
warnings.filterwarnings("ignore", category=DeprecationWarning)

OPEN = set()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--old-tls", action="store_true")
    p.add_argument("--max-size", type=int, default=1 << 20)
    p.add_argument("--max-conns", type=int, default=0)
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--strict-json", action="store_true")
    p.add_argument("--weak", action="store_true")
    return p.parse_args()


def tls_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if args.old_tls:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    ctx.load_cert_chain(args.tls[0], args.tls[1])
    return ctx


def judge(args, text):
    """None when the message is acceptable, else an error answer."""
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError):
        if args.weak:
            os._exit(3)  # the deliberate weakness: bad input kills it
        return {"type": "error", "error": "malformed JSON"}
    if args.strict_json and not (isinstance(msg, dict) and isinstance(msg.get("type"), str)):
        return {"type": "error", "error": "bad message"}
    if args.strict_json and len(msg["type"]) > 64:
        return {"type": "error", "error": "type too long"}
    if args.strict_json and not isinstance(msg.get("channel", ""), str):
        return {"type": "error", "error": "channel must be a string"}
    return None


async def handler(ws, _path, args):
    OPEN.add(ws)
    window, count = time.monotonic(), 0
    try:
        async for message in ws:
            now = time.monotonic()
            if now - window >= 1:
                window, count = now, 0
            count += 1
            if args.rate and count > args.rate:
                await ws.close(1008, "rate limit")
                return
            error = judge(args, message) if isinstance(message, str) else None
            await ws.send(json.dumps(error) if error else message)
    except websockets.ConnectionClosed:
        pass
    finally:
        OPEN.discard(ws)


def make_process_request(args):
    async def process_request(_path, _headers):
        if args.max_conns and len(OPEN) >= args.max_conns:
            return http.HTTPStatus.SERVICE_UNAVAILABLE, [], b"too many connections\n"
        return None

    return process_request


async def main():
    args = parse_args()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    tls = tls_context(args) if args.tls else None
    async with websockets.serve(
        lambda ws, path: handler(ws, path, args), "127.0.0.1", 0, ssl=tls,
        max_size=args.max_size, process_request=make_process_request(args),
        ping_interval=None,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"{'wss' if tls else 'ws'}://127.0.0.1:{port}", flush=True)
        await stop


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
