// mcp-calls-client: the same loop as mcp-calls-loop.c on the official MCP
// TypeScript SDK client: initialize, then CALLS tools/call one after the
// other; prints the calls per second. Over WebSocket through the SDK's
// WebSocketClientTransport (node `ws` as the WebSocket class on node < 22).
//   node mcp-calls-client.js URL TOOL CALLS
'use strict';
if (typeof globalThis.WebSocket === 'undefined') globalThis.WebSocket = require('ws');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { WebSocketClientTransport } = require('@modelcontextprotocol/sdk/client/websocket.js');

(async () => {
  const [url, tool, n] = process.argv.slice(2);
  const calls = Number(n);
  const u = new URL(url);
  const transport = u.protocol.startsWith('ws') ? new WebSocketClientTransport(u) : new StreamableHTTPClientTransport(u);
  const client = new Client({ name: 'mcp-calls bench', version: '1.0.0' });
  await client.connect(transport);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++)
    await client.callTool({ name: tool, arguments: {} });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(Math.round(calls / s));
  await client.close();
  process.exit(0);
})().catch(e => { console.error(e); process.exit(1); });
