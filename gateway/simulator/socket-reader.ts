import { connect, type Socket } from 'node:net';

/** A device's side of a TCP connection: write bytes, read exactly n answer bytes within a deadline. */
export interface DeviceSocket {
  write(bytes: Buffer): void;
  /** The next n bytes, or undefined when none came within timeoutMs or the server hung up. */
  read(n: number, timeoutMs: number): Promise<Buffer | undefined>;
  readonly closed: boolean;
  destroy(): void;
}

/**
 * Frames the server may send unasked (commands), taken out of the stream
 * before `read` sees it: the number of bytes a whole one at the front takes,
 * 'incomplete' while its bytes are arriving, 0 when the front is not one.
 * `answer` writes the device's reply.
 */
export type Intercept = (buffer: Buffer, answer: (bytes: Buffer) => void) => number | 'incomplete';

export async function openDeviceSocket(host: string, port: number, timeoutMs: number, intercept?: Intercept): Promise<DeviceSocket> {
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
  let held = false;
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    held = false;
    for (let taken = intercept?.(buffer, (bytes) => void socket.write(bytes)); taken !== undefined && taken !== 0; taken = intercept?.(buffer, (bytes) => void socket.write(bytes))) {
      if (taken === 'incomplete') {
        held = true;
        break;
      }
      buffer = buffer.subarray(taken);
    }
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
      while ((buffer.length < n || held) && !closed) {
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
      if (buffer.length < n || held) return undefined;
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
