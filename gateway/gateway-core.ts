import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { encodePosition, type Position } from '../core/position.ts';
import { createDeviceCommands, type DeviceCommands } from './device-commands.ts';
import type { DeviceRegistry, Resolution } from './device-registry.ts';
import { encodeFrameRecord, type GatewayProtocol } from './frame-record.ts';
import type { GatewayOutput } from './gateway-output.ts';

/** A decoded frame that the device waits to have acknowledged. */
export interface Delivery {
  readonly protocol: GatewayProtocol;
  readonly deviceId: string;
  readonly remote: string;
  readonly receivedAtMs: number;
  readonly frame: Buffer;
  readonly positions: readonly Position[];
  readonly withoutFix: number;
}

export interface GatewayCore {
  /** Looks a device up at login (or per request); counts and logs unknown devices. */
  login(protocol: GatewayProtocol, deviceId: string, remote: string, frame: Buffer): Resolution;
  /**
   * Publishes the positions and archives the frame; resolves once the broker
   * acknowledged both, which is when the caller may ACK the device. A frame
   * the device already had published (a resend after a lost ACK) resolves at
   * once without publishing again. Rejects when the output fails (no ACK: the
   * device sends again).
   */
  deliver(d: Delivery): Promise<'published' | 'duplicate'>;
  /** Archives a frame that gives no positions (login answers, rejects, unknown devices); never throws. */
  archive(protocol: GatewayProtocol, deviceId: string, remote: string, frame: Buffer, outcome: string, detail: string): void;
  /** Counts a connection the gateway closed or refused. */
  closed(protocol: GatewayProtocol, reason: string): void;
  /** Commands to devices over their open connections. */
  readonly commands: DeviceCommands;
  /** Marks `frame` as published for `deviceId`: a restarted gateway recalls what its predecessor published (resend-memory.ts). */
  remember(deviceId: string, frame: Buffer): void;
  /** ACK latencies (seconds) and positions published since the last call, for the metrics report. */
  takeWindow(): { readonly ackSeconds: number[]; readonly positions: number };
  readonly metrics: Metrics;
}

/** Frames remembered per device to recognise resends; a device resends its last unacknowledged packet, so a few suffice. */
const REMEMBERED_FRAMES = 16;

export function createGatewayCore(registry: DeviceRegistry, output: GatewayOutput, metrics: Metrics, logger: Logger, now: () => number = Date.now): GatewayCore {
  const published = new Map<string, string[]>();
  const digest = (frame: Buffer) => createHash('sha1').update(frame).digest('base64');
  let window = { ackSeconds: [] as number[], positions: 0 };
  const remember = (deviceId: string, key: string) => {
    const list = published.get(deviceId) ?? [];
    list.push(key);
    if (list.length > REMEMBERED_FRAMES) list.shift();
    published.set(deviceId, list);
  };

  const archive: GatewayCore['archive'] = (protocol, deviceId, remote, frame, outcome, detail) => {
    metrics.gatewayFrames.inc({ protocol, outcome });
    const record = encodeFrameRecord({ receivedAtMs: now(), deviceId, protocol, remote, outcome, detail, positions: 0, frame });
    output.write([], [record]).catch((err: unknown) => logger.warn({ err, protocol, deviceId, outcome }, 'cannot archive a frame'));
  };

  return {
    metrics,
    commands: createDeviceCommands(),
    login(protocol, deviceId, remote, frame) {
      const resolution = registry.resolve(deviceId);
      if (resolution.kind === 'unknown' || resolution.kind === 'disabled') {
        metrics.gatewayUnknownDevices.inc({ protocol });
        logger.warn({ protocol, deviceId, remote }, `${resolution.kind} device refused: \`fleetlake devices add ${deviceId} --vehicle <id>\` lets it in`);
        archive(protocol, deviceId, remote, frame, `${resolution.kind}_device`, '');
      } else if (resolution.kind === 'registered') {
        metrics.gatewayUnknownDevices.inc({ protocol });
        logger.info({ protocol, deviceId, remote }, 'unknown device registered (gateway.unknown_devices = register)');
      }
      return resolution;
    },
    async deliver(d) {
      const started = now();
      const key = digest(d.frame);
      const seen = published.get(d.deviceId);
      const duplicate = d.positions.length > 0 && seen?.includes(key) === true;
      const outcome = duplicate ? 'duplicate' : d.positions.length === 0 && d.withoutFix > 0 ? 'no_fix' : 'ok';
      const frame = encodeFrameRecord({ receivedAtMs: d.receivedAtMs, deviceId: d.deviceId, protocol: d.protocol, remote: d.remote, outcome, detail: '', positions: duplicate ? 0 : d.positions.length, frame: d.frame });
      const positions = duplicate ? [] : d.positions.map((p) => ({ key: p.vehicle_id, value: encodePosition(p) }));
      try {
        await output.write(positions, [frame]);
      } catch (err) {
        metrics.gatewayFrames.inc({ protocol: d.protocol, outcome: 'publish_failed' });
        throw err;
      }
      metrics.gatewayFrames.inc({ protocol: d.protocol, outcome });
      if (d.withoutFix > 0) metrics.gatewayRecordsWithoutFix.inc({ protocol: d.protocol }, d.withoutFix);
      const ackSeconds = (now() - started) / 1000;
      metrics.gatewayAckSeconds.observe({ protocol: d.protocol }, ackSeconds);
      // A report interval's sample, bounded: past 100,000 ACKs in one interval, the first ones make the quantiles.
      if (window.ackSeconds.length < 100_000) window.ackSeconds.push(ackSeconds);
      if (!duplicate) window.positions += d.positions.length;
      if (duplicate) return 'duplicate';
      if (d.positions.length > 0) {
        metrics.gatewayPositions.inc({ protocol: d.protocol }, d.positions.length);
        remember(d.deviceId, key);
      }
      return 'published';
    },
    archive,
    remember: (deviceId, frame) => remember(deviceId, digest(frame)),
    closed: (protocol, reason) => metrics.gatewayClosed.inc({ protocol, reason }),
    takeWindow() {
      const taken = window;
      window = { ackSeconds: [], positions: 0 };
      return taken;
    },
  };
}
