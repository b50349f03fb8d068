// TAP output for the node test scripts: numbered ok/not ok lines with
// diagnostics, a deep-equality check, a bounded wait, and the plan printed
// at the end with the exit status.
'use strict';

let n = 0, failed = 0;
function ok(cond, desc, diag) {
  n++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`);
  if (!cond) {
    failed++;
    if (diag !== undefined)
      for (const line of String(typeof diag === 'string' ? diag : JSON.stringify(diag)).split('\n'))
        console.log('# ' + line);
  }
}
const eq = (got, want, desc) =>
  ok(JSON.stringify(got) === JSON.stringify(want), desc, `expected ${JSON.stringify(want)}\n     got ${JSON.stringify(got)}`);
const withTimeout = (p, ms, what) => Promise.race([p,
  new Promise((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
// The plan, then exit: 1 when a test failed.
function done() {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

module.exports = { ok, eq, withTimeout, done };
