#!/usr/bin/env node
// An MCP server on the official TypeScript SDK (@modelcontextprotocol/sdk):
// an independent implementation to test wscheck's MCP client against.
//
// Usage: peer-mcp.js MODE
//   http       Streamable HTTP, JSON answers; prints "http://127.0.0.1:PORT/mcp"
//   http-sse   Streamable HTTP, answers as event streams (the same URL form)
//   sse        the legacy HTTP+SSE transport; prints "http://127.0.0.1:PORT/sse"
//   ws         WebSocket (subprotocol "mcp", one message per text frame,
//              through a small transport adapter on node `ws`);
//              prints "ws://127.0.0.1:PORT/mcp"
//   stdio      newline-delimited JSON on stdin/stdout (prints nothing)
// HTTP modes require "Authorization: Bearer peer-token" when the environment
// has MCP_PEER_TOKEN=1 (else 401 with WWW-Authenticate).
//
// Tools: echo {text} -> the text; progress {steps} -> one progress
// notification and one log message per step (when the request carries a
// progress token), then "done"; roots -> asks the client roots/list and
// returns its answer as JSON text; announce -> a log message not tied to
// the request (Streamable HTTP: on the GET stream); sleep {ms} -> "slept"
// after ms milliseconds unless cancelled; fail -> isError: true.
'use strict';
const http = require('http');
const { randomUUID } = require('crypto');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { SSEServerTransport } = require('@modelcontextprotocol/sdk/server/sse.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { ListRootsResultSchema } = require('@modelcontextprotocol/sdk/types.js');
const z = require('zod/v4');

const mode = process.argv[2] || 'http';

// zod turns this outputSchema into JSON Schema with "$defs"/"$ref" (the
// recursive Node), "anyOf" (nullable, union), "const" and "enum".
const Item = z.object({ id: z.number().int().min(1), tag: z.enum(['a', 'b']) });
const Node = z.object({ name: z.string(), get children() { return z.array(Node); } });

function registerInventory(server) {
    server.registerTool('inventory', {
        description: 'Structured content; with broken: true, not what its outputSchema says',
        inputSchema: { broken: z.boolean() },
        outputSchema: { items: z.array(Item), owner: Item.nullable(), tree: Node,
                        kind: z.union([z.literal('x'), z.number()]) },
    }, async ({ broken }) => {
        const leaf = { name: 'leaf', children: [] };
        // The SDK validates structuredContent before sending it; toJSON
        // changes what goes on the wire after that validation.
        if (broken)
            leaf.toJSON = () => ({ name: 7, children: [] });
        const sc = { items: [{ id: 1, tag: 'a' }], owner: null,
                     tree: { name: 'root', children: [leaf] }, kind: 'x' };
        return { content: [{ type: 'text', text: JSON.stringify(sc) }], structuredContent: sc };
    });
}

function makeServer() {
    const server = new McpServer({ name: 'peer-mcp', version: '1.0.0' },
                                 { capabilities: { logging: {} } });
    server.registerTool('echo', {
        description: 'Returns its text',
        inputSchema: { text: z.string() },
    }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
    server.registerTool('progress', {
        description: 'Reports progress, then says done',
        inputSchema: { steps: z.number().int() },
    }, async ({ steps }, extra) => {
        const token = extra._meta && extra._meta.progressToken;
        for (let i = 1; i <= steps; i++) {
            await extra.sendNotification({
                method: 'notifications/message',
                params: { level: 'info', data: `step ${i}` },
            });
            if (token !== undefined)
                await extra.sendNotification({
                    method: 'notifications/progress',
                    params: { progressToken: token, progress: i, total: steps },
                });
        }
        return { content: [{ type: 'text', text: 'done' }] };
    });
    // sent as part of the call: over Streamable HTTP on the call's stream
    server.registerTool('roots', { description: 'Asks the client for its roots' },
        async (extra) => {
            const r = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
            return { content: [{ type: 'text', text: JSON.stringify(r) }] };
        });
    server.registerTool('announce', { description: 'Logs "announced" outside any request' },
        async () => {
            await server.server.sendLoggingMessage({ level: 'info', data: 'announced' });
            return { content: [{ type: 'text', text: 'ok' }] };
        });
    server.registerTool('sleep', {
        description: 'Answers after ms milliseconds, or never once cancelled',
        inputSchema: { ms: z.number().int() },
    }, ({ ms }, extra) => new Promise((resolve) => {
        const t = setTimeout(() => resolve({ content: [{ type: 'text', text: 'slept' }] }), ms);
        extra.signal.addEventListener('abort', () => clearTimeout(t));
    }));
    server.registerTool('fail', { description: 'Always fails' }, async () => ({
        content: [{ type: 'text', text: 'failed on purpose' }], isError: true,
    }));
    registerInventory(server);
    return server;
}

function readBody(req) {
    return new Promise((resolve) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            try {
                resolve(text ? JSON.parse(text) : undefined);
            } catch (e) {
                resolve(text);
            }
        });
    });
}

