#!/usr/bin/env node
// A WebSocket test peer on the node `ws` package that guards its endpoint:
// Origin allow-list and token authentication in verifyClient, roles with
// permitted message types. Each guard can be left out or weakened, to give
// the security checks deliberately insecure servers to catch.
//
// Prints "ws://127.0.0.1:PORT" once listening (port 0: the system chooses).
//
// Options:
//   --allowed-origin O     accept this Origin (repeatable); others get 403.
//                          Without it any Origin is accepted
//   --origin-close CODE    refuse a foreign Origin by closing with CODE after
//                          the upgrade instead of 403
//   --origin-skip-with-credentials
//                          (insecure) skip the Origin check when the request
//                          carries a Cookie or Authorization header
//   --token T              the right token; the upgrade needs it, carried as
//   --auth-via M           bearer (default), header (X-Auth-Token), query
//                          (?token=), cookie (token=), basic (--user and T as
//                          the password), subprotocol (offered "token.T"),
//                          message (first message {"type":"auth","token":T}
//                          answered {"type":"auth_ok"}, else close 4001)
//   --user U               basic: the user
//   --any-token            (insecure) any non-empty token is accepted
//   --auth-status N        the status of a refused upgrade (401)
//   --role NAME:TOKEN:t1,t2
//                          a bearer token of a role and the message types it
//                          may send (repeatable); others are answered with
//                          {"type":"error","error":"forbidden"}
//   --deny-close CODE      refuse a forbidden message by closing with CODE
//   --no-roles-enforced    (insecure) every role may send every type
//
// A permitted message {"type":T,...} is answered {"type":"ok","for":T}.
'use strict';

const http = require('http');
const WebSocket = require('ws');

function parseArgs(argv) {
    const opt = { origins: [], originClose: 0, originSkipCreds: false, token: null,
                  via: 'bearer', user: null, anyToken: false, authStatus: 401,
                  roles: [], denyClose: 0, rolesOff: false };
    for (let i = 2; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
            return argv[++i];
        };
        switch (a) {
        case '--allowed-origin': opt.origins.push(next()); break;
        case '--origin-close': opt.originClose = Number(next()); break;
        case '--origin-skip-with-credentials': opt.originSkipCreds = true; break;
        case '--token': opt.token = next(); break;
        case '--auth-via': opt.via = next(); break;
        case '--user': opt.user = next(); break;
        case '--any-token': opt.anyToken = true; break;
        case '--auth-status': opt.authStatus = Number(next()); break;
        case '--role': {
            const [name, token, types] = next().split(':');
            opt.roles.push({ name, token, types: (types || '').split(',').filter(Boolean) });
            break;
        }
        case '--deny-close': opt.denyClose = Number(next()); break;
        case '--no-roles-enforced': opt.rolesOff = true; break;
        default: throw new Error(`unknown option ${a}`);
        }
    }
    return opt;
}

function cookie(req, name) {
    for (const part of (req.headers.cookie || '').split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return null;
}

function bearer(req) {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    return m ? m[1] : null;
}

// The token the request carries by the configured mechanism, or null.
function presented(opt, req) {
    const url = new URL(req.url, 'http://x');
    switch (opt.via) {
    case 'header': return req.headers['x-auth-token'] || null;
    case 'query': return url.searchParams.get('token');
    case 'cookie': return cookie(req, 'token');
    case 'basic': {
        const m = /^Basic (.+)$/.exec(req.headers.authorization || '');
        if (!m) return null;
        const pair = Buffer.from(m[1], 'base64').toString();
        const colon = pair.indexOf(':');
        return colon >= 0 && pair.slice(0, colon) === opt.user ? pair.slice(colon + 1) : null;
    }
    case 'subprotocol': {
        const offered = (req.headers['sec-websocket-protocol'] || '').split(',');
        const p = offered.map((s) => s.trim()).find((s) => s.startsWith('token.'));
        return p ? p.slice(6) : null;
    }
    default: return bearer(req);
    }
}

function tokenOk(opt, token) {
    if (!token) return false;
    return opt.anyToken || token === opt.token;
}

function originRefused(opt, req) {
    if (opt.origins.length === 0) return false;
    if (opt.originSkipCreds && (req.headers.cookie || req.headers.authorization)) return false;
    return !opt.origins.includes(req.headers.origin);
}

function verify(opt) {
    return (info, done) => {
        const req = info.req;
        if (originRefused(opt, req) && !opt.originClose) return done(false, 403, 'Forbidden');
        if (opt.token && opt.via !== 'message' && !tokenOk(opt, presented(opt, req)))
            return done(false, opt.authStatus, 'Unauthorized');
        if (opt.roles.length > 0 && !opt.roles.some((r) => r.token === bearer(req)))
            return done(false, opt.authStatus, 'Unauthorized');
        done(true);
    };
}

function roleOf(opt, req) {
    return opt.roles.find((r) => r.token === bearer(req)) || null;
}

function onMessage(opt, ws, state, data) {
    let msg;
    try { msg = JSON.parse(data.toString()); } catch (e) { msg = {}; }
    if (opt.token && opt.via === 'message' && !state.authed) {
        if (msg.type === 'auth' && tokenOk(opt, msg.token)) {
            state.authed = true;
            ws.send(JSON.stringify({ type: 'auth_ok' }));
        } else {
            ws.close(4001, 'unauthorized');
        }
        return;
    }
    if (state.role && !opt.rolesOff && !state.role.types.includes(msg.type)) {
        if (opt.denyClose) ws.close(opt.denyClose, 'forbidden');
        else ws.send(JSON.stringify({ type: 'error', error: 'forbidden' }));
        return;
    }
    ws.send(JSON.stringify({ type: 'ok', for: msg.type }));
}

function main() {
    let opt;
    try {
        opt = parseArgs(process.argv);
    } catch (e) {
        process.stderr.write(`peer_secure_ws: ${e.message}\n`);
        process.exit(2);
    }
    const server = http.createServer((req, res) => { res.writeHead(426); res.end(); });
    const wss = new WebSocket.Server({
        server,
        verifyClient: verify(opt),
        handleProtocols: (protocols) => {
            for (const p of protocols) if (p.startsWith('token.')) return p;
            return false;
        },
    });
    wss.on('connection', (ws, req) => {
        const state = { authed: false, role: roleOf(opt, req) };
        if (opt.originClose && originRefused(opt, req)) {
            ws.close(opt.originClose, 'origin');
            return;
        }
        ws.on('message', (data) => onMessage(opt, ws, state, data));
    });
    server.listen(0, '127.0.0.1', () => {
        process.stdout.write(`ws://127.0.0.1:${server.address().port}\n`);
    });
    const stop = () => { wss.close(); server.close(); process.exit(0); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}

main();
