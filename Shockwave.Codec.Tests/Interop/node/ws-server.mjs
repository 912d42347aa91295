// Node's ws as a server for Shockwave.Codec's client. Listens on 127.0.0.1 (a free port), says
// {"event":"listening","port":N}, and serves by path:
//   /echo          echoes every message with its type; reports pings it gets and the client's close
//   /server-close  sends a text, a binary and a fragmented message and a ping, then closes with 4002 "server bye"
//   /drive-echo    drives an echo client: sends messages, checks each echo, then closes with 1000 "done"
// Every event is a JSON line on stdout with the path. Exits when stdin ends (the test closes it) or on its deadline.
//   node ws-server.mjs [DEFLATE]   DEFLATE: ws's perMessageDeflate option as JSON (RFC 7692); without it, off.
import { WebSocketServer } from 'ws';
import { emit, deadline, pattern, text, Inbox } from './common.mjs';

deadline(120000);
const deflate = process.argv[2];
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 << 20, perMessageDeflate: deflate ? JSON.parse(deflate) : false });
wss.on('listening', () => emit({ event: 'listening', port: wss.address().port }));

wss.on('connection', (ws, request) => {
  const path = request.url;
  const report = obj => emit({ path, ...obj });
  report({ event: 'extensions', value: ws.extensions });
  ws.on('ping', data => report({ event: 'ping', data: data.toString() }));
  ws.on('pong', data => report({ event: 'pong', data: data.toString() }));
  ws.on('close', (code, reason) => report({ event: 'close', code, reason: reason.toString() }));
  ws.on('error', error => report({ event: 'error', message: String(error) }));

  if (path === '/echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else if (path === '/server-close') {
    ws.send('hello from ws');
    ws.send(pattern(70000, 9));
    ws.send('frag', { fin: false });
    ws.send('ment', { fin: false });
    ws.send('ed', { fin: true });
    ws.once('pong', () => ws.close(4002, 'server bye'));
    ws.ping(Buffer.from('are you there'));
  } else if (path === '/drive-echo') {
    drive(ws, report).catch(error => report({ event: 'error', message: String(error) }));
  } else {
    ws.close(4404, 'unknown path');
  }
});

async function drive(ws, report) {
  const inbox = new Inbox(ws);
  const cases = [
    ['text', [Buffer.from('hello, echo client ✓')], false],
    ['empty binary', [Buffer.alloc(0)], true],
    ['binary 1 MiB', [pattern(1 << 20, 5)], true],
    ['text 200 KiB', [text(200 * 1024)], false],
    ['fragmented binary', [pattern(10, 1), pattern(100000, 2), pattern(5, 3)], true],
  ];
  for (const [name, parts, binary] of cases) {
    for (let i = 0; i < parts.length; i++) ws.send(parts[i], { binary, fin: i === parts.length - 1 });
    const echo = await inbox.next();
    const expected = Buffer.concat(parts);
    report({ check: name, ok: echo !== null && echo.isBinary === binary && Buffer.compare(echo.data, expected) === 0 });
  }
  ws.close(1000, 'done');
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
