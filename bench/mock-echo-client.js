#!/usr/bin/env node
// Load client for bench/mock-echo (node `ws`).
//   mock-echo-client.js URL CLIENTS SECONDS   closed-loop echo: each client
//       sends {"type":"echo",...}, waits for the reply, sends the next; after
//       a 1 s warm-up, counts round trips for SECONDS and prints one JSON line
//       with the rate and the p50/p99 latency.
//   mock-echo-client.js URL CLIENTS idle      opens CLIENTS connections,
//       prints "ready" once every welcome is in, and holds them until killed.
'use strict';
const WebSocket = require('ws');

const [url, clientsArg, mode] = process.argv.slice(2);
const clients = Number(clientsArg);
const BATCH = 200;   // handshakes in flight: stays under the listen backlog

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.once('message', () => resolve(ws));   // the welcome
  });
}

async function openAll() {
  const all = [];
  for (let i = 0; i < clients; i += BATCH)
    all.push(...await Promise.all(Array.from({ length: Math.min(BATCH, clients - i) }, open)));
  return all;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

async function echoLoad(all, seconds) {
  const samples = new Float64Array(1 << 23);
  let count = 0, measuring = false, stopping = false;
  for (const [i, ws] of all.entries()) {
    const payload = JSON.stringify({ type: 'echo', client: i, data: 'x'.repeat(32) });
    let sent = 0n;
    const send = () => { sent = process.hrtime.bigint(); ws.send(payload); };
    ws.on('message', () => {
      if (measuring && count < samples.length)
        samples[count++] = Number(process.hrtime.bigint() - sent) / 1e6;
      if (!stopping) send();
    });
    send();
  }
  await new Promise(r => setTimeout(r, 1000));
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise(r => setTimeout(r, seconds * 1000));
  measuring = false;
  stopping = true;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const sorted = samples.slice(0, count).sort();
  return { clients, round_trips: count, seconds: +elapsed.toFixed(3),
           rate: Math.round(count / elapsed),
           p50_ms: +percentile(sorted, 0.50).toFixed(3), p99_ms: +percentile(sorted, 0.99).toFixed(3) };
}

(async () => {
  const all = await openAll();
  if (mode === 'idle') {
    console.log('ready');
    return;   // the connections keep the process alive until it is killed
  }
  console.log(JSON.stringify(await echoLoad(all, Number(mode))));
  process.exit(0);
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
