#!/usr/bin/env node
// The peer of bench/conversation-echo: a node `ws` client doing what a
// wscheck `conversation` of N send/expect pairs does, one message in flight
// at a time, and printing messages per second.
//   node conversation-echo-client.js URL N
'use strict';
const WebSocket = require('ws');
const [url, nText] = process.argv.slice(2);
const n = Number(nText);
const ws = new WebSocket(url);
let i = 0;
let started = 0;
function sendNext() {
    ws.send(JSON.stringify({ type: 'echo', i }));
}
ws.on('open', () => {
    started = process.hrtime.bigint();
    sendNext();
});
ws.on('message', (data) => {
    const text = data.toString();
    if (!new RegExp(`"i": ?${i}[,}]`).test(text))
        return; // e.g. wscheck-mock's welcome
    i++;
    if (i < n) {
        sendNext();
        return;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log((n / seconds).toFixed(0));
    ws.close(1000);
});
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
