import type { Server, Socket } from 'node:net';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import type { GatewayProtocol } from './frame-record.ts';

/** A bound listener of the gateway. */
export interface Listener {
  /** The bound port (a requested 0 becomes the one the system picked). */
  readonly port: number;
  /** Stops accepting, ends the open connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/** Binds a TCP or HTTP server; a port that cannot be bound is GATEWAY_PORT_BUSY naming the protocol's flag. */
export async function listenOn(server: Server, sockets: ReadonlySet<Socket>, protocol: GatewayProtocol, host: string, port: number): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new FleetlakeError('GATEWAY_PORT_BUSY', { protocol, host, port, detail: errorMessage(err) }, { cause: err })));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound ? bound.port : port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
