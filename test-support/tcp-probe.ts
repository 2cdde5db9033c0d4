import { connect, type Socket } from 'node:net';

/** A raw TCP client for gateway tests: send bytes, wait for an exact number of answer bytes, see whether the server hung up. */
export interface TcpProbe {
  send(bytes: Buffer): void;
  /** Resolves with the next `n` bytes; rejects after `timeoutMs` (or when the server closes first). */
  read(n: number, timeoutMs?: number): Promise<Buffer>;
  /** Resolves true once the server closed the connection, false if it is still open after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<boolean>;
  /** Bytes received and not read yet. */
  pending(): number;
  end(): void;
}

export async function openTcpProbe(port: number, host = '127.0.0.1'): Promise<TcpProbe> {
  const socket: Socket = connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = Buffer.alloc(0);
  let isClosed = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    isClosed = true;
    wake();
  });
  const until = (done: () => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      waiters.add(check);
    });
  return {
    send: (bytes) => void socket.write(bytes),
    async read(n, timeoutMs = 5000) {
      await until(() => received.length >= n || isClosed, timeoutMs);
      if (received.length < n) throw new Error(`expected ${n} byte(s), got ${received.length} (${received.toString('hex')})${isClosed ? ' before the server closed' : ` in ${timeoutMs} ms`}`);
      const out = received.subarray(0, n);
      received = received.subarray(n);
      return out;
    },
    closed: (timeoutMs = 5000) => until(() => isClosed, timeoutMs),
    pending: () => received.length,
    end: () => void socket.destroy(),
  };
}
