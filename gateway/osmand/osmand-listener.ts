import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ConnectionGuard } from '../connection-guard.ts';
import type { GatewayCore } from '../gateway-core.ts';
import { listenOn, type Listener } from '../listen.ts';
import { osmandPositions } from '../to-positions.ts';
import { decodeOsmandRequest } from './osmand-report.ts';

const PROTOCOL = 'osmand';

export interface OsmandListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly guard: ConnectionGuard;
  readonly core: GatewayCore;
  readonly maxBodyBytes: number;
  readonly idleMs: number;
  /** The whole request (headers and body) must arrive within this. */
  readonly frameMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * The OsmAnd protocol of Traccar Client over HTTP: the query-string form by
 * GET or POST, the JSON body of current app versions. 200 with an empty body
 * once the positions are durable; 400 naming the field; 403 for a device
 * not in the registry; 413 past the size cap; 503 when the broker failed (the
 * app sends again).
 */
export async function startOsmandListener(options: OsmandListenerOptions): Promise<Listener> {
  const { core, guard, logger } = options;
  const now = options.now ?? Date.now;
  const server = createServer({ requestTimeout: options.frameMs, headersTimeout: options.frameMs, keepAliveTimeout: options.idleMs }, (req, res) => {
    void handle(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '?';
    const admitted = guard.admit(address);
    if (admitted !== 'ok') {
      core.closed(PROTOCOL, admitted);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    core.metrics.gatewayConnections.inc({ protocol: PROTOCOL });
    socket.setTimeout(options.idleMs, () => {
      core.closed(PROTOCOL, 'idle');
      socket.destroy();
    });
    socket.on('close', () => {
      sockets.delete(socket);
      guard.release(address);
      core.metrics.gatewayConnections.dec({ protocol: PROTOCOL });
    });
  });
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    core.closed(PROTOCOL, err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'trickle' : 'garbage');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const answer = (res: ServerResponse, status: number, body?: object) => {
    res.writeHead(status, body ? { 'content-type': 'application/json' } : { 'content-length': '0' });
    res.end(body ? JSON.stringify(body) : undefined);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAtMs = now();
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        core.archive(PROTOCOL, '', remote, Buffer.concat(chunks), 'oversized', `a body above ${options.maxBodyBytes} bytes`);
        core.closed(PROTOCOL, 'oversized');
        res.setHeader('connection', 'close');
        return answer(res, 413, { error: { code: 'oversized', message: `the body exceeds ${options.maxBodyBytes} bytes (gateway.max_frame_bytes)` } });
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    // The archived frame: request line and body, what a replay needs.
    const frame = Buffer.concat([Buffer.from(`${req.method ?? ''} ${req.url ?? ''}\n`), body]);
    const decoded = decodeOsmandRequest(req.method ?? '', req.url ?? '/', req.headers['content-type'] ?? '', body);
    if (!decoded.ok) {
      core.archive(PROTOCOL, '', remote, frame, decoded.reason, decoded.detail);
      return answer(res, 400, { error: { code: 'malformed', field: decoded.field, message: decoded.detail } });
    }
    const deviceId = decoded.value[0]?.deviceId ?? '';
    const resolution = core.login(PROTOCOL, deviceId, remote, frame);
    if (resolution.kind === 'unknown' || resolution.kind === 'disabled') {
      return answer(res, 403, { error: { code: `${resolution.kind}_device`, message: `device ${deviceId} is not registered: fleetlake devices add ${deviceId} --vehicle <id>` } });
    }
    const { positions, withoutFix } = osmandPositions(resolution.vehicle, decoded.value);
    try {
      await core.deliver({ protocol: PROTOCOL, deviceId, remote, receivedAtMs, frame, positions, withoutFix });
    } catch (err) {
      logger.warn({ err: errorMessage(err), deviceId }, 'cannot publish an OsmAnd report; the app will send it again');
      return answer(res, 503, { error: { code: 'publish_failed', message: 'the broker did not take the positions; send again' } });
    }
    answer(res, 200);
  }

  return listenOn(server, sockets, PROTOCOL, options.host, options.port);
}
