#!/usr/bin/env node
// Runs @modelcontextprotocol/server-everything (the reference server of the
// MCP project) over Streamable HTTP on a free loopback port, and prints
// "http://127.0.0.1:PORT/mcp" once it accepts connections. Its own log
// lines go to stderr, so that the URL is the first line on stdout.
'use strict';
const net = require('net');
const path = require('path');

function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const port = s.address().port;
            s.close(() => resolve(port));
        });
    });
}

function accepting(port) {
    return new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1');
        c.on('connect', () => {
            c.destroy();
            resolve(true);
        });
        c.on('error', () => resolve(false));
    });
}

async function main() {
    const port = await freePort();
    process.env.PORT = String(port);
    console.log = (...args) => console.error(...args);
    const dir = path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json'));
    await import(path.join(dir, 'dist', 'transports', 'streamableHttp.js'));
    for (let i = 0; i < 200 && !(await accepting(port)); i++)
        await new Promise((r) => setTimeout(r, 50));
    process.stdout.write(`http://127.0.0.1:${port}/mcp\n`);
}

main().catch((e) => {
    process.stderr.write(`peer-mcp-everything: ${e && e.stack}\n`);
    process.exit(1);
});
