// wscheck-mock driven by the official MCP TypeScript SDK client over
// Streamable HTTP: an implementation independent of ours proves the mock's
// MCP right - initialize, tools, the streamed run_command (progress through
// the SDK's onprogress, log lines as notifications/message), cancellation
// through an AbortSignal, and the GET stream the SDK opens; and the
// crackerjack profile's tools, whose results the SDK checks against their
// outputSchema. Prints TAP.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { LoggingMessageNotificationSchema } = require('@modelcontextprotocol/sdk/types.js');

const { ok, eq, withTimeout, done } = require('./tap-node.js');

function startMock(args) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wscheck-mock-sdk.'));
  const proc = spawn(process.env.WSCHECK_MOCK, ['--host', '127.0.0.1', '--port', '0', '--mcp-host', '127.0.0.1',
    '--mcp-port', '0', '--ready-file', path.join(tmp, 'ready.json'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', log = '';
  proc.stderr.on('data', d => { log += d; });
  const ready = new Promise((resolve, reject) => {
    proc.stdout.on('data', d => {
      out += d;
      const mcp = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/mcp)$/m);
      if (mcp) resolve(mcp[1]);
    });
    proc.on('exit', code => reject(new Error(`wscheck-mock exited ${code}: ${log}`)));
  });
  const exited = new Promise(resolve => proc.on('exit', (code, sig) => resolve({ code, sig })));
  return { proc, ready, exited, log: () => log };
}

