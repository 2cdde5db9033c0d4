import { createServer, type Server, type Socket } from 'node:net';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ConnectionGuard } from './connection-guard.ts';
import type { GatewayProtocol } from './frame-record.ts';
import type { GatewayCore } from './gateway-core.ts';
import { listenOn, type Listener } from './listen.ts';

/** What a protocol session does with the front of a connection's buffer. */
export type Step =
  | { readonly kind: 'incomplete' }
  /** `length` bytes handled; `reply` goes to the device; `close` ends the connection for that reason (counted). */
  | { readonly kind: 'consumed'; readonly length: number; readonly reply?: Buffer; readonly close?: string };

/** One connection's protocol state (login, then frames). `step` may wait (for the broker's ACK); the listener feeds it one frame at a time. */
export interface StreamSession {
  step(buf: Buffer): Step | Promise<Step>;
  /** The device id once logged in ('' before), for archiving what is left at close. */
  readonly deviceId: string;
  /** Called once when the connection is gone. */
  closed?(): void;
}

export interface StreamListenerOptions {
  readonly protocol: GatewayProtocol;
  readonly host: string;
  readonly port: number;
  readonly guard: ConnectionGuard;
  readonly core: GatewayCore;
  readonly idleMs: number;
  /** A started frame must be whole within this, or the connection is cut (trickle). */
  readonly frameMs: number;
  readonly createSession: (remote: string, write: (bytes: Buffer) => void) => StreamSession;
  readonly logger: Logger;
}

/**
 * A TCP listener for a framed binary protocol. It owns everything that is
 * not the protocol: connection caps, the idle timeout, the trickle cut-off,
 * one frame at a time per connection (the socket is paused while a frame
 * waits for the broker, so a device cannot run ahead of its ACKs), and
 * archiving the bytes left when a connection ends mid-frame.
 */
export async function startStreamListener(options: StreamListenerOptions): Promise<Listener> {
  const { protocol, guard, core, logger } = options;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const address = socket.remoteAddress ?? '?';
    const remote = `${address}:${socket.remotePort ?? 0}`;
    const admitted = guard.admit(address);
    if (admitted !== 'ok') {
      core.closed(protocol, admitted);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    core.metrics.gatewayConnections.inc({ protocol });
    socket.setNoDelay(true);
    socket.setTimeout(options.idleMs);
    let buffer: Buffer = Buffer.alloc(0);
    let busy = false;
    let ended = false;
    let frameTimer: NodeJS.Timeout | undefined;
    const session = options.createSession(remote, (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    /** `gracefully` lets written bytes (a reject answer) leave first. */
    const close = (reason: string, gracefully = false) => {
      if (ended) return;
      ended = true;
      core.closed(protocol, reason);
      if (gracefully) socket.end();
      else socket.destroy();
    };
    const pump = async () => {
      if (busy) return;
      busy = true;
      socket.pause();
      try {
        while (!ended && buffer.length > 0) {
          let step: Step;
          try {
            step = await session.step(buffer);
          } catch (err) {
            logger.warn({ err: errorMessage(err), protocol, remote, deviceId: session.deviceId }, 'closing a connection whose frame could not be published');
            close('publish_failed');
            break;
          }
          if (step.kind === 'incomplete') break;
          buffer = buffer.subarray(step.length);
          if (step.reply && !socket.destroyed) socket.write(step.reply);
          if (step.close) close(step.close, step.reply !== undefined);
        }
      } finally {
        busy = false;
        if (!ended) socket.resume();
      }
      if (buffer.length === 0) {
        clearTimeout(frameTimer);
        frameTimer = undefined;
      } else frameTimer ??= setTimeout(() => {
        core.archive(protocol, session.deviceId, remote, buffer, 'trickle', `a frame was not whole ${options.frameMs} ms after it began`);
        close('trickle');
      }, options.frameMs);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      void pump();
    });
    socket.on('timeout', () => close('idle'));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(frameTimer);
      if (!ended && buffer.length > 0 && !busy) core.archive(protocol, session.deviceId, remote, buffer, 'truncated', 'the connection closed mid-frame');
      ended = true;
      session.closed?.();
      sockets.delete(socket);
      guard.release(address);
      core.metrics.gatewayConnections.dec({ protocol });
    });
  });
  return listenOn(server, sockets, protocol, options.host, options.port);
}
