// Shared helpers of the interop scripts: JSON lines on stdout (the .NET tests parse them), deterministic payloads,
// and a message queue with timeouts.

/** Writes one JSON object as a line on stdout. */
export function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** Ends the process with exit code 2 if it runs longer than `ms`: no test waits forever on a peer. */
export function deadline(ms) {
  setTimeout(() => {
    emit({ event: 'error', message: `timed out after ${ms} ms` });
    process.exit(2);
  }, ms).unref();
}

/** `length` bytes (i * 31 + seed) mod 256: deterministic, and a shifted or truncated copy never matches. */
export function pattern(length, seed = 0) {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 255;
  return bytes;
}

/** Exactly `length` bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte characters ("aé€😀" is 10 bytes), padded with 'a'. */
export function text(length) {
  const unit = 'aé€😀';
  return Buffer.from(unit.repeat(Math.floor(length / 10)) + 'a'.repeat(length % 10), 'utf8');
}

/** Queues a socket's messages so a script can await them one by one. */
export class Inbox {
  constructor(ws) {
    this.items = [];
    this.waiters = [];
    ws.on('message', (data, isBinary) => this.push({ data, isBinary }));
    ws.on('close', () => this.push(null));
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item); else this.items.push(item);
  }

  /** The next message ({ data: Buffer, isBinary }), or null once the socket closed. */
  next(timeoutMs = 30000) {
    if (this.items.length) return Promise.resolve(this.items.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(item => { clearTimeout(timer); resolve(item); });
    });
  }
}

/** Resolves with [code, reason] when the socket closes. */
export function closed(ws) {
  return new Promise(resolve => ws.on('close', (code, reason) => resolve([code, reason.toString()])));
}
