import { connect, type Socket } from 'node:net';

/** A device's side of a TCP connection: write bytes, read exactly n answer bytes within a deadline. */
export interface DeviceSocket {
  write(bytes: Buffer): void;
  /** The next n bytes, or undefined when none came within timeoutMs or the server hung up. */
  read(n: number, timeoutMs: number): Promise<Buffer | undefined>;
  readonly closed: boolean;
  destroy(): void;
}

export async function openDeviceSocket(host: string, port: number, timeoutMs: number): Promise<DeviceSocket> {
  const socket: Socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  let buffer = Buffer.alloc(0);
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    wake?.();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  return {
    write: (bytes) => void socket.write(bytes),
    async read(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (buffer.length < n && !closed) {
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      if (buffer.length < n) return undefined;
      const out = buffer.subarray(0, n);
      buffer = buffer.subarray(n);
      return out;
    },
    get closed() {
      return closed;
    },
    destroy: () => socket.destroy(),
  };
}
