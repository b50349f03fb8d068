// wscheck-mock with node's ws package as the client (an implementation
// independent of ours and of Python's): protocol basics, 200 clients,
// fragments and binary frames, close codes, an MCP push received by a
// node client, and 1001 on SIGTERM. Prints TAP.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const { ok, eq, withTimeout, done } = require('./tap-node.js');

function startMock(args) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wscheck-mock-node.'));
  const proc = spawn(process.env.WSCHECK_MOCK, ['--host', '127.0.0.1', '--port', '0', '--mcp-host', '127.0.0.1',
    '--mcp-port', '0', '--ready-file', path.join(tmp, 'ready.json'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', log = '';
  proc.stderr.on('data', d => { log += d; });
  const ready = new Promise((resolve, reject) => {
    proc.stdout.on('data', d => {
      out += d;
      const ws = out.match(/^ws:\/\/127\.0\.0\.1:(\d+)$/m), mcp = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/mcp)$/m);
      if (ws && mcp) resolve({ port: Number(ws[1]), mcpUrl: mcp[1] });
    });
    proc.on('exit', code => reject(new Error(`wscheck-mock exited ${code}: ${log}`)));
  });
  const exited = new Promise(resolve => proc.on('exit', (code, sig) => resolve({ code, sig })));
  return { proc, ready, exited, log: () => log };
}

// A client that queues what it receives.
function client(port, opts) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/node`, opts);
    const queue = [], waiters = [];
    ws.closeInfo = new Promise(res => ws.on('close', (code, reason) => res({ code, reason: String(reason) })));
    ws.on('message', (data, isBinary) => {
      const m = JSON.parse(data.toString());
      if (waiters.length) waiters.shift()(m); else queue.push(m);
    });
    ws.next = (ms = 5000) => withTimeout(queue.length ? Promise.resolve(queue.shift())
      : new Promise(res => waiters.push(res)), ms, 'a message');
    ws.request = (msg) => { ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)); return ws.next(); };
    ws.on('error', reject);
    ws.once('open', async () => { try { ws.welcome = await ws.next(); resolve(ws); } catch (e) { reject(e); } });
  });
}

async function mcpPost(url, body, session) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (session) { headers['mcp-session-id'] = session; headers['mcp-protocol-version'] = '2025-06-18'; }
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, session: r.headers.get('mcp-session-id'), json: text ? JSON.parse(text) : null };
}

let running = null;   // killed at the end whatever happened

async function main() {
  const mock = running = startMock([]);
  const { port, mcpUrl } = await withTimeout(mock.ready, 15000, 'the mock to start');

  const a = await client(port);
  ok(/^[0-9a-f]{8}$/.test(a.welcome.client_id) && a.welcome.type === 'welcome', 'node client: welcome with an 8-hex-digit id', a.welcome);
  eq(a.welcome.server_info.capabilities, ['ping', 'echo', 'broadcast', 'get_clients', 'get_stats', 'simulate_delay', 'error_test'],
    'node client: the seven capabilities');
  let r = await a.request({ type: 'ping' });
  eq([r.type, r.client_id], ['pong', a.welcome.client_id], 'node client: ping gets pong');
  const msg = { type: 'echo', list: [1, 2.5, null, true, { x: 'y' }], s: 'caf\u00e9' };
  r = await a.request(msg);
  eq(r.original_message, msg, 'node client: echo returns the message');
  a.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
  eq((await a.next()).type, 'pong', 'node client: JSON in a binary frame');
  a.send('{"type":"echo",', { fin: false });
  a.send('"part":2}', { fin: true });
  eq((await a.next()).original_message, { type: 'echo', part: 2 }, 'node client: a fragmented message is reassembled');
  r = await a.request({ type: 'get_clients' });
  ok(r.clients.some(c => c.id === a.welcome.client_id && c.remote_address === `127.0.0.1:${a._socket.localPort}`),
    'node client: get_clients shows its remote_address', r.clients);

  const many = await Promise.all(Array.from({ length: 200 }, () => client(port)));
  const ids = new Set(many.map(c => c.welcome.client_id));
  eq(ids.size, 200, '200 concurrent node clients get 200 distinct ids');
  r = await a.request({ type: 'broadcast', message: { from: 'node' } });
  const got = await Promise.all(many.map(c => c.next()));
  ok(r.recipients === 200 && got.every(m => m.type === 'broadcast' && m.from_client === a.welcome.client_id),
    'a broadcast reaches all 200 node clients', r);
  await Promise.all(many.map(c => { c.close(); return c.closeInfo; }));
  r = await a.request({ type: 'get_stats' });
  eq(r.stats.current_clients, 1, 'after they close, only the first client counts');

  // MCP: a tool call whose message a node client receives
  let m = await mcpPost(mcpUrl, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'node', version: '1' } } });
  ok(m.status === 200 && /^[0-9a-f]{32}$/.test(m.session || ''), 'MCP over fetch: initialize gives a session', m);
  const session = m.session;
  m = await mcpPost(mcpUrl, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'send_websocket_message', arguments: { message_type: 'from-node-test', payload: { k: [1, 2] }, target_client: a.welcome.client_id } } }, session);
  const pushed = await a.next();
  const result = JSON.parse(m.json.result.content[0].text);
  ok(result.status === 'sent' && result.sent_to_clients === 1, 'MCP send_websocket_message: sent to 1', result);
  eq([pushed.type, pushed.from_mcp_server, pushed.payload], ['from-node-test', true, { k: [1, 2] }], 'the node client receives the pushed message');

  // close codes
  const big = await client(port);
  big.send('x'.repeat((1 << 20) + 10));
  eq((await withTimeout(big.closeInfo, 10000, 'close')).code, 1009, 'an oversize message closes with 1009');
  const bad = await client(port);
  bad.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
  eq((await withTimeout(bad.closeInfo, 10000, 'close')).code, 1007, 'invalid UTF-8 in a text frame closes with 1007');

  const b = await client(port);
  mock.proc.kill('SIGTERM');
  const [ca, cb] = await withTimeout(Promise.all([a.closeInfo, b.closeInfo]), 10000, 'the 1001 closes');
  eq([ca.code, cb.code], [1001, 1001], 'SIGTERM: the node clients are closed with 1001');
  const ex = await withTimeout(mock.exited, 10000, 'the mock to exit');
  eq(ex, { code: 0, sig: null }, 'SIGTERM: the mock exits 0');
  ok(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(mock.log()), 'no sanitizer report from the mock', mock.log().slice(-2000));
}

main().catch(e => ok(false, 'test script ran to the end', e.stack)).finally(() => {
  if (running && running.proc.exitCode === null && running.proc.signalCode === null)
    running.proc.kill('SIGKILL');
  done();
});
