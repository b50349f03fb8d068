#!/usr/bin/env python3
"""A WebSocket test peer on Python `websockets` (python3-websockets) that
guards its endpoint in process_request: an Origin allow-list and token
authentication, each of which can be weakened to give the security checks
a deliberately insecure server to catch.

Prints "ws://127.0.0.1:PORT" once listening.

Options:
  --allowed-origin O   accept this Origin (repeatable); others get 403
  --origin-prefix      (insecure) accept any Origin that starts with an
                       allowed one (https://good.example.evil.test passes)
  --token T            the right token: Authorization: Bearer T, or ?token=T
                       with --auth-via query; 401 without it
  --auth-via M         bearer (default) or query
  --any-token          (insecure) any non-empty token is accepted
  --deny-close CODE    refuse by accepting the upgrade, then closing with
                       CODE (instead of an HTTP status)

Messages are echoed.
"""
import argparse
import asyncio
import http
import signal
import urllib.parse

import websockets


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--allowed-origin", action="append", default=[])
    p.add_argument("--origin-prefix", action="store_true")
    p.add_argument("--token")
    p.add_argument("--auth-via", default="bearer", choices=["bearer", "query"])
    p.add_argument("--any-token", action="store_true")
    p.add_argument("--deny-close", type=int, default=0)
    return p.parse_args()


def origin_ok(opts, origin):
    if not opts.allowed_origin:
        return True
    if origin is None:
        return False
    if opts.origin_prefix:
        return any(origin.startswith(o) for o in opts.allowed_origin)
    return origin in opts.allowed_origin


def token_of(opts, path, headers):
    if opts.auth_via == "query":
        query = urllib.parse.urlparse(path).query
        values = urllib.parse.parse_qs(query).get("token")
        return values[0] if values else None
    auth = headers.get("Authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else None


def refusal(opts, path, headers):
    """None when the request may upgrade, else (status, reason)."""
    if not origin_ok(opts, headers.get("Origin")):
        return http.HTTPStatus.FORBIDDEN, "foreign origin"
    if opts.token is not None:
        token = token_of(opts, path, headers)
        if not token or (not opts.any_token and token != opts.token):
            return http.HTTPStatus.UNAUTHORIZED, "unauthorized"
    return None


def make_process_request(opts):
    async def process_request(path, headers):
        refused = refusal(opts, path, headers)
        if refused is None or opts.deny_close:
            return None
        status, reason = refused
        return status, [("Content-Type", "text/plain")], (reason + "\n").encode()
    return process_request


def make_handler(opts):
    async def handler(ws, path):
        if opts.deny_close and refusal(opts, path, ws.request_headers) is not None:
            await ws.close(opts.deny_close, "refused")
            return
        async for message in ws:
            await ws.send(message)
    return handler


async def serve(opts):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    server = await websockets.serve(make_handler(opts), "127.0.0.1", 0,
                                    process_request=make_process_request(opts))
    port = server.sockets[0].getsockname()[1]
    print(f"ws://127.0.0.1:{port}", flush=True)
    await stop
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