function authorized(req, res) {
    if (process.env.MCP_PEER_TOKEN !== '1' ||
        req.headers.authorization === 'Bearer peer-token')
        return true;
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="peer-mcp"' });
    res.end();
    return false;
}

function listen(server, path, scheme) {
    server.listen(0, '127.0.0.1', () => {
        process.stdout.write(`${scheme}://127.0.0.1:${server.address().port}${path}\n`);
    });
}

function streamableHttp(json) {
    const sessions = new Map();
    const server = http.createServer(async (req, res) => {
        if (!authorized(req, res))
            return;
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const sid = req.headers['mcp-session-id'];
        let transport = sid && sessions.get(sid);
        if (!transport && !sid && req.method === 'POST') {
            transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                enableJsonResponse: json,
                onsessioninitialized: (id) => sessions.set(id, transport),
            });
            await makeServer().connect(transport);
        }
        if (!transport) {
            res.writeHead(404, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ jsonrpc: '2.0', id: null,
                                     error: { code: -32001, message: 'Session not found' } }));
            return;
        }
        await transport.handleRequest(req, res, body);
    });
    listen(server, '/mcp', 'http');
}

function legacySse() {
    const transports = new Map();
    const server = http.createServer(async (req, res) => {
        const url = new URL(req.url, 'http://x');
        if (req.method === 'GET' && url.pathname === '/sse') {
            const t = new SSEServerTransport('/messages', res);
            transports.set(t.sessionId, t);
            await makeServer().connect(t);
            return;
        }
        const t = transports.get(url.searchParams.get('sessionId'));
        if (req.method === 'POST' && t) {
            await t.handlePostMessage(req, res, await readBody(req));
            return;
        }
        res.writeHead(404);
        res.end();
    });
    listen(server, '/sse', 'http');
}

// The SDK has no WebSocket server transport: this adapter carries one
// JSON-RPC message per text frame, and answers text that is not JSON with
// error -32700 (id null).
class WebSocketServerTransport {
    constructor(socket) {
        this.socket = socket;
    }
    async start() {
        this.socket.on('message', (data, isBinary) => {
            if (isBinary)
                return;
            let message;
            try {
                message = JSON.parse(data.toString());
            } catch (e) {
                this.socket.send(JSON.stringify({ jsonrpc: '2.0', id: null,
                                                  error: { code: -32700, message: 'Parse error' } }));
                return;
            }
            if (this.onmessage)
                this.onmessage(message);
        });
        this.socket.on('close', () => this.onclose && this.onclose());
    }
    async send(message) {
        this.socket.send(JSON.stringify(message));
    }
    async close() {
        this.socket.close();
    }
}

function websocket() {
    const { WebSocketServer } = require('ws');
    const server = http.createServer();
    const wss = new WebSocketServer({
        server,
        handleProtocols: (protocols) => (protocols.has('mcp') ? 'mcp' : false),
    });
    wss.on('connection', (socket) => makeServer().connect(new WebSocketServerTransport(socket)));
    listen(server, '/mcp', 'ws');
}

if (mode === 'http' || mode === 'http-sse')
    streamableHttp(mode === 'http');
else if (mode === 'sse')
    legacySse();
else if (mode === 'ws')
    websocket();
else if (mode === 'stdio') {
    process.stderr.write('peer-mcp: stdio server ready\n');
    makeServer().connect(new StdioServerTransport());
} else {
    process.stderr.write(`peer-mcp: unknown mode ${mode}\n`);
    process.exit(2);
}
