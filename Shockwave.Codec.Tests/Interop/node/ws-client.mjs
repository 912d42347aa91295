// Node's ws as a client of Shockwave.Codec's echo server.
//   node ws-client.mjs exchange URL [DEFLATE]      messages 0 B - 16 MiB, fragments, pings, then a close with 4001 "client bye"
//   node ws-client.mjs await-close URL             connects, says {"event":"open"}, then reports the server's close
// DEFLATE, when given, is ws's perMessageDeflate option as JSON (RFC 7692): the offer; without it there is none.
// Prints one JSON object per line: {"check":...,"ok":...} per exchange, {"event":"close",...}, {"event":"done"}.
import WebSocket from 'ws';
import { emit, deadline, pattern, text, Inbox, closed } from './common.mjs';

const [mode, url, deflate] = process.argv.slice(2);
deadline(90000);

const ws = new WebSocket(url, { maxPayload: 64 << 20, perMessageDeflate: deflate ? JSON.parse(deflate) : false });
const inbox = new Inbox(ws);
const closing = closed(ws);
const pongs = [];
ws.on('pong', data => pongs.push(data.toString()));
ws.on('error', error => emit({ event: 'error', message: String(error) }));
await new Promise((resolve, reject) => {
  ws.once('open', resolve);
  ws.once('error', reject);
});

emit({ event: 'extensions', value: ws.extensions });

if (mode === 'await-close') {
  emit({ event: 'open' });
  const [code, reason] = await closing;
  emit({ event: 'close', code, reason });
  process.exit(0);
}

// Sends `parts` as one message (several parts: fragments, fin on the last) and checks the echo.
async function roundTrip(name, parts, binary, between) {
  for (let i = 0; i < parts.length; i++) {
    ws.send(parts[i], { binary, fin: i === parts.length - 1 });
    if (between && i === 0) between();
  }
  const expected = Buffer.concat(parts);
  const echo = await inbox.next();
  const ok = echo !== null && echo.isBinary === binary && Buffer.compare(echo.data, expected) === 0;
  emit({ check: name, ok, binary, size: expected.length, received: echo === null ? null : echo.data.length });
}

async function waitForPong(payload) {
  for (let i = 0; i < 200 && !pongs.includes(payload); i++) await new Promise(r => setTimeout(r, 25));
  return pongs.includes(payload);
}

try {
  for (const size of [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20]) {
    await roundTrip(`binary ${size}`, [pattern(size, size)], true);
  }
  for (const size of [0, 1, 125, 126, 65536, 1 << 20]) {
    await roundTrip(`text ${size}`, [text(size)], false);
  }
  await roundTrip('binary 16 MiB', [pattern(16 << 20, 7)], true);

  // Fragmented messages: ws sends continuation frames for send(..., { fin: false }).
  await roundTrip('fragmented binary', [pattern(1000, 1), Buffer.alloc(0), pattern(70000, 2)], true);
  const utf8 = text(10);  // "aé€😀": split inside é and inside 😀
  await roundTrip('fragmented text split inside characters', [utf8.subarray(0, 2), utf8.subarray(2, 7), utf8.subarray(7)], false);
  await roundTrip('100 fragments', Array.from({ length: 100 }, (_, i) => pattern(10, i)), true);

  // A ping between two fragments of a message: the pong must come back without breaking the message.
  await roundTrip('ping inside a fragmented message', [pattern(3000, 3), pattern(3000, 4)], true, () => ws.ping(Buffer.from('inside')));
  emit({ check: 'pong inside a fragmented message', ok: await waitForPong('inside') });

  ws.ping(Buffer.from('ping payload'));
  emit({ check: 'pong', ok: await waitForPong('ping payload') });
  ws.ping();
  emit({ check: 'empty pong', ok: await waitForPong('') });

  ws.close(4001, 'client bye');
  const [code, reason] = await closing;
  emit({ event: 'close', code, reason });
  emit({ event: 'done' });
  process.exit(0);
} catch (error) {
  emit({ event: 'error', message: String(error && error.stack || error) });
  process.exit(1);
}
