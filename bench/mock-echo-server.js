#!/usr/bin/env node
// The comparison server for bench/mock-echo: node `ws` doing what
// wscheck-mock does for an echo - a welcome on connect, then for each
// message JSON.parse and an echo_response with the original message and a
// timestamp. Prints ws://127.0.0.1:PORT once listening.
'use strict';
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0) });
wss.on('listening', () => console.log(`ws://127.0.0.1:${wss.address().port}`));
wss.on('connection', ws => {
  const id = crypto.randomBytes(4).toString('hex');
  ws.send(JSON.stringify({ type: 'welcome', client_id: id, timestamp: Date.now() / 1000 }));
  ws.on('message', data => {
    let msg;
    try { msg = JSON.parse(data); } catch (e) { return; }
    ws.send(JSON.stringify({ type: 'echo_response', client_id: id, original_message: msg,
                             timestamp: Date.now() / 1000 }));
  });
});
process.on('SIGTERM', () => process.exit(0));
