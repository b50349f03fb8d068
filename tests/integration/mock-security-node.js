// wscheck-mock's security options with node's ws package as the client (an
// implementation independent of ours and of Python's): Origin 403, tokens
// in a header, the query, a cookie, a subprotocol (401) and a first message
// (close 4001), roles (close 4003), connections per address (503), the rate
// limit (close 1008) and wss with a certificate made by openssl at run time.
// Prints TAP.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const { ok, eq, withTimeout, done } = require('./tap-node.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wscheck-mock-secnode.'));
const started = [];   // killed at the end whatever happened

async function startMock(args) {
  const proc = spawn(process.env.WSCHECK_MOCK, ['--host', '127.0.0.1', '--port', '0', '--no-mcp', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let out = '', log = '';
  proc.stderr.on('data', d => { log += d; });
  const exited = new Promise(resolve => proc.on('exit', code => resolve(code)));
  const url = await withTimeout(new Promise((resolve, reject) => {
    proc.stdout.on('data', d => {
      out += d;
      const m = out.match(/^wss?:\/\/127\.0\.0\.1:\d+$/m);
      if (m) resolve(m[0]);
    });
    proc.on('exit', code => reject(new Error(`wscheck-mock exited ${code}: ${log}`)));
  }), 15000, 'the mock to start');
  return { url, stop: () => { proc.kill('SIGTERM'); return withTimeout(exited, 10000, 'the mock to exit'); } };
}

// Connects; resolves {status: 101, welcome} or {status: refusal}, and keeps
// the socket in .ws.
function attempt(url, protocols, opts) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, opts);
    const queue = [], waiters = [];
    ws.closeInfo = new Promise(res => ws.on('close', (code, reason) => res({ code, reason: String(reason) })));
    ws.on('message', data => {
      const m = JSON.parse(data.toString());
      if (waiters.length) waiters.shift()(m); else queue.push(m);
    });
    ws.next = (ms = 5000) => withTimeout(queue.length ? Promise.resolve(queue.shift())
      : new Promise(res => waiters.push(res)), ms, 'a message');
    ws.on('unexpected-response', (req, res) => { resolve({ status: res.statusCode }); req.destroy(); });
    ws.on('error', e => reject(e));
    ws.once('open', () => resolve({ status: 101, ws }));
  });
}

async function welcomed(url, protocols, opts) {
  const r = await attempt(url, protocols, opts);
  if (r.status !== 101) return r;
  const m = await r.ws.next();
  return { status: 101, type: m.type, ws: r.ws };
}

async function origin() {
  const m = await startMock(['--allowed-origin', 'https://app.example']);
  eq((await attempt(m.url, [], { origin: 'https://evil.example' })).status, 403, 'node: a foreign Origin gets 403');
  const r = await welcomed(m.url, [], { origin: 'https://app.example' });
  eq([r.status, r.type], [101, 'welcome'], 'node: the allowed Origin is welcomed');
  r.ws.close();
  eq(await m.stop(), 0, 'node: the Origin mock exits 0');
}

async function tokens() {
  const cases = [
    ['header', (t) => [m => m, [], { headers: { Authorization: 'Bearer ' + t } }]],
    ['query', (t) => [m => m + '/?token=' + t, [], {}]],
    ['cookie', (t) => [m => m, [], { headers: { Cookie: 'token=' + t } }]],
    ['subprotocol', (t) => [m => m, ['bearer.' + t, 'wscheck-mock'], {}]],
  ];
  for (const [via, make] of cases) {
    const m = await startMock(['--auth-token', 's3cret', '--auth-via', via]);
    eq((await attempt(m.url)).status, 401, `node: auth via ${via}, no token: 401`);
    let [u, p, o] = make('wrong');
    eq((await attempt(u(m.url), p, o)).status, 401, `node: auth via ${via}, a wrong token: 401`);
    [u, p, o] = make('s3cret');
    const r = await welcomed(u(m.url), p, o);
    eq([r.status, r.type], [101, 'welcome'], `node: auth via ${via}, the right token is welcomed`);
    r.ws.close();
    eq(await m.stop(), 0, `node: the ${via} mock exits 0`);
  }
}

async function login() {
  const m = await startMock(['--auth-token', 's3cret', '--auth-via', 'message']);
  let r = await attempt(m.url);
  r.ws.send(JSON.stringify({ type: 'auth', token: 'wrong' }));
  eq(await withTimeout(r.ws.closeInfo, 10000, 'close'), { code: 4001, reason: 'authentication failed' },
    'node: a wrong login message closes with 4001');
  r = await attempt(m.url);
  r.ws.send(JSON.stringify({ type: 'auth', token: 's3cret' }));
  eq([(await r.ws.next()).type, (await r.ws.next()).type], ['auth_ok', 'welcome'], 'node: the right login: auth_ok, then the welcome');
  r.ws.close();
  eq(await m.stop(), 0, 'node: the login mock exits 0');
}

async function roles() {
  const m = await startMock(['--role', 'viewer:vtok:ping']);
  const r = await welcomed(m.url, [], { headers: { Authorization: 'Bearer vtok' } });
  r.ws.send(JSON.stringify({ type: 'ping' }));
  eq((await r.ws.next()).type, 'pong', 'node: the role may send ping');
  r.ws.send(JSON.stringify({ type: 'broadcast', message: 'x' }));
  eq(await withTimeout(r.ws.closeInfo, 10000, 'close'), { code: 4003, reason: 'forbidden message type' },
    'node: a type the role may not send closes with 4003');
  eq(await m.stop(), 0, 'node: the roles mock exits 0');
}

async function limits() {
  const m = await startMock(['--max-connections-per-ip', '1', '--rate-limit', '3/s']);
  const a = await welcomed(m.url);
  eq((await attempt(m.url)).status, 503, 'node: a second connection from the address: 503');
  for (let i = 0; i < 30; i++) a.ws.send(JSON.stringify({ type: 'ping' }));
  eq(await withTimeout(a.ws.closeInfo, 10000, 'close'), { code: 1008, reason: 'rate limit' },
    'node: a flood closes with 1008 "rate limit"');
  let r = { status: 0 };
  for (let i = 0; i < 100 && r.status !== 101; i++) {   // the server sees the close a moment later
    r = await welcomed(m.url);
    if (r.status !== 101) await new Promise(res => setTimeout(res, 50));
  }
  eq([r.status, r.type], [101, 'welcome'], 'node: after the flood a fresh connection is welcomed');
  r.ws.close();
  eq(await m.stop(), 0, 'node: the limits mock exits 0');
}

async function tls() {
  const cert = path.join(tmp, 'cert.pem'), key = path.join(tmp, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const m = await startMock(['--tls-cert', cert, '--tls-key', key]);
  ok(m.url.startsWith('wss://'), 'node: the TLS mock announces wss://', m.url);
  const r = await welcomed(m.url, [], { ca: fs.readFileSync(cert) });
  eq([r.status, r.type], [101, 'welcome'], 'node: a wss client trusting the certificate is welcomed');
  r.ws.close();
  let refused = false;
  try { await attempt(m.url); } catch (e) { refused = /self[- ]signed|certificate/i.test(e.message); }
  ok(refused, 'node: a wss client without the CA refuses the certificate');
  eq(await m.stop(), 0, 'node: the TLS mock exits 0');
}

async function main() {
  await origin();
  await tokens();
  await login();
  await roles();
  await limits();
  await tls();
}

main().catch(e => ok(false, 'test script ran to the end', e.stack)).finally(() => {
  for (const p of started)
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
  done();
});
