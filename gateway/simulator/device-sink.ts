import { parsePosition, type Position } from '../../core/position.ts';
import { createRandom, mix32, type Random } from '../../generator/prng.ts';
import type { OutgoingMessage, PositionSink } from '../../generator/sink.ts';
import type { DeviceEntry } from '../device-store.ts';
import { createOsmandDevice } from './osmand-device.ts';
import { gt06Device, simulatedImei, teltonikaDevice } from './protocol-devices.ts';
import { createStreamDevice } from './stream-device.ts';

export type DeviceProtocol = 'teltonika' | 'gt06' | 'osmand';

export interface DeviceSinkOptions {
  readonly protocol: DeviceProtocol;
  readonly host: string;
  readonly port: number;
  /** Teltonika packets carry 1 to this many records (drawn per packet); GT06 and OsmAnd send one per frame. */
  readonly maxRecordsPerPacket: number;
  readonly ackTimeoutMs: number;
  readonly seed: number;
  /** Share of ACKs ignored, so the packet is sent again (duplicate handling tests). */
  readonly dropAckShare?: number;
}

export interface DeviceSink extends PositionSink {
  readonly stats: { packets: number; positions: number; resends: number };
}

interface Vehicle {
  readonly random: Random;
  pending: Position[];
  target: number;
  send(positions: Position[]): Promise<void>;
  resends(): number;
  close(): void;
}

/**
 * The device simulator: a sink that turns generated positions into real
 * protocol traffic. Every vehicle is a device with its own connection (or,
 * for OsmAnd, its own requests), logged in with its own id; it waits for each
 * ACK and resends on timeout. Vehicles send in parallel, each in order.
 */
export function createDeviceSink(options: DeviceSinkOptions): DeviceSink {
  const vehicles = new Map<string, Vehicle>();
  const stats = { packets: 0, positions: 0, resends: 0 };

  const vehicleFor = (p: Position): Vehicle => {
    const known = vehicles.get(p.vehicle_id);
    if (known) return known;
    const index = vehicles.size;
    const random = createRandom(mix32(options.seed, index));
    const deviceId = options.protocol === 'osmand' ? p.vehicle_id : simulatedImei(p.vehicle_id);
    const target = () => 1 + random.int(options.maxRecordsPerPacket);
    let send: Vehicle['send'];
    let resends: () => number;
    let close = () => {};
    if (options.protocol === 'osmand') {
      const device = createOsmandDevice({ host: options.host, port: options.port, deviceId, json: index % 2 === 1, timeoutMs: options.ackTimeoutMs });
      send = async (positions) => {
        for (const position of positions) await device.send(position);
      };
      resends = () => device.resends;
    } else {
      const common = { host: options.host, port: options.port, deviceId, ackTimeoutMs: options.ackTimeoutMs, dropAckShare: options.dropAckShare, random };
      if (options.protocol === 'teltonika') {
        const protocol = teltonikaDevice(deviceId, index % 2 === 1);
        const device = createStreamDevice({ ...common, protocol });
        send = (positions) => device.send(protocol.packet(positions));
        resends = () => device.resends;
        close = () => device.close();
      } else {
        const protocol = gt06Device(deviceId);
        const device = createStreamDevice({ ...common, protocol });
        send = async (positions) => {
          for (const position of positions) await device.send(protocol.packet(position));
        };
        resends = () => device.resends;
        close = () => device.close();
      }
    }
    const vehicle: Vehicle = {
      random,
      pending: [],
      target: options.protocol === 'teltonika' ? target() : 1,
      send,
      resends,
      close,
    };
    if (options.protocol === 'teltonika') {
      const inner = vehicle.send;
      vehicle.send = async (positions) => {
        await inner(positions);
        vehicle.target = target();
      };
    }
    vehicles.set(p.vehicle_id, vehicle);
    return vehicle;
  };

  /** Sends every full packet of a vehicle (all of them when flushing), one after the other. */
  const drain = async (v: Vehicle, flush: boolean) => {
    while (v.pending.length >= v.target || (flush && v.pending.length > 0)) {
      const packet = v.pending.slice(0, v.target);
      v.pending = v.pending.slice(packet.length);
      await v.send(packet);
      stats.packets += options.protocol === 'teltonika' ? 1 : packet.length;
      stats.positions += packet.length;
    }
  };

  return {
    stats,
    async send(batch: OutgoingMessage[]) {
      const touched = new Set<Vehicle>();
      for (const m of batch) {
        const check = parsePosition(m.value);
        // Broken messages (--malformed-share) have no device form: a tracker cannot send them.
        if (!check.ok) continue;
        const v = vehicleFor(check.position);
        v.pending.push(check.position);
        touched.add(v);
      }
      await Promise.all([...touched].map((v) => drain(v, false)));
      stats.resends = [...vehicles.values()].reduce((s, v) => s + v.resends(), 0);
    },
    async close() {
      try {
        await Promise.all([...vehicles.values()].map((v) => drain(v, true)));
      } finally {
        for (const v of vehicles.values()) v.close();
        stats.resends = [...vehicles.values()].reduce((s, v) => s + v.resends(), 0);
      }
    },
  };
}

/** The registry rows a simulated fleet needs, known before it sends: `fleetlake generate --devices-csv`. */
export function simulatedDevices(protocol: DeviceProtocol, roster: readonly { vehicle_id: string; vehicle_type: string }[]): DeviceEntry[] {
  return roster.map((v) => ({ device_id: protocol === 'osmand' ? v.vehicle_id : simulatedImei(v.vehicle_id), vehicle_id: v.vehicle_id, vehicle_type: v.vehicle_type, enabled: true }));
}

/** Parses `teltonika://HOST:PORT`, `gt06://HOST:PORT` or `osmand://HOST:PORT`; undefined for anything else. */
export function parseDeviceSinkUrl(text: string): { protocol: DeviceProtocol; host: string; port: number } | undefined {
  const match = /^(teltonika|gt06|osmand):\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { protocol: match[1] as DeviceProtocol, host: match[2]!.replace(/^\[|\]$/g, ''), port };
}
