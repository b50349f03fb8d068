// An Autobahn-style client driver on node's ws package, as client
// developers run against Autobahn's fuzzingserver: asks for the number of
// cases, runs each one echoing every message it receives (ws answers pings
// itself), then asks for the reports.
// Usage: node grade-client-ws.js ws://HOST:PORT AGENT
'use strict';
const WebSocket = require('ws');

const [base, agent] = process.argv.slice(2);

// Resolves with the first text message (or null) once the server closed.
function open(url, echo) {
  return new Promise(resolve => {
    let first = null;
    const ws = new WebSocket(url, { maxPayload: 32 * 1024 * 1024, perMessageDeflate: false });
    ws.on('message', (data, isBinary) => {
      if (first === null && !isBinary) first = data.toString();
      if (echo) ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', () => resolve(first));
  });
}

(async () => {
  const count = Number(await open(`${base}/getCaseCount`, false));
  if (!(count > 0)) {
    console.error(`no case count from ${base}`);
    process.exit(1);
  }
  const name = encodeURIComponent(agent);
  for (let n = 1; n <= count; n++)
    await open(`${base}/runCase?case=${n}&agent=${name}`, true);
  await open(`${base}/updateReports?agent=${name}`, false);
  console.log(`ran ${count} cases`);
})();
