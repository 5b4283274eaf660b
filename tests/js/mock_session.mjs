// A front-end session against a Socket.IO server with the JavaScript client
// (socket.io-client 4): connect, send events one after the other waiting for each
// ack, then wait for one server event.
//
//   node mock_session.mjs URL NAMESPACE [--auth JSON] [--call EVENT PAYLOAD_JSON]...
//        [--wait EVENT] [--timeout MS]
//
// Prints exactly one JSON line:
//   {"acks": [[<ack arguments>], ...], "event": [<arguments of the awaited event>] | null}
//   {"connect_error": {"message": "...", "data": ...}}
//   {"error": "timeout" | "disconnect", "detail": ..., "acks": [...]}
// Exit status: 0 for a session or a connect_error, 1 for other errors, 2 for usage.
import { io } from 'socket.io-client';

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node mock_session.mjs URL NAMESPACE [--auth JSON] ` +
    '[--call EVENT PAYLOAD_JSON]... [--wait EVENT] [--timeout MS]\n');
  process.exit(2);
}

const argv = process.argv.slice(2);
const positional = [];
const calls = [];
let auth;
let wait = null;
let timeout = 10000;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--auth') auth = JSON.parse(argv[++i]);
  else if (a === '--call') { calls.push([argv[i + 1], JSON.parse(argv[i + 2])]); i += 2; }
  else if (a === '--wait') wait = argv[++i];
  else if (a === '--timeout') timeout = Number(argv[++i]);
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 2) usage('expected URL and NAMESPACE');
const [url, nsArg] = positional;
const namespace = nsArg.startsWith('/') ? nsArg : `/${nsArg}`;
const base = url.replace(/\/+$/, '');
const socket = io(namespace === '/' ? `${base}/` : `${base}${namespace}`, {
  transports: ['websocket'], auth, reconnection: false, timeout, forceNew: true,
});

const acks = [];
let done = false;
const timer = setTimeout(() => finish({ error: 'timeout', detail: `not done within ${timeout} ms`, acks }, 1), timeout);
function finish(result, code = 0) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + '\n');
  socket.disconnect();
  setTimeout(() => process.exit(code), 50).unref();
}

let received = null;
let callsDone = false;
function maybeFinish() {
  if (callsDone && (wait === null || received !== null)) finish({ acks, event: received });
}
if (wait !== null) {
  socket.on(wait, (...args) => {
    if (received === null) received = args;
    maybeFinish();
  });
}
socket.on('connect_error', (err) => finish({ connect_error: { message: err.message, data: err.data ?? null } }));
socket.on('disconnect', (reason) => finish({ error: 'disconnect', detail: reason, acks }, 1));
socket.on('connect', async () => {
  for (const [event, payload] of calls) {
    acks.push(await new Promise((resolve) => socket.emit(event, payload, (...args) => resolve(args))));
  }
  callsDone = true;
  maybeFinish();
});
