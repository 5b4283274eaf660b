// One socket.io round trip with the JavaScript client (socket.io-client 4).
//
//   node client_roundtrip.mjs URL NAMESPACE EVENT PAYLOAD_JSON
//        [--auth JSON] [--binary] [--spread] [--transport websocket|polling]
//        [--timeout MS]
//
// Connects to URL + NAMESPACE, emits EVENT with the payload and waits for the
// acknowledgement, then prints exactly one JSON line:
//   {"ack": <first ack argument>, "args": [<all ack arguments>]}
//   {"connect_error": {"message": "...", "data": ...}}
//   {"error": "timeout" | "disconnect" | "...", "detail": ...}
//
// --binary   send the payload as a Buffer (a string payload as its UTF-8
//            bytes, anything else as the UTF-8 bytes of its JSON text).
// --spread   the payload must be a JSON array; send its items as separate
//            arguments.
// Anywhere in the payload (and auth), {"$base64": "..."} becomes a Buffer;
// binary data in acks is printed back as {"$base64": "..."}.
// Exit status: 0 for ack or connect_error, 1 for other errors, 2 for usage.
import { io } from 'socket.io-client';

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node client_roundtrip.mjs URL NAMESPACE EVENT PAYLOAD_JSON ` +
    '[--auth JSON] [--binary] [--spread] [--transport websocket|polling] [--timeout MS]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  const opts = { auth: undefined, binary: false, spread: false, transport: 'websocket', timeout: 10000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--auth') opts.auth = JSON.parse(argv[++i]);
    else if (a === '--binary') opts.binary = true;
    else if (a === '--spread') opts.spread = true;
    else if (a === '--transport') opts.transport = argv[++i];
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 4) usage('expected 4 positional arguments');
  const [url, namespace, event, payloadText] = positional;
  return { url, namespace, event, payloadText, ...opts };
}

// JSON -> JS: {"$base64": "..."} -> Buffer
function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$base64' && typeof value.$base64 === 'string') {
      return Buffer.from(value.$base64, 'base64');
    }
    return Object.fromEntries(keys.map((k) => [k, revive(value[k])]));
  }
  return value;
}

// JS -> JSON: Buffer / ArrayBuffer / typed arrays -> {"$base64": "..."}
function encode(value) {
  if (Buffer.isBuffer(value)) return { $base64: value.toString('base64') };
  if (value instanceof ArrayBuffer) return { $base64: Buffer.from(value).toString('base64') };
  if (ArrayBuffer.isView(value)) {
    return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value === undefined ? null : value;
}

const opts = parseArgs(process.argv.slice(2));
let payload = JSON.parse(opts.payloadText);
if (opts.binary) {
  payload = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
} else {
  payload = revive(payload);
}
let emitArgs = [payload];
if (opts.spread) {
  if (!Array.isArray(payload)) usage('--spread needs a JSON array payload');
  emitArgs = payload;
}

const namespace = opts.namespace.startsWith('/') ? opts.namespace : `/${opts.namespace}`;
const base = opts.url.replace(/\/+$/, '');
const socket = io(namespace === '/' ? `${base}/` : `${base}${namespace}`, {
  transports: [opts.transport],
  auth: opts.auth === undefined ? undefined : revive(opts.auth),
  reconnection: false,
  timeout: opts.timeout,
  forceNew: true,
});

let done = false;
function finish(result, code = 0) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + '\n');
  socket.disconnect();
  // give the close frame a moment, then leave even if something lingers
  setTimeout(() => process.exit(code), 50).unref();
}

const timer = setTimeout(() => finish({ error: 'timeout', detail: `no answer within ${opts.timeout} ms` }, 1),
  opts.timeout);

socket.on('connect_error', (err) => {
  finish({ connect_error: { message: err.message, data: encode(err.data ?? null) } });
});

socket.on('disconnect', (reason) => {
  finish({ error: 'disconnect', detail: reason }, 1);
});

socket.on('connect', () => {
  socket.emit(opts.event, ...emitArgs, (...args) => {
    const encoded = args.map(encode);
    finish({ ack: encoded.length ? encoded[0] : null, args: encoded });
  });
});
