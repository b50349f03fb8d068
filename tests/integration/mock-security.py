"""wscheck-mock's security options from the outside, with Python websockets
clients: allowed Origins (403), an auth token in a header, the query, a
cookie, a subprotocol (401) or a first message (close 4001), roles with
permitted message types (close 4003), connections per address (503), a
message rate limit (close 1008) and TLS with a certificate made by openssl
at run time."""
import asyncio
import http.client
import importlib.util
import json
import os
import ssl
import subprocess

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)
websockets = lib.websockets  # imported (or the test skipped) by mock-lib.py


async def upgrade_status(mock, path="/", **kw):
    """200 with the welcome's type when accepted, else the refusal status."""
    try:
        async with mock.ws(path, **kw) as ws:
            return 101, (await lib.recv_json(ws))["type"]
    except websockets.InvalidStatusCode as e:
        return e.status_code, None


async def close_code(ws, messages):
    """Sends messages, then reads until the close; returns (code, reason)."""
    try:
        for m in messages:
            await ws.send(json.dumps(m))
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    except websockets.ConnectionClosed as e:
        return (e.rcvd.code, e.rcvd.reason) if e.rcvd else (None, None)


async def test_origin(t):
    mock = lib.Mock("--allowed-origin", "https://app.example", mcp=False)
    t.eq(await upgrade_status(mock, origin="https://evil.example"), (403, None),
         "a foreign Origin is refused with 403")
    t.eq(await upgrade_status(mock, origin="https://app.example"), (101, "welcome"),
         "the allowed Origin is accepted")
    t.eq(await upgrade_status(mock), (101, "welcome"),
         "no Origin (not a browser) is accepted")
    open_mock = lib.Mock(mcp=False)
    t.eq(await upgrade_status(open_mock, origin="https://evil.example"), (101, "welcome"),
         "without --allowed-origin any Origin is accepted (the insecure default)")
    t.eq(open_mock.stop(), 0, "the open mock exits 0")
    both = lib.Mock("--allowed-origin", "https://app.example", "--auth-token", "s3cret",
                    "--auth-via", "cookie", mcp=False)
    t.eq(await upgrade_status(both, origin="https://evil.example",
                              extra_headers={"Cookie": "token=s3cret"}), (403, None),
         "cross-site hijacking: a valid cookie with a foreign Origin is still refused")
    t.eq(both.stop(), 0, "the cookie mock exits 0")
    t.eq(mock.stop(), 0, "the Origin mock exits 0")


async def test_auth_upgrade(t):
    cases = [
        ("header", lambda tok: {"extra_headers": {"Authorization": "Bearer " + tok}}, "/"),
        ("query", lambda tok: {}, "/?token=%s"),
        ("cookie", lambda tok: {"extra_headers": {"Cookie": "a=1; token=" + tok}}, "/"),
        ("subprotocol", lambda tok: {"subprotocols": ["bearer." + tok, "wscheck-mock"]}, "/"),
    ]
    for via, kw, path in cases:
        mock = lib.Mock("--auth-token", "s3cret", "--auth-via", via, mcp=False)
        t.eq(await upgrade_status(mock), (401, None), "auth via %s: no token, 401" % via)
        p = path % "wrong" if "%s" in path else path
        t.eq(await upgrade_status(mock, p, **kw("wrong")), (401, None),
             "auth via %s: a wrong token, 401" % via)
        p = path % "s3cret" if "%s" in path else path
        t.eq(await upgrade_status(mock, p, **kw("s3cret")), (101, "welcome"),
             "auth via %s: the right token is accepted" % via)
        t.eq(mock.stop(), 0, "the %s mock exits 0" % via)
    mock = lib.Mock("--auth-token", "s3cret", mcp=False)
    st, h, body = lib.raw_http(mock.port, lib.upgrade_request(mock.port))
    t.ok(st == 401 and h.get("www-authenticate") == "Bearer",
         "a 401 names the Bearer scheme", (st, h))
    t.eq(mock.stop(), 0, "the header mock exits 0")


async def test_auth_message(t):
    mock = lib.Mock("--auth-token", "s3cret", "--auth-via", "message", mcp=False)
    async with mock.ws() as ws:
        t.eq(await close_code(ws, [{"type": "auth", "token": "wrong"}]),
             (4001, "authentication failed"), "a wrong login message closes with 4001")
    async with mock.ws() as ws:
        t.eq((await close_code(ws, [{"type": "ping"}]))[0], 4001,
             "a first message other than the login closes with 4001")
    async with mock.ws() as ws:
        r = await lib.request(ws, {"type": "auth", "token": "s3cret"})
        t.eq(r, {"type": "auth_ok"}, "the right login is answered auth_ok")
        t.eq((await lib.recv_json(ws))["type"], "welcome", "then the welcome")
        t.eq((await lib.request(ws, {"type": "ping"}))["type"], "pong",
             "then messages are served")
    t.eq(mock.stop(), 0, "the login mock exits 0")


