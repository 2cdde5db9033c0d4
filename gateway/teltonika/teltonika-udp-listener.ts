import { createSocket } from 'node:dgram';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { GatewayCore } from '../gateway-core.ts';
import type { Listener } from '../listen.ts';
import { teltonikaPositions } from '../to-positions.ts';
import { decodeTeltonikaUdp, encodeTeltonikaUdpAck } from './udp-datagram.ts';

const PROTOCOL = 'teltonika-udp';

export interface TeltonikaUdpOptions {
  readonly host: string;
  readonly port: number;
  readonly core: GatewayCore;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Teltonika over UDP: every datagram names its device and is answered, once
 * durable, with its packet id and record count. Bad datagrams and unknown
 * devices get no answer (the device retries, and the count says why).
 */
export async function startTeltonikaUdpListener(options: TeltonikaUdpOptions): Promise<Listener> {
  const { core, logger } = options;
  const now = options.now ?? Date.now;
  const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (datagram, rinfo) => {
    void (async () => {
      const receivedAtMs = now();
      const remote = `${rinfo.address}:${rinfo.port}`;
      const out = decodeTeltonikaUdp(datagram, options.maxFrameBytes);
      if (!out.ok) {
        core.archive(PROTOCOL, '', remote, datagram, out.reason, out.detail);
        return;
      }
      const { imei, data, packetId, avlPacketId } = out.value;
      const resolution = core.login(PROTOCOL, imei, remote, datagram);
      if (resolution.kind === 'unknown' || resolution.kind === 'disabled') return;
      const { positions, withoutFix } = teltonikaPositions(imei, resolution.vehicle, data.records);
      try {
        await core.deliver({ protocol: PROTOCOL, deviceId: imei, remote, receivedAtMs, frame: datagram, positions, withoutFix });
      } catch (err) {
        logger.warn({ err: errorMessage(err), deviceId: imei }, 'cannot publish a UDP packet; no answer, so the device sends it again');
        return;
      }
      socket.send(encodeTeltonikaUdpAck(packetId, avlPacketId, data.records.length), rinfo.port, rinfo.address);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (err) => reject(new FleetlakeError('GATEWAY_PORT_BUSY', { protocol: 'teltonika', host: options.host, port: options.port, detail: `UDP: ${errorMessage(err)}` }, { cause: err })));
    socket.bind(options.port, options.host, () => resolve());
  });
  socket.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'Teltonika UDP socket error'));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
