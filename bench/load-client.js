#!/usr/bin/env node
// The node `ws` client loop of bench/load: N virtual users started at
// once, each doing S sessions one after the other (a closed model, as
// wscheck load --connections N). A session is the conversation wscheck
// load and artillery do: a new connection, the server's welcome, then K
// pairs of {"type":"echo","i":k} and the echo_response whose
// original_message.i is k (one message in flight), then a close with 1000
// and the server's close.
// Prints one JSON line: messages received, seconds from the first connect
// to the last close, the rate, and exact p99s of the round trips and of
// the sessions (all samples kept).
//   node load-client.js URL N K S
'use strict';
const WebSocket = require('ws');

const [url, nText, kText, sText] = process.argv.slice(2);
const n = Number(nText);
const k = Number(kText);
const perVu = Number(sText || 1);
if (!url || !(n > 0) || !(k > 0) || !(perVu > 0)) {
    console.error('usage: load-client.js URL N K S');
    process.exit(2);
}

const rtts = new Float64Array(n * perVu * k);
const sessions = new Float64Array(n * perVu);
let nRtts = 0;
let nSessions = 0;
let received = 0;
let errors = 0;
let ended = 0;
let firstError = '';
const started = process.hrtime.bigint();
const ms = (t) => Number(t) / 1e6;

function p99(samples, count) {
    if (count === 0)
        return 0;
    const sorted = samples.slice(0, count).sort();
    return sorted[Math.max(0, Math.ceil(0.99 * count) - 1)];
}

function finish() {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({
        connections: n, pairs: k, messages: received, errors, first_error: firstError,
        seconds: Number(seconds.toFixed(3)), rate: Math.round(received / seconds),
        rtt_p99_ms: Number(p99(rtts, nRtts).toFixed(3)),
        session_p99_ms: Number(p99(sessions, nSessions).toFixed(3)),
    }));
}

function sessionEnded(error, left) {
    if (error) {
        errors++;
        if (!firstError)
            firstError = error;
    }
    if (left > 0)
        return session(left);
    if (++ended === n)
        finish();
}

function session(left) { // left: sessions this virtual user still does, this one included
    const begun = process.hrtime.bigint();
    const ws = new WebSocket(url);
    let i = -1; // -1: waiting for the welcome
    let sentAt = 0n;
    let done = false;
    const end = (error) => {
        if (done)
            return;
        done = true;
        if (!error)
            sessions[nSessions++] = ms(process.hrtime.bigint() - begun);
        sessionEnded(error, left - 1);
    };
    const sendNext = () => {
        sentAt = process.hrtime.bigint();
        ws.send(JSON.stringify({ type: 'echo', i }));
    };
    ws.on('message', (data) => {
        received++;
        const msg = JSON.parse(data);
        if (i < 0) {
            if (msg.type !== 'welcome')
                return ws.terminate(), end(`expected the welcome, got ${data}`);
            i = 0;
            return sendNext();
        }
        if (msg.type !== 'echo_response' || !msg.original_message || msg.original_message.i !== i)
            return ws.terminate(), end(`expected the echo of ${i}, got ${data}`);
        rtts[nRtts++] = ms(process.hrtime.bigint() - sentAt);
        if (++i < k)
            return sendNext();
        ws.close(1000);
    });
    ws.on('close', () => end(i < k ? 'closed early' : ''));
    ws.on('error', (e) => { ws.terminate(); end(e.message); });
}

for (let c = 0; c < n; c++)
    session(perVu);
