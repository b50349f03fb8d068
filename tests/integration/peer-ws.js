#!/usr/bin/env node
// A WebSocket test peer on the node `ws` package: an independent server
// implementation to test wscheck against (not only against itself).
//
// Prints "ws://127.0.0.1:PORT" once listening (port 0: the system chooses).
//
// Options:
//   --host H              address to bind (127.0.0.1)
//   --port N              port (0)
//   --protocols a,b       subprotocols the server supports; it selects the
//                         first one the client offers that it supports
//   --welcome TEXT        sent to every client on connect
//   --ping-interval S     the server pings every client every S seconds
//                         (payload "peer-ping")
//   --no-pong             never answer the client's pings
//   --report-pongs        on each pong from the client, send the text
//                         "pong-received PAYLOAD" (to see that pongs arrive)
//   --close-after S       closes every connection S seconds after it opens,
//   --close-code N          with this code (1000)
//   --close-reason TEXT     and this reason ("")
//   --reject-status N     refuses every upgrade with this HTTP status
//   --require-header N:V  refuses (401) an upgrade without this header value
//   --tls-cert FILE --tls-key FILE
//                         serves wss:// (prints "wss://127.0.0.1:PORT")
//   --max-payload N       largest message (ws' maxPayload; larger: close 1009)
//   --tls-client-ca FILE  with --tls-cert: requires a client certificate
//                         signed by this CA (PEM); a client without one gets
//                         a TLS alert, one with another CA's is disconnected
//
// Every message is echoed (text as text, binary as binary) except these
// text commands:
//   wsc:close CODE [REASON]   the server closes with CODE and REASON
//   wsc:ping [PAYLOAD]        the server sends a ping
//   wsc:fragments N TEXT      TEXT sent back as one message in N fragments
//   wsc:big N                 a text message of N 'x' characters
//   wsc:binary N              a binary message of N bytes 0..255 repeated
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const WebSocket = require('ws');

function parseArgs(argv) {
    const opt = { host: '127.0.0.1', port: 0, protocols: [], welcome: null,
                  pingInterval: 0, noPong: false, reportPongs: false, closeAfter: 0,
                  closeCode: 1000, closeReason: '', rejectStatus: 0,
                  requireHeader: null, tlsCert: null, tlsKey: null, tlsClientCa: null,
                  maxPayload: 100 * 1024 * 1024 };
    for (let i = 2; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
            return argv[++i];
        };
        switch (a) {
        case '--host': opt.host = next(); break;
        case '--port': opt.port = Number(next()); break;
        case '--protocols': opt.protocols = next().split(',').filter(Boolean); break;
        case '--welcome': opt.welcome = next(); break;
        case '--ping-interval': opt.pingInterval = Number(next()); break;
        case '--no-pong': opt.noPong = true; break;
        case '--report-pongs': opt.reportPongs = true; break;
        case '--close-after': opt.closeAfter = Number(next()); break;
        case '--close-code': opt.closeCode = Number(next()); break;
        case '--close-reason': opt.closeReason = next(); break;
        case '--reject-status': opt.rejectStatus = Number(next()); break;
        case '--tls-cert': opt.tlsCert = next(); break;
        case '--tls-key': opt.tlsKey = next(); break;
        case '--tls-client-ca': opt.tlsClientCa = next(); break;
        case '--max-payload': opt.maxPayload = Number(next()); break;
        case '--require-header': {
            const v = next();
            const colon = v.indexOf(':');
            if (colon < 1) throw new Error('--require-header wants NAME:VALUE');
            opt.requireHeader = { name: v.slice(0, colon).trim().toLowerCase(),
                                  value: v.slice(colon + 1).trim() };
            break;
        }
        default: throw new Error(`unknown option ${a}`);
        }
    }
    return opt;
}

function handleCommand(ws, text) {
    const parts = text.split(' ');
    switch (parts[0]) {
    case 'wsc:close':
        ws.close(Number(parts[1]), parts.slice(2).join(' '));
        return true;
    case 'wsc:ping':
        ws.ping(parts.slice(1).join(' '));
        return true;
    case 'wsc:fragments': {
        const n = Math.max(1, Number(parts[1]));
        const body = parts.slice(2).join(' ');
        const size = Math.ceil(body.length / n) || 1;
        for (let i = 0; i < n; i++) {
            const piece = body.slice(i * size, (i + 1) * size);
            ws.send(piece, { fin: i === n - 1, binary: false });
        }
        return true;
    }
    case 'wsc:big':
        ws.send('x'.repeat(Number(parts[1])));
        return true;
    case 'wsc:binary': {
        const buf = Buffer.alloc(Number(parts[1]));
        for (let i = 0; i < buf.length; i++) buf[i] = i & 0xff;
        ws.send(buf, { binary: true });
        return true;
    }
    default:
        return false;
    }
}

// Options of https.createServer(): mutual TLS when a client CA is given.
function tlsOptions(opt) {
    const o = { cert: fs.readFileSync(opt.tlsCert), key: fs.readFileSync(opt.tlsKey) };
    if (opt.tlsClientCa) {
        o.ca = fs.readFileSync(opt.tlsClientCa);
        o.requestCert = true;
        o.rejectUnauthorized = true;
    }
    return o;
}

function main() {
    let opt;
    try {
        opt = parseArgs(process.argv);
    } catch (e) {
        process.stderr.write(`peer-ws: ${e.message}\n`);
        process.exit(2);
    }
    const onRequest = (req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain' });
        res.end('WebSocket only\n');
    };
    const tls = opt.tlsCert && opt.tlsKey;
    if (opt.tlsClientCa && !tls) {
        process.stderr.write('peer-ws: --tls-client-ca needs --tls-cert and --tls-key\n');
        process.exit(2);
    }
    const server = tls
        ? https.createServer(tlsOptions(opt), onRequest)
        : http.createServer(onRequest);
    const wss = new WebSocket.Server({
        server,
        maxPayload: opt.maxPayload,
        autoPong: !opt.noPong,
        handleProtocols: (offered) => {
            for (const p of offered) if (opt.protocols.includes(p)) return p;
            return false;
        },
        verifyClient: (info, cb) => {
            if (opt.rejectStatus) return cb(false, opt.rejectStatus, 'rejected by peer');
            const rh = opt.requireHeader;
            if (rh && info.req.headers[rh.name] !== rh.value)
                return cb(false, 401, 'missing credentials');
            return cb(true);
        },
    });
    wss.on('connection', (ws) => {
        let pinger = null;
        let closer = null;
        if (opt.welcome !== null) ws.send(opt.welcome);
        if (opt.pingInterval > 0)
            pinger = setInterval(() => ws.ping('peer-ping'), opt.pingInterval * 1000);
        if (opt.closeAfter > 0)
            closer = setTimeout(() => ws.close(opt.closeCode, opt.closeReason),
                                opt.closeAfter * 1000);
        ws.on('message', (data, isBinary) => {
            if (!isBinary && handleCommand(ws, data.toString())) return;
            ws.send(data, { binary: isBinary });
        });
        if (opt.reportPongs)
            ws.on('pong', (data) => ws.send(`pong-received ${data.toString()}`));
        ws.on('close', () => {
            if (pinger) clearInterval(pinger);
            if (closer) clearTimeout(closer);
        });
        ws.on('error', () => {});
    });
    server.listen(opt.port, opt.host, () => {
        const scheme = tls ? 'wss' : 'ws';
        process.stdout.write(`${scheme}://${opt.host}:${server.address().port}\n`);
    });
    const stop = () => { server.close(); process.exit(0); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}

main();