async function connect(url) {
  const client = new Client({ name: 'wscheck-mock sdk test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await withTimeout(client.connect(transport), 10000, 'connect');
  return { client, transport };
}

const toolJson = r => JSON.parse(r.content[0].text);

async function testDefault(url) {
  const { client, transport } = await connect(url);
  eq(client.getServerVersion(), { name: 'WebSocketMockMCP', version: '1.0.0' }, 'default: the SDK reads serverInfo');
  ok(typeof transport.sessionId === 'string' && transport.sessionId.length === 32, 'default: the SDK took the session id',
    transport.sessionId);
  const { tools } = await client.listTools();
  eq(tools.map(t => t.name), ['get_websocket_server_status', 'send_websocket_message', 'get_websocket_clients',
    'test_websocket_connection'], 'default: listTools gives the four tools');
  const r = await client.callTool({ name: 'get_websocket_clients', arguments: {} });
  eq([r.isError, toolJson(r).status], [false, 'success'], 'default: callTool get_websocket_clients');
  await client.close();
}

async function testToolkit(url) {
  const { client } = await connect(url);
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, n => { logs.push(n.params); });
  ok(client.getServerCapabilities().logging !== undefined, 'toolkit: the logging capability');
  const { tools } = await client.listTools();
  eq(tools.map(t => t.name), ['run_command', 'get_status'], 'toolkit: listTools');
  await client.setLoggingLevel('info');
  const progress = [];
  const r = await withTimeout(client.callTool({ name: 'run_command', arguments: { command: 'test', lines: 4, interval_ms: 10 } },
    undefined, { onprogress: p => progress.push(p) }), 10000, 'run_command');
  eq(progress.map(p => p.progress), [1, 2, 3, 4], 'run_command: the SDK sees progress 1..4 (SSE answer)');
  ok(progress.every(p => p.total === 4), 'run_command: total 4 in every update', progress);
  const lines = logs.filter(l => l.logger === 'run_command').map(l => l.data.line);
  eq(lines, toolJson(r).output, 'run_command: the log lines the SDK received are the output');
  eq([r.isError, toolJson(r).exit_code], [false, 0], 'run_command: the result');
  const f = await client.callTool({ name: 'run_command', arguments: { command: 'build', lines: 2, interval_ms: 0, fail: true } });
  eq([f.isError, toolJson(f).status], [true, 'failed'], 'run_command fail: isError true');
  let err;
  try {
    await client.callTool({ name: 'run_command', arguments: { command: 'deploy' } });
  } catch (e) { err = e; }
  ok(err && err.code === -32602, 'an unknown command: the SDK raises the JSON-RPC error -32602', String(err));
  // cancellation through an AbortSignal: the SDK sends notifications/cancelled
  const ac = new AbortController();
  let seen = 0;
  const call = client.callTool({ name: 'run_command', arguments: { command: 'lint', lines: 1000, interval_ms: 20 } },
    undefined, { signal: ac.signal, onprogress: () => { if (++seen === 2) ac.abort('enough'); } });
  let aborted = false;
  try { await withTimeout(call, 10000, 'the cancelled call'); } catch (e) { aborted = true; }
  ok(aborted, 'an aborted call rejects in the SDK');
  // The SDK posts the notification without waiting: poll, bounded.
  let st;
  for (let i = 0; i < 50; i++) {
    st = toolJson(await client.callTool({ name: 'get_status', arguments: {} }));
    if (st.commands.running.length === 0) break;
    await new Promise(res => setTimeout(res, 100));
  }
  ok(st.commands.running.length === 0 && st.commands.cancelled === 1,
    'the SDK\'s notifications/cancelled stopped the command', st.commands);
  await client.close();
}

// crackerjack's tools declare an outputSchema: the SDK checks each result's
// structuredContent against it.
async function testCrackerjack(url) {
  const { client } = await connect(url);
  eq(client.getServerVersion().name, 'crackerjack-mcp-server', 'crackerjack: the SDK reads serverInfo');
  const { tools } = await client.listTools();
  const names = tools.map(t => t.name);
  ok(['execute_crackerjack', 'get_job_progress', 'get_comprehensive_status', 'get_server_stats',
    'get_stage_status', 'get_next_action', 'session_management'].every(x => names.includes(x)),
  'crackerjack: the SDK lists the stable tools', names);
  const missing = await client.callTool({ name: 'get_job_progress', arguments: { job_id: 'deadbeef' } });
  eq([missing.isError, JSON.parse(missing.structuredContent.result)],
    [false, { error: 'Job deadbeef not found', job_id: 'deadbeef' }],
    'crackerjack: the SDK accepts a result with structuredContent {result}');
  const started = toolJson(await client.callTool({ name: 'execute_crackerjack',
    arguments: { args: '', kwargs: JSON.stringify({ mock_step_ms: 20 }) } }));
  ok(/^[0-9a-f]{8}$/.test(started.job_id), 'crackerjack: execute_crackerjack through the SDK', started);
  let job;
  for (let i = 0; i < 100; i++) {
    job = toolJson(await client.callTool({ name: 'get_job_progress', arguments: { job_id: started.job_id } }));
    if (job.current_stage === 'completed' || job.current_stage === 'failed') break;
    await new Promise(res => setTimeout(res, 100));
  }
  eq([job.status, job.current_stage, job.overall_progress], ['completed', 'completed', 100],
    'crackerjack: get_job_progress follows the job to completed');
  await client.close();
}

(async () => {
  const cjDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wscheck-mock-sdk-cj.'));
  const mock = startMock([]), kit = startMock(['--profile', 'dev-toolkit']);
  const cj = startMock(['--profile', 'crackerjack', '--crackerjack-port', '0', '--progress-dir', cjDir]);
  try {
    await testDefault(await withTimeout(mock.ready, 15000, 'the mock'));
    await testToolkit(await withTimeout(kit.ready, 15000, 'the dev-toolkit mock'));
    await testCrackerjack(await withTimeout(cj.ready, 15000, 'the crackerjack mock'));
  } catch (e) {
    ok(false, 'test script ran to the end', e.stack);
  }
  for (const [m, name] of [[mock, 'mock'], [kit, 'dev-toolkit mock'], [cj, 'crackerjack mock']]) {
    m.proc.kill('SIGTERM');
    const { code } = await withTimeout(m.exited, 15000, 'exit').catch(() => ({ code: -1 }));
    eq(code, 0, `the ${name} exits 0 on SIGTERM`);
    ok(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(m.log()), `no sanitizer report from the ${name}`, m.log());
  }
  fs.rmSync(cjDir, { recursive: true, force: true });
  done();
})();