async def test_roles(t):
    mock = lib.Mock("--role", "viewer:vtok:ping,get_stats", "--role",
                    "admin:atok:ping,echo,get_stats,broadcast", mcp=False)
    hdr = {"Authorization": "Bearer vtok"}
    t.eq(await upgrade_status(mock), (401, None), "roles without a token: 401")
    async with mock.ws(extra_headers=hdr) as ws:
        await lib.recv_json(ws)
        t.eq((await lib.request(ws, {"type": "ping"}))["type"], "pong",
             "a permitted message type is served")
        t.eq(await close_code(ws, [{"type": "echo", "x": 1}]),
             (4003, "forbidden message type"), "a type the role may not send closes with 4003")
    async with mock.ws(extra_headers=hdr) as ws:
        await lib.recv_json(ws)
        t.eq((await close_code(ws, ["not json"]))[0], 4003,
             "a message without a type is not permitted either")
    async with mock.ws(extra_headers={"Authorization": "Bearer atok"}) as ws:
        await lib.recv_json(ws)
        r = await lib.request(ws, {"type": "echo", "x": 1})
        t.eq(r["type"], "echo_response", "another role may send it")
    t.eq(mock.stop(), 0, "the roles mock exits 0")


async def test_connection_limit(t):
    mock = lib.Mock("--max-connections-per-ip", "2", mcp=False)
    a, _ = await lib.connect_client(mock)
    b, _ = await lib.connect_client(mock)
    t.eq(await upgrade_status(mock), (503, None), "a third connection from the address: 503")
    await a.close()
    for _ in range(100):  # the server sees the close a moment later
        st = await upgrade_status(mock)
        if st[0] == 101:
            break
        await asyncio.sleep(0.05)
    t.eq(st, (101, "welcome"), "once one closed, a new connection is accepted")
    await b.close()
    t.eq(mock.stop(), 0, "the limit mock exits 0")


async def test_rate_limit(t):
    mock = lib.Mock("--rate-limit", "5/s", mcp=False)
    ws, _ = await lib.connect_client(mock)
    t.eq(await close_code(ws, [{"type": "ping"}] * 50), (1008, "rate limit"),
         "a flood of 50 messages closes with 1008 \"rate limit\"")
    ws, _ = await lib.connect_client(mock)
    t.eq((await lib.request(ws, {"type": "ping"}))["type"], "pong",
         "a fresh connection is served after the flood")
    await ws.close()
    t.eq(mock.stop(), 0, "the rate mock exits 0")


def make_cert(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


async def test_tls(t):
    probe = lib.Mock(mcp=False)
    cert, key = make_cert(probe.tmp)
    t.eq(probe.stop(), 0, "the plain mock exits 0")
    mock = lib.Mock("--tls-cert", cert, "--tls-key", key, mcp=False)
    t.ok(mock.url.startswith("wss://"), "with a certificate the mock announces wss://",
         mock.url)
    ctx = ssl.create_default_context(cafile=cert)
    async with websockets.connect("wss://127.0.0.1:%d/" % mock.port, ssl=ctx,
                                  ping_interval=None, open_timeout=10) as ws:
        t.eq((await lib.recv_json(ws))["type"], "welcome", "a wss client is welcomed")
    conn = http.client.HTTPSConnection("127.0.0.1", mock.port, timeout=10, context=ctx)
    conn.request("GET", "/health")
    r = conn.getresponse()
    t.eq(r.status, 200, "https /health on the same port")
    conn.close()
    try:
        async with websockets.connect("wss://127.0.0.1:%d/" % mock.port,
                                      ssl=ssl.create_default_context(), open_timeout=10):
            t.ok(False, "a client without the CA refuses the certificate")
    except ssl.SSLCertVerificationError:
        t.ok(True, "a client without the CA refuses the certificate")
    t.eq(mock.stop(), 0, "the TLS mock exits 0")
    bad = lib.Mock("--tls-cert", cert, wait=False)
    t.eq(bad.proc.wait(15), 2, "--tls-cert without --tls-key is a usage error")
    missing = lib.Mock("--tls-cert", cert + ".none", "--tls-key", key, wait=False)
    t.eq(missing.proc.wait(15), 1, "a certificate that cannot be read: exit 1")


async def main(t):
    await test_origin(t)
    await test_auth_upgrade(t)
    await test_auth_message(t)
    await test_roles(t)
    await test_connection_limit(t)
    await test_rate_limit(t)
    await test_tls(t)
    bad = lib.Mock("--role", "viewer", wait=False)
    t.eq(bad.proc.wait(15), 2, "a --role without a token is a usage error")
    bad = lib.Mock("--auth-via", "carrier-pigeon", wait=False)
    t.eq(bad.proc.wait(15), 2, "an unknown --auth-via is a usage error")


lib.run(main)
